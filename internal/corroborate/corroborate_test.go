package corroborate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestIndexMatchesBruteForce compares the index with a check of all pairs,
// on points crowded near cell edges (the cell grid of 25 km), near the
// time-window edges, and across Ukraine's latitudes where a degree of
// longitude shrinks from ~78 km to ~63 km.
func TestIndexMatchesBruteForce(t *testing.T) {
	const radius, gap = 25.0, int64(6 * 3600)
	rng := rand.New(rand.NewPCG(5, 6))
	cellDeg := radius / kmPerDegree
	near := func(v, step float64) float64 { // a value close to a multiple of step
		return math.Round(v/step)*step + (rng.Float64()-0.5)*step*0.02
	}
	var pts []Point
	for i := range 4000 {
		lat, lon := 44+rng.Float64()*8, 22+rng.Float64()*18
		if i%3 == 0 {
			lat = near(lat, cellDeg)
		}
		if i%5 == 0 {
			lon = near(lon, cellDeg/math.Cos(lat*math.Pi/180))
		}
		start := int64(rng.IntN(60 * 86400))
		span := int64(1)
		if i%4 == 0 {
			span = 86400 // a day-only record
		}
		pts = append(pts, Point{Lat: lat, Lon: lon, Start: start, End: start + span, Ref: i})
	}
	x := NewIndex(pts, radius)
	for q := range 3000 {
		p := pts[rng.IntN(len(pts))]
		// queries placed about one radius and one window away from a point
		bearing := rng.Float64() * 2 * math.Pi
		d := radius * (0.9 + 0.2*rng.Float64())
		lat := p.Lat + d/111.13*math.Cos(bearing)
		lon := p.Lon + d/(111.32*math.Cos(lat*math.Pi/180))*math.Sin(bearing)
		start := p.Start + gap + int64(rng.IntN(7200)) - 3600
		if q%2 == 0 {
			start = p.End + gap + int64(rng.IntN(600)) - 300
		}
		end := start + 1
		var got []int
		x.Query(lat, lon, start, end, gap, func(p Point, km float64) { got = append(got, p.Ref) })
		var want []int
		for _, o := range pts {
			if timeGap(start, end, o.Start, o.End) <= gap && Distance(lat, lon, o.Lat, o.Lon) <= radius {
				want = append(want, o.Ref)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("query %d at %.5f,%.5f: index %v, brute force %v", q, lat, lon, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	// Standard WGS84 table values: a degree of latitude at 45° N is
	// 111.132 km; a degree of longitude at 50° N is 71.697 km.
	if d := Distance(44.5, 30, 45.5, 30); math.Abs(d-111.132) > 0.01 {
		t.Errorf("one degree of latitude at 45°N: %.4f km, want 111.132", d)
	}
	if d := Distance(50, 30, 50, 31); math.Abs(d-71.697) > 0.01 {
		t.Errorf("one degree of longitude at 50°N: %.4f km, want 71.697", d)
	}
}

func incident(id, source, typ, when string, lat, lon float64, fields map[string]string) model.Incident {
	t, err := time.Parse(time.RFC3339, when)
	if err != nil {
		panic(err)
	}
	return model.Incident{ID: id, Source: source, Type: typ, Time: model.Timestamp{Time: t}, Lat: &lat, Lon: &lon, Fields: fields}
}

func TestScoring(t *testing.T) {
	two, one := 2.0, 1.0
	rules := Compile(&model.Corroboration{ID: "r", Sources: []model.CorroborationSource{
		{Source: "viina", Anchor: true, Reliability: &one},
		{Source: "firms", Points: &two, Precision: model.Duration(24 * time.Hour)},
		{Source: "acled", Points: &one, Anchor: true},
	}})
	day := map[string]string{"time_precision": "day"}
	incs := []model.Incident{
		incident("v1", "viina", "shelling", "2023-07-10T14:00:00Z", 48.0, 37.8, nil),
		incident("f1", "firms", "thermal_anomaly", "2023-07-10T00:00:00Z", 48.1, 37.8, day), // 11 km, same day
		incident("f2", "firms", "thermal_anomaly", "2023-07-12T00:00:00Z", 48.0, 37.8, day), // same place, a day later
		incident("a1", "acled", "shelling", "2023-07-10T00:00:00Z", 48.05, 37.85, nil),      // 14 h before v1: outside 6 h
		incident("v2", "viina", "shelling", "2023-07-10T14:00:00Z", 49.0, 30.0, nil),        // nothing near
		incident("x1", "unknown", "other", "2023-07-10T14:00:00Z", 0, 0, nil),
	}
	res, _ := Corroborate(rules, incs, Options{})
	v1 := res.Incidents[0]
	if v1.Points != 3 || v1.LevelName != "high" || len(v1.By) != 1 || v1.By[0].ID != "f1" || v1.By[0].HoursApart != 0 {
		t.Errorf("v1: %+v", v1)
	}
	if math.Abs(v1.By[0].DistanceKm-11.12) > 0.05 {
		t.Errorf("v1 ← f1 distance %.3f km, want ~11.12", v1.By[0].DistanceKm)
	}
	if v2 := res.Incidents[4]; v2.Points != 1 || v2.LevelName != "possible" || len(v2.By) != 0 {
		t.Errorf("v2: %+v", v2)
	}
	if a1 := res.Incidents[3]; !a1.Anchor || a1.Points != 3 { // acled anchors: f1 (same day) gives 2
		t.Errorf("a1: %+v", a1)
	}
	if f1 := res.Incidents[1]; f1.Anchor || f1.Level != 0 {
		t.Errorf("firms does not anchor: %+v", f1)
	}
	if res.Summary.Excluded != 1 || res.Summary.ExcludedBy["source not in the rules"] != 1 {
		t.Errorf("summary %+v", res.Summary)
	}
	if incs[0].Confidence == nil || incs[0].Confidence.Level != 3 {
		t.Errorf("the incident's confidence is not set: %+v", incs[0].Confidence)
	}
}

// TestChance: with a dense corroborating source everywhere at all times,
// the chance rate equals the match rate; with sparse, aligned records it
// is far lower.
func TestChance(t *testing.T) {
	rules := Compile(&model.Corroboration{ID: "r", Sources: []model.CorroborationSource{{Source: "a", Anchor: true}, {Source: "b"}}})
	var incs []model.Incident
	base := time.Date(2023, 6, 1, 12, 0, 0, 0, time.UTC)
	for i := range 50 {
		at := base.Add(time.Duration(i*11) * 24 * time.Hour).Format(time.RFC3339)
		incs = append(incs, incident(fmt.Sprint("a", i), "a", "x", at, 48+float64(i)*0.1, 35, nil),
			incident(fmt.Sprint("b", i), "b", "x", at, 48+float64(i)*0.1, 35.05, nil))
	}
	res, _ := Corroborate(rules, incs, Options{})
	c := res.Chance[0]
	if c.Matched != 1 || c.ByChance != 0 {
		t.Errorf("aligned sparse records: matched %.2f, by chance %.2f; want 1 and 0", c.Matched, c.ByChance)
	}
}

// BenchmarkJoin: 100,000 reports against 1,000,000 detections over a year
// in Ukraine (uniform), index built in the benchmark.
func BenchmarkJoin(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	year := int64(365 * 86400)
	dets := make([]Point, 1_000_000)
	for i := range dets {
		s := rng.Int64N(year) / 86400 * 86400
		dets[i] = Point{Lat: 44.5 + rng.Float64()*7.5, Lon: 22.5 + rng.Float64()*17.5, Start: s, End: s + 86400, Ref: i}
	}
	reports := make([]Point, 100_000)
	for i := range reports {
		s := rng.Int64N(year)
		reports[i] = Point{Lat: 44.5 + rng.Float64()*7.5, Lon: 22.5 + rng.Float64()*17.5, Start: s, End: s + 1}
	}
	for i := range reports {
		reports[i].Ref = i
	}
	b.ResetTimer()
	matched := 0
	hit := make([]bool, len(reports))
	for b.Loop() {
		x := NewIndex(dets, 25)
		clear(hit)
		x.Join(reports, 6*3600, func(q, _ Point, _ float64) { hit[q.Ref] = true })
		matched = 0
		for _, h := range hit {
			if h {
				matched++
			}
		}
	}
	b.ReportMetric(float64(matched)/float64(len(reports)), "matched")
}

// TestChanceCoverage: anchors outside the period the corroborating source
// covers are not counted, as recorded or shifted.
func TestChanceCoverage(t *testing.T) {
	rules := Compile(&model.Corroboration{ID: "r", Sources: []model.CorroborationSource{{Source: "a", Anchor: true}, {Source: "b"}}})
	var incs []model.Incident
	base := time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := range 40 {
		at := base.Add(time.Duration(i*10) * 24 * time.Hour).Format(time.RFC3339)
		incs = append(incs, incident(fmt.Sprint("a", i), "a", "x", at, 48, 35, nil))
		if i < 10 { // b covers only the first 100 days
			incs = append(incs, incident(fmt.Sprint("b", i), "b", "x", at, 48, 35, nil))
		}
	}
	res, _ := Corroborate(rules, incs, Options{ChanceShifts: []time.Duration{10 * 24 * time.Hour}})
	c := res.Chance[0]
	if c.Anchors != 10 || c.Matched != 1 {
		t.Errorf("anchors %d matched %.2f; want the 10 inside b's period, all matched", c.Anchors, c.Matched)
	}
	// b shifted by +10 days lands on a's next incident: all still match,
	// among the anchors inside the shifted period.
	if c.ByChance != 1 {
		t.Errorf("by chance %.2f, want 1 (b shifted by exactly the spacing of a)", c.ByChance)
	}
}
