package sim

import (
	"math"
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestAxesAndStrike checks the rules of several axes and of long-range
// strikes on a plan built from the Melitopol case: a second, stronger
// decisive axis does not slow the fall of the first; a non-decisive axis
// never decides; a strike delays reinforcements that must travel.
func TestAxesAndStrike(t *testing.T) {
	base := loadPlan(t, "../../examples/calibration/south-2022-melitopol.yaml", "../../examples/ukraine-2025/framework.yaml")
	one := Simulate(base, Options{Workers: 2, Runs: 4000})

	split := func(decisive bool) *Plan {
		p := *base
		weak := p.Axes[0]
		weak.ID, weak.Share = "weak", 0.5
		strong := p.Axes[0]
		strong.ID, strong.Share, strong.Defence, strong.Posture, strong.Decisive = "strong", 0.5, 10*weak.Defence, model.Fortified, decisive
		p.Axes = []Axis{strong, weak}
		return &p
	}
	both := Simulate(split(true), Options{Workers: 2, Runs: 4000})
	if both.Reached < 0.95 {
		t.Errorf("the weak decisive axis falls in %.2f of runs, want nearly all", both.Reached)
	}
	if both.Hours.Median < one.Hours.Median {
		t.Errorf("half the attacker on the weak axis takes %.0f h, less than the whole attacker (%.0f h)", both.Hours.Median, one.Hours.Median)
	}

	// Only the fortified axis decides: it holds.
	p := split(true)
	p.Axes[1].Decisive = false
	if r := Simulate(p, Options{Workers: 2, Runs: 4000}); r.Reached > 0.05 {
		t.Errorf("a non-decisive axis decided: objective reached in %.2f of runs", r.Reached)
	}

	// A strike on reinforcements: the same over-the-horizon force arrives
	// later on average.
	q := *base
	q.Forces = []Force{{Party: "X", Pledge: "x", Domain: "land", Battalions: 3, Power: 3, Delay: 24}}
	q.forceParty, q.forceDecH = []int{-1}, []float64{0}
	q.Forces[0].InTheatre = false
	mean := func(p *Plan) float64 {
		w := newWorker(p)
		sum := 0.0
		for i := range 2000 {
			p.drawArrivals(i, 1, w)
			sum += w.arrive[0]
		}
		return sum / 2000
	}
	// A party that decides (a fresh worker's decision factor is 0: on the
	// consultation deadline).
	q.parties = []party{{id: "X", decide: 1, delay: 1, spread: 0}}
	q.forceParty = []int{0}
	calm := mean(&q)
	q.StrikeShare, q.StrikeDelayH = 1, 24
	struck := mean(&q)
	if math.IsInf(calm, 0) || struck < calm+12 {
		t.Errorf("mean arrival %.1f h without strikes, %.1f h with a 24 h strike on every force; want about 24 h later", calm, struck)
	}
}
