package ucdp

import (
	"bytes"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/internal/csvbench"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

const (
	dataDir   = "../../../../shared/data/ucdp-ged-ukraine/"
	cleanFile = dataDir + "UCDP-Ukraine.csv"
	excelFile = dataDir + "UCDP-Ukraine_2022-2023_excel-edited.csv"
)

func openReal(tb testing.TB, path string) *feeds.Source {
	tb.Helper()
	src, err := feeds.Open(path)
	if err != nil {
		tb.Skipf("%s not found: the UCDP data set (shared/data/ucdp-ged-ukraine) is not checked out beside the repository: %v", path, err)
	}
	return src
}

// fakeOblasts knows UCDP's spellings of a few units.
type fakeOblasts struct{}

func (fakeOblasts) ByName(name string) (string, bool) {
	code, ok := map[string]string{"Donetsk oblast": "UA-14", "Luhansk oblast": "UA-09", "Kiev Special Republican city": "UA-30"}[name]
	return code, ok
}

func (fakeOblasts) ByPoint(lat, lon float64) (string, bool) {
	if lat > 47 && lat < 49.3 && lon > 36.5 && lon < 39 {
		return "UA-14", true // roughly Donetsk oblast
	}
	return "", false
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

type stats struct {
	first, last time.Time
	years       map[int]int
	types       map[string]int
	fatalities  int
	byID        map[string]model.Incident
}

func collect(incs []model.Incident) stats {
	s := stats{years: map[int]int{}, types: map[string]int{}, byID: map[string]model.Incident{}}
	for _, inc := range incs {
		if s.first.IsZero() || inc.Time.Before(s.first) {
			s.first = inc.Time.Time
		}
		if inc.Time.After(s.last) {
			s.last = inc.Time.Time
		}
		s.years[inc.Time.Year()]++
		s.types[inc.Type]++
		s.fatalities += inc.Fatalities
		s.byID[inc.ID] = inc
	}
	return s
}

// TestCleanFile checks the figures SOURCE.md gives for UCDP-Ukraine.csv
// (3,077 events, 2014-01-22 … 2022-02-23, 21 of them in 2022, quoted
// fields spanning lines) and the fatality sum it gives by the best
// estimate (8,342, measured: SOURCE.md states none).
func TestCleanFile(t *testing.T) {
	src := openReal(t, cleanFile)
	if src.Decoded != "" {
		t.Errorf("Decoded = %q, want UTF-8", src.Decoded)
	}
	if n := bytes.Count(src.Data, []byte("\n")); n != 3236 {
		t.Errorf("%d physical lines, SOURCE.md says 3,236", n)
	}
	res, ds := Reader{}.Read(src, feeds.Options{})
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	sum := res.Summary
	if sum.Read != 3077 || sum.Mapped != 3077 || sum.Skipped != 0 || sum.Unmapped != 0 {
		t.Errorf("summary %+v", sum)
	}
	s := collect(res.Incidents)
	if !s.first.Equal(date(2014, 1, 22)) || !s.last.Equal(date(2022, 2, 23)) {
		t.Errorf("dates %v … %v, want 2014-01-22 … 2022-02-23", s.first, s.last)
	}
	if s.years[2022] != 21 {
		t.Errorf("%d events in 2022, want 21", s.years[2022])
	}
	if s.fatalities != 8342 {
		t.Errorf("best estimates sum to %d, want 8342", s.fatalities)
	}
	if !maps.Equal(s.types, map[string]int{feeds.TypeBattle: 3077}) {
		t.Errorf("types %v: every event of the war in Donbas is state-based", s.types)
	}

	multi := s.byID["154408"]
	if got, want := multi.FieldMap()["where_description"], "near Kramatorsk town;\nMyrne, Slovianskyi region Donetsk region"; got != want {
		t.Errorf("multi-line field = %q, want %q", got, want)
	}
	first := s.byID["147997"]
	if first.Actor != "Government of Ukraine" || first.Subtype != StateBased || first.Fatalities != 5 ||
		first.Location != "Kiev city" || first.Admin1 != "Kiev Special Republican city" || first.Country != "UA" ||
		first.FieldMap()["date_end"] != "2014-01-22" || first.FieldMap()["date_prec"] != "1" || first.FieldMap()[feeds.FieldTimePrecision] != "day" ||
		first.FieldMap()["relid"] != "UKR-2014-1-14085-0" || first.FieldMap()["side_b"] != "Maidan" || *first.Lat != 50.45 {
		t.Errorf("first incident %+v", first)
	}
	if inc := s.byID["154671"]; inc.Country != "RU" || inc.Admin1 != "Rostov oblast" {
		t.Errorf("the event in Russia: country %q, admin1 %q", inc.Country, inc.Admin1)
	}
}

// TestExcelFile checks the figures SOURCE.md gives for the Excel-damaged
// file (894 events, 536 in 2022 and 358 in 2023, Windows-1252, mixed
// date forms) and the measured fatality sum (10,598) and date range.
func TestExcelFile(t *testing.T) {
	src := openReal(t, excelFile)
	if src.Decoded != feeds.EncodingWindows1252 {
		t.Errorf("Decoded = %q", src.Decoded)
	}
	res, ds := Reader{}.Read(src, feeds.Options{})
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	if sum := res.Summary; sum.Read != 894 || sum.Mapped != 894 || sum.Skipped != 0 {
		t.Errorf("summary %+v", sum)
	}
	s := collect(res.Incidents)
	if s.years[2022] != 536 || s.years[2023] != 358 || len(s.years) != 2 {
		t.Errorf("per year %v, want 536 in 2022 and 358 in 2023", s.years)
	}
	if !s.first.Equal(date(2022, 2, 24)) || !s.last.Equal(date(2023, 2, 28)) {
		t.Errorf("dates %v … %v, want 2022-02-24 … 2023-02-28", s.first, s.last)
	}
	if s.fatalities != 10598 {
		t.Errorf("best estimates sum to %d, want 10598", s.fatalities)
	}
	if !maps.Equal(s.types, map[string]int{feeds.TypeBattle: 888, feeds.TypeCivilianHarm: 6}) {
		t.Errorf("types %v", s.types)
	}
	tests := []struct {
		id, field, want string
	}{
		// Windows-1252: Ë is 0xCB, · 0xB7, “ ” 0x93 0x94, ° 0xB0. Excel had
		// already replaced the Cyrillic letters by "?".
		{"464833", "source_article", `"NOËL,2023-02-22,NOËL ???? ???? @NOELreports · 20h"`},
		{"449137", "source_article", `"Ukraine Volunteer Transcripts,2022-10-01,“its a slaughter”"`},
		{"450760", "where_description", `Novolyubivka (???????????), Luhansk Oblast at 49.15779347738372, 37.950751870573995 and nearby north near Makiivka (Luhansk) here:  49°09'28.1"N 37°57'02.7"E`},
		// a quoted field on two lines
		{"446995", "where_description", "At 49.628680, 37.877270\nNear Kotlyarivka, near the eastern edge of Kharkiv Oblast"},
		// both date forms of date_end, normalised
		{"446152", "date_end", "2022-09-01"},
		{"446258", "date_end", "2022-09-01"},
	}
	for _, tt := range tests {
		inc := s.byID[tt.id]
		if got, _ := inc.Field(tt.field); got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.id, tt.field, got, tt.want)
		}
	}
	// date_start as "09/01/2022 00:00" (month first) and "8/31/2022 12:00:00 AM"
	if got := s.byID["446152"].Time; !got.Equal(date(2022, 9, 1)) {
		t.Errorf("446152 at %v, want 2022-09-01", got)
	}
	if got := s.byID["446258"].Time; !got.Equal(date(2022, 8, 31)) {
		t.Errorf("446258 at %v, want 2022-08-31", got)
	}
}

func TestOblasts(t *testing.T) {
	src := openReal(t, cleanFile)
	res, _ := Reader{}.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
	admin1 := map[string]int{}
	byPoint := 0
	for _, inc := range res.Incidents {
		admin1[inc.Admin1]++
		if inc.Admin1 == "UA-09" && inc.FieldMap()["adm_1"] != "Luhansk oblast" {
			t.Errorf("%s: adm_1 as written not kept: %v", inc.ID, inc.FieldMap()["adm_1"])
		}
		if inc.FieldMap()["adm_1"] == "" && strings.HasPrefix(inc.Admin1, "UA-") {
			byPoint++
		}
	}
	if admin1["UA-09"] != 727 || admin1["UA-30"] != 6 || admin1["UA-14"] < 2112 || admin1["Rostov oblast"] != 1 {
		t.Errorf("admin1 %v", admin1)
	}
	// The 229 events without adm_1 are all located to a larger region
	// (where_prec 5: "Donbas" at 48.15, 38.65; 6: the country; 7: waters):
	// their points do not tell the unit, so they stay without admin1.
	if byPoint != 0 || admin1[""] != 229 {
		t.Errorf("events without adm_1: %d found by point, %d left; want 0 and 229", byPoint, admin1[""])
	}
}

func TestPointInAdmin1(t *testing.T) {
	tests := []struct {
		wherePrec string
		want      bool
	}{{"1", true}, {"4", true}, {"", true}, {"5", false}, {"6", false}, {"7", false}, {"x", false}}
	for _, tt := range tests {
		if got := pointInAdmin1(tt.wherePrec); got != tt.want {
			t.Errorf("pointInAdmin1(%q) = %v", tt.wherePrec, got)
		}
	}
}

// TestRealOblasts normalises adm_1 with internal/oblast: by name alone,
// and with the Minregion polygons when shared/data has them.
func TestRealOblasts(t *testing.T) {
	names := oblast.New()
	tests := []struct {
		file string
		want map[string]int
	}{
		{cleanFile, map[string]int{"": 229, "Rostov oblast": 1, "UA-09": 727, "UA-12": 2, "UA-14": 2112, "UA-30": 6}},
		{excelFile, map[string]int{"": 83, "UA-09": 69, "UA-12": 23, "UA-14": 388, "UA-23": 53, "UA-48": 25, "UA-51": 1,
			"UA-59": 3, "UA-63": 121, "UA-65": 124, "UA-68": 1, "UA-71": 1, "UA-74": 2}},
	}
	for _, tt := range tests {
		res, _ := Reader{}.Read(openReal(t, tt.file), feeds.Options{Oblasts: names})
		got := map[string]int{}
		for _, inc := range res.Incidents {
			got[inc.Admin1]++
		}
		if !maps.Equal(got, tt.want) {
			t.Errorf("%s by name:\n got %v\nwant %v", tt.file, got, tt.want)
		}
	}

	const polygons = "../../../../shared/data/ua-oblasts/oblast.geojson"
	table, err := oblast.Load(polygons)
	if err != nil {
		t.Skipf("%s: %v (shared/data/ua-oblasts is not checked out beside the repository)", polygons, err)
	}
	res, _ := Reader{}.Read(openReal(t, excelFile), feeds.Options{Oblasts: table})
	byPoint := map[string]int{}
	for _, inc := range res.Incidents {
		if inc.FieldMap()["adm_1"] == "" && strings.HasPrefix(inc.Admin1, "UA-") {
			byPoint[inc.Admin1+" "+inc.FieldMap()["where_prec"]]++
		}
	}
	// Of the 83 events without adm_1, one is located within 25 km (where_prec
	// 2) and found by its point; the others are regions or the country.
	if len(byPoint) != 1 {
		t.Errorf("found by point: %v", byPoint)
	}
}

func TestBadRows(t *testing.T) {
	src, err := feeds.Open("testdata/bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	if src.Decoded != feeds.EncodingWindows1252 {
		t.Errorf("Decoded = %q", src.Decoded)
	}
	want := []string{
		`testdata/bad.csv:4:133: SEV: date_start: "13/31/2022 00:00" is not a time in any of the layouts "2006-01-02", "2006-01-02 15:04:05", "1/2/2006 15:04", "1/2/2006 3:04:05 PM", "1/2/2006"; row skipped`,
		`testdata/bad.csv:4:150: SEV: date_end: "13/31/2022 00:00" is not a time in any of the layouts "2006-01-02", "2006-01-02 15:04:05", "1/2/2006 15:04", "1/2/2006 3:04:05 PM", "1/2/2006"; row skipped`,
		`testdata/bad.csv:5:167: SEV: best: "1,5" is not a number: write a decimal point (1.5); row skipped`,
		`testdata/bad.csv:6:1: SEV: row has 5 fields, the header 15; row skipped`,
		`testdata/bad.csv:7:150: SEV: date_end 2022-10-03 is before date_start 2022-10-05; row skipped`,
	}
	for _, strict := range []bool{false, true} {
		sev := diag.Warning
		if strict {
			sev = diag.Error
		}
		res, ds := Reader{}.Read(src, feeds.Options{Strict: strict})
		ds.Sort()
		var got []string
		for _, d := range ds {
			got = append(got, d.String())
		}
		if w := strings.ReplaceAll(strings.Join(want, "\n"), "SEV", sev.String()); strings.Join(got, "\n") != w {
			t.Errorf("strict=%v: diagnostics\n%s\nwant\n%s", strict, strings.Join(got, "\n"), w)
		}
		if ds.HasErrors() != strict {
			t.Errorf("strict=%v: HasErrors = %v", strict, ds.HasErrors())
		}
		sum := res.Summary
		if sum.Read != 7 || sum.Skipped != 4 || sum.Mapped != 2 || sum.Unmapped != 1 ||
			!maps.Equal(sum.SkippedBy, map[string]int{"bad date": 2, "bad number": 1, "field count": 1}) ||
			!maps.Equal(sum.UnmappedBy, map[string]int{"4": 1}) {
			t.Errorf("strict=%v: summary %+v", strict, sum)
		}
	}
	res, _ := Reader{}.Read(src, feeds.Options{})
	if len(res.Incidents) != 3 {
		t.Fatalf("%d incidents", len(res.Incidents))
	}
	a, other, c := res.Incidents[0], res.Incidents[1], res.Incidents[2]
	if a.FieldMap()["where_description"] != "Near Kotlyarivka – 49°09'N,\nthe eastern edge of Kharkiv Oblast" || !a.Time.Equal(date(2022, 9, 1)) || a.Country != "UA" {
		t.Errorf("first %+v", a)
	}
	if other.Type != feeds.TypeOther || other.Subtype != "4" {
		t.Errorf("type_of_violence 4: %+v", other)
	}
	if c.Type != feeds.TypeCivilianHarm || c.Subtype != OneSided || c.Actor != "Government of Russia (Soviet Union)" ||
		!c.Time.Equal(date(2022, 8, 31)) || c.FieldMap()["date_end"] != "2022-09-30" || c.FieldMap()[feeds.FieldTimePrecision] != "month" {
		t.Errorf("one-sided %+v", c)
	}
}

func TestCategories(t *testing.T) {
	src, err := feeds.Open("testdata/bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	opts := feeds.Options{Categories: map[string]map[string]string{Format: {OneSided: feeds.TypeShelling, "4": feeds.TypeExplosion}}}
	res, _ := Reader{}.Read(src, opts)
	if res.Summary.Unmapped != 0 || res.Incidents[1].Type != feeds.TypeExplosion || res.Incidents[2].Type != feeds.TypeShelling {
		t.Errorf("summary %+v, incidents %+v", res.Summary, res.Incidents)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"id,relid,year,type_of_violence,date_start,date_end,best\n", true},
		{"\ufeffID , Type_Of_Violence,date_start,best\n", true},
		{"id,date_start,best\n", false},
		{"event_id_cnty,event_date,sub_event_type\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := (Reader{}).Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%q) = %v", tt.head, got)
		}
	}
	for _, p := range []string{cleanFile, excelFile} {
		if src, err := feeds.Open(p); err == nil && !(Reader{}).Detect(src.Head()) {
			t.Errorf("%s is not detected", p)
		}
	}
}

func FuzzUCDP(f *testing.F) {
	b, err := os.ReadFile("testdata/bad.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	for _, p := range []string{cleanFile, excelFile} {
		if b, err := os.ReadFile(p); err == nil {
			lines := bytes.SplitAfter(b, []byte("\n"))
			f.Add(bytes.Join(lines[:min(len(lines), 8)], nil))
		}
	}
	f.Add([]byte("id,date_start,type_of_violence,best\n1,2022-01-01,3,\n2,\"1/2/2022\n\",1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := feeds.NewSource("fuzz.csv", data)
		if err != nil {
			return
		}
		res, ds := Reader{}.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
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

func BenchmarkUCDP(b *testing.B) {
	for _, p := range []struct{ name, path string }{{"clean", cleanFile}, {"excel", excelFile}} {
		b.Run(p.name, func(b *testing.B) {
			src := openReal(b, p.path)
			rows := 0
			for b.Loop() {
				res, _ := Reader{}.Read(src, feeds.Options{})
				rows += res.Summary.Read
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkVsCSV reports the reader's speed on the real files as a
// percentage of encoding/csv's on the same bytes.
func BenchmarkVsCSV(b *testing.B) {
	for _, p := range []struct{ name, path string }{{"clean", cleanFile}, {"excel", excelFile}} {
		b.Run(p.name, func(b *testing.B) {
			src := openReal(b, p.path)
			csvbench.Compare(b, src.Data, func() int {
				res, _ := Reader{}.Read(src, feeds.Options{})
				return res.Summary.Read
			})
		})
	}
}
