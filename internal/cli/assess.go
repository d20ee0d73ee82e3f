package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/gdp"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/render"
)

const assessUsage = `Usage: backstop assess [flags] PATH...

Loads a framework and its declarations (files and folders, as validate does;
invalid documents stop the assessment with the same diagnostics) and reports
who covers what and where the gaps are:
  - coverage of every requirement at --at: pledged (counted under the
    language's rules), approved, delivered, share met; per domain and layer
  - coverage over time: when each requirement becomes met, if ever
  - who gives what: the party × domain matrix, and burden sharing against GDP
  - politics: caveats broken, red lines crossed, superseded declarations,
    guarantors without a pledge, pledges awaiting approval
  - the sequence: every gate evaluated, which steps are open or blocked and why
  - a verdict line to quote

Flags:
  --at DATE            assessment date: YYYY-MM-DD, or RFC 3339 for its UTC
                       day (default: today, UTC)
  --format FORMAT      table (default), json, markdown or html
  --out FILE           write the report to FILE instead of standard output
  --framework ID       the framework to assess when several are loaded
  --gdp FILE           GDP for burden sharing, for parties whose gdp_usd_bn the
                       framework does not give: a World Bank CSV such as
                       ../shared/data/gdp-worldbank/gdp.csv (latest year per party)
  --color WHEN         auto (default: only on a terminal, unless NO_COLOR is set),
                       always or never

Examples:
  backstop assess examples/ukraine-2025
  backstop assess examples/ukraine-2025 --at 2026-03-01
  backstop assess examples/ukraine-2025 --gdp ../shared/data/gdp-worldbank/gdp.csv
  backstop assess examples/ukraine-2025 --format html --out assessment.html
  backstop assess examples/ukraine-2025 --format json | jq .verdict

The JSON schema is described in docs/assess.md.

` + exitCodesHelp + "\n"

type assessParams struct {
	paths     []string
	at        model.Date
	format    render.Format
	out       string
	framework string
	gdpFile   string
	color     string
}

func runAssess(args []string, s Streams) int {
	fs := flag.NewFlagSet("assess", flag.ContinueOnError)
	var p assessParams
	var at, format string
	fs.StringVar(&at, "at", "", "assessment date")
	fs.StringVar(&format, "format", string(render.AssessFormats.Default()), "table, json, markdown or html")
	fs.StringVar(&p.out, "out", "", "output file")
	fs.StringVar(&p.framework, "framework", "", "framework id")
	fs.StringVar(&p.gdpFile, "gdp", "", "GDP CSV")
	fs.StringVar(&p.color, "color", "auto", "auto, always or never")
	paths, exit, ok := parseFlags(fs, args, assessUsage, s)
	if !ok {
		return exit
	}
	p.paths = paths
	usage := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop assess: "+format+"\n", a...)
		return ExitUsage
	}
	var ferr error
	p.format, ferr = render.AssessFormats.Parse(format)
	switch {
	case len(p.paths) == 0:
		return usage("no files or folders given\n\n%s", assessUsage)
	case ferr != nil:
		return usage("%v", ferr)
	case !slices.Contains([]string{"auto", "always", "never"}, p.color):
		return usage("unknown --color %q; use auto, always or never", p.color)
	}
	p.at = model.Date{Time: time.Now().UTC().Truncate(24 * time.Hour)}
	if at != "" {
		d, err := parseDay(at)
		if err != nil {
			return usage("--at: %v", err)
		}
		p.at = d
	}

	set, ds := load.Paths(p.paths, s.In)
	if ds.HasErrors() {
		writeDiagnosticsText(s.Err, ds.Errors())
		fmt.Fprintf(s.Err, "backstop assess: the documents %s (%s); nothing assessed\n", problemWith(ds), render.Plural(len(ds.Errors()), "error"))
		return exitCode(ds)
	}
	opts := assess.Options{At: p.at}
	if p.gdpFile != "" {
		table, code := readGDP(p.gdpFile, s)
		if code != ExitOK {
			return code
		}
		opts.GDP = table
	}
	r, err := assess.Assess(set, p.framework, opts)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop assess: %v\n", err)
		return ExitUsage
	}
	return writeReport(r, p, s)
}

// readGDP reads the GDP input; rows it cannot read are reported, and an
// error in the file stops the assessment rather than silently skewing it.
func readGDP(path string, s Streams) (*gdp.Table, int) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(s.Err, "backstop assess: --gdp %s: no such file\n", path)
		} else {
			fmt.Fprintf(s.Err, "backstop assess: --gdp: %v\n", err)
		}
		return nil, ExitUsage
	}
	defer f.Close()
	table, ds := gdp.Read(path, f)
	writeDiagnosticsText(s.Err, ds)
	if ds.HasErrors() {
		fmt.Fprintf(s.Err, "backstop assess: --gdp %s has errors; nothing assessed\n", path)
		return nil, ExitInvalid
	}
	return table, ExitOK
}

func writeReport(r *assess.Report, p assessParams, s Streams) int {
	view := func(w io.Writer, opts render.TableOptions) error { return render.Assess(w, p.format, r, opts) }
	return writeView(s, "assess", p.out, p.color, view, func() string { return r.Verdict })
}

// isTerminal reports whether w is a character device (a terminal).
var isTerminal = render.IsTerminal
