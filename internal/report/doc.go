// Package report renders an assess.Report, and only renders it: an aligned
// text table for terminals (Table), GitHub-flavoured Markdown (Markdown),
// one self-contained HTML page with no scripts and no network (HTML), the
// coverage-over-time chart as standalone SVG (CoverageChart) and indented
// JSON (JSON).
//
// It owns layout and number formatting (format.go: thousands separators,
// units, percentages, money), never results: every figure, the verdict
// included, comes from the Report that internal/assess computed. The
// sections are built once as plain tables of formatted strings (table.go)
// and written out by each renderer, so the formats never disagree.
// internal/cli, and later the server, choose a renderer and the writer.
package report
