package assess_test

import (
	"bytes"
	"math"
	"os"
	"testing"

	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/importer/kiel"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestKielTotals imports the Kiel Ukraine Support Tracker and assesses the
// result: every donor's pledged and delivered money must give back the
// tracker's own sums (checked against the file itself in
// internal/importer/kiel), to a cent of a billion and far below.
func TestKielTotals(t *testing.T) {
	const path = "../../../shared/data/kiel-ust/data_explorer.csv"
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("Kiel data not found at %s (../shared sits beside the repository in CI): %v", path, err)
	}
	defer f.Close()
	res, ds := kiel.Import(path, f, kiel.Options{FrameworkID: "kiel", WithFramework: true})
	if ds.HasErrors() {
		t.Fatalf("import: %v", ds)
	}
	var yaml bytes.Buffer
	if err := res.WriteYAML(&yaml); err != nil {
		t.Fatal(err)
	}
	l := &load.Loader{}
	l.AddBytes("kiel.yaml", yaml.Bytes())
	set, lds := l.Finish()
	if lds.HasErrors() {
		t.Fatalf("load: %v", lds)
	}
	r, err := assess.Assess(set, "kiel", assess.Options{At: model.MustDate("2026-04-30")})
	if err != nil {
		t.Fatal(err)
	}
	parties := map[string]assess.PartySummary{}
	for _, p := range r.Parties {
		parties[p.Party] = p
	}
	const tol = 1e-9
	var pledged, delivered float64
	for _, d := range res.Donors {
		p, ok := parties[d.Party]
		if !ok {
			t.Errorf("%s: not in the assessment", d.Party)
			continue
		}
		if math.Abs(p.MoneyEURbn-(d.Committed+d.OverAllocated)) > tol || math.Abs(p.DeliveredEURbn-d.Allocated) > tol {
			t.Errorf("%s: assessed %.9f pledged, %.9f delivered; tracker %.9f committed (+%.9f over-allocated), %.9f allocated",
				d.Party, p.MoneyEURbn, p.DeliveredEURbn, d.Committed, d.OverAllocated, d.Allocated)
		}
		pledged += p.MoneyEURbn
		delivered += p.DeliveredEURbn
	}
	if len(res.Donors) != 42 {
		t.Errorf("%d donors, want 42", len(res.Donors))
	}
	// The tracker's overall sums (awk over the file, see internal/importer/kiel):
	// Σ commitments 547.983846 + over-allocation 0.158336; Σ total 358.399501.
	if math.Abs(pledged-548.142182) > 5e-7 || math.Abs(delivered-358.399501) > 5e-7 {
		t.Errorf("overall: assessed %.6f pledged, %.6f delivered; want 548.142182 and 358.399501", pledged, delivered)
	}
}
