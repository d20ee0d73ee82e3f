package firms

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

const data = "../../../../shared/data/firms"

func openReal(tb testing.TB, name string) *feeds.Source {
	tb.Helper()
	src, err := feeds.Open(filepath.Join(data, name))
	if err != nil {
		tb.Skipf("%s not found: the FIRMS files (shared/data/firms) are not checked out beside the repository: %v", name, err)
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

// fakeOblasts finds Kyiv city by a box around it, and nothing else.
type fakeOblasts struct{}

func (fakeOblasts) ByName(string) (string, bool) { return "", false }

func (fakeOblasts) ByPoint(lat, lon float64) (string, bool) {
	if lat > 50.2 && lat < 50.6 && lon > 30.2 && lon < 30.9 {
		return "UA-30", true
	}
	return "", false
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestRealFiles checks the figures of SOURCE.md: rows, no skips, the
// date range, the precision and one exact row of each file.
func TestRealFiles(t *testing.T) {
	tests := []struct {
		file        string
		rows        int
		first, last time.Time
		precision   string
		line        int
		lat, lon    float64
		time        time.Time
		fields      map[string]string
	}{
		{"ukr_fire_data_2021.csv", 57595, day(2021, 1, 1), day(2021, 12, 29), "day",
			57596, 44.773392, 33.862175, day(2021, 12, 29), map[string]string{"time_precision": "day"}},
		{"ukr_fire_data_2022.csv", 133979, day(2022, 1, 1), day(2022, 12, 31), "day",
			10000, 50.5266, 28.1194, day(2022, 3, 16), map[string]string{"time_precision": "day"}},
		{"ukr_fire_data_2023.csv", 98287, day(2023, 1, 1), day(2023, 12, 31), "day",
			2, 48.97689, 24.7094, day(2023, 1, 1), map[string]string{"time_precision": "day"}},
		{"economist_viirs_2025-08-28.csv", 271, time.Date(2025, 8, 28, 0, 26, 0, 0, time.UTC),
			time.Date(2025, 8, 28, 22, 27, 0, 0, time.UTC), "minute",
			100, 49.7685, 37.76577, time.Date(2025, 8, 28, 10, 13, 0, 0, time.UTC), map[string]string{
				"bright_ti4": "339.73", "scan": "0.39", "track": "0.36", "satellite": "N20", "confidence": "nominal",
				"version": "2.0NRT", "bright_ti5": "306.73", "frp": "11.58", "daynight": "D", "instrument": "VIIRS",
				"time_precision": "minute",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src := openReal(t, tt.file)
			res, ds := Reader{}.Read(src, feeds.Options{})
			if len(ds) != 0 {
				t.Fatalf("diagnostics: %v", ds)
			}
			s := res.Summary
			if s.Read != tt.rows || s.Mapped != tt.rows || s.Unmapped != 0 || s.Skipped != 0 || len(res.Incidents) != tt.rows {
				t.Errorf("summary %+v, %d incidents; want %d rows", s, len(res.Incidents), tt.rows)
			}
			first, last := res.Incidents[0].Time.Time, res.Incidents[0].Time.Time
			var found *model.Incident
			id := tt.file + ":" + strconv.Itoa(tt.line)
			for i, inc := range res.Incidents {
				if inc.Time.Before(first) {
					first = inc.Time.Time
				}
				if inc.Time.After(last) {
					last = inc.Time.Time
				}
				if inc.Type != TypeThermalAnomaly || inc.Source != "firms" || inc.Lat == nil || inc.Lon == nil ||
					inc.Country != "" || inc.Admin1 != "" || inc.FieldMap()[feeds.FieldTimePrecision] != tt.precision {
					t.Fatalf("incident %+v", inc)
				}
				if inc.ID == id {
					found = &res.Incidents[i]
				}
			}
			if !first.Equal(tt.first) || !last.Equal(tt.last) {
				t.Errorf("times %v … %v, want %v … %v", first, last, tt.first, tt.last)
			}
			if found == nil {
				t.Fatalf("no incident %s", id)
			}
			if *found.Lat != tt.lat || *found.Lon != tt.lon || !found.Time.Equal(tt.time) || found.Time.Location() != time.UTC ||
				!maps.Equal(found.FieldMap(), tt.fields) {
				t.Errorf("%s: %+v (lat %v, lon %v)", id, *found, *found.Lat, *found.Lon)
			}
		})
	}
}

// TestRealOblasts: country and admin1 come from the point, and only when
// the oblast table finds it: the two detections on Kyiv's left bank at
// 00:26 UTC on 28 August 2025.
func TestRealOblasts(t *testing.T) {
	src := openReal(t, "economist_viirs_2025-08-28.csv")
	res, _ := Reader{}.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
	got := map[string]int{}
	for _, inc := range res.Incidents {
		got[inc.Country+"/"+inc.Admin1]++
		if inc.Admin1 != "" && !inc.Time.Equal(time.Date(2025, 8, 28, 0, 26, 0, 0, time.UTC)) {
			t.Errorf("unexpected Kyiv detection %+v", inc)
		}
	}
	if want := map[string]int{"UA/UA-30": 2, "/": 269}; !maps.Equal(got, want) {
		t.Errorf("country/admin1: %v, want %v", got, want)
	}
}

func TestBadRows(t *testing.T) {
	want := []string{
		`testdata/bad.csv:3:1: SEV: longitude given without latitude; row skipped`,
		`testdata/bad.csv:4:1: SEV: the point 0,0 is a placeholder, not a position; row skipped`,
		`testdata/bad.csv:5:1: SEV: LATITUDE: latitude 95 is outside -90..90; row skipped`,
		`testdata/bad.csv:6:11: SEV: ACQ_DATE: "2022-02-30" is not a time in any of the layouts "2006-01-02"; row skipped`,
		`testdata/bad.csv:7:1: SEV: no coordinates: LATITUDE and LONGITUDE are empty; row skipped`,
		`testdata/bad.csv:8:6: SEV: LONGITUDE: "NA" is not a number; leave the field empty when the value is unknown; row skipped`,
		`testdata/bad.csv:9:1: SEV: row has 2 fields, the header 3; row skipped`,
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
		wantSkipped := map[string]int{"bad coordinates": 4, "bad date": 1, "bad number": 1, "field count": 1}
		if s.Read != 9 || s.Mapped != 2 || s.Unmapped != 0 || s.Skipped != 7 || !maps.Equal(s.SkippedBy, wantSkipped) ||
			len(s.UnmappedBy) != 0 {
			t.Errorf("strict=%v: summary %+v", strict, s)
		}
		if len(res.Incidents) != 2 || res.Incidents[0].ID != "bad.csv:2" || res.Incidents[1].ID != "bad.csv:10" ||
			!res.Incidents[1].Time.Equal(day(2022, 3, 2)) {
			t.Errorf("incidents %+v", res.Incidents)
		}
	}
}

// TestMODIS reads FIRMS's MODIS schema with acq_time as HHMM, shortened
// HHMM and empty.
func TestMODIS(t *testing.T) {
	res, ds := Reader{}.Read(open(t, "testdata/modis.csv"), feeds.Options{Oblasts: fakeOblasts{}})
	ds.Sort()
	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	want := []string{
		`testdata/modis.csv:6:42: warning: acq_time: "2460" is not a time of day: hours 0–23, minutes and seconds 0–59; row skipped`,
		`testdata/modis.csv:7:42: warning: acq_time: "10:1x" is not a time of day: write HH:MM:SS or HHMM; row skipped`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s := res.Summary; s.Read != 6 || s.Mapped != 4 || s.Skipped != 2 || s.SkippedBy["bad date"] != 2 {
		t.Errorf("summary %+v", s)
	}
	if len(res.Incidents) != 4 {
		t.Fatalf("%d incidents", len(res.Incidents))
	}
	wantTimes := []time.Time{
		time.Date(2022, 3, 1, 0, 26, 0, 0, time.UTC), time.Date(2022, 3, 1, 0, 26, 0, 0, time.UTC),
		time.Date(2022, 3, 1, 10, 13, 0, 0, time.UTC), day(2022, 3, 1),
	}
	wantPrec := []string{"minute", "minute", "minute", "day"}
	for i, inc := range res.Incidents {
		if !inc.Time.Equal(wantTimes[i]) || inc.FieldMap()[feeds.FieldTimePrecision] != wantPrec[i] {
			t.Errorf("%s: time %v precision %s, want %v %s", inc.ID, inc.Time, inc.FieldMap()[feeds.FieldTimePrecision], wantTimes[i], wantPrec[i])
		}
	}
	a := res.Incidents[0]
	wantFields := map[string]string{"brightness": "330.1", "scan": "1.1", "track": "1.0", "satellite": "Terra", "instrument": "MODIS",
		"confidence": "85", "version": "6.1NRT", "bright_t31": "290.5", "frp": "12.3", "daynight": "N", "type": "0", "time_precision": "minute"}
	if a.ID != "modis.csv:2" || a.Country != "UA" || a.Admin1 != "UA-30" || !maps.Equal(a.FieldMap(), wantFields) {
		t.Errorf("first %+v", a)
	}
	if b := res.Incidents[1]; b.Country != "" || b.Admin1 != "" {
		t.Errorf("second: country %q admin1 %q outside every oblast", b.Country, b.Admin1)
	}
	if _, ok := res.Incidents[2].FieldMap()["type"]; ok {
		t.Errorf("an empty cell is kept: %v", res.Incidents[2].FieldMap())
	}
}

func TestClock(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"00:26:00": 26 * time.Minute, "22:27:30": 22*time.Hour + 27*time.Minute + 30*time.Second, "9:05": 9*time.Hour + 5*time.Minute,
		"0026": 26 * time.Minute, "26": 26 * time.Minute, "1013": 10*time.Hour + 13*time.Minute, "5": 5 * time.Minute, "0": 0,
	} {
		if got, err := clock(s); err != nil || got != want {
			t.Errorf("clock(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"24:00", "2360", "12345", "-026", "+026", "1:2:3:4", "10:", ":10", "10:60:00", "10.5", "ab"} {
		if _, err := clock(s); err == nil {
			t.Errorf("clock(%q) accepted", s)
		}
	}
}

func TestMissingColumn(t *testing.T) {
	src, err := feeds.NewSource("x.csv", []byte("latitude,longitude,date\n1,2,2022-01-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, ds := Reader{}.Read(src, feeds.Options{})
	if len(ds) != 1 || ds[0].String() != `x.csv:1:1: error: the header lacks the column "acq_date"` || res.Summary.Read != 0 {
		t.Errorf("%v, %+v", ds, res.Summary)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"LATITUDE,LONGITUDE,ACQ_DATE\n", true},
		{"\ufefflatitude,longitude,bright_ti4,scan,track,acq_date,acq_time,satellite,confidence,version,bright_ti5,frp,daynight,instrument\n", true},
		{"latitude,longitude,brightness,acq_date,acq_time\n", true},
		{"latitude,longitude,date\n", false},
		{"event_id_cnty,event_date,sub_event_type,latitude,longitude\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := (Reader{}).Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%q) = %v", tt.head, got)
		}
	}
}

func FuzzFIRMS(f *testing.F) {
	for _, p := range []string{"testdata/bad.csv", "testdata/modis.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if b, err := os.ReadFile(filepath.Join(data, "economist_viirs_2025-08-28.csv")); err == nil {
		lines := bytes.SplitAfter(b, []byte("\n"))
		f.Add(bytes.Join(lines[:min(len(lines), 6)], nil))
	}
	f.Add([]byte("LATITUDE,LONGITUDE,ACQ_DATE\n-0,0e0,2022-01-01\n90,-180,2022-01-01\n\"48.5\n\",35,2022-01-01\n"))
	f.Add([]byte("latitude,longitude,acq_date,acq_time\n1e2,1,2022-01-01,0000\n1,1,2022-01-01,23:59:59\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := feeds.NewSource("fuzz.csv", data)
		if err != nil {
			return
		}
		res, ds := Reader{}.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
		s := res.Summary
		if s.Mapped != len(res.Incidents) || s.Unmapped != 0 || s.Read != s.Mapped+s.Skipped {
			t.Fatalf("summary does not add up: %+v, %d incidents", s, len(res.Incidents))
		}
		if ds.HasErrors() {
			return
		}
		for _, inc := range res.Incidents {
			if inc.Lat == nil || inc.Lon == nil {
				t.Fatalf("no coordinates: %+v", inc)
			}
			lat, lon := *inc.Lat, *inc.Lon
			if lat < -90 || lat > 90 || lon < -180 || lon > 180 || (lat == 0 && lon == 0) {
				t.Fatalf("coordinates out of range: %v, %v", lat, lon)
			}
			if inc.ID == "" || inc.Time.IsZero() || inc.Time.Location() != time.UTC || inc.Type != TypeThermalAnomaly {
				t.Fatalf("incomplete incident %+v", inc)
			}
			if p := inc.FieldMap()[feeds.FieldTimePrecision]; p != "day" && p != "minute" {
				t.Fatalf("time_precision %q", p)
			}
		}
	})
}

func BenchmarkFIRMS(b *testing.B) {
	src := openReal(b, "ukr_fire_data_2022.csv")
	rows := 0
	for b.Loop() {
		res, _ := Reader{}.Read(src, feeds.Options{})
		rows += res.Summary.Read
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
