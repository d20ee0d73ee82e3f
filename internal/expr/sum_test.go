package expr_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/backstop-dev/backstop/internal/expr"
)

// rig plays the monitor: a buffer of incidents in time order, window()
// over it, and the sliding counts and totals of the counted and summed
// windows, kept as the monitor keeps them (values in on arrival, out when
// older than the duration).
type rig struct {
	t      testing.TB
	env    *expr.Env
	tr     *expr.Triggers
	incs   []*expr.Incident
	vals   []ref.Val
	now    time.Time
	sums   []*slidingSum
	counts []*slidingCounter
	// windowCalls counts the calls of window(): none once every window is
	// rewritten.
	windowCalls int
}

type slidingSum struct {
	s      *expr.Sum
	times  []time.Time
	values []float64
	total  expr.Total
}

type slidingCounter struct {
	c     *expr.Counter
	times []time.Time
}

// newRig binds a Triggers to the rig; summing false passes a nil sum, so
// that every sum takes the general window().
func newRig(t testing.TB, summing bool) *rig {
	t.Helper()
	r := &rig{t: t, env: newEnv(t, expr.Trigger)}
	var sum func(int) float64
	if summing {
		sum = r.sum
	}
	tr, err := r.env.NewTriggers(r.window, r.count, sum)
	if err != nil {
		t.Fatalf("NewTriggers: %v", err)
	}
	r.tr = tr
	return r
}

func (r *rig) window(d time.Duration) []ref.Val {
	r.windowCalls++
	from := r.now.Add(-d)
	i := sort.Search(len(r.incs), func(i int) bool { return r.incs[i].Time.After(from) })
	return r.vals[i:]
}

func (r *rig) sum(index int) float64 {
	s := r.sums[index]
	from := r.now.Add(-s.s.Duration)
	for len(s.times) > 0 && !s.times[0].After(from) {
		s.total.Remove(s.values[0])
		s.times, s.values = s.times[1:], s.values[1:]
	}
	return s.total.Value()
}

func (r *rig) count(index int) int64 {
	c := r.counts[index]
	from := r.now.Add(-c.c.Duration)
	for len(c.times) > 0 && !c.times[0].After(from) {
		c.times = c.times[1:]
	}
	return int64(len(c.times))
}

// program compiles src (of any type: the rig does not need a bool) and
// registers its counted and summed windows.
func (r *rig) program(src string) *expr.Program {
	r.t.Helper()
	checked, iss := r.env.CEL().Compile(src)
	if iss.Err() != nil {
		r.t.Fatalf("compile %q: %v", src, iss.Err())
	}
	p, err := r.tr.Program(&expr.Expression{Source: src, AST: checked})
	if err != nil {
		r.t.Fatalf("Program(%q): %v", src, err)
	}
	for _, s := range p.Sums {
		if s.Index != len(r.sums) {
			r.t.Fatalf("sum %q has index %d, want %d", s.Source, s.Index, len(r.sums))
		}
		r.sums = append(r.sums, &slidingSum{s: s})
	}
	for _, c := range p.Counters {
		r.counts = append(r.counts, &slidingCounter{c: c})
	}
	return p
}

// add brings an incident in: the buffer and the sliding windows.
func (r *rig) add(inc *expr.Incident) {
	r.t.Helper()
	r.now = inc.Time
	r.incs = append(r.incs, inc)
	r.vals = append(r.vals, r.tr.Value(inc))
	for _, s := range r.sums {
		v, ok, err := s.s.Value(inc)
		if err != nil {
			r.t.Fatalf("Value: %v", err)
		}
		if ok {
			s.times, s.values = append(s.times, inc.Time), append(s.values, v)
			s.total.Add(v)
		}
	}
	for _, c := range r.counts {
		ok, err := c.c.Match(inc)
		if err != nil {
			r.t.Fatalf("Match: %v", err)
		}
		if ok {
			c.times = append(c.times, inc.Time)
		}
	}
}

func (r *rig) eval(p *expr.Program, inc *expr.Incident) ref.Val {
	r.t.Helper()
	out, err := p.EvalValue(&expr.Activation{Incident: inc, Territory: &expr.Territory{}})
	if err != nil {
		r.t.Fatalf("eval %q: %v", p.Rewritten(), err)
	}
	return out
}

var t0 = time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)

func incident(hours float64, typ string, fields ...string) *expr.Incident {
	inc := &expr.Incident{ID: fmt.Sprint(hours), Time: t0.Add(time.Duration(hours * float64(time.Hour))), Type: typ, Fields: map[string]string{}}
	for i := 0; i+1 < len(fields); i += 2 {
		inc.Fields[fields[i]] = fields[i+1]
	}
	return inc
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields []string // nil: a nil map
		want   float64
	}{
		{"int", []string{"launched", "381"}, 381},
		{"decimal", []string{"launched", "381.0"}, 381},
		{"fraction", []string{"launched", "12.5"}, 12.5},
		{"spaces", []string{"launched", "  42 \t"}, 42},
		{"negative", []string{"launched", "-3"}, -3},
		{"exponent", []string{"launched", "1e3"}, 1000},
		{"absent", []string{"other", "5"}, 0},
		{"nil fields", nil, 0},
		{"empty", []string{"launched", ""}, 0},
		{"blank", []string{"launched", "   "}, 0},
		{"garbage", []string{"launched", "many"}, 0},
		{"unit", []string{"launched", "381 drones"}, 0},
		{"thousands separator", []string{"launched", "1,000"}, 0},
		{"NaN", []string{"launched", "NaN"}, 0},
		{"Inf", []string{"launched", "Inf"}, 0},
		{"-infinity", []string{"launched", "-infinity"}, 0},
		{"overflow", []string{"launched", "1e400"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inc := incident(0, "x", tc.fields...)
			if tc.fields == nil {
				inc.Fields = nil
			}
			var s string
			if tc.fields != nil {
				s = inc.Fields["launched"]
			}
			if got := expr.Number(s); got != tc.want {
				t.Errorf("Number(%q) = %v, want %v", s, got, tc.want)
			}
			r := newRig(t, true)
			r.add(inc)
			for _, src := range []string{
				`incident.number("launched")`,
				`window("1h").map(i, i.number("launched"))[0]`, // a window element
			} {
				if got := r.eval(r.program(src), inc); got != types.Double(tc.want) {
					t.Errorf("%s = %v, want %v", src, got, tc.want)
				}
			}
		})
	}
}

func TestNumberCompiles(t *testing.T) {
	trigger, gate := newEnv(t, expr.Trigger), newEnv(t, expr.Gate)
	for _, src := range []string{
		`incident.number("launched") >= 400.0`,
		`incident.number("launched") > 3`, // int and double compare
		`window("12h").map(i, i.number("launched")).sum() >= 400.0`,
	} {
		if x, iss := trigger.Compile(src); x == nil {
			t.Errorf("Compile(%q): %+v", src, iss)
		}
	}
	for _, tc := range []struct {
		env *expr.Env
		src string
	}{
		{trigger, `incident.number(1) > 0.0`},
		{trigger, `incident.number() > 0.0`},
		{trigger, `"x".number("y") > 0.0`},
		{trigger, `territory.number("x") > 0.0`},
		{trigger, `number("x") > 0.0`},
		{gate, `coverage("land").number("x") > 0.0`},
	} {
		if x, iss := tc.env.Compile(tc.src); x != nil || len(iss) == 0 || iss[0].Code != "expression-type" {
			t.Errorf("%v Compile(%q) = %v, %+v; want an expression-type issue", tc.env.Kind(), tc.src, x, iss)
		}
	}
}

func TestListSum(t *testing.T) {
	r := newRig(t, false)
	r.add(incident(0, "a", "n", "1.5"))
	r.add(incident(1, "b", "n", "2"))
	r.add(incident(2, "a", "n", "x"))
	inc := incident(3, "a", "n", "4.25")
	r.add(inc)
	for _, tc := range []struct {
		src  string
		want ref.Val
	}{
		{`[1, 2, 3].sum()`, types.Int(6)},
		{`[1.5, 2.5].sum()`, types.Double(4)},
		{`[-1, 1].sum()`, types.Int(0)},
		{`window("12h").map(i, i.number("n")).sum()`, types.Double(7.75)},
		{`window("90m").map(i, i.number("n")).sum()`, types.Double(4.25)},
		{`window("12h").filter(i, i.type == "a").map(i, i.number("n")).sum()`, types.Double(5.75)},
		{`window("12h").map(i, i.type == "a", i.number("n")).sum()`, types.Double(5.75)},
		{`window("12h").map(i, 1).sum()`, types.Int(4)},
		{`window("12h").filter(i, i.type == "zzz").map(i, 1).sum()`, types.Int(0)},
		{`window("12h").filter(i, i.type == "zzz").map(i, i.lat).sum()`, types.Double(0)},
		{`window("12h").map(i, i.fatalities).sum() + 1`, types.Int(1)},
	} {
		t.Run(tc.src, func(t *testing.T) {
			p := r.program(tc.src)
			if len(p.Sums) != 0 || p.Rewritten() != tc.src {
				t.Errorf("with a nil sum, %q was rewritten to %q", tc.src, p.Rewritten())
			}
			if got := r.eval(p, inc); got.Equal(tc.want) != types.True || got.Type() != tc.want.Type() {
				t.Errorf("%s = %v (%s), want %v (%s)", tc.src, got, got.Type(), tc.want, tc.want.Type())
			}
		})
	}
	// sum() of an int list overflows as CEL's int arithmetic does.
	p := r.program(`[9223372036854775807, 1].sum()`)
	if out, err := p.EvalValue(&expr.Activation{Incident: inc}); err == nil || !strings.Contains(err.Error(), "overflow") {
		t.Errorf("overflowing sum = %v, %v; want an overflow error", out, err)
	}
	trigger := newEnv(t, expr.Trigger)
	for _, src := range []string{`["a"].sum() > 0`, `window("1h").sum() > 0`, `window("1h").map(i, i.type).sum() == ""`, `[1, 2].sum(1) > 0`} {
		if x, iss := trigger.Compile(src); x != nil || len(iss) == 0 || iss[0].Code != "expression-type" {
			t.Errorf("Compile(%q) = %v, %+v; want an expression-type issue", src, x, iss)
		}
	}
	// The cost of a sum over a window is bounded, and above the loop's.
	loop, _ := trigger.Compile(`window("12h").map(i, i.number("launched")).size() >= 400`)
	sum, _ := trigger.Compile(`window("12h").map(i, i.number("launched")).sum() >= 400.0`)
	if loop == nil || sum == nil || sum.MaxCost <= loop.MaxCost || sum.MaxCost > expr.CostLimit {
		t.Errorf("costs: loop %+v, sum %+v; want loop < sum <= %d", loop, sum, expr.CostLimit)
	}
}

// The recognised patterns, each with its Sum and the source it becomes.
func TestSumPatterns(t *testing.T) {
	type want struct {
		d      time.Duration
		source string
		isInt  bool
	}
	for _, tc := range []struct {
		src       string
		sums      []want
		rewritten string
		counters  int
	}{
		{
			src:       `window("12h").map(i, i.number("launched")).sum() >= 400.0`,
			sums:      []want{{12 * time.Hour, `window("12h").map(i, i.number("launched")).sum()`, false}},
			rewritten: `__backstop_window_sum(0) >= 400.0`,
		},
		{
			src:       `window("12h").filter(i, i.type in ["missile_strike", "drone_strike"]).map(i, i.number("launched")).sum() >= 400.0`,
			sums:      []want{{12 * time.Hour, `window("12h").filter(i, i.type in ["missile_strike", "drone_strike"]).map(i, i.number("launched")).sum()`, false}},
			rewritten: `__backstop_window_sum(0) >= 400.0`,
		},
		{
			src:       `window("1d").map(x, x.type == "shelling", x.number("rounds") * 2.0).sum() > 1000.0`,
			sums:      []want{{24 * time.Hour, `window("1d").map(x, x.type == "shelling", x.number("rounds") * 2.0).sum()`, false}},
			rewritten: `__backstop_window_sum(0) > 1000.0`,
		},
		{ // different variables in filter and map; a duration()
			src:       `window(duration("6h")).filter(a, a.country == "UA").map(b, b.lat).sum() > 0.0`,
			sums:      []want{{6 * time.Hour, `window(duration("6h")).filter(a, a.country == "UA").map(b, b.lat).sum()`, false}},
			rewritten: `__backstop_window_sum(0) > 0.0`,
		},
		{ // an int value: the int function, compared with an int and a double
			src:       `window("24h").map(i, i.fatalities).sum() >= 10 && window("24h").map(i, i.fatalities).sum() < 20.5`,
			sums:      []want{{24 * time.Hour, `window("24h").map(i, i.fatalities).sum()`, true}},
			rewritten: `__backstop_window_sum_int(0) >= 10 && __backstop_window_sum_int(0) < 20.5`,
		},
		{ // an int value in int arithmetic
			src:       `window("24h").filter(i, i.type == "shelling").map(i, i.fatalities + 1).sum() % 2 == 1`,
			sums:      []want{{24 * time.Hour, `window("24h").filter(i, i.type == "shelling").map(i, i.fatalities + 1).sum()`, true}},
			rewritten: `__backstop_window_sum_int(0) % 2 == 1`,
		},
		{ // has() reads only the variable
			src:       `window("2h").map(i, has(i.fields.launched), i.number("launched")).sum() > 1.0`,
			sums:      []want{{2 * time.Hour, `window("2h").map(i, has(i.fields.launched), i.number("launched")).sum()`, false}},
			rewritten: `__backstop_window_sum(0) > 1.0`,
		},
		{ // two sums and a counter in one trigger
			src: `window("1h").map(i, i.number("a")).sum() > window("2h").map(i, i.number("b")).sum() && window("24h").filter(i, i.type == "x").size() > 2`,
			sums: []want{
				{time.Hour, `window("1h").map(i, i.number("a")).sum()`, false},
				{2 * time.Hour, `window("2h").map(i, i.number("b")).sum()`, false},
			},
			rewritten: `__backstop_window_sum(0) > __backstop_window_sum(1) && __backstop_window_count(0) > 2`,
			counters:  1,
		},
		{ // a sum beside a general window
			src:       `window("1h").map(i, i.lat).sum() > 1.0 && window("1h").exists(i, i.type == incident.type)`,
			sums:      []want{{time.Hour, `window("1h").map(i, i.lat).sum()`, false}},
			rewritten: `__backstop_window_sum(0) > 1.0 && window("1h").exists(i, i.type == incident.type)`,
		},
	} {
		t.Run(tc.src, func(t *testing.T) {
			r := newRig(t, true)
			x, iss := newEnv(t, expr.Trigger).Compile(tc.src)
			if x == nil {
				t.Fatalf("Compile: %+v", iss)
			}
			p, err := r.tr.Program(x)
			if err != nil {
				t.Fatal(err)
			}
			if p.Rewritten() != tc.rewritten {
				t.Errorf("rewritten to %q, want %q", p.Rewritten(), tc.rewritten)
			}
			if len(p.Sums) != len(tc.sums) {
				t.Fatalf("%d sums, want %d", len(p.Sums), len(tc.sums))
			}
			for i, w := range tc.sums {
				s := p.Sums[i]
				if s.Index != i || s.Duration != w.d || s.Source != w.source || s.Int != w.isInt {
					t.Errorf("sum %d = {%d %v %q int %v}, want {%d %v %q int %v}", i, s.Index, s.Duration, s.Source, s.Int, i, w.d, w.source, w.isInt)
				}
			}
			if len(p.Counters) != tc.counters {
				t.Errorf("%d counters, want %d", len(p.Counters), tc.counters)
			}
		})
	}
}

// Patterns that read something else than their variable, or are not the
// recognised shapes, stay on the general window().
func TestSumNotRecognised(t *testing.T) {
	for _, src := range []string{
		`window("1h").map(i, i.number(incident.type)).sum() > 0.0`,
		`window("1h").filter(i, i.type == incident.type).map(i, i.lat).sum() > 0.0`,
		`window("1h").map(i, i.type == incident.type, i.lat).sum() > 0.0`,
		`window("1h").map(i, i.lat + territory.net_km2).sum() > 0.0`,
		`window("1h").map(i, double(window("1h").size())).sum() > 0.0`,
		`window("1h").map(i, ["a", "b"].exists(k, i.fields[k] == incident.type) ? 1.0 : 0.0).sum() > 0.0`,
		`window("1h").map(i, ["a", "b"].exists(k, k == "x") ? 1.0 : 0.0).sum() > 0.0`, // nested loop
		`window("1h").filter(i, ["a"].all(k, i.type != k)).map(i, i.lat).sum() > 0.0`,
		`window(incident.type).map(i, i.lat).sum() > 0.0`, // not a constant duration
		`window(duration(incident.type)).map(i, i.lat).sum() > 0.0`,
		`window("1h").filter(i, i.lat > 0.0).filter(i, i.lon > 0.0).map(i, i.lat).sum() > 0.0`,
		`window("1h").filter(i, i.lat > 0.0).map(i, i.lon > 0.0, i.lat).sum() > 0.0`,
		`window("1h").map(i, dyn(i.lat)).sum() > 0.0`, // neither int nor double
		`[1.0, 2.0].sum() > 0.0`,
		`window("1h").map(i, i.lat).map(x, x * 2.0).sum() > 0.0`,
		`[incident].map(i, i.lat).sum() > 0.0`,
	} {
		t.Run(src, func(t *testing.T) {
			x, iss := newEnv(t, expr.Trigger).Compile(src)
			if x == nil {
				t.Fatalf("Compile: %+v", iss)
			}
			p, err := newRig(t, true).tr.Program(x)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Sums) != 0 || p.Rewritten() != src {
				t.Errorf("recognised: %d sums, rewritten to %q", len(p.Sums), p.Rewritten())
			}
		})
	}
}

// A counted window whose predicate loops over something reading another
// variable is not counted either (the nested loop is a placeholder in the
// source info; it used to pass for a predicate reading nothing).
func TestCounterNestedLoop(t *testing.T) {
	const src = `window("1h").filter(i, ["f", "g"].exists(k, k in i.fields && i.fields[k] == incident.type)).size() > 0`
	x, iss := newEnv(t, expr.Trigger).Compile(src)
	if x == nil {
		t.Fatalf("Compile: %+v", iss)
	}
	r := newRig(t, true)
	p := r.program(src)
	if len(p.Counters) != 0 {
		t.Fatalf("counted as %q", p.Rewritten())
	}
	inc := incident(0, "x", "f", "x")
	r.add(inc)
	if got := r.eval(p, inc); got != types.True {
		t.Errorf("= %v, want true", got)
	}
	// has() is no loop: still counted.
	if p := r.program(`window("1h").filter(i, has(i.fields.f)).size() > 0`); len(p.Counters) != 1 {
		t.Errorf("has() not counted: %q", p.Rewritten())
	}
}

func TestSumValue(t *testing.T) {
	r := newRig(t, true)
	p := r.program(`window("12h").filter(i, i.type in ["missile_strike", "drone_strike"]).map(i, i.number("launched")).sum() >= 400.0`)
	q := r.program(`window("12h").map(i, i.fatalities * 2).sum() > 3`)
	m := r.program(`window("12h").map(i, i.country == "UA", i.number("launched") / 2.0).sum() > 3.0`)
	if len(p.Sums) != 1 || len(q.Sums) != 1 || len(m.Sums) != 1 {
		t.Fatalf("sums: %d %d %d, want one each", len(p.Sums), len(q.Sums), len(m.Sums))
	}
	filtered, ints, mapped := p.Sums[0], q.Sums[0], m.Sums[0]
	for _, tc := range []struct {
		name  string
		sum   *expr.Sum
		inc   *expr.Incident
		value float64
		ok    bool
	}{
		{"drone strike", filtered, incident(0, "drone_strike", "launched", "381"), 381, true},
		{"missile strike, no count", filtered, incident(0, "missile_strike"), 0, true},
		{"missile strike, garbage", filtered, incident(0, "missile_strike", "launched", "dozens"), 0, true},
		{"shelling", filtered, incident(0, "shelling", "launched", "50"), 0, false},
		{"int value", ints, &expr.Incident{Fatalities: 7}, 14, true},
		{"int value, zero", ints, &expr.Incident{}, 0, true},
		{"3-arg map, matches", mapped, &expr.Incident{Country: "UA", Fields: map[string]string{"launched": "9"}}, 4.5, true},
		{"3-arg map, no match", mapped, &expr.Incident{Country: "RU", Fields: map[string]string{"launched": "9"}}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, ok, err := tc.sum.Value(tc.inc)
			if err != nil || v != tc.value || ok != tc.ok {
				t.Errorf("Value = %v, %v, %v; want %v, %v, nil", v, ok, err, tc.value, tc.ok)
			}
		})
	}
	// An error of the predicate or the value is the Sum's.
	e := r.program(`window("1h").map(i, i.fields["x"] == "y", i.lat).sum() > 0.0`)
	if len(e.Sums) != 1 {
		t.Fatalf("not recognised: %q", e.Rewritten())
	}
	if _, _, err := e.Sums[0].Value(&expr.Incident{}); err == nil || !strings.Contains(err.Error(), e.Sums[0].Source) {
		t.Errorf("missing key: err = %v, want an error naming the pattern", err)
	}
}

// sequence is a small stream of strikes and shelling, some with counts.
func sequence() []*expr.Incident {
	return []*expr.Incident{
		incident(0, "drone_strike", "launched", "120"),
		incident(1, "shelling", "launched", "999"),
		incident(2, "missile_strike", "launched", "35.5"),
		incident(5, "drone_strike", "launched", " 300 "),
		incident(5, "drone_strike"),
		incident(9, "missile_strike", "launched", "n/a"),
		incident(11.5, "drone_strike", "launched", "60"),
		incident(12, "shelling"),
		incident(13, "drone_strike", "launched", "10"),
		incident(30, "drone_strike", "launched", "1"),
	}
}

var equivalent = []string{
	`window("12h").filter(i, i.type in ["missile_strike", "drone_strike"]).map(i, i.number("launched")).sum()`,
	`window("12h").filter(i, i.type in ["missile_strike", "drone_strike"]).map(i, i.number("launched")).sum() >= 400.0`,
	`window("3h").map(i, i.number("launched")).sum()`,
	`window("6h").map(i, i.type == "drone_strike", i.number("launched") * 2.0).sum()`,
	`window("12h").map(i, i.fatalities + 1).sum()`,
	`window("12h").map(i, i.fatalities + 1).sum() >= 3`,
	`window("1d").filter(i, i.type == "shelling").map(i, 1).sum() == window("1d").filter(i, i.type == "shelling").size()`,
	`window("12h").map(i, i.number("launched")).sum() - window("1h").map(i, i.number("launched")).sum()`,
	// NaN and infinities: 0/0, ±x/0 while the incident is in the window only
	`window("2h").map(i, i.number("launched") / i.number("zero")).sum()`,
	`window("2h").map(i, (i.number("launched") - 50.0) / i.number("zero")).sum()`,
	`window("2h").map(i, i.number("launched") / i.number("zero")).sum() > 1.0`,
}

// The rewritten programs answer as the general window() does, incident by
// incident.
func TestSumEquivalence(t *testing.T) {
	seq := sequence()
	for i, inc := range seq {
		inc.Fatalities = int64(i % 3)
	}
	compare(t, seq, equivalent)
}

func compare(t *testing.T, seq []*expr.Incident, srcs []string) {
	t.Helper()
	fast, slow := newRig(t, true), newRig(t, false)
	var fp, sp []*expr.Program
	for _, src := range srcs {
		f := fast.program(src)
		if len(f.Sums) == 0 {
			t.Fatalf("%q not rewritten", src)
		}
		fp, sp = append(fp, f), append(sp, slow.program(src))
	}
	for _, inc := range seq {
		fast.add(inc)
		slow.add(inc)
		calls := fast.windowCalls
		for j := range srcs {
			got, want := fast.eval(fp[j], inc), slow.eval(sp[j], inc)
			if !same(got, want) {
				t.Errorf("at %v, %s = %v (%s) rewritten, %v (%s) general", inc.Time.Sub(t0), srcs[j], got, got.Type(), want, want.Type())
			}
		}
		if fast.windowCalls != calls {
			t.Errorf("the rewritten programs called window()")
		}
	}
}

// same compares two results, doubles within a rounding error of the
// running total.
func same(a, b ref.Val) bool {
	if a.Type() != b.Type() {
		return false
	}
	if x, ok := a.(types.Double); ok {
		y := b.(types.Double)
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) || math.IsInf(float64(y), 0) {
			return math.IsNaN(float64(x)) && math.IsNaN(float64(y)) || x == y
		}
		return math.Abs(float64(x-y)) <= 1e-9*math.Max(1, math.Abs(float64(y)))
	}
	return a.Equal(b) == types.True
}

// Random streams: the rewritten and general paths agree.
func TestSumRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	kinds := []string{"drone_strike", "missile_strike", "shelling"}
	values := []string{"", "1", "2.5", "-4", "100", "x", "NaN", " 7 "}
	for run := 0; run < 20; run++ {
		var seq []*expr.Incident
		h := 0.0
		for n := 0; n < 60; n++ {
			if rnd.IntN(4) != 0 { // some incidents share a time
				h += rnd.Float64() * 5
			}
			inc := incident(h, kinds[rnd.IntN(len(kinds))], "launched", values[rnd.IntN(len(values))])
			inc.Fatalities = int64(rnd.IntN(5))
			inc.Country = []string{"UA", "RU"}[rnd.IntN(2)]
			seq = append(seq, inc)
		}
		compare(t, seq, append(equivalent,
			`window("8h").map(i, i.country == "UA", i.fatalities).sum()`,
			`window("20h").filter(i, i.country == "RU" && i.number("launched") > 1.0).map(i, i.number("launched") + 0.5).sum()`,
		))
	}
}

func FuzzNumber(f *testing.F) {
	for _, s := range []string{"381", "381.0", " 1 ", "", "x", "NaN", "Inf", "1e400", "0x1p3", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := expr.Number(s)
		if math.IsNaN(n) || math.IsInf(n, 0) {
			t.Fatalf("Number(%q) = %v", s, n)
		}
		if strings.TrimSpace(s) == "" && n != 0 {
			t.Fatalf("Number(%q) = %v, want 0", s, n)
		}
		if n != 0 && expr.Number(" "+s+"\n") != n {
			t.Fatalf("Number(%q) depends on the spaces around it", s)
		}
	})
}

// BenchmarkSum evaluates a summed trigger on every incident of a stream
// through the rewritten sliding total and through the general window().
func BenchmarkSum(b *testing.B) {
	const src = `window("12h").filter(i, i.type in ["missile_strike", "drone_strike"]).map(i, i.number("launched")).sum() >= 400.0`
	for _, perHour := range []int{10, 100} {
		seq := make([]*expr.Incident, 4096)
		for i := range seq {
			typ := []string{"drone_strike", "missile_strike", "shelling"}[i%3]
			seq[i] = incident(float64(i)/float64(perHour), typ, "launched", fmt.Sprint(i%50))
		}
		for _, tc := range []struct {
			name    string
			summing bool
		}{{"rewritten", true}, {"general", false}} {
			b.Run(fmt.Sprintf("%s/window=%d", tc.name, 12*perHour), func(b *testing.B) {
				r := newRig(b, tc.summing)
				p := r.program(src)
				if (len(p.Sums) == 1) != tc.summing {
					b.Fatalf("rewritten to %q", p.Rewritten())
				}
				act := &expr.Activation{Territory: &expr.Territory{}}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if i == len(seq) { // start the stream again
						r.incs, r.vals, r.windowCalls = nil, nil, 0
						for _, s := range r.sums {
							s.times, s.values, s.total = nil, nil, expr.Total{}
						}
						i = 0
					}
					inc := seq[i]
					r.add(inc)
					act.Incident = inc
					if _, err := p.Eval(act); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// Long triggers: the printed source wraps nowhere, so a pattern far in a
// long line is found as it is printed alone.
func TestLongTriggers(t *testing.T) {
	for _, tc := range []struct {
		src            string
		counters, sums int
	}{
		{`incident.type == "shelling" && incident.country == "UA" && window("24h").filter(i, i.type == "shelling" && i.country == "UA" && i.admin1 == "Kharkiv").size() >= 50`, 1, 0},
		{`incident.type == "drone_strike" && incident.country == "UA" && window("12h").filter(i, i.type in ["missile_strike", "drone_strike"] && i.country == "UA").map(i, i.number("launched")).sum() >= 400.0`, 0, 1},
		// as YAML folds a trigger written on two lines
		{"incident.type in [\"missile_strike\", \"drone_strike\"] && incident.country == \"UA\" && window(\"12h\").filter(i, i.type in [\"missile_strike\", \"drone_strike\"] && i.country == \"UA\")\n  .map(i, i.number(\"launched\")).sum() >= 400.0", 0, 1},
	} {
		p := newRig(t, true).program(tc.src)
		if len(p.Counters) != tc.counters || len(p.Sums) != tc.sums {
			t.Errorf("%s: %d counters and %d sums, want %d and %d; rewritten to %q", tc.src, len(p.Counters), len(p.Sums), tc.counters, tc.sums, p.Rewritten())
		}
	}
}

func TestTotal(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		name        string
		add, remove []float64
		want        float64
	}{
		{"empty", nil, nil, 0},
		{"finite", []float64{1, 2.5, -4}, nil, -0.5},
		{"removed", []float64{1, 2.5, -4}, []float64{2.5}, -3},
		{"all removed", []float64{0.1, 0.2, 0.3}, []float64{0.1, 0.2, 0.3}, 0},
		{"+Inf", []float64{1, inf}, nil, inf},
		{"-Inf", []float64{1, -inf}, nil, -inf},
		{"+Inf and -Inf", []float64{inf, -inf}, nil, nan},
		{"NaN", []float64{1, nan}, nil, nan},
		{"NaN removed", []float64{1, nan}, []float64{nan}, 1},
		{"+Inf removed", []float64{1, inf, -inf}, []float64{inf}, -inf},
		{"cancellation", []float64{1e16, 1, -1e16}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var total expr.Total
			for _, v := range tc.add {
				total.Add(v)
			}
			for _, v := range tc.remove {
				total.Remove(v)
			}
			got := total.Value()
			if !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
				t.Errorf("Value() = %v, want %v", got, tc.want)
			}
		})
	}
	// A long slide of decimals drifts no further than one sum of the window.
	var total expr.Total
	rnd := rand.New(rand.NewPCG(3, 4))
	var window []float64
	for i := 0; i < 100_000; i++ {
		v := math.Round(rnd.Float64()*1e4) / 100
		total.Add(v)
		window = append(window, v)
		if len(window) > 50 {
			total.Remove(window[0])
			window = window[1:]
		}
	}
	want := 0.0
	for _, v := range window {
		want += v
	}
	if got := total.Value(); math.Abs(got-want) > 1e-9 {
		t.Errorf("after a long slide, Value() = %v, want %v", got, want)
	}
}
