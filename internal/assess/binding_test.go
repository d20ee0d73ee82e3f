package assess

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// checkProfileSums checks that every domain's shares add up to 100 %
// when anything is pledged (and are all 0 otherwise), and that each
// unit's split adds up to what it pledged.
func checkProfileSums(t *testing.T, label string, r *Report) {
	t.Helper()
	if len(r.Binding) != len(r.Domains) {
		t.Errorf("%s: %d binding profiles for %d domains", label, len(r.Binding), len(r.Domains))
	}
	for _, p := range r.Binding {
		pledged := 0.0
		for _, am := range p.Amounts {
			pledged += am.Pledged
			if sum := am.Automatic + am.Conditional + am.Discretionary + am.Assurance; math.Abs(sum-am.Pledged) > 1e-9*math.Max(1, am.Pledged) {
				t.Errorf("%s: %s in %s: split %g ≠ pledged %g", label, p.Domain, am.Unit, sum, am.Pledged)
			}
		}
		sum := p.Share.Automatic + p.Share.Conditional + p.Share.Discretionary + p.Share.Assurance
		switch {
		case pledged > 0 && math.Abs(sum-1) > 1e-9:
			t.Errorf("%s: %s shares add up to %g, not 1: %+v", label, p.Domain, sum, p.Share)
		case pledged == 0 && sum != 0:
			t.Errorf("%s: %s has nothing pledged but shares %+v", label, p.Domain, p.Share)
		}
	}
}

func TestBindingProfileOfTheExample(t *testing.T) {
	set, ds := load.Paths([]string{"../../examples/ukraine-2025"}, nil)
	if ds.HasErrors() {
		t.Fatalf("example does not validate:\n%v", ds.Errors())
	}
	for _, at := range []string{"2025-08-30", "2026-03-01", "2027-01-01"} {
		r, err := Assess(set, "ukraine-2025", Options{At: model.MustDate(at)})
		if err != nil {
			t.Fatal(err)
		}
		checkProfileSums(t, at, r)
	}
}

func TestBindingProfileOfRandomSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	bindings := []string{"", "", ", binding: automatic", ", binding: conditional", ", binding: discretionary", ", binding: assurance"}
	for iter := range 60 {
		var gb, fr []string
		for i := range rng.IntN(10) {
			p := randomPledge(rng, i)
			b := bindings[rng.IntN(len(bindings))]
			if b == ", binding: automatic" && strings.Contains(p, "pending") || strings.Contains(p, "rejected") && b == ", binding: automatic" {
				b = ""
			}
			gb = append(gb, strings.TrimSuffix(p, "}")+b+"}")
		}
		for i := range rng.IntN(10) {
			fr = append(fr, randomPledge(rng, i))
		}
		at := propertyDates[1+rng.IntN(3)]
		r := assessDocs(t, at, declaration("GB", "2025-08-25", gb...), declaration("FR", "2025-08-25", fr...))
		checkProfileSums(t, fmt.Sprintf("iteration %d", iter), r)
	}
}

func TestBindingDefaultsAndVerdict(t *testing.T) {
	r := assessDocs(t, "2026-03-01",
		declaration("GB", "2025-08-25",
			"{id: a, layer: 2, domain: land, quantity: 300, unit: troops, posture: in-theatre, available: now, requires: parliament, approval: pending}",
			"{id: b, layer: 2, domain: land, quantity: 200, unit: troops, posture: in-theatre, available: now}",
			"{id: c, layer: 2, domain: land, quantity: 100, unit: troops, posture: in-theatre, available: now, binding: assurance}",
			"{id: d, layer: 2, domain: land, quantity: 400, unit: troops, posture: in-theatre, available: now, requires: parliament, approval: approved, binding: automatic}"))
	land := r.Binding[0]
	if land.Domain != "land" || len(land.Amounts) != 1 {
		t.Fatalf("first profile %+v", land)
	}
	want := BindingSplit{Automatic: 400, Conditional: 300, Discretionary: 200, Assurance: 100}
	if got := land.Amounts[0].BindingSplit; got != want {
		t.Errorf("land split %+v, want %+v", got, want)
	}
	if !near(land.Share.Automatic, 0.4) || !near(land.Share.Assurance, 0.1) {
		t.Errorf("land shares %+v", land.Share)
	}
	line := "of 1,000 troops pledged, 400 automatic, 300 conditional on a national decision, 200 discretionary, 100 only an assurance"
	if !strings.Contains(r.Verdict, line) {
		t.Errorf("verdict %q lacks %q", r.Verdict, line)
	}
}
