package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
)

const validateUsage = `Usage: backstop validate [--format text|json] PATH...

Loads every document in the given files and folders (folders are searched
recursively for *.yaml, *.yml and *.json; "-" reads standard input) and checks
them together: YAML syntax, unknown or missing fields, ids, parties, domains,
postures, units, durations and dates, cross-references between documents,
cycles in the sequence, CEL expressions (syntax, types and cost), caveats
broken by a party's own pledge and red lines crossed by others.

Every problem is printed, sorted by file and position, as
  FILE:LINE:COL: error: message
  FILE:LINE:COL: warning: message

Flags:
  --format text|json   output format (default text); json prints the
                       diagnostics as a JSON array (see docs/json.md)

Examples:
  backstop validate examples/ukraine-2025
  backstop validate framework.yaml declarations/
  backstop validate --format json examples/ukraine-2025 | jq '.[] | select(.severity == "error")'
  cat declaration.yaml | backstop validate framework.yaml -

` + exitCodesHelp + "\n"

type validateParams struct {
	paths  []string
	format string
}

func runValidate(args []string, s Streams) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	p := validateParams{}
	fs.StringVar(&p.format, "format", "text", "output format: text or json")
	paths, exit, ok := parseFlags(fs, args, validateUsage, s)
	if !ok {
		return exit
	}
	p.paths = paths
	if len(p.paths) == 0 {
		fmt.Fprintf(s.Err, "backstop validate: no files or folders given\n\n%s", validateUsage)
		return ExitUsage
	}
	if p.format != "text" && p.format != "json" {
		fmt.Fprintf(s.Err, "backstop validate: unknown format %q; use text or json\n", p.format)
		return ExitUsage
	}
	set, ds := load.Paths(p.paths, s.In)
	if p.format == "json" {
		if err := writeDiagnosticsJSON(s.Out, ds); err != nil {
			fmt.Fprintf(s.Err, "backstop validate: %v\n", err)
			return ExitUsage
		}
	} else {
		writeDiagnosticsText(s.Out, ds)
		writeValidateSummary(s.Err, set, ds)
	}
	return exitCode(ds)
}

// exitCode maps diagnostics to the documented exit codes.
func exitCode(ds diag.Diagnostics) int {
	if slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Code == load.CodeIO }) {
		return ExitUsage
	}
	if ds.HasErrors() {
		return ExitInvalid
	}
	return ExitOK
}

// writeDiagnosticsText prints one line per diagnostic.
func writeDiagnosticsText(w io.Writer, ds diag.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

func writeValidateSummary(w io.Writer, set *load.Set, ds diag.Diagnostics) {
	errs, warns := ds.Count()
	files := map[string]bool{}
	for _, d := range set.Docs {
		files[d.File.Name] = true
	}
	verdict := "valid"
	if errs > 0 {
		verdict = "invalid"
	}
	fmt.Fprintf(w, "%s: %d documents in %d files, %s, %s\n", verdict,
		len(set.Docs), len(files), plural(errs, "error"), plural(warns, "warning"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// jsonDiagnostic is the stable JSON shape of a diagnostic (docs/json.md).
type jsonDiagnostic struct {
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Message   string `json:"message"`
	Path      string `json:"path"`
}

func writeDiagnosticsJSON(w io.Writer, ds diag.Diagnostics) error {
	out := make([]jsonDiagnostic, 0, len(ds))
	for _, d := range ds {
		out = append(out, jsonDiagnostic{
			Severity: d.Severity.String(), Code: d.Code, File: d.Range.File,
			Line: d.Range.Start.Line, Column: d.Range.Start.Column,
			EndLine: d.Range.End.Line, EndColumn: d.Range.End.Column,
			Message: d.Summary, Path: d.Path,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
