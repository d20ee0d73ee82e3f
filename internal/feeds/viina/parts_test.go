package viina

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/internal/csvbench"
)

// onePart makes Read read every file in one part until the test ends.
func onePart(t testing.TB) {
	t.Helper()
	setParallelFrom(t, math.MaxInt)
}

func setParallelFrom(t testing.TB, n int) {
	t.Helper()
	old := parallelFrom
	parallelFrom = n
	t.Cleanup(func() { parallelFrom = old })
}

// read reads src in one part, and in two parts whenever SplitPoint finds
// a point (parallelFrom 0), and fails t unless both give the same.
func sameInParts(t *testing.T, src *feeds.Source, opts feeds.Options) (res *feeds.Result, ds diag.Diagnostics) {
	t.Helper()
	setParallelFrom(t, math.MaxInt)
	want, wantDs := Reader{}.Read(src, opts)
	setParallelFrom(t, 0)
	got, gotDs := Reader{}.Read(src, opts)
	if !reflect.DeepEqual(got.Summary, want.Summary) {
		t.Fatalf("%s: summary in two parts %+v, in one %+v", src.Name, got.Summary, want.Summary)
	}
	if len(got.Incidents) != len(want.Incidents) {
		t.Fatalf("%s: %d incidents in two parts, %d in one", src.Name, len(got.Incidents), len(want.Incidents))
	}
	for i := range want.Incidents {
		if !reflect.DeepEqual(got.Incidents[i], want.Incidents[i]) {
			t.Fatalf("%s: incident %d in two parts\n%+v\nin one\n%+v", src.Name, i, got.Incidents[i], want.Incidents[i])
		}
	}
	if fmt.Sprint(gotDs) != fmt.Sprint(wantDs) {
		t.Fatalf("%s: diagnostics in two parts\n%v\nin one\n%v", src.Name, gotDs, wantDs)
	}
	return got, gotDs
}

// TestPartsMatchOnePart reads every month of shared/data in two parts
// and in one: the incidents, the summaries and the diagnostics must be
// the same.
func TestPartsMatchOnePart(t *testing.T) {
	for _, month := range []string{"202304", "202401", "202508"} {
		t.Run(month, func(t *testing.T) {
			src := gunzip(t, month, true)
			opts := feeds.Options{Oblasts: &pointOblasts{}}
			sameInParts(t, src, opts)
			if !inParts(t, src, opts) {
				t.Error("not read in two parts")
			}
		})
	}
}

// inParts reports whether readParts reads src in two parts (or falls
// back to one).
func inParts(t *testing.T, src *feeds.Source, opts feeds.Options) bool {
	t.Helper()
	text := src.Text()
	cr := feeds.NewTextScanner(text, ',')
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	l, missing := parseLayout(header)
	if missing != "" {
		t.Fatal(missing)
	}
	split := feeds.SplitPoint(text, cr.Offset())
	if split < 0 {
		return false
	}
	_, _, ok := readParts(src, src.Data, text, split, l, opts)
	return ok
}

// TestPartsOfBrokenFiles: rows skipped in either part, a quoted field
// that spans the middle, a bare quote before it (which makes
// SplitPoint's count of quotes a guess), an unterminated quote after.
func TestPartsOfBrokenFiles(t *testing.T) {
	row := func(i int) string {
		return fmt.Sprintf("\"2024-01-%02d 10:00:00\",\"%.4f\",\"%.4f\",\"Place %d\",\"uav|loc\",\"Headline %d\"\n",
			i%28+1, 30+float64(i%7)/10, 48+float64(i%5)/10, i, i)
	}
	head := `"datetime","lon","lat","place_name","event_type","headline"` + "\n"
	body := func(n int, at map[int]string) string {
		var b strings.Builder
		b.WriteString(head)
		for i := range n {
			if r, ok := at[i]; ok {
				b.WriteString(r)
				continue
			}
			b.WriteString(row(i))
		}
		return b.String()
	}
	tests := []struct {
		name    string
		at      map[int]string
		inParts bool // else read again in one part
	}{
		{"clean", nil, true},
		{"skipped in both", map[int]string{10: `"not a date","30","48","x","uav","h"` + "\n", 150: `"2024-01-01 10:00:00","500","48","x","uav","h"` + "\n"}, true},
		{"field across the middle", map[int]string{96: "\"2024-01-01 10:00:00\",\"30\",\"48\",\"x\",\"uav\",\"a headline\non\nseven\nlines\nof\nthe\nmiddle\"\n"}, true},
		{"bare quote before the middle", map[int]string{40: `"2024-01-01 10:00:00","30","48",x"y,"uav","h"` + "\n"}, false},
		{"unterminated after", map[int]string{160: `"2024-01-01 10:00:00","30","48","x,"uav","h` + "\n"}, true},
		{"wrong field count", map[int]string{30: `"2024-01-01 10:00:00","30"` + "\n", 170: `"a","b","c","d","e","f","g"` + "\n"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &feeds.Source{Name: "parts.csv", Data: []byte(body(200, tt.at))}
			sameInParts(t, src, feeds.Options{})
			if got := inParts(t, src, feeds.Options{}); got != tt.inParts {
				t.Errorf("read in two parts: %v, want %v", got, tt.inParts)
			}
		})
	}
}

// FuzzParts: any file reads the same in two parts as in one.
func FuzzParts(f *testing.F) {
	head := `"datetime","lon","lat","place_name","event_type","headline"` + "\n"
	f.Add(head+`"2024-01-01 10:00:00","30.5","48.5","x","uav","h"`+"\n"+`"2024-01-02","31","49","y","art","a ""quoted"" word"`+"\n", uint64(1))
	f.Add(head+"\"2024-01-01\",\"30\",\"48\",\"x\",\"uav\",\"two\nlines\"\n\"2024-01-02\",\"30\",\"48\",x\"y,\"uav\",\"h\"\n", uint64(2))
	f.Fuzz(func(t *testing.T, rows string, seed uint64) {
		// The fuzzed rows, shuffled in with good ones so that the file
		// has a middle to split at.
		rng := rand.New(rand.NewPCG(seed, seed))
		var b strings.Builder
		b.WriteString(head)
		lines := strings.SplitAfter(rows, "\n")
		for i := range 40 {
			if len(lines) > 0 && rng.IntN(3) == 0 {
				b.WriteString(lines[rng.IntN(len(lines))])
				continue
			}
			fmt.Fprintf(&b, "\"2024-01-%02d\",\"30.%d\",\"48\",\"p\",\"uav\",\"h%d\"\n", i%28+1, i, i)
		}
		src := &feeds.Source{Name: "fuzz.csv", Data: []byte(b.String())}
		sameInParts(t, src, feeds.Options{Oblasts: &pointOblasts{}})
	})
}

// BenchmarkParts is BenchmarkVsCSV with the file read in one part, then
// in two (as Read does when it may use two cores).
func BenchmarkParts(b *testing.B) {
	src := open(b, "202401")
	for _, p := range []struct {
		name string
		from int
	}{{"one", math.MaxInt}, {"two", parallelFrom}} {
		b.Run(p.name, func(b *testing.B) {
			setParallelFrom(b, p.from)
			csvbench.Compare(b, src.Data, func() int {
				res, _ := Reader{}.Read(src, feeds.Options{Oblasts: &pointOblasts{}})
				return res.Summary.Read
			})
		})
	}
}
