package monitor

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/interpreter"
	exprlang "github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/backstop-dev/backstop/internal/expr"
	"github.com/backstop-dev/backstop/internal/model"
)

// The issue's peer condition, as each contender spells it: backstop's
// language, plain CEL over three variables, and expr over a struct.
const (
	peerBackstop = `incident.type == "missile_strike" && incident.subtype in ["ballistic", "cruise", "hypersonic"] && incident.confidence_points >= 0.8`
	peerCEL      = `type == "missile_strike" && subtype in ["ballistic", "cruise", "hypersonic"] && confidence >= 0.8`
	peerExpr     = `type == "missile_strike" && subtype in ["ballistic", "cruise", "hypersonic"] && confidence >= 0.8`
)

// peerIncidents are n incidents of the bench mix with subtypes and
// confidence points, a minute apart, about one in ten matching.
func peerIncidents(n int) []model.Incident {
	incs := benchIncidents(n)
	rng := rand.New(rand.NewPCG(5, 5))
	subtypes := []string{"ballistic", "cruise", "hypersonic", "glide_bomb", ""}
	for i := range incs {
		incs[i].Subtype = subtypes[rng.IntN(len(subtypes))]
		incs[i].Confidence = &model.Confidence{Level: 1 + rng.IntN(3), Points: rng.Float64()}
	}
	return incs
}

func peerGo(x *expr.Incident) bool {
	return x.Type == "missile_strike" && (x.Subtype == "ballistic" || x.Subtype == "cruise" || x.Subtype == "hypersonic") &&
		x.ConfidencePoints >= 0.8
}

// views are the incidents as a trigger sees them (expr.Incident), made
// once: the program-level contenders measure the condition alone.
func views(incs []model.Incident) []expr.Incident {
	out := make([]expr.Incident, len(incs))
	for i := range incs {
		out[i] = toExpr(&incs[i], nil)
	}
	return out
}

// BenchmarkPeer runs the peer condition through every contender on the
// same incidents; ns/op is per incident (per incident × trigger: there is
// one trigger). "backstop-monitor" is backstop's whole per-incident path
// (Monitor.Add with this one trigger, indexed by its type guard), the
// others the condition alone, but for:
//   - "backstop-monitor-unindexed": the same without the index, every
//     incident converted and evaluated (as before the index);
//   - "backstop-monitor-guarded": every incident a missile strike, so
//     that each passes the guard and is evaluated: the cost of an
//     incident the index lets through;
//   - "backstop-monitor-skipped": no incident a missile strike: the cost
//     of an incident the index skips.
//
// The monitor contenders report the share of the stream's incidents the
// guard admits (%guarded): benchIncidents' mix, one type in eight.
func BenchmarkPeer(b *testing.B) {
	incs := peerIncidents(4096)
	xs := views(incs)
	want := 0
	for i := range xs {
		if peerGo(&xs[i]) {
			want++
		}
	}
	check := func(b *testing.B, n, fired int) {
		if n >= len(xs) && fired != want*(n/len(xs))+countPeer(xs[:n%len(xs)]) {
			b.Fatalf("%d firings in %d incidents, want %d per %d", fired, n, want, len(xs))
		}
	}
	b.Run("go", func(b *testing.B) {
		n, fired := 0, 0
		for b.Loop() {
			if peerGo(&xs[n%len(xs)]) {
				fired++
			}
			n++
		}
		check(b, n, fired)
	})
	b.Run("cel-go", func(b *testing.B) { benchPeerCEL(b, xs, check) })
	b.Run("expr", func(b *testing.B) { benchPeerExpr(b, xs, check) })
	b.Run("backstop-program", func(b *testing.B) { benchPeerProgram(b, xs, check) })
	b.Run("backstop-monitor", func(b *testing.B) { benchPeerMonitor(b, incs, true) })
	b.Run("backstop-monitor-unindexed", func(b *testing.B) { benchPeerMonitor(b, incs, false) })
	strikes := slices.Clone(incs)
	for i := range strikes {
		strikes[i].Type = "missile_strike"
	}
	b.Run("backstop-monitor-guarded", func(b *testing.B) { benchPeerMonitor(b, strikes, true) })
	others := slices.Clone(incs)
	for i := range others {
		others[i].Type = "shelling"
	}
	b.Run("backstop-monitor-skipped", func(b *testing.B) { benchPeerMonitor(b, others, true) })
}

func countPeer(xs []expr.Incident) int {
	n := 0
	for i := range xs {
		if peerGo(&xs[i]) {
			n++
		}
	}
	return n
}

// peerActivation gives plain CEL the three fields without a map: the
// fastest activation a cel-go user writes.
type peerActivation struct{ x *expr.Incident }

func (a *peerActivation) ResolveName(name string) (any, bool) {
	switch name {
	case "type":
		return a.x.Type, true
	case "subtype":
		return a.x.Subtype, true
	case "confidence":
		return a.x.ConfidencePoints, true
	}
	return nil, false
}

func (a *peerActivation) Parent() interpreter.Activation { return nil }

func benchPeerCEL(b *testing.B, xs []expr.Incident, check func(*testing.B, int, int)) {
	env, err := cel.NewEnv(cel.Variable("type", cel.StringType), cel.Variable("subtype", cel.StringType),
		cel.Variable("confidence", cel.DoubleType))
	if err != nil {
		b.Fatal(err)
	}
	checked, iss := env.Compile(peerCEL)
	if iss.Err() != nil {
		b.Fatal(iss.Err())
	}
	prg, err := env.Program(checked, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		b.Fatal(err)
	}
	act := &peerActivation{}
	n, fired := 0, 0
	for b.Loop() {
		act.x = &xs[n%len(xs)]
		out, _, err := prg.Eval(act)
		if err != nil {
			b.Fatal(err)
		}
		if out.Value() == true {
			fired++
		}
		n++
	}
	check(b, n, fired)
}

// peerEnv is expr's environment: a struct, passed by pointer so that
// running allocates no interface copy.
type peerEnv struct {
	Type       string  `expr:"type"`
	Subtype    string  `expr:"subtype"`
	Confidence float64 `expr:"confidence"`
}

func benchPeerExpr(b *testing.B, xs []expr.Incident, check func(*testing.B, int, int)) {
	prg, err := exprlang.Compile(peerExpr, exprlang.Env(&peerEnv{}), exprlang.AsBool())
	if err != nil {
		b.Fatal(err)
	}
	envs := make([]peerEnv, len(xs))
	for i, x := range xs {
		envs[i] = peerEnv{Type: x.Type, Subtype: x.Subtype, Confidence: x.ConfidencePoints}
	}
	var machine vm.VM
	n, fired := 0, 0
	for b.Loop() {
		out, err := machine.Run(prg, &envs[n%len(envs)])
		if err != nil {
			b.Fatal(err)
		}
		if out.(bool) {
			fired++
		}
		n++
	}
	check(b, n, fired)
}

// peerMonitor is a monitor of the example framework whose only trigger
// is the peer condition.
func peerMonitor(b *testing.B) *Monitor {
	m, err := New(exampleSet(b), "ukraine-2025", Options{})
	if err != nil {
		b.Fatal(err)
	}
	env, err := expr.Shared(expr.Trigger)
	if err != nil {
		b.Fatal(err)
	}
	x, issues := env.Compile(peerBackstop)
	if x == nil {
		b.Fatal(issues)
	}
	prg, err := m.engine.Program(x)
	if err != nil {
		b.Fatal(err)
	}
	t := &model.Trigger{ID: "peer"}
	m.triggers = []trigger{m.newTrigger(t, prg)} // span: the quiet period
	// the example's counted and summed windows belong to the triggers
	// just dropped: feeding them would be measured as the peer's cost
	m.counters, m.sums = nil, nil
	m.counts[t.ID] = &TriggerCount{Trigger: t.ID}
	m.plan(true)
	return m
}

func benchPeerProgram(b *testing.B, xs []expr.Incident, check func(*testing.B, int, int)) {
	m := peerMonitor(b)
	prg := m.triggers[0].prg
	var noChange expr.Territory
	act := expr.Activation{Territory: &noChange}
	n, fired := 0, 0
	for b.Loop() {
		act.Incident = &xs[n%len(xs)]
		ok, err := prg.Eval(&act)
		if err != nil {
			b.Fatal(err)
		}
		if ok {
			fired++
		}
		n++
	}
	check(b, n, fired)
}

func benchPeerMonitor(b *testing.B, incs []model.Incident, indexed bool) {
	m := peerMonitor(b)
	if !indexed {
		m.plan(false)
	}
	guarded := 0
	for i := range incs {
		if incs[i].Type == "missile_strike" {
			guarded++
		}
	}
	// a minute apart, replayed later and later
	incs = slices.Clone(incs)
	for j := range incs {
		incs[j].Time.Time = incs[0].Time.Add(time.Duration(j) * time.Minute)
	}
	span := time.Duration(len(incs)) * time.Minute
	n, i := 0, 0
	for b.Loop() {
		if i == len(incs) {
			// Time must advance: the stream is replayed later. Shifting
			// it is the benchmark's work, not the monitor's (it cost a
			// quarter of the monitor's time when done per incident).
			b.StopTimer()
			for j := range incs {
				incs[j].Time.Time = incs[j].Time.Add(span)
			}
			i = 0
			b.StartTimer()
		}
		if err := m.Add(Event{Incident: &incs[i]}); err != nil {
			b.Fatal(err)
		}
		n, i = n+1, i+1
	}
	if r := m.Finish(); r.Evaluations != int64(n) {
		b.Fatalf("%d evaluations of %d incidents", r.Evaluations, n)
	}
	b.ReportMetric(100*float64(guarded)/float64(len(incs)), "%guarded")
}
