package server

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/layers"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/report"
	"github.com/backstop-dev/backstop/internal/sim"
)

// MaxSimulationRuns bounds the runs of a simulation the server computes: a
// scenario may ask for up to load.MaxRuns (10 million), which would hold
// a request for many seconds; `backstop simulate` runs them all.
const MaxSimulationRuns = 100_000

// views caches what the server computes from a framework's record, each
// for the version of the record it was computed from: the assessment per
// date, the monitoring (with the map's incident layer, from the same run)
// per quiet period, and the simulation per scenario.
type views struct {
	assessments versioned[string, *encoded]
	monitoring  versioned[time.Duration, *monitorView]
	sims        versioned[string, *encoded]
}

// versioned keeps answers computed from one version of a record. An answer
// asked for at a newer version empties it; concurrent requests for the
// same answer wait for one computation. At most limit answers are kept
// (0: no limit): a dashboard's date slider asks for many dates.
type versioned[K comparable, V any] struct {
	mu      sync.Mutex
	version int64
	items   map[K]V
	limit   int
}

func (c *versioned[K, V]) get(version int64, key K, compute func() (V, error)) (V, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil || c.version != version || (c.limit > 0 && len(c.items) >= c.limit) {
		c.version, c.items = version, map[K]V{}
	}
	if v, ok := c.items[key]; ok {
		return v, nil
	}
	v, err := compute()
	if err == nil {
		c.items[key] = v
	}
	return v, err
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
	return fr.views.assessments.get(version, at.String(), func() (*encoded, error) {
		rep, err := assess.Assess(set, fr.id, assess.Options{At: at})
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := report.JSON(&buf, rep); err != nil {
			return nil, err
		}
		return newEncoded(buf.Bytes()), nil
	})
}

// monitorView is one monitoring of the stored incidents.
type monitorView struct {
	report *encoded // report.MonitorJSON
	layer  *encoded // layers.Incidents
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
func (s *Server) monitorView(fr *frameworkRecord, quiet time.Duration) (*monitorView, error) {
	return fr.views.monitoring.get(s.rec.versionOf(fr), quiet, func() (*monitorView, error) {
		return s.monitor(fr, quiet)
	})
}

// monitor computes a monitorView through the monitoring pipeline that
// `backstop monitor` calls (monitor.Execute): the incidents are copied (a
// year is tens of megabytes) only here, when the cached view is stale.
func (s *Server) monitor(fr *frameworkRecord, quiet time.Duration) (*monitorView, error) {
	incs := s.rec.incidentsOf(fr)
	set, _, err := s.documents(fr)
	if err != nil {
		return nil, err
	}
	in := monitor.Inputs{Set: set, Framework: fr.id, Incidents: incs, Rules: monitor.CorroborationRules(set),
		Options: monitor.Options{QuietPeriod: quiet}}
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
	fired := map[string]layers.Fired{}
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
	if err := report.MonitorJSON(&buf, rep); err != nil {
		return nil, err
	}
	var legend []layers.Trigger
	for _, t := range rep.Triggers {
		legend = append(legend, layers.Trigger{ID: t.Trigger, Title: t.Title, Severity: t.Severity, Firings: t.Firings})
	}
	return &monitorView{report: newEncoded(buf.Bytes()), layer: newEncoded(layers.Incidents(incs, fired, legend, levels))}, nil
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
	return fr.views.sims.get(version, id, func() (*encoded, error) {
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
		if err := report.SimulateJSON(&buf, res); err != nil {
			return nil, err
		}
		return newEncoded(buf.Bytes()), nil
	})
}
