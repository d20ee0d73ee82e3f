package geo

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
)

// The shared data sets sit next to the repository (../shared/data); the
// tests that read them skip when they are absent.
const (
	deepstateDir = "../../../shared/data/deepstate"
	oblastFile   = "../../../shared/data/ua-oblasts/oblast.geojson"
	crosswalk    = "../../../shared/data/ua-oblasts/oblast_crosswalk.csv"
)

// snapshotPath is the file of a DeepStateMap snapshot dated YYYY-MM-DD.
func snapshotPath(date string) string {
	return filepath.Join(deepstateDir, "deepstatemap_data_"+strings.ReplaceAll(date, "-", "")+".geojson")
}

func readFeatures(tb testing.TB, path string) ([]Feature, []byte) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	fs, err := ReadGeoJSON(strings.NewReader(string(data)))
	if err != nil {
		tb.Fatalf("%s:%v", path, err)
	}
	return fs, data
}

func readSnapshot(tb testing.TB, date string) MultiPolygon {
	tb.Helper()
	datatest.Need(tb, deepstateDir)
	fs, _ := readFeatures(tb, snapshotPath(date))
	if len(fs) != 1 {
		tb.Fatalf("%s: %d features, want 1", date, len(fs))
	}
	return fs[0].Geometry
}

// TestDeepStateAreas checks every shipped snapshot against the areas
// computed independently (areas_computed.csv): within 0.01 %, with the same
// numbers of polygons and vertices, and the scanline measure agreeing with
// the shoelace.
func TestDeepStateAreas(t *testing.T) {
	datatest.Need(t, deepstateDir)
	worst, shipped := 0.0, 0
	for _, row := range datatest.ReadCSV(t, filepath.Join(deepstateDir, "areas_computed.csv")) {
		if row["shipped_here"] != "yes" {
			continue
		}
		shipped++
		date := row["date"]
		fs, data := readFeatures(t, snapshotPath(date))
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != row["sha256"] {
			t.Errorf("%s: the file is not the one areas_computed.csv describes (sha256 differs)", date)
		}
		mp := fs[0].Geometry
		want, got := datatest.Num(t, row["occupied_area_km2"]), Area(mp)
		rel := math.Abs(got-want) / want
		worst = max(worst, rel)
		if rel > 1e-4 {
			t.Errorf("%s: area %.3f km², want %.3f km² ± 0.01 %%", date, got, want)
		}
		if strconv.Itoa(len(mp)) != row["n_polygons"] || strconv.Itoa(mp.Vertices()) != row["n_vertices"] {
			t.Errorf("%s: %d polygons, %d vertices; want %s, %s", date, len(mp), mp.Vertices(), row["n_polygons"], row["n_vertices"])
		}
		s := Prepare(mp)
		if sw := Overlay(s, Prepare(nil), nil).AOnly; math.Abs(sw-got) > 0.001 {
			t.Errorf("%s: scanline area %.4f km², shoelace %.4f km²", date, sw, got)
		}
	}
	if shipped != 86 {
		t.Errorf("%d shipped snapshots in areas_computed.csv, want 86", shipped)
	}
	t.Logf("%d snapshots, largest relative deviation %.2g", shipped, worst)
}

// TestMeanRadiusSphereFails shows the tolerance catches a projection on a
// sphere of the mean radius (areas 0.27 % too small), as SOURCE.md says.
func TestMeanRadiusSphereFails(t *testing.T) {
	mp := readSnapshot(t, "2025-08-15")
	const r = 6371008.8
	var total float64
	for _, p := range mp {
		for _, ring := range p {
			pts := make([]xy, len(ring))
			for i, q := range ring {
				pts[i] = xy{r * q.Lon * math.Pi / 180, r * math.Sin(q.Lat*math.Pi/180)}
			}
			total += signedArea(pts)
		}
	}
	sphere := math.Abs(total) / 1e6
	// SOURCE.md's figure takes edges as great circles, which moves the
	// total by about 0.58 km² (as it does on the authalic sphere:
	// 114,515.48 against 114,516.06 km²).
	if math.Abs(sphere-114202.90) > 1 {
		t.Errorf("mean-radius sphere: %.2f km², SOURCE.md says 114,202.90 km²", sphere)
	}
	if got := Area(mp); math.Abs(got-114516.06) > 0.01 {
		t.Errorf("Area = %.2f km², want 114,516.06 km²", got)
	}
	if rel := math.Abs(sphere-114516.06) / 114516.06; rel < 5e-4 {
		t.Errorf("the sphere differs by only %.3f %%: a ±0.05 %% test would not catch it", rel*100)
	}
}

// TestOverlayConverges bounds the scanlines' error on real diffs: halving
// and re-halving the spacing moves no measure by more than 0.01 km².
func TestOverlayConverges(t *testing.T) {
	pairs := [][2]string{{"2025-08-15", "2025-09-01"}, {"2025-09-01", "2026-08-22"}, {"2024-07-08", "2024-08-01"}}
	for _, p := range pairs {
		a, b := Prepare(readSnapshot(t, p[0])), Prepare(readSnapshot(t, p[1]))
		lo, hi := min(a.box.minY, b.box.minY), max(a.box.maxY, b.box.maxY)
		coarse, fine := overlay(a, b, nil, lo, hi, Spacing), overlay(a, b, nil, lo, hi, Spacing/8)
		for _, d := range []float64{coarse.AOnly - fine.AOnly, coarse.BOnly - fine.BOnly, coarse.Both - fine.Both} {
			if math.Abs(d) > 0.01 {
				t.Errorf("%s → %s: %v at %v m, %v at %v m", p[0], p[1], coarse, Spacing, fine, Spacing/8)
			}
		}
	}
}

// TestOblastAreas checks the 27 units against the crosswalk's areas and
// their sum, 602,312.7 km².
func TestOblastAreas(t *testing.T) {
	datatest.Need(t, oblastFile)
	fs, _ := readFeatures(t, oblastFile)
	want := map[string]float64{}
	for _, row := range datatest.ReadCSV(t, crosswalk) {
		want[row["ADMIN_1"]] = datatest.Num(t, row["area_km2_computed"])
	}
	var sum float64
	vertices := 0
	for _, f := range fs {
		name, _ := f.Properties["ADMIN_1"].(string)
		got := Area(f.Geometry)
		sum += got
		vertices += f.Geometry.Vertices()
		if w, ok := want[name]; !ok || math.Abs(got-w) > 0.05 {
			t.Errorf("%s: %.2f km², crosswalk %.1f km²", name, got, w)
		}
	}
	if len(fs) != 27 || vertices != 82090 || math.Abs(sum-602312.7) > 0.1 {
		t.Errorf("%d units, %d vertices, %.1f km²; want 27, 82,090, 602,312.7 km²", len(fs), vertices, sum)
	}
}
