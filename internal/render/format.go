package render

import (
	"fmt"
	"strings"
)

// Format is an output format, the value of a command's --format flag.
type Format string

// The formats the views offer; each view lists its own (AssessFormats…).
const (
	FormatTable      Format = "table"       // aligned text for a terminal
	FormatText       Format = "text"        // one line per diagnostic
	FormatJSON       Format = "json"        // one indented JSON document
	FormatJSONL      Format = "jsonl"       // one JSON object per line
	FormatMarkdown   Format = "markdown"    // GitHub-flavoured Markdown
	FormatHTML       Format = "html"        // one self-contained page
	FormatCSV        Format = "csv"         // RFC 4180, with a header
	FormatReport     Format = "report"      // monitor: the mission's report, a table
	FormatReportCSV  Format = "report-csv"  // monitor: the mission's report as CSV
	FormatReportHTML Format = "report-html" // monitor: the mission's report as a page
	FormatReportJSON Format = "report-json" // monitor: the mission's report as JSON
)

// Formats are the formats one view offers, its default first.
type Formats []Format

// The formats of each command's view.
var (
	AssessFormats      = Formats{FormatTable, FormatJSON, FormatMarkdown, FormatHTML}
	SimulateFormats    = Formats{FormatTable, FormatJSON, FormatHTML}
	CorroborateFormats = Formats{FormatTable, FormatJSON, FormatJSONL, FormatCSV}
	MonitorFormats     = Formats{FormatTable, FormatJSON, FormatJSONL, FormatHTML, FormatReport, FormatReportCSV, FormatReportHTML, FormatReportJSON}
	TerritoryFormats   = Formats{FormatTable, FormatJSON}
	RecordFormats      = Formats{FormatTable, FormatJSON, FormatMarkdown, FormatHTML}
	ValidateFormats    = Formats{FormatText, FormatJSON}
)

// Default is the format used when --format is not given.
func (fs Formats) Default() Format { return fs[0] }

// Parse returns s as one of the formats, or the usage error the commands
// print after their name: `unknown format "xml"; use text or json`.
func (fs Formats) Parse(s string) (Format, error) {
	for _, f := range fs {
		if string(f) == s {
			return f, nil
		}
	}
	// One vocabulary across commands: `table` names the terminal view
	// everywhere, validate's one-line-per-diagnostic text included.
	if Format(s) == FormatTable {
		for _, f := range fs {
			if f == FormatText {
				return f, nil
			}
		}
	}
	return "", fmt.Errorf("unknown format %q; use %s", s, fs)
}

// String lists the formats as a sentence does: "table, json or html".
func (fs Formats) String() string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = string(f)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Mission reports whether f is one of monitor's mission report formats
// (report, report-csv, …), which need the mission computed.
func (f Format) Mission() bool { return strings.HasPrefix(string(f), string(FormatReport)) }
