package expr_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"cel.dev/cel-go/common/types/ref"

	"github.com/backstop-dev/backstop/internal/expr"
)

// triggerPrograms returns a function that compiles a trigger's
// expression into a Program, with empty windows, failing the test on an
// error.
func triggerPrograms(t *testing.T) func(src string) *expr.Program {
	t.Helper()
	env := newEnv(t, expr.Trigger)
	tr, err := env.NewTriggers(func(time.Duration) []ref.Val { return nil }, func(int) int64 { return 0 }, func(int) float64 { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	return func(src string) *expr.Program {
		t.Helper()
		x, issues := env.Compile(src)
		if x == nil {
			t.Fatalf("Compile(%q): %v", src, issues)
		}
		p, err := tr.Program(x)
		if err != nil {
			t.Fatalf("Program(%q): %v", src, err)
		}
		return p
	}
}

// TestGuard lists the guard derived from each shape: the types a trigger
// can fire on, or all ("*").
func TestGuard(t *testing.T) {
	tests := []struct {
		src  string
		want []string // nil: every type
	}{
		{`incident.type == "shelling"`, []string{"shelling"}},
		{`"shelling" == incident.type`, []string{"shelling"}},
		{exampleStrike, []string{"drone_strike", "missile_strike"}},
		{`incident.type in ["b", "a", "b"] && incident.type == "b"`, []string{"b"}},
		{`incident.type in ["a"] && incident.type == "b"`, []string{}},
		{`incident.type == "a" || incident.type in ["c", "b"]`, []string{"a", "b", "c"}},
		{`incident.type == "a" || incident.lat > 49.0`, nil},
		{`incident.lat > 49.0 && (incident.type == "a" || incident.type == "b")`, []string{"a", "b"}},
		// incidents see no territorial change: the territory term is false
		{exampleAdvance, []string{"ground_assault"}},
		{`territory.gained_km2 >= 1.0`, []string{}},
		{`territory.net_km2 < -5.0 && territory.as_of > incident.time`, []string{}},
		{`territory.gained_km2 >= 0.0 || incident.type == "a"`, nil}, // true on zero
		{`false || incident.type == "a"`, []string{"a"}},
		{`true`, nil},
		{`incident.type != "a"`, nil},
		{`!(incident.type == "a")`, nil},
		{`incident.type == incident.subtype`, nil},
		{`incident.type.startsWith("missile")`, nil},
		{exampleShelling, nil},
		{`window("24h").filter(i, i.type == "shelling").size() >= 5 && incident.type == "shelling"`, []string{"shelling"}},
		{`window("6h").map(i, i.fatalities).sum() >= 3 && incident.type in ["battle"]`, []string{"battle"}},
		{`window("1h").exists(i, i.type == "a") && incident.type == "b"`, []string{"b"}},
	}
	program := triggerPrograms(t)
	for _, tt := range tests {
		p := program(tt.src)
		if g := p.Guard; tt.want == nil && !g.All || tt.want != nil && (g.All || !slices.Equal(g.Types, tt.want)) {
			t.Errorf("%s: guard %+v, want %v", tt.src, g, tt.want)
		}
	}
}

// TestGuardIsSound: on an incident its guard does not admit, with the
// territory all zero, every program of the shapes, the valid triggers and
// the guards' own cases is false without error, whatever the counts and
// sums (checkGuard, which the agreement tests also run).
func TestGuardIsSound(t *testing.T) {
	sources := append(append([]string{}, nativeShapes...), validTriggers...)
	sources = append(sources,
		`incident.type in ["shelling", "battle"] && incident.fields["k"] == "v"`,
		`incident.fields["k"] == "v" && incident.type == "shelling"`,
		`territory.gained_km2 >= 1.0 || (incident.type == "x" && incident.lat > 48.5)`,
		`(incident.type == "x" || incident.type == "shelling") && window("6h").map(i, i.fatalities).sum() >= 3`)
	a := newAgreement(t, sources)
	guarded := 0
	for _, p := range a.progs {
		if !p.Guard.All {
			guarded++
		}
	}
	if guarded < 10 {
		t.Errorf("only %d of %d programs have a guard", guarded, len(a.progs))
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 20_000 {
		a.count, a.sum = int64(rng.IntN(4)), fuzzFloats[rng.IntN(len(fuzzFloats))]
		a.checkGuard(t, randomIncident(rng))
	}
}

// checkGuard evaluates, on inc with a zero territory, every program whose
// guard refuses inc's type: each must be false without error.
func (a *agreement) checkGuard(t testing.TB, inc *expr.Incident) {
	t.Helper()
	act := &expr.Activation{Incident: inc, Territory: &expr.Territory{}}
	for _, p := range a.progs {
		if p.Guard.Admits(inc.Type) {
			continue
		}
		if v, err := p.Eval(act); v || err != nil {
			t.Fatalf("%s on a %q incident, outside its guard %+v: %v, %v", p.Rewritten(), inc.Type, p.Guard, v, err)
		}
		if v, err := p.EvalCEL(act); v || err != nil {
			t.Fatalf("%s on a %q incident, outside its guard %+v: CEL %v, %v", p.Rewritten(), inc.Type, p.Guard, v, err)
		}
	}
}
