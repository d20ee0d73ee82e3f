package viina

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/oblast"
)

func polygons(t testing.TB) *oblast.Table {
	t.Helper()
	path := filepath.Join(dataDir, "ua-oblasts", "oblast.geojson")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent; skipping", path)
	}
	o, err := oblast.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestOblastPolygons locates January 2024 with the real polygons of
// internal/oblast.
func TestOblastPolygons(t *testing.T) {
	src := gunzip(t, "202401", true)
	res, ds := Reader{}.Read(src, feeds.Options{Oblasts: polygons(t)})
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	units := map[string]int{}
	abroad := 0
	for _, inc := range res.Incidents {
		units[inc.Admin1]++
		if (inc.Admin1 == "") != (inc.Country == "") {
			t.Fatalf("%s: admin1 %q country %q", inc.ID, inc.Admin1, inc.Country)
		}
		if inc.Country == "" {
			abroad++
		}
	}
	// Computed with internal/oblast on oblast.geojson: Donetsk oblast, the
	// front, has the most reports; 70 lie in no unit: Belgorod and other
	// Russian places, Washington, Brussels, Moscow, and points in the water
	// off the coast (Sevastopol bay, Odesa port, Mariupol's Miskyi Ostriv).
	if len(units) != 28 || units["UA-14"] != 3020 || units["UA-30"] != 1056 || units["UA-63"] != 1632 || abroad != 70 {
		t.Errorf("per unit %v, %d outside", units, abroad)
	}
}

// BenchmarkReadPolygons is BenchmarkRead with the real polygon lookup.
func BenchmarkReadPolygons(b *testing.B) {
	src := gunzip(b, "202401", true)
	o := polygons(b)
	rows := 0
	for b.Loop() {
		res, _ := Reader{}.Read(src, feeds.Options{Oblasts: o})
		rows += res.Summary.Read
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
