// Package cli is the backstop command line: one file per command, each a
// params struct filled from flags, a call into the package that does the
// work, and a view that renders the result (text or JSON) and returns the
// exit code. Nothing here computes anything the server could not compute
// through the same packages.
package cli
