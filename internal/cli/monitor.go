package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/backstop-dev/backstop/internal/watch"
)

const monitorUsage = `Usage: backstop monitor FRAMEWORK_PATH... --incidents FILE... [flags]

Reads incident feeds (and map snapshots), evaluates the framework's triggers in
time order, and reports every breach: its cause, the responses due and by when,
and the guarantors' pledges they activate. Firings of a trigger within the
quiet period form one breach (an episode) with a count.

Incident files are recognised from their header: ACLED, UCDP GED, the daily
missile/drone reports, air-raid alerts, VIINA (gzipped or not), backstop's own
JSON Lines or YAML; any other CSV is read through a mapping file. Every row is
accounted for: rows that cannot be read are reported as FILE:LINE:COL and
counted in the summary.

Flags:
  --incidents FILE...  incident files or folders: --incidents A.csv B.csv (the
                       data files after it), or repeat the flag
  --input-format FMT   skip detection: acled, ucdp, missile, alerts, viina,
                       jsonl or yaml
  --mapping FILE       read the incident files as CSV through this mapping
                       (docs/feeds.md)
  --categories FILE    override the readers' category → type tables
  --oblasts FILE       oblast.geojson, to place incidents by coordinates
                       (names are normalised to ISO 3166-2:UA without it)
  --territory DIR      DeepState snapshots: territory triggers run on every
                       snapshot after the framework's ceasefire, against the
                       ceasefire snapshot, which also decides beyond_line
  --corroborate FILE   corroboration rules: every incident gets a confidence
                       from the other sources before the triggers run, which
                       then read incident.confidence (docs/corroborate.md)
  --since T, --until T narrow the period evaluated (RFC 3339 or YYYY-MM-DD,
                       UTC; --since before --until). The triggers run only
                       while the framework is in force, from its ceasefire:
                       earlier incidents fill the sliding windows but never
                       start a breach
  --quiet-period DURATION
                       firings closer than this form one breach (default 72h)
  --strict             any skipped row is an error (exit 1)
  --format FORMAT      the breaches: table (default), json, jsonl (a breach
                       per line) or html; or the mission's daily report
                       (docs/mission-report.md): report (a table),
                       report-csv, report-html or report-json
  --by day|week        the mission report's period (default day, UTC)
  --out FILE           write the report to FILE
  --follow             read JSON Lines incidents from standard input (or from
                       the --incidents file as it grows) and print each breach
                       as a JSON line when it starts
  --framework ID       the framework, when several are loaded
  --color WHEN         auto, always or never

Examples:
  backstop monitor examples/ukraine-2025 --incidents ../shared/data/missile-attacks/missile_attacks_daily.csv
  backstop monitor examples/ukraine-2025 --territory ../shared/data/deepstate --since 2025-09-01
  backstop monitor examples/ukraine-2025 --incidents ../shared/data/viina --oblasts ../shared/data/ua-oblasts/oblast.geojson --format html --out breaches.html
  tail -f incidents.jsonl | backstop monitor examples/ukraine-2025 --follow

The JSON schema is described in docs/monitor.md.

` + exitCodesHelp + "\n"

type monitorParams struct {
	req            watch.Request
	paths          []string
	incidents      listFlag
	format         render.Format
	out, color, by string
}

func runMonitor(args []string, s Streams) int {
	fs := flag.NewFlagSet("monitor", flag.ContinueOnError)
	p := monitorParams{req: watch.Request{Quiet: 72 * time.Hour}}
	r := &p.req
	since, until := &instantFlag{t: &r.Since}, &instantFlag{t: &r.Until}
	fs.Var(&p.incidents, "incidents", "incident file or folder")
	fs.StringVar(&r.InputFormat, "input-format", "", "format")
	fs.StringVar(&r.Mapping, "mapping", "", "mapping file")
	fs.StringVar(&r.Categories, "categories", "", "category overrides")
	fs.StringVar(&r.Oblasts, "oblasts", "", "oblast.geojson")
	fs.StringVar(&r.Territory, "territory", "", "snapshot folder")
	fs.StringVar(&r.Corroborate, "corroborate", "", "corroboration rules")
	fs.Var(since, "since", "start")
	fs.Var(until, "until", "end")
	fs.Var(positiveDuration{&r.Quiet}, "quiet-period", "quiet period")
	fs.BoolVar(&r.Strict, "strict", false, "skipped rows are errors")
	fs.BoolVar(&r.Follow, "follow", false, "follow JSON Lines")
	format := fs.String("format", string(render.MonitorFormats.Default()), "format")
	fs.StringVar(&p.out, "out", "", "output file")
	fs.StringVar(&r.Framework, "framework", "", "framework id")
	fs.StringVar(&p.color, "color", "auto", "auto, always or never")
	fs.StringVar(&p.by, "by", monitor.ByDay, "day or week")
	paths, exit, ok := parseFlags(fs, severalValues(args, "incidents"), monitorUsage, s)
	if !ok {
		return exit
	}
	p.paths = paths
	usage := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop monitor: "+format+"\n", a...)
		return ExitUsage
	}
	var err error
	p.format, err = render.MonitorFormats.Parse(*format)
	switch {
	case len(p.paths) == 0:
		return usage("no framework given\n\n%s", monitorUsage)
	case monitoringMistake(p.paths, p.color, r, since, until) != "":
		return usage("%s", monitoringMistake(p.paths, p.color, r, since, until))
	case len(p.incidents) == 0 && r.Territory == "" && !r.Follow:
		return usage("nothing to monitor: give --incidents FILE, --territory DIR or --follow")
	case err != nil:
		return usage("%v", err)
	case p.by != monitor.ByDay && p.by != monitor.ByWeek:
		return usage("unknown --by %q; use day or week", p.by)
	case r.Follow && p.format.Mission():
		return usage("--follow prints breaches as they start; the mission report (--format %s) needs a batch run", p.format)
	}
	return monitorRun(p, s)
}

// monitorRun runs the monitoring (internal/watch composes it) and renders
// what it found; a diagnostic that is an error makes the exit code 1.
func monitorRun(p monitorParams, s Streams) int {
	hooks := watchHooks(s)
	hooks.OnEpisode = func(e monitor.Episode) {
		if err := render.EpisodeJSONL(s.Out, e); err != nil {
			fmt.Fprintf(s.Err, "backstop monitor: %v\n", err)
		}
	}
	req := p.req
	res, err := runWatch(req, p.paths, p.incidents, s, hooks)
	if err != nil {
		return watchError("monitor", err, s)
	}
	if req.Follow {
		fmt.Fprintf(s.notes(), "%s\n", render.MonitorSummary(res.Report))
	} else {
		var mission *monitor.MissionReport
		if p.format.Mission() {
			mission = monitor.Mission(res.Report, res.Evaluated, monitor.MissionOptions{By: p.by})
		}
		view := func(w io.Writer, opts render.TableOptions) error {
			return render.Monitor(w, p.format, res.Report, mission, opts)
		}
		if code := writeView(s, "monitor", p.out, p.color, view, func() string { return render.MonitorSummary(res.Report) }); code != ExitOK {
			return code
		}
	}
	if res.Failed {
		return ExitInvalid
	}
	return ExitOK
}

// monitoringMistake is the usage error the commands that run a
// monitoring (monitor, record) share, "" when there is none: an incident
// file given as a framework document, an unknown --color, a period that
// ends before it starts.
func monitoringMistake(paths []string, color string, r *watch.Request, since, until *instantFlag) string {
	switch {
	case incidentFile(paths) != "":
		return fmt.Sprintf("%s looks like an incident file, not a framework document: give it with --incidents (--incidents A B, or --incidents A --incidents B)", incidentFile(paths))
	case !slices.Contains([]string{"auto", "always", "never"}, color):
		return fmt.Sprintf("unknown --color %q; use auto, always or never", color)
	case !r.Since.IsZero() && !r.Until.IsZero() && !r.Since.Before(r.Until):
		return fmt.Sprintf("--since %s is not before --until %s", since, until)
	}
	return ""
}

// watchHooks print what a monitoring reads as it goes, on stderr.
func watchHooks(s Streams) watch.Hooks {
	return watch.Hooks{
		Diagnostics: func(ds diag.Diagnostics) { writeDiagnosticsText(s.Err, ds) },
		FileRead:    func(path string, sum feeds.Summary) { render.FeedRead(s.notes(), path, sum) },
		Note:        func(line string) { fmt.Fprintln(s.Err, line) },
		Prepared:    func(out *monitor.Outcome) { render.MonitorSetup(s.notes(), out) },
	}
}

// runWatch runs the monitoring req describes over the framework paths and
// the incident files (standard input for "-" or --follow).
func runWatch(req watch.Request, paths, incidents []string, s Streams, h watch.Hooks) (*watch.Result, error) {
	req.Paths, req.Incidents, req.Stdin = paths, incidents, s.In
	return watch.Run(req, h)
}

// watchError prints why a monitoring stopped and gives its exit code.
func watchError(cmd string, err error, s Streams) int {
	var we *watch.Error
	if !errors.As(err, &we) {
		fmt.Fprintf(s.Err, "backstop %s: %v\n", cmd, err)
		return ExitInvalid
	}
	writeDiagnosticsText(s.Err, we.Diagnostics)
	if we.Err != nil {
		fmt.Fprintf(s.Err, "backstop %s: %v\n", cmd, we.Err)
	}
	switch {
	case we.Usage:
		return ExitUsage
	case len(we.Diagnostics) > 0:
		return exitCode(we.Diagnostics)
	}
	return ExitInvalid
}
