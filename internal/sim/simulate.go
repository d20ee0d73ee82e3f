package sim

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/backstop-dev/backstop/internal/numfmt"
)

// Options control a simulation.
type Options struct {
	Runs    int   // 0: the scenario's
	Seed    int64 // 0: the scenario's
	Workers int   // 0: 1
	// Progress, when set, is called as runs complete (from any worker).
	Progress func(done, total int)
	// Analysis adds the sensitivity to each pledge and the search for the
	// smallest extra force (many more runs).
	Analysis bool
	// AnalysisRuns caps the runs of each variant (default 4,000).
	AnalysisRuns int
}

// chunk is how many runs a worker takes at a time.
const chunk = 1024

// groups lists the (party, domain) groups of a plan's forces, with the
// group of each force.
// The list is empty, never nil, when the plan has no force (a scenario of
// the defender alone): the Result's JSON then says [], not null.
func groups(p *Plan) (list []InPlace, of []int) {
	list = []InPlace{}
	index := map[[2]string]int{}
	for _, f := range p.Forces {
		g := [2]string{f.Party, f.Domain}
		i, ok := index[g]
		if !ok {
			i = len(list)
			index[g] = i
			list = append(list, InPlace{Party: f.Party, Domain: f.Domain})
		}
		list[i].Forces++
		of = append(of, i)
	}
	return list, of
}

// outcomes runs n runs of plan p on the given workers; outcome i depends
// only on (seed, i), never on the worker that ran it. inPlace counts, per
// group of groups(p), the runs in which all its forces were in place
// before the objective fell (or by the horizon): integer counts, so the
// merge does not depend on the order either.
func outcomes(p *Plan, n int, seed int64, workers int, progress func(int)) (out []outcome, inPlace []int) {
	out = make([]outcome, n)
	list, of := groups(p)
	inPlace = make([]int, len(list))
	var mu sync.Mutex
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(p)
			counts := make([]int, len(list))
			missing := make([]bool, len(list))
			defer func() {
				mu.Lock()
				for g, c := range counts {
					inPlace[g] += c
				}
				mu.Unlock()
			}()
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				end := min(start+chunk, n)
				for i := start; i < end; i++ {
					o := p.run(i, seed, w)
					out[i] = o
					limit := math.Min(o.hour, p.HorizonH)
					clear(missing)
					for k, g := range of {
						if w.arrive[k] > limit {
							missing[g] = true
						}
					}
					for g, m := range missing {
						if !m {
							counts[g]++
						}
					}
				}
				if progress != nil {
					progress(end - start)
				}
			}
		}()
	}
	wg.Wait()
	return out, inPlace
}

// holdP72 is the share of outcomes in which the objective holds 72 h.
func holdP72(os []outcome) float64 { return holdP(os, 72) }

// holdP is the share of outcomes in which the objective holds past hours
// (to the horizon when hours is the horizon: the runs that never reach it).
func holdP(os []outcome, hours float64) float64 {
	n := 0
	for _, o := range os {
		if o.hour > hours {
			n++
		}
	}
	return float64(n) / float64(len(os))
}

// Simulate runs the plan and aggregates the runs.
func Simulate(p *Plan, o Options) *Result {
	runs, seed := cmp.Or(o.Runs, p.Runs), cmp.Or(o.Seed, p.Seed)
	workers := max(o.Workers, 1)
	var done atomic.Int64
	total := runs
	analysisRuns := min(runs, cmp.Or(o.AnalysisRuns, 4000))
	if o.Analysis {
		total += analysisRuns * (len(p.Forces) + 2*searchSteps + 2*len(p.Uncertain))
	}
	report := func(n int) {
		if o.Progress != nil {
			o.Progress(int(done.Add(int64(n))), total)
		}
	}
	os, inPlace := outcomes(p, runs, seed, workers, report)
	r := &Result{FormatVersion: FormatVersion, Scenario: p.Scenario, Framework: p.Framework, Start: p.Start.String(),
		Runs: runs, Seed: seed, ObjectiveKm: p.ObjectiveKm, HorizonH: p.HorizonH,
		Histogram: []Bin{}, Sensitivity: []Sensitivity{}, Needed: []Need{}, Parameters: []ParameterSensitivity{}}
	r.aggregate(p, os, inPlace)
	r.Politics = []PoliticsSource{}
	for _, pt := range p.parties {
		src := PoliticsSource{Party: pt.id, Decide: pt.decide, Delay: pt.delay, Spread: pt.spread, Source: "scenario"}
		if i := slices.IndexFunc(p.politics, func(x PoliticsSource) bool { return x.Party == pt.id }); i >= 0 {
			src = p.politics[i]
		}
		r.Politics = append(r.Politics, src)
	}
	if o.Analysis {
		r.SensitivityRuns = analysisRuns
		r.Measure = Measure{Label: "holds 72 h", Hours: 72}
		if r.HoldP72 >= 0.95 && r.Reached >= 0.05 {
			// Nearly every run holds 72 h: what differs is whether the
			// objective holds to the horizon.
			r.Measure = Measure{Label: "holds to the horizon (" + numfmt.Number(p.HorizonH/24, 0) + " d)", Hours: p.HorizonH}
		}
		hold := func(os []outcome) float64 { return holdP(os, r.Measure.Hours) }
		base := hold(os[:analysisRuns])
		r.MeasureP = base
		for k, f := range p.Forces {
			if f.Extra {
				continue
			}
			without, _ := outcomes(p.without(k), analysisRuns, seed, workers, report)
			r.Sensitivity = append(r.Sensitivity, Sensitivity{Party: f.Party, Pledge: f.Pledge, Domain: f.Domain, Delta: base - hold(without)})
		}
		slices.SortStableFunc(r.Sensitivity, func(a, b Sensitivity) int {
			return cmp.Or(cmp.Compare(math.Abs(b.Delta), math.Abs(a.Delta)), cmp.Compare(a.Party+a.Pledge, b.Party+b.Pledge))
		})
		r.Parameters = parameters(p, base, hold, analysisRuns, seed, workers, report)
		r.Needed = []Need{
			search(p, "troops in theatre", 1000, 100_000, func(x float64) *Plan { return p.with(x, 0) }, analysisRuns, seed, workers, report),
			search(p, "aircraft", 6, 600, func(x float64) *Plan { return p.with(0, x) }, analysisRuns, seed, workers, report),
		}
	}
	r.Verdict = verdict(r)
	return r
}

// parameters pins each calibrated parameter that can move the scenario at
// either end of its range and measures hold there.
func parameters(p *Plan, base float64, hold func([]outcome) float64, runs int, seed int64, workers int, report func(int)) []ParameterSensitivity {
	list := []ParameterSensitivity{}
	for k, u := range p.Uncertain {
		if !u.Relevant {
			continue
		}
		ps := ParameterSensitivity{Name: u.Name, Source: u.Source, Low: u.Lo, High: u.Hi, HoldLow: base, HoldHigh: base, Fixed: u.Fixed}
		if !u.Fixed {
			lo, _ := outcomes(p.pinned(k, u.Lo), runs, seed, workers, report)
			hi, _ := outcomes(p.pinned(k, u.Hi), runs, seed, workers, report)
			ps.HoldLow, ps.HoldHigh = hold(lo), hold(hi)
		}
		list = append(list, ps)
	}
	slices.SortStableFunc(list, func(a, b ParameterSensitivity) int {
		return cmp.Compare(math.Abs(b.HoldHigh-b.HoldLow), math.Abs(a.HoldHigh-a.HoldLow))
	})
	return list
}

// searchSteps bounds the bisection of search (for the progress total).
const searchSteps = 8

// search finds the smallest multiple of step up to max that lifts
// P(hold 72 h) to 0.9, by bisection (the chance grows with the force).
func search(p *Plan, kind string, step, maxAmount float64, with func(float64) *Plan, runs int, seed int64, workers int, report func(int)) Need {
	hold := func(x float64) float64 {
		os, _ := outcomes(with(x), runs, seed, workers, report)
		return holdP72(os)
	}
	if h := hold(0); h >= 0.9 {
		return Need{Kind: kind, Amount: 0, Max: maxAmount, HoldP: h}
	}
	top := hold(maxAmount)
	if top < 0.9 {
		return Need{Kind: kind, Amount: -1, Max: maxAmount, HoldP: top}
	}
	lo, hi := 0.0, maxAmount/step // in steps; hold(lo) < 0.9 <= hold(hi)
	best := top
	for hi-lo > 1 {
		mid := math.Floor((lo + hi) / 2)
		if h := hold(mid * step); h >= 0.9 {
			hi, best = mid, h
		} else {
			lo = mid
		}
	}
	return Need{Kind: kind, Amount: hi * step, Max: maxAmount, HoldP: best}
}

func (r *Result) aggregate(p *Plan, os []outcome, inPlace []int) {
	n := float64(len(os))
	var hours []float64
	late := 0
	for _, o := range os {
		if !math.IsInf(o.hour, 1) {
			hours = append(hours, o.hour)
		}
		if o.firstDecision > 72 {
			late++
		}
		r.Losses.Attacker += o.attackerLoss
		r.Losses.Defender += o.defenderLoss
	}
	r.axes(p, os)
	r.Losses.Attacker /= n
	r.Losses.Defender /= n
	r.DecideLate = float64(late) / n
	r.Reached = float64(len(hours)) / n
	r.HoldP72 = holdP72(os)
	marks := []Within{{"24 h", 24, 0}, {"72 h", 72, 0}, {"7 d", 168, 0}, {"30 d", 720, 0}}
	if p.HorizonH != 720 {
		marks = append(marks, Within{fmt.Sprintf("horizon (%s)", numfmt.Number(p.HorizonH, 0)+" h"), p.HorizonH, 0})
	}
	for i := range marks {
		c := 0
		for _, h := range hours {
			if h <= marks[i].Hours {
				c++
			}
		}
		marks[i].P = float64(c) / n
	}
	r.Within = marks
	sort.Float64s(hours)
	r.Hours = Quantiles{-1, -1, -1}
	if len(hours) > 0 {
		q := func(f float64) float64 { return hours[min(len(hours)-1, int(f*float64(len(hours))))] }
		r.Hours = Quantiles{Median: q(0.5), P5: q(0.05), P95: q(0.95)}
		width := binWidth(hours[len(hours)-1])
		for _, h := range hours {
			b := int(h / width)
			for len(r.Histogram) <= b {
				from := float64(len(r.Histogram)) * width
				r.Histogram = append(r.Histogram, Bin{FromH: from, ToH: from + width})
			}
			r.Histogram[b].Runs++
		}
	}
	// In place before the fall, by party and domain.
	list, _ := groups(p)
	for g := range list {
		list[g].P = float64(inPlace[g]) / n
	}
	r.InPlace = list
	for _, f := range p.Forces {
		switch {
		case f.Domain == "land" && (f.InTheatre || f.Extra):
			r.Forces.TroopsInTheatre += f.Battalions * p.Params.TroopsPerBattalion
		case f.Domain == "land":
			r.Forces.TroopsLater += f.Battalions * p.Params.TroopsPerBattalion
		}
		r.Forces.Aircraft += f.Aircraft
		if !f.Extra {
			r.Forces.Pledges++
		}
	}
	slices.SortStableFunc(r.InPlace, func(a, b InPlace) int { return cmp.Or(cmp.Compare(a.Party, b.Party), cmp.Compare(a.Domain, b.Domain)) })
}

// axes fills the per-axis depth and the ground taken a day.
func (r *Result) axes(p *Plan, os []outcome) {
	depths := make([]float64, len(os))
	ground := make([]float64, 0, len(os))
	front := false
	for _, ax := range p.Axes {
		front = front || ax.FrontKm > 0
	}
	for i, o := range os {
		depths[i] = o.depthKm
		if front && o.endH > 0 {
			ground = append(ground, o.areaKm2/(o.endH/24))
		}
	}
	sort.Float64s(depths)
	r.Axes = []AxisResult{}
	for _, ax := range p.Axes {
		r.Axes = append(r.Axes, AxisResult{ID: ax.ID, Share: ax.Share, ObjectiveKm: ax.ObjectiveKm, Posture: string(ax.Posture)})
	}
	if len(p.Axes) == 1 && len(depths) > 0 {
		r.Axes[0].DepthKm = depths[len(depths)/2]
	}
	if len(ground) > 0 {
		sort.Float64s(ground)
		q := func(f float64) float64 { return ground[min(len(ground)-1, int(f*float64(len(ground))))] }
		r.GroundKm2PerDay = &Quantiles{Median: q(0.5), P5: q(0.05), P95: q(0.95)}
	}
}

// binWidth picks a histogram bin of 6 h, 12 h, 1 d or 1 week so that the
// longest time needs at most about 40 bins.
func binWidth(longest float64) float64 {
	for _, w := range []float64{6, 12, 24, 48, 168} {
		if longest/w <= 40 {
			return w
		}
	}
	return 168
}

// verdict is the line a planner can quote.
func verdict(r *Result) string {
	var posture string
	switch {
	case r.Forces.TroopsInTheatre == 0:
		posture = "no guarantor troops in theatre"
	case r.Forces.TroopsInTheatre < 5000:
		posture = fmt.Sprintf("tripwire only (%s troops in theatre)", numfmt.Number(r.Forces.TroopsInTheatre, 0))
	default:
		posture = fmt.Sprintf("%s guarantor troops in theatre", numfmt.Number(r.Forces.TroopsInTheatre, 0))
	}
	var fall string
	if r.Hours.Median < 0 {
		fall = fmt.Sprintf("the objective holds in every run to the horizon (%s h)", numfmt.Number(r.HorizonH, 0))
	} else {
		fall = fmt.Sprintf("objective reached in %s of runs, in a median %s h (5–95 %%: %s–%s h); holds 72 h in %s",
			numfmt.Percent(r.Reached), numfmt.Number(r.Hours.Median, 0), numfmt.Number(r.Hours.P5, 0), numfmt.Number(r.Hours.P95, 0),
			numfmt.Percent(r.HoldP72))
	}
	parts := []string{posture, fall}
	if r.Forces.Pledges > 0 {
		parts = append(parts, fmt.Sprintf("guarantors decide after 72 h, or not at all, in %s of runs", numfmt.Percent(r.DecideLate)))
	}
	if len(r.Parameters) > 0 {
		top := r.Parameters[0]
		lo, hi := math.Min(top.HoldLow, top.HoldHigh), math.Max(top.HoldLow, top.HoldHigh)
		if hi-lo >= 0.1 {
			parts = append(parts, fmt.Sprintf("the verdict hangs on the %s: %s in %s–%s of runs across its range (%s–%s)",
				top.Name, r.Measure.Label, numfmt.Percent(lo), numfmt.Percent(hi), strconv.FormatFloat(top.Low, 'g', 3, 64), strconv.FormatFloat(top.High, 'g', 3, 64)))
		}
	}
	for _, n := range r.Needed {
		switch {
		case n.Amount > 0:
			parts = append(parts, fmt.Sprintf("%s more %s would hold 72 h in 90 %% of runs", numfmt.Number(n.Amount, 0), n.Kind))
		case n.Amount < 0:
			parts = append(parts, fmt.Sprintf("even %s more %s would not hold 72 h in 90 %% of runs", numfmt.Number(n.Max, 0), n.Kind))
		}
	}
	return strings.Join(parts, "; ")
}
