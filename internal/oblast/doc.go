// Package oblast knows Ukraine's 27 first-level units — 24 oblasts, the
// Autonomous Republic of Crimea and the cities with special status Kyiv
// and Sevastopol — by their ISO 3166-2:UA codes ("UA-14"), and maps to
// those codes the names data sets write ("Donetsk", "Донецька область",
// "Donetska oblast", "Kyiv City") and, when their polygons are loaded, the
// points they hold. Table implements feeds.Oblasts for the incident
// readers, and gives internal/territory the polygons it splits
// changes of territory by.
//
// The names come from a crosswalk embedded in the binary (crosswalk.csv,
// CC BY-SA, see ATTRIBUTION.md) and a small table of extra spellings and
// decisions (aliases.go). The polygons are not embedded: Load reads them
// from the Minregion GeoJSON the user names (--oblasts), such as
// ../shared/data/ua-oblasts/oblast.geojson.
package oblast
