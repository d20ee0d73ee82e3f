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

func exampleSet(b *testing.B) *load.Set {
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
		for i := range incs {
			inc := &incs[i]
			window = append(window, i)
			from := inc.Time.Add(-24 * time.Hour)
			for head < len(window) && !incs[window[head]].Time.After(from) {
				head++
			}
			if (inc.Type == "missile_strike" || inc.Type == "drone_strike") && inc.Country == "UA" {
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
			evals += 3
		}
	}
	b.ReportMetric(float64(evals)/b.Elapsed().Seconds(), "evals/s")
	_ = fired
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
