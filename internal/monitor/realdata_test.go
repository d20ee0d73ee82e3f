package monitor_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/missile"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/territory"
)

const data = "../../../shared/data"

func needData(t *testing.T, path string) string {
	t.Helper()
	p := filepath.Join(data, path)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not found (../shared sits beside the repository in CI): %v", p, err)
	}
	return p
}

func example(t *testing.T) *load.Set {
	t.Helper()
	set, ds := load.Paths([]string{"../../examples/ukraine-2025"}, nil)
	if ds.HasErrors() {
		t.Fatalf("example: %v", ds)
	}
	return set
}

// TestMissileAttacks monitors the daily missile and drone reports with the
// bundled framework: the massive-strike trigger (400 or more launched in
// one attack) must open breaches on the three largest combined attacks of
// the file (Kyiv evening times, in UTC).
func TestMissileAttacks(t *testing.T) {
	src, err := feeds.Open(needData(t, "missile-attacks/missile_attacks_daily.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res, ds := missile.Reader{}.Read(src, feeds.Options{Oblasts: oblast.New()})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	r, err := monitor.Run(example(t), "ukraine-2025", res.Incidents, nil, monitor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	launched := map[string]string{}
	for _, inc := range res.Incidents {
		launched[inc.ID] = inc.Fields["launched"]
	}
	starts := map[string]monitor.Episode{}
	for _, e := range r.Episodes {
		if e.Trigger == "massive-strike" {
			starts[e.Start.Format(time.RFC3339)] = e
		}
	}
	// The three rows, as the file has them (lines 816, 599 and 299):
	//   2025-07-08 20:00 Shahed-136/131 launched 728.0
	//   2025-09-06 17:00 Shahed-136/131 launched 810.0
	//   2025-12-05 18:00 Shahed-136/131 launched 653.0
	for _, tc := range []struct {
		start    string
		launched float64
	}{
		{"2025-07-08T17:00:00Z", 728},
		{"2025-09-06T14:00:00Z", 810},
		{"2025-12-05T16:00:00Z", 653},
	} {
		e, ok := starts[tc.start]
		if !ok {
			t.Errorf("no massive-strike breach starting at %s", tc.start)
			continue
		}
		if got, err := strconv.ParseFloat(launched[e.Cause.Incident], 64); err != nil || got != tc.launched {
			t.Errorf("breach of %s: caused by %s with %q launched, want %g", tc.start, e.Cause.Incident, launched[e.Cause.Incident], tc.launched)
		}
		if len(e.Responses) != 3 || e.Responses[0].Due.Sub(e.Start) != 24*time.Hour {
			t.Errorf("breach of %s: responses %+v", tc.start, e.Responses)
		}
	}
}

// TestTerritorialIncursion evaluates the latest shipped DeepState snapshot
// against the bundled framework's ceasefire snapshot (2025-09-01): the
// territorial-incursion trigger fires, and its km² are those of
// changes_computed.csv.
func TestTerritorialIncursion(t *testing.T) {
	dir := needData(t, "deepstate")
	snaps, ds := territory.LoadDir(dir)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	set := example(t)
	base, ok := territory.Baseline(snaps, set.Framework("ukraine-2025").Ceasefire)
	if !ok || base.Date.String() != "2025-09-01" {
		t.Fatalf("baseline %v", base)
	}
	latest := snaps[len(snaps)-1]
	ch := territory.Diff(base, latest, nil)
	r, err := monitor.Run(set, "ukraine-2025", nil, []monitor.Territory{{Snapshot: latest.Date.String(), AsOf: latest.Date.Time,
		GainedKm2: ch.GainedKm2, LostKm2: ch.LostKm2, NetKm2: ch.NetKm2}}, monitor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Episodes) != 1 || r.Episodes[0].Trigger != "territorial-incursion" || r.Episodes[0].Cause.Territory == nil {
		t.Fatalf("episodes %+v, want one territorial incursion", r.Episodes)
	}
	got := r.Episodes[0].Cause.Territory
	want := expectedChange(t, filepath.Join(dir, "changes_computed.csv"), "2025-09-01", latest.Date.String())
	for _, c := range []struct {
		what      string
		got, want float64
	}{{"gained", got.GainedKm2, want[0]}, {"lost", got.LostKm2, want[1]}, {"net", got.NetKm2, want[2]}} {
		if math.Abs(c.got-c.want) > math.Max(0.5, 0.005*math.Abs(c.want)) {
			t.Errorf("%s %.3f km², changes_computed.csv %.3f", c.what, c.got, c.want)
		}
	}
}

func expectedChange(t *testing.T, path, from, to string) [3]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		if row[0] == from && row[1] == to {
			var v [3]float64
			for i := range v {
				if v[i], err = strconv.ParseFloat(row[3+i], 64); err != nil {
					t.Fatal(err)
				}
			}
			return v
		}
	}
	t.Fatalf("no row %s → %s in %s", from, to, path)
	return [3]float64{}
}
