package sim

import (
	"testing"

	"github.com/backstop-dev/backstop/internal/load"
)

func loadPlan(t *testing.T, paths ...string) *Plan {
	t.Helper()
	set, ds := load.Paths(paths, nil)
	if ds.HasErrors() {
		t.Fatalf("invalid documents: %v", ds)
	}
	p, err := Prepare(set, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const baltics = "../../examples/baltics-2016/"

// TestBalticsBaseline: RAND's wargames (Shlapak & Johnson 2016, RR-1253-A)
// found Russian forces at the outskirts of Tallinn or Riga within 36–60
// hours in every game against NATO's 2014–15 posture.
func TestBalticsBaseline(t *testing.T) {
	p := loadPlan(t, baltics+"scenario-2016.yaml", baltics+"framework.yaml", baltics+"declarations-2016.yaml")
	r := Simulate(p, Options{Workers: 2})
	t.Log(r.Verdict)
	if r.Hours.Median < 36 || r.Hours.Median > 60 {
		t.Errorf("median hours to objective %.1f, want inside RAND's 36–60", r.Hours.Median)
	}
	if r.Reached < 0.95 {
		t.Errorf("objective reached in %.2f of runs; RAND's games reached it in every game", r.Reached)
	}
}

// TestBalticsReinforced: about seven brigades, three of them heavy, ready
// at the onset with air power, which RAND judged enough to prevent a rapid
// overrun (Shlapak, testimony, 2017).
func TestBalticsReinforced(t *testing.T) {
	p := loadPlan(t, baltics+"scenario-reinforced.yaml", baltics+"framework.yaml", baltics+"declarations-2016.yaml", baltics+"reinforced")
	r := Simulate(p, Options{Workers: 2})
	t.Log(r.Verdict)
	if p7 := r.Within[2].P; r.Within[2].Label != "7 d" || p7 > 0.05 {
		t.Errorf("P(objective within 7 d) = %.3f (%s), want small", p7, r.Within[2].Label)
	}
}

// TestUkraineScenarios: the bundled offensive against Ukraine alone, with
// the reassurance force, and with air support. The reassurance force in
// theatre changes the outcome; air support, decided late, adds little.
func TestUkraineScenarios(t *testing.T) {
	const dir = "../../examples/ukraine-2025/"
	hold := map[string]float64{}
	for _, s := range []string{"a-layer1", "b-reassurance", "c-air"} {
		p := loadPlan(t, dir+"scenario-"+s+".yaml", dir+"framework.yaml", dir+"declarations")
		r := Simulate(p, Options{Workers: 2})
		t.Logf("%s: %s", s, r.Verdict)
		hold[s] = r.HoldP72
	}
	if !(hold["a-layer1"] < 0.2 && hold["b-reassurance"] > 0.8 && hold["c-air"] >= hold["b-reassurance"]) {
		t.Errorf("P(hold 72 h): A %.2f, B %.2f, C %.2f; want A low, B high, C at least B", hold["a-layer1"], hold["b-reassurance"], hold["c-air"])
	}
}
