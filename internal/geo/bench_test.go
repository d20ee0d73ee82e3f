package geo

import (
	"os"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
)

func oblastRegions(b *testing.B) []MultiPolygon {
	datatest.Need(b, oblastFile)
	fs, _ := readFeatures(b, oblastFile)
	regions := make([]MultiPolygon, len(fs))
	for i, f := range fs {
		regions[i] = f.Geometry
	}
	return regions
}

func BenchmarkReadGeoJSON(b *testing.B) {
	datatest.Need(b, deepstateDir)
	data, err := os.ReadFile(snapshotPath("2025-09-01"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := parseGeoJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArea measures one snapshot (about 3,000 vertices).
func BenchmarkArea(b *testing.B) {
	mp := readSnapshot(b, "2025-09-01")
	for b.Loop() {
		Area(mp)
	}
}

func BenchmarkPrepare(b *testing.B) {
	mp := readSnapshot(b, "2025-09-01")
	for b.Loop() {
		Prepare(mp)
	}
}

// BenchmarkDifference measures a \ b of two snapshots a year apart,
// projection and tables included.
func BenchmarkDifference(b *testing.B) {
	from, to := readSnapshot(b, "2025-09-01"), readSnapshot(b, "2026-08-22")
	for b.Loop() {
		DifferenceArea(to, from)
	}
}

// BenchmarkOverlay measures gained, lost and kept of the same pair, on
// prepared shapes.
func BenchmarkOverlay(b *testing.B) {
	from, to := Prepare(readSnapshot(b, "2025-09-01")), Prepare(readSnapshot(b, "2026-08-22"))
	for b.Loop() {
		Overlay(to, from, nil)
	}
}

// BenchmarkDifferenceByOblast measures gained and lost per oblast of the
// same pair against the 27 prepared oblasts (82,090 vertices).
func BenchmarkDifferenceByOblast(b *testing.B) {
	from, to := Prepare(readSnapshot(b, "2025-09-01")), Prepare(readSnapshot(b, "2026-08-22"))
	regions := NewIndex(oblastRegions(b)).Shapes()
	for b.Loop() {
		Overlay(to, from, regions)
	}
}

// BenchmarkLocate finds the oblast of points spread over Ukraine's box.
func BenchmarkLocate(b *testing.B) {
	ix := NewIndex(oblastRegions(b))
	var pts []Point
	for lat := 44.4; lat < 52.4; lat += 0.37 {
		for lon := 22.2; lon < 40.2; lon += 0.53 {
			pts = append(pts, Point{lon, lat})
		}
	}
	found := 0
	for _, p := range pts { // a sanity check over the whole grid, outside the timing
		if _, ok := ix.Locate(p.Lon, p.Lat); ok {
			found++
		}
	}
	if found == 0 {
		b.Fatal("no point of the grid located")
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pts[i%len(pts)]
		ix.Locate(p.Lon, p.Lat)
	}
}

func BenchmarkNewIndex(b *testing.B) {
	regions := oblastRegions(b)
	for b.Loop() {
		NewIndex(regions)
	}
}
