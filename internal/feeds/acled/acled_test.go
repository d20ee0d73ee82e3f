package acled

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
	"github.com/backstop-dev/backstop/internal/oblast"
)

const realFile = "../../../../shared/data/acled-ukraine-sample/ACLED-Ukraine.csv"

func openReal(tb testing.TB) *feeds.Source {
	tb.Helper()
	src, err := feeds.Open(realFile)
	if err != nil {
		tb.Skipf("%s not found: the ACLED sample (shared/data/acled-ukraine-sample) is not checked out beside the repository: %v", realFile, err)
	}
	return src
}

func open(t *testing.T, path string) *feeds.Source {
	t.Helper()
	src, err := feeds.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// fakeOblasts knows a few ACLED spellings, and Sevastopol by its point.
type fakeOblasts struct{}

func (fakeOblasts) ByName(name string) (string, bool) {
	code, ok := map[string]string{"Donetsk": "UA-14", "Kharkiv": "UA-63", "Zaporizhia": "UA-23", "Kyiv City": "UA-30", "Kyiv": "UA-32"}[name]
	return code, ok
}

func (fakeOblasts) ByPoint(lat, lon float64) (string, bool) {
	if lat > 44.5 && lat < 44.7 && lon > 33.4 && lon < 33.7 {
		return "UA-40", true
	}
	return "", false
}

// TestRealSample checks the figures SOURCE.md gives for the sample, and
// the counts per sub_event_type and per type.
func TestRealSample(t *testing.T) {
	src := openReal(t)
	res, ds := Reader{}.Read(src, feeds.Options{})
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	s := res.Summary
	if s.Read != 1000 || s.Mapped != 1000 || s.Unmapped != 0 || s.Skipped != 0 || len(res.Incidents) != 1000 {
		t.Errorf("summary %+v, %d incidents", s, len(res.Incidents))
	}
	subtypes, types, years, eventTypes, precisions := map[string]int{}, map[string]int{}, map[int]int{}, map[string]int{}, map[string]int{}
	var first, last time.Time
	fatalities := 0
	for _, inc := range res.Incidents {
		subtypes[inc.Subtype]++
		types[inc.Type]++
		years[inc.Time.Year()]++
		eventTypes[inc.FieldMap()["event_type"]]++
		precisions[inc.FieldMap()[feeds.FieldTimePrecision]]++
		fatalities += inc.Fatalities
		if first.IsZero() || inc.Time.Before(first) {
			first = inc.Time.Time
		}
		if inc.Time.After(last) {
			last = inc.Time.Time
		}
		if inc.Country != "UA" || inc.Source != "acled" || inc.Lat == nil || inc.Time.Hour() != 0 {
			t.Errorf("incident %+v", inc)
			break
		}
	}
	if want := time.Date(2018, 1, 18, 0, 0, 0, 0, time.UTC); !first.Equal(want) {
		t.Errorf("first event %v, want %v", first, want)
	}
	if want := time.Date(2024, 4, 5, 0, 0, 0, 0, time.UTC); !last.Equal(want) {
		t.Errorf("last event %v, want %v", last, want)
	}
	if years[2023] != 661 || years[2024] != 244 {
		t.Errorf("per year %v, want 661 in 2023 and 244 in 2024", years)
	}
	if eventTypes["Explosions/Remote violence"] != 772 {
		t.Errorf("Explosions/Remote violence: %d, want 772", eventTypes["Explosions/Remote violence"])
	}
	if fatalities != 405 {
		t.Errorf("fatalities %d, want 405", fatalities)
	}
	wantSub := map[string]int{
		"Shelling/artillery/missile attack":   660,
		"Armed clash":                         178,
		"Air/drone strike":                    91,
		"Disrupted weapons use":               28,
		"Remote explosive/landmine/IED":       20,
		"Peaceful protest":                    9,
		"Attack":                              5,
		"Looting/property destruction":        3,
		"Non-state actor overtakes territory": 2,
		"Headquarters or base established":    1,
		"Violent demonstration":               1,
		"Abduction/forced disappearance":      1,
		"Grenade":                             1,
	}
	if !maps.Equal(subtypes, wantSub) {
		t.Errorf("per sub_event_type %v, want %v", subtypes, wantSub)
	}
	wantTypes := map[string]int{
		feeds.TypeShelling: 660, feeds.TypeBattle: 180, feeds.TypeAirStrike: 57, feeds.TypeDroneStrike: 34,
		feeds.TypeStrategicChange: 32, feeds.TypeExplosion: 21, feeds.TypeProtest: 10, feeds.TypeCivilianHarm: 6,
	}
	if !maps.Equal(types, wantTypes) {
		t.Errorf("per type %v, want %v", types, wantTypes)
	}
	if want := map[string]int{"day": 990, "week": 9, "month": 1}; !maps.Equal(precisions, want) {
		t.Errorf("time precision %v, want %v", precisions, want)
	}
	inc := res.Incidents[0]
	if inc.ID != "UKR40153" || !inc.Time.Equal(time.Date(2020, 8, 14, 0, 0, 0, 0, time.UTC)) ||
		inc.Type != feeds.TypeProtest || inc.Actor != "Protesters (Ukraine)" || inc.Admin1 != "Kyiv City" ||
		inc.Location != "Kyiv - Shevchenkivskyi" || *inc.Lat != 50.4646 || *inc.Lon != 30.4655 ||
		inc.FieldMap()["iso"] != "804" || inc.FieldMap()["tags"] != "crowd size=about 20" || inc.FieldMap()["admin1"] != "" {
		t.Errorf("first incident %+v", inc)
	}
}

func TestRealSampleOblasts(t *testing.T) {
	src := openReal(t)
	res, _ := Reader{}.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
	admin1 := map[string]int{}
	for _, inc := range res.Incidents {
		admin1[inc.Admin1]++
		switch inc.Admin1 {
		case "UA-14":
			if inc.FieldMap()["admin1"] != "Donetsk" {
				t.Errorf("%s: Fields[admin1] = %q, want the spelling as written", inc.ID, inc.FieldMap()["admin1"])
			}
		case "UA-40":
			if inc.Location != "Sevastopol" || inc.FieldMap()["admin1"] != "Crimea" {
				t.Errorf("%s: by point: %+v", inc.ID, inc)
			}
		}
	}
	// "Crimea" is unknown to the fake: the Sevastopol event is found by its
	// point, the other stays as written; the sea event has no admin1.
	want := map[string]int{"UA-14": 410, "UA-63": 121, "UA-23": 118, "UA-30": 9, "UA-32": 3, "UA-40": 1, "Crimea": 1, "": 1}
	for k, n := range want {
		if admin1[k] != n {
			t.Errorf("admin1 %q: %d incidents, want %d", k, admin1[k], n)
		}
	}
}

// TestRealOblasts normalises the sample's admin1 with internal/oblast's
// names: every ACLED spelling is known. ACLED codes Sevastopol as
// "Crimea", and the name comes before the point: both Crimea events are
// UA-43.
func TestRealOblasts(t *testing.T) {
	src := openReal(t)
	res, _ := Reader{}.Read(src, feeds.Options{Oblasts: oblast.New()})
	got := map[string]int{}
	for _, inc := range res.Incidents {
		got[inc.Admin1]++
	}
	want := map[string]int{"": 1, "UA-05": 2, "UA-07": 1, "UA-09": 51, "UA-12": 24, "UA-14": 410, "UA-18": 1, "UA-23": 118,
		"UA-26": 1, "UA-30": 9, "UA-32": 3, "UA-35": 1, "UA-43": 2, "UA-48": 10, "UA-51": 6, "UA-53": 4, "UA-59": 82,
		"UA-61": 1, "UA-63": 121, "UA-65": 121, "UA-68": 4, "UA-71": 1, "UA-74": 26}
	if !maps.Equal(got, want) {
		t.Errorf("admin1\n got %v\nwant %v", got, want)
	}
}

// TestNativeDates reads ACLED's own YYYY-MM-DD form (the API's layout).
func TestNativeDates(t *testing.T) {
	res, ds := Reader{}.Read(open(t, "testdata/native.csv"), feeds.Options{})
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	if len(res.Incidents) != 2 {
		t.Fatalf("%d incidents", len(res.Incidents))
	}
	a, b := res.Incidents[0], res.Incidents[1]
	if !a.Time.Equal(time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)) || !b.Time.Equal(time.Date(2024, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("times %v, %v", a.Time, b.Time)
	}
	if a.Type != feeds.TypeDroneStrike || a.Subtype != SubEventAirDrone || a.FieldMap()[feeds.FieldTimePrecision] != "day" {
		t.Errorf("first %+v", a)
	}
	if b.Type != feeds.TypeBattle || b.Fatalities != 3 || b.FieldMap()[feeds.FieldTimePrecision] != "week" ||
		b.FieldMap()["actor2"] != "Military Forces of Ukraine (2019-)" || b.FieldMap()["notes"] != "Around 11 March 2024 (week of), fighting near Avdiivka." {
		t.Errorf("second %+v", b)
	}
}

func TestBadRows(t *testing.T) {
	want := []string{
		`testdata/bad.csv:3:6: SEV: event_date: "31/02/2024 00:00:00" is not a time in any of the layouts "2006-01-02", "02/01/2006 15:04:05", "02/01/2006", "2 January 2006"; row skipped`,
		`testdata/bad.csv:4:56: SEV: fatalities: "NA" is not a number; leave the field empty when the value is unknown; row skipped`,
		`testdata/bad.csv:5:1: SEV: row has 3 fields, the header 7; row skipped`,
		`testdata/bad.csv:6:1: SEV: id "UKR1" already used on line 2; row skipped`,
		`testdata/bad.csv:7:51: SEV: latitude given without longitude; row skipped`,
		`testdata/bad.csv:8:1: SEV: event_id_cnty is empty; row skipped`,
		`testdata/bad.csv:8:47: SEV: fatalities: -2 is negative; row skipped`,
	}
	for _, strict := range []bool{false, true} {
		sev := diag.Warning
		if strict {
			sev = diag.Error
		}
		res, ds := Reader{}.Read(open(t, "testdata/bad.csv"), feeds.Options{Strict: strict})
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
		s := res.Summary
		wantSkipped := map[string]int{"bad date": 1, "bad number": 1, "field count": 1, "duplicate id": 1, "bad coordinates": 1, "missing id": 1}
		if s.Read != 9 || s.Skipped != 6 || s.Mapped != 1 || s.Unmapped != 2 || !maps.Equal(s.SkippedBy, wantSkipped) ||
			!maps.Equal(s.UnmappedBy, map[string]int{"(none)": 1, "Ambush": 1}) {
			t.Errorf("strict=%v: summary %+v", strict, s)
		}
		if len(res.Incidents) != 3 || res.Incidents[1].Type != feeds.TypeOther || res.Incidents[2].Subtype != "Ambush" {
			t.Errorf("incidents %+v", res.Incidents)
		}
	}
}

func TestCategories(t *testing.T) {
	tests := []struct {
		name      string
		overrides map[string]string
		want      map[string]int
	}{
		{"defaults", nil, map[string]int{feeds.TypeAirStrike: 57, feeds.TypeDroneStrike: 34, feeds.TypeStrategicChange: 32}},
		{
			"interceptions are drone strikes",
			map[string]string{"Disrupted weapons use": feeds.TypeDroneStrike},
			map[string]int{feeds.TypeAirStrike: 57, feeds.TypeDroneStrike: 62, feeds.TypeStrategicChange: 4},
		},
		{
			"an override of Air/drone strike turns off the refinement by the notes",
			map[string]string{SubEventAirDrone: feeds.TypeAirStrike},
			map[string]int{feeds.TypeAirStrike: 91, feeds.TypeDroneStrike: 0, feeds.TypeStrategicChange: 32},
		},
	}
	src := openReal(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := Reader{}.Read(src, feeds.Options{Categories: map[string]map[string]string{Format: tt.overrides}})
			got := map[string]int{}
			for _, inc := range res.Incidents {
				got[inc.Type]++
			}
			for typ, n := range tt.want {
				if got[typ] != n {
					t.Errorf("%s: %d, want %d", typ, got[typ], n)
				}
			}
		})
	}
}

func TestDefaultsCoverVocabulary(t *testing.T) {
	for sub, typ := range Defaults() {
		if !feeds.IsType(typ) {
			t.Errorf("%s → %s: not an incident type", sub, typ)
		}
	}
	if len(Defaults()) != 25 {
		t.Errorf("%d sub-event types, want ACLED's 25", len(Defaults()))
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"event_id_cnty,event_date,sub_event_type\n", true},
		{"\ufeffID,EVENT_ID_CNTY, Event_Date ,sub_event_type,notes\n", true},
		{"event_id_cnty,event_date\n", false},
		{"id,relid,date_start,type_of_violence,best\n", false},
		{"{\"id\":\"x\"}\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := (Reader{}).Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%q) = %v", tt.head, got)
		}
	}
	if src, err := feeds.Open(realFile); err == nil && !(Reader{}).Detect(src.Head()) {
		t.Error("the real sample is not detected")
	}
}

func FuzzACLED(f *testing.F) {
	for _, p := range []string{"testdata/native.csv", "testdata/bad.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if b, err := os.ReadFile(realFile); err == nil {
		lines := bytes.SplitAfter(b, []byte("\n"))
		f.Add(bytes.Join(lines[:min(len(lines), 6)], nil))
	}
	f.Add([]byte("event_id_cnty,event_date,sub_event_type\nX,\"2024-01-01\n\",\"Air/drone strike\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := feeds.NewSource("fuzz.csv", data)
		if err != nil {
			return
		}
		res, ds := Reader{}.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
		checkResult(t, res, ds)
	})
}

// checkResult checks what every reading must give: a Summary that
// accounts for every row and, without errors, complete incidents.
func checkResult(t *testing.T, res *feeds.Result, ds diag.Diagnostics) {
	t.Helper()
	s := res.Summary
	if s.Mapped+s.Unmapped != len(res.Incidents) || s.Read != s.Mapped+s.Unmapped+s.Skipped {
		t.Fatalf("summary does not add up: %+v, %d incidents", s, len(res.Incidents))
	}
	if ds.HasErrors() {
		return
	}
	for _, inc := range res.Incidents {
		if inc.ID == "" || inc.Time.IsZero() || !feeds.IsType(inc.Type) {
			t.Fatalf("incomplete incident %+v", inc)
		}
		if (inc.Lat == nil) != (inc.Lon == nil) {
			t.Fatalf("lat without lon: %+v", inc)
		}
	}
}

func BenchmarkACLED(b *testing.B) {
	src := openReal(b)
	rows := 0
	for b.Loop() {
		res, _ := Reader{}.Read(src, feeds.Options{})
		rows += res.Summary.Read
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkVsCSV reports the reader's speed on the real sample as a
// percentage of encoding/csv's on the same bytes.
func BenchmarkVsCSV(b *testing.B) {
	src := openReal(b)
	csvbench.Compare(b, src.Data, func() int {
		res, _ := Reader{}.Read(src, feeds.Options{})
		return res.Summary.Read
	})
}
