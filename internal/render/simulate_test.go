package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/sim"
)

// simResult is a small hand-built result with two model parameters (one
// fixed), two axes and the ground taken a day.
func simResult() *sim.Result {
	return &sim.Result{
		FormatVersion: sim.FormatVersion, Scenario: "baltic", Framework: "fw", Start: "2027-01-01", Runs: 1000, Seed: 7,
		ObjectiveKm: 120, HorizonH: 720,
		Verdict: "The objective holds 72 h in 55 % of runs; the verdict hangs on the advance rate (km/h, hasty defence): holds 72 h in 31–78 % of runs across its range.",
		Within:  []sim.Within{{Label: "24 h", Hours: 24, P: 0.1}, {Label: "72 h", Hours: 72, P: 0.45}},
		Reached: 0.6, Hours: sim.Quantiles{Median: 80, P5: 30, P95: 400},
		HoldP72: 0.55, Measure: sim.Measure{Label: "holds 72 h", Hours: 72}, MeasureP: 0.55, DecideLate: 0.2, Losses: sim.Losses{Attacker: 0.3, Defender: 0.4},
		Sensitivity: []sim.Sensitivity{{Party: "fr", Pledge: "brigade", Domain: "land", Delta: 0.12}},
		Parameters: []sim.ParameterSensitivity{
			{Name: "advance rate (km/h, hasty defence)", Source: "calibration: RAND's Baltic games (36–60 h) and the southern axis of 2022",
				Low: 3.5, High: 5.5, HoldLow: 0.78, HoldHigh: 0.31},
			{Name: "attrition (per hour at parity)", Source: "Dupuy 1990: 1–4 % a day", Low: 0.0006, High: 0.0018,
				HoldLow: 0.55, HoldHigh: 0.55, Fixed: true},
		},
		Axes: []sim.AxisResult{
			{ID: "north", Share: 0.7, ObjectiveKm: 120, Posture: "prepared", DepthKm: 64.4},
			{ID: "south", Share: 0.3, ObjectiveKm: 80, Posture: "fortified", DepthKm: 7.3},
		},
		GroundKm2PerDay: &sim.Quantiles{Median: 412, P5: 3.5, P95: 1800},
	}
}

func TestSimulateParametersAndAxes(t *testing.T) {
	r := simResult()
	var table, page bytes.Buffer
	if err := SimulateTable(&table, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := SimulateHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		table bool // expected in the table
		html  bool // expected in the page
		want  string
	}{
		{"parameters section", true, true, "Model parameters (calibrated, drawn per run)"},
		{"axes section", true, false, "── Axes ─"},
		{"axes heading", false, true, `<h2 id="axes-h">Axes</h2>`},
		{"parameter name", true, true, "advance rate (km/h, hasty defence)"},
		{"range with 3 digits", true, true, "3.5–5.5"},
		{"small range", true, true, "0.0006–0.0018"},
		{"hold at low", true, true, "78 %"},
		{"hold at high", true, true, "31 %"},
		{"swing", true, true, "-47.0 pts"},
		{"fixed", true, true, "fixed"},
		{"source", true, true, "Dupuy 1990"},
		{"axis north", true, true, "north"},
		{"axis share", true, true, "70 %"},
		{"axis objective", true, true, "80 km"},
		{"axis posture", true, true, "fortified"},
		{"median depth", true, true, "7.3 km"},
		{"ground row", true, true, "ground taken a day (median, 5–95 %)"},
		{"ground figure", true, true, "412 km² (3.5–1,800 km²)"},
		{"parameter tornado", false, true, `aria-labelledby="param-tornado-title"`},
		{"pledge tornado", false, true, `aria-labelledby="tornado-title"`},
		{"tornado tip", false, true, "advance rate (km/h, hasty defence) at 5.5: 31 %"},
		{"tornado note", false, true, "78 % → 31 %"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Contains(table.String(), tc.want); got != tc.table {
				t.Errorf("table contains %q: %v, want %v\n%s", tc.want, got, tc.table, table.String())
			}
			if tc.html && !strings.Contains(page.String(), tc.want) {
				t.Errorf("page lacks %q", tc.want)
			}
		})
	}
	for i, l := range strings.Split(table.String(), "\n") {
		if n := utf8.RuneCountInString(l); n > DefaultWidth {
			t.Errorf("table line %d is %d columns wide: %q", i+1, n, l)
		}
	}
	if strings.Contains(table.String(), "(part 1 of") {
		t.Errorf("a table is split in parts:\n%s", table.String())
	}
	for _, small := range []string{`font-size="8"`, `font-size="9"`, `font-size="10"`} {
		if strings.Contains(page.String(), small) {
			t.Errorf("the page's charts use %s", small)
		}
	}
}

func TestSimulateAxesOnlyWhenTheyTellSomething(t *testing.T) {
	for _, tc := range []struct {
		name string
		axes []sim.AxisResult
		want bool
	}{
		{"none", nil, false},
		{"one without posture", []sim.AxisResult{{ID: "main", Share: 1, ObjectiveKm: 100}}, false},
		{"one with posture", []sim.AxisResult{{ID: "main", Share: 1, ObjectiveKm: 100, Posture: "prepared"}}, true},
		{"two", []sim.AxisResult{{ID: "a", Share: 0.5}, {ID: "b", Share: 0.5}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := simResult()
			r.Axes, r.GroundKm2PerDay, r.Parameters = tc.axes, nil, nil
			var b bytes.Buffer
			if err := SimulateTable(&b, r, TableOptions{}); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if got := strings.Contains(out, "── Axes "); got != tc.want {
				t.Errorf("axes section: %v, want %v\n%s", got, tc.want, out)
			}
			if strings.Contains(out, "ground taken a day") || strings.Contains(out, "Model parameters") {
				t.Errorf("ground or parameters shown without data:\n%s", out)
			}
		})
	}
}

func TestSimulateJSONEmptyLists(t *testing.T) {
	r := &sim.Result{Scenario: "s"}
	var b bytes.Buffer
	if err := SimulateJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"within", "histogram", "in_place", "sensitivity", "needed", "parameters", "axes"} {
		if got := string(m[k]); got != "[]" {
			t.Errorf("%s = %s, want []", k, got)
		}
	}
	if _, ok := m["ground_km2_per_day"]; ok {
		t.Error("ground_km2_per_day present without a front width")
	}
	if r.Parameters != nil {
		t.Error("SimulateJSON changed its argument")
	}
}
