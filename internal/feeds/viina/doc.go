// Package viina reads VIINA (Violent Incident Information from News
// Articles, Zhukov et al., University of Michigan): news reports of the war
// in Ukraine, geocoded and labelled by a language model. It reads the
// monthly files viina_incidents_YYYYMM.csv (columns datetime, lon, lat,
// place_name, event_type, headline; event_type holds |-separated labels) and
// also the upstream event files that carry the labels as t_*_b columns.
//
// It owns what is particular to VIINA: detecting the files by their header,
// the day-or-minute timestamps, the default table from label to backstop
// incident type and the precedence that picks one type when a report has
// several labels (DefaultCategories, Precedence), and admin1 from the
// coordinates through feeds.Options.Oblasts (ByPoint, cached per point).
// Decompression and the byte order mark are internal/feeds' business, but
// Read also accepts data that still begins with a BOM.
//
// Reader implements feeds.Reader; internal/feeds/all lists it and
// internal/monitor evaluates the incidents it returns. docs/feeds.md
// describes the mapping.
package viina
