package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/maplayers"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/sim"
	"github.com/backstop-dev/backstop/internal/territory"
)

// The shared data sets sit next to the repository (../shared/data); the
// tests that read them skip when they are absent.
const (
	oblastFile   = "../../../shared/data/ua-oblasts/oblast.geojson"
	deepstateDir = "../../../shared/data/deepstate"
	areasCSV     = deepstateDir + "/areas_computed.csv"
	changesCSV   = deepstateDir + "/changes_computed.csv"
)

// The layers' data is loaded once for every test of the package.
var (
	sharedOblasts   = sync.OnceValues(func() (*oblast.Table, error) { return oblast.Load(oblastFile) })
	sharedSnapshots = sync.OnceValues(func() ([]*territory.Snapshot, error) {
		snaps, ds := territory.LoadDir(deepstateDir)
		if ds.HasErrors() {
			return nil, fmt.Errorf("loading %s: %v", deepstateDir, ds)
		}
		return snaps, nil
	})
)

// layersConfig is a Config with the shared oblasts and snapshots; the
// test skips without them.
func layersConfig(tb testing.TB) Config {
	tb.Helper()
	datatest.Need(tb, oblastFile, deepstateDir, areasCSV, changesCSV)
	table, err := sharedOblasts()
	if err != nil {
		tb.Fatal(err)
	}
	snaps, err := sharedSnapshots()
	if err != nil {
		tb.Fatal(err)
	}
	return Config{Oblasts: table, Territory: snaps}
}

// withCeasefire is the env's framework with a ceasefire date.
func (e *testEnv) withCeasefire(date string) string {
	e.tb.Helper()
	doc := strings.Replace(e.fwText, "status: draft\n", "status: draft\nceasefire: "+date+"\n", 1)
	if doc == e.fwText {
		e.tb.Fatal("the framework has no status line to put the ceasefire after")
	}
	return doc
}

// csvRow is the first row whose columns have the values given.
func csvRow(tb testing.TB, path string, match map[string]string) map[string]string {
	tb.Helper()
	for _, row := range datatest.ReadCSV(tb, path) {
		ok := true
		for k, v := range match {
			if _, has := row[k]; !has {
				tb.Fatalf("%s has no column %q", path, k)
			}
			ok = ok && row[k] == v
		}
		if ok {
			return row
		}
	}
	tb.Fatalf("%s has no row %v", path, match)
	return nil
}

func parseNum(tb testing.TB, s string) float64 {
	tb.Helper()
	var v float64
	if _, err := fmt.Sscan(s, &v); err != nil {
		tb.Fatalf("%q: %v", s, err)
	}
	return v
}

// decodeGeoJSON reads a 200 application/geo+json response.
func decodeGeoJSON[T any](tb testing.TB, r response) T {
	tb.Helper()
	var v T
	if r.status != http.StatusOK {
		tb.Fatalf("want 200, got %v", r)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/geo+json" {
		tb.Fatalf("Content-Type %q, want application/geo+json", ct)
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		tb.Fatalf("decoding %T: %v\n%.300s", v, err, r.body)
	}
	return v
}

// A server started without --oblasts or --territory says so; the
// territory layer is still a framework's, readable only as it allows.
func TestMapsWithoutLayers(t *testing.T) {
	e := newTestServer(t)
	gb := e.keys["GB"]
	tests := []struct {
		name   string
		path   string
		key    *signing.KeyPair
		status int
		slug   string
	}{
		{"oblasts, anonymous", "/v1/map/oblasts", nil, http.StatusNotFound, "no-layer"},
		{"oblasts, signed", "/v1/map/oblasts", &gb, http.StatusNotFound, "no-layer"},
		{"territory, signed", "/v1/frameworks/" + testFW + "/map/territory", &gb, http.StatusNotFound, "no-layer"},
		{"territory at a date, signed", "/v1/frameworks/" + testFW + "/map/territory?at=2025-09-01", &gb, http.StatusNotFound, "no-layer"},
		{"territory, anonymous", "/v1/frameworks/" + testFW + "/map/territory", nil, http.StatusUnauthorized, "sign-in"},
		{"territory of no framework", "/v1/frameworks/nope/map/territory", &gb, http.StatusNotFound, "no-framework"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblem(t, e.get(tt.path, tt.key), tt.status, tt.slug)
		})
	}
	// A names-only oblast table and no snapshots are no layers either.
	n := newTestServerWith(t, envConfig{server: Config{Oblasts: oblast.New(), Territory: []*territory.Snapshot{}}})
	gb = n.keys["GB"]
	checkProblem(t, n.get("/v1/map/oblasts", nil), http.StatusNotFound, "no-layer")
	checkProblem(t, n.get("/v1/frameworks/"+testFW+"/map/territory", &gb), http.StatusNotFound, "no-layer")
}

// TestMapOblasts serves the oblast layer: public, GeoJSON, the layer
// internal/maplayers draws from the table, with its 27 units.
func TestMapOblasts(t *testing.T) {
	cfg := layersConfig(t)
	e := newTestServerWith(t, envConfig{server: cfg})
	r := e.get("/v1/map/oblasts", nil) // the framework is private; geography is not
	c := decodeGeoJSON[struct {
		Type        string            `json:"type"`
		Attribution string            `json:"attribution"`
		Features    []json.RawMessage `json:"features"`
	}](t, r)
	if c.Type != "FeatureCollection" || len(c.Features) != 27 || !strings.Contains(c.Attribution, "Minregion") {
		t.Errorf("type %q, %d features, attribution %q; want the 27 oblasts with Minregion's attribution", c.Type, len(c.Features), c.Attribution)
	}
	if !bytes.Equal(r.body, maplayers.Oblasts(cfg.Oblasts)) {
		t.Error("the body is not the oblast layer of the table the server was given")
	}
	if r := e.do(http.MethodGet, "/v1/map/oblasts", nil, http.Header{"If-None-Match": {r.header.Get("ETag")}}); r.status != http.StatusNotModified {
		t.Errorf("If-None-Match its ETag: %d, want 304", r.status)
	}
}

// territoryLayer is what the territory endpoint answers.
type territoryLayer struct {
	Snapshots []string `json:"snapshots"`
	Baseline  string   `json:"baseline"`
	At        string   `json:"at"`
	Features  []struct {
		Properties struct {
			Role      string   `json:"role"`
			Date      string   `json:"date"`
			AreaKm2   float64  `json:"area_km2"`
			GainedKm2 *float64 `json:"gained_km2"`
			LostKm2   *float64 `json:"lost_km2"`
		} `json:"properties"`
	} `json:"features"`
}

func (l territoryLayer) roles() string {
	var out []string
	for _, f := range l.Features {
		out = append(out, f.Properties.Role+" "+f.Properties.Date)
	}
	return strings.Join(out, ", ")
}

// TestMapTerritory serves the occupied territory at a date, with the
// framework's ceasefire map once the framework has a ceasefire date,
// checked against the data's own computed areas and changes.
func TestMapTerritory(t *testing.T) {
	cfg := layersConfig(t)
	e := newTestServerWith(t, envConfig{server: cfg})
	gb := e.keys["GB"]
	path := "/v1/frameworks/" + testFW + "/map/territory"
	var shipped []string
	for _, row := range datatest.ReadCSV(t, areasCSV) {
		if row["shipped_here"] == "yes" {
			shipped = append(shipped, row["date"])
		}
	}
	area := func(date string) float64 {
		return parseNum(t, csvRow(t, areasCSV, map[string]string{"date": date})["occupied_area_km2"])
	}

	t.Run("refusals", func(t *testing.T) {
		for _, tt := range []struct {
			query  string
			key    *signing.KeyPair
			status int
			slug   string
		}{
			{"?at=2025-09-15", nil, http.StatusUnauthorized, "sign-in"},
			{"", nil, http.StatusUnauthorized, "sign-in"},
			{"?at=2025-02-30", &gb, http.StatusBadRequest, "bad-parameter"},
			{"?at=yesterday", &gb, http.StatusBadRequest, "bad-parameter"},
			{"?at=15.09.2025", &gb, http.StatusBadRequest, "bad-parameter"},
			{"?at=2025-09-15T00:00:00Z", &gb, http.StatusBadRequest, "bad-parameter"},
		} {
			checkProblem(t, e.get(path+tt.query, tt.key), tt.status, tt.slug)
		}
	})

	t.Run("without a ceasefire", func(t *testing.T) {
		l := decodeGeoJSON[territoryLayer](t, e.get(path+"?at=2025-09-15", &gb))
		if l.At != "2025-09-15" || l.Baseline != "" || l.roles() != "current 2025-09-15" {
			t.Fatalf("at %q baseline %q features %q; want the current map of 2025-09-15 only", l.At, l.Baseline, l.roles())
		}
		if got, want := l.Features[0].Properties.AreaKm2, area("2025-09-15"); math.Abs(got-want) > 0.0005*want {
			t.Errorf("area_km2 %.1f, areas_computed.csv %.3f", got, want)
		}
		if !slices.Equal(l.Snapshots, shipped) {
			t.Errorf("snapshots %v, want the %d shipped dates", l.Snapshots, len(shipped))
		}
		if l := decodeGeoJSON[territoryLayer](t, e.get(path+"?at=2024-01-01", &gb)); l.roles() != "" || l.Features == nil {
			t.Errorf("before the first snapshot: features %q, want [] ", l.roles())
		}
	})

	t.Run("today by default", func(t *testing.T) {
		before := time.Now().UTC().Format("2006-01-02")
		l := decodeGeoJSON[territoryLayer](t, e.get(path, &gb))
		after := time.Now().UTC().Format("2006-01-02")
		if l.At != before && l.At != after {
			t.Fatalf("at %q, want today (%s)", l.At, before)
		}
		want := "" // the latest shipped snapshot by today
		for _, d := range shipped {
			if d <= l.At {
				want = d
			}
		}
		if want == "" && l.roles() != "" || want != "" && l.roles() != "current "+want {
			t.Errorf("features %q, want the map of %q", l.roles(), want)
		}
	})

	t.Run("with a ceasefire", func(t *testing.T) {
		e.mustSubmit(testFW, e.sign("SEC", e.withCeasefire("2025-09-01")))
		for _, to := range []string{"2025-09-15", "2026-01-01"} {
			l := decodeGeoJSON[territoryLayer](t, e.get(path+"?at="+to, &gb))
			if l.Baseline != "2025-09-01" || l.roles() != "baseline 2025-09-01, current "+to {
				t.Fatalf("baseline %q features %q; want the maps of 2025-09-01 and %s", l.Baseline, l.roles(), to)
			}
			b, cur := l.Features[0].Properties, l.Features[1].Properties
			if want := area("2025-09-01"); math.Abs(b.AreaKm2-want) > 0.0005*want {
				t.Errorf("baseline area_km2 %.1f, areas_computed.csv %.3f", b.AreaKm2, want)
			}
			row := csvRow(t, changesCSV, map[string]string{"kind": "vs-baseline-2025-09-01", "from": "2025-09-01", "to": to})
			if cur.GainedKm2 == nil || cur.LostKm2 == nil ||
				math.Abs(*cur.GainedKm2-parseNum(t, row["gained_km2"])) > 0.5 || math.Abs(*cur.LostKm2-parseNum(t, row["lost_km2"])) > 0.5 {
				t.Errorf("%s: gained %v lost %v; changes_computed.csv has %s, %s", to, cur.GainedKm2, cur.LostKm2, row["gained_km2"], row["lost_km2"])
			}
		}
		// Before the ceasefire's snapshots begin: the baseline alone.
		if l := decodeGeoJSON[territoryLayer](t, e.get(path+"?at=2024-07-07", &gb)); l.roles() != "baseline 2025-09-01" {
			t.Errorf("features %q, want the baseline alone", l.roles())
		}
	})
}

// incidentDoc writes an Incidents document; each line is one incident's
// flow mapping.
func incidentDoc(lines ...string) string {
	var b strings.Builder
	b.WriteString("backstop: v1\nkind: Incidents\nincidents:\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "  - {%s}\n", l)
	}
	return b.String()
}

// monitoringReport is the part of /monitoring the map must agree with.
type monitoringReport struct {
	Incidents int `json:"incidents"`
	Triggers  []struct {
		Trigger  string `json:"trigger"`
		Title    string `json:"title"`
		Severity string `json:"severity"`
		Firings  int    `json:"firings"`
	} `json:"triggers"`
	Episodes []struct {
		Trigger string `json:"trigger"`
		Firings int    `json:"firings"`
		Cause   struct {
			Kind     string `json:"kind"`
			Incident string `json:"incident"`
		} `json:"cause"`
		Incidents []string `json:"incidents"`
	} `json:"episodes"`
}

// incidentLayer is what the incident map answers.
type incidentLayer struct {
	Triggers []struct {
		ID       string `json:"id"`
		Title    string `json:"title"`
		Severity string `json:"severity"`
		Firings  int    `json:"firings"`
	} `json:"triggers"`
	Levels             []string          `json:"levels"`
	Incidents          int               `json:"incidents"`
	WithoutCoordinates int               `json:"without_coordinates"`
	Features           []incidentFeature `json:"features"`
}

type incidentFeature struct {
	Properties struct {
		ID       string    `json:"id"`
		Time     time.Time `json:"time"`
		Place    string    `json:"place"`
		Triggers []string  `json:"triggers"`
		Breach   bool      `json:"breach"`
	} `json:"properties"`
	Geometry struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	} `json:"geometry"`
}

// feature is the index of incident id's feature.
func (l incidentLayer) feature(id string) (int, bool) {
	i := slices.IndexFunc(l.Features, func(f incidentFeature) bool { return f.Properties.ID == id })
	return i, i >= 0
}

// mapAndMonitoring reads the incident layer and the monitoring with the
// same query.
func mapAndMonitoring(t *testing.T, e *testEnv, query string) (incidentLayer, monitoringReport, response) {
	t.Helper()
	gb := e.keys["GB"]
	r := e.get("/v1/frameworks/"+testFW+"/map/incidents"+query, &gb)
	l := decodeGeoJSON[incidentLayer](t, r)
	var m monitoringReport
	if err := json.Unmarshal(decodeJSON[json.RawMessage](t, e.get("/v1/frameworks/"+testFW+"/monitoring"+query, &gb)), &m); err != nil {
		t.Fatal(err)
	}
	return l, m, r
}

// checkAgreement checks that the map says of each incident what the
// monitoring's episodes say: it fired the trigger when an episode lists
// it, and started a breach when it is an episode's cause. (Every episode
// here has fewer incidents than the report's five samples, so the
// episodes list every firing.)
func checkAgreement(t *testing.T, l incidentLayer, m monitoringReport, withoutCoordinates []string) {
	t.Helper()
	if l.Incidents != m.Incidents {
		t.Errorf("the map counts %d incidents, the monitoring %d", l.Incidents, m.Incidents)
	}
	if l.WithoutCoordinates != len(withoutCoordinates) || len(l.Features) != l.Incidents-l.WithoutCoordinates {
		t.Errorf("%d features, %d without coordinates, of %d; want %d without", len(l.Features), l.WithoutCoordinates, l.Incidents, len(withoutCoordinates))
	}
	if len(l.Triggers) != len(m.Triggers) {
		t.Fatalf("legend %+v, monitoring triggers %+v", l.Triggers, m.Triggers)
	}
	for i, tr := range m.Triggers {
		if g := l.Triggers[i]; g.ID != tr.Trigger || g.Title != tr.Title || g.Severity != tr.Severity || g.Firings != tr.Firings {
			t.Errorf("legend %+v, monitoring %+v", g, tr)
		}
	}
	fired := map[string][]string{} // incident → triggers
	causes := map[string]bool{}
	firings := 0
	for _, ep := range m.Episodes {
		if ep.Firings != len(ep.Incidents) {
			t.Fatalf("episode of %d firings lists %d incidents: the test needs them all", ep.Firings, len(ep.Incidents))
		}
		firings += ep.Firings
		for _, id := range ep.Incidents {
			fired[id] = append(fired[id], ep.Trigger)
		}
		if ep.Cause.Kind == "incident" {
			causes[ep.Cause.Incident] = true
		}
	}
	drawn := 0
	for i, f := range l.Features {
		p := f.Properties
		if i > 0 && p.Time.Before(l.Features[i-1].Properties.Time) {
			t.Errorf("%s is drawn after %s, which is later", p.ID, l.Features[i-1].Properties.ID)
		}
		if slices.Contains(withoutCoordinates, p.ID) || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
			t.Errorf("%s drawn as %+v", p.ID, f.Geometry)
		}
		want := fired[p.ID]
		if want == nil {
			want = []string{}
		}
		if p.Triggers == nil || !slices.Equal(p.Triggers, want) || p.Breach != causes[p.ID] {
			t.Errorf("%s: triggers %q breach %t; the episodes say %q, cause %t", p.ID, p.Triggers, p.Breach, want, causes[p.ID])
		}
		drawn += len(p.Triggers)
	}
	undrawn := 0
	for _, id := range withoutCoordinates {
		undrawn += len(fired[id])
	}
	if drawn+undrawn != firings {
		t.Errorf("%d firings drawn and %d of incidents without coordinates, the episodes count %d", drawn, undrawn, firings)
	}
}

// TestMapIncidents submits incidents with and without coordinates, some
// firing the framework's trigger, and checks the map against the
// monitoring, at two quiet periods, and after a later report.
func TestMapIncidents(t *testing.T) {
	e := newTestServer(t)
	e.mustSubmit(testFW, e.sign("MON", incidentDoc(
		// Not in time order: the map sorts them.
		`id: s2, time: 2025-09-14T09:00:00Z, type: missile_strike, country: UA, admin1: Kharkiv, location: Kharkiv, lat: 49.99, lon: 36.23, source: monitor`,
		`id: s1, time: 2025-09-14T03:10:00Z, type: missile_strike, country: UA, admin1: Kyiv, lat: 50.45, lon: 30.52, source: monitor`,
		`id: d1, time: 2025-09-15T00:00:00Z, type: drone_strike, country: UA, admin1: Sumy, lat: 50.9, lon: 34.8, source: monitor`,
		`id: r1, time: 2025-09-16T00:00:00Z, type: missile_strike, country: RU, admin1: Belgorod, lat: 50.6, lon: 36.6, source: monitor`,
		// Six days later (a new episode under the default 72 h), without coordinates.
		`id: s3, time: 2025-09-20T12:00:00Z, type: missile_strike, country: UA, admin1: Odesa, source: monitor`,
		`id: s4, time: 2025-09-22T08:00:00Z, type: missile_strike, country: UA, admin1: Dnipropetrovsk, lat: 48.46, lon: 35.04, source: monitor`,
	)))
	without := []string{"s3"}

	l, m, first := mapAndMonitoring(t, e, "")
	checkAgreement(t, l, m, without)
	// What the framework's trigger means, independently of the monitor:
	// s1 opens the first breach, s2 continues it (6 h later, within its
	// 24 h consultation); s4 comes 44 h after s3, within the 72 h quiet
	// period but after s3's consultation fell due, so it opens a breach of
	// its own; d1 (a drone) and r1 (in Russia) fire nothing.
	want := map[string]struct {
		fired, breach bool
	}{"s1": {true, true}, "s2": {true, false}, "s4": {true, true}, "d1": {false, false}, "r1": {false, false}}
	if len(l.Features) != len(want) || l.Incidents != 6 || l.WithoutCoordinates != 1 {
		t.Fatalf("%d features, %d incidents, %d without coordinates; want 5, 6, 1", len(l.Features), l.Incidents, l.WithoutCoordinates)
	}
	for id, w := range want {
		i, ok := l.feature(id)
		if !ok {
			t.Errorf("%s is not drawn", id)
			continue
		}
		p := l.Features[i].Properties
		if (len(p.Triggers) > 0) != w.fired || p.Breach != w.breach {
			t.Errorf("%s: triggers %q breach %t; want fired %t, breach %t", id, p.Triggers, p.Breach, w.fired, w.breach)
		}
	}
	if i, ok := l.feature("s2"); ok && (l.Features[i].Properties.Place != "Kharkiv" || !slices.Equal(l.Features[i].Geometry.Coordinates, []float64{36.23, 49.99})) {
		t.Errorf("s2: place %q at %v, want Kharkiv at [36.23, 49.99] (lon, lat)", l.Features[i].Properties.Place, l.Features[i].Geometry.Coordinates)
	}

	// A one-hour quiet period splits the breaches: s2 and s4 start their own.
	l1, m1, _ := mapAndMonitoring(t, e, "?quiet=1h")
	checkAgreement(t, l1, m1, without)
	for _, id := range []string{"s1", "s2", "s4"} {
		if i, ok := l1.feature(id); !ok || !l1.Features[i].Properties.Breach {
			t.Errorf("quiet=1h: %s does not start a breach", id)
		}
	}

	// A later report changes the answer: the cached layer is not served.
	e.mustSubmit(testFW, e.sign("MON", incidentDoc(
		`id: s5, time: 2025-10-10T10:00:00Z, type: missile_strike, country: UA, admin1: Lviv, lat: 49.84, lon: 24.03, source: monitor`,
		`id: s6, time: 2025-10-11T10:00:00Z, type: shelling, country: UA, admin1: Kherson, source: monitor`,
	)))
	without = append(without, "s6")
	l2, m2, second := mapAndMonitoring(t, e, "")
	checkAgreement(t, l2, m2, without)
	if l2.Incidents != 8 || l2.WithoutCoordinates != 2 || len(l2.Features) != 6 {
		t.Errorf("after the second report: %d incidents, %d without coordinates, %d features; want 8, 2, 6", l2.Incidents, l2.WithoutCoordinates, len(l2.Features))
	}
	if i, ok := l2.feature("s5"); !ok || i != len(l2.Features)-1 || !l2.Features[i].Properties.Breach {
		t.Errorf("s5 (the latest, three weeks after s4) is not drawn last as a breach")
	}
	if first.header.Get("ETag") == second.header.Get("ETag") {
		t.Error("the layer's ETag did not change with the record")
	}
	gb := e.keys["GB"]
	h := http.Header{"If-None-Match": {first.header.Get("ETag")}}
	h.Set("Authorization", signRequest(t, gb, http.MethodGet, "/v1/frameworks/"+testFW+"/map/incidents", time.Now()))
	if r := e.do(http.MethodGet, "/v1/frameworks/"+testFW+"/map/incidents", nil, h); r.status != http.StatusOK {
		t.Errorf("If-None-Match the old ETag: %d, want 200", r.status)
	}
}

// The incident layer reads ?quiet as the monitoring does, and is as
// private as the framework.
func TestMapIncidentsParameters(t *testing.T) {
	e := newTestServer(t)
	e.mustSubmit(testFW, e.sign("MON", incidents("i-1")))
	gb := e.keys["GB"]
	for _, quiet := range []string{"0h", "soon", "-1h", "72", "1h30", "%20"} {
		t.Run(quiet, func(t *testing.T) {
			mon := e.get("/v1/frameworks/"+testFW+"/monitoring?quiet="+quiet, &gb)
			lay := e.get("/v1/frameworks/"+testFW+"/map/incidents?quiet="+quiet, &gb)
			pm := checkProblem(t, mon, http.StatusBadRequest, "bad-parameter")
			pl := checkProblem(t, lay, http.StatusBadRequest, "bad-parameter")
			if pm.Detail != pl.Detail {
				t.Errorf("the map says %q, the monitoring %q", pl.Detail, pm.Detail)
			}
		})
	}
	for _, quiet := range []string{"", "?quiet=24h", "?quiet=7d"} {
		mon := e.get("/v1/frameworks/"+testFW+"/monitoring"+quiet, &gb)
		lay := e.get("/v1/frameworks/"+testFW+"/map/incidents"+quiet, &gb)
		if mon.status != http.StatusOK || lay.status != http.StatusOK {
			t.Errorf("%q: monitoring %d, map %d; want 200", quiet, mon.status, lay.status)
		}
	}
	checkProblem(t, e.get("/v1/frameworks/"+testFW+"/map/incidents", nil), http.StatusUnauthorized, "sign-in")
	checkProblem(t, e.get("/v1/frameworks/nope/map/incidents", &gb), http.StatusNotFound, "no-framework")
	// No incidents yet: an empty layer, not an error.
	o := newTestServerWith(t, envConfig{anonymous: true})
	l := decodeGeoJSON[incidentLayer](t, o.get("/v1/frameworks/"+testFW+"/map/incidents", nil))
	if l.Incidents != 0 || l.Features == nil || len(l.Features) != 0 || len(l.Triggers) != 1 || l.Triggers[0].ID != "missile-strike" {
		t.Errorf("empty record: %+v", l)
	}
}

// scenario writes a Scenario of the test framework.
func scenario(id string, runs int) string {
	return fmt.Sprintf(`backstop: v1
kind: Scenario
id: %s
framework: %s
attacker: {battalions: 40}
defender: {battalions: 25}
objective_km: 100
start: 2025-10-01
runs: %d
note: a test
`, id, testFW, runs)
}

type simulationResult struct {
	FormatVersion int    `json:"format_version"`
	Scenario      string `json:"scenario"`
	Framework     string `json:"framework"`
	Runs          int    `json:"runs"`
}

// TestScenarios lists and simulates the scenarios the secretariat and the
// monitor submit, the server capping the runs.
func TestScenarios(t *testing.T) {
	e := newTestServer(t)
	gb := e.keys["GB"]
	base := "/v1/frameworks/" + testFW
	list := func() []api.Scenario {
		t.Helper()
		r := e.get(base+"/scenarios", &gb)
		if r.status == http.StatusOK && !bytes.Contains(r.body, []byte(`"items": [`)) {
			t.Errorf("items is not a list: %s", r.body)
		}
		return decodeJSON[api.Page[api.Scenario]](t, r).Items
	}
	simulate := func(query string) simulationResult {
		t.Helper()
		return decodeJSON[simulationResult](t, e.get(base+"/simulation"+query, &gb))
	}

	if l := list(); len(l) != 0 {
		t.Fatalf("scenarios before any: %+v", l)
	}
	checkProblem(t, e.get(base+"/simulation", &gb), http.StatusNotFound, "no-scenario")
	checkProblem(t, e.get(base+"/simulation?scenario=offensive", &gb), http.StatusNotFound, "no-scenario")
	checkProblem(t, e.get(base+"/scenarios", nil), http.StatusUnauthorized, "sign-in")
	checkProblem(t, e.get(base+"/simulation", nil), http.StatusUnauthorized, "sign-in")

	// A guarantor may not submit one.
	checkProblem(t, e.submit(testFW, e.sign("GB", scenario("offensive", 2000))), http.StatusForbidden, "not-allowed")

	acc := e.mustSubmit(testFW, e.sign("SEC", scenario("offensive", 2000)))
	l := list()
	if len(l) != 1 || l[0].ID != "offensive" || l[0].Entry != acc.Entry.Index || l[0].Note != "a test" || l[0].Runs != 2000 || l[0].ServerRuns != 2000 {
		t.Fatalf("scenarios %+v; want offensive at entry %d, 2000 runs", l, acc.Entry.Index)
	}
	for _, query := range []string{"", "?scenario=offensive"} {
		s := simulate(query)
		if s.FormatVersion != sim.FormatVersion || s.Scenario != "offensive" || s.Framework != testFW || s.Runs != 2000 {
			t.Errorf("simulation%s: %+v; want format 1, offensive, %s, 2000 runs", query, s, testFW)
		}
	}
	checkProblem(t, e.get(base+"/simulation?scenario=x", &gb), http.StatusNotFound, "no-scenario")

	// The monitor submits a second one asking for more runs than the
	// server makes: listed with both counts, simulated with the cap, and
	// the default simulation is now the latest.
	acc2 := e.mustSubmit(testFW, e.sign("MON", scenario("long", 2*MaxSimulationRuns)))
	l = list()
	if len(l) != 2 || l[0].ID != "offensive" || l[1].ID != "long" || l[1].Entry != acc2.Entry.Index ||
		l[1].Runs != 2*MaxSimulationRuns || l[1].ServerRuns != MaxSimulationRuns {
		t.Fatalf("scenarios %+v", l)
	}
	if s := simulate(""); s.Scenario != "long" || s.Runs != MaxSimulationRuns {
		t.Errorf("simulation: %+v; want long with %d runs", s, MaxSimulationRuns)
	}
	if s := simulate("?scenario=offensive"); s.Scenario != "offensive" || s.Runs != 2000 {
		t.Errorf("simulation of offensive after another scenario: %+v", s)
	}
}

// gzipClient asks as a browser would, but leaves the body as sent.
func gzipClient(t *testing.T) *http.Client {
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func getRaw(t *testing.T, c *http.Client, url string, h http.Header) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readResponse(res)
}

// TestGzip compresses large bodies for clients that accept gzip, as
// another representation with its own ETag.
func TestGzip(t *testing.T) {
	e := newTestServer(t)
	c := gzipClient(t)
	const large = "/v1/openapi.json"
	identity := getRaw(t, c, e.ts.URL+large, http.Header{})
	if identity.status != http.StatusOK || len(identity.body) < gzipMin || identity.header.Get("Content-Encoding") != "" {
		t.Fatalf("identity: %d, %d bytes, Content-Encoding %q", identity.status, len(identity.body), identity.header.Get("Content-Encoding"))
	}
	idTag := identity.header.Get("ETag")

	tests := []struct {
		accept string
		gzip   bool
	}{
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"GZip", true},
		{"deflate, gzip ; q=0.5", true},
		{"", false},
		{"identity", false},
		{"deflate, br", false},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"br, gzip;q=0.000", false},
		// RFC 9110 §12.4.2: "q=" is case-insensitive (ABNF strings are).
		{"gzip;Q=0", false},
		{"*", true},
		{"*, gzip;q=0", false},
		{"identity, *;q=0", false},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			h := http.Header{}
			if tt.accept != "" {
				h.Set("Accept-Encoding", tt.accept)
			}
			r := getRaw(t, c, e.ts.URL+large, h)
			if r.status != http.StatusOK || !slices.Contains(r.header.Values("Vary"), "Accept-Encoding") {
				t.Fatalf("%d, Vary %q", r.status, r.header.Values("Vary"))
			}
			if !tt.gzip {
				if r.header.Get("Content-Encoding") != "" || !bytes.Equal(r.body, identity.body) || r.header.Get("ETag") != idTag {
					t.Errorf("Content-Encoding %q, ETag %s, %d bytes; want the identity body and tag %s", r.header.Get("Content-Encoding"), r.header.Get("ETag"), len(r.body), idTag)
				}
				return
			}
			tag := r.header.Get("ETag")
			if r.header.Get("Content-Encoding") != "gzip" || !strings.HasSuffix(tag, `-gzip"`) || tag == idTag {
				t.Fatalf("Content-Encoding %q, ETag %s; want gzip and a -gzip tag", r.header.Get("Content-Encoding"), tag)
			}
			zr, err := gzip.NewReader(bytes.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(plain, identity.body) || len(r.body) >= len(identity.body) {
				t.Errorf("%d bytes compressed to %d, decompressing to %d: want the identity body, smaller", len(identity.body), len(r.body), len(plain))
			}
			// The gzip tag revalidates the gzip representation, not the
			// identity one.
			h.Set("If-None-Match", tag)
			if r := getRaw(t, c, e.ts.URL+large, h); r.status != http.StatusNotModified || len(r.body) != 0 {
				t.Errorf("If-None-Match %s with gzip: %d, %d bytes; want 304", tag, r.status, len(r.body))
			}
			if r := getRaw(t, c, e.ts.URL+large, http.Header{"If-None-Match": {tag}}); r.status != http.StatusOK || r.header.Get("Content-Encoding") != "" {
				t.Errorf("If-None-Match %s without gzip: %d %q; want 200 identity", tag, r.status, r.header.Get("Content-Encoding"))
			}
		})
	}

	// Small bodies are never compressed.
	for _, path := range []string{"/v1/log/key", "/v1/health", "/v1/log/checkpoint", "/v1/frameworks/nope"} {
		r := getRaw(t, c, e.ts.URL+path, http.Header{"Accept-Encoding": {"gzip"}})
		if r.header.Get("Content-Encoding") != "" || len(r.body) >= gzipMin || strings.HasSuffix(r.header.Get("ETag"), `-gzip"`) {
			t.Errorf("%s: %d, %d bytes, Content-Encoding %q, ETag %s", path, r.status, len(r.body), r.header.Get("Content-Encoding"), r.header.Get("ETag"))
		}
	}
}

// A second Scenario or Corroboration document with an id already in the
// record must not leave the framework unreadable: it is refused, as a
// second report of an incident id is, or else the record still loads.
// The log is append-only: an accepted document that breaks the set cannot
// be taken back.
// TestReusedDocumentID submits a second Scenario, and a second
// Corroboration, under an id already stored: it is refused (id-exists),
// and every view of the framework still answers.
func TestReusedDocumentID(t *testing.T) {
	corroboration := "backstop: v1\nkind: Corroboration\nid: rules\nsources:\n  - {source: monitor, anchor: true}\n"
	tests := []struct {
		name, party, first, second string
	}{
		{"scenario", "SEC", scenario("offensive", 2000), scenario("offensive", 3000)},
		{"corroboration", "MON", corroboration, strings.Replace(corroboration, "anchor: true", "anchor: true, reliability: 2", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestServer(t)
			gb := e.keys["GB"]
			e.mustSubmit(testFW, e.sign(tt.party, tt.first))
			r := e.submit(testFW, e.sign(tt.party, tt.second))
			checkProblem(t, r, http.StatusConflict, "id-exists")
			for _, path := range []string{"/assessment", "/monitoring", "/map/incidents", "/scenarios"} {
				if r := e.get("/v1/frameworks/"+testFW+path, &gb); r.status != http.StatusOK {
					t.Errorf("%s after a second %s of the same id: %v", path, tt.name, r)
				}
			}
		})
	}
}
