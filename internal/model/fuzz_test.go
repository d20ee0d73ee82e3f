package model_test

import (
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

func FuzzParseDuration(f *testing.F) {
	for _, tc := range durationCases {
		f.Add(tc.in)
	}
	for _, in := range roundTripDurations {
		f.Add(in)
	}
	for _, in := range invalidDurations {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := model.ParseDuration(s)
		if err != nil {
			if d != 0 {
				t.Errorf("ParseDuration(%q) = %d with error %v", s, int64(d), err)
			}
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %d, a negative duration", s, int64(d))
		}
		str := d.String()
		back, err := model.ParseDuration(str)
		if err != nil {
			t.Fatalf("ParseDuration(%q) = %d, whose String() %q does not parse: %v", s, int64(d), str, err)
		}
		if back != d {
			t.Fatalf("ParseDuration(%q) = %d, String() %q parses to %d", s, int64(d), str, int64(back))
		}
	})
}

func FuzzParseUnit(f *testing.F) {
	for _, s := range model.KnownUnits {
		f.Add(s)
	}
	for _, tc := range validUnits {
		f.Add(tc.in)
	}
	for _, tc := range invalidUnits {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := model.ParseUnit(s)
		if err != nil {
			if u != (model.Unit{}) {
				t.Errorf("ParseUnit(%q) = %+v with error %v", s, u, err)
			}
			if err.Error() == "" {
				t.Errorf("ParseUnit(%q): empty error message", s)
			}
			return
		}
		if u.Raw != s {
			t.Errorf("ParseUnit(%q).Raw = %q", s, u.Raw)
		}
		if u.Money {
			if u.Scale != 1e9 && u.Scale != 1e6 {
				t.Errorf("ParseUnit(%q).Scale = %v, want 1e9 or 1e6", s, u.Scale)
			}
			if len(u.Currency) != 3 {
				t.Errorf("ParseUnit(%q).Currency = %q, want a three-letter code", s, u.Currency)
			}
		} else if u.Scale != 0 || u.Currency != "" {
			t.Errorf("counting unit ParseUnit(%q) = %+v has money fields", s, u)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range validDates {
		f.Add(s)
	}
	for _, s := range invalidDates {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := model.ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Errorf("ParseDate(%q) = %v with error %v", s, d.Time, err)
			}
			return
		}
		if got := d.String(); got != s {
			t.Errorf("ParseDate(%q).String() = %q", s, got)
		}
	})
}
