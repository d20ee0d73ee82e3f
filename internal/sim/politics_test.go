package sim

import "testing"

// TestUseMeasured: a party whose record holds enough responses decides as
// its record says; one with too few keeps the scenario's behaviour; and
// a guarantor that never acts lowers the chance that the line holds.
func TestUseMeasured(t *testing.T) {
	const dir = "../../examples/ukraine-2025/"
	load := func() *Plan {
		return loadPlan(t, dir+"scenario-c-air.yaml", dir+"framework.yaml", dir+"declarations")
	}
	base := Simulate(load(), Options{Workers: 2, Runs: 4000})
	p := load()
	var parties []string
	for _, pt := range p.parties {
		parties = append(parties, pt.id)
	}
	measured := map[string]Measured{}
	for _, id := range parties {
		measured[id] = Measured{Acted: 0, DelayRatio: 3, Samples: MinSamples}
	}
	measured[parties[0]] = Measured{Acted: 0, DelayRatio: 3, Samples: MinSamples - 1}
	src := p.UseMeasured(measured)
	if src[0].Source != "scenario" || src[1].Source != "record (3 responses)" || src[1].Decide != 0 || src[1].Delay != 3 {
		t.Errorf("sources %+v", src[:2])
	}
	r := Simulate(p, Options{Workers: 2, Runs: 4000})
	if r.Politics[1].Source != src[1].Source {
		t.Errorf("result politics %+v", r.Politics[1])
	}
	if r.Reached <= base.Reached {
		t.Errorf("guarantors that never act: objective reached in %.2f of runs, against %.2f as the scenario assumes; want more", r.Reached, base.Reached)
	}
}
