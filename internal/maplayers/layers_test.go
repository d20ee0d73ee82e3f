package maplayers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/territory"
)

// The shared data sets sit next to the repository (../shared/data); the
// tests that read them skip when they are absent.
const (
	dataDir      = "../../../shared/data"
	oblastFile   = dataDir + "/ua-oblasts/oblast.geojson"
	crosswalkCSV = dataDir + "/ua-oblasts/oblast_crosswalk.csv"
	deepstateDir = dataDir + "/deepstate"
	areasCSV     = deepstateDir + "/areas_computed.csv"
	changesCSV   = deepstateDir + "/changes_computed.csv"
	// sourceVertices are the positions of oblast.geojson (ua-oblasts/SOURCE.md).
	sourceVertices = 82_090
)

func date(tb testing.TB, s string) model.Date {
	tb.Helper()
	d, err := model.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// The real data is loaded once for every test of the package.
var (
	oblastTable = sync.OnceValues(func() (*oblast.Table, error) { return oblast.Load(oblastFile) })
	snapshots   = sync.OnceValues(func() ([]*territory.Snapshot, error) {
		snaps, ds := territory.LoadDir(deepstateDir)
		if ds.HasErrors() {
			return nil, fmt.Errorf("loading %s: %v", deepstateDir, ds)
		}
		return snaps, nil
	})
)

func loadOblasts(tb testing.TB) *oblast.Table {
	tb.Helper()
	datatest.Need(tb, oblastFile)
	t, err := oblastTable()
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func loadTerritory(tb testing.TB) *Territory {
	tb.Helper()
	datatest.Need(tb, deepstateDir, areasCSV, changesCSV)
	snaps, err := snapshots()
	if err != nil {
		tb.Fatal(err)
	}
	return NewTerritory(snaps)
}

// featureCollection decodes a layer, keeping each feature's geometry and
// properties raw.
type featureCollection struct {
	Type        string `json:"type"`
	Attribution string `json:"attribution"`
	Features    []struct {
		Type       string          `json:"type"`
		Properties json.RawMessage `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	} `json:"features"`
}

func decode[T any](tb testing.TB, b []byte) T {
	tb.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&v); err != nil {
		tb.Fatalf("decoding %T: %v\n%.400s", v, err, b)
	}
	return v
}

// readGeometry reads a feature's geometry back with the project's own
// GeoJSON reader, which checks positions and closed rings.
func readGeometry(tb testing.TB, g json.RawMessage) geo.MultiPolygon {
	tb.Helper()
	fs, err := geo.ReadGeoJSON(bytes.NewReader(g))
	if err != nil {
		tb.Fatalf("the geometry does not read back: %v\n%.200s", err, g)
	}
	if len(fs) != 1 || len(fs[0].Geometry) == 0 {
		tb.Fatalf("the geometry reads back as %d features", len(fs))
	}
	return fs[0].Geometry
}

// TestOblasts checks the oblast layer against the shared crosswalk: the
// 27 units with their codes, names and areas, the attribution, and
// geometry that reads back, is much lighter than the source, and still
// covers about the unit's area.
func TestOblasts(t *testing.T) {
	table := loadOblasts(t)
	datatest.Need(t, crosswalkCSV)
	want := map[string]map[string]string{}
	for _, row := range datatest.ReadCSV(t, crosswalkCSV, "iso3166_2", "ADMIN_1", "name_en", "area_km2_computed") {
		want[row["iso3166_2"]] = row
	}
	if len(want) != 27 {
		t.Fatalf("the crosswalk has %d units", len(want))
	}
	b := Oblasts(table)
	if !json.Valid(b) {
		t.Fatalf("not JSON: %.200s", b)
	}
	c := decode[featureCollection](t, b)
	if c.Type != "FeatureCollection" || len(c.Features) != 27 {
		t.Fatalf("type %q with %d features, want a FeatureCollection of 27", c.Type, len(c.Features))
	}
	for _, s := range []string{"Minregion", "CC BY-SA"} {
		if !strings.Contains(c.Attribution, s) {
			t.Errorf("attribution %q does not mention %s", c.Attribution, s)
		}
	}
	seen := map[string]bool{}
	vertices := 0
	for _, f := range c.Features {
		var p struct {
			Code    string   `json:"code"`
			Name    string   `json:"name"`
			Admin1  string   `json:"admin1"`
			AreaKm2 *float64 `json:"area_km2"`
		}
		if err := json.Unmarshal(f.Properties, &p); err != nil {
			t.Fatal(err)
		}
		row, ok := want[p.Code]
		if f.Type != "Feature" || !ok || seen[p.Code] {
			t.Errorf("feature %s %q: not a unit of the crosswalk, or repeated", f.Type, p.Code)
			continue
		}
		seen[p.Code] = true
		if p.Name != row["name_en"] || p.Admin1 != row["ADMIN_1"] {
			t.Errorf("%s: name %q, admin1 %q; the crosswalk has %q, %q", p.Code, p.Name, p.Admin1, row["name_en"], row["ADMIN_1"])
		}
		unit, _ := table.Unit(p.Code)
		if p.AreaKm2 == nil || math.Abs(*p.AreaKm2-datatest.Num(t, row["area_km2_computed"])) > 0.1 || math.Abs(*p.AreaKm2-unit.AreaKm2) > 0.1 {
			t.Errorf("%s: area_km2 %v; the crosswalk has %s, the table %.1f", p.Code, p.AreaKm2, row["area_km2_computed"], unit.AreaKm2)
			continue
		}
		mp := readGeometry(t, f.Geometry)
		vertices += mp.Vertices()
		// Simplified for drawing, the shape still covers the unit: its
		// area is the full one's within 1 % (lon/lat swapped, or a ring
		// lost, would be far off; a 300 m tolerance moves it < 0.4 %).
		if a := geo.Area(mp); math.Abs(a-*p.AreaKm2) > 0.01*(*p.AreaKm2) {
			t.Errorf("%s: the drawn shape has %.1f km², the unit %.1f km²", p.Code, a, *p.AreaKm2)
		}
	}
	if vertices == 0 || vertices > sourceVertices/4 {
		t.Errorf("%d vertices drawn; the source has %d: want far fewer", vertices, sourceVertices)
	}
}

// A names-only table has no shapes to draw.
func TestOblastsNamesOnly(t *testing.T) {
	if b := Oblasts(oblast.New()); b != nil {
		t.Errorf("Oblasts(names only) = %.100s, want nil", b)
	}
}

// shippedDates are the dates of the snapshot files shipped with the data,
// in order, from areas_computed.csv (not from the loader).
func shippedDates(t *testing.T) ([]string, map[string]map[string]string) {
	t.Helper()
	var dates []string
	rows := map[string]map[string]string{}
	for _, row := range datatest.ReadCSV(t, areasCSV, "date", "occupied_area_km2", "n_vertices", "shipped_here") {
		if row["shipped_here"] == "yes" {
			dates = append(dates, row["date"])
			rows[row["date"]] = row
		}
	}
	return dates, rows
}

func TestTerritoryAt(t *testing.T) {
	tr := loadTerritory(t)
	dates, _ := shippedDates(t)
	if len(dates) != 86 {
		t.Fatalf("areas_computed.csv ships %d files; SOURCE.md says 86", len(dates))
	}
	if len(tr.Snapshots()) != len(dates) {
		t.Fatalf("%d snapshots, want %d", len(tr.Snapshots()), len(dates))
	}
	for i, s := range tr.Snapshots() {
		if s.Date.String() != dates[i] {
			t.Fatalf("snapshot %d is of %s, want %s", i, s.Date, dates[i])
		}
	}
	tests := []struct {
		name, at, want string // want "" for none
	}{
		{"the first snapshot", "2024-07-08", "2024-07-08"},
		{"a snapshot", "2025-09-01", "2025-09-01"},
		{"the last snapshot", "2026-08-22", "2026-08-22"},
		{"between monthly snapshots", "2024-07-20", "2024-07-08"},
		{"the missing 1st of January", "2025-01-01", "2024-12-01"},
		{"the day after a daily run", "2025-10-15", "2025-10-01"},
		{"after the last", "2027-01-01", "2026-08-22"},
		{"the day before the first", "2024-07-07", ""},
		{"long before the first", "2020-01-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tr.At(date(t, tt.at))
			switch {
			case tt.want == "" && got != nil:
				t.Errorf("At(%s) = the snapshot of %s, want none", tt.at, got.Date)
			case tt.want != "" && got == nil:
				t.Errorf("At(%s) = none, want %s", tt.at, tt.want)
			case tt.want != "" && got.Date.String() != tt.want:
				t.Errorf("At(%s) = %s, want %s", tt.at, got.Date, tt.want)
			}
			// A baseline is the map in force on the ceasefire date.
			if b := tr.Baseline(date(t, tt.at)); b != got {
				t.Errorf("Baseline(%s) = %v, want the snapshot At gives", tt.at, b)
			}
		})
	}
	if b := tr.Baseline(model.Date{}); b != nil {
		t.Errorf("Baseline(no ceasefire) = %s, want none", b.Date)
	}
}

// NewTerritory sorts the snapshots it is given.
func TestTerritoryUnsorted(t *testing.T) {
	tr := loadTerritory(t)
	s := tr.Snapshots()
	shuffled := []*territory.Snapshot{s[40], s[0], s[85], s[3]}
	u := NewTerritory(shuffled)
	var got []string
	for _, x := range u.Snapshots() {
		got = append(got, x.Date.String())
	}
	want := []string{s[0].Date.String(), s[3].Date.String(), s[40].Date.String(), s[85].Date.String()}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("snapshots %v, want %v", got, want)
	}
	if shuffled[0] != s[40] {
		t.Error("NewTerritory reordered the caller's slice")
	}
	if x := u.At(date(t, "2025-01-01")); x == nil || x != s[3] {
		t.Errorf("At between the kept snapshots = %v, want %s", x, s[3].Date)
	}
}

// territoryLayer decodes a territory layer.
type territoryLayer struct {
	Type        string   `json:"type"`
	Attribution string   `json:"attribution"`
	Snapshots   []string `json:"snapshots"`
	Baseline    *string  `json:"baseline"`
	At          *string  `json:"at"`
	Features    []struct {
		Type       string `json:"type"`
		Properties struct {
			Role      string   `json:"role"`
			Date      string   `json:"date"`
			AreaKm2   float64  `json:"area_km2"`
			GainedKm2 *float64 `json:"gained_km2"`
			LostKm2   *float64 `json:"lost_km2"`
			NetKm2    *float64 `json:"net_km2"`
		} `json:"properties"`
		Geometry json.RawMessage `json:"geometry"`
	} `json:"features"`
}

func checkTerritoryLayer(t *testing.T, c territoryLayer, dates []string, baseline, at string) {
	t.Helper()
	if c.Type != "FeatureCollection" || !strings.Contains(c.Attribution, "DeepStateMap") {
		t.Errorf("type %q, attribution %q", c.Type, c.Attribution)
	}
	if strings.Join(c.Snapshots, " ") != strings.Join(dates, " ") {
		t.Errorf("snapshots %v, want the %d shipped dates in order", c.Snapshots, len(dates))
	}
	if c.Baseline == nil || *c.Baseline != baseline {
		t.Errorf("baseline %v, want %q", c.Baseline, baseline)
	}
	if c.At == nil || *c.At != at {
		t.Errorf("at %v, want %q", c.At, at)
	}
}

// TestTerritoryGeoJSON checks every shipped snapshot drawn as the current
// map against the areas computed independently (areas_computed.csv).
func TestTerritoryGeoJSON(t *testing.T) {
	tr := loadTerritory(t)
	dates, rows := shippedDates(t)
	for _, d := range dates {
		c := decode[territoryLayer](t, tr.GeoJSON(nil, date(t, d)))
		checkTerritoryLayer(t, c, dates, "", d)
		if len(c.Features) != 1 {
			t.Fatalf("%s: %d features without a baseline, want the current map only", d, len(c.Features))
		}
		f := c.Features[0]
		p := f.Properties
		want := datatest.Num(t, rows[d]["occupied_area_km2"])
		if f.Type != "Feature" || p.Role != "current" || p.Date != d {
			t.Errorf("%s: feature %s role %q date %q", d, f.Type, p.Role, p.Date)
		}
		if math.Abs(p.AreaKm2-want) > 0.0005*want {
			t.Errorf("%s: area_km2 %.1f, areas_computed.csv %.3f (%+.3f %%)", d, p.AreaKm2, want, 100*(p.AreaKm2-want)/want)
		}
		if p.GainedKm2 != nil || p.LostKm2 != nil || p.NetKm2 != nil {
			t.Errorf("%s: gained/lost/net without a baseline", d)
		}
		mp := readGeometry(t, f.Geometry)
		if n := datatest.Num(t, rows[d]["n_vertices"]); float64(mp.Vertices()) >= n {
			t.Errorf("%s: %d vertices drawn, the file has %.0f: not simplified", d, mp.Vertices(), n)
		}
		if a := geo.Area(mp); math.Abs(a-want) > 0.001*want {
			t.Errorf("%s: the drawn map has %.1f km², the snapshot %.1f km²", d, a, want)
		}
	}
}

// TestTerritoryVersusBaseline compares each snapshot after 2025-09-01
// with that baseline, as changes_computed.csv does.
func TestTerritoryVersusBaseline(t *testing.T) {
	tr := loadTerritory(t)
	dates, rows := shippedDates(t)
	base := tr.Baseline(date(t, "2025-09-01"))
	if base == nil || base.Date.String() != "2025-09-01" {
		t.Fatalf("Baseline(2025-09-01) = %v", base)
	}
	n := 0
	for _, row := range datatest.ReadCSV(t, changesCSV, "from", "to", "kind", "gained_km2", "lost_km2", "net_km2") {
		if row["kind"] != "vs-baseline-2025-09-01" {
			continue
		}
		n++
		to := row["to"]
		c := decode[territoryLayer](t, tr.GeoJSON(base, date(t, to)))
		checkTerritoryLayer(t, c, dates, "2025-09-01", to)
		if len(c.Features) != 2 {
			t.Fatalf("%s: %d features, want the baseline and the current map", to, len(c.Features))
		}
		b, cur := c.Features[0].Properties, c.Features[1].Properties
		if b.Role != "baseline" || b.Date != "2025-09-01" || cur.Role != "current" || cur.Date != to {
			t.Fatalf("%s: features %s %s, %s %s", to, b.Role, b.Date, cur.Role, cur.Date)
		}
		wantBase := datatest.Num(t, rows["2025-09-01"]["occupied_area_km2"])
		if math.Abs(b.AreaKm2-wantBase) > 0.0005*wantBase {
			t.Errorf("baseline area_km2 %.1f, areas_computed.csv %.3f", b.AreaKm2, wantBase)
		}
		if b.GainedKm2 != nil || b.LostKm2 != nil || b.NetKm2 != nil {
			t.Errorf("%s: the baseline feature has gained/lost/net", to)
		}
		if cur.GainedKm2 == nil || cur.LostKm2 == nil || cur.NetKm2 == nil {
			t.Fatalf("%s: the current feature lacks gained/lost/net", to)
		}
		for _, x := range []struct {
			name string
			got  float64
		}{{"gained_km2", *cur.GainedKm2}, {"lost_km2", *cur.LostKm2}, {"net_km2", *cur.NetKm2}} {
			if want := datatest.Num(t, row[x.name]); math.Abs(x.got-want) > 0.5 {
				t.Errorf("%s vs 2025-09-01: %s %.1f, changes_computed.csv %.3f", to, x.name, x.got, want)
			}
		}
	}
	if n != 41 {
		t.Errorf("%d rows of kind vs-baseline-2025-09-01, want 41", n)
	}
}

// Before the first snapshot there is no current map: the baseline alone,
// or nothing.
func TestTerritoryBeforeFirstSnapshot(t *testing.T) {
	tr := loadTerritory(t)
	dates, _ := shippedDates(t)
	base := tr.Baseline(date(t, "2025-09-01"))
	for _, tt := range []struct {
		name     string
		baseline *territory.Snapshot
		roles    string
	}{
		{"without a baseline", nil, ""},
		{"with a baseline", base, "baseline"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := decode[territoryLayer](t, tr.GeoJSON(tt.baseline, date(t, "2024-07-07")))
			want := ""
			if tt.baseline != nil {
				want = "2025-09-01"
			}
			checkTerritoryLayer(t, c, dates, want, "2024-07-07")
			var roles []string
			for _, f := range c.Features {
				roles = append(roles, f.Properties.Role)
			}
			if strings.Join(roles, " ") != tt.roles || c.Features == nil {
				t.Errorf("features %v (nil: %t), want %q", roles, c.Features == nil, tt.roles)
			}
		})
	}
}

// incidentLayer decodes an incident layer.
type incidentLayer struct {
	Type     string `json:"type"`
	Triggers []struct {
		ID       string `json:"id"`
		Title    string `json:"title"`
		Severity string `json:"severity"`
		Firings  int    `json:"firings"`
	} `json:"triggers"`
	Levels             []string `json:"levels"`
	Incidents          *int     `json:"incidents"`
	WithoutCoordinates *int     `json:"without_coordinates"`
	Features           []struct {
		Type       string `json:"type"`
		Properties struct {
			ID         string          `json:"id"`
			Time       string          `json:"time"`
			Type       string          `json:"type"`
			Source     string          `json:"source"`
			Place      string          `json:"place"`
			Admin1     string          `json:"admin1"`
			Triggers   json.RawMessage `json:"triggers"`
			Breach     *bool           `json:"breach"`
			Confidence *string         `json:"confidence"`
			Level      *int            `json:"level"`
		} `json:"properties"`
		Geometry struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func ptr[T any](v T) *T { return &v }

func TestIncidents(t *testing.T) {
	kyiv := time.FixedZone("EEST", 3*3600)
	at := func(s string) model.Timestamp {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return model.Timestamp{Time: tm}
	}
	incs := []model.Incident{
		{ID: "late", Time: at("2025-09-14T12:00:00Z"), Type: "missile_strike", Source: "acled", Admin1: "Kharkiv",
			Location: "Kharkiv city", Lat: ptr(49.98765432), Lon: ptr(36.23456789),
			Confidence: &model.Confidence{Level: 2, Name: "moderate", Points: 2}},
		{ID: "no-coordinates", Time: at("2025-09-13T00:00:00Z"), Type: "missile_strike", Admin1: "Odesa"},
		// 06:30 in Kyiv is 03:30 UTC: the earliest.
		{ID: "early", Time: model.Timestamp{Time: time.Date(2025, 9, 14, 6, 30, 0, 0, kyiv)}, Type: "shelling",
			Source: "viina", Admin1: "Donetsk", Lat: ptr(48.00001), Lon: ptr(37.80004)},
		{ID: "lat-only", Time: at("2025-09-14T01:00:00Z"), Type: "shelling", Lat: ptr(48.0)},
		{ID: "middle", Time: at("2025-09-14T08:00:00Z"), Type: "drone_strike", Source: "monitor", Admin1: "Kyiv",
			Lat: ptr(50.45), Lon: ptr(30.52), Confidence: &model.Confidence{}},
		{ID: "middle-too", Time: at("2025-09-14T08:00:00Z"), Type: "drone_strike", Admin1: "Kyiv",
			Lat: ptr(49.99996), Lon: ptr(30.000049)},
	}
	fired := map[string]Fired{
		"late":           {Triggers: []string{"missile-strike", "strike-on-city"}, Breach: true},
		"middle":         {Triggers: []string{"drone-strike"}},
		"no-coordinates": {Triggers: []string{"missile-strike"}, Breach: true},
	}
	legend := []Trigger{{ID: "missile-strike", Title: "Missile strike", Severity: "grave", Firings: 2}}

	type want struct {
		id, time, place, admin1, triggers, confidence string
		breach                                        bool
		level                                         int
		lon, lat                                      float64
	}
	wants := []want{
		{id: "early", time: "2025-09-14T03:30:00Z", place: "Donetsk", admin1: "Donetsk", triggers: `[]`, lon: 37.8, lat: 48},
		{id: "middle", time: "2025-09-14T08:00:00Z", place: "Kyiv", admin1: "Kyiv", triggers: `["drone-strike"]`, lon: 30.52, lat: 50.45},
		{id: "middle-too", time: "2025-09-14T08:00:00Z", place: "Kyiv", admin1: "Kyiv", triggers: `[]`, lon: 30.0, lat: 50.0},
		{id: "late", time: "2025-09-14T12:00:00Z", place: "Kharkiv city", admin1: "Kharkiv",
			triggers: `["missile-strike","strike-on-city"]`, breach: true, confidence: "moderate", level: 2, lon: 36.2346, lat: 49.9877},
	}

	tests := []struct {
		name   string
		legend []Trigger
		levels []string
	}{
		{"with a legend", legend, []string{"possible", "moderate", "high"}},
		{"without a legend", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Incidents(incs, fired, tt.legend, tt.levels)
			// The legend's lists are [] rather than null when empty.
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatal(err)
			}
			if tt.legend == nil && (string(raw["triggers"]) != "[]" || string(raw["levels"]) != "[]") {
				t.Errorf("legend triggers %s, levels %s; want [] for none", raw["triggers"], raw["levels"])
			}
			c := decode[incidentLayer](t, b)
			if c.Type != "FeatureCollection" || c.Incidents == nil || *c.Incidents != len(incs) ||
				c.WithoutCoordinates == nil || *c.WithoutCoordinates != 2 {
				t.Errorf("type %q, incidents %v, without_coordinates %v; want %d and 2", c.Type, c.Incidents, c.WithoutCoordinates, len(incs))
			}
			if len(c.Triggers) != len(tt.legend) || len(c.Levels) != len(tt.levels) {
				t.Errorf("legend %+v %v, want %+v %v", c.Triggers, c.Levels, tt.legend, tt.levels)
			}
			for i := range tt.legend {
				if g := c.Triggers[i]; g.ID != tt.legend[i].ID || g.Title != tt.legend[i].Title || g.Severity != tt.legend[i].Severity || g.Firings != tt.legend[i].Firings {
					t.Errorf("legend trigger %+v, want %+v", g, tt.legend[i])
				}
			}
			if len(c.Features) != len(wants) {
				t.Fatalf("%d features, want %d (the incidents with both coordinates)", len(c.Features), len(wants))
			}
			for i, w := range wants {
				f := c.Features[i]
				p := f.Properties
				if f.Type != "Feature" || p.ID != w.id {
					t.Errorf("feature %d is %s %q, want %q (time order)", i, f.Type, p.ID, w.id)
					continue
				}
				if p.Time != w.time || p.Place != w.place || p.Admin1 != w.admin1 || string(p.Triggers) != w.triggers {
					t.Errorf("%s: time %s place %q admin1 %q triggers %s; want %s %q %q %s", w.id, p.Time, p.Place, p.Admin1, p.Triggers, w.time, w.place, w.admin1, w.triggers)
				}
				if p.Breach == nil || *p.Breach != w.breach || p.Confidence == nil || *p.Confidence != w.confidence || p.Level == nil || *p.Level != w.level {
					t.Errorf("%s: breach %v confidence %v level %v; want %t %q %d", w.id, p.Breach, p.Confidence, p.Level, w.breach, w.confidence, w.level)
				}
				g := f.Geometry
				if g.Type != "Point" || len(g.Coordinates) != 2 || g.Coordinates[0] != w.lon || g.Coordinates[1] != w.lat {
					t.Errorf("%s: geometry %+v, want Point [%v, %v]", w.id, g, w.lon, w.lat)
				}
			}
			// The source and type travel as given.
			if p := c.Features[3].Properties; p.Type != "missile_strike" || p.Source != "acled" {
				t.Errorf("late: type %q source %q", p.Type, p.Source)
			}
		})
	}
}

// No incidents: an empty layer, with [] features rather than null.
func TestIncidentsNone(t *testing.T) {
	b := Incidents(nil, nil, nil, nil)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"features": "[]", "triggers": "[]", "levels": "[]", "incidents": "0", "without_coordinates": "0"} {
		if string(raw[k]) != want {
			t.Errorf("%s = %s, want %s", k, raw[k], want)
		}
	}
}
