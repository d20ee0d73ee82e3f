package numfmt

import (
	"math"
	"testing"
)

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		share float64
		want  string
	}{
		{0, "0 %"}, {0.8, "80 %"}, {1, "100 %"}, {2.5, "250 %"}, {12.3456, "1,235 %"},
		{0.125, "12 %"}, {0.135, "14 %"}, // half to even
		{0.004, "<1 %"}, {0.005, "1 %"}, {0.0099, "1 %"}, {0.01, "1 %"},
		{0.994, "99 %"}, {0.995, ">99 %"}, {0.9999, ">99 %"},
		{math.NaN(), "? %"}, {math.Inf(1), "? %"},
	} {
		if got := Percent(tc.share); got != tc.want {
			t.Errorf("Percent(%v) = %q, want %q", tc.share, got, tc.want)
		}
	}
}

func TestQuantity(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{12000, "troops", "12,000 troops"},
		{1234567, "troops", "1,234,567 troops"},
		{0.25, "orbits", "0.25 orbits"},
		{2.5, "teams", "2.5 teams"},
		{47, "EUR-bn/yr", "47.0 EUR-bn/yr"},
		{0.04, "EUR-bn", "<0.1 EUR-bn"},
		{10.84, "USD-bn", "10.8 USD-bn"},
		{0, "troops", "0 troops"},
		{-1500, "troops", "-1,500 troops"},
		{9300, "", "9,300"},
	} {
		if got := Quantity(tc.v, tc.unit); got != tc.want {
			t.Errorf("Quantity(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
	if got := Figure(47, "EUR-bn/yr"); got != "47.0" {
		t.Errorf("Figure(47, EUR-bn/yr) = %q", got)
	}
}

// TestQuantitySingular checks the plural rule: a figure that reads exactly
// "1" takes the singular; 0, fractions and invariant units do not change.
func TestQuantitySingular(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{1, "vessels", "1 vessel"},
		{1, "teams", "1 team"},
		{1, "batteries", "1 battery"},
		{1, "packages", "1 package"},
		{1, "orbits", "1 orbit"},
		{1, "hubs", "1 hub"},
		{1, "troops", "1 troop"},
		{1, "trainees/yr", "1 trainee/yr"},
		{1.0000000001, "hubs", "1 hub"}, // 1 after rounding for display
		{1, "aircraft", "1 aircraft"},
		{1, "EUR-bn", "1.0 EUR-bn"},
		{1, "EUR-bn/yr", "1.0 EUR-bn/yr"},
		{0, "vessels", "0 vessels"},
		{2, "batteries", "2 batteries"},
		{1.5, "teams", "1.5 teams"},
		{0.5, "hubs", "0.5 hubs"},
		{-1, "troops", "-1 troops"},
		{1, "brigades", "1 brigade"},
	} {
		if got := Quantity(tc.v, tc.unit); got != tc.want {
			t.Errorf("Quantity(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0 documents"},
		{1, "1 document"},
		{2, "2 documents"},
		{1200, "1,200 documents"},
		{-1, "-1 documents"},
	} {
		if got := Plural(tc.n, "document", "documents"); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := Plural(1, "breach", "breaches"); got != "1 breach" {
		t.Errorf("Plural(1, breach) = %q", got)
	}
	if got := Plural(3, "entry", "entries"); got != "3 entries" {
		t.Errorf("Plural(3, entry) = %q", got)
	}
}
