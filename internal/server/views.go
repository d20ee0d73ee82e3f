package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/maplayers"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/backstop-dev/backstop/internal/sim"
)

// MaxSimulationRuns bounds the runs of a simulation the server computes: a
// scenario may ask for up to load.MaxRuns (10 million), which would hold
// a request for many seconds; `backstop simulate` runs them all.
const MaxSimulationRuns = 100_000

// views caches what the server computes from a framework's record, each
// for the version of the record it was computed from: the assessment per
// date, the monitoring (with the map's incident layer, from the same run)
// per quiet period, and the simulation per scenario. Each cache is
// bounded in answers and bytes (cache.go): an anonymous reader choosing
// the parameters cannot make it grow.
type views struct {
	assessments cache[string, *encoded]
	monitoring  cache[time.Duration, *monitorView]
	layers      cache[time.Duration, *encoded] // the map's incident layer of each monitoring
	// runs are the incremental monitoring runs, per quiet period (runMu).
	runMu    sync.Mutex
	runs     map[time.Duration]*monitoringRun
	sims     cache[string, *encoded]
	initOnce sync.Once
	// options are the territorial options measured (options.go), bounded
	// there once.
	options     cache[string, *encoded]
	optionsOnce sync.Once
}

// Bounds of each framework's caches of answers (see cache). A monitoring
// of a year of incidents is tens of megabytes (its map layer most).
const (
	maxMonitorings      = 16
	maxMonitoringBytes  = 256 << 20
	maxAssessmentBytes  = 64 << 20
	maxSimulations      = 16
	maxSimulationBytes  = 64 << 20
	monitorComputations = 2 // at once, per framework
)

// init sets fr's caches' bounds (once: the record creates fr with
// only the assessments' limit set).
func (v *views) init() {
	v.initOnce.Do(func() {
		if v.assessments.limit == 0 {
			v.assessments.limit = maxAssessments
		}
		v.assessments.maxBytes, v.assessments.size = maxAssessmentBytes, encodedSize
		v.monitoring.limit, v.monitoring.maxBytes, v.monitoring.maxFlights = maxMonitorings, maxMonitoringBytes, monitorComputations
		v.monitoring.size = func(mv *monitorView) int64 {
			// the recent firings are the view's own (the settled ones are
			// the run's, shared)
			return encodedSize(mv.report) + encodedSize(mv.record) + 64*int64(len(mv.firings.Recent))
		}
		v.layers.limit, v.layers.maxBytes, v.layers.maxFlights, v.layers.size = maxMonitorings, maxMonitoringBytes, monitorComputations, encodedSize
		v.sims.limit, v.sims.maxBytes, v.sims.size = maxSimulations, maxSimulationBytes, encodedSize
	})
}

// maxAssessments bounds the dates whose assessment is kept per version.
const maxAssessments = 400

// assessment assesses the framework's documents on a date, as `backstop
// assess --format json` does.
func (s *Server) assessment(fr *frameworkRecord, at model.Date) (*encoded, error) {
	set, version, err := s.documents(fr)
	if err != nil {
		return nil, err
	}
	fr.views.init()
	return fr.views.assessments.get(context.Background(), version, at.String(), s.cfg.Timeout, func(context.Context) (*encoded, error) {
		rep, err := assess.Assess(set, fr.id, assess.Options{At: at})
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := render.JSON(&buf, rep); err != nil {
			return nil, err
		}
		return newEncoded(buf.Bytes()), nil
	})
}

// monitorView is one monitoring of the stored incidents, and what the
// routes that answer from the same run take of it.
type monitorView struct {
	report *encoded // render.MonitorJSON
	record *encoded // render.RecordJSON of monitor.Records (partyrecord.go)
	// version is the record's version the view answers for; documents
	// how many of the framework's documents it ran on. firings, legend
	// and levels are what the map's incident layer (mapLayer) needs of it.
	version   int64
	documents int
	firings   monitor.Firings
	legend    []maplayers.Trigger
	levels    []string
}

// documents loads the framework's document set and refuses a record whose
// documents no longer validate together.
func (s *Server) documents(fr *frameworkRecord) (*load.Set, int64, error) {
	set, version, ds, err := s.rec.loadSet(fr.id)
	if err == nil && ds.HasErrors() {
		err = fmt.Errorf("the stored documents do not validate together: %v", firstError(ds))
	}
	return set, version, err
}

// monitorView runs the framework's triggers over its stored incidents (and
// the server's territory snapshots, after the framework's ceasefire), as
// `backstop monitor` runs them over feeds, after scoring the incidents by
// the latest corroboration rules in the record, if any.
//
// The caller waits for at most ctx; the computation, shared by the
// requests that ask for it meanwhile, runs for at most the server's
// --timeout and stops then (monitor.Options.Context).
func (s *Server) monitorView(ctx context.Context, fr *frameworkRecord, quiet time.Duration) (*monitorView, error) {
	fr.views.init()
	version := s.rec.versionOf(fr)
	return fr.views.monitoring.get(ctx, version, quiet, s.cfg.Timeout, func(cctx context.Context) (*monitorView, error) {
		mv, err := s.monitor(cctx, fr, quiet)
		if mv != nil {
			mv.version = version
		}
		return mv, err
	})
}

// monitor computes a monitorView through the monitoring pipeline that
// `backstop monitor` calls (monitor.Execute), incrementally: the
// framework's monitoring run (monitor.Incremental) is kept between views,
// and a view after new Incidents entries gives it only their incidents,
// unpacked from the record, instead of running over every incident again.
// The run starts again when a document other than incidents changes (the
// set, hence the triggers, rules, findings or actions), for another quiet
// period, or when an incident is reported too late to be added.
func (s *Server) monitor(ctx context.Context, fr *frameworkRecord, quiet time.Duration) (*monitorView, error) {
	set, setVersion, err := s.documents(fr)
	if err != nil {
		return nil, err
	}
	fr.views.runMu.Lock()
	defer fr.views.runMu.Unlock()
	run, err := s.monitoringRun(fr, set, setVersion, quiet)
	if err != nil {
		return nil, err
	}
	out, firings, err := run.x.Report(ctx)
	if err != nil {
		return nil, err
	}
	mv := &monitorView{documents: run.upTo, firings: firings}
	rep := out.Report
	var buf bytes.Buffer
	if err := render.MonitorJSON(&buf, rep); err != nil {
		return nil, err
	}
	rec, err := partyRecord(rep, set.Framework(fr.id))
	if err != nil {
		return nil, err
	}
	mv.report, mv.record = newEncoded(buf.Bytes()), rec
	if rules := monitor.CorroborationRules(set); rules != nil {
		for _, l := range corroborate.Compile(rules).Levels {
			mv.levels = append(mv.levels, l.Name)
		}
	}
	for _, t := range rep.Triggers {
		mv.legend = append(mv.legend, maplayers.Trigger{ID: t.Trigger, Title: t.Title, Severity: t.Severity, Firings: t.Firings})
	}
	return mv, nil
}

// monitoringRun is the framework's run for quiet, brought up to date with
// the incidents reported since it last ran. The caller holds
// fr.views.runMu.
func (s *Server) monitoringRun(fr *frameworkRecord, set *load.Set, setVersion int64, quiet time.Duration) (*monitoringRun, error) {
	v := &fr.views
	if run := v.runs[quiet]; run != nil && run.setVersion == setVersion {
		incs, upTo := s.rec.incidentsIn(fr, run.upTo, -1)
		if run.x.Add(incs) {
			run.upTo = upTo
			return run, nil
		}
	}
	incs, upTo := s.rec.incidentsIn(fr, 0, -1)
	in := monitor.Inputs{Set: set, Framework: fr.id, Incidents: incs, Rules: monitor.CorroborationRules(set),
		Options: monitor.Options{QuietPeriod: quiet}}
	if s.territory != nil {
		// A framework without a ceasefire or a map without a snapshot
		// before it has no territory triggers to run on this server.
		if _, err := monitor.Baseline(set.Framework(fr.id), s.territory); err == nil {
			in.Map = s.territory
		}
	}
	x, err := monitor.NewIncremental(in, 0)
	if err != nil {
		return nil, err
	}
	run := &monitoringRun{x: x, setVersion: setVersion, upTo: upTo}
	if v.runs == nil {
		v.runs = map[time.Duration]*monitoringRun{}
	}
	for q := range v.runs { // bounded: a reader choosing ?quiet= cannot make them grow
		if len(v.runs) < maxRuns {
			break
		}
		delete(v.runs, q)
	}
	v.runs[quiet] = run
	return run, nil
}

// monitoringRun is a framework's incremental monitoring for one quiet
// period: the run, the version of the set it was made from, and how many
// of the framework's documents it has taken the incidents of.
type monitoringRun struct {
	x          *monitor.Incremental
	setVersion int64
	upTo       int
}

// firedBy gives, per incident, the triggers it fired and whether it
// started a breach: what the map's incident layer draws.
func firedBy(fs monitor.Firings) map[string]maplayers.Fired {
	fired := map[string]maplayers.Fired{}
	fs.Each(func(f monitor.Firing) {
		if f.Incident == "" {
			return
		}
		x := fired[f.Incident]
		if !slices.Contains(x.Triggers, f.Trigger) {
			x.Triggers = append(x.Triggers, f.Trigger)
		}
		x.Breach = x.Breach || f.Starts
		fired[f.Incident] = x
	})
	return fired
}

// maxRuns bounds the monitoring runs kept per framework (one per quiet
// period asked for), each holding the triggers' state and the last days'
// incidents.
const maxRuns = 2

// mapLayer is the map's incident layer of a monitoring view, computed when
// first asked for and cached as the views are: every incident of the
// documents the view ran on, with the triggers it fired. It is the costly
// part of a view (every incident unpacked and written as GeoJSON), which
// the monitoring report does not need.
func (s *Server) mapLayer(ctx context.Context, fr *frameworkRecord, quiet time.Duration, mv *monitorView) (*encoded, error) {
	fr.views.init()
	return fr.views.layers.get(ctx, mv.version, quiet, s.cfg.Timeout, func(context.Context) (*encoded, error) {
		incs, _ := s.rec.incidentsIn(fr, 0, mv.documents)
		return newEncoded(maplayers.Incidents(incs, firedBy(mv.firings), mv.legend, mv.levels)), nil
	})
}

// scenarios lists the framework's scenarios in log order.
func (s *Server) scenarios(fr *frameworkRecord) ([]api.Scenario, error) {
	set, _, err := s.documents(fr)
	if err != nil {
		return nil, err
	}
	out := []api.Scenario{}
	for _, d := range set.Docs {
		if d.Scenario == nil {
			continue
		}
		sc := d.Scenario
		entry, _ := strconv.ParseInt(strings.TrimPrefix(d.File.Name, "entry-"), 10, 64)
		runs := sc.Runs
		if runs == 0 {
			runs = sim.DefaultRuns
		}
		out = append(out, api.Scenario{ID: sc.ID, Entry: entry, Note: sc.Note, Runs: runs, ServerRuns: min(runs, MaxSimulationRuns)})
	}
	return out, nil
}

// simulation simulates a stored scenario ("" for the latest one) with at
// most MaxSimulationRuns runs; errNoScenario when there is none such.
func (s *Server) simulation(fr *frameworkRecord, id string) (*encoded, error) {
	set, version, err := s.documents(fr)
	if err != nil {
		return nil, err
	}
	if id == "" {
		scs := set.Scenarios()
		if len(scs) == 0 {
			return nil, errNoScenario
		}
		id = scs[len(scs)-1].ID
	}
	if !slices.ContainsFunc(set.Scenarios(), func(sc *model.Scenario) bool { return sc.ID == id }) {
		return nil, errNoScenario
	}
	fr.views.init()
	return fr.views.sims.get(context.Background(), version, id, s.cfg.Timeout, func(context.Context) (*encoded, error) {
		plan, err := sim.Prepare(set, id)
		if err != nil {
			return nil, err
		}
		runs := 0
		if plan.Runs > MaxSimulationRuns {
			runs = MaxSimulationRuns
		}
		res := sim.Simulate(plan, sim.Options{Runs: runs, Workers: runtime.GOMAXPROCS(0), Analysis: true})
		var buf bytes.Buffer
		if err := render.SimulateJSON(&buf, res); err != nil {
			return nil, err
		}
		return newEncoded(buf.Bytes()), nil
	})
}

// Bounds of the monitoring's ?quiet: whole minutes (a finer quiet period
// means nothing for breaches of incidents reported to the minute at
// best), from a minute to 30 days. Every distinct value is another
// computation and another cached answer: the bounds keep what an
// anonymous reader can ask for finite, and the cache (maxMonitorings)
// keeps what it holds small.
const (
	minQuiet     = time.Minute
	maxQuiet     = 30 * 24 * time.Hour
	defaultQuiet = 72 * time.Hour
)

// quietParam reads the monitoring's ?quiet (default 72h).
func quietParam(r *http.Request) (time.Duration, *api.Problem) {
	v := r.URL.Query().Get("quiet")
	if v == "" {
		return defaultQuiet, nil
	}
	d, err := model.ParseDuration(v)
	q := time.Duration(d)
	if err != nil || q < minQuiet || q > maxQuiet || q%time.Minute != 0 {
		return 0, problem(http.StatusBadRequest, "bad-parameter",
			fmt.Sprintf("quiet must be a duration of whole minutes from 1m to 30d, such as 72h, not %q", v))
	}
	return q, nil
}

// viewProblem is the problem answering a computation's error: 503 with
// Retry-After when it ran out of time (or the request did), 409 when the
// stored documents cannot be computed on.
func viewProblem(w http.ResponseWriter, err error) *api.Problem {
	if errors.Is(err, errComputeTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.Is(err, monitor.ErrStopped) {
		w.Header().Set("Retry-After", "30")
		return problem(http.StatusServiceUnavailable, "timeout", "the answer took longer than the server's --timeout to compute: "+err.Error())
	}
	return problem(http.StatusConflict, "invalid-record", err.Error())
}
