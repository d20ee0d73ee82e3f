package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/render"
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
  --incidents FILE     an incident file or folder (repeat the flag for more)
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
  --quiet DURATION     firings closer than this form one breach (default 72h)
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
	paths                          []string
	incidents                      listFlag
	inputFormat, mapping           string
	categories, oblasts, territory string
	corroborate                    string
	since, until                   time.Time
	quiet                          time.Duration
	strict, follow                 bool
	format                         render.Format
	out, framework, color, by      string
}

func runMonitor(args []string, s Streams) int {
	fs := flag.NewFlagSet("monitor", flag.ContinueOnError)
	p := monitorParams{quiet: 72 * time.Hour}
	since, until := &instantFlag{t: &p.since}, &instantFlag{t: &p.until}
	fs.Var(&p.incidents, "incidents", "incident file or folder")
	fs.StringVar(&p.inputFormat, "input-format", "", "format")
	fs.StringVar(&p.mapping, "mapping", "", "mapping file")
	fs.StringVar(&p.categories, "categories", "", "category overrides")
	fs.StringVar(&p.oblasts, "oblasts", "", "oblast.geojson")
	fs.StringVar(&p.territory, "territory", "", "snapshot folder")
	fs.StringVar(&p.corroborate, "corroborate", "", "corroboration rules")
	fs.Var(since, "since", "start")
	fs.Var(until, "until", "end")
	fs.Var(positiveDuration{&p.quiet}, "quiet", "quiet period")
	fs.BoolVar(&p.strict, "strict", false, "skipped rows are errors")
	fs.BoolVar(&p.follow, "follow", false, "follow JSON Lines")
	format := fs.String("format", string(render.MonitorFormats.Default()), "format")
	fs.StringVar(&p.out, "out", "", "output file")
	fs.StringVar(&p.framework, "framework", "", "framework id")
	fs.StringVar(&p.color, "color", "auto", "auto, always or never")
	fs.StringVar(&p.by, "by", monitor.ByDay, "day or week")
	paths, exit, ok := parseFlags(fs, args, monitorUsage, s)
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
	case len(p.incidents) == 0 && p.territory == "" && !p.follow:
		return usage("nothing to monitor: give --incidents FILE, --territory DIR or --follow")
	case err != nil:
		return usage("%v", err)
	case p.by != monitor.ByDay && p.by != monitor.ByWeek:
		return usage("unknown --by %q; use day or week", p.by)
	case p.follow && p.format.Mission():
		return usage("--follow prints breaches as they start; the mission report (--format %s) needs a batch run", p.format)
	case !slices.Contains([]string{"auto", "always", "never"}, p.color):
		return usage("unknown --color %q; use auto, always or never", p.color)
	case !p.since.IsZero() && !p.until.IsZero() && !p.since.Before(p.until):
		return usage("--since %s is not before --until %s", since, until)
	}
	set, ds := load.Paths(p.paths, nil)
	if ds.HasErrors() {
		writeDiagnosticsText(s.Err, errorsOnly(ds))
		fmt.Fprintf(s.Err, "backstop monitor: the documents are invalid; nothing monitored\n")
		return exitCode(ds)
	}
	fw, err := monitor.Framework(set, p.framework)
	if err != nil {
		return usage("%v (--framework ID)", err)
	}
	m := &monitorRun{p: p, s: s, in: monitor.Inputs{Set: set, Framework: fw.ID, Since: p.since, Until: p.until,
		Options: monitor.Options{QuietPeriod: p.quiet}}}
	if code := m.prepare(); code != ExitOK {
		return code
	}
	if p.follow {
		return m.followRun()
	}
	return m.batch()
}

// monitorRun holds what one invocation prepared: the pipeline's inputs
// (internal/monitor composes the run; this file only reads the flags and
// files and renders).
type monitorRun struct {
	p       monitorParams
	s       Streams
	in      monitor.Inputs
	opts    feeds.Options
	mapping feeds.Reader
	failed  bool // an error diagnostic was printed
}

func (m *monitorRun) report(ds diag.Diagnostics) {
	writeDiagnosticsText(m.s.Err, ds)
	m.failed = m.failed || ds.HasErrors()
}

// exit is the exit code of a run that got to the end: 1 when an error
// diagnostic was printed on the way.
func (m *monitorRun) exit() int {
	if m.failed {
		return ExitInvalid
	}
	return ExitOK
}

// prepare reads the inputs every mode needs: category overrides, the
// mapping, oblasts, the corroboration rules and the territory.
func (m *monitorRun) prepare() int {
	var code int
	m.opts, m.mapping, code = feedSetup("monitor", m.p.categories, m.p.mapping, m.p.oblasts, m.p.strict, m.s, m.report)
	if code != ExitOK {
		return code
	}
	notes, ds, err := monitor.LoadSources(&m.in, m.p.corroborate, m.p.territory)
	for _, n := range notes {
		fmt.Fprintln(m.s.Err, n)
	}
	if errors.Is(err, monitor.ErrInvalidRules) {
		writeDiagnosticsText(m.s.Err, errorsOnly(ds))
		return exitCode(ds)
	}
	if m.report(ds); err != nil {
		fmt.Fprintf(m.s.Err, "backstop monitor: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}

func (m *monitorRun) batch() int {
	incs, inputs, err := all.ReadFiles(m.p.incidents, m.p.inputFormat, m.mapping, m.opts, func(path string, ds diag.Diagnostics, sum feeds.Summary) {
		m.report(ds)
		render.FeedRead(m.s.Err, path, sum)
	})
	if err != nil {
		return incidentsError("monitor", m.p.incidents, err, m.s)
	}
	m.in.Incidents = incs
	out, err := monitor.Execute(m.in)
	if err != nil {
		return m.pipelineError(err)
	}
	render.MonitorSetup(m.s.Err, out)
	r := out.Report
	if inputs != nil {
		r.Inputs = inputs
	}
	var mission *monitor.MissionReport
	if m.p.format.Mission() {
		mission = monitor.Mission(r, monitor.Evaluated(m.in.Incidents, out.Period), monitor.MissionOptions{By: m.p.by})
	}
	view := func(w io.Writer, opts render.TableOptions) error {
		return render.Monitor(w, m.p.format, r, mission, opts)
	}
	if code := writeView(m.s, "monitor", m.p.out, m.p.color, view, func() string { return render.MonitorSummary(r) }); code != ExitOK {
		return code
	}
	return m.exit()
}

// pipelineError reports an error of the pipeline: a territory folder
// without a baseline, a period that ends before the framework is in
// force, or a followed file that cannot be read is the user's to fix
// (usage); anything else is invalid input.
func (m *monitorRun) pipelineError(err error) int {
	var ie *monitor.InputError
	switch {
	case errors.Is(err, incidents.ErrNoInput):
		return ExitUsage
	case errors.As(err, &ie):
		fmt.Fprintf(m.s.Err, "backstop monitor: --incidents %s: %s\n", strings.Join(m.p.incidents, ", "), ioMessage(ie.Err))
		return ExitUsage
	case errors.Is(err, monitor.ErrNoCeasefire), errors.Is(err, monitor.ErrNoBaseline):
		fmt.Fprintf(m.s.Err, "backstop monitor: --territory %s: %v\n", m.p.territory, err)
		return ExitUsage
	}
	fmt.Fprintf(m.s.Err, "backstop monitor: %v\n", err)
	if errors.Is(err, monitor.ErrPeriod) {
		return ExitUsage
	}
	return ExitInvalid
}

// followRun reads JSON Lines incidents as they come and prints each
// breach when it starts. Snapshots from --territory are evaluated first.
func (m *monitorRun) followRun() int {
	m.in.Options.OnEpisode = func(e monitor.Episode) {
		if err := render.EpisodeJSONL(m.s.Out, e); err != nil {
			fmt.Fprintf(m.s.Err, "backstop monitor: %v\n", err)
		}
	}
	stream := monitor.Stream{Stdin: m.s.In, Options: m.opts, Report: m.report}
	if len(m.p.incidents) > 0 {
		stream.Path = m.p.incidents[0]
	}
	prepared := false
	r, err := monitor.Follow(m.in, stream, func(out *monitor.Outcome) {
		prepared = true
		render.MonitorSetup(m.s.Err, out)
	})
	var ie *monitor.InputError
	switch {
	case err != nil && (!prepared || errors.Is(err, incidents.ErrNoInput) || errors.As(err, &ie)):
		return m.pipelineError(err)
	case err != nil:
		fmt.Fprintf(m.s.Err, "backstop monitor: %v\n", err)
		return ExitInvalid
	}
	fmt.Fprintf(m.s.Err, "%s\n", render.MonitorSummary(r))
	return m.exit()
}
