// Package assess answers "who can help with what and how" for a framework
// and its declarations: coverage of every requirement under the counting
// rules of the language, coverage over time, the party × domain matrix,
// burden sharing against GDP, the politics (caveats, red lines,
// supersession, approvals), the sequence gates, and a verdict line.
//
// It takes a validated load.Set and returns a Report: plain data with JSON
// tags (docs/assess.md). internal/render renders it; internal/cli and the
// server only choose the format.
package assess
