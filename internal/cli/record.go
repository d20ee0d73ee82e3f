package cli

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/backstop-dev/backstop/internal/watch"
)

const recordUsage = `Usage: backstop record FRAMEWORK_PATH... --incidents FILE... [flags]

Runs the monitoring as backstop monitor does, then keeps each party's record
over the breaches found and the findings and actions filed on them: the
responses due and how many were taken on time, late, declined, are pending
or overdue (those on breaches a monitor rejected are not due), the pledges
activated and the quantities delivered, the median delay as a share of the
time allowed, and a grade by a rule printed with it:

  score = (on time + 0.5 × late) / (on time + late + declined + overdue)
  A ≥ 0.9, B ≥ 0.75, C ≥ 0.5, D ≥ 0.25, else F; — when nothing fell due yet

Flags:
  --incidents FILE...  incident files or folders: --incidents A.csv B.csv (the
                       data files after it), or repeat the flag
  --territory DIR      DeepState snapshots, for the territory triggers
  --oblasts FILE       oblast.geojson, to place incidents by coordinates
  --since T, --until T narrow the period evaluated (RFC 3339 or YYYY-MM-DD,
                       UTC; --since before --until)
  --framework ID       the framework, when several are loaded
  --format FORMAT      table (default), json, markdown or html
  --out FILE           write the record to FILE
  --color WHEN         auto, always or never

Examples:
  backstop record examples/ukraine-2025 --incidents ../shared/data/missile-attacks/missile_attacks_daily.csv
  backstop record examples/ukraine-2025 --incidents ../shared/data/missile-attacks/missile_attacks_daily.csv \
      --until 2025-09-12 --format json --out record.json

The rule and the JSON schema are described in docs/record.md.

` + exitCodesHelp + "\n"

type recordParams struct {
	req        watch.Request
	paths      []string
	incidents  listFlag
	format     render.Format
	out, color string
}

func runRecord(args []string, s Streams) int {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	p := recordParams{req: watch.Request{Quiet: 72 * time.Hour}}
	r := &p.req
	since, until := &instantFlag{t: &r.Since}, &instantFlag{t: &r.Until}
	fs.Var(&p.incidents, "incidents", "incident file or folder")
	fs.StringVar(&r.Territory, "territory", "", "snapshot folder")
	fs.StringVar(&r.Oblasts, "oblasts", "", "oblast.geojson")
	fs.Var(since, "since", "start")
	fs.Var(until, "until", "end")
	fs.StringVar(&r.Framework, "framework", "", "framework id")
	format := fs.String("format", string(render.RecordFormats.Default()), "format")
	fs.StringVar(&p.out, "out", "", "output file")
	fs.StringVar(&p.color, "color", "auto", "auto, always or never")
	paths, exit, ok := parseFlags(fs, severalValues(args, "incidents"), recordUsage, s)
	if !ok {
		return exit
	}
	p.paths = paths
	usage := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop record: "+format+"\n", a...)
		return ExitUsage
	}
	var err error
	p.format, err = render.RecordFormats.Parse(*format)
	switch {
	case len(p.paths) == 0:
		return usage("no framework given\n\n%s", recordUsage)
	case monitoringMistake(p.paths, p.color, r, since, until) != "":
		return usage("%s", monitoringMistake(p.paths, p.color, r, since, until))
	case len(p.incidents) == 0 && r.Territory == "":
		return usage("nothing to monitor: give --incidents FILE or --territory DIR")
	case err != nil:
		return usage("%v", err)
	}
	return recordRun(p, s)
}

// recordRun runs the monitoring (internal/watch), keeps the parties'
// record (internal/record) and renders it; a diagnostic that is an error
// makes the exit code 1.
func recordRun(p recordParams, s Streams) int {
	res, err := runWatch(p.req, p.paths, p.incidents, s, watchHooks(s))
	if err != nil {
		return watchError("record", err, s)
	}
	rec := monitor.Records(res.Report, res.Framework)
	view := func(w io.Writer, opts render.TableOptions) error { return render.Record(w, p.format, rec, opts) }
	if code := writeView(s, "record", p.out, p.color, view, func() string { return render.RecordSummary(rec) }); code != ExitOK {
		return code
	}
	if res.Failed {
		return ExitInvalid
	}
	return ExitOK
}
