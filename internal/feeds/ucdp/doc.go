// Package ucdp reads the UCDP Georeferenced Event Dataset (GED) as CSV,
// whether as UCDP publishes it (UTF-8, ISO dates) or after a round trip
// through Excel (Windows-1252, which feeds.Source decodes, and US dates
// such as 8/31/2022 12:00:00 AM). Quoted fields may span lines. One
// incident per event, typed from type_of_violence through a documented
// default table (Defaults) that feeds.Options.Categories overrides;
// docs/feeds.md describes the mapping. internal/feeds/all detects the
// format and internal/monitor evaluates the incidents.
package ucdp
