package sim

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// maxStepH bounds the step between events: force ratios change with
// attrition, so the advance rate is re-evaluated at least this often.
const maxStepH = 2.0

// outcome is what one run produced.
type outcome struct {
	hour          float64 // hours to the objective; +Inf when it holds to the horizon
	attackerLoss  float64 // share of the attacker's combat power lost
	defenderLoss  float64 // share of the defence's (local and arrived) lost
	firstDecision float64 // hour of the first guarantor decision; +Inf if none
}

// worker holds the reusable state of one goroutine: nothing in a run
// allocates.
type worker struct {
	src     *rand.PCG
	rng     *rand.Rand
	factor  []float64 // per party: decision time factor, +Inf if it never decides
	arrive  []float64 // per force: arrival hour, +Inf if never
	order   []int     // forces by arrival
	partyID []uint64
	forceID []uint64
}

func newWorker(p *Plan) *worker {
	src := rand.NewPCG(0, 0)
	w := &worker{src: src, rng: rand.New(src), factor: make([]float64, len(p.parties)),
		arrive: make([]float64, len(p.Forces)), order: make([]int, 0, len(p.Forces))}
	for _, pt := range p.parties {
		w.partyID = append(w.partyID, key(pt.id))
	}
	for _, f := range p.Forces {
		w.forceID = append(w.forceID, key(f.Party+"/"+f.Pledge))
	}
	return w
}

func key(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// stream points the worker's generator at the stream of (run, key): each
// party's and each pledge's draws depend only on the seed, the run and
// their own identity, so that removing one pledge (sensitivity) leaves
// every other draw of the run unchanged (common random numbers).
func (w *worker) stream(seed int64, run int, k uint64) {
	w.src.Seed(uint64(seed)^k, uint64(run))
}

// run simulates run number i.
func (p *Plan) run(i int, seed int64, w *worker) outcome {
	pr := &p.Params
	w.stream(seed, i, 0)
	noise := func() float64 { return math.Exp(pr.Noise * w.rng.NormFloat64()) }
	attacker := p.Attacker * noise()
	defence := p.Defender * noise()
	speedMax := pr.AdvanceKmh * noise()

	p.drawDecisions(i, seed, w)
	out := outcome{hour: math.Inf(1), firstDecision: p.drawArrivals(i, seed, w)}
	return p.engage(w, attacker, defence, speedMax, out)
}

// drawDecisions draws, for run i, each party's decision time factor
// (+Inf when it never decides) into w.factor.
func (p *Plan) drawDecisions(i int, seed int64, w *worker) {
	for pi, pt := range p.parties {
		w.stream(seed, i, w.partyID[pi])
		if w.rng.Float64() < pt.decide {
			w.factor[pi] = pt.delay * math.Exp(pt.spread*w.rng.NormFloat64())
		} else {
			w.factor[pi] = math.Inf(1)
		}
	}
}

// drawArrivals draws, for run i, each force's arrival hour into w.arrive
// and lists in w.order, by arrival, the forces that arrive within the
// horizon. It returns the hour of the first guarantor decision, +Inf if
// none.
func (p *Plan) drawArrivals(i int, seed int64, w *worker) (firstDecision float64) {
	pr := &p.Params
	firstDecision = math.Inf(1)
	w.order = w.order[:0]
	for k := range p.Forces {
		f := &p.Forces[k]
		w.stream(seed, i, w.forceID[k])
		came := !f.Pending || w.rng.Float64() < pr.Approval
		arrive := math.Inf(1)
		switch {
		case !came:
		case f.InTheatre || f.Extra:
			arrive = 0
		default:
			pi, dec := p.forceParty[k], p.forceDecH[k]
			if pi >= 0 && !math.IsNaN(dec) && !math.IsInf(w.factor[pi], 1) {
				// The chain starts when the attack begins, or earlier by the
				// share of the warning the coalition acts on.
				decided := p.consultH + dec*w.factor[pi] - pr.WarningResponse*p.WarningH
				firstDecision = math.Min(firstDecision, decided)
				arrive = decided + f.Delay
			}
		}
		w.arrive[k] = arrive
		if arrive <= p.HorizonH {
			w.order = append(w.order, k)
		}
	}
	// Insertion sort: a few dozen forces, and no allocation.
	for a := 1; a < len(w.order); a++ {
		for b := a; b > 0 && w.arrive[w.order[b]] < w.arrive[w.order[b-1]]; b-- {
			w.order[b], w.order[b-1] = w.order[b-1], w.order[b]
		}
	}
	return firstDecision
}

// engage plays the offensive out to the objective or the horizon, the
// forces in w.order joining the defence as they arrive, and completes out.
func (p *Plan) engage(w *worker, attacker, defence, speedMax float64, out outcome) outcome {
	pr := &p.Params
	var aircraft, batteries, orbits float64
	committed := defence // every battalion the defence ever had, for collapse
	attacker0 := attacker
	t, pos := 0.0, 0.0
	next := 0
	for t < p.HorizonH {
		for next < len(w.order) && w.arrive[w.order[next]] <= t {
			f := &p.Forces[w.order[next]]
			land := f.Battalions * pr.GuarantorQuality
			defence += land
			committed += land
			aircraft += f.Aircraft
			batteries += f.Batteries
			orbits += f.Orbits
			next++
		}
		stop := p.HorizonH
		if next < len(w.order) {
			stop = math.Min(stop, w.arrive[w.order[next]])
		}
		for t < stop {
			dt := math.Min(maxStepH, stop-t)
			isr := 1 + math.Min(0.2, 0.05*orbits)
			shield := 1 - math.Min(0.5, 0.05*batteries)
			effective := defence * isr
			speed := 0.0
			switch {
			case defence <= pr.CollapseShare*committed:
				speed = speedMax
			case effective <= 0 || attacker > effective:
				ratio := math.Inf(1)
				if effective > 0 {
					ratio = attacker / effective
				}
				speed = speedMax * math.Min(1, (ratio-1)/(pr.BreakthroughRatio-1))
			}
			if speed > 0 && pos+speed*dt >= p.ObjectiveKm {
				out.hour = t + (p.ObjectiveKm-pos)/speed
				out.attackerLoss = 1 - attacker/attacker0
				out.defenderLoss = 1 - defence/committed
				return out
			}
			air := aircraft * pr.SortiesPerHour * pr.KillsPerSortie * (1 - pr.AirDefense)
			a := attacker
			attacker = math.Max(0, attacker-(pr.AttritionPerHour*effective+air)*dt)
			defence = math.Max(0, defence-pr.AttritionPerHour*a*shield*dt)
			pos += speed * dt
			t += dt
			if attacker <= pr.CulminationShare*attacker0 {
				t = p.HorizonH // the offensive culminates: the objective holds
				break
			}
		}
	}
	out.attackerLoss = 1 - attacker/attacker0
	out.defenderLoss = 1 - defence/committed
	return out
}
