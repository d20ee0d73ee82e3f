package monitor

import (
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestAddAllocatesNothing: an incident that fires no trigger costs no
// allocation with the example's triggers (all compiled natively, their
// windows counted and summed, so no incident buffer is kept), whether the
// index skips its triggers (a protest meets only the shelling count) or
// lets them through (a strike outside Ukraine is evaluated, and false),
// and without the index; also for incidents whose fields are a CSV
// reader's Columns (no trigger reads them: no map is built).
func TestAddAllocatesNothing(t *testing.T) {
	tests := []struct {
		name    string
		typ     string
		country string
		indexed bool
		columns bool
	}{
		{"protest, indexed", "protest", "UA", true, false},
		{"strike outside Ukraine, indexed", "missile_strike", "RU", true, false},
		{"assault, indexed", "ground_assault", "UA", true, false}, // beyond_line false: lat ≤ 49 below
		{"protest, unindexed", "protest", "UA", false, false},
		{"strike outside Ukraine, unindexed", "missile_strike", "RU", false, false},
		{"strike outside Ukraine, indexed, columns", "missile_strike", "RU", true, true},
		{"assault, indexed, columns", "ground_assault", "UA", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(exampleSet(t), "ukraine-2025", Options{BeyondLine: func(lat, lon float64) bool { return lat > 51 }})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.indexed {
				m.plan(false)
			}
			for _, tr := range m.triggers {
				if !tr.prg.Native() {
					t.Errorf("trigger %s is not compiled natively", tr.t.ID)
				}
			}
			if m.buffered {
				t.Error("the example's triggers read no general window(), yet the monitor keeps a buffer")
			}
			incs := benchIncidents(2048)
			for i := range incs {
				incs[i].Type, incs[i].Country = tt.typ, tt.country // fires nothing
				if tt.columns {
					incs[i].Columns = model.Columns{Names: []string{"notes", "time_precision"}, Values: []string{"n", "day"}}
				}
			}
			clock, n := incs[0].Time.Time, 0
			add := func() {
				inc := &incs[n%len(incs)]
				inc.Time.Time = clock.Add(time.Duration(n) * time.Minute)
				n++
				if err := m.Add(Event{Incident: inc}); err != nil {
					t.Fatal(err)
				}
			}
			for range 4096 { // grow the sliding queues to their steady size
				add()
			}
			if a := testing.AllocsPerRun(2000, add); a != 0 {
				t.Errorf("Add allocates %v times per incident, want 0", a)
			}
			if r := m.Finish(); len(r.Episodes) != 0 {
				t.Errorf("%d breaches: the stream was meant to fire nothing", len(r.Episodes))
			}
		})
	}
}
