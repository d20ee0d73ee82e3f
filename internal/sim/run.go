package sim

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/backstop-dev/backstop/internal/model"
)

// maxStepH bounds the step between events: force ratios change with
// attrition, so the advance rate is re-evaluated at least this often.
const maxStepH = 4.0

// outcome is what one run produced.
type outcome struct {
	hour          float64 // hours to the objective; +Inf when it holds to the horizon
	attackerLoss  float64 // share of the attacker's combat power lost
	defenderLoss  float64 // share of the defence's (local and arrived) lost
	firstDecision float64 // hour of the first guarantor decision; +Inf if none
	depthKm       float64 // deepest advance on any axis
	areaKm2       float64 // ground taken: depth × front, summed over the axes
	endH          float64 // the hour the run ended
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
	vals    [nUncertain]float64 // this run's calibrated parameters
	ax      []axisState
}

// axisState is one axis during a run.
type axisState struct {
	attacker, attacker0 float64
	defence, committed  float64
	pos                 float64
	reserve             int // next reserve to join
	culminated          bool
	combat, speed       float64 // posture factors of this run
}

// modelKey is the stream of the calibrated parameters' draws.
var modelKey = key("model parameters")

func newWorker(p *Plan) *worker {
	src := rand.NewPCG(0, 0)
	w := &worker{src: src, rng: rand.New(src), factor: make([]float64, len(p.parties)),
		arrive: make([]float64, len(p.Forces)), order: make([]int, 0, len(p.Forces)), ax: make([]axisState, len(p.Axes))}
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
	speedNoise := noise()
	for a := range p.Axes {
		ax := &p.Axes[a]
		d := ax.Defence * noise()
		w.ax[a] = axisState{attacker: attacker * ax.Share, attacker0: attacker * ax.Share, defence: d, committed: d}
	}
	// Every parameter is drawn, fixed or not, so that pinning one leaves
	// the others' draws unchanged (common random numbers).
	w.stream(seed, i, modelKey)
	for k := range p.Uncertain {
		w.vals[k] = p.Uncertain[k].value(w.rng.Float64())
	}
	for a := range p.Axes {
		st := &w.ax[a]
		st.combat = PostureFactor[p.Axes[a].Posture] * w.vals[uPostureCombat]
		switch p.Axes[a].Posture {
		case model.Prepared:
			st.speed = w.vals[uPreparedSpeed]
		case model.Fortified:
			st.speed = w.vals[uFortifiedSpeed]
		default:
			st.speed = 1
		}
	}
	p.drawDecisions(i, seed, w)
	out := outcome{hour: math.Inf(1), firstDecision: p.drawArrivals(i, seed, w)}
	return p.engage(w, w.vals[uAdvance]*speedNoise, out)
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
		struck, strikeDelay := w.rng.Float64() < p.StrikeShare, p.StrikeDelayH*math.Exp(0.5*w.rng.NormFloat64())
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
				if struck {
					// A long-range strike on its base or on the move; the
					// batteries already in theatre shield part of it.
					arrive += strikeDelay * (1 - math.Min(0.8, 0.1*p.shieldBatteries))
				}
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

// engage plays the offensive out on every axis to the objective or the
// horizon, the forces in w.order and the defender's reserves joining as
// they arrive, and completes out.
func (p *Plan) engage(w *worker, speedMax float64, out outcome) outcome {
	pr := &p.Params
	k, kills, brk := w.vals[uAttrition], w.vals[uKills], w.vals[uBreakthrough]
	b := support{airDefense: pr.AirDefense}
	t := 0.0
	for t < p.HorizonH {
		stop := p.join(w, &b, t)
		aircraft, batteries, orbits, airDefense := b.aircraft, b.batteries, b.orbits, b.airDefense
		// ISR and air defence change only when forces arrive.
		isr := 1 + math.Min(0.2, 0.05*orbits)
		shield := 1 - math.Min(0.5, 0.05*batteries)
		for t < stop {
			dt := math.Min(maxStepH, stop-t)
			sorties := aircraft * pr.SortiesPerHour * dt
			air := sorties * kills * (1 - airDefense)
			holding := true // every decisive axis culminated
			for a := range w.ax {
				st, ax := &w.ax[a], &p.Axes[a]
				if st.culminated {
					continue
				}
				effective := st.defence * st.combat * isr
				speed := 0.0
				switch {
				case st.defence <= pr.CollapseShare*st.committed:
					speed = speedMax * ax.Terrain
				case effective <= 0 || st.attacker > effective:
					ratio := math.Inf(1)
					if effective > 0 {
						ratio = st.attacker / effective
					}
					speed = speedMax * ax.Terrain * st.speed * math.Min(1, (ratio-1)/(brk-1))
				}
				if speed > 0 && st.pos+speed*dt >= ax.ObjectiveKm && ax.Decisive {
					out.hour = t + (ax.ObjectiveKm-st.pos)/speed
					st.pos = ax.ObjectiveKm
					return p.finish(w, out, out.hour)
				}
				st.pos = math.Min(ax.ObjectiveKm, st.pos+speed*dt)
				att := st.attacker
				st.attacker = math.Max(0, st.attacker-(k*effective+air*ax.Share)*dt)
				// The defender's posture protects it: at equal power the
				// attacker loses posture² times as much (docs/simulate.md).
				st.defence = math.Max(0, st.defence-k*att*shield/st.combat*dt)
				if st.attacker <= pr.CulminationShare*st.attacker0 {
					st.culminated = true
				}
				holding = holding && (st.culminated || !ax.Decisive)
			}
			// Guarantor air and the attacker's air defence wear each other down.
			if sorties > 0 {
				effectiveSorties := sorties * (1 - airDefense)
				aircraft = math.Max(0, aircraft-sorties*pr.LossPerSortie*airDefense)
				airDefense *= math.Exp(-pr.SEADPerSortie * effectiveSorties)
			}
			t += dt
			if holding {
				t = p.HorizonH // every decisive axis culminated: the objective holds
				break
			}
		}
		b.aircraft, b.airDefense = aircraft, airDefense
	}
	return p.finish(w, out, p.HorizonH)
}

// support is what the guarantors have brought to the fight so far, and
// the attacker's air defence as the air campaign wears it down.
type support struct {
	aircraft, batteries, orbits, airDefense float64
	next                                    int // the next force of w.order to arrive
}

// join adds the guarantor forces and the defender's reserves that have
// arrived by hour t, and returns the hour of the next arrival (or the
// horizon): the engagement is stepped between events.
func (p *Plan) join(w *worker, b *support, t float64) (stop float64) {
	gq := w.vals[uGuarantorQuality]
	for b.next < len(w.order) && w.arrive[w.order[b.next]] <= t {
		f := &p.Forces[w.order[b.next]]
		for a := range w.ax {
			// Reinforcements go where the attack is, by its shares.
			land := f.Power * gq * p.Axes[a].Share
			w.ax[a].defence += land
			w.ax[a].committed += land
		}
		b.aircraft += f.Aircraft
		b.batteries += f.Batteries
		b.orbits += f.Orbits
		b.next++
	}
	stop = p.HorizonH
	if b.next < len(w.order) {
		stop = math.Min(stop, w.arrive[w.order[b.next]])
	}
	for a := range w.ax {
		st, rs := &w.ax[a], p.Axes[a].Reserves
		for st.reserve < len(rs) && rs[st.reserve].AfterH <= t {
			st.defence += rs[st.reserve].Power
			st.committed += rs[st.reserve].Power
			st.reserve++
		}
		if st.reserve < len(rs) {
			stop = math.Min(stop, rs[st.reserve].AfterH)
		}
	}
	return stop
}

// finish completes out at hour end: the losses, and the ground taken.
func (p *Plan) finish(w *worker, out outcome, end float64) outcome {
	var a, a0, d, c float64
	for i := range w.ax {
		st := &w.ax[i]
		a, a0, d, c = a+st.attacker, a0+st.attacker0, d+st.defence, c+st.committed
		out.areaKm2 += st.pos * p.Axes[i].FrontKm
		out.depthKm = math.Max(out.depthKm, st.pos)
	}
	out.attackerLoss, out.defenderLoss = 1-a/a0, 1-d/c
	out.endH = end
	return out
}
