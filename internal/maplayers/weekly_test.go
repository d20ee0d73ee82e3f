package maplayers

import (
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestWeekly counts incidents by week, Monday to Sunday (UTC), including
// empty weeks and a week before 1970.
func TestWeekly(t *testing.T) {
	at := func(s string) model.Incident {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return model.Incident{Time: model.Timestamp{Time: tm}}
	}
	got := weekly([]model.Incident{at("2025-09-21T23:59:59Z"), at("2025-09-15T00:00:00Z"), at("2025-09-22T00:00:00Z"), at("2025-10-08T12:00:00+03:00")})
	want := []WeekCount{{"2025-09-15", 2}, {"2025-09-22", 1}, {"2025-09-29", 0}, {"2025-10-06", 1}}
	if len(got) != len(want) {
		t.Fatalf("weekly %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("week %d: %v, want %v", i, got[i], want[i])
		}
	}
	if w := weekly([]model.Incident{at("1969-12-28T10:00:00Z")}); len(w) != 1 || w[0].Week != "1969-12-22" {
		t.Errorf("a Sunday of 1969: %v, want the week of 1969-12-22", w)
	}
	if w := weekly(nil); w == nil || len(w) != 0 {
		t.Errorf("no incidents: %v, want []", w)
	}
	if s := cut(string(make([]rune, MaxText+5))); len([]rune(s)) != MaxText {
		t.Errorf("cut to %d runes, want %d", len([]rune(s)), MaxText)
	}
}
