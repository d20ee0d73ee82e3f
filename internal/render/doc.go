// Package render renders every view backstop prints, and only renders: it
// computes no result. Its views:
//
//   - assess: an assess.Report as an aligned terminal table (Table),
//     GitHub-flavoured Markdown (Markdown), one self-contained HTML page
//     with no scripts and no network (HTML), the coverage-over-time chart
//     as standalone SVG (CoverageChart) and JSON (JSON);
//   - monitor: a monitor.Report's breaches (MonitorTable, MonitorJSON,
//     MonitorJSONL, MonitorHTML, EpisodeJSONL for --follow) and the
//     mission's daily report (MissionTable, MissionCSV, MissionHTML,
//     MissionJSON);
//   - simulate: a sim.Result (SimulateTable, SimulateJSON, SimulateHTML);
//   - corroborate: a corroborate.Result (CorroborateTable,
//     CorroborateJSON, CorroborateJSONL, CorroborateCSV);
//   - territory: areas and changes of the occupied territory
//     (TerritoryArea*, TerritoryDiff*);
//   - diagnostics: one FILE:LINE:COL line each (DiagnosticsText), the
//     JSON array of validate --format json (DiagnosticsJSON), and
//     validate's verdict line (ValidateSummary);
//   - import: the summaries `backstop import` writes (ImportSummary,
//     ImportFeedSummary, ImportDuplicates, ImportWritten).
//
// Each command's --format values are a Formats list (AssessFormats,
// MonitorFormats…) whose Parse gives the usage error, and one function
// per view (Assess, Monitor, Simulate, Corroborate, TerritoryArea,
// TerritoryDiff, Validate; write.go) maps the Format to its renderer.
//
// It owns layout and number formatting (numbers.go and internal/numfmt:
// thousands separators, units, percentages, money), never results: every
// figure, the verdict included, comes from the package that computed it.
// The sections are built once as grids of formatted strings (grid, cell,
// column in term.go; assess's in assess_table.go) and written out by each
// renderer, the terminal one (term) included, so the formats never
// disagree. internal/cli and internal/server choose a view, a Format and
// the writer.
package render
