package server

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/maplayers"
	"github.com/backstop-dev/backstop/internal/option"
)

const settlementsCSV = "../../../shared/data/ua-settlements/settlements.csv"

type settlementLayer struct {
	Attribution string `json:"attribution"`
	Total       int    `json:"total"`
	Settlements []struct {
		Name       string  `json:"name"`
		Lat        float64 `json:"lat"`
		Lon        float64 `json:"lon"`
		Population int     `json:"population"`
	} `json:"settlements"`
}

// TestMapSettlements serves the settlements the map labels: the largest
// 2,000 of --settlements, most populous first, readable as the framework;
// an empty list without the file.
func TestMapSettlements(t *testing.T) {
	datatest.Need(t, settlementsCSV)
	places, err := option.ReadSettlements(settlementsCSV)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestServerWith(t, envConfig{server: Config{Settlements: places}})
	gb := e.keys["GB"]
	path := "/v1/frameworks/" + testFW + "/map/settlements"

	checkProblem(t, e.get(path, nil), http.StatusUnauthorized, "sign-in")
	checkProblem(t, e.get("/v1/frameworks/nope/map/settlements", &gb), http.StatusNotFound, "no-framework")

	res := e.get(path, &gb)
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s: %d %s", path, res.status, res.header.Get("Content-Type"))
	}
	l := decodeJSON[settlementLayer](t, res)
	if l.Total != len(places) || l.Attribution != maplayers.SettlementAttribution {
		t.Errorf("total %d attribution %q; want %d, %q", l.Total, l.Attribution, len(places), maplayers.SettlementAttribution)
	}
	if want := min(len(places), maplayers.MaxSettlements); len(l.Settlements) != want {
		t.Fatalf("%d settlements, want %d", len(l.Settlements), want)
	}
	if !slices.IsSortedFunc(l.Settlements, func(a, b struct {
		Name       string  `json:"name"`
		Lat        float64 `json:"lat"`
		Lon        float64 `json:"lon"`
		Population int     `json:"population"`
	}) int {
		return b.Population - a.Population
	}) {
		t.Error("the settlements are not most populous first")
	}
	// The most populous place of the file comes first, where it is.
	big := slices.MaxFunc(places, func(a, b option.Place) int { return a.Population - b.Population })
	if s := l.Settlements[0]; s.Name != big.Name || s.Population != big.Population ||
		s.Lat < big.Lat-1e-4 || s.Lat > big.Lat+1e-4 || s.Lon < big.Lon-1e-4 || s.Lon > big.Lon+1e-4 {
		t.Errorf("first settlement %+v, want %+v", s, big)
	}
	// Every one in the country's box (the file has places of population 0: GeoNames does not know it).
	for _, s := range l.Settlements {
		if s.Lat < 44 || s.Lat > 53 || s.Lon < 22 || s.Lon > 41 || s.Name == "" || s.Population < 0 {
			t.Errorf("settlement %+v is not a place of Ukraine", s)
		}
	}

	// Without the file: an empty list, not a failed request.
	n := newTestServer(t)
	gb = n.keys["GB"]
	res = n.get(path, &gb)
	if res.status != http.StatusOK {
		t.Fatalf("without settlements: %d %s", res.status, res.body)
	}
	if l := decodeJSON[settlementLayer](t, res); l.Total != 0 || l.Attribution != "" || l.Settlements == nil || len(l.Settlements) != 0 {
		t.Errorf("without settlements: %+v, want an empty list", l)
	}
}

// TestSettlementsLimit keeps the largest places, ties by name.
func TestSettlementsLimit(t *testing.T) {
	places := []option.Place{{Name: "B", Population: 10}, {Name: "C", Population: 30}, {Name: "A", Population: 10}, {Name: "D", Population: 5}}
	e := newTestServerWith(t, envConfig{server: Config{Settlements: places}})
	gb := e.keys["GB"]
	l := decodeJSON[settlementLayer](t, e.get("/v1/frameworks/"+testFW+"/map/settlements", &gb))
	var names []string
	for _, s := range l.Settlements {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, "/"); got != "C/A/B/D" {
		t.Errorf("order %s, want C/A/B/D", got)
	}
}

// TestMapBeforeCeasefire: before the framework's ceasefire the territory
// layer says so and does not compare the map in force with the ceasefire's
// (nothing "freed" against a line 13 months later); from the ceasefire on
// it does.
func TestMapBeforeCeasefire(t *testing.T) {
	e := newTestServerWith(t, envConfig{server: layersConfig(t)})
	gb := e.keys["GB"]
	e.mustSubmit(testFW, e.sign("SEC", e.withCeasefire("2025-09-01")))
	type layer struct {
		Ceasefire       string `json:"ceasefire"`
		BeforeCeasefire bool   `json:"before_ceasefire"`
		Features        []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	for _, tt := range []struct {
		at     string
		before bool
	}{{"2024-08-01", true}, {"2025-08-31", true}, {"2025-09-01", false}, {"2026-01-01", false}} {
		l := decodeGeoJSON[layer](t, e.get("/v1/frameworks/"+testFW+"/map/territory?at="+tt.at, &gb))
		if l.Ceasefire != "2025-09-01" || l.BeforeCeasefire != tt.before {
			t.Errorf("%s: ceasefire %q before %v; want 2025-09-01, %v", tt.at, l.Ceasefire, l.BeforeCeasefire, tt.before)
		}
		for _, f := range l.Features {
			if f.Properties["role"] != "current" {
				continue
			}
			_, has := f.Properties["gained_km2"]
			_, lost := f.Properties["lost_km2"]
			if has != !tt.before || lost != !tt.before {
				t.Errorf("%s: the current map has gained_km2 %v, lost_km2 %v; want %v", tt.at, has, lost, !tt.before)
			}
		}
	}
}

// TestMapIncidentsByOblastAndWeek: incidents without coordinates that name
// an oblast (the missile reports) come in by_oblast, every incident counts
// in weekly, and a report's headline travels with its point.
func TestMapIncidentsByOblastAndWeek(t *testing.T) {
	e := newTestServer(t)
	e.mustSubmit(testFW, e.sign("MON", incidentDoc(
		`id: p1, time: 2025-09-14T09:00:00Z, type: missile_strike, country: UA, admin1: UA-63, lat: 49.99, lon: 36.23, source: viina, fields: {headline: "Strike on Kharkiv"}`,
		`id: m1, time: 2025-09-15T03:00:00Z, type: missile_strike, subtype: Kalibr, country: UA, admin1: UA-51, location: Odesa oblast, source: missile`,
		`id: m2, time: 2025-09-29T03:00:00Z, type: drone_strike, country: UA, admin1: UA-51, source: missile`,
		`id: n1, time: 2025-09-30T03:00:00Z, type: drone_strike, country: UA, source: missile`,
	)))
	gb := e.keys["GB"]
	type layer struct {
		WithoutCoordinates int                            `json:"without_coordinates"`
		ByOblast           []maplayers.IncidentProperties `json:"by_oblast"`
		Weekly             []maplayers.WeekCount          `json:"weekly"`
		Features           []struct {
			Properties maplayers.IncidentProperties `json:"properties"`
		} `json:"features"`
	}
	l := decodeGeoJSON[layer](t, e.get("/v1/frameworks/"+testFW+"/map/incidents", &gb))
	if l.WithoutCoordinates != 3 || len(l.ByOblast) != 2 || l.ByOblast[0].ID != "m1" || l.ByOblast[1].ID != "m2" {
		t.Fatalf("without coordinates %d, by_oblast %+v; want 3 and m1, m2", l.WithoutCoordinates, l.ByOblast)
	}
	if m := l.ByOblast[0]; m.Admin1 != "UA-51" || m.Subtype != "Kalibr" || m.Place != "Odesa oblast" || m.Source != "missile" {
		t.Errorf("m1: %+v", m)
	}
	if len(l.Features) != 1 || l.Features[0].Properties.Headline != "Strike on Kharkiv" {
		t.Errorf("features %+v, want p1 with its headline", l.Features)
	}
	want := []maplayers.WeekCount{{Week: "2025-09-08", Incidents: 1}, {Week: "2025-09-15", Incidents: 1}, {Week: "2025-09-22", Incidents: 0}, {Week: "2025-09-29", Incidents: 2}}
	if !slices.Equal(l.Weekly, want) {
		t.Errorf("weekly %+v, want %+v", l.Weekly, want)
	}
}
