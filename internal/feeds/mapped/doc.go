// Package mapped reads any CSV of incidents through a small YAML mapping
// file that names the columns holding each incident field, the time
// layouts and zone, and the table from the source's categories to
// incident types. The mapping file is read strictly: unknown keys, wrong
// types, time layouts without a date and types outside the vocabulary are
// errors at their line and column. docs/feeds.md gives the format.
package mapped
