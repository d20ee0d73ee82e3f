package oblast

import (
	"encoding/csv"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/geo"
)

const oblastFile = "../../../shared/data/ua-oblasts/oblast.geojson"

// The embedded crosswalk is the shared file, unchanged.
func TestCrosswalkIsTheSharedFile(t *testing.T) {
	shared, err := os.ReadFile("../../../shared/data/ua-oblasts/oblast_crosswalk.csv")
	if err != nil {
		t.Skipf("the shared data sets are absent: %v", err)
	}
	if string(shared) != crosswalkCSV {
		t.Error("crosswalk.csv differs from ../shared/data/ua-oblasts/oblast_crosswalk.csv")
	}
}

func TestCodes(t *testing.T) {
	var codes []string
	for _, u := range New().Units() {
		codes = append(codes, u.Code)
	}
	want := []string{"UA-05", "UA-07", "UA-09", "UA-12", "UA-14", "UA-18", "UA-21", "UA-23", "UA-26",
		"UA-30", "UA-32", "UA-35", "UA-40", "UA-43", "UA-46", "UA-48", "UA-51", "UA-53", "UA-56",
		"UA-59", "UA-61", "UA-63", "UA-65", "UA-68", "UA-71", "UA-74", "UA-77"}
	if !slices.Equal(codes, want) {
		t.Errorf("codes %v\nwant  %v", codes, want)
	}
	if u, ok := New().Unit("UA-14"); !ok || u.Name != "Donetsk Oblast" || u.Admin1 != "Донецька область" || u.AreaKm2 != 26507.8 {
		t.Errorf("Unit(UA-14) = %+v, %v", u, ok)
	}
	if _, ok := New().Unit("UA-99"); ok {
		t.Error("Unit(UA-99) found")
	}
}

// TestEverySpelling maps every spelling of the crosswalk — official names,
// codes and every observed spelling, minority ones included — to its row's
// code, except the spellings below: minority observations that are
// another unit's main spelling (coding disagreements near borders), and
// ACLED's "Crimea", observed only in Sevastopol but naming the peninsula.
func TestEverySpelling(t *testing.T) {
	exceptions := map[string]string{
		"UA-09 Donetsk oblast": "UA-14",
		"UA-14 Luhansk oblast": "UA-09",
		"UA-63 Luhansk oblast": "UA-09",
		"UA-40 Crimea":         "UA-43",
	}
	rows, err := csv.NewReader(strings.NewReader(crosswalkCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	table := New()
	used := map[string]bool{}
	n := 0
	for _, row := range rows[1:] {
		code := row[1]
		var spellings []string
		for _, col := range append([]string{row[0], row[1], row[2]}, row[4:]...) {
			spellings = append(spellings, strings.Split(col, "|")...)
		}
		for _, s := range spellings {
			if s == "" {
				continue
			}
			n++
			want := code
			if w, ok := exceptions[code+" "+s]; ok {
				want = w
				used[code+" "+s] = true
			}
			if got, ok := table.ByName(s); !ok || got != want {
				t.Errorf("ByName(%q) = %q, %v; want %s", s, got, ok, want)
			}
		}
	}
	for e := range exceptions {
		if !used[e] {
			t.Errorf("exception %q no longer in the crosswalk", e)
		}
	}
	if n < 100 {
		t.Errorf("only %d spellings checked", n)
	}
}

func TestByName(t *testing.T) {
	table := New()
	for _, tc := range []struct{ name, want string }{
		{"Kyiv City", "UA-30"}, {"kyiv city", "UA-30"}, {"KYIV-CITY", "UA-30"}, {"Kiev City", "UA-30"},
		{"Київ", "UA-30"}, {"м. Київ", "UA-30"}, {"Місто Київ", "UA-30"},
		{"Kyiv", "UA-32"}, {"Kiev", "UA-32"}, {"Kyiv Oblast", "UA-32"}, {"Kyivska oblast", "UA-32"}, {"Київська", "UA-32"},
		{"Kharkov", "UA-63"}, {"Kharkiv region", "UA-63"}, {"Kharkivska obl.", "UA-63"},
		{"Odessa", "UA-51"}, {"Odesa", "UA-51"}, {"Odessa oblast", "UA-51"},
		{"Crimea", "UA-43"}, {"Autonomous Republic of Crimea", "UA-43"}, {"Крим", "UA-43"},
		{"Sevastopol", "UA-40"}, {"Sevastopol City", "UA-40"}, {"Севастополь", "UA-40"},
		{"Zaporizhia", "UA-23"}, {"Zaporizhzhia", "UA-23"}, {"Zaporizhzhya oblast", "UA-23"}, {"Zaporozhye", "UA-23"},
		{"Mykolaiv", "UA-48"}, {"Nikolaev", "UA-48"}, {"Mykolayiv oblast", "UA-48"},
		{"Dnipropetrovsk", "UA-12"}, {"Dnipro", "UA-12"}, {"Dnipropetrovska oblast", "UA-12"},
		{"Ivano Frankivsk", "UA-26"}, {"ivano-frankivsk oblast", "UA-26"},
		{"UA-14", "UA-14"}, {"ua14", "UA-14"}, {"Донецька область", "UA-14"}, {" Donetsk ", "UA-14"},
		{"Lugansk", "UA-09"}, {"Luhansk oblast", "UA-09"}, {"Donetsk oblast", "UA-14"},
	} {
		if got, ok := table.ByName(tc.name); !ok || got != tc.want {
			t.Errorf("ByName(%q) = %q, %v; want %s", tc.name, got, ok, tc.want)
		}
	}
	for _, name := range []string{"", "Moscow", "Oblast", "UA-99", "Belgorod", "region", "-"} {
		if got, ok := table.ByName(name); ok {
			t.Errorf("ByName(%q) = %q, want not found", name, got)
		}
	}
}

func TestAliasesNameKnownCodes(t *testing.T) {
	table := New()
	for _, a := range aliases {
		if got, ok := table.ByName(a.name); !ok || got != a.code {
			t.Errorf("alias %q → %s, but ByName gives %q, %v", a.name, a.code, got, ok)
		}
	}
}

func TestBadCrosswalk(t *testing.T) {
	header := "ADMIN_1,iso3166_2,name_en,area_km2_computed,acled_admin1_observed,ucdp_adm_1_observed,air_raid_alerts_oblast\n"
	for _, tc := range []struct{ name, src, want string }{
		{"header", "a,b\n", "the header is not"},
		{"code", header + "X,UA-1,Y,1,,,\n", `bad or repeated code "UA-1"`},
		{"area", header + "X,UA-14,Y,n/a,,,\n", "UA-14: area"},
		{"count", header + "X,UA-14,Y,1,,,\n", "1 units, want 27"},
		{"quote", header + "X,\"UA-14,Y,1,,,\n", "extraneous or missing"},
	} {
		if _, err := parseCrosswalk(tc.src); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	// Two units with the same official name are an error.
	dup := strings.Replace(crosswalkCSV, "Sumy Oblast", "Poltava Oblast", 1)
	if _, err := parseCrosswalk(dup); err == nil || !strings.Contains(err.Error(), `"Poltava Oblast" (UA-53, UA-59)`) {
		t.Errorf("duplicate name: error %v", err)
	}
}

func TestNamesOnly(t *testing.T) {
	table := New()
	if table.HasPolygons() || table.Polygons() != nil || table.Index() != nil {
		t.Error("a names-only table has polygons")
	}
	if code, ok := table.ByPoint(50.45, 30.52); ok {
		t.Errorf("a names-only table located a point in %s", code)
	}
}

func loadTable(t *testing.T) *Table {
	t.Helper()
	if _, err := os.Stat(oblastFile); err != nil {
		t.Skipf("%s is absent: the real-data tests need the shared data sets next to the repository", oblastFile)
	}
	table, err := Load(oblastFile)
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func TestByPoint(t *testing.T) {
	table := loadTable(t)
	for _, tc := range []struct {
		place    string
		lat, lon float64
		want     string // "" = not found
	}{
		{"Kyiv, Maidan Nezalezhnosti", 50.45, 30.52, "UA-30"},
		{"Kharkiv", 49.99, 36.23, "UA-63"},
		{"Simferopol (Crimea)", 44.95, 34.10, "UA-43"},
		{"Sevastopol", 44.6, 33.52, "UA-40"},
		{"Donetsk", 48.0, 37.8, "UA-14"},
		{"Lviv", 49.84, 24.03, "UA-46"},
		{"Odesa", 46.48, 30.72, "UA-51"},
		{"Bila Tserkva (Kyiv Oblast)", 49.8, 30.11, "UA-32"},
		{"Kyiv's Troieshchyna (in Kyiv Oblast's hole)", 50.51, 30.6, "UA-30"},
		{"Chișinău (Moldova)", 47.01, 28.86, ""},
		{"Belgorod (Russia)", 50.6, 36.6, ""},
		{"Minsk (Belarus)", 53.9, 27.56, ""},
		{"the Black Sea", 43.5, 32.0, ""},
	} {
		got, ok := table.ByPoint(tc.lat, tc.lon)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("%s (%v, %v): ByPoint = %q, %v; want %q", tc.place, tc.lat, tc.lon, got, ok, tc.want)
		}
		if tc.want == "UA-30" && got == "UA-32" {
			t.Errorf("%s: Kyiv Oblast's hole is not a hole", tc.place)
		}
	}
	// The Kyiv points lie inside Kyiv Oblast's outer ring: only its hole
	// keeps them out of UA-32.
	kyivOblast := table.Polygons()[slices.IndexFunc(table.Polygons(), func(r Region) bool { return r.Code == "UA-32" })]
	outerOnly := false
	for _, p := range kyivOblast.Shape {
		outerOnly = outerOnly || geo.Contains(geo.MultiPolygon{{p[0]}}, 30.52, 50.45)
	}
	if !outerOnly || geo.Contains(kyivOblast.Shape, 30.52, 50.45) {
		t.Errorf("Kyiv Oblast: outer ring holds the centre of Kyiv: %v, the oblast does: %v; want true, false",
			outerOnly, geo.Contains(kyivOblast.Shape, 30.52, 50.45))
	}
	regions := table.Polygons()
	if len(regions) != 27 || regions[0].Code != "UA-05" || len(regions[0].Shape) == 0 || table.Index().Len() != 27 {
		t.Errorf("Polygons: %d regions, first %s", len(regions), regions[0].Code)
	}
}

func TestLoadErrors(t *testing.T) {
	feature := func(admin string) string {
		return `{"type": "Feature", "properties": {"ADMIN_1": "` + admin + `"}, "geometry": {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 50]]]}}`
	}
	for _, tc := range []struct{ name, in, want string }{
		{"syntax", `{"type": `, "f.geojson:1:9: invalid JSON: unexpected end of JSON input"},
		{"unknown unit", `{"type": "FeatureCollection", "features": [` + "\n" + feature("Moscow") + "]}",
			`f.geojson:2:1: ADMIN_1 "Moscow" is not one of Ukraine's 27 first-level units`},
		{"no name", `{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": null}]}`,
			"f.geojson:1:44: the feature has no ADMIN_1 property naming its unit"},
		{"twice", `{"type": "FeatureCollection", "features": [` + feature("Донецька область") + ",\n" + feature("Donetsk") + "]}",
			"f.geojson:2:1: Donetsk Oblast (UA-14) appears twice; first at line 1"},
		{"missing", `{"type": "FeatureCollection", "features": [` + feature("Донецька область") + "]}",
			"f.geojson: no polygons for UA-05, UA-07, UA-09, UA-12, UA-18"},
		{"unknown and missing", `{"type": "FeatureCollection", "features": [` + feature("Moscow") + "]}",
			"f.geojson:1:44: ADMIN_1 \"Moscow\" is not one of Ukraine's 27 first-level units\nf.geojson: no polygons for UA-05"},
	} {
		_, err := Read("f.geojson", strings.NewReader(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error\n%v\nwant\n%s", tc.name, err, tc.want)
		}
		var e *Error
		if !errors.As(err, &e) || len(e.Diagnostics) == 0 || e.Diagnostics[0].Range.File != "f.geojson" {
			t.Errorf("%s: error %#v carries no diagnostics", tc.name, err)
		}
	}
	if _, err := Load("no/such/file.geojson"); err == nil || !os.IsNotExist(err) {
		t.Errorf("Load of a missing file: %v", err)
	}
}
