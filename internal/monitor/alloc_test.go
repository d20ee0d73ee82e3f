package monitor

import (
	"testing"
	"time"
)

// TestAddAllocatesNothing: an incident that fires no trigger costs no
// allocation with the example's triggers (all compiled natively, their
// windows counted and summed, so no incident buffer is kept).
func TestAddAllocatesNothing(t *testing.T) {
	m, err := New(exampleSet(t), "ukraine-2025", Options{BeyondLine: func(lat, lon float64) bool { return lat > 49 }})
	if err != nil {
		t.Fatal(err)
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
		incs[i].Type = "protest" // fires nothing
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
}
