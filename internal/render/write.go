package render

import (
	"io"

	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/sim"
	"github.com/backstop-dev/backstop/internal/territory"
)

// Each command's view in every format it offers: the one place that maps a
// Format to a renderer. Anything outside the view's Formats is written as
// its default, the table; commands parse --format with the Formats first.

// Assess writes an assessment in f, one of AssessFormats.
func Assess(w io.Writer, f Format, r *assess.Report, o TableOptions) error {
	switch f {
	case FormatJSON:
		return JSON(w, r)
	case FormatMarkdown:
		return Markdown(w, r)
	case FormatHTML:
		return HTML(w, r)
	}
	return Table(w, r, o)
}

// Simulate writes a simulation's result in f, one of SimulateFormats.
func Simulate(w io.Writer, f Format, r *sim.Result, o TableOptions) error {
	switch f {
	case FormatJSON:
		return SimulateJSON(w, r)
	case FormatHTML:
		return SimulateHTML(w, r)
	}
	return SimulateTable(w, r, o)
}

// Corroborate writes a corroboration in f, one of CorroborateFormats; the
// table lists at most limit incidents.
func Corroborate(w io.Writer, f Format, r *corroborate.Result, o TableOptions, limit int) error {
	switch f {
	case FormatJSON:
		return CorroborateJSON(w, r)
	case FormatJSONL:
		return CorroborateJSONL(w, r)
	case FormatCSV:
		return CorroborateCSV(w, r)
	}
	return CorroborateTable(w, r, o, limit)
}

// Monitor writes a monitoring run in f, one of MonitorFormats: the breaches
// of r, or, for the report formats (f.Mission()), the mission's report.
func Monitor(w io.Writer, f Format, r *monitor.Report, mission *monitor.MissionReport, o TableOptions) error {
	switch f {
	case FormatJSON:
		return MonitorJSON(w, r)
	case FormatJSONL:
		return MonitorJSONL(w, r)
	case FormatHTML:
		return MonitorHTML(w, r)
	case FormatReport:
		return MissionTable(w, mission, o)
	case FormatReportCSV:
		return MissionCSV(w, mission)
	case FormatReportHTML:
		return MissionHTML(w, mission)
	case FormatReportJSON:
		return MissionJSON(w, mission)
	}
	return MonitorTable(w, r, o)
}

// TerritoryArea writes the area of snapshots in f, one of
// TerritoryFormats.
func TerritoryArea(w io.Writer, f Format, snaps []*territory.Snapshot) error {
	if f == FormatJSON {
		return TerritoryAreaJSON(w, snaps)
	}
	TerritoryAreaTable(w, snaps)
	return nil
}

// TerritoryDiff writes the change between two snapshots in f, one of
// TerritoryFormats; by oblast when byOblast.
func TerritoryDiff(w io.Writer, f Format, from, to *territory.Snapshot, c territory.Change, byOblast bool) error {
	if f == FormatJSON {
		return TerritoryDiffJSON(w, from, to, c, byOblast)
	}
	TerritoryDiffTable(w, from, to, c, byOblast)
	return nil
}

// Validate writes validate's view in f, one of ValidateFormats: the JSON
// array to out; or a line per diagnostic to out and the verdict line to
// summary.
func Validate(out, summary io.Writer, f Format, set *load.Set, ds diag.Diagnostics) error {
	if f == FormatJSON {
		return DiagnosticsJSON(out, ds)
	}
	DiagnosticsText(out, ds)
	ValidateSummary(summary, set, ds)
	return nil
}
