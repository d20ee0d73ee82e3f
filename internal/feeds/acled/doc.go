// Package acled reads ACLED (Armed Conflict Location & Event Data)
// exports: one incident per event row, typed from sub_event_type through a
// documented default table (Defaults) that feeds.Options.Categories
// overrides. It reads both date forms ACLED files come in: the export
// tool's DD/MM/YYYY 00:00:00 and ACLED's native YYYY-MM-DD. docs/feeds.md
// describes the mapping; internal/feeds/all detects the format and
// internal/monitor evaluates the incidents.
package acled
