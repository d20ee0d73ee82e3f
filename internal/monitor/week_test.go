package monitor

import (
	"fmt"
	"testing"
	"time"
)

// TestISOWeek checks the cached, hand-formatted week key against
// time.ISOWeek and fmt every few hours over years with 52 and 53 weeks,
// in time order as firings come, and on a jump back (a second monitor
// run reusing nothing, or an out-of-zone time).
func TestISOWeek(t *testing.T) {
	var m Monitor
	kyiv := time.FixedZone("EET", 2*3600)
	check := func(at time.Time) {
		y, w := at.UTC().ISOWeek()
		if got, want := m.isoWeek(at), fmt.Sprintf("%d-W%02d", y, w); got != want {
			t.Fatalf("isoWeek(%v) = %q, want %q", at, got, want)
		}
	}
	for at := time.Date(2019, 12, 20, 0, 0, 0, 0, time.UTC); at.Year() < 2028; at = at.Add(7*time.Hour + 13*time.Minute) {
		check(at)
		check(at.In(kyiv))
	}
	for _, at := range []time.Time{
		time.Date(2020, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(2021, 1, 4, 0, 0, 0, 0, time.UTC),
		time.Date(2021, 1, 3, 23, 59, 59, 999, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(12025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(-5, 6, 1, 0, 0, 0, 0, time.UTC),
	} {
		check(at)
	}
}
