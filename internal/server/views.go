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
	sims        cache[string, *encoded]
	initOnce    sync.Once
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
			return encodedSize(mv.report) + encodedSize(mv.layer) + encodedSize(mv.record)
		}
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
	layer  *encoded // maplayers.Incidents
	record *encoded // render.RecordJSON of monitor.Records (partyrecord.go)
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
	return fr.views.monitoring.get(ctx, s.rec.versionOf(fr), quiet, s.cfg.Timeout, func(cctx context.Context) (*monitorView, error) {
		return s.monitor(cctx, fr, quiet)
	})
}

// monitor computes a monitorView through the monitoring pipeline that
// `backstop monitor` calls (monitor.Execute): the incidents are copied (a
// year is tens of megabytes) only here, when the cached view is stale.
func (s *Server) monitor(ctx context.Context, fr *frameworkRecord, quiet time.Duration) (*monitorView, error) {
	incs := s.rec.incidentsOf(fr)
	set, _, err := s.documents(fr)
	if err != nil {
		return nil, err
	}
	in := monitor.Inputs{Set: set, Framework: fr.id, Incidents: incs, Rules: monitor.CorroborationRules(set),
		Options: monitor.Options{QuietPeriod: quiet, Context: ctx}}
	levels := []string{}
	if in.Rules != nil {
		for _, l := range corroborate.Compile(in.Rules).Levels {
			levels = append(levels, l.Name)
		}
	}
	if s.territory != nil {
		// A framework without a ceasefire or a map without a snapshot
		// before it has no territory triggers to run on this server.
		if _, err := monitor.Baseline(set.Framework(fr.id), s.territory); err == nil {
			in.Map = s.territory
		}
	}
	fired := map[string]maplayers.Fired{}
	in.Options.OnFiring = func(f monitor.Firing) {
		if f.Incident == "" {
			return
		}
		x := fired[f.Incident]
		if !slices.Contains(x.Triggers, f.Trigger) {
			x.Triggers = append(x.Triggers, f.Trigger)
		}
		x.Breach = x.Breach || f.Starts
		fired[f.Incident] = x
	}
	out, err := monitor.Execute(in)
	if err != nil {
		return nil, err
	}
	rep := out.Report
	var buf bytes.Buffer
	if err := render.MonitorJSON(&buf, rep); err != nil {
		return nil, err
	}
	rec, err := partyRecord(rep, set.Framework(fr.id))
	if err != nil {
		return nil, err
	}
	var legend []maplayers.Trigger
	for _, t := range rep.Triggers {
		legend = append(legend, maplayers.Trigger{ID: t.Trigger, Title: t.Title, Severity: t.Severity, Firings: t.Firings})
	}
	return &monitorView{report: newEncoded(buf.Bytes()), layer: newEncoded(maplayers.Incidents(incs, fired, legend, levels)), record: rec}, nil
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
