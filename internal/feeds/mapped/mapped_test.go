package mapped

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
)

type fakeOblasts struct{}

func (fakeOblasts) ByName(name string) (string, bool) {
	code, ok := map[string]string{"Donetsk oblast": "UA-14", "Kyiv City": "UA-30"}[name]
	return code, ok
}

func (fakeOblasts) ByPoint(lat, lon float64) (string, bool) { return "", false }

func lines(ds diag.Diagnostics) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return strings.Join(out, "\n")
}

func newReader(t testing.TB) feeds.Reader {
	t.Helper()
	r, ds := New("testdata/kyiv.yaml")
	if r == nil || len(ds) != 0 {
		t.Fatalf("New: %v", ds)
	}
	return r
}

func TestKyivFeed(t *testing.T) {
	r := newReader(t)
	if r.Format() != "my-feed" {
		t.Errorf("Format() = %q", r.Format())
	}
	src, err := feeds.Open("testdata/kyiv.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Detect(src.Head()) {
		t.Error("the fixture is not detected")
	}
	want := []string{
		`testdata/kyiv.csv:4:4: SEV: Date Time: "15/09/2025 25:00" is not a time in any of the layouts "02/01/2006 15:04", "2006-01-02"; row skipped`,
		`testdata/kyiv.csv:6:36: SEV: latitude given without longitude; row skipped`,
	}
	for _, strict := range []bool{false, true} {
		sev := diag.Warning
		if strict {
			sev = diag.Error
		}
		res, ds := r.Read(src, feeds.Options{Oblasts: fakeOblasts{}, Strict: strict})
		if w := strings.ReplaceAll(strings.Join(want, "\n"), "SEV", sev.String()); lines(ds) != w {
			t.Errorf("strict=%v: diagnostics\n%s\nwant\n%s", strict, lines(ds), w)
		}
		s := res.Summary
		if s.Format != "my-feed" || s.Read != 5 || s.Mapped != 2 || s.Unmapped != 1 || s.Skipped != 2 ||
			!maps.Equal(s.UnmappedBy, map[string]int{"Mortar": 1}) ||
			!maps.Equal(s.SkippedBy, map[string]int{"bad date": 1, "bad coordinates": 1}) {
			t.Errorf("strict=%v: summary %+v", strict, s)
		}
	}
	res, _ := r.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
	if len(res.Incidents) != 3 {
		t.Fatalf("%d incidents", len(res.Incidents))
	}
	r1, r2, r4 := res.Incidents[0], res.Incidents[1], res.Incidents[2]
	// 06:10 in Kyiv in September (UTC+3); midnight of 14 January (UTC+2).
	if !r1.Time.Equal(time.Date(2025, 9, 14, 3, 10, 0, 0, time.UTC)) || !r2.Time.Equal(time.Date(2025, 1, 13, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("times %v, %v", r1.Time, r2.Time)
	}
	if r1.ID != "r1" || r1.Type != feeds.TypeShelling || r1.Subtype != "Artillery" || r1.Actor != "3rd Brigade" ||
		r1.Admin1 != "UA-14" || r1.FieldMap()["region"] != "Donetsk oblast" || r1.Location != "Pokrovsk" ||
		r1.Fatalities != 2 || *r1.Lat != 48 || *r1.Lon != 37.8 || r1.Country != "UA" || r1.Source != "my-feed" ||
		r1.FieldMap()["Notes"] != "first" || r1.FieldCount() != 2 {
		t.Errorf("r1 %+v", r1)
	}
	if r2.Type != feeds.TypeDroneStrike || r2.Admin1 != "UA-30" || r2.FieldMap()["Notes"] != `multi; with "quote"` {
		t.Errorf("r2 %+v", r2)
	}
	if r4.Type != feeds.TypeOther || r4.Subtype != "Mortar" || r4.Admin1 != "Kharkiv" || r4.Lat != nil {
		t.Errorf("r4 %+v", r4)
	}

	// Options.Categories overrides the mapping's own table.
	res, _ = r.Read(src, feeds.Options{Categories: map[string]map[string]string{"my-feed": {"Mortar": feeds.TypeShelling, "Drone": feeds.TypeAirStrike}}})
	if res.Incidents[1].Type != feeds.TypeAirStrike || res.Incidents[2].Type != feeds.TypeShelling || res.Summary.Unmapped != 0 {
		t.Errorf("overrides: %+v", res.Incidents)
	}
}

func TestGeneratedIDs(t *testing.T) {
	r, ds := Parse("m.yaml", []byte("format: plain\ncolumns: {time: when, type: what}\n"))
	if r == nil {
		t.Fatal(ds)
	}
	src := &feeds.Source{Name: "p.csv", Data: []byte("when,what,extra\n2025-09-14T03:10:00Z,x,1\n\"2025-09-15\",\"y\ny\",2\n2025-09-16,z,3\n")}
	res, ds := r.Read(src, feeds.Options{})
	if len(ds) != 0 || len(res.Incidents) != 3 {
		t.Fatal(ds, res.Incidents)
	}
	var ids []string
	for _, inc := range res.Incidents {
		ids = append(ids, inc.ID)
	}
	if strings.Join(ids, ",") != "p.csv:2,p.csv:3,p.csv:5" || res.Incidents[0].Country != "" || res.Incidents[1].Subtype != "y\ny" {
		t.Errorf("ids %v, incidents %+v", ids, res.Incidents)
	}
}

func TestBadMapping(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{
			name: "every problem",
			src:  "", // testdata/bad.yaml
			want: []string{
				`testdata/bad.yaml:1:9: error: format "My Feed": use lower-case letters, digits, - and _ (such as my-feed)`,
				`testdata/bad.yaml:2:10: error: columns: map both lat and lon, or neither`,
				`testdata/bad.yaml:2:10: error: columns: no column for type (required: time, type)`,
				`testdata/bad.yaml:2:30: error: columns: unknown key "kind"; expected one of id, time, type, subtype, actor, country, admin1, location, lat, lon, fatalities`,
				`testdata/bad.yaml:3:16: error: time_layouts: "DD/MM/YYYY" does not give a year, month and day in Go's notation (write 2006 for the year, 01 for the month, 02 for the day, 15:04:05 for the time: 02/01/2006 15:04 is DD/MM/YYYY HH:MM)`,
				`testdata/bad.yaml:3:30: error: time_layouts: "5" does not give a year, month and day in Go's notation (write 2006 for the year, 01 for the month, 02 for the day, 15:04:05 for the time: 02/01/2006 15:04 is DD/MM/YYYY HH:MM)`,
				`testdata/bad.yaml:4:11: error: timezone "Europe/Kiyv" is not an IANA time zone name such as Europe/Kyiv or UTC`,
				`testdata/bad.yaml:5:37: error: types["Drone"]: unknown incident type "drones"; expected one of missile_strike, drone_strike, air_strike, shelling, ground_assault, battle, explosion, air_raid_alert, violence_against_civilians, protest, strategic_development, other`,
				`testdata/bad.yaml:6:10: error: country "Atlantis" is not an ISO 3166-1 code or country name (such as UA)`,
				`testdata/bad.yaml:7:12: error: delimiter ";;": give one character, such as ";" or "\t"`,
				`testdata/bad.yaml:8:1: error: mapping file: unknown key "colour"; expected one of format, columns, time_layouts, timezone, types, country, delimiter`,
			},
		},
		{
			name: "missing everything",
			src:  "{}\n",
			want: []string{
				"m.yaml:1:1: error: missing `columns`: incident field → column name, with at least time and type",
				"m.yaml:1:1: error: missing `format`: the feed's name, such as my-feed",
			},
		},
		{
			name: "wrong types",
			src:  "format: [a]\ncolumns: {time: {x: 1}, type: t}\ntime_layouts: {a: b}\ntypes: [shelling]\ndelimiter: '\"'\ncoluns: {}\n",
			want: []string{
				`m.yaml:1:9: error: format: expected a string, got a list`,
				`m.yaml:2:17: error: columns.time: expected a string, got a mapping`,
				`m.yaml:3:15: error: time_layouts: expected a list of strings, got a mapping`,
				`m.yaml:4:8: error: types: expected a mapping, got a list`,
				`m.yaml:5:12: error: delimiter "\"" cannot separate fields`,
				`m.yaml:6:1: error: mapping file: unknown key "coluns"; did you mean "columns"?`,
			},
		},
		{
			name: "syntax",
			src:  "format: a\ncolumns: {time: t\n",
			want: []string{`m.yaml:3:1: error: YAML syntax: did not find expected ',' or '}'`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r feeds.Reader
			var ds diag.Diagnostics
			if tt.src == "" {
				r, ds = New("testdata/bad.yaml")
			} else {
				var m *Reader
				m, ds = Parse("m.yaml", []byte(tt.src))
				if m != nil {
					r = m
				}
			}
			if r != nil {
				t.Error("a reader despite errors")
			}
			if got := lines(ds); got != strings.Join(tt.want, "\n") {
				t.Errorf("diagnostics\n%s\nwant\n%s", got, strings.Join(tt.want, "\n"))
			}
		})
	}
	r, ds := New(filepath.Join(t.TempDir(), "none.yaml"))
	if r != nil || len(ds) != 1 || !strings.Contains(ds[0].String(), "reading the mapping file") {
		t.Errorf("missing file: %v, %v", r, ds)
	}
}

func TestDetect(t *testing.T) {
	r := newReader(t)
	tests := []struct {
		head string
		want bool
	}{
		{"report_id;Date Time;category;latitude;longitude;region;killed;unit;place name\n", true},
		{"REPORT_ID ; date  time;Category;Latitude;Longitude;Region;Killed;Unit;Place Name;more\n", true},
		{"report_id,Date Time,category,latitude,longitude,region,killed,unit,Place Name\n", false},
		{"report_id;Date Time;category\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := r.Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%q) = %v", tt.head, got)
		}
	}
}

func FuzzMapped(f *testing.F) {
	mapping, err := os.ReadFile("testdata/kyiv.yaml")
	if err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile("testdata/kyiv.csv")
	if err != nil {
		f.Fatal(err)
	}
	bad, err := os.ReadFile("testdata/bad.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(mapping, data)
	f.Add(bad, data)
	f.Add([]byte("format: x\ncolumns: {time: a, type: b, lat: c, lon: d}\ndelimiter: \"\\t\"\n"), []byte("a\tb\tc\td\n2025-01-01\tx\t1\t2\n"))
	fallback := newReader(f)
	f.Fuzz(func(t *testing.T, mapping, data []byte) {
		var r feeds.Reader = fallback
		if m, ds := Parse("fuzz.yaml", mapping); m != nil {
			if ds.HasErrors() {
				t.Fatalf("a reader despite errors: %v", ds)
			}
			r = m
		}
		src, err := feeds.NewSource("fuzz.csv", data)
		if err != nil {
			return
		}
		r.Detect(src.Head())
		res, ds := r.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
		s := res.Summary
		if s.Mapped+s.Unmapped != len(res.Incidents) || s.Read != s.Mapped+s.Unmapped+s.Skipped {
			t.Fatalf("summary does not add up: %+v, %d incidents", s, len(res.Incidents))
		}
		if ds.HasErrors() {
			return
		}
		for _, inc := range res.Incidents {
			if inc.ID == "" || inc.Time.IsZero() || !feeds.IsType(inc.Type) || (inc.Lat == nil) != (inc.Lon == nil) {
				t.Fatalf("incomplete incident %+v", inc)
			}
		}
	})
}
