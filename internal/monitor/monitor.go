package monitor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/common/types/ref"

	"github.com/backstop-dev/backstop/internal/expr"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/territory"
)

// DefaultQuietPeriod separates episodes when Options.QuietPeriod is zero.
const DefaultQuietPeriod = 72 * time.Hour

// Options configure a monitor.
type Options struct {
	// QuietPeriod: a firing more than this after the previous firing of
	// the same trigger starts a new episode.
	QuietPeriod time.Duration
	// BeyondLine says whether a point lies inside territory the
	// beneficiary held at the ceasefire snapshot; nil means unknown (false).
	BeyondLine func(lat, lon float64) bool
	// Samples is how many incident ids an episode keeps (default 5).
	Samples int
	// Referenced are incident ids named by findings and actions
	// (Referenced): a breach keeps those of its firings, beyond Samples.
	Referenced map[string]bool
	// OnEpisode, when set, is called when an episode starts (for --follow).
	OnEpisode func(Episode)
	// OnFiring, when set, is called at every firing: the dashboard's map
	// colours each incident by the triggers it fired, which the report
	// (episodes with a few sample incidents) does not list.
	OnFiring func(Firing)
	// InForce is the period the triggers are evaluated in (see Period):
	// events before it only fill the sliding windows, events from its
	// Until on are counted and dropped. The zero Period is all time.
	InForce Period
	// MaxLength, when positive, replaces every trigger's breach length
	// (see Monitor): a firing this long after a breach began starts a new
	// one. Zero: the longest deadline of the trigger's responses, or the
	// quiet period when it has none.
	MaxLength time.Duration
	// Context, when set, bounds the run: Add looks at it every
	// contextCheckEvents events and the triggers are evaluated under it
	// (expr.Program.EvalContext), so that a run whose context ends stops
	// within a few hundred events, or within a few hundred iterations of
	// an expensive trigger's loop, with an error wrapping ErrStopped and
	// the context's cause. Nil: the run is not bounded (the CLI).
	Context context.Context
}

// ErrStopped is the error of a run stopped by Options.Context.
var ErrStopped = errors.New("monitor: run stopped")

// contextCheckEvents is how many events Add takes between two looks at
// Options.Context.
const contextCheckEvents = 256

// Period is a half-open interval [From, Until) of time; a zero bound is
// open.
type Period struct {
	From, Until time.Time
}

// Contains reports whether t is in the period.
func (p Period) Contains(t time.Time) bool {
	return (p.From.IsZero() || !t.Before(p.From)) && (p.Until.IsZero() || t.Before(p.Until))
}

// Firing is one trigger firing on one event.
type Firing struct {
	Trigger string
	At      time.Time
	// Incident is the incident that fired it ("" for a snapshot).
	Incident string
	// Starts is true when the firing starts an episode (a breach).
	Starts bool
}

// Event is an incident or a territory state; exactly one is set.
type Event struct {
	Incident  *model.Incident
	Territory *Territory
}

func (e Event) time() time.Time {
	if e.Incident != nil {
		return e.Incident.Time.Time
	}
	return e.Territory.AsOf
}

// Monitor evaluates one framework's triggers over events given in time order.
//
// Firings of one trigger form a breach (an Episode) by these rules, which
// a monitoring mission can state in one sentence each:
//   - A breach caused by incidents ends when the trigger stays quiet for
//     the quiet period, or when its length reaches the longest deadline of
//     the trigger's responses (the quiet period for a trigger without
//     deadlines): a firing after that calls for the responses again, so it
//     opens a new breach. A daily air campaign is then a series of breaches
//     a few days long, each with its own deadlines, not one breach of six
//     months behind one consultation.
//   - A breach caused by map snapshots lasts while consecutive snapshots
//     fire: the change against the ceasefire line is cumulative, so an
//     advance that grows map by map is one breach whose area grows.
//   - Incident and snapshot firings of the same trigger form separate
//     breaches.
type Monitor struct {
	f        *model.Framework
	set      *load.Set
	opts     Options
	triggers []trigger
	engine   *expr.Triggers

	act      expr.Activation
	current  expr.Incident
	noChange expr.Territory
	emptyInc expr.Incident

	// buffer holds the incidents of the last maxWindow, oldest first,
	// from index head on, with their CEL values in values: window() is a
	// sub-slice of values.
	buffer    []*expr.Incident
	values    []ref.Val
	head      int
	maxWindow time.Duration
	inWindow  bool
	// buffered: some trigger reads window() itself (a window neither
	// counted nor summed). Otherwise no buffer is kept: storing each
	// incident and its CEL value would be two allocations per incident
	// that nothing reads.
	buffered bool
	// fields: some trigger reads an incident's fields map
	// (expr.Uses.Fields). Otherwise the trigger view of an incident whose
	// fields are Columns gets no map of them (building one per incident
	// would cost more than the trigger), only the columns, which number()
	// reads.
	fields bool
	// place: some trigger reads where an incident is (expr.Uses.Place).
	// Otherwise the trigger view's Lat, Lon and BeyondLine stay zero: the
	// coordinates are each behind a pointer, a cache miss apiece, and
	// Options.BeyondLine may be a test against the ceasefire line.
	place bool

	// counters and sums are the sliding counts and sums of the windows
	// the engine rewrote, by index.
	counters []*slidingCount
	sums     []*slidingSum

	// index lists, by incident type, the triggers evaluated on an
	// incident of that type (see typeIndex); feed is true when the
	// counters, the sums or the buffer read every incident, so that its
	// trigger view is made even when no trigger is evaluated on it;
	// incidentTriggers is how many triggers read incidents. All three are
	// built by New (plan) and never change with the events.
	index            typeIndex
	feed             bool
	incidentTriggers int
	// fromSet and untilSet: Options.InForce has that bound.
	fromSet, untilSet bool

	// ctx is Options.Context when it can end (nil otherwise); added
	// counts the events, to look at it every contextCheckEvents.
	ctx   context.Context
	added uint64

	report   Report
	counts   map[string]*TriggerCount
	weekly   map[[2]string]*WeekCount
	last     time.Time
	lastSeen bool
	// to is the last event evaluated (Report.To), if toSeen
	to     time.Time
	toSeen bool

	// the ISO week key of the latest firing and its bounds in Unix
	// seconds, [weekFrom, weekUntil) (see isoWeek)
	weekFrom, weekUntil int64
	weekKey             string
}

// The kinds of breach, by cause, as indexes of trigger.open: a trigger's
// incident and snapshot firings form separate breaches.
const (
	incidentBreach = iota
	snapshotBreach
)

type trigger struct {
	t    *model.Trigger
	prg  *expr.Program
	span time.Duration // the longest a breach of this trigger caused by incidents lasts
	// spanText is span as a breach caused by incidents states it.
	spanText string

	// open are the trigger's open breaches by kind (incidentBreach,
	// snapshotBreach), nil when none: held here rather than in a map
	// keyed by trigger id and kind, whose look-up by two strings at every
	// firing showed in profiles.
	open [2]*Episode
	// The rest is filled at the trigger's first firing (see eval) and
	// only spares a firing look-ups: count is the trigger's entry of
	// Monitor.counts, weekCount its entry of Monitor.weekly for week.
	count     *TriggerCount
	week      string
	weekCount *WeekCount
}

// newTrigger is the monitor's trigger t, evaluated by prg.
func (m *Monitor) newTrigger(t *model.Trigger, prg *expr.Program) trigger {
	span := m.span(t)
	return trigger{t: t, prg: prg, span: span, spanText: model.Duration(span).String()}
}

// New prepares a monitor of framework id (empty: the set's only one).
func New(set *load.Set, id string, opts Options) (*Monitor, error) {
	f := set.Framework(id)
	if id == "" {
		if fs := set.Frameworks(); len(fs) == 1 {
			f = fs[0]
		}
	}
	if f == nil {
		return nil, fmt.Errorf("monitor: no framework %q among the loaded documents", id)
	}
	if opts.QuietPeriod <= 0 {
		opts.QuietPeriod = DefaultQuietPeriod
	}
	if opts.Samples <= 0 {
		opts.Samples = 5
	}
	m := &Monitor{f: f, set: set, opts: opts,
		counts: map[string]*TriggerCount{}, weekly: map[[2]string]*WeekCount{}}
	if opts.Context != nil && opts.Context.Done() != nil {
		m.ctx = opts.Context
	}
	m.fromSet, m.untilSet = !opts.InForce.From.IsZero(), !opts.InForce.Until.IsZero()
	m.report = Report{FormatVersion: FormatVersion, Framework: f.ID, QuietPeriod: model.Duration(opts.QuietPeriod).String(),
		Period: reportPeriod(opts.InForce), Inputs: []feeds.Summary{}, Triggers: []TriggerCount{}, Episodes: []Episode{}, Weekly: []WeekCount{}}
	env, err := expr.Shared(expr.Trigger)
	if err != nil {
		return nil, err
	}
	if m.engine, err = env.NewTriggers(m.window, m.count, m.sum); err != nil {
		return nil, err
	}
	for i := range f.Triggers {
		t := &f.Triggers[i]
		x := set.When(f.ID, t.ID)
		if x == nil {
			return nil, fmt.Errorf("monitor: trigger %s has no compiled expression (are the documents valid?)", t.ID)
		}
		prg, err := m.engine.Program(x)
		if err != nil {
			return nil, err
		}
		for _, c := range x.Calls("window") {
			if d, err := model.ParseDuration(c.Arg); err == nil && time.Duration(d) > m.maxWindow {
				m.maxWindow = time.Duration(d)
			}
		}
		m.triggers = append(m.triggers, m.newTrigger(t, prg))
		m.buffered = m.buffered || prg.Windowed
		for _, c := range prg.Counters {
			m.counters = append(m.counters, &slidingCount{c: c})
		}
		for _, c := range prg.Sums {
			m.sums = append(m.sums, &slidingSum{s: c})
		}
		m.counts[t.ID] = &TriggerCount{Trigger: t.ID, Title: t.Title, Severity: string(t.Severity), Measure: t.Measure}
	}
	m.plan(true)
	return m, nil
}

// typeIndex lists, for each incident type some trigger's guard names (see
// expr.Guard), the triggers whose guards admit it, and for every other
// type the triggers without a guard, each list in the triggers' order:
// an incident meets only the triggers that can fire on it. A trigger
// whose guard refuses an incident would be false on it without error
// (the guard is sound), and a trigger of incidents that is false does
// nothing (quiet ends only snapshot breaches), so skipping it changes no
// output; TestIndexChangesNothing checks the reports and the firings are
// the same with and without the index.
type typeIndex struct {
	types []string
	lists [][]int
	// byType replaces the scan of types when there are many: below a
	// handful, comparing strings costs less than hashing one.
	byType map[string]int
	other  []int
}

// scanTypes is the most types looked up by a scan rather than a map.
const scanTypes = 8

// find returns the triggers to evaluate on an incident of type t, and t
// interned: the index's own copy of it when t is a type a guard names
// (taken from the guard's string literal, the very string the trigger
// compares the incident's type with), else t. Giving the incident's
// trigger view that copy makes the trigger's `incident.type == "..."` a
// comparison of two identical strings, which the runtime settles on
// their address without reading their bytes.
func (x *typeIndex) find(t string) ([]int, string) {
	if x.byType != nil {
		if i, ok := x.byType[t]; ok {
			return x.lists[i], x.types[i]
		}
		return x.other, t
	}
	for i, k := range x.types {
		// Types of the same length (missile_strike, ground_assault) are
		// told apart by their first byte, most often, before the
		// runtime's comparison is called.
		if len(k) == len(t) && (k == "" || k[0] == t[0]) && k == t {
			return x.lists[i], k
		}
	}
	return x.other, t
}

// plan builds the index of m.triggers, what addIncident must feed and
// which parts of an incident's trigger view it must fill (fields, place);
// with guards false every trigger of incidents is evaluated on every
// incident, as before the index (for the tests that compare both).
func (m *Monitor) plan(guards bool) {
	var x typeIndex
	m.incidentTriggers = 0
	m.fields, m.place = false, false
	for i := range m.triggers {
		prg := m.triggers[i].prg
		m.fields = m.fields || prg.Uses.Fields
		m.place = m.place || prg.Uses.Place
		if !prg.Uses.Incident {
			continue
		}
		m.incidentTriggers++
		if !guards || prg.Guard.All {
			x.other = append(x.other, i)
			continue
		}
		for _, t := range prg.Guard.Types {
			if !slices.Contains(x.types, t) {
				x.types = append(x.types, t)
			}
		}
	}
	for _, t := range x.types {
		var list []int
		for i := range m.triggers {
			if prg := m.triggers[i].prg; prg.Uses.Incident && prg.Guard.Admits(t) {
				list = append(list, i)
			}
		}
		x.lists = append(x.lists, list)
	}
	if len(x.types) > scanTypes {
		x.byType = map[string]int{}
		for i, t := range x.types {
			x.byType[t] = i
		}
	}
	m.index = x
	m.feed = !guards || m.buffered || len(m.counters) > 0 || len(m.sums) > 0
}

// span is how long a breach of t caused by incidents may last: the
// longest deadline of its responses, else the quiet period.
func (m *Monitor) span(t *model.Trigger) time.Duration {
	if m.opts.MaxLength > 0 {
		return m.opts.MaxLength
	}
	var d time.Duration
	for _, id := range t.Respond {
		if i := slices.IndexFunc(m.f.Responses, func(r model.Response) bool { return r.ID == id }); i >= 0 && m.f.Responses[i].Mode != model.Automatic {
			d = max(d, time.Duration(m.f.Responses[i].Within))
		}
	}
	if d == 0 {
		d = m.opts.QuietPeriod
	}
	return d
}

// window is the Window of the trigger engine: the incidents of the last d
// up to the one being evaluated. Outside an incident event it is empty.
func (m *Monitor) window(d time.Duration) []ref.Val {
	if !m.inWindow {
		return nil
	}
	live := m.buffer[m.head:]
	from := m.current.Time.Add(-d)
	i := sort.Search(len(live), func(i int) bool { return live[i].Time.After(from) })
	return m.values[m.head+i:]
}

// Add evaluates one event. Events must come in time order. An event
// before the period in force only fills the sliding windows; one after it
// is counted and dropped.
func (m *Monitor) Add(ev Event) error {
	if m.ctx != nil {
		if m.added%contextCheckEvents == 0 {
			if err := m.stopped(); err != nil {
				return err
			}
		}
		m.added++
	}
	t := ev.time()
	if m.lastSeen && t.Before(m.last) {
		return m.outOfOrder(t)
	}
	m.last, m.lastSeen = t, true
	// Most runs are of all time or of a period open at its end: testing
	// the bounds' zero values at every event showed in profiles.
	switch p := &m.opts.InForce; {
	case m.fromSet && t.Before(p.From):
		if ev.Incident == nil {
			m.report.SnapshotsBefore++
			return nil
		}
		m.report.IncidentsBefore++
		if !m.feed {
			return nil // no window to fill
		}
		_, err := m.buffer1(ev.Incident, ev.Incident.Type)
		return err
	case m.untilSet && !t.Before(p.Until):
		if ev.Incident == nil {
			m.report.SnapshotsAfter++
		} else {
			m.report.IncidentsAfter++
		}
		return nil
	}
	if !m.toSeen { // the first event evaluated
		m.report.From = t.UTC().Format(time.RFC3339)
	}
	// Report.To is formatted by Finish: formatting it here cost an
	// allocation and a tenth of a microsecond per event.
	m.to, m.toSeen = t, true
	if inc := ev.Incident; inc != nil {
		// Most incidents meet no trigger: they are skipped here, without
		// the call to addIncident, whose frame costs as much as the rest.
		// The triggers the index leaves out count as evaluated
		// (Report.Evaluations is the triggers of incidents times the
		// incidents, as before the index): they were false.
		m.report.Incidents++
		due, typ := m.index.find(inc.Type)
		m.report.Evaluations += int64(m.incidentTriggers - len(due))
		if len(due) == 0 && !m.feed {
			return nil
		}
		return m.addIncident(inc, typ, due)
	}
	return m.addTerritory(ev.Territory)
}

// outOfOrder is Add's error for an event at t before the last one. It is
// a function of its own so that formatting the error does not weigh on
// Add's frame, which every event pays for.
//
//go:noinline
func (m *Monitor) outOfOrder(t time.Time) error {
	return fmt.Errorf("monitor: events out of order: %s after %s", t.Format(time.RFC3339), m.last.Format(time.RFC3339))
}

// buffer1 puts an incident into the sliding windows and returns its
// trigger view, whose type is typ: inc.Type or a string equal to it (see
// typeIndex.find).
func (m *Monitor) buffer1(inc *model.Incident, typ string) (*expr.Incident, error) {
	fillExpr(&m.current, inc, m.opts.BeyondLine, m.fields, m.place)
	m.current.Type = typ
	stored := &m.current // the counters and sums keep nothing of it
	if m.buffered {
		kept := m.current // the buffer keeps its own copy
		stored = &kept
		m.buffer = append(m.buffer, stored)
		m.values = append(m.values, m.engine.Value(stored))
		m.evict(inc.Time.Time)
	}
	for _, sc := range m.counters {
		if err := sc.add(stored); err != nil {
			return nil, fmt.Errorf("incident %s: %w", inc.ID, err)
		}
	}
	for _, ss := range m.sums {
		if err := ss.add(stored); err != nil {
			return nil, fmt.Errorf("incident %s: %w", inc.ID, err)
		}
	}
	return stored, nil
}

// addIncident feeds the sliding windows with an incident and evaluates
// on it the triggers due, those the index gives for its type (see Add). An
// incident that no trigger, counter, sum or buffer reads never gets here:
// it is not even converted to its trigger view. typ is inc.Type, interned
// by the index.
func (m *Monitor) addIncident(inc *model.Incident, typ string, due []int) error {
	if _, err := m.buffer1(inc, typ); err != nil {
		return err
	}
	if len(due) == 0 {
		return nil
	}
	m.act.Incident, m.act.Territory = &m.current, &m.noChange
	m.inWindow = true
	for _, i := range due {
		if err := m.eval(&m.triggers[i], inc.Time.Time, inc, nil); err != nil {
			m.inWindow = false
			return fmt.Errorf("incident %s: %w", inc.ID, err)
		}
	}
	m.inWindow = false
	return nil
}

// evict drops incidents older than the longest window, compacting the
// buffer once the dead prefix is as long as the live part.
func (m *Monitor) evict(now time.Time) {
	from := now.Add(-m.maxWindow)
	for m.head < len(m.buffer) && !m.buffer[m.head].Time.After(from) && m.head < len(m.buffer)-1 {
		m.buffer[m.head], m.values[m.head] = nil, nil
		m.head++
	}
	if m.head > 1024 && m.head*2 > len(m.buffer) {
		m.buffer = append(m.buffer[:0], m.buffer[m.head:]...)
		m.values = append(m.values[:0], m.values[m.head:]...)
		m.head = 0
	}
}

// timed is a queue of the values of the incidents within the last d,
// oldest first, from index head on: the store behind the sliding counts
// and sums. Expired entries are dropped from the front and the slice is
// compacted once the dead prefix is as long as the live part.
type timed[T any] struct {
	times []time.Time
	vals  []T
	head  int
}

func (q *timed[T]) push(t time.Time, v T) {
	q.times, q.vals = append(q.times, t), append(q.vals, v)
}

// expire drops the entries not after now − d, handing each to drop, and
// returns how many are left.
func (q *timed[T]) expire(now time.Time, d time.Duration, drop func(T)) int {
	from := now.Add(-d)
	for q.head < len(q.times) && !q.times[q.head].After(from) {
		if drop != nil {
			drop(q.vals[q.head])
		}
		q.head++
	}
	if q.head > 1024 && q.head*2 > len(q.times) {
		q.times = append(q.times[:0], q.times[q.head:]...)
		q.vals = append(q.vals[:0], q.vals[q.head:]...)
		q.head = 0
	}
	return len(q.times) - q.head
}

// slidingCount keeps, for one counted window, the times of the incidents
// that match its predicate; the count is those after now − D.
type slidingCount struct {
	c *expr.Counter
	q timed[struct{}]
}

func (s *slidingCount) add(inc *expr.Incident) error {
	ok, err := s.c.Match(inc)
	if err != nil || !ok {
		return err
	}
	s.q.push(inc.Time, struct{}{})
	return nil
}

func (s *slidingCount) value(now time.Time) int64 {
	return int64(s.q.expire(now, s.c.Duration, nil))
}

// count is the counted windows' function: outside an incident event (on a
// snapshot) every window is empty.
func (m *Monitor) count(index int) int64 {
	if !m.inWindow || index < 0 || index >= len(m.counters) {
		return 0
	}
	return m.counters[index].value(m.current.Time)
}

// sum is the summed windows' function, as count.
func (m *Monitor) sum(index int) float64 {
	if !m.inWindow || index < 0 || index >= len(m.sums) {
		return 0
	}
	return m.sums[index].value(m.current.Time)
}

// slidingSum keeps, for one summed window, the times and values of the
// incidents that match its predicate, and their running total over the
// last D (an expr.Total: compensated, and a NaN or infinity counts only
// while its incident is in the window).
type slidingSum struct {
	s     *expr.Sum
	q     timed[float64]
	total expr.Total
}

func (s *slidingSum) add(inc *expr.Incident) error {
	v, ok, err := s.s.Value(inc)
	if err != nil || !ok {
		return err
	}
	s.q.push(inc.Time, v)
	s.total.Add(v)
	return nil
}

func (s *slidingSum) value(now time.Time) float64 {
	s.q.expire(now, s.s.Duration, s.total.Remove)
	return s.total.Value()
}

func (m *Monitor) addTerritory(st *Territory) error {
	m.report.Snapshots++
	ter := expr.Territory{GainedKm2: st.GainedKm2, LostKm2: st.LostKm2, NetKm2: st.NetKm2, AsOf: st.AsOf}
	m.act.Incident, m.act.Territory = &m.emptyInc, &ter
	for i := range m.triggers {
		tr := &m.triggers[i]
		if !tr.prg.Uses.Territory {
			continue
		}
		if err := m.eval(tr, st.AsOf, nil, st); err != nil {
			return fmt.Errorf("snapshot %s: %w", st.Snapshot, err)
		}
	}
	return nil
}

// stopped is the run's error once its context has ended, else nil.
func (m *Monitor) stopped() error {
	if m.ctx == nil || m.ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("%w after %d events: %w", ErrStopped, m.added, context.Cause(m.ctx))
}

// eval evaluates one trigger on the current event: the incident inc or
// the snapshot st (one is nil). The breach's cause is made only when the
// trigger fires: making it for every evaluation showed in profiles.
func (m *Monitor) eval(tr *trigger, at time.Time, inc *model.Incident, st *Territory) error {
	m.report.Evaluations++
	var (
		fired bool
		err   error
	)
	if m.ctx != nil {
		fired, err = tr.prg.EvalContext(m.ctx, &m.act)
	} else {
		fired, err = tr.prg.Eval(&m.act)
	}
	if err != nil {
		if serr := m.stopped(); serr != nil {
			return fmt.Errorf("trigger %s: %w", tr.t.ID, serr)
		}
		return fmt.Errorf("trigger %s: %w", tr.t.ID, err)
	}
	kind := incidentBreach
	if inc == nil {
		kind = snapshotBreach
	}
	if !fired {
		m.quiet(tr, kind)
		return nil
	}
	cause := causeOf(inc, st)
	ep := tr.open[kind]
	if tr.count == nil {
		tr.count = m.counts[tr.t.ID]
	}
	count := tr.count
	count.Firings++
	wc := m.weekCount(tr, m.isoWeek(at))
	wc.Firings++
	continues := ep != nil && (cause.Kind == "snapshot" ||
		(at.Sub(ep.End) <= m.opts.QuietPeriod && at.Before(ep.Start.Add(tr.span))))
	if m.opts.OnFiring != nil {
		m.opts.OnFiring(Firing{Trigger: tr.t.ID, At: at, Incident: cause.Incident, Starts: !continues})
	}
	if !continues {
		if ep != nil {
			m.report.Episodes = append(m.report.Episodes, *ep)
		}
		count.Episodes++
		wc.Episodes++
		ep = &Episode{ID: BreachID(tr.t.ID, cause), Status: StatusDetected, Trigger: tr.t.ID, Title: tr.t.Title, Severity: string(tr.t.Severity), Start: at, End: at,
			Cause: cause, Incidents: []string{}, Sources: []string{}, Days: []Day{}, Measure: tr.t.Measure,
			Responses: m.responses(tr.t, at)}
		if cause.Kind == "incident" {
			ep.Span = tr.spanText
		}
		tr.open[kind] = ep
		defer func() {
			if m.opts.OnEpisode != nil {
				m.opts.OnEpisode(*ep)
			}
		}()
	}
	ep.End = at
	ep.Firings++
	ep.record(at, inc, cause.Territory, m.opts.Samples)
	if inc != nil && m.opts.Referenced[inc.ID] {
		ep.referenced = append(ep.referenced, inc.ID)
	}
	if sums := tr.prg.Sums; len(sums) > 0 && inc != nil {
		// what a summing trigger saw: the attack's total over the window,
		// not only the rows that happened to cross the threshold
		v := m.sum(sums[0].Index)
		d := &ep.Days[len(ep.Days)-1]
		d.PeakSum, ep.PeakSum = max(d.PeakSum, v), max(ep.PeakSum, v)
		ep.PeakWindow = model.Duration(sums[0].Duration).String()
	}
	return nil
}

// causeOf is the cause of a breach of the incident inc or the snapshot st
// (one is nil); each snapshot cause has its own copy of the state.
func causeOf(inc *model.Incident, st *Territory) Cause {
	if inc != nil {
		return Cause{Kind: "incident", Incident: inc.ID, Type: inc.Type, Admin1: inc.Admin1}
	}
	c := *st
	return Cause{Kind: "snapshot", Territory: &c}
}

// quiet handles a trigger that did not fire. Only a snapshot's silence
// ends a breach (the next snapshot that fires starts a new one).
func (m *Monitor) quiet(tr *trigger, kind int) {
	if ep := tr.open[kind]; kind == snapshotBreach && ep != nil {
		m.report.Episodes = append(m.report.Episodes, *ep)
		tr.open[kind] = nil
	}
}

// weekCount is tr's count of the firings in week, made at its first
// firing in that week. Firings come in time order, so the week is nearly
// always the trigger's last one, which tr keeps: looking the count up by
// week and trigger id at every firing showed in profiles.
func (m *Monitor) weekCount(tr *trigger, week string) *WeekCount {
	if tr.weekCount != nil && tr.week == week {
		return tr.weekCount
	}
	key := [2]string{week, tr.t.ID}
	wc := m.weekly[key]
	if wc == nil {
		wc = &WeekCount{Week: week, Trigger: tr.t.ID}
		m.weekly[key] = wc
	}
	tr.week, tr.weekCount = week, wc
	return wc
}

// record adds one firing to the breach's days, samples and sources.
func (ep *Episode) record(at time.Time, inc *model.Incident, ter *Territory, samples int) {
	if n := len(ep.Days); n == 0 || !sameDay(ep.Days[n-1].Date, at) {
		ep.Days = append(ep.Days, Day{Date: at.UTC().Format(time.DateOnly)})
	}
	d := &ep.Days[len(ep.Days)-1]
	d.Firings++
	if ter != nil {
		g := ter.GainedKm2
		d.GainedKm2 = &g
		ep.Latest = ter
		addSource(&ep.Sources, "map")
		return
	}
	if len(ep.Incidents) < samples {
		ep.Incidents = append(ep.Incidents, inc.ID)
	}
	if ep.Measure != "" {
		if v, ok := Number(field(inc, ep.Measure)); ok {
			d.Sum += v
			ep.Sum += v
		}
	}
	addSource(&ep.Sources, cmp.Or(inc.Source, "unknown"))
	if c := inc.Confidence; c != nil {
		for _, s := range c.Sources {
			addSource(&ep.Sources, s)
		}
	}
	ep.SingleSource = len(ep.Sources) < 2
}

// sameDay reports whether t (in UTC) falls on day, YYYY-MM-DD, without
// formatting t: a breach records every firing.
func sameDay(day string, t time.Time) bool {
	y, mo, d := t.UTC().Date()
	return len(day) == 10 && atoi(day[:4]) == y && atoi(day[5:7]) == int(mo) && atoi(day[8:]) == d
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func addSource(sources *[]string, s string) {
	if i, found := slices.BinarySearch(*sources, s); !found {
		*sources = slices.Insert(*sources, i, s)
	}
}

// Number reads a numeric incident field (such as "381.0"): false when it
// is absent, empty or not a finite number.
func Number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// responses lists what a trigger firing at t calls for.
func (m *Monitor) responses(t *model.Trigger, at time.Time) []ResponseDue {
	out := []ResponseDue{}
	for _, id := range t.Respond {
		i := slices.IndexFunc(m.f.Responses, func(r model.Response) bool { return r.ID == id })
		if i < 0 {
			continue
		}
		r := m.f.Responses[i]
		due := ResponseDue{Response: r.ID, Title: r.Title, Mode: string(r.Mode), Domains: []string{}, Due: at, Pledges: []PledgeActivity{}}
		if r.Mode != model.Automatic {
			due.Within = r.Within.String()
			due.Due = at.Add(time.Duration(r.Within))
		}
		for _, d := range r.Domains {
			due.Domains = append(due.Domains, string(d))
		}
		due.Pledges = m.activated(r, at, due.Due)
		out = append(out, due)
	}
	return out
}

// activated lists the guarantors' layer-2 pledges in a response's domains
// (not rejected ones) in the declarations that counted when the breach
// began, with when each could be in place: its readiness after the
// response's deadline or after the day the pledge is available, whichever
// is later; for a pledge still awaiting a vote, only if the vote passes
// (ReadyBy stays empty and ReadyIfApproved says when).
func (m *Monitor) activated(r model.Response, at, due time.Time) []PledgeActivity {
	out := []PledgeActivity{}
	latest := latestAt(m.set, m.f.ID, at)
	parties := make([]string, 0, len(latest))
	for p := range latest {
		parties = append(parties, p)
	}
	slices.Sort(parties)
	for _, party := range parties {
		if p := m.f.Parties[party]; p == nil || p.Role != model.Guarantor {
			continue
		}
		for _, pl := range latest[party].Pledges {
			if pl.Layer != 2 || !slices.Contains(r.Domains, pl.Domain) || pl.Approval == model.Rejected {
				continue
			}
			approval := string(pl.Approval)
			if approval == "" {
				approval = string(model.NotRequired)
				if pl.NeedsSignOff() {
					approval = string(model.Pending)
				}
			}
			// Notice to move runs from the decision or from the day the
			// force exists, whichever is later: a unit that becomes
			// available after the decision still needs its readiness time.
			available, from := "now", due
			if !pl.Available.Now && !pl.Available.Date.IsZero() {
				available = pl.Available.Date.String()
				if a := pl.Available.Date.Time.UTC(); a.After(from) {
					from = a
				}
			}
			ready := from.Add(time.Duration(pl.Readiness))
			act := PledgeActivity{Party: party, Pledge: pl.ID, Domain: string(pl.Domain), Quantity: pl.Quantity,
				Unit: pl.Unit.Raw, Posture: string(pl.Posture), Readiness: pl.Readiness.String(), Approval: approval,
				Available: available}
			if approval == string(model.Pending) {
				act.ReadyIfApproved = &ready
			} else {
				act.ReadyBy = &ready
			}
			out = append(out, act)
		}
	}
	return out
}

// latestAt is, per party, the declaration that counted at t: the latest
// dated on or before t. A party that had declared nothing by then has
// nothing to activate: a pledge is never ready before it exists.
func latestAt(set *load.Set, framework string, t time.Time) map[string]*model.Declaration {
	out := map[string]*model.Declaration{}
	for _, d := range set.Declarations(framework) {
		if d.Date.After(t) {
			continue
		}
		out[d.Party] = d // ordered by date and revision within a party
	}
	return out
}

// Finish closes the open breaches and returns the report, breaches in
// order of their start.
func (m *Monitor) Finish() *Report {
	for i := range m.triggers {
		tr := &m.triggers[i]
		for kind, ep := range tr.open {
			if ep != nil {
				m.report.Episodes = append(m.report.Episodes, *ep)
				tr.open[kind] = nil
			}
		}
	}
	if m.toSeen {
		m.report.To = m.to.UTC().Format(time.RFC3339)
	}
	slices.SortStableFunc(m.report.Episodes, func(a, b Episode) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Trigger, b.Trigger), cmp.Compare(a.Cause.Kind, b.Cause.Kind))
	})
	m.report.Triggers = m.report.Triggers[:0]
	for _, tr := range m.triggers {
		m.report.Triggers = append(m.report.Triggers, *m.counts[tr.t.ID])
	}
	m.report.SingleSource = 0
	for _, e := range m.report.Episodes {
		if e.SingleSource {
			m.report.SingleSource++
		}
	}
	m.report.Weekly = m.report.Weekly[:0]
	for _, wc := range m.weekly {
		m.report.Weekly = append(m.report.Weekly, *wc)
	}
	slices.SortFunc(m.report.Weekly, func(a, b WeekCount) int {
		return cmp.Or(cmp.Compare(a.Week, b.Week), cmp.Compare(a.Trigger, b.Trigger))
	})
	r := m.report
	return &r
}

// States are the territory states of the snapshots after the baseline,
// each compared with it by diff (territory.Diff, or a cache of it): what
// the territory triggers read.
func States(base *territory.Snapshot, snaps []*territory.Snapshot, diff func(from, to *territory.Snapshot) territory.Change) []Territory {
	var out []Territory
	for _, snap := range snaps {
		if !snap.Date.After(base.Date.Time) {
			continue
		}
		ch := diff(base, snap)
		out = append(out, Territory{Snapshot: snap.Date.String(), AsOf: snap.Date.Time,
			GainedKm2: ch.GainedKm2, LostKm2: ch.LostKm2, NetKm2: ch.NetKm2})
	}
	return out
}

// Run evaluates incidents and territory states together in time order (a
// snapshot before the incidents of the same instant) and returns the report.
func Run(set *load.Set, id string, incidents []model.Incident, territory []Territory, opts Options) (*Report, error) {
	m, err := New(set, id, opts)
	if err != nil {
		return nil, err
	}
	return m.run(incidents, territory)
}

// run is Run on a monitor already made.
func (m *Monitor) run(incidents []model.Incident, territory []Territory) (*Report, error) {
	events := make([]Event, 0, len(incidents)+len(territory))
	for i := range territory {
		events = append(events, Event{Territory: &territory[i]})
	}
	for i := range incidents {
		events = append(events, Event{Incident: &incidents[i]})
	}
	slices.SortStableFunc(events, func(a, b Event) int { return a.time().Compare(b.time()) })
	for _, ev := range events {
		if err := m.Add(ev); err != nil {
			return nil, err
		}
	}
	return m.Finish(), nil
}

func toExpr(inc *model.Incident, beyond func(lat, lon float64) bool) expr.Incident {
	var x expr.Incident
	fillExpr(&x, inc, beyond, true, true)
	return x
}

// fillExpr writes inc's trigger view into x in place: building it as a
// value and copying it into the monitor's current incident cost a fifth
// of a simple trigger's time per incident.
// Every field is assigned one by one, each once: a composite literal
// was built aside, then copied, and cost twice as much. The fields of
// an incident that holds them as Columns are made a map only when
// fields is set (some trigger reads the map); otherwise the view has an
// empty map and the columns, for number(). Lat, Lon and BeyondLine are
// filled only when place is set (some trigger reads them), else zero.
func fillExpr(x *expr.Incident, inc *model.Incident, beyond func(lat, lon float64) bool, fields, place bool) {
	x.ID, x.Time, x.Type, x.Subtype, x.Actor = inc.ID, inc.Time.Time, inc.Type, inc.Subtype, inc.Actor
	x.Country, x.Admin1, x.Location, x.Fatalities, x.Source = inc.Country, inc.Admin1, inc.Location, int64(inc.Fatalities), inc.Source
	x.Lat, x.Lon, x.BeyondLine = 0, 0, false
	if place && inc.Lat != nil && inc.Lon != nil {
		x.Lat, x.Lon = *inc.Lat, *inc.Lon
		if beyond != nil {
			x.BeyondLine = beyond(x.Lat, x.Lon)
		}
	}
	x.Fields = inc.Fields
	var names, values []string
	if x.Fields == nil {
		if fields {
			x.Fields = inc.FieldMap()
		} else {
			names, values = inc.Columns.Names, inc.Columns.Values // for number()
		}
	}
	x.SetColumns(names, values)
	if x.Fields == nil {
		// CEL only reads the map: one empty map serves every incident
		// without fields, instead of one allocated per incident.
		x.Fields = noFields
	}
	if c := inc.Confidence; c != nil {
		x.Confidence, x.ConfidenceLevel, x.ConfidencePoints = int64(c.Level), c.Name, c.Points
	} else {
		x.Confidence, x.ConfidenceLevel, x.ConfidencePoints = 0, "", 0
	}
}

// field is the value of an incident's field name, "" when it has none.
func field(inc *model.Incident, name string) string {
	v, _ := inc.Field(name)
	return v
}

// noFields is the Fields of an incident without any; never written.
var noFields = map[string]string{}

// isoWeek is t's ISO week key ("2025-W37"), formatted once per week:
// firings come in time order, so the last key is nearly always the one.
// Comparing Unix seconds with the week's bounds costs less than
// time.ISOWeek, which every firing would otherwise call.
func (m *Monitor) isoWeek(t time.Time) string {
	if s := t.Unix(); m.weekKey != "" && s >= m.weekFrom && s < m.weekUntil {
		return m.weekKey
	}
	u := t.UTC()
	y, w := u.ISOWeek()
	day := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	monday := day.AddDate(0, 0, -(int(u.Weekday())+6)%7)
	m.weekFrom, m.weekUntil, m.weekKey = monday.Unix(), monday.AddDate(0, 0, 7).Unix(), weekKey(y, w)
	return m.weekKey
}

// weekKey formats "2025-W37" by hand: fmt.Sprintf cost a tenth of a
// firing's time in profiles. Years outside 0…9999 keep fmt's rendering.
func weekKey(y, w int) string {
	if y < 0 || y > 9999 || w < 1 || w > 53 {
		return fmt.Sprintf("%d-W%02d", y, w)
	}
	var b [9]byte
	buf := strconv.AppendInt(b[:0], int64(y), 10)
	buf = append(buf, '-', 'W', byte('0'+w/10), byte('0'+w%10))
	return string(buf)
}
