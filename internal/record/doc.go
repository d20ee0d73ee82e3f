// Package record keeps each party's record over a monitoring report: of
// the responses the breaches called for, how many it took on time, late,
// declined, still has time for, or let pass; the pledges the breaches
// activated and the quantities it delivered; how long it took, as a share
// of the time it had; and a grade by a rule stated in the record
// (docs/record.md).
//
// Compute reads a monitor.Report whose account is done (monitor.Account,
// which monitor.Execute calls) and does no I/O; internal/render writes
// the Record as a table, Markdown, HTML or JSON, and the record command
// of internal/cli prints it.
package record
