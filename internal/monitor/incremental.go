package monitor

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/model"
)

// DefaultSlack is how late an incident may be reported, against the
// latest one already seen, and still be added to an Incremental run
// without starting it again: our calibration. A monitoring mission's
// feeds report most incidents within a day or two (VIINA's daily files,
// the air force's morning reports); a week covers corrections.
const DefaultSlack = 7 * 24 * time.Hour

// Incremental is a monitoring run (Execute) that takes incidents reported
// later without evaluating again what it has settled. Its reports are
// identical to Execute's over all the incidents it has been given, in the
// order given (TestIncrementalMatchesExecute).
//
// It keeps a Monitor of every event before a horizon, the settled past,
// and the incidents after horizon − margin, the recent ones. A report
// scores the recent incidents again (corroboration), and finishes a clone
// of the settled monitor with the events from the horizon on. Why that is
// exact: an incident's confidence depends only on the records of other
// sources within the rules' window of it (plus their time precision), the
// margin; and the triggers' state at the horizon depends only on the
// events before it. So incidents reported later change nothing before
// the horizon as long as they are at least a margin after it, which Add
// checks: an earlier one makes Add refuse, and the caller starts again.
type Incremental struct {
	in     Inputs // without its incidents
	prep   *Outcome
	states []Territory // the territory states, in time order
	rules  *corroborate.Rules
	margin time.Duration
	slack  time.Duration

	// settled has every event before horizon (none while !hasHorizon),
	// and the territory states before nextState.
	settled    *Monitor
	horizon    time.Time
	hasHorizon bool
	nextState  int
	// firings are the settled monitor's firings, in order.
	firings []Firing

	// recent are the incidents at or after horizon − margin, in the
	// order given; latest is the latest time of any incident given.
	recent []model.Incident
	latest time.Time

	// err is the error that left the settled monitor part-way through
	// an event list: the run cannot go on.
	err error
}

// NewIncremental prepares an incremental run over in (Execute's inputs;
// its Options.Context and OnFiring are ignored: Report takes its own).
// slack is how late an incident may come and still be added (0:
// DefaultSlack).
func NewIncremental(in Inputs, slack time.Duration) (*Incremental, error) {
	in.Options.Context, in.Options.OnFiring = nil, nil
	prep, states, err := Prepare(&in)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(states, func(a, b Territory) int { return a.AsOf.Compare(b.AsOf) })
	x := &Incremental{in: in, prep: prep, states: states, slack: cmp.Or(slack, DefaultSlack)}
	x.in.Options.Referenced = Referenced(in.Set.Findings(), in.Set.Actions())
	if in.Rules != nil {
		x.rules = corroborate.Compile(in.Rules)
		x.margin = x.rules.Reach()
	}
	x.in.Options.OnFiring = func(f Firing) { x.firings = append(x.firings, f) }
	if x.settled, err = New(in.Set, in.Framework, x.in.Options); err != nil {
		return nil, err
	}
	x.in.Incidents = nil
	x.add(in.Incidents)
	return x, nil
}

// Add takes incidents reported since, in the order reported. It returns
// false, and takes none of them, when one is too early to be added
// without evaluating settled events again (before the horizon plus the
// corroboration margin): the caller then starts a new run.
func (x *Incremental) Add(incs []model.Incident) bool {
	if x.hasHorizon {
		floor := x.horizon.Add(x.margin)
		for i := range incs {
			if incs[i].Time.Before(floor) {
				return false
			}
		}
	}
	x.add(incs)
	return true
}

func (x *Incremental) add(incs []model.Incident) {
	for i := range incs {
		inc := incs[i]
		inc.Confidence = nil
		x.recent = append(x.recent, inc)
		if inc.Time.After(x.latest) {
			x.latest = inc.Time.Time
		}
	}
}

// Incidents counts the incidents the run holds unsettled.
func (x *Incremental) Incidents() int { return len(x.recent) }

// Firings are every firing of a run, in the order Execute gives them:
// the settled ones, then the recent ones. Settled is a prefix of a list
// that only grows, shared and never changed: keeping it costs nothing.
type Firings struct {
	Settled, Recent []Firing
}

// Each calls f on every firing in order.
func (fs Firings) Each(f func(Firing)) {
	for _, x := range fs.Settled {
		f(x)
	}
	for _, x := range fs.Recent {
		f(x)
	}
}

// Report finishes the run over every incident added so far: the report
// Execute would give (its Outcome without Corroboration), and its
// firings. It also settles the events older than the slack behind the
// latest incident. ctx bounds the evaluation of the recent events.
func (x *Incremental) Report(ctx context.Context) (*Outcome, Firings, error) {
	if x.err != nil {
		return nil, Firings{}, x.err
	}
	events := x.recentEvents()
	events, err := x.settle(events)
	if err != nil {
		x.err = err
		return nil, Firings{}, err
	}
	m, err := x.settled.Clone(ctx)
	if err != nil {
		return nil, Firings{}, err
	}
	var tail []Firing
	m.opts.OnFiring = func(f Firing) { tail = append(tail, f) }
	for _, ev := range events {
		if err := m.Add(ev); err != nil {
			return nil, Firings{}, err
		}
	}
	out := *x.prep
	out.Report = m.Finish()
	if fw := x.in.Set.Framework(x.in.Framework); fw != nil {
		Account(out.Report, fw, x.in.Set.Findings(), x.in.Set.Actions(), x.in.Set.Declarations(fw.ID), cmp.Or(x.in.AsOf, x.in.Until))
	}
	return &out, Firings{Settled: x.firings[:len(x.firings):len(x.firings)], Recent: tail}, nil
}

// recentEvents scores the recent incidents and returns the events from
// the horizon on, in the order Run evaluates them.
func (x *Incremental) recentEvents() []Event {
	scored := slices.Clone(x.recent)
	if x.rules != nil {
		corroborate.Corroborate(x.rules, scored, corroborate.Options{SkipChance: true})
	}
	var events []Event
	for i := x.nextState; i < len(x.states); i++ {
		events = append(events, Event{Territory: &x.states[i]})
	}
	for i := range scored {
		if !x.hasHorizon || !scored[i].Time.Before(x.horizon) {
			events = append(events, Event{Incident: &scored[i]})
		}
	}
	slices.SortStableFunc(events, func(a, b Event) int { return a.time().Compare(b.time()) })
	return events
}

// settle gives the settled monitor the events before the new horizon,
// the slack and the margin behind the latest incident, drops the recent
// incidents no later incident can corroborate, and returns the events
// left.
func (x *Incremental) settle(events []Event) ([]Event, error) {
	if x.latest.IsZero() {
		return events, nil
	}
	horizon := x.latest.Add(-x.slack - x.margin)
	if x.hasHorizon && !horizon.After(x.horizon) {
		return events, nil
	}
	n := 0
	for n < len(events) && events[n].time().Before(horizon) {
		if err := x.settled.Add(events[n]); err != nil {
			return nil, fmt.Errorf("monitor: settling the events before %s: %w", horizon.Format(time.RFC3339), err)
		}
		if events[n].Territory != nil {
			x.nextState++
		}
		n++
	}
	x.horizon, x.hasHorizon = horizon, true
	keep := horizon.Add(-x.margin)
	x.recent = slices.DeleteFunc(x.recent, func(inc model.Incident) bool { return inc.Time.Before(keep) })
	if len(x.recent) < cap(x.recent)/4 {
		x.recent = slices.Clone(x.recent) // let the first run's incidents go
	}
	return events[n:], nil
}
