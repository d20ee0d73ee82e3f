package option

import (
	"math"
	"path/filepath"
	"sync"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/territory"
)

const data = "../../../shared/data"

var (
	envOnce sync.Once
	envData struct {
		snaps   []*territory.Snapshot
		oblasts *oblast.Table
		places  []Place
		plants  []Plant
		err     error
	}
)

// testEnv loads the snapshots of August–September 2025 and the oblasts.
func testEnv(t *testing.T, date string) *Env {
	t.Helper()
	files := []string{"deepstatemap_data_20250818.geojson", "deepstatemap_data_20250901.geojson"}
	paths := []string{filepath.Join(data, "ua-oblasts/oblast.geojson"), filepath.Join(data, "ua-settlements/settlements.csv"),
		filepath.Join(data, "power-plants/global_power_plant_database_ukraine.csv")}
	for _, f := range files {
		paths = append(paths, filepath.Join(data, "deepstate", f))
	}
	datatest.Need(t, paths...)
	envOnce.Do(func() {
		for _, f := range files {
			s, err := territory.LoadSnapshot(filepath.Join(data, "deepstate", f))
			if err != nil {
				envData.err = err
				return
			}
			envData.snaps = append(envData.snaps, s)
		}
		if envData.oblasts, envData.err = oblast.Load(paths[0]); envData.err != nil {
			return
		}
		if envData.places, envData.err = ReadSettlements(paths[1]); envData.err != nil {
			return
		}
		envData.plants, envData.err = ReadPlants(paths[2])
	})
	if envData.err != nil {
		t.Fatal(envData.err)
	}
	d, err := model.ParseDate(date)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEnv(envData.snaps, envData.oblasts, d, envData.places, envData.plants)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func date(t *testing.T, s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// DonbasHeldKm2 is the part of Donetsk and Luhansk oblasts Ukraine held on
// the map of 2025-08-18, as docs/territory.md states it.
const DonbasHeldKm2 = 6748.091

// TestDonbasReference measures the reference figure of docs/territory.md.
func TestDonbasReference(t *testing.T) {
	e := testEnv(t, "2025-08-18")
	two := model.Area{Oblasts: []string{"UA-14", "UA-09"}}
	c, err := e.Build(model.Area{Difference: []model.Area{two, {Snapshot: date(t, "2025-08-18")}}})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := e.Build(two)
	if err != nil {
		t.Fatal(err)
	}
	got, all := geo.ExprArea(c.Expr), geo.ExprArea(whole.Expr)
	t.Logf("Ukraine-held part of UA-14 and UA-09 on 2025-08-18: %.3f km² of %.3f km²", got, all)
	if math.Abs(all-53191) > 1 {
		t.Errorf("UA-14 ∪ UA-09: %.3f km², want 53,191 ± 1", all)
	}
	if math.Abs(got-DonbasHeldKm2) > 0.5 {
		t.Errorf("held by Ukraine: %.3f km², want %.3f ± 0.5", got, DonbasHeldKm2)
	}
}

// TestBoundaryPoints pins the rule for settlements exactly on a boundary:
// a point is in an area's leaf if and only if geo.Contains says so (the
// ray towards the east, edges on half-open northings: a point on a
// western or southern edge is in, on an eastern or northern edge out).
func TestBoundaryPoints(t *testing.T) {
	e := testEnv(t, "2025-09-01")
	ring := [][]float64{{24, 49}, {25, 49}, {25, 50}, {24, 50}, {24, 49}}
	places := []Place{
		{ID: "w", Name: "West edge", Population: 1000, Lon: 24, Lat: 49.5},
		{ID: "e", Name: "East edge", Population: 2000, Lon: 25, Lat: 49.5},
		{ID: "s", Name: "South edge", Population: 4000, Lon: 24.5, Lat: 49},
		{ID: "n", Name: "North edge", Population: 8000, Lon: 24.5, Lat: 50},
		{ID: "v", Name: "South-west vertex", Population: 16000, Lon: 24, Lat: 49},
	}
	e.Settlements = places
	r, err := e.Evaluate(&model.TerritorialOption{ID: "sq", Held: model.Area{Union: []model.Area{
		{Snapshot: date(t, "2025-09-01")}, {Polygon: [][][]float64{ring}}}}}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	sq := geo.MultiPolygon{{{{Lon: 24, Lat: 49}, {Lon: 25, Lat: 49}, {Lon: 25, Lat: 50}, {Lon: 24, Lat: 50}, {Lon: 24, Lat: 49}}}}
	want := 0
	for _, p := range places {
		if geo.Contains(sq, p.Lon, p.Lat) {
			want += p.Population
		}
	}
	if want != 1000+4000+16000 {
		t.Errorf("geo.Contains counts %d people on the edges, want the west, south and south-west ones", want)
	}
	if got := r.SettlementsToAdversary.Population; got != want {
		t.Errorf("option counts %d people, geo.Contains %d", got, want)
	}
	if math.Abs(r.ToAdversaryKm2-geo.Area(sq)) > 0.01 {
		t.Errorf("to the adversary %.3f km², want the square's %.3f", r.ToAdversaryKm2, geo.Area(sq))
	}
}

// TestFreezeAtToday checks that an option holding today's map changes
// nothing and that its line is today's contact line.
func TestFreezeAtToday(t *testing.T) {
	e := testEnv(t, "2025-09-01")
	r, err := e.Evaluate(&model.TerritorialOption{ID: "f", Held: model.Area{Snapshot: date(t, "2025-09-01")}}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.ToAdversaryKm2 != 0 || r.ToUkraineKm2 != 0 || r.SettlementsToAdversary.Count+r.SettlementsToUkraine.Count != 0 {
		t.Errorf("a freeze at today's map changes %+v", r)
	}
	if r.LineKm != r.ContactLineKm || r.ContactLineKm < 1000 || r.ContactLineKm > 2500 {
		t.Errorf("line %.1f km, contact line %.1f km", r.LineKm, r.ContactLineKm)
	}
	t.Logf("contact line of 2025-09-01: %.1f km", r.ContactLineKm)
}

// TestBufferAlongLine checks a buffer along the real contact line: every
// piece of the line is inside it, its area is about twice its width times
// the line's length (less where the line bends or doubles back), and the
// point test agrees with the area's rows far from its edge.
func TestBufferAlongLine(t *testing.T) {
	e := testEnv(t, "2025-09-01")
	c, err := e.Build(model.Area{Buffer: &model.Buffer{Line: date(t, "2025-09-01"), Km: 5}})
	if err != nil {
		t.Fatal(err)
	}
	front := e.Front(e.Today)
	for _, s := range front[:50] {
		if m := s.Mid(); !c.Expr.Contains(m.Lon, m.Lat) {
			t.Fatalf("the line's point %v is not in its buffer", m)
		}
	}
	runs := 1 // the line's connected runs, each with two free ends
	for i := 1; i < len(front); i++ {
		if front[i].A != front[i-1].B {
			runs++
		}
	}
	area, l := geo.ExprArea(c.Expr), LengthKm(front)
	if upper := 2*5*l + float64(runs)*math.Pi*25; area > upper || area < 0.6*upper {
		t.Errorf("buffer of 5 km along %.0f km in %d runs: %.0f km², want a little under %.0f", l, runs, area, upper)
	}
	t.Logf("5 km buffer along the line of 2025-09-01 (%.1f km, %d runs): %.1f km²", l, runs, area)
}
