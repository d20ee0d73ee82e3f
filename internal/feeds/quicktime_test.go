package feeds_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/acled"
	"github.com/backstop-dev/backstop/internal/feeds/ucdp"
)

// layoutLists are the layout lists the readers pass to QuickTime and
// ParseTime.
var layoutLists = [][]string{
	feeds.ISOLayouts, acled.Layouts, ucdp.Layouts,
	{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02"}, // VIINA's datetime
	{"20060102", "2006-01-02"},              // VIINA's date
	{feeds.LayoutExcelUS, feeds.LayoutDate}, // a layout QuickTime does not know first
}

// slowTime is what QuickTime stands for: the first layout time.Parse
// reads s with.
func slowTime(s string, loc *time.Location, layouts []string) (time.Time, bool) {
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// checkQuick fails when QuickTime answers s differently from time.Parse,
// and returns whether it answered.
func checkQuick(t *testing.T, s string) bool {
	t.Helper()
	answered := false
	for _, loc := range []*time.Location{time.UTC, time.FixedZone("UTC+2", 2*3600)} {
		for _, layouts := range layoutLists {
			q, ok := feeds.QuickTime(s, loc, layouts...)
			if !ok {
				continue
			}
			answered = true
			want, wok := slowTime(s, loc, layouts)
			if !wok || !q.Equal(want) || q.Location() != want.Location() {
				t.Fatalf("QuickTime(%q, %v, %q) = %v, time.Parse: %v (%v)", s, loc, layouts, q, want, wok)
			}
		}
	}
	return answered
}

func TestQuickTimeEdges(t *testing.T) {
	var n int
	for _, y := range []string{"0000", "0001", "1899", "1900", "2000", "2023", "2024", "2100", "9999"} {
		for mo := 0; mo <= 13; mo++ {
			for d := 0; d <= 32; d++ {
				for _, clock := range []string{"00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "09:05:07"} {
					for _, s := range []string{
						fmt.Sprintf("%s-%02d-%02d", y, mo, d), fmt.Sprintf("%s%02d%02d", y, mo, d),
						fmt.Sprintf("%s-%02d-%02d %s", y, mo, d, clock), fmt.Sprintf("%02d/%02d/%s %s", d, mo, y, clock),
					} {
						if checkQuick(t, s) {
							n++
						}
					}
				}
			}
		}
	}
	for _, s := range []string{"", "2024-1-31", "2024-01-31T10:00:00", "2024-01-31 10:00", "2024-01-31 10:00:00.5",
		"2024-01-31 1:00:00", "+024-01-31", "2024-01-31 ", "31/01/2024", "1/31/2024 0:00", "2024/01/31", "٢٠٢٤-01-31"} {
		if checkQuick(t, s) {
			t.Errorf("QuickTime answers %q, which has no fixed shape", s)
		}
	}
	if n == 0 {
		t.Fatal("QuickTime answered nothing")
	}
}

// realDates are the values of the date columns of the real data sets.
func realDates(t *testing.T) []string {
	files := []struct {
		glob string
		cols []string
	}{
		{"../../../shared/data/viina/viina_incidents_2024*.csv.gz", []string{"datetime"}},
		{"../../../shared/data/acled-ukraine-sample/*.csv", []string{"event_date"}},
		{"../../../shared/data/ucdp-ged-ukraine/*.csv", []string{"date_start", "date_end"}},
	}
	var out []string
	for _, f := range files {
		paths, _ := filepath.Glob(f.glob)
		if len(paths) == 0 {
			t.Skipf("%s: the data sets of shared/data are not checked out beside the repository", f.glob)
		}
		for _, p := range paths {
			src, err := feeds.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(src.Data, []byte("\ufeff")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			h := feeds.NewHeader(recs[0])
			for _, c := range f.cols {
				for _, rec := range recs[1:] {
					out = append(out, feeds.Get(rec, h.Index(c)))
				}
			}
		}
	}
	return out
}

func TestQuickTimeRealRows(t *testing.T) {
	seen := map[string]bool{}
	answered := 0
	for _, s := range realDates(t) {
		if seen[s] {
			continue
		}
		seen[s] = true
		if checkQuick(t, s) {
			answered++
		}
	}
	t.Logf("%d distinct dates, %d read by QuickTime", len(seen), answered)
	if answered < len(seen)/2 {
		t.Errorf("QuickTime reads only %d of %d distinct dates", answered, len(seen))
	}
}

func FuzzQuickTime(f *testing.F) {
	for _, s := range []string{"2024-02-29", "20230229", "2024-01-31 23:59:59", "31/12/1899 00:00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkQuick(t, s) })
}
