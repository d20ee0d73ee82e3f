package incidents

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
)

// slowOnly decodes line the way Read did before fastRecord: with
// encoding/json alone.
func slowOnly(line []byte) (record, bool) {
	var (
		row feeds.Row
		r   record
	)
	ok := slowRecord(line, func(int) diag.Range { return diag.Range{} }, &row, &r)
	return r, ok && !row.Bad()
}

// sameAsSlow fails when fastRecord accepts a line that encoding/json
// refuses or decodes differently.
func sameAsSlow(t *testing.T, line []byte) bool {
	t.Helper()
	fast, ok := fastRecord(line)
	if !ok {
		return false
	}
	slow, sok := slowOnly(line)
	if !sok {
		t.Fatalf("fastRecord accepts %q, encoding/json does not", line)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%q:\nfast %+v\nslow %+v", line, fast, slow)
	}
	return true
}

func TestFastRecord(t *testing.T) {
	accepted := []string{
		`{"id":"a","time":"2025-09-14T03:10:00Z","type":"missile_strike","lat":50.45,"lon":-30.5e1,"fatalities":2}`,
		` { "id" : "a" , "type":null, "lat":null, "lon":null, "fatalities":null, "fields":null } `,
		`{"id":"Ü","fields":{}}`,
		`{"id":"a","fields":{"a":"1","a":"2","b":null,"c\u0041":"\"q\"\n"}}`,
		`{"id":"a\u00fc\ud83d\ude00","source":"\\"}`,
		"{\"id\":\"\xff\"}",
		`{"fatalities":-0,"lat":0.0,"lon":1E2}`,
		`{}`,
	}
	for _, s := range accepted {
		if !sameAsSlow(t, []byte(s)) {
			t.Errorf("fastRecord refuses %q", s)
		}
	}
	refused := []string{
		`{"id":"a","extra":1}`, `{"id":"a","id":"b"}`, `{"ID":"a"}`, `{"fatalities":1.5}`, `{"fatalities":1e2}`,
		`{"lat":"1"}`, `{"lat":1e400}`, `{"fatalities":99999999999999999999}`, `{"fields":{"a":1}}`,
		`{"id":"a"} x`, `{"id":"a",}`, `{"id":01}`, `{"lat":-}`, `{"lat":1.}`, `[1]`, `null`, `{"id":"a` + "\t" + `"}`,
		`{"id":"\x"}`, "\ufeff{}", `{"id":"a"`, `{"lat":.5}`, `{"id":tru}`,
	}
	for _, s := range refused {
		if sameAsSlow(t, []byte(s)) {
			t.Errorf("fastRecord accepts %q", s)
		}
	}
}

// TestFastRecordFiles checks fastRecord against encoding/json on every
// line of the test files and of a file WriteJSONL writes.
func TestFastRecordFiles(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, sample); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/bad.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(buf.String() + string(b)) {
		if sameAsSlow(t, []byte(strings.TrimRight(line, "\r\n"))) {
			n++
		}
	}
	if n < len(sample) {
		t.Errorf("fastRecord took %d lines", n)
	}
}

func FuzzFastRecord(f *testing.F) {
	f.Add([]byte(`{"id":"a","time":"2025-09-14T03:10:00Z","type":"shelling","lat":1,"lon":2,"fatalities":3,"fields":{"k":"v"}}`))
	f.Add([]byte(`{"id":"a\u00fc","fields":{"a":null,"a":"x"}}`))
	f.Fuzz(func(t *testing.T, line []byte) { sameAsSlow(t, line) })
}

// jsonlFile is n lines as WriteJSONL writes them.
func jsonlFile(b *testing.B, n int) []byte {
	var buf bytes.Buffer
	for i := range n {
		s := sample[i%len(sample)]
		s.ID = fmt.Sprintf("i-%d", i)
		if err := WriteJSONL(&buf, append(sample[:0:0], s)); err != nil {
			b.Fatal(err)
		}
	}
	return buf.Bytes()
}

func BenchmarkJSONL(b *testing.B) {
	data := jsonlFile(b, 10000)
	src := &feeds.Source{Name: "bench.jsonl", Data: data}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, ds := JSONL{}.Read(src, feeds.Options{})
		if len(ds) != 0 || len(res.Incidents) != 10000 {
			b.Fatal(ds)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*10000), "ns/line")
}
