// Package diag holds diagnostics as values: what went wrong, how badly, and
// where in which file. Every stage of backstop (loading, validation, and the
// commands built on them) returns Diagnostics instead of printing or failing
// on the first problem; internal/cli renders them as text or JSON.
//
// A Diagnostic may carry a document Path (for example
// "pledges[2].posture") before it has a Range: rules that work on the
// document model report paths, and internal/load, which owns the YAML
// nodes, turns each path into a Range.
package diag
