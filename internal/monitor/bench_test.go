package monitor

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// benchIncidents is a stream of n incidents, a few minutes apart, with the
// mix of types of a busy front.
func benchIncidents(n int) []model.Incident {
	rng := rand.New(rand.NewPCG(9, 9))
	types := []string{"shelling", "shelling", "shelling", "battle", "drone_strike", "missile_strike", "ground_assault", "protest"}
	clock := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	out := make([]model.Incident, n)
	for i := range out {
		clock = clock.Add(time.Duration(1+rng.IntN(10)) * time.Minute)
		lat, lon := 47+rng.Float64()*3, 35+rng.Float64()*3
		out[i] = model.Incident{ID: fmt.Sprint(i), Time: model.Timestamp{Time: clock}, Type: types[rng.IntN(len(types))],
			Country: "UA", Lat: &lat, Lon: &lon}
	}
	return out
}

func exampleSet(b testing.TB) *load.Set {
	set, ds := load.Paths([]string{"../../examples/ukraine-2025"}, nil)
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	return set
}

// BenchmarkTriggersCEL evaluates the example's three triggers (missile or
// drone strike; ground assault beyond the line; 50 shellings in 24 h over
// a sliding window) on every incident.
func BenchmarkTriggersCEL(b *testing.B) {
	set := exampleSet(b)
	incs := benchIncidents(100_000)
	b.ResetTimer()
	var evals int64
	for b.Loop() {
		m, err := New(set, "ukraine-2025", Options{BeyondLine: func(lat, lon float64) bool { return lat > 49 }})
		if err != nil {
			b.Fatal(err)
		}
		for i := range incs {
			if err := m.Add(Event{Incident: &incs[i]}); err != nil {
				b.Fatal(err)
			}
		}
		evals += m.Finish().Evaluations
	}
	b.ReportMetric(float64(evals)/b.Elapsed().Seconds(), "evals/s")
}

// BenchmarkTriggersGo evaluates the same three rules as hand-written Go
// over the same sliding window, to show the expression engine's overhead
// as a ratio.
func BenchmarkTriggersGo(b *testing.B) {
	incs := benchIncidents(100_000)
	var evals, fired int64
	for b.Loop() {
		var window []int // indexes of the incidents of the last 24 h
		head := 0
		sum12 := goSum{d: 12 * time.Hour}
		for i := range incs {
			inc := &incs[i]
			window = append(window, i)
			from := inc.Time.Add(-24 * time.Hour)
			for head < len(window) && !incs[window[head]].Time.After(from) {
				head++
			}
			strike := (inc.Type == "missile_strike" || inc.Type == "drone_strike") && inc.Country == "UA"
			if strike {
				fired++
				launched, _ := Number(inc.Fields["launched"])
				sum12.add(inc.Time.Time, launched)
			}
			if strike && sum12.value(inc.Time.Time) >= 400 {
				fired++
			}
			if inc.Type == "ground_assault" && inc.Lat != nil && *inc.Lat > 49 {
				fired++
			}
			n := 0
			for _, j := range window[head:] {
				if incs[j].Type == "shelling" {
					n++
				}
			}
			if n >= 50 {
				fired++
			}
			evals += 4
		}
	}
	b.ReportMetric(float64(evals)/b.Elapsed().Seconds(), "evals/s")
	_ = fired
}

// goSum is a hand-written sliding sum over d, as the monitor keeps one.
type goSum struct {
	d     time.Duration
	times []time.Time
	vals  []float64
	head  int
	total float64
}

func (s *goSum) add(t time.Time, v float64) {
	s.times, s.vals = append(s.times, t), append(s.vals, v)
	s.total += v
}

func (s *goSum) value(now time.Time) float64 {
	for from := now.Add(-s.d); s.head < len(s.times) && !s.times[s.head].After(from); s.head++ {
		s.total -= s.vals[s.head]
	}
	return s.total
}

// BenchmarkSlidingSum evaluates the example's massive-strike trigger (a
// 12-hour sliding sum of weapons launched across rows) alone, on a stream
// of strike reports with a launched field: O(1) per incident whatever the
// window holds.
func BenchmarkSlidingSum(b *testing.B) {
	set := exampleSet(b)
	incs := benchIncidents(100_000)
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range incs {
		incs[i].Type = []string{"missile_strike", "drone_strike"}[rng.IntN(2)]
		// about 130 reports in 12 h, 2.5 weapons each on average: the
		// sum crosses 400 now and then, as real attacks do
		incs[i].Fields = map[string]string{"launched": fmt.Sprint(rng.IntN(6))}
	}
	only := *set.Framework("ukraine-2025")
	i := slices.IndexFunc(only.Triggers, func(t model.Trigger) bool { return t.ID == "massive-strike" })
	if i < 0 {
		b.Fatal("massive-strike trigger not found")
	}
	b.ResetTimer()
	var evals, firings int64
	for b.Loop() {
		m, err := New(set, "ukraine-2025", Options{})
		if err != nil {
			b.Fatal(err)
		}
		keep := m.triggers[:0]
		for _, tr := range m.triggers {
			if tr.t.ID == "massive-strike" {
				keep = append(keep, tr)
			}
		}
		m.triggers = keep
		m.plan(true)
		for i := range incs {
			if err := m.Add(Event{Incident: &incs[i]}); err != nil {
				b.Fatal(err)
			}
		}
		r := m.Finish()
		evals += r.Evaluations
		for _, t := range r.Triggers {
			firings += int64(t.Firings)
		}
	}
	if firings == 0 {
		b.Fatal("the sliding sum never reached 400: the benchmark measures nothing")
	}
	b.ReportMetric(float64(evals)/b.Elapsed().Seconds(), "evals/s")
}

// BenchmarkSimpleTriggerCEL is the "simple evaluation": one
// condition on one incident, no window.
func BenchmarkSimpleTriggerCEL(b *testing.B) {
	set := exampleSet(b)
	incs := benchIncidents(1_000)
	m, err := New(set, "ukraine-2025", Options{})
	if err != nil {
		b.Fatal(err)
	}
	i := slices.IndexFunc(m.triggers, func(tr trigger) bool { return tr.t.ID == "missile-strike" })
	if i < 0 {
		b.Fatal("missile-strike trigger not found")
	}
	tr := m.triggers[i]
	b.ResetTimer()
	n := 0
	for b.Loop() {
		inc := &incs[n%len(incs)]
		m.current = toExpr(inc, nil)
		m.act.Incident, m.act.Territory = &m.current, &m.noChange
		if _, err := tr.prg.Eval(&m.act); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "evals/s")
}
