package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/render"
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
  backstop validate examples/ukraine-2025/framework.yaml examples/ukraine-2025/declarations/
  backstop validate --format json examples/ukraine-2025 | jq '.[] | select(.severity == "error")'
  cat examples/ukraine-2025/declarations/gb.yaml | backstop validate examples/ukraine-2025/framework.yaml -

` + exitCodesHelp + "\n"

type validateParams struct {
	paths  []string
	format render.Format
}

func runValidate(args []string, s Streams) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	p := validateParams{}
	var format string
	fs.StringVar(&format, "format", string(render.ValidateFormats.Default()), "output format: text or json")
	paths, exit, ok := parseFlags(fs, args, validateUsage, s)
	if !ok {
		return exit
	}
	p.paths = paths
	if len(p.paths) == 0 {
		fmt.Fprintf(s.Err, "backstop validate: no files or folders given\n\n%s", validateUsage)
		return ExitUsage
	}
	var err error
	if p.format, err = render.ValidateFormats.Parse(format); err != nil {
		fmt.Fprintf(s.Err, "backstop validate: %v\n", err)
		return ExitUsage
	}
	set, ds := load.Paths(p.paths, s.In)
	if len(set.Docs) == 0 && !ds.HasErrors() {
		// An empty file, or comments only, is not a valid guarantee.
		verb := "holds"
		if len(p.paths) > 1 {
			verb = "hold"
		}
		fmt.Fprintf(s.Err, "backstop validate: %s %s no document (empty, or comments only)\n", strings.Join(p.paths, ", "), verb)
		return ExitInvalid
	}
	if err = render.Validate(s.Out, s.notes(), p.format, set, ds); err != nil {
		fmt.Fprintf(s.Err, "backstop validate: %v\n", err)
		return ExitUsage
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

// writeDiagnosticsText prints one line per diagnostic (render.DiagnosticsText).
func writeDiagnosticsText(w io.Writer, ds diag.Diagnostics) { render.DiagnosticsText(w, ds) }
