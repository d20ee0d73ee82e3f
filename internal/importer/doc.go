// Package importer opens the data set an importer reads (Open: a file or
// standard input); each importer is a subpackage that turns one public
// data set into backstop documents (Declarations, and optionally a
// minimal Framework), as YAML that internal/load reads like any
// hand-written file.
//
//   - internal/importer/kiel: the Kiel Institute's Ukraine Support Tracker
//     (committed and allocated aid per donor and month) as layer-1
//     Declarations; see docs/import.md.
//
// An importer reads from an io.Reader, reports problems as positioned
// diagnostics (internal/diag) and never prints; the `backstop import`
// command (internal/cli) chooses the importer, writes the YAML and the
// diagnostics, and turns them into an exit code.
package importer
