package missile

import (
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/audit"
	"github.com/backstop-dev/backstop/internal/model"
)

// The sample of testdata/audit_sample.csv was drawn by drawAuditSample
// with this seed (math/rand/v2 PCG); docs/feeds-audit.md describes the
// draw, the labelling rule and the measured table.
const (
	auditSeed1, auditSeed2 = 20260301, 200
	auditSize              = 200
)

// auditMin is the precision each grave type must reach on the sample: the
// precision measured when it was labelled (1.00 for the three types the
// table gives), less a margin of 0.05, so that one changed reading of a
// large type does not fail the test but a wrong model class does.
var auditMin = map[string]float64{
	feeds.TypeMissileStrike: 0.95,
	feeds.TypeDroneStrike:   0.95,
	feeds.TypeAirStrike:     0.95,
}

// auditIncidents reads the shipped file with the reader, or skips the test
// when the shared data are absent.
func auditIncidents(t *testing.T) []model.Incident {
	t.Helper()
	datatest.Need(t, realFile)
	return readReal(t, feeds.Options{}).Incidents
}

// lineOf is the line of an incident's id "missile_attacks_daily.csv:N".
func lineOf(t *testing.T, inc model.Incident) int {
	t.Helper()
	n, err := strconv.Atoi(inc.ID[strings.LastIndexByte(inc.ID, ':')+1:])
	if err != nil {
		t.Fatalf("id %q has no line", inc.ID)
	}
	return n
}

// drawAuditSample draws auditSize rows uniformly from all the rows of the
// file (file order), sorted by line.
func drawAuditSample(t *testing.T, all []model.Incident) []model.Incident {
	t.Helper()
	rng := rand.New(rand.NewPCG(auditSeed1, auditSeed2))
	var out []model.Incident
	for _, i := range rng.Perm(len(all))[:auditSize] {
		out = append(out, all[i])
	}
	slices.SortFunc(out, func(a, b model.Incident) int { return lineOf(t, a) - lineOf(t, b) })
	return out
}

// TestAuditDraw writes the drawn rows (line and the columns the labeller
// reads, not the reader's type) to the file named by
// BACKSTOP_MISSILE_AUDIT_DRAW, for labelling (never to commit: the data
// set's licence is unclear).
func TestAuditDraw(t *testing.T) {
	path := os.Getenv("BACKSTOP_MISSILE_AUDIT_DRAW")
	if path == "" {
		t.Skip("set BACKSTOP_MISSILE_AUDIT_DRAW=file to write the drawn rows for labelling")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Write([]string{"line", "time", "model", "launch_place", "target", "launched", "destroyed", "source"})
	for _, inc := range drawAuditSample(t, auditIncidents(t)) {
		src, _, _ := strings.Cut(inc.Fields["source"], "/")
		w.Write([]string{strconv.Itoa(lineOf(t, inc)), inc.Time.UTC().Format("2006-01-02 15:04"), inc.Subtype,
			inc.Fields["launch_place"], inc.Location, inc.Fields[colLaunched], inc.Fields[colDestroyed], src})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
}

// TestAudit measures the model table on the hand-labelled sample
// testdata/audit_sample.csv: per assigned type, the rows right, wrong and
// doubtful, and the precision, which must reach auditMin for every grave
// type with rows in the sample. Run it with
//
//	go test ./internal/feeds/missile -run 'TestAudit$' -v
func TestAudit(t *testing.T) {
	sample, err := audit.ReadSample(filepath.Join("testdata", "audit_sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	all := auditIncidents(t)
	// The sample is the draw: a change to the draw or the data shows here.
	drawn := drawAuditSample(t, all)
	if len(drawn) != len(sample) {
		t.Fatalf("the sample has %d rows, the draw %d", len(sample), len(drawn))
	}
	tab := audit.Table{}
	for i, s := range sample {
		inc := drawn[i]
		if s.File != filepath.Base(realFile) || s.Line != lineOf(t, inc) {
			t.Fatalf("sample row %d is %s:%d, the draw gives %s", i+1, s.File, s.Line, inc.ID)
		}
		tab.Add(inc.Type, s.Truth)
		right := slices.Contains(strings.Split(s.Truth, "|"), inc.Type)
		if !right && s.Truth != audit.Doubtful && testing.Verbose() {
			t.Logf("%s %s (model %s, target %q) is %s: %s", inc.ID, inc.Type, inc.Subtype, inc.Location, s.Truth, s.Note)
		}
	}
	t.Logf("missile attacks, %d rows of %d:\n%s", len(sample), len(all), tab)
	for _, typ := range []string{feeds.TypeMissileStrike, feeds.TypeDroneStrike, feeds.TypeAirStrike} {
		if c, ok := tab[typ]; ok && c.Precision() < auditMin[typ] {
			t.Errorf("%s: precision %.2f (%d right, %d wrong) < %.2f", typ, c.Precision(), c.Right, c.Wrong, auditMin[typ])
		}
	}
}
