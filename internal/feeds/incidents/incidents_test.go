package incidents

import (
	"bytes"
	"maps"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/acled"
	"github.com/backstop-dev/backstop/internal/model"
)

func ptr(f float64) *float64 { return &f }

func ts(s string) model.Timestamp {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return model.Timestamp{Time: t.UTC()}
}

var sample = []model.Incident{
	{ID: "i-1", Time: ts("2025-09-14T03:10:00Z"), Type: feeds.TypeMissileStrike, Subtype: "Kh-101", Actor: "RU",
		Country: "UA", Admin1: "UA-30", Location: "Kyiv", Lat: ptr(50.45), Lon: ptr(30.52), Fatalities: 2, Source: "monitor",
		Fields: map[string]string{"weapon": "Kh-101", "note": "line\nbreak, \"quotes\" & <html>"}},
	{ID: "i-2", Time: ts("2025-09-15T00:00:00.123456789Z"), Type: feeds.TypeDroneStrike},
	{ID: "Ü-3", Time: ts("2025-09-15T21:00:00Z"), Type: feeds.TypeOther, Lat: ptr(-0.5), Lon: ptr(0), Fields: map[string]string{"type": "rocket"}},
}

// same compares incidents, times by instant.
func same(t *testing.T, got, want []model.Incident) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d incidents, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if !g.Time.Equal(w.Time.Time) {
			t.Errorf("incident %d: time %v, want %v", i, g.Time, w.Time)
		}
		g.Time, w.Time = model.Timestamp{}, model.Timestamp{}
		// Columns (a CSV reader's) are read back as a map
		g.Fields, g.Columns = g.FieldMap(), model.Columns{}
		w.Fields, w.Columns = w.FieldMap(), model.Columns{}
		if len(g.Fields) == 0 && len(w.Fields) == 0 {
			g.Fields, w.Fields = nil, nil
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("incident %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		write  func(*bytes.Buffer, []model.Incident) error
		reader feeds.Reader
	}{
		{"jsonl", func(b *bytes.Buffer, incs []model.Incident) error { return WriteJSONL(b, incs) }, JSONL{}},
		{"yaml", func(b *bytes.Buffer, incs []model.Incident) error { return WriteYAML(b, incs) }, YAML{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(&buf, sample); err != nil {
				t.Fatal(err)
			}
			if !tt.reader.Detect(buf.Bytes()) {
				t.Errorf("not detected:\n%s", buf.Bytes())
			}
			res, ds := tt.reader.Read(&feeds.Source{Name: "x", Data: buf.Bytes()}, feeds.Options{})
			if len(ds) != 0 {
				t.Fatalf("diagnostics %v in\n%s", ds, buf.Bytes())
			}
			same(t, res.Incidents, sample)
			if s := res.Summary; s.Read != 3 || s.Mapped != 3 || s.Skipped != 0 || s.Format != tt.name {
				t.Errorf("summary %+v", s)
			}
		})
	}
}

func TestRoundTripACLED(t *testing.T) {
	const path = "../../../../shared/data/acled-ukraine-sample/ACLED-Ukraine.csv"
	src, err := feeds.Open(path)
	if err != nil {
		t.Skipf("%s not found: the ACLED sample (shared/data/acled-ukraine-sample) is not checked out beside the repository", path)
	}
	res, _ := acled.Reader{}.Read(src, feeds.Options{})
	for _, r := range []struct {
		write  func(*bytes.Buffer, []model.Incident) error
		reader feeds.Reader
	}{
		{func(b *bytes.Buffer, incs []model.Incident) error { return WriteJSONL(b, incs) }, JSONL{}},
		{func(b *bytes.Buffer, incs []model.Incident) error { return WriteYAML(b, incs) }, YAML{}},
	} {
		var buf bytes.Buffer
		if err := r.write(&buf, res.Incidents); err != nil {
			t.Fatal(err)
		}
		back, ds := r.reader.Read(&feeds.Source{Name: "acled." + r.reader.Format(), Data: buf.Bytes()}, feeds.Options{})
		if len(ds) != 0 {
			t.Fatalf("%s: %v", r.reader.Format(), ds[:min(len(ds), 5)])
		}
		same(t, back.Incidents, res.Incidents)
	}
}

func lines(ds diag.Diagnostics) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return strings.Join(out, "\n")
}

func TestJSONLBadLines(t *testing.T) {
	src, err := feeds.Open("testdata/bad.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`testdata/bad.jsonl:3:49: SEV: unknown key "extra"; expected id, time, type, subtype, actor, country, admin1, location, lat, lon, fatalities, source, fields; row skipped`,
		`testdata/bad.jsonl:4:11: SEV: invalid time "14/09/2025"; expected RFC 3339 such as 2025-09-14T03:10:00Z; row skipped`,
		`testdata/bad.jsonl:5:2: SEV: id "a" already used on line 1; row skipped`,
		`testdata/bad.jsonl:6:59: SEV: give both lat and lon, or neither; row skipped`,
		`testdata/bad.jsonl:7:2: SEV: not a JSON object: invalid character 'o' in literal null (expecting 'u'); row skipped`,
		`testdata/bad.jsonl:8:59: SEV: fatalities: expected a whole number, got a JSON number 1.5; row skipped`,
		`testdata/bad.jsonl:10:1: SEV: no id; row skipped`,
		`testdata/bad.jsonl:10:1: SEV: no type; row skipped`,
		`testdata/bad.jsonl:11:1: SEV: not a JSON object: got a JSON array; row skipped`,
		`testdata/bad.jsonl:12:11: SEV: key "id" given twice; row skipped`,
		`testdata/bad.jsonl:13:61: SEV: lon 200 is outside -180..180; row skipped`,
	}
	for _, strict := range []bool{false, true} {
		sev := diag.Warning
		if strict {
			sev = diag.Error
		}
		res, ds := JSONL{}.Read(src, feeds.Options{Strict: strict})
		if w := strings.ReplaceAll(strings.Join(want, "\n"), "SEV", sev.String()); lines(ds) != w {
			t.Errorf("strict=%v: diagnostics\n%s\nwant\n%s", strict, lines(ds), w)
		}
		s := res.Summary
		wantSkipped := map[string]int{"bad value": 5, "bad date": 1, "duplicate id": 1, "bad coordinates": 2, "missing id": 1}
		if s.Read != 12 || s.Skipped != 10 || s.Mapped != 1 || s.Unmapped != 1 ||
			!maps.Equal(s.SkippedBy, wantSkipped) || !maps.Equal(s.UnmappedBy, map[string]int{"rocket": 1}) {
			t.Errorf("strict=%v: summary %+v", strict, s)
		}
		if len(res.Incidents) != 2 {
			t.Fatalf("%d incidents", len(res.Incidents))
		}
		if r := res.Incidents[1]; r.ID != "f" || r.Type != feeds.TypeOther || r.Fields["type"] != "rocket" || r.Fields["n"] != "1" {
			t.Errorf("unmapped type: %+v", r)
		}
	}
	opts := feeds.Options{Categories: map[string]map[string]string{FormatJSONL: {"rocket": feeds.TypeMissileStrike}}}
	res, _ := JSONL{}.Read(src, opts)
	if r := res.Incidents[1]; r.Type != feeds.TypeMissileStrike || res.Summary.Unmapped != 0 {
		t.Errorf("override: %+v, %+v", r, res.Summary)
	}
}

func TestYAML(t *testing.T) {
	src, err := feeds.Open("testdata/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, ds := YAML{}.Read(src, feeds.Options{})
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	same(t, res.Incidents, []model.Incident{
		{ID: "i-1", Time: ts("2025-09-14T03:10:00Z"), Type: feeds.TypeMissileStrike, Country: "UA", Admin1: "Kyiv",
			Lat: ptr(50.45), Lon: ptr(30.52), Fatalities: 2, Source: "monitor"},
		{ID: "i-2", Time: ts("2025-09-15T00:00:00Z"), Type: feeds.TypeDroneStrike, Fields: map[string]string{"weapon": "Shahed-136"}},
	})

	src, err = feeds.Open("testdata/bad.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`testdata/bad.yaml:6:11: SEV: time: invalid time "14/09/2025"; expected RFC 3339 such as 2025-09-14T03:10:00Z; row skipped`,
		`testdata/bad.yaml:8:9: SEV: duplicate incident id "i-1" (first defined at testdata/bad.yaml:4:10); row skipped`,
		`testdata/bad.yaml:14:10: SEV: incident "i-4": lat 95 is outside -90..90; row skipped`,
		`testdata/bad.yaml:16:5: SEV: incidents[4]: missing required field "time"; row skipped`,
		`testdata/bad.yaml:18:5: SEV: incidents[4]: unknown field "colour"; expected one of id, time, type, subtype, actor, country, admin1, location, lat, lon, fatalities, source, fields; row skipped`,
		`testdata/bad.yaml:23:1: warning: a Scenario document in an incidents file is ignored`,
		`testdata/bad.yaml:26:12: error: scenario refers to framework "f", which is not among the loaded documents`,
	}
	for _, strict := range []bool{false, true} {
		sev := diag.Warning
		if strict {
			sev = diag.Error
		}
		res, ds := YAML{}.Read(src, feeds.Options{Strict: strict})
		if w := strings.ReplaceAll(strings.Join(want, "\n"), "SEV", sev.String()); lines(ds) != w {
			t.Errorf("strict=%v: diagnostics\n%s\nwant\n%s", strict, lines(ds), w)
		}
		s := res.Summary
		wantSkipped := map[string]int{"bad coordinates": 1, "duplicate id": 1, "bad date": 1, "missing field": 1}
		if s.Read != 6 || s.Skipped != 4 || s.Mapped != 1 || s.Unmapped != 1 ||
			!maps.Equal(s.UnmappedBy, map[string]int{"rocket": 1}) || !maps.Equal(s.SkippedBy, wantSkipped) {
			t.Errorf("strict=%v: summary %+v", strict, s)
		}
		var ids []string
		for _, inc := range res.Incidents {
			ids = append(ids, inc.ID)
		}
		if strings.Join(ids, ",") != "i-1,i-6" {
			t.Errorf("incidents %v", ids)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head        string
		jsonl, yaml bool
	}{
		{`{"id":"a"}`, true, false},
		{"\n  \t{\"id\":\"a\"}", true, false},
		{"backstop: v1\nkind: Incidents\n", false, true},
		{"# incidents\n---\nbackstop: \"v1\"  # version\r\nkind: Incidents\n", false, true},
		{"backstop: v2\n", false, false},
		{"id,time,type\n", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		if got := (JSONL{}).Detect([]byte(tt.head)); got != tt.jsonl {
			t.Errorf("JSONL.Detect(%q) = %v", tt.head, got)
		}
		if got := (YAML{}).Detect([]byte(tt.head)); got != tt.yaml {
			t.Errorf("YAML.Detect(%q) = %v", tt.head, got)
		}
	}
}

func FuzzJSONL(f *testing.F) {
	b, err := os.ReadFile("testdata/bad.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, sample); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"id":"x","time":"2025-01-01","type":"battle","lat":null,"lon":null,"fields":null}` + "\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := feeds.NewSource("fuzz.jsonl", data)
		if err != nil {
			return
		}
		res, ds := JSONL{}.Read(src, feeds.Options{})
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
		// what was read writes and reads back the same
		var buf bytes.Buffer
		if err := WriteJSONL(&buf, res.Incidents); err != nil {
			t.Fatal(err)
		}
		back, ds := JSONL{}.Read(&feeds.Source{Name: "back", Data: buf.Bytes()}, feeds.Options{})
		if len(ds) != 0 || len(back.Incidents) != len(res.Incidents) {
			t.Fatalf("round trip: %v\n%s", ds, buf.Bytes())
		}
	})
}
