package load_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// The compact form's fast path (compact.go) must give what the YAML path
// gives. A document whose header has a comment is not compact, so
// throughYAML(src) is the same documents, on the same lines and columns,
// read through YAML's parser and decoder: every test compares the two.

// throughYAML adds a comment after each "incidents:" of the header.
func throughYAML(src string) string {
	src = strings.ReplaceAll(src, "\nincidents:\n", "\nincidents: #\n")
	if strings.HasSuffix(src, "\nincidents:") {
		src += " #"
	}
	return src
}

const header = "backstop: v1\nkind: Incidents\nincidents:\n"

// dataDir holds the shared data sets, outside the repository.
const dataDir = "../../../shared/data"

// fast reports whether the set's Incidents documents were all decoded by
// the fast path: it records no node for an incident.
func fast(set *load.Set) bool {
	n := 0
	for _, d := range set.Docs {
		if d.Incidents == nil || len(d.Incidents.Incidents) == 0 {
			continue
		}
		n++
		if d.Node("incidents[0]") != nil {
			return false
		}
	}
	return n > 0
}

func diagStrings(ds diag.Diagnostics) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = fmt.Sprintf("%s [%s] to %d:%d", d.String(), d.Code, d.Range.End.Line, d.Range.End.Column)
	}
	return out
}

// sameAsYAML loads files as they are and throughYAML, and fails unless both give the same incidents and diagnostics;
// it returns whether the fast path took every Incidents document.
func sameAsYAML(t testing.TB, files map[string]string, order ...string) bool {
	t.Helper()
	var fastFiles, slowFiles []*load.Parsed
	for _, name := range order {
		fastFiles = append(fastFiles, load.Parse(name, []byte(files[name])))
		slowFiles = append(slowFiles, load.Parse(name, []byte(throughYAML(files[name]))))
	}
	fs, fds := load.Files(fastFiles...)
	ss, sds := load.Files(slowFiles...)
	if f, s := diagStrings(fds), diagStrings(sds); !reflect.DeepEqual(f, s) {
		t.Fatalf("diagnostics differ:\n fast %q\n yaml %q\nin %q", f, s, files)
	}
	if f, s := fs.Incidents(), ss.Incidents(); !reflect.DeepEqual(f, s) {
		t.Fatalf("incidents differ:\n fast %+v\n yaml %+v\nin %q", f, s, files)
	}
	if fast(ss) {
		t.Fatalf("the YAML path took the fast path: %q", files)
	}
	for _, d := range fs.Docs {
		for _, path := range []string{"", "kind", "incidents"} {
			var s *load.Document
			for _, x := range ss.Docs {
				if x.File.Name == d.File.Name && x.Index == d.Index {
					s = x
				}
			}
			if s == nil {
				t.Fatalf("document %s#%d: not in the YAML path's set", d.File.Name, d.Index)
			}
			if noBytes(d.Range(path)) != noBytes(s.Range(path)) || noBytes(d.KeyRange(path)) != noBytes(s.KeyRange(path)) || d.Kind != s.Kind {
				t.Fatalf("document %s#%d, %q: at %v (key %v), YAML's at %v (key %v)", d.File.Name, d.Index, path,
					d.Range(path), d.KeyRange(path), s.Range(path), s.KeyRange(path))
			}
		}
	}
	for _, name := range order {
		f, s := load.Parse(name, []byte(files[name])).Kinds(), load.Parse(name, []byte(throughYAML(files[name]))).Kinds()
		if !reflect.DeepEqual(f, s) {
			t.Fatalf("%s: kinds %q, YAML's %q", name, f, s)
		}
	}
	return fast(fs)
}

// noBytes is r without its byte offsets, which throughYAML's comments
// move.
func noBytes(r diag.Range) diag.Range {
	r.Start.Byte, r.End.Byte = 0, 0
	return r
}

func one(src string) map[string]string { return map[string]string{"in.yaml": src} }

const line1 = `{"id":"a-1","time":"2024-07-01T00:00:00Z","type":"explosion","country":"UA","lat":48.86165,"lon":37.69735,"fatalities":2,"source":"viina","fields":{"headline":"Вибух","labels":"ied|loc"}}`

func TestCompactSameAsYAML(t *testing.T) {
	tests := []struct {
		name string
		src  string
		fast bool // the fast path takes it
	}{
		{"one", header + "- " + line1 + "\n", true},
		{"no final line break", header + "- " + line1, true},
		{"two documents", header + "- " + line1 + "\n---\n" + header + "- " + strings.Replace(line1, "a-1", "a-2", 1) + "\n", true},
		{"every field", header + `- {"id":"x","time":"2024-07-01T10:00:00.5+02:00","type":"t","subtype":"s","actor":"RU","country":"UA","admin1":"UA-30","location":"Kyiv","lat":-0,"lon":1e1,"fatalities":0,"source":"s","fields":{}}` + "\n", true},
		{"any order", header + `- {"type":"t","fields":{"b":"1","a":"2"},"time":"2024-07-01","id":"x"}` + "\n", true},
		{"escapes", header + `- {"id":"x\"\\\/\b\f\n\r\t\u0000\u00e9\u2028\u0085","time":"2024-07-01T00:00:00Z","type":"t","fields":{"\u003c":"\u0026"}}` + "\n", true},
		{"raw unicode", header + "- {\"id\":\"x é 😀 \u00a0\",\"time\":\"2024-07-01T00:00:00Z\",\"type\":\"t\"}\n", true},
		{"long key", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fields":{"` + strings.Repeat("k", 2000) + `":"v"}}` + "\n", true},
		{"big numbers", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","lat":4.9e-324,"lon":-180,"fatalities":9223372036854775807}` + "\n", true},

		// the YAML path's diagnostics
		{"duplicate id", header + "- " + line1 + "\n- " + line1 + "\n", false},
		{"duplicate id across documents", header + "- " + line1 + "\n---\n" + header + "- " + line1 + "\n", false},
		{"missing id", header + `- {"time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", false},
		{"empty id", header + `- {"id":"","time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", false},
		{"empty type", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":""}` + "\n", false},
		{"bad time", header + `- {"id":"x","time":"July","type":"t"}` + "\n", false},
		{"escaped bad time", header + `- {"id":"x","time":"J\u0075ly","type":"t"}` + "\n", false},
		{"lat only", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","lat":1}` + "\n", false},
		{"lat out of range", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","lat":91,"lon":1}` + "\n", false},
		{"lon out of range", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","lat":1,"lon":-181}` + "\n", false},
		{"negative fatalities", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fatalities":-1}` + "\n", false},
		{"fractional fatalities", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fatalities":1.5}` + "\n", false},
		{"huge fatalities", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fatalities":99999999999999999999}` + "\n", false},
		{"huge lat", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","lat":1e999,"lon":1}` + "\n", false},
		{"unknown key", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","typo":"1"}` + "\n", false},
		{"key in capitals", header + `- {"ID":"x","time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", false},
		{"escaped key", header + `- {"i\u0064":"x","time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", false},
		{"key twice", header + `- {"id":"x","id":"y","time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", false},
		{"field key twice", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fields":{"a":"1","a":"2"}}` + "\n", false},
		{"number for a string", header + `- {"id":5,"time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", false},
		{"string for a number", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","lat":"1","lon":"2"}` + "\n", false},
		{"number in fields", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fields":{"a":1}}` + "\n", false},
		{"fields a string", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fields":"a"}` + "\n", false},
		{"null", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":null}` + "\n", false},
		{"list", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fields":[]}` + "\n", false},
		{"spaces", header + `- {"id": "x", "time": "2024-07-01T00:00:00Z", "type": "t"}` + "\n", false},
		{"CR LF", strings.ReplaceAll(header+"- "+line1+"\n", "\n", "\r\n"), false},
		{"comment", header + "- " + line1 + " # a comment\n", false},
		{"surrogate pair", header + `- {"id":"\ud83d\ude00","time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", false},
		{"raw NEL", header + "- {\"id\":\"a\u0085b\",\"time\":\"2024-07-01T00:00:00Z\",\"type\":\"t\"}\n", false},
		{"raw LS", header + "- {\"id\":\"a\u2028b\",\"time\":\"2024-07-01T00:00:00Z\",\"type\":\"t\"}\n", false},
		{"raw DEL", header + "- {\"id\":\"a\x7fb\",\"time\":\"2024-07-01T00:00:00Z\",\"type\":\"t\"}\n", false},
		{"raw BOM", header + "- {\"id\":\"a\ufeffb\",\"time\":\"2024-07-01T00:00:00Z\",\"type\":\"t\"}\n", false},
		{"tab", header + "- {\"id\":\"a\tb\",\"time\":\"2024-07-01T00:00:00Z\",\"type\":\"t\"}\n", false},
		{"escaped slash as YAML", header + `- {"id":"x\/","time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", true},
		{"YAML escape", header + `- {"id":"x\x41","time":"2024-07-01T00:00:00Z","type":"t"}` + "\n", false},
		{"not UTF-8", header + "- {\"id\":\"\xff\",\"time\":\"2024-07-01T00:00:00Z\",\"type\":\"t\"}\n", false},
		{"unterminated", header + `- {"id":"x","time":"2024-07-01T00:00:00Z","type":"t"` + "\n", false},
		{"trailing separator", header + "- " + line1 + "\n---\n", false},
		{"no incidents", header, false},
		{"block item", header + "- id: x\n  time: 2024-07-01\n  type: t\n", false},
		{"another kind", "backstop: v1\nkind: Scenario\nincidents:\n- " + line1 + "\n", false},
		{"one bad document of two", header + "- " + line1 + "\n---\n" + header + `- {"id":"y","time":"never","type":"t"}` + "\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameAsYAML(t, one(tt.src), "in.yaml"); got != tt.fast {
				t.Errorf("fast path %v, want %v", got, tt.fast)
			}
		})
	}
}

// TestCompactSetDuplicates loads a compact file next to another that
// repeats one of its ids: the duplicate-id error, and the place of the
// first id it names, are YAML's.
func TestCompactSetDuplicates(t *testing.T) {
	compact := header + "- " + line1 + "\n- " + strings.Replace(line1, "a-1", "a-2", 1) + "\n"
	block := "backstop: v1\nkind: Incidents\nincidents:\n  - id: a-2\n    time: 2024-07-01T00:00:00Z\n    type: t\n"
	for _, order := range [][]string{{"a.yaml", "b.yaml"}, {"b.yaml", "a.yaml"}} {
		files := map[string]string{"a.yaml": compact, "b.yaml": block}
		sameAsYAML(t, files, order...)
		set, ds := load.Files(load.Parse(order[0], []byte(files[order[0]])), load.Parse(order[1], []byte(files[order[1]])))
		if len(ds) != 1 || ds[0].Code != "duplicate-id" || len(set.Incidents()) != 3 {
			t.Errorf("%v: %v", order, ds)
		}
	}
	// Two compact files with distinct ids stay on the fast path.
	other := strings.ReplaceAll(compact, "a-", "b-")
	if !sameAsYAML(t, map[string]string{"a.yaml": compact, "b.yaml": other}, "a.yaml", "b.yaml") {
		t.Error("two compact files without a shared id left the fast path")
	}
}

// TestCompactRenamed: a parsed compact file loaded under another name
// (as the server keeps a submission) decodes as before.
func TestCompactRenamed(t *testing.T) {
	p := load.Parse("submitted", []byte(header+"- "+line1+"\n"))
	set, ds := load.Files(p.Renamed("entry-7"))
	if len(ds) != 0 || len(set.Incidents()) != 1 || set.Docs[0].File.Name != "entry-7" || !fast(set) {
		t.Fatalf("%v %+v", ds, set.Incidents())
	}
	again, _ := load.Files(p)
	if !reflect.DeepEqual(set.Incidents(), again.Incidents()) {
		t.Error("loading a parse twice gives other incidents")
	}
}

// readIncidents reads a shared data set as backstop import does.
func readIncidents(t testing.TB, rel string) []model.Incident {
	t.Helper()
	path := filepath.Join(dataDir, rel)
	datatest.Need(t, path)
	res, _, err := all.Read(path, "", nil, feeds.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Incidents
}

// invalid are incidents that the writers write but load refuses.
func invalid() []model.Incident {
	f := func(v float64) *float64 { return &v }
	ts := model.Timestamp{}
	if err := ts.UnmarshalText([]byte("2024-07-01T00:00:00Z")); err != nil {
		panic(err)
	}
	return []model.Incident{
		{ID: "ok", Time: ts, Type: "t"},
		{ID: "lat-only", Time: ts, Type: "t", Lat: f(1)},
		{ID: "lat-far", Time: ts, Type: "t", Lat: f(90.5), Lon: f(1)},
		{ID: "lon-far", Time: ts, Type: "t", Lat: f(1), Lon: f(180.5)},
		{ID: "dead", Time: ts, Type: "t", Fatalities: -3},
		{ID: "", Time: ts, Type: "t"},
		{ID: "no-type", Time: ts},
		{ID: "ok", Time: ts, Type: "t"},
	}
}

// TestCompactLoadsAsYAMLForm writes the same incidents in both forms,
// real ones (VIINA, ACLED, UCDP) and invalid ones, and loads them: the
// sets are the same, and so are the diagnostics but for their places.
func TestCompactLoadsAsYAMLForm(t *testing.T) {
	tests := []struct {
		name string
		incs func(testing.TB) []model.Incident
	}{
		{"viina", func(t testing.TB) []model.Incident {
			return readIncidents(t, "viina/viina_incidents_202407.csv.gz")
		}},
		{"acled", func(t testing.TB) []model.Incident { return readIncidents(t, "acled-ukraine-sample/ACLED-Ukraine.csv") }},
		{"ucdp", func(t testing.TB) []model.Incident { return readIncidents(t, "ucdp-ged-ukraine/UCDP-Ukraine.csv") }},
		{"invalid", func(testing.TB) []model.Incident { return invalid() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			incs := tt.incs(t)
			yamlForm, _, err := incidents.DocumentsAs(incidents.FormYAML, incs, 1000)
			if err != nil {
				t.Fatal(err)
			}
			compact, _, err := incidents.DocumentsAs(incidents.FormCompact, incs, 1000)
			if err != nil {
				t.Fatal(err)
			}
			ys, yds := load.Bytes("in.yaml", yamlForm)
			cs, cds := load.Bytes("in.yaml", compact)
			if !reflect.DeepEqual(cs.Incidents(), ys.Incidents()) {
				t.Fatal("the compact form loads other incidents")
			}
			if len(cs.Incidents()) != len(incs) {
				t.Fatalf("%d incidents loaded of %d", len(cs.Incidents()), len(incs))
			}
			msgs := func(ds diag.Diagnostics) (out []string) {
				for _, d := range ds {
					out = append(out, fmt.Sprintf("%s %s: %s", d.Severity, d.Code, place.ReplaceAllString(d.Summary, "at PLACE")))
				}
				return out
			}
			if !reflect.DeepEqual(msgs(cds), msgs(yds)) {
				t.Fatalf("diagnostics:\n compact %q\n yaml    %q", msgs(cds), msgs(yds))
			}
			if wantFast := tt.name != "invalid"; fast(cs) != wantFast {
				t.Errorf("fast path %v, want %v", fast(cs), wantFast)
			}
			if tt.name == "invalid" && len(cds) == 0 {
				t.Error("no diagnostics for invalid incidents")
			}
			if tt.name != "invalid" {
				sameAsYAML(t, one(string(compact)), "in.yaml")
			}
		})
	}
}

// FuzzCompactLine loads one incident's line as it is and through YAML:
// the fast path must take only what YAML reads the same, and give it.
func FuzzCompactLine(f *testing.F) {
	f.Add(line1)
	f.Add(`{"id":"x","time":"2024-07-01","type":"t","fields":{"\u00e9":"\n"}}`)
	f.Add(`{"id":"x","time":"2024-07-01T00:00:00Z","type":"t","lat":1e1,"lon":-0.5,"fatalities":3}`)
	f.Add(`{"id":"\ud800","time":"2024-07-01T00:00:00Z","type":"t"}`)
	f.Add("{\"id\":\"\u0085\",\"time\":\"2024-07-01T00:00:00Z\",\"type\":\"t\"}")
	f.Add(`{"id":"x","time":"2024-07-01T00:00:00Z","type":"t","lat":91,"lon":0}`)
	f.Add(`{"id":"x","time":"2024-07-01T00:00:00Z","type":"t","fields":{"a":"1","a":"2"}}`)
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n\r") {
			return // one line
		}
		sameAsYAML(t, one(header+"- "+line+"\n"), "in.yaml")
	})
}

// viinaMonth is the first 1,000 incidents of a VIINA month in both forms.
func viinaMonth(b *testing.B) (compact, yamlForm []byte) {
	incs := readIncidents(b, "viina/viina_incidents_202407.csv.gz")[:1000]
	compact, _, err := incidents.DocumentsAs(incidents.FormCompact, incs, 1000)
	if err != nil {
		b.Fatal(err)
	}
	yamlForm, _, err = incidents.DocumentsAs(incidents.FormYAML, incs, 1000)
	if err != nil {
		b.Fatal(err)
	}
	return compact, yamlForm
}

func benchLoad(b *testing.B, src []byte) {
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		set, ds := load.Bytes("in.yaml", src)
		if len(ds) != 0 {
			b.Fatal(ds)
		}
		n += len(set.Incidents())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/incident")
}

// BenchmarkLoadCompact loads 1,000 VIINA incidents (an import's
// document) in the compact form, as the server decodes a stored one.
func BenchmarkLoadCompact(b *testing.B) {
	compact, _ := viinaMonth(b)
	benchLoad(b, compact)
}

// BenchmarkLoadYAML loads the same incidents in the YAML form.
func BenchmarkLoadYAML(b *testing.B) {
	_, yamlForm := viinaMonth(b)
	benchLoad(b, yamlForm)
}

// place is a place in a message, which differs between the forms.
var place = regexp.MustCompile(`at [^ ]+:\d+:\d+`)

// TestCompactFile: the fast path's file has the lines, and the places,
// that Parse gives any other file.
func TestCompactFile(t *testing.T) {
	src := header + "- " + line1 + "\n---\n" + header + "- " + strings.Replace(line1, "a-1", "a-2", 1) + "\n"
	set, ds := load.Bytes("in.yaml", []byte(src))
	if len(ds) != 0 || !fast(set) || len(set.Docs) != 2 {
		t.Fatalf("%v", ds)
	}
	f := set.Docs[1].File
	lines := strings.Split(src, "\n")
	for n := 1; n <= len(lines)+1; n++ {
		want := ""
		if n <= len(lines) {
			want = lines[n-1]
		}
		if got := f.Line(n); got != want {
			t.Errorf("line %d: %q, want %q", n, got, want)
		}
	}
	r := set.Docs[1].KeyRange("incidents")
	if want := strings.LastIndex(src, "incidents:"); r.Start.Byte != want || r.Start.Line != 8 || r.End.Byte != want+len("incidents") {
		t.Errorf("the second document's incidents key is at %+v, want byte %d on line 8", r, want)
	}
}
