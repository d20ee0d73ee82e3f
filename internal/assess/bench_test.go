package assess

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// syntheticSet builds a framework with the given numbers of parties,
// requirements and pledges (spread evenly over the guarantors), with a
// three-step gated sequence, and loads it.
func syntheticSet(tb testing.TB, parties, requirements, pledges int) *load.Set {
	rng := rand.New(rand.NewPCG(7, 7))
	units := []string{"troops", "aircraft", "batteries", "EUR-bn/yr", "USD-bn/yr", "EUR-bn"}
	var fw strings.Builder
	fw.WriteString("backstop: v1\nkind: Framework\nid: synthetic\nbeneficiary: UA\nparties:\n  UA: {name: Beneficiary, role: beneficiary}\n")
	for i := 1; i < parties; i++ {
		fmt.Fprintf(&fw, "  P%03d: {name: Party %d, role: guarantor, tags: [t%d], gdp_usd_bn: %d}\n", i, i, i%5, 100+rng.IntN(20000))
	}
	fw.WriteString("requirements:\n")
	type req struct{ domain, unit string }
	var reqs []req
	for i := range requirements {
		r := req{string(model.Domains[i%len(model.Domains)]), units[rng.IntN(len(units))]}
		reqs = append(reqs, r)
		fmt.Fprintf(&fw, "  - {id: r%d, layer: 2, domain: %s, quantity: %d, unit: %s, by: 2027-01-01}\n", i, r.domain, 100+rng.IntN(10000), r.unit)
	}
	fw.WriteString("sequence:\n  - {id: a, gate: 'coverage(\"land\") >= 1.0 && signed_guarantors() >= 10 && approved_share() > 0.5'}\n  - {id: b, after: [a], gate: 'covered()'}\n  - {id: c, after: [b], gate: 'done(\"b\") && signed(\"P001\")'}\n")
	l := &load.Loader{}
	l.AddBytes("framework.yaml", []byte(fw.String()))
	perParty := pledges / (parties - 1)
	for i := 1; i < parties; i++ {
		var d strings.Builder
		fmt.Fprintf(&d, "backstop: v1\nkind: Declaration\nframework: synthetic\nparty: P%03d\ndate: 2025-08-25\npledges:\n", i)
		for j := range perParty {
			r := reqs[rng.IntN(len(reqs))]
			avail := []string{"now", "2025-12-01", "2026-06-01", "2027-06-01"}[rng.IntN(4)]
			fmt.Fprintf(&d, "  - {id: p%d, layer: 2, domain: %s, quantity: %d, unit: %s, available: %s}\n", j, r.domain, 1+rng.IntN(500), r.unit, avail)
		}
		l.AddBytes(fmt.Sprintf("p%03d.yaml", i), []byte(d.String()))
	}
	set, ds := l.Finish()
	if ds.HasErrors() {
		tb.Fatalf("synthetic set invalid: %v", ds[0])
	}
	return set
}

// BenchmarkAssess assesses 60 parties, 200 requirements and 10,000 pledges.
func BenchmarkAssess(b *testing.B) {
	set := syntheticSet(b, 60, 200, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assess(set, "synthetic", Options{At: model.MustDate("2026-01-01")}); err != nil {
			b.Fatal(err)
		}
	}
}
