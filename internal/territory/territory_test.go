package territory

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

const (
	deepstateDir = "../../../shared/data/deepstate"
	oblastFile   = "../../../shared/data/ua-oblasts/oblast.geojson"
)

func snapshotPath(date string) string {
	return filepath.Join(deepstateDir, "deepstatemap_data_"+strings.ReplaceAll(date, "-", "")+".geojson")
}

// snapshots caches the shipped snapshots the tests read.
var snapshots sync.Map

func snapshot(tb testing.TB, date string) *Snapshot {
	tb.Helper()
	datatest.Need(tb, deepstateDir)
	if s, ok := snapshots.Load(date); ok {
		return s.(*Snapshot)
	}
	s, err := LoadSnapshot(snapshotPath(date))
	if err != nil {
		tb.Fatal(err)
	}
	snapshots.Store(date, s)
	return s
}

var oblasts = sync.OnceValues(func() (*oblast.Table, error) { return oblast.Load(oblastFile) })

func oblastTable(tb testing.TB) *oblast.Table {
	tb.Helper()
	datatest.Need(tb, oblastFile)
	t, err := oblasts()
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// tolerance is SOURCE.md's: 0.5 km² or 0.5 %, whichever is larger.
func tolerance(want float64) float64 { return max(0.5, 0.005*math.Abs(want)) }

// perOblast parses "UA-14:+113.011/-0.000;UA-63:+5.402/-2.033".
func perOblast(tb testing.TB, s string) map[string][2]float64 {
	tb.Helper()
	out := map[string][2]float64{}
	if s == "" {
		return out
	}
	for _, item := range strings.Split(s, ";") {
		code, rest, ok1 := strings.Cut(item, ":")
		g, l, ok2 := strings.Cut(rest, "/")
		if !ok1 || !ok2 {
			tb.Fatalf("bad per-oblast item %q", item)
		}
		out[code] = [2]float64{datatest.Num(tb, g), -datatest.Num(tb, l)}
	}
	return out
}

// TestChangesAgainstExpected diffs every pair of changes_computed.csv (all
// 131 rows: consecutive shipped snapshots, selected pairs, and every
// snapshot against the 2025-09-01 baseline), in total and per oblast.
func TestChangesAgainstExpected(t *testing.T) {
	datatest.Need(t, deepstateDir, oblastFile)
	table := oblastTable(t)
	var worstTotal, worstOblast float64
	var worstTotalAt, worstOblastAt string
	rows := datatest.ReadCSV(t, filepath.Join(deepstateDir, "changes_computed.csv"))
	for _, row := range rows {
		from, to := snapshot(t, row["from"]), snapshot(t, row["to"])
		c := Diff(from, to, table)
		at := row["from"] + " → " + row["to"] + " (" + row["kind"] + ")"
		for _, m := range []struct {
			what      string
			got, want float64
		}{
			{"gained", c.GainedKm2, datatest.Num(t, row["gained_km2"])},
			{"lost", c.LostKm2, datatest.Num(t, row["lost_km2"])},
			{"net", c.NetKm2, datatest.Num(t, row["net_km2"])},
		} {
			d := math.Abs(m.got - m.want)
			if d > worstTotal {
				worstTotal, worstTotalAt = d, at+" "+m.what
			}
			if d > tolerance(m.want) {
				t.Errorf("%s: %s %.3f km², want %.3f km²", at, m.what, m.got, m.want)
			}
		}
		want := perOblast(t, row["per_oblast_gained_lost_km2"])
		got := map[string][2]float64{}
		var sumGained, sumLost float64
		for _, o := range c.ByOblast {
			got[o.Code] = [2]float64{o.GainedKm2, o.LostKm2}
			sumGained += o.GainedKm2
			sumLost += o.LostKm2
			if o.Name == "" || math.Abs(o.NetKm2-(o.GainedKm2-o.LostKm2)) > 1e-9 {
				t.Errorf("%s: %+v", at, o)
			}
		}
		for _, u := range table.Units() {
			w, g := want[u.Code], got[u.Code]
			for i, what := range []string{"gained", "lost"} {
				d := math.Abs(g[i] - w[i])
				if d > worstOblast {
					worstOblast, worstOblastAt = d, at+" "+u.Code+" "+what
				}
				if d > tolerance(w[i]) {
					t.Errorf("%s: %s %s %.3f km², want %.3f km²", at, u.Code, what, g[i], w[i])
				}
			}
		}
		// Oblasts below MinOblastChangeKm2 are not listed.
		const unlisted = 27 * MinOblastChangeKm2
		if d := c.GainedKm2 - sumGained - c.OutsideGainedKm2; math.Abs(d) > unlisted {
			t.Errorf("%s: gained %.6f ≠ Σ oblasts %.6f + outside %.6f", at, c.GainedKm2, sumGained, c.OutsideGainedKm2)
		}
		if d := c.LostKm2 - sumLost - c.OutsideLostKm2; math.Abs(d) > unlisted {
			t.Errorf("%s: lost %.6f ≠ Σ oblasts %.6f + outside %.6f", at, c.LostKm2, sumLost, c.OutsideLostKm2)
		}
	}
	if len(rows) != 131 {
		t.Errorf("%d rows in changes_computed.csv, want 131", len(rows))
	}
	t.Logf("%d diffs; largest deviation in totals %.4f km² (%s), per oblast %.4f km² (%s)",
		len(rows), worstTotal, worstTotalAt, worstOblast, worstOblastAt)
}

func TestLoadSnapshot(t *testing.T) {
	s := snapshot(t, "2025-09-01")
	if s.Date != model.MustDate("2025-09-01") || s.Polygons != 13 || s.Vertices != 3045 || math.Abs(s.Area-114729.915) > 0.01 || s.File != snapshotPath("2025-09-01") {
		t.Errorf("snapshot %s: %d polygons, %d vertices, %.3f km², file %s", s.Date, s.Polygons, s.Vertices, s.Area, s.File)
	}
}

func TestDateFromName(t *testing.T) {
	for _, tc := range []struct {
		path string
		want string // "" = none
	}{
		{"deepstatemap_data_20250901.geojson", "2025-09-01"},
		{"../shared/data/deepstate/deepstatemap_data_20260822.geojson", "2026-08-22"},
		{"deepstatemap_data_20250230.geojson", ""},
		{"deepstatemap_data_2025091.geojson", ""},
		{"deepstatemap_data_20250901.json", ""},
		{"occupied.geojson", ""},
		{"x_deepstatemap_data_20250901.geojson", ""},
	} {
		d, ok := DateFromName(tc.path)
		if ok != (tc.want != "") || d.String() != tc.want {
			t.Errorf("DateFromName(%q) = %s, %v; want %q", tc.path, d, ok, tc.want)
		}
	}
}

const squareJSON = `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
 "geometry": {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51], [30, 50]]]}}]}`

func TestLoadSnapshotErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name, path, want, code string
	}{
		{"no date", write("occupied.geojson", squareJSON), "occupied.geojson: no date in the file name; name the file deepstatemap_data_YYYYMMDD.geojson or give its date (--date)", CodeNoDate},
		{"missing", filepath.Join(dir, "deepstatemap_data_20250101.geojson"), "deepstatemap_data_20250101.geojson: no such file or directory", CodeIO},
		{"syntax", write("deepstatemap_data_20250102.geojson", "{\"type\":\n  \"Feature\" \"x\"}"), "deepstatemap_data_20250102.geojson:2:13: invalid JSON: invalid character '\"' after object key:value pair", CodeGeoJSON},
		{"empty", write("deepstatemap_data_20250103.geojson", `{"type": "FeatureCollection", "features": []}`), "deepstatemap_data_20250103.geojson: the file holds no polygons", CodeEmpty},
	} {
		_, err := LoadSnapshot(tc.path)
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: error %v is not an *Error", tc.name, err)
		}
		if got := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)); got != tc.want {
			t.Errorf("%s: error\n%s\nwant\n%s", tc.name, got, tc.want)
		}
		if e.Code != tc.code || e.Diagnostic().Code != tc.code {
			t.Errorf("%s: code %s, want %s", tc.name, e.Code, tc.code)
		}
	}
	if _, err := LoadSnapshot(filepath.Join(dir, "occupied.geojson")); !errors.Is(err, ErrNoDate) {
		t.Errorf("error %v does not wrap ErrNoDate", err)
	}
}

func TestReadSnapshotWithDate(t *testing.T) {
	s, err := ReadSnapshot("occupied.geojson", strings.NewReader(squareJSON), model.MustDate("2025-09-01"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Date.String() != "2025-09-01" || s.Polygons != 1 || s.Vertices != 5 || math.Abs(s.Area-geo.Area(s.Shape)) > 1e-9 || s.Area < 7000 {
		t.Errorf("%+v", s)
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"deepstatemap_data_20250902.geojson":      squareJSON,
		"deepstatemap_data_20250901.geojson":      squareJSON,
		"deepstatemap_data_20250903.geojson":      `{"type": "FeatureCollection", "features": [}`,
		"notes.geojson":                           squareJSON,
		"DEEPSTATEMAP_DATA_20250905.geojson":      squareJSON,
		"README.md":                               "not a map",
		"sub/deepstatemap_data_20250904.geojson":  squareJSON,
		"copy/deepstatemap_data_20250901.geojson": squareJSON,
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snaps, ds := LoadDir(dir)
	var dates []string
	for _, s := range snaps {
		dates = append(dates, s.Date.String())
	}
	if strings.Join(dates, " ") != "2025-09-01 2025-09-02" {
		t.Errorf("loaded %v, want 2025-09-01 2025-09-02", dates)
	}
	var got []string
	for _, d := range ds {
		got = append(got, strings.TrimPrefix(d.String(), dir+string(filepath.Separator)))
	}
	want := []string{
		"DEEPSTATEMAP_DATA_20250905.geojson: error: no date in the file name; name it deepstatemap_data_YYYYMMDD.geojson to read it from a folder",
		"deepstatemap_data_20250903.geojson:1:44: error: invalid JSON: invalid character '}' looking for beginning of value",
		"notes.geojson: error: no date in the file name; name it deepstatemap_data_YYYYMMDD.geojson to read it from a folder",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, ds := LoadDir(filepath.Join(dir, "nope")); len(ds) != 1 || ds[0].Code != CodeIO {
		t.Errorf("missing folder: %v", ds)
	}
}

func TestLoadRealDir(t *testing.T) {
	datatest.Need(t, deepstateDir)
	snaps, ds := LoadDir(deepstateDir)
	if len(ds) != 0 || len(snaps) != 86 || snaps[0].Date.String() != "2024-07-08" || snaps[85].Date.String() != "2026-08-22" {
		t.Errorf("%d snapshots from %s to %s, diagnostics %v", len(snaps), snaps[0].Date, snaps[len(snaps)-1].Date, ds)
	}
}

func TestBaseline(t *testing.T) {
	mk := func(d string) *Snapshot { return &Snapshot{Date: model.MustDate(d)} }
	snaps := []*Snapshot{mk("2025-09-02"), mk("2025-08-15"), mk("2025-09-01"), mk("2025-10-01")}
	for _, tc := range []struct{ at, want string }{
		{"2025-09-01", "2025-09-01"},
		{"2025-09-05", "2025-09-02"},
		{"2025-08-31", "2025-08-15"},
		{"2030-01-01", "2025-10-01"},
		{"2025-08-14", ""},
	} {
		b, ok := Baseline(snaps, model.MustDate(tc.at))
		if ok != (tc.want != "") || (ok && b.Date.String() != tc.want) {
			t.Errorf("Baseline(%s) = %v, %v; want %q", tc.at, b, ok, tc.want)
		}
	}
	// Of two snapshots of the same date, the first.
	twin := mk("2025-09-01")
	if b, _ := Baseline([]*Snapshot{snaps[2], twin}, twin.Date); b != snaps[2] {
		t.Error("Baseline of two snapshots of the same date is not the first")
	}
	if _, ok := Baseline(nil, model.MustDate("2025-09-01")); ok {
		t.Error("Baseline of no snapshots found one")
	}
}

func TestBeyondLine(t *testing.T) {
	base := snapshot(t, "2025-09-01")
	for _, tc := range []struct {
		place    string
		lat, lon float64
		beyond   bool
	}{
		{"Kyiv", 50.45, 30.52, true},
		{"Kharkiv", 49.99, 36.23, true},
		{"Kramatorsk", 48.72, 37.56, true},
		{"Zaporizhzhia city", 47.84, 35.14, true},
		{"Donetsk city (occupied since 2014)", 48.0, 37.8, false},
		{"Mariupol", 47.1, 37.55, false},
		{"Simferopol", 44.95, 34.1, false},
		{"Melitopol", 46.85, 35.37, false},
		{"Moscow (the caller's business)", 55.75, 37.62, true},
	} {
		if got := BeyondLine(base, tc.lat, tc.lon); got != tc.beyond {
			t.Errorf("%s: BeyondLine = %v, want %v", tc.place, got, tc.beyond)
		}
	}
	// A snapshot built by hand (not prepared) answers the same.
	hand := &Snapshot{Date: base.Date, Shape: base.Shape}
	if BeyondLine(hand, 48.0, 37.8) || !BeyondLine(hand, 50.45, 30.52) {
		t.Error("a hand-made snapshot answers differently")
	}
}

func TestDiffWithoutOblasts(t *testing.T) {
	a, b := snapshot(t, "2025-08-15"), snapshot(t, "2025-09-01")
	for _, table := range []*oblast.Table{nil, oblast.New()} {
		c := Diff(a, b, table)
		if c.ByOblast == nil || len(c.ByOblast) != 0 || c.OutsideGainedKm2 != 0 || c.From != "2025-08-15" || c.To != "2025-09-01" {
			t.Errorf("%+v", c)
		}
		if math.Abs(c.GainedKm2-239.884) > 0.5 || math.Abs(c.LostKm2-26.039) > 0.5 {
			t.Errorf("%v", c)
		}
	}
	if c := Diff(a, a, nil); c.GainedKm2 != 0 || c.LostKm2 != 0 || c.NetKm2 != 0 {
		t.Errorf("a snapshot against itself: %v", c)
	}
	if got := Diff(a, b, nil).String(); !strings.HasPrefix(got, "2025-08-15 → 2025-09-01: gained 239.8") || !strings.Contains(got, "net +213.859 km²") {
		t.Errorf("String() = %q", got)
	}
}

func BenchmarkLoadSnapshot(b *testing.B) {
	datatest.Need(b, deepstateDir)
	for b.Loop() {
		if _, err := LoadSnapshot(snapshotPath("2025-09-01")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshotArea measures one snapshot's area (about 3,000
// vertices).
func BenchmarkSnapshotArea(b *testing.B) {
	s := snapshot(b, "2025-09-01")
	for b.Loop() {
		geo.Area(s.Shape)
	}
}

// BenchmarkDiff diffs the 2025-09-01 baseline and the last snapshot.
func BenchmarkDiff(b *testing.B) {
	from, to := snapshot(b, "2025-09-01"), snapshot(b, "2026-08-22")
	for b.Loop() {
		Diff(from, to, nil)
	}
}

// BenchmarkDiffByOblast is BenchmarkDiff split by the 27 oblasts.
func BenchmarkDiffByOblast(b *testing.B) {
	from, to := snapshot(b, "2025-09-01"), snapshot(b, "2026-08-22")
	table := oblastTable(b)
	for b.Loop() {
		Diff(from, to, table)
	}
}
