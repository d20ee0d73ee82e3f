package render

import (
	"bytes"
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

func TestCellQuantitiesSumSameUnit(t *testing.T) {
	item := func(q float64, unit string) assess.CellItem { return assess.CellItem{Quantity: q, Unit: unit} }
	for _, tc := range []struct {
		name  string
		items []assess.CellItem
		want  []string
	}{
		{"one item", []assess.CellItem{item(2, "vessels")}, []string{"2 vessels"}},
		{"same unit summed", []assess.CellItem{item(12, "EUR-bn/yr"), item(3, "EUR-bn/yr")}, []string{"15.0 EUR-bn/yr"}},
		{"different units apart", []assess.CellItem{item(1, "hubs"), item(0.5, "EUR-bn")}, []string{"1 hub", "0.5 EUR-bn"}},
		{"one-off and per year apart", []assess.CellItem{item(1, "EUR-bn"), item(2, "EUR-bn/yr"), item(3, "EUR-bn")},
			[]string{"4.0 EUR-bn", "2.0 EUR-bn/yr"}},
		{"sum of halves is singular", []assess.CellItem{item(0.5, "teams"), item(0.5, "teams")}, []string{"1 team"}},
		{"none", nil, []string{}},
	} {
		if got := cellQuantities(tc.items); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDropBlankColumns(t *testing.T) {
	g := grid{cols: []column{keyCol("party"), numCol("a"), numCol("b"), numCol("c"), numCol("d")}, rows: [][]cell{
		{txt("X"), txt("1"), txt(empty), txt("n/a"), {lines: []string{empty}, sub: "0 %"}},
		{txt("Y"), txt(empty), txt(empty), txt(empty), txt(empty)},
	}}
	got := dropBlankColumns(g)
	var heads []string
	for _, c := range got.cols {
		heads = append(heads, c.head)
	}
	// b is all "·", c all "·" or "n/a"; d has a share, so it stays.
	if want := []string{"party", "a", "d"}; !reflect.DeepEqual(heads, want) {
		t.Errorf("columns %q, want %q", heads, want)
	}
	for i, row := range got.rows {
		if len(row) != len(got.cols) {
			t.Errorf("row %d has %d cells for %d columns", i, len(row), len(got.cols))
		}
	}
	if got.rows[0][1].lines[0] != "1" || got.rows[0][2].sub != "0 %" {
		t.Errorf("cells moved to the wrong column: %+v", got.rows[0])
	}
	// A table without rows keeps its header; a key column always stays.
	if e := dropBlankColumns(grid{cols: g.cols}); len(e.cols) != len(g.cols) {
		t.Errorf("an empty table lost columns: %d of %d", len(e.cols), len(g.cols))
	}
	k := dropBlankColumns(grid{cols: []column{keyCol("k")}, rows: [][]cell{{txt(empty)}}})
	if len(k.cols) != 1 {
		t.Error("a blank key column was dropped")
	}
}

func TestRoundJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"share": 0.16666666666666666}`, `{"share": 0.1667}`},
		{`{"quantity": 4.7096540000000005}`, `{"quantity": 4.71}`},
		{`{"pledged": 30.703703703703702, "met": true}`, `{"pledged": 30.704, "met": true}`},
		{`{"coverage": {"air": 1.3333333333333333}}`, `{"coverage": {"air": 1.3333}}`},
		{`{"binding": [{"amounts": [{"unit": "troops", "conditional": 1800.0000001}]}]}`,
			`{"binding": [{"amounts": [{"unit": "troops", "conditional": 1800}]}]}`},
		{`{"lat": 48.123456789, "lon": [37.1234567, -0.000001]}`, `{"lat": 48.12346, "lon": [37.12346, 0]}`},
		{`{"area_km2": 1234.56789}`, `{"area_km2": 1234.568}`},
		{`{"hours": {"median": 538.0463787039001}}`, `{"hours": {"median": 538}}`},
		{`{"low": 0.000123456789, "high": 1234567.891}`, `{"low": 0.000123457, "high": 1234568}`},
		{`{"share": -0.00001}`, `{"share": 0}`},
		{`{"count": 12, "id": "1.23456789", "share": 1e-7}`, `{"count": 12, "id": "1.23456789", "share": 0}`},
		{`{"note": "a \"share\": 0.123456", "x": 0.5}`, `{"note": "a \"share\": 0.123456", "x": 0.5}`},
		{`[0.1234567891, {"share": [0.33333333]}]`, `[0.123457, {"share": [0.3333]}]`},
	} {
		if got := string(roundJSON([]byte(tc.in))); got != tc.want {
			t.Errorf("roundJSON(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestExampleJSONNumbers walks the JSON of assess on the README's example
// and fails on any number with more decimals than docs/json.md allows it.
func TestExampleJSONNumbers(t *testing.T) {
	set, ds := load.Paths([]string{filepath.Join("..", "..", "examples", "ukraine-2025")}, nil)
	if ds.HasErrors() {
		t.Fatalf("load: %v", ds)
	}
	r, err := assess.Assess(set, "", assess.Options{At: model.MustDate("2026-12-05")})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := JSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	n := checkDecimals(t, doc, "", -1)
	if n < 100 {
		t.Errorf("only %d numbers checked: is this the example's report?", n)
	}
}

// checkDecimals checks every number under v against the decimals of its
// nearest named field (allowed, -1 for none) and returns how many it saw.
func checkDecimals(t *testing.T, v any, path string, allowed int) int {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		n := 0
		for k, e := range x {
			a := allowed
			if d, ok := decimalsFor(k); ok {
				a = d
			}
			n += checkDecimals(t, e, path+"."+k, a)
		}
		return n
	case []any:
		n := 0
		for i, e := range x {
			n += checkDecimals(t, e, path+"["+strconv.Itoa(i)+"]", allowed)
		}
		return n
	case json.Number:
		s := x.String()
		_, frac, _ := strings.Cut(s, ".")
		if strings.ContainsAny(s, "eE") {
			t.Errorf("%s = %s: an exponent in a report's number", path, s)
		}
		switch f, _ := x.Float64(); {
		case allowed >= 0 && len(frac) > allowed:
			t.Errorf("%s = %s: more than %d decimals", path, s, allowed)
		case allowed < 0 && len(frac) > max(sigDecimals(f), 0):
			t.Errorf("%s = %s: more than %d significant digits", path, s, sigDigits)
		case math.IsNaN(f):
			t.Errorf("%s = %s: not a number", path, s)
		}
		return 1
	}
	return 0
}
