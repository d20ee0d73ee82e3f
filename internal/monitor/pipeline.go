package monitor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/territory"
)

// This file is the one home of the monitoring pipeline: `backstop
// monitor` (over feeds) and the server (over the record) hand it their
// inputs, and the same inputs give the same breaches from both faces.

// Map is the occupied-territory snapshots a monitoring compares with the
// ceasefire line: a folder read by territory.LoadDir (Snapshots), or the
// server's layers.Territory, which caches the differences.
type Map interface {
	Snapshots() []*territory.Snapshot
	Diff(from, to *territory.Snapshot) territory.Change
}

// Snapshots is a Map over loaded snapshots that computes every
// difference afresh.
type Snapshots []*territory.Snapshot

// Snapshots returns the snapshots.
func (s Snapshots) Snapshots() []*territory.Snapshot { return s }

// Diff compares two snapshots on the ellipsoid.
func (Snapshots) Diff(from, to *territory.Snapshot) territory.Change {
	return territory.Diff(from, to, nil)
}

// Inputs are everything one monitoring run reads.
type Inputs struct {
	Set       *load.Set
	Framework string // "" for the set's only framework
	// Incidents, in any order; scored in place when Rules is set.
	Incidents []model.Incident
	// Map, when set, runs the territory triggers on the snapshots after
	// the ceasefire and decides incident.beyond_line.
	Map Map
	// Rules, when set, give every incident a confidence before the
	// triggers run (see CorroborationRules).
	Rules *model.Corroboration
	// Since and Until narrow the period in force (zero: open).
	Since, Until time.Time
	// AsOf is the time the responses' states are judged at (zero: Until
	// when set, else the latest of the last event and the findings' and
	// actions' dates); filings dated after it are not yet known.
	AsOf time.Time
	// Options are the monitor's; InForce is set from the framework,
	// Since and Until, and BeyondLine from Map.
	Options Options
}

// Outcome is what a monitoring run found.
type Outcome struct {
	Report *Report
	// Baseline is the ceasefire snapshot, nil without a Map.
	Baseline *territory.Snapshot
	// Later counts the snapshots after the baseline.
	Later int
	// Corroboration is the scoring of the incidents, nil without Rules.
	Corroboration *corroborate.Result
	// Period is the period in force the triggers ran in.
	Period Period
}

// Evaluated are the incidents of incs in period p, in time order: those
// the triggers ran on, which Mission counts.
func Evaluated(incs []model.Incident, p Period) []model.Incident {
	var out []model.Incident
	for _, inc := range incs {
		if p.Contains(inc.Time.Time) {
			out = append(out, inc)
		}
	}
	slices.SortStableFunc(out, func(a, b model.Incident) int { return a.Time.Compare(b.Time.Time) })
	return out
}

// Errors of Prepare that the CLI reports as usage errors.
var (
	ErrNoCeasefire = errors.New("the territory triggers need the framework's ceasefire date")
	ErrNoBaseline  = errors.New("no map snapshot on or before the ceasefire")
	ErrPeriod      = errors.New("--since must be before --until")
)

// periodError is a period that ends before the framework is in force; it
// is an ErrPeriod.
type periodError struct {
	until     time.Time
	ceasefire model.Date
}

func (e *periodError) Error() string {
	return fmt.Sprintf("the period ends (%s) before the framework is in force (ceasefire %s)", e.until.Format(time.RFC3339), e.ceasefire)
}

func (e *periodError) Is(target error) bool { return target == ErrPeriod }

// InForce is the period a framework's triggers are evaluated in: from its
// ceasefire (the guarantee is not in force before it; an explicit
// in_force period may come later) onward, narrowed by since and until.
// A framework without a ceasefire is evaluated over all time.
func InForce(f *model.Framework, since, until time.Time) (Period, error) {
	if !since.IsZero() && !until.IsZero() && !since.Before(until) {
		return Period{}, ErrPeriod
	}
	p := Period{From: since, Until: until}
	if !f.Ceasefire.IsZero() && (p.From.IsZero() || p.From.Before(f.Ceasefire.Time)) {
		p.From = f.Ceasefire.Time.UTC()
	}
	if !p.Until.IsZero() && !p.From.Before(p.Until) {
		return Period{}, &periodError{until: p.Until, ceasefire: f.Ceasefire}
	}
	return p, nil
}

// CorroborationRules picks the rules a monitoring applies from a set: the
// latest Corroboration document (in load or log order), as a later
// declaration supersedes an earlier one; nil when there is none.
func CorroborationRules(set *load.Set) *model.Corroboration {
	rules := set.Corroborations()
	if len(rules) == 0 {
		return nil
	}
	return rules[len(rules)-1]
}

// Baseline is the ceasefire snapshot of a map.
func Baseline(f *model.Framework, m Map) (*territory.Snapshot, error) {
	if f.Ceasefire.IsZero() {
		return nil, ErrNoCeasefire
	}
	base, ok := territory.Baseline(m.Snapshots(), f.Ceasefire)
	if !ok {
		return nil, fmt.Errorf("%w (%s)", ErrNoBaseline, f.Ceasefire)
	}
	return base, nil
}

// Framework finds the framework a run monitors: id, or the set's only one.
func Framework(set *load.Set, id string) (*model.Framework, error) {
	if id != "" {
		if f := set.Framework(id); f != nil {
			return f, nil
		}
		return nil, fmt.Errorf("no framework %q among the documents", id)
	}
	if fs := set.Frameworks(); len(fs) == 1 {
		return fs[0], nil
	}
	return nil, errors.New("no single framework to monitor among the documents; name one")
}

// Prepare sets up a run without evaluating anything: the period in force,
// the baseline and beyond_line, and the territory states. The follow mode
// feeds its Monitor itself; Execute does the rest for a batch.
func Prepare(in *Inputs) (*Outcome, []Territory, error) {
	f, err := Framework(in.Set, in.Framework)
	if err != nil {
		return nil, nil, err
	}
	in.Framework = f.ID
	if in.Options.InForce, err = InForce(f, in.Since, in.Until); err != nil {
		return nil, nil, err
	}
	out := &Outcome{Period: in.Options.InForce}
	var states []Territory
	if in.Map != nil {
		base, err := Baseline(f, in.Map)
		if err != nil {
			return nil, nil, err
		}
		out.Baseline = base
		in.Options.BeyondLine = func(lat, lon float64) bool { return territory.BeyondLine(base, lat, lon) }
		states = States(base, in.Map.Snapshots(), in.Map.Diff)
		out.Later = len(states)
	}
	return out, states, nil
}

// Execute runs the whole pipeline: corroboration, then the triggers over
// the incidents and territory states in time order, within the period in
// force.
func Execute(in Inputs) (*Outcome, error) {
	out, states, err := Prepare(&in)
	if err != nil {
		return nil, err
	}
	if in.Rules != nil {
		out.Corroboration, _ = corroborate.Corroborate(corroborate.Compile(in.Rules), in.Incidents, corroborate.Options{SkipChance: true})
	}
	if ctx := in.Options.Context; ctx != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("%w before the triggers: %w", ErrStopped, context.Cause(ctx))
	}
	findings, actions := in.Set.Findings(), in.Set.Actions()
	in.Options.Referenced = Referenced(findings, actions)
	out.Report, err = Run(in.Set, in.Framework, in.Incidents, states, in.Options)
	if err != nil {
		return nil, err
	}
	if fw := in.Set.Framework(in.Framework); fw != nil {
		Account(out.Report, fw, findings, actions, in.Set.Declarations(fw.ID), cmp.Or(in.AsOf, in.Until))
	}
	return out, nil
}
