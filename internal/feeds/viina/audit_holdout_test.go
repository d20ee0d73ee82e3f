package viina

import (
	"cmp"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/audit"
)

// The held-out sample of testdata/audit_holdout.csv was drawn by
// drawHoldout with this seed (math/rand/v2 PCG), after the mapping had
// been tuned on testdata/audit_sample.csv; docs/feeds-audit.md describes
// the draw and the measured table. It must never be used to tune the
// mapping: it is the out-of-sample check of that tuning.
const (
	holdoutSeed1, holdoutSeed2 = 20260315, 151
	// holdoutUniform rows are drawn uniformly, then holdoutPerStratum from
	// each stratum (the design of drawSample, at half size).
	holdoutUniform, holdoutPerStratum = 50, 25
)

// holdoutMin is the precision each grave type must keep on the held-out
// sample: the precision measured when it was labelled, minus a margin of
// 0.05 (about one row of the smaller types), so that the test fails when
// a change to the mapping makes it worse on rows it was not tuned on, not
// on a change of one row's reading. The measured figures are in
// docs/feeds-audit.md.
//
// ground_assault measured 0.83 (5 of 6), below the 0.9 of the first
// sample: it is reported, not tuned away (tuning on these rows would spoil
// them as a check).
var holdoutMin = map[string]float64{
	feeds.TypeMissileStrike: 1.00 - 0.05, // 13 of 13
	feeds.TypeDroneStrike:   1.00 - 0.05, // 22 of 22
	feeds.TypeAirStrike:     1.00 - 0.05, // 15 of 15
	feeds.TypeShelling:      1.00 - 0.05, // 31 of 31
	feeds.TypeGroundAssault: 0.83 - 0.05, // 5 of 6
}

// drawHoldout draws the held-out sample as drawSample draws the first
// (uniform rows, then rows of the strata ground, uav, air, artillery in
// that order, strata from the labels only), with the holdout seed and
// sizes, leaving out every row of the first sample (exclude, by file and
// line); sorted by file and line.
func drawHoldout(all map[string][]auditRow, exclude map[string]map[int]bool) []auditRow {
	files := slices.Sorted(func(yield func(string) bool) {
		for f := range all {
			if !yield(f) {
				return
			}
		}
	})
	var rows []auditRow
	for _, f := range files {
		for _, r := range all[f] {
			if !exclude[r.file][r.line] {
				rows = append(rows, r)
			}
		}
	}
	rng := rand.New(rand.NewPCG(holdoutSeed1, holdoutSeed2))
	taken := map[int]bool{}
	var out []auditRow
	for _, i := range rng.Perm(len(rows))[:holdoutUniform] {
		taken[i] = true
		out = append(out, rows[i])
	}
	for _, s := range []string{"ground", "uav", "air", "artillery"} {
		n := 0
		for _, i := range rng.Perm(len(rows)) {
			if n == holdoutPerStratum {
				break
			}
			if !taken[i] && stratum(rows[i].inc.FieldMap()[FieldLabels]) == s {
				taken[i] = true
				out = append(out, rows[i])
				n++
			}
		}
	}
	slices.SortFunc(out, func(a, b auditRow) int {
		return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(a.line, b.line))
	})
	return out
}

// firstSample returns the rows of testdata/audit_sample.csv, file → line.
func firstSample(t *testing.T) map[string]map[int]bool {
	t.Helper()
	first, err := audit.ReadSample(filepath.Join("testdata", "audit_sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[int]bool{}
	for _, r := range first {
		if out[r.File] == nil {
			out[r.File] = map[int]bool{}
		}
		out[r.File][r.Line] = true
	}
	return out
}

// TestAuditHoldoutDraw writes the held-out rows' file, line and headline
// (not the labels nor the reader's type: the labeller reads the headline
// alone) to the file named by BACKSTOP_AUDIT_HOLDOUT_DRAW, for labelling
// (never to commit: the licence does not allow copying the text).
func TestAuditHoldoutDraw(t *testing.T) {
	path := os.Getenv("BACKSTOP_AUDIT_HOLDOUT_DRAW")
	if path == "" {
		t.Skip("set BACKSTOP_AUDIT_HOLDOUT_DRAW=file to write the held-out rows for labelling")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	for _, r := range drawHoldout(readMonths(t), firstSample(t)) {
		w.Write([]string{r.file, strconv.Itoa(r.line), r.inc.FieldMap()["headline"]})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
}

// TestAuditHoldout measures the mapping on the held-out sample
// testdata/audit_holdout.csv, labelled under the rule of the first sample
// after the mapping was tuned on that one: per assigned type, the rows
// right, wrong and doubtful, and the precision, which must reach
// holdoutMin for every grave type. Run it with
//
//	go test ./internal/feeds/viina -run TestAuditHoldout -v
func TestAuditHoldout(t *testing.T) {
	sample, err := audit.ReadSample(filepath.Join("testdata", "audit_holdout.csv"))
	if err != nil {
		t.Fatal(err)
	}
	all := readMonths(t)
	tab, _, missed := scoreSample(t, "held-out sample", sample, drawHoldout(all, firstSample(t)), all, firstSample(t))
	t.Logf("VIINA held-out, %d rows of %d files (%d rows with a grave verdict given no grave type):\n%s", len(sample), len(all), missed, tab)
	for _, typ := range audit.Grave {
		if c, ok := tab[typ]; ok && c.Precision() < holdoutMin[typ] {
			t.Errorf("%s: held-out precision %.2f (%d right, %d wrong) < %.2f", typ, c.Precision(), c.Right, c.Wrong, holdoutMin[typ])
		}
	}
}
