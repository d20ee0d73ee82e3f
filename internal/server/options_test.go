package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/cli"
	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
	"github.com/backstop-dev/backstop/internal/territory"
)

const (
	optOblasts     = "../../../shared/data/ua-oblasts/oblast.geojson"
	optDeepstate   = "../../../shared/data/deepstate"
	optSettlements = "../../../shared/data/ua-settlements/settlements.csv"
	optExample     = "../../examples/ukraine-2025"
)

// optionFigures are the figures both faces give.
type optionFigures struct {
	ID             string  `json:"id"`
	Title          string  `json:"title"`
	ProposedBy     string  `json:"proposed_by"`
	Today          string  `json:"today"`
	OccupiedKm2    float64 `json:"occupied_km2"`
	HeldKm2        float64 `json:"held_km2"`
	ToAdversaryKm2 float64 `json:"to_adversary_km2"`
	ToUkraineKm2   float64 `json:"to_ukraine_km2"`
	OutsideToAdv   float64 `json:"outside_oblasts_to_adversary_km2"`
	OutsideToUA    float64 `json:"outside_oblasts_to_ukraine_km2"`
	LineKm         float64 `json:"line_km"`
	ContactLineKm  float64 `json:"contact_line_km"`
	ByOblast       []struct {
		Code           string  `json:"code"`
		HeldKm2        float64 `json:"held_km2"`
		ToAdversaryKm2 float64 `json:"to_adversary_km2"`
		ToUkraineKm2   float64 `json:"to_ukraine_km2"`
	} `json:"by_oblast"`
	Settlements json.RawMessage `json:"settlements_to_adversary"`
	Areas       *struct {
		ToAdversary struct {
			Type        string           `json:"type"`
			Coordinates [][][][2]float64 `json:"coordinates"`
		} `json:"to_adversary"`
		ToUkraine struct {
			Type        string           `json:"type"`
			Coordinates [][][][2]float64 `json:"coordinates"`
		} `json:"to_ukraine"`
	} `json:"areas"`
	Error string `json:"error"`
}

// serveExample starts a server seeded with the bundled example and cfg's
// layers.
func serveExample(t *testing.T, cfg server.Config) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	private, _, err := signing.GenerateKey("options-test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Key, err = signing.ParsePrivate(private); err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 2 * time.Minute
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if _, err := srv.SeedPaths(ctx, []string{optExample}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

func getBody(t *testing.T, url string) (int, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// TestOptionsWithoutLayers: a server without --oblasts and --territory
// says what it needs.
func TestOptionsWithoutLayers(t *testing.T) {
	url := serveExample(t, server.Config{})
	status, body := getBody(t, url+"/v1/frameworks/ukraine-2025/options")
	if status != http.StatusNotFound || !bytes.Contains(body, []byte("no-layer")) || !bytes.Contains(body, []byte("--oblasts FILE and --territory DIR")) {
		t.Fatalf("%d %s; want 404 no-layer naming --oblasts and --territory", status, body)
	}
	if status, _ := getBody(t, url+"/v1/frameworks/nothing/options"); status != http.StatusNotFound {
		t.Errorf("an unknown framework: %d, want 404", status)
	}
}

// TestOptionsMatchCLI measures the bundled example's three options on the
// server and with `backstop territory options --format json` on the same
// data: the same figures (areas to 0.01 km²), the settlements null on the
// server, and areas each way to draw that cover the change.
func TestOptionsMatchCLI(t *testing.T) {
	datatest.Need(t, optOblasts, optDeepstate, optSettlements)
	table, err := oblast.Load(optOblasts)
	if err != nil {
		t.Fatal(err)
	}
	snaps, ds := territory.LoadDir(optDeepstate)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	url := serveExample(t, server.Config{Oblasts: table, Territory: snaps})

	var out, errOut bytes.Buffer
	if code := cli.Main([]string{"territory", "options", "--territory", optDeepstate, "--oblasts", optOblasts,
		"--settlements", optSettlements, "--format", "json", optExample}, nil, &out, &errOut); code != 0 {
		t.Fatalf("backstop territory options: exit %d: %s", code, errOut.String())
	}
	var want struct {
		Maps    []string        `json:"maps"`
		Options []optionFigures `json:"options"`
	}
	if err := json.Unmarshal(out.Bytes(), &want); err != nil {
		t.Fatal(err)
	}

	status, body := getBody(t, url+"/v1/frameworks/ukraine-2025/options")
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	var got struct {
		Geometry    string          `json:"geometry"`
		Settlements json.RawMessage `json:"settlements"`
		Total       int             `json:"total"`
		Evaluated   int             `json:"evaluated"`
		Max         int             `json:"max_evaluated"`
		Maps        []string        `json:"maps"`
		Options     []optionFigures `json:"options"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Geometry != "MultiPolygon" || string(got.Settlements) != "null" || got.Total != 3 || got.Evaluated != 3 || got.Max != server.MaxOptions {
		t.Errorf("geometry %q settlements %s total %d evaluated %d max %d", got.Geometry, got.Settlements, got.Total, got.Evaluated, got.Max)
	}
	if len(want.Options) != 3 || len(got.Options) != 3 {
		t.Fatalf("%d options from the CLI, %d from the server; want 3 each", len(want.Options), len(got.Options))
	}
	if len(got.Maps) != len(want.Maps) {
		t.Errorf("maps %v, the CLI's %v", got.Maps, want.Maps)
	}
	near := func(what string, a, b, tol float64) {
		t.Helper()
		if math.Abs(a-b) > tol {
			t.Errorf("%s: server %.3f, CLI %.3f", what, a, b)
		}
	}
	for i, w := range want.Options {
		g := got.Options[i]
		if g.Error != "" || g.ID != w.ID || g.Title != w.Title || g.ProposedBy != w.ProposedBy || g.Today != w.Today {
			t.Fatalf("option %d: %s %q by %s of %s (error %q); the CLI's %s %q by %s of %s", i, g.ID, g.Title, g.ProposedBy, g.Today, g.Error, w.ID, w.Title, w.ProposedBy, w.Today)
		}
		near(w.ID+" occupied", g.OccupiedKm2, w.OccupiedKm2, 0.01)
		near(w.ID+" held", g.HeldKm2, w.HeldKm2, 0.01)
		near(w.ID+" to the adversary", g.ToAdversaryKm2, w.ToAdversaryKm2, 0.01)
		near(w.ID+" to Ukraine", g.ToUkraineKm2, w.ToUkraineKm2, 0.01)
		near(w.ID+" outside, to the adversary", g.OutsideToAdv, w.OutsideToAdv, 0.01)
		near(w.ID+" outside, to Ukraine", g.OutsideToUA, w.OutsideToUA, 0.01)
		near(w.ID+" line", g.LineKm, w.LineKm, 0.05)
		near(w.ID+" contact line", g.ContactLineKm, w.ContactLineKm, 0.05)
		if len(g.ByOblast) != len(w.ByOblast) {
			t.Fatalf("%s: %d oblasts, the CLI's %d", w.ID, len(g.ByOblast), len(w.ByOblast))
		}
		for j, wo := range w.ByOblast {
			o := g.ByOblast[j]
			if o.Code != wo.Code {
				t.Fatalf("%s: oblast %d is %s, the CLI's %s", w.ID, j, o.Code, wo.Code)
			}
			near(w.ID+" "+o.Code+" to the adversary", o.ToAdversaryKm2, wo.ToAdversaryKm2, 0.01)
			near(w.ID+" "+o.Code+" to Ukraine", o.ToUkraineKm2, wo.ToUkraineKm2, 0.01)
			near(w.ID+" "+o.Code+" held", o.HeldKm2, wo.HeldKm2, 0.01)
		}
		if string(g.Settlements) != "null" || string(w.Settlements) == "null" {
			t.Errorf("%s: settlements %s on the server (want null), %.40s from the CLI", w.ID, g.Settlements, w.Settlements)
		}
		// The areas to draw: one rectangle per interval of a row, within
		// Ukraine, and about as large as the figures (2 km rows).
		if g.Areas == nil || g.Areas.ToAdversary.Type != "MultiPolygon" || g.Areas.ToUkraine.Type != "MultiPolygon" {
			t.Fatalf("%s: areas %+v", w.ID, g.Areas)
		}
		for _, c := range []struct {
			name  string
			polys [][][][2]float64
			km2   float64
		}{{"to the adversary", g.Areas.ToAdversary.Coordinates, g.ToAdversaryKm2}, {"to Ukraine", g.Areas.ToUkraine.Coordinates, g.ToUkraineKm2}} {
			area := 0.0
			for _, p := range c.polys {
				r := p[0]
				if len(p) != 1 || len(r) != 5 || r[0] != r[4] {
					t.Fatalf("%s %s: a polygon %v is not one closed rectangle", w.ID, c.name, p)
				}
				for _, xy := range r {
					if xy[0] < 21 || xy[0] > 41 || xy[1] < 44 || xy[1] > 53 {
						t.Fatalf("%s %s: %v is not in Ukraine", w.ID, c.name, xy)
					}
				}
				lat := (r[0][1] + r[2][1]) / 2
				area += (r[1][0] - r[0][0]) * 111.32 * math.Cos(lat*math.Pi/180) * (r[2][1] - r[0][1]) * 110.6
			}
			if c.km2 > 500 && math.Abs(area-c.km2) > 0.1*c.km2 {
				t.Errorf("%s %s: the rectangles cover about %.0f km², the figure is %.0f", w.ID, c.name, area, c.km2)
			}
			if c.km2 > 100 && len(c.polys) == 0 {
				t.Errorf("%s %s: %.0f km² but nothing to draw", w.ID, c.name, c.km2)
			}
		}
	}
}
