package expr_test

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"cel.dev/cel-go/common/types/ref"

	"github.com/backstop-dev/backstop/internal/expr"
	"github.com/backstop-dev/backstop/internal/load"
)

// nativeShapes exercise every shape the native compiler handles, and a
// few it leaves to CEL, with NaNs, mixed int/double comparisons and
// errors (a missing map key) on both sides of && and ||.
var nativeShapes = []string{
	`incident.type == "missile_strike" && incident.subtype in ["ballistic", "cruise"] && incident.confidence_points >= 0.8`,
	`incident.confidence >= 0.8`,
	`incident.confidence == 2 || incident.confidence_points == 2.0 || incident.lat != 49.0`,
	`incident.lat < incident.lon`,
	`incident.lat != incident.lat`,
	`incident.fatalities != 2 && incident.fatalities <= 10`,
	`!(incident.beyond_line)`,
	`incident.beyond_line == false || incident.beyond_line != true`,
	`incident.confidence_points > incident.confidence`,
	`incident.actor >= "m" && "m" > incident.actor || incident.actor < incident.admin1`,
	`incident.id != "" && incident.source == "acled" && incident.location <= "k"`,
	`incident.confidence_level == "" || incident.confidence >= 2`,
	`territory.gained_km2 >= 1.0 || incident.type == "x"`,
	`territory.lost_km2 > territory.net_km2 && territory.net_km2 < 0`,
	`incident.fields["k"] == "v" || incident.type == "shelling"`,
	`incident.fields["k"] == "v" && incident.type == "shelling"`,
	`incident.lat >= 48.5 || incident.fields["k"] == "v"`,
	`incident.fatalities > 9223372036854775807.0 || incident.fatalities > -1e300`,
	`window("24h").filter(i, i.type == "shelling").size() >= 2`,
	`window("24h").filter(i, i.type in ["a", "shelling"] && i.lat > 48.0).size() > 1 && incident.type == "shelling"`,
	`window("6h").filter(i, i.type == "drone_strike").map(i, i.number("launched")).sum() >= 3.0`,
	`window("6h").map(i, i.fatalities).sum() >= 3 && window("1h").map(i, i.type == "x", i.lat).sum() > 1.0`,
	`window("6h").filter(i, i.country == "UA").map(i, i.number("k")).sum() >= 3.0`,
	// int-valued sums: the total may be no int (NaN, ±Inf, 1e300), an
	// error CEL gives and the native program leaves to it
	`window("24h").filter(i, i.type == "shelling").map(i, i.fatalities).sum() >= 10 || incident.type == "battle"`,
	`window("24h").map(i, i.fatalities).sum() == incident.fatalities && incident.type == "shelling"`,
	`window("24h").map(i, i.fatalities).sum() > 2.5 || window("24h").map(i, i.fatalities).sum() < 0`,
	`incident.type == "x" && window("1h").map(i, i.type == "x", i.fatalities).sum() != 3`,
	`true`,
}

var (
	fuzzTypes  = []string{"missile_strike", "drone_strike", "shelling", "ground_assault", "battle", "x", ""}
	fuzzStrs   = []string{"", "a", "m", "k", "UA", "acled", "ballistic", "cruise", "zz"}
	fuzzFloats = []float64{0, 0.8, 1, 2, 48.5, 49, 50.5, -3, math.NaN(), math.Inf(1), math.Inf(-1), 1e300}
)

// randomIncident draws an incident from values near the constants of the
// shapes, so every branch is taken.
func randomIncident(rng *rand.Rand) *expr.Incident {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	num := func() float64 {
		if rng.IntN(3) == 0 {
			return rng.NormFloat64() * 50
		}
		return fuzzFloats[rng.IntN(len(fuzzFloats))]
	}
	inc := &expr.Incident{ID: pick(fuzzStrs), Time: time.Unix(int64(rng.IntN(1e9)), 0), Type: pick(fuzzTypes),
		Subtype: pick(fuzzStrs), Actor: pick(fuzzStrs), Country: pick(fuzzStrs), Admin1: pick(fuzzStrs),
		Location: pick(fuzzStrs), Lat: num(), Lon: num(), Fatalities: int64(rng.IntN(13)) - 1,
		BeyondLine: rng.IntN(2) == 0, Source: pick(fuzzStrs), Fields: map[string]string{},
		Confidence: int64(rng.IntN(4)), ConfidenceLevel: pick([]string{"", "high"}), ConfidencePoints: num()}
	if rng.IntN(2) == 0 {
		inc.Fields["k"] = pick([]string{"v", "w", " 2.5", "1e400", "NaN", "7"})
	}
	if rng.IntN(2) == 0 {
		inc.Fields["launched"] = pick([]string{"3", "x", "", "-1"})
	}
	return inc
}

// agreement is a set of programs bound to counts and sums the test sets.
type agreement struct {
	progs []*expr.Program
	count int64
	sum   float64
}

func newAgreement(t testing.TB, sources []string) *agreement {
	t.Helper()
	a := &agreement{}
	env := newEnv(t, expr.Trigger)
	tr, err := env.NewTriggers(func(time.Duration) []ref.Val { return nil },
		func(int) int64 { return a.count }, func(int) float64 { return a.sum })
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range sources {
		x, issues := env.Compile(src)
		if x == nil {
			t.Fatalf("Compile(%q): %v", src, issues)
		}
		p, err := tr.Program(x)
		if err != nil {
			t.Fatalf("Program(%q): %v", src, err)
		}
		a.progs = append(a.progs, p)
	}
	return a
}

// check compares the native and CEL results of every program, and of
// their counters' predicates, on one incident and territory.
func (a *agreement) check(t testing.TB, inc *expr.Incident, ter *expr.Territory) {
	t.Helper()
	act := &expr.Activation{Incident: inc, Territory: ter}
	for _, p := range a.progs {
		want, werr := p.EvalCEL(act)
		got, ok, compiled := p.EvalNative(act)
		if compiled && ok && (werr != nil || got != want) {
			t.Fatalf("%s on %+v, %+v: native %v, CEL %v (%v)", p.Rewritten(), inc, ter, got, want, werr)
		}
		// Where the native program gives up (ok false: CEL may give an
		// error, or, for a NaN ordered, false), Eval's answer is CEL's.
		if v, err := p.Eval(act); v != want || (err == nil) != (werr == nil) {
			t.Fatalf("%s: Eval = %v, %v; CEL %v, %v", p.Rewritten(), v, err, want, werr)
		}
		for _, c := range p.Counters {
			checkMatch(t, c.Source, inc, c.MatchCEL, c.MatchNative)
		}
		for _, s := range p.Sums {
			checkMatch(t, s.Source, inc, s.MatchCEL, s.MatchNative)
			want, werr := s.ValueCEL(inc)
			got, ok, compiled := s.ValueNative(inc)
			if compiled && ok && (werr != nil || !sameFloat(got, want)) {
				t.Fatalf("%s on %+v: native value %v, CEL %v (%v)", s.Source, inc, got, want, werr)
			}
		}
	}
}

// checkMatch compares a counted or summed window's native predicate with
// its CEL program.
func checkMatch(t testing.TB, src string, inc *expr.Incident, cel func(*expr.Incident) (bool, error),
	native func(*expr.Incident) (bool, bool, bool)) {
	t.Helper()
	want, werr := cel(inc)
	if got, ok, compiled := native(inc); compiled && ok && (werr != nil || got != want) {
		t.Fatalf("%s on %+v: native %v, CEL %v (%v)", src, inc, got, want, werr)
	}
}

func sameFloat(a, b float64) bool { return a == b || a != a && b != b }

func (a *agreement) checkRandom(t testing.TB, seed uint64, n int) {
	rng := rand.New(rand.NewPCG(seed, seed))
	for range n {
		a.count, a.sum = int64(rng.IntN(4)), fuzzFloats[rng.IntN(len(fuzzFloats))]
		if rng.IntN(2) == 0 {
			a.sum = float64(rng.IntN(20)) // an int-valued sum's usual total
		}
		ter := &expr.Territory{GainedKm2: fuzzFloats[rng.IntN(len(fuzzFloats))], LostKm2: rng.NormFloat64(), NetKm2: rng.NormFloat64()}
		inc := randomIncident(rng)
		a.check(t, inc, ter)
		a.checkGuard(t, inc)
	}
}

func TestNativeAgreesOnShapes(t *testing.T) {
	a := newAgreement(t, append(append([]string{}, nativeShapes...), validTriggers...))
	native := 0
	for _, p := range a.progs {
		if p.Native() {
			native++
		}
	}
	if native < len(nativeShapes)-3 {
		t.Errorf("only %d of the programs compiled natively", native)
	}
	a.checkRandom(t, 1, 20_000)
}

// TestNativeAgreesOnExamples checks every trigger of every example
// framework: each compiles natively and agrees with CEL.
func TestNativeAgreesOnExamples(t *testing.T) {
	paths, err := filepath.Glob("../../examples/*/framework.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no example frameworks: %v", err)
	}
	var sources []string
	for _, p := range paths {
		set, ds := load.Paths([]string{filepath.Dir(p)}, nil)
		if ds.HasErrors() {
			t.Fatalf("%s: %v", p, ds)
		}
		for _, f := range set.Frameworks() {
			for _, tr := range f.Triggers {
				sources = append(sources, set.When(f.ID, tr.ID).Source)
			}
		}
	}
	a := newAgreement(t, sources)
	for _, p := range a.progs {
		if !p.Native() {
			t.Errorf("example trigger %s is not compiled natively", p.Rewritten())
		}
	}
	a.checkRandom(t, 2, 20_000)
}

func FuzzNative(f *testing.F) {
	f.Add("missile_strike", "ballistic", "UA", int64(2), 0.8, 49.0, true, int64(3), "", int64(1), 0.5)
	f.Add("shelling", "", "", int64(0), math.NaN(), math.Inf(-1), false, int64(-1), "high", int64(60), 400.0)
	a := newAgreement(f, nativeShapes)
	f.Fuzz(func(t *testing.T, typ, sub, country string, conf int64, points, lat float64, beyond bool,
		fatalities int64, level string, count int64, sum float64) {
		a.count, a.sum = count, sum
		inc := &expr.Incident{Type: typ, Subtype: sub, Country: country, Confidence: conf, ConfidencePoints: points,
			Lat: lat, Lon: sum, BeyondLine: beyond, Fatalities: fatalities, ConfidenceLevel: level, Actor: sub,
			Admin1: country, Fields: map[string]string{}}
		if beyond {
			inc.Fields["k"] = level
		}
		a.check(t, inc, &expr.Territory{GainedKm2: points, LostKm2: lat, NetKm2: sum})
		a.checkGuard(t, inc)
	})
}

// TestIntSumsNative: a trigger reading an int-valued summed window
// compiles to Go, as a double-valued one does; only the total that is no
// int is left to CEL (TestNativeAgreesOnShapes checks both give the same).
func TestIntSumsNative(t *testing.T) {
	tests := []struct {
		src  string
		ints int // int-valued sums found
	}{
		{`window("24h").map(i, i.fatalities).sum() >= 3`, 1},
		{`window("24h").filter(i, i.type == "shelling").map(i, i.fatalities).sum() >= 10 || incident.type == "battle"`, 1},
		{`window("1h").map(i, i.type == "x", i.fatalities).sum() > 2.5 && incident.fatalities > 0`, 1},
		{`window("6h").map(i, i.fatalities).sum() >= 3 && window("1h").map(i, i.type == "x", i.lat).sum() > 1.0`, 1},
	}
	for _, tt := range tests {
		a := newAgreement(t, []string{tt.src})
		p := a.progs[0]
		ints := 0
		for _, s := range p.Sums {
			if s.Int {
				ints++
			}
		}
		if ints != tt.ints || !p.Native() {
			t.Errorf("%s: %d int sums (want %d), native %v", p.Rewritten(), ints, tt.ints, p.Native())
		}
		a.checkRandom(t, 7, 2_000)
	}
}
