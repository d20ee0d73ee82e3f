package load

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
)

// aliasAttack builds the document of issue 16: a Declaration whose one
// anchored mapping of k unknown fields is used n times as a pledge, in a
// block list or a flow list, padded with a comment to size bytes (0: as
// it comes).
func aliasAttack(tb testing.TB, k, n int, flow bool, size int) []byte {
	tb.Helper()
	var b strings.Builder
	b.WriteString("backstop: v1\nkind: Declaration\nframework: ukraine-2025\nparty: RU\ndate: 2030-01-01\nbase: &b\n")
	for i := range k {
		fmt.Fprintf(&b, "  f%d: x\n", i)
	}
	if flow {
		b.WriteString("pledges: [*b" + strings.Repeat(", *b", n-1) + "]\n")
	} else {
		b.WriteString("pledges:\n" + strings.Repeat("  - *b\n", n))
	}
	if size == 0 {
		return []byte(b.String())
	}
	if pad := size - b.Len(); pad >= 2 {
		b.WriteString("#" + strings.Repeat("x", pad-2) + "\n")
	}
	if b.Len() != size {
		tb.Fatalf("the attack document is %d bytes, want %d", b.Len(), size)
	}
	return []byte(b.String())
}

// loadMeasured loads src alone and returns its diagnostics and the bytes
// allocated meanwhile (TotalAlloc counts every allocation, so it bounds
// the peak from above whatever the garbage collector did).
func loadMeasured(name string, src []byte) (diag.Diagnostics, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := &Loader{}
	l.AddBytes(name, src)
	_, ds := l.Finish()
	runtime.ReadMemStats(&after)
	return ds, after.TotalAlloc - before.TotalAlloc
}

// TestAliasAttack loads the two documents of issue 16 as they were sent:
// 7,992 bytes (one mapping of 100 unknown fields used 1,000 times; it gave
// 101,100 diagnostics and cost 170 MB) and 37,092 bytes (500 fields used
// 8,000 times in a flow list; 4 million diagnostics, the server killed at
// 3.1 GB). Each is now refused with one alias-budget error at the alias
// that passes the budget, naming file, line and column, before any
// decoding, and costs a few hundred kilobytes.
func TestAliasAttack(t *testing.T) {
	tests := []struct {
		name     string
		k, n     int
		flow     bool
		size     int
		line     int // of the alias past the budget
		maxAlloc uint64
	}{
		// budget max(10,000, 1,215 nodes written) = 10,000: passed at the
		// 50th use of the 201-node mapping (a mapping, 100 keys, 100
		// values), on line 107+50.
		{"7992-bytes", 100, 1000, false, 7992, 157, 4 << 20},
		// one flow list: every alias is on line 507.
		{"37092-bytes", 500, 8000, true, 37092, 507, 8 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := aliasAttack(t, tt.k, tt.n, tt.flow, tt.size)
			ds, alloc := loadMeasured("attack.yaml", src)
			if len(ds) > MaxDiagnosticsPerDocument+1 {
				t.Errorf("%d diagnostics, want at most %d", len(ds), MaxDiagnosticsPerDocument+1)
			}
			if len(ds) != 1 || ds[0].Code != CodeAliasBudget || ds[0].Severity != diag.Error {
				t.Fatalf("want one %s error, got %d:\n%s", CodeAliasBudget, len(ds), render(ds[:min(len(ds), 5)]))
			}
			d := ds[0]
			if d.Range.File != "attack.yaml" || d.Range.Start.Line != tt.line || d.Range.Start.Column == 0 {
				t.Errorf("error at %s:%d:%d, want attack.yaml:%d:COL", d.Range.File, d.Range.Start.Line, d.Range.Start.Column, tt.line)
			}
			if !strings.HasPrefix(d.String(), fmt.Sprintf("attack.yaml:%d:", tt.line)) || !strings.Contains(d.Summary, "alias *b") {
				t.Errorf("message does not name the place and the alias: %s", d)
			}
			if alloc > tt.maxAlloc {
				t.Errorf("loading allocated %.1f MB, want at most %.1f MB", float64(alloc)/(1<<20), float64(tt.maxAlloc)/(1<<20))
			}
			t.Logf("%d bytes: %s; allocated %.2f MB", len(src), d, float64(alloc)/(1<<20))
		})
	}
}

// TestAliasDiagnosticsOnce uses an anchored mapping of unknown fields
// within the budget: its diagnostics are reported once, at the anchor,
// not at each of its 40 uses.
func TestAliasDiagnosticsOnce(t *testing.T) {
	src := aliasAttack(t, 3, 40, false, 0)
	ds, _ := loadMeasured("once.yaml", src)
	unknown := 0
	for _, d := range ds {
		if d.Code == "unknown-field" && strings.Contains(d.Summary, `"f`) {
			unknown++
			if d.Range.Start.Line < 7 || d.Range.Start.Line > 9 {
				t.Errorf("not at the anchored mapping (lines 7–9): %s", d)
			}
		}
	}
	if unknown != 3 {
		t.Errorf("%d unknown-field diagnostics for the 3 fields of the anchored mapping used 40 times, want 3:\n%s", unknown, render(ds))
	}
}

// TestDiagnosticsCap: a document with 300 unknown fields (no aliases)
// reports the first MaxDiagnosticsPerDocument and then one error saying
// how many more there were, at the end of the document, so that it sorts
// last; a second document of the same file has its own count.
func TestDiagnosticsCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("backstop: v1\nkind: Incidents\nincidents: []\n")
	for i := range 300 {
		fmt.Fprintf(&b, "g%d: x\n", i)
	}
	b.WriteString("---\nbackstop: v1\nkind: Incidents\nincidents: []\nh: 1\n")
	ds, alloc := loadMeasured("many.yaml", []byte(b.String()))
	if len(ds) != MaxDiagnosticsPerDocument+2 {
		t.Fatalf("%d diagnostics, want %d + 1 + 1 of the second document:\n%s", len(ds), MaxDiagnosticsPerDocument, render(ds))
	}
	more := ds[MaxDiagnosticsPerDocument]
	want := fmt.Sprintf("many.yaml:303:8: error: … and 200 more errors in this document (only the first %d diagnostics of a document are shown)", MaxDiagnosticsPerDocument)
	if more.Code != CodeTooManyDiagnostics || more.String() != want {
		t.Errorf("got  %s\nwant %s", more, want)
	}
	if last := ds[len(ds)-1]; last.Code != "unknown-field" || last.Range.Start.Line != 308 {
		t.Errorf("the second document's diagnostic: %s", last)
	}
	t.Logf("allocated %.2f MB", float64(alloc)/(1<<20))
}

// TestAliasBudget: aliases a document uses sparingly are read as before;
// nested aliases are counted as what they stand for (billion laughs), and
// an alias inside the value it names is refused.
func TestAliasBudget(t *testing.T) {
	ok := "backstop: v1\nkind: Incidents\nincidents:\n" +
		"  - {id: a, time: 2030-01-01T00:00:00Z, type: missile_strike, source: s, fields: &f {a: x, b: y}}\n" +
		"  - {id: b, time: 2030-01-02T00:00:00Z, type: missile_strike, source: s, fields: *f}\n"
	if ds, _ := loadMeasured("ok.yaml", []byte(ok)); len(ds) != 0 {
		t.Errorf("a document with one alias: %s", render(ds))
	}
	laughs := "backstop: v1\nkind: Incidents\nx0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 1; i < 9; i++ {
		laughs += fmt.Sprintf("x%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	ds, alloc := loadMeasured("laughs.yaml", []byte(laughs))
	if len(ds) != 1 || ds[0].Code != CodeAliasBudget || ds[0].Range.Start.Line != 6 {
		t.Errorf("billion laughs: want one %s error on line 6, got\n%s", CodeAliasBudget, render(ds))
	}
	if alloc > 1<<20 {
		t.Errorf("billion laughs allocated %d bytes", alloc)
	}
	cycle := "backstop: v1\nkind: Incidents\nincidents: &i [*i]\n"
	ds, _ = loadMeasured("cycle.yaml", []byte(cycle))
	if len(ds) != 1 || ds[0].Code != CodeAliasBudget || !strings.Contains(ds[0].String(), "cycle.yaml:3:16: error: alias *i is used inside the value of &i") {
		t.Errorf("an alias inside its own value: got\n%s", render(ds))
	}
}

// BenchmarkAliasAttack measures loading the 7,992-byte attack document
// (before the alias budget: 312 MB allocated, 105,002 diagnostics, 0.9 s).
func BenchmarkAliasAttack(b *testing.B) {
	src := aliasAttack(b, 100, 1000, false, 7992)
	b.ReportAllocs()
	for b.Loop() {
		l := &Loader{}
		l.AddBytes("attack.yaml", src)
		if _, ds := l.Finish(); len(ds) != 1 {
			b.Fatal(len(ds))
		}
	}
}
