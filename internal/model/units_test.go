package model_test

import (
	"math"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func mustUnit(t *testing.T, s string) model.Unit {
	t.Helper()
	u, err := model.ParseUnit(s)
	if err != nil {
		t.Fatalf("ParseUnit(%q): %v", s, err)
	}
	return u
}

func TestKnownUnitsParse(t *testing.T) {
	if len(model.KnownUnits) < 13 {
		t.Fatalf("KnownUnits has %d entries, want at least the 13 of the language reference", len(model.KnownUnits))
	}
	for _, s := range model.KnownUnits {
		t.Run(s, func(t *testing.T) {
			u, err := model.ParseUnit(s)
			if err != nil {
				t.Fatalf("ParseUnit(%q): %v", s, err)
			}
			if u.Raw != s || u.String() != s {
				t.Errorf("Raw = %q, String() = %q, want %q", u.Raw, u.String(), s)
			}
		})
	}
}

var validUnits = []struct {
	in   string
	want model.Unit
}{
	{"troops", model.Unit{Raw: "troops"}},
	{"aircraft", model.Unit{Raw: "aircraft"}},
	{"trainees/yr", model.Unit{Raw: "trainees/yr", PerYear: true}},
	{"air-defense-systems", model.Unit{Raw: "air-defense-systems"}},
	{"f16", model.Unit{Raw: "f16"}},
	{"EUR-bn", model.Unit{Raw: "EUR-bn", Money: true, Currency: "EUR", Scale: 1e9}},
	{"EUR-bn/yr", model.Unit{Raw: "EUR-bn/yr", Money: true, Currency: "EUR", Scale: 1e9, PerYear: true}},
	{"USD-bn", model.Unit{Raw: "USD-bn", Money: true, Currency: "USD", Scale: 1e9}},
	{"USD-bn/yr", model.Unit{Raw: "USD-bn/yr", Money: true, Currency: "USD", Scale: 1e9, PerYear: true}},
	{"EUR-m", model.Unit{Raw: "EUR-m", Money: true, Currency: "EUR", Scale: 1e6}},
	{"USD-m/yr", model.Unit{Raw: "USD-m/yr", Money: true, Currency: "USD", Scale: 1e6, PerYear: true}},
	{"GBP-m/yr", model.Unit{Raw: "GBP-m/yr", Money: true, Currency: "GBP", Scale: 1e6, PerYear: true}},
	{"JPY-bn", model.Unit{Raw: "JPY-bn", Money: true, Currency: "JPY", Scale: 1e9}},
	// A lower-case near-miss of a known unit is still a well-formed count
	// (see the unit grammar in docs/language.md).
	{"troop", model.Unit{Raw: "troop"}},
	{"eur-bn", model.Unit{Raw: "eur-bn"}},
}

func TestParseUnit(t *testing.T) {
	for _, tc := range validUnits {
		t.Run(tc.in, func(t *testing.T) {
			got, err := model.ParseUnit(tc.in)
			if err != nil {
				t.Fatalf("ParseUnit(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseUnit(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			var u model.Unit
			if err := u.UnmarshalText([]byte(tc.in)); err != nil || u != tc.want {
				t.Errorf("UnmarshalText(%q) = %+v, %v", tc.in, u, err)
			}
			if b, err := u.MarshalText(); err != nil || string(b) != tc.in {
				t.Errorf("MarshalText = %q, %v", b, err)
			}
		})
	}
}

var invalidUnits = []struct {
	in string
	// hint is a substring the error message must contain.
	hint string
}{
	{"trainees/year", "/yr"},
	{"EUR-bn/year", "/yr"},
	{"trainees per year", "/yr"},
	{"troops per annum", "/yr"},
	{"Troops", `did you mean "troops"`},
	{"EUR bn", `did you mean "EUR-bn"`},
	{"Aircraft", `did you mean "aircraft"`},
	{"", "expected a lower-case count"},
	{"15,000 troops", "expected a lower-case count"},
	{"EURO-bn", `did you mean "EUR-bn"`},
	{"EUR-bn/mo", `did you mean "EUR-bn/yr"`},
	{"1troops", `did you mean "troops"`},
	{"EURO-million", "expected a lower-case count"},
	{"15000-troops", "expected a lower-case count"},
	{"Helicopters", "expected a lower-case count"},
}

func TestParseUnitInvalid(t *testing.T) {
	for _, tc := range invalidUnits {
		t.Run(tc.in, func(t *testing.T) {
			u, err := model.ParseUnit(tc.in)
			if err == nil {
				t.Fatalf("ParseUnit(%q) = %+v, want an error", tc.in, u)
			}
			if u != (model.Unit{}) {
				t.Errorf("ParseUnit(%q) returned %+v with its error", tc.in, u)
			}
			if !strings.Contains(err.Error(), `invalid unit "`+tc.in+`"`) {
				t.Errorf("error %q does not quote the unit", err)
			}
			if !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("error %q does not contain %q", err, tc.hint)
			}
		})
	}
}

func TestSuggestUnit(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"troop", "troops"},
		{"Troops", "troops"},
		{"vessel", "vessels"},
		{"EUR bn", "EUR-bn"},
		{"trainees/y", "trainees/yr"},
		{"helicopters", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := model.Suggest(tc.in, model.KnownUnits); got != tc.want {
				t.Errorf("Suggest(%q, KnownUnits) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestRatesPerEUR(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rates    model.Rates
		currency string
		want     float64
		wantOK   bool
	}{
		{"EUR", nil, "EUR", 1, true},
		{"EUR ignores a rate", model.Rates{"EUR-per-EUR": 2}, "EUR", 1, true},
		{"USD default", nil, "USD", 1.08, true},
		{"USD default with other rates", model.Rates{"GBP-per-EUR": 0.85}, "USD", 1.08, true},
		{"USD custom", model.Rates{"USD-per-EUR": 1.25}, "USD", 1.25, true},
		{"USD zero rate falls back", model.Rates{"USD-per-EUR": 0}, "USD", 1.08, true},
		{"USD negative rate falls back", model.Rates{"USD-per-EUR": -1}, "USD", 1.08, true},
		{"GBP unknown", nil, "GBP", 0, false},
		{"GBP unknown with USD rate", model.Rates{"USD-per-EUR": 1.1}, "GBP", 0, false},
		{"GBP known", model.Rates{"GBP-per-EUR": 0.85}, "GBP", 0.85, true},
		{"GBP zero rate", model.Rates{"GBP-per-EUR": 0}, "GBP", 0, false},
		{"wrong key spelling", model.Rates{"GBP": 0.85}, "GBP", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.rates.PerEUR(tc.currency)
			if ok != tc.wantOK || !near(got, tc.want) {
				t.Errorf("PerEUR(%q) = %v, %v; want %v, %v", tc.currency, got, ok, tc.want, tc.wantOK)
			}
		})
	}
	if model.DefaultUSDPerEUR != 1.08 {
		t.Errorf("DefaultUSDPerEUR = %v, want 1.08", model.DefaultUSDPerEUR)
	}
}

func TestRatesConvert(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rates    model.Rates
		q        float64
		from, to string
		want     float64
		wantOK   bool
	}{
		{"troops to troops", nil, 15000, "troops", "troops", 15000, true},
		{"trainees/yr to trainees/yr", nil, 10000, "trainees/yr", "trainees/yr", 10000, true},
		{"troops to aircraft", nil, 15000, "troops", "aircraft", 0, false},
		{"trainees to trainees/yr", nil, 100, "trainees", "trainees/yr", 0, false},
		{"troops to EUR-bn", nil, 5, "troops", "EUR-bn", 0, false},
		{"EUR-bn to troops", nil, 5, "EUR-bn", "troops", 0, false},
		{"EUR-bn/yr to EUR-bn/yr", nil, 2.5, "EUR-bn/yr", "EUR-bn/yr", 2.5, true},
		{"EUR-bn/yr to USD-bn/yr default", nil, 1, "EUR-bn/yr", "USD-bn/yr", 1.08, true},
		{"EUR-bn/yr to USD-bn/yr default, 10", nil, 10, "EUR-bn/yr", "USD-bn/yr", 10.8, true},
		{"USD-bn/yr to EUR-bn/yr default", nil, 1.08, "USD-bn/yr", "EUR-bn/yr", 1, true},
		{"USD-bn/yr to EUR-bn/yr custom", model.Rates{"USD-per-EUR": 1.25}, 5, "USD-bn/yr", "EUR-bn/yr", 4, true},
		{"EUR-bn/yr to USD-bn/yr custom", model.Rates{"USD-per-EUR": 1.25}, 4, "EUR-bn/yr", "USD-bn/yr", 5, true},
		{"EUR-bn one-off to EUR-bn/yr", nil, 1, "EUR-bn", "EUR-bn/yr", 0, false},
		{"EUR-bn/yr to EUR-bn one-off", nil, 1, "EUR-bn/yr", "EUR-bn", 0, false},
		{"USD-bn one-off to EUR-bn/yr", nil, 1, "USD-bn", "EUR-bn/yr", 0, false},
		{"EUR-m/yr to EUR-bn/yr", nil, 1000, "EUR-m/yr", "EUR-bn/yr", 1, true},
		{"EUR-m/yr to EUR-bn/yr, 250", nil, 250, "EUR-m/yr", "EUR-bn/yr", 0.25, true},
		{"EUR-bn to EUR-m", nil, 1, "EUR-bn", "EUR-m", 1000, true},
		{"USD-m to EUR-bn default", nil, 1080, "USD-m", "EUR-bn", 1, true},
		{"GBP without rate", nil, 1, "GBP-bn/yr", "EUR-bn/yr", 0, false},
		{"to GBP without rate", nil, 1, "EUR-bn/yr", "GBP-bn/yr", 0, false},
		{"GBP with rate", model.Rates{"GBP-per-EUR": 0.85}, 0.85, "GBP-bn/yr", "EUR-bn/yr", 1, true},
		{"GBP with rate to USD", model.Rates{"GBP-per-EUR": 0.85}, 0.85, "GBP-bn/yr", "USD-bn/yr", 1.08, true},
		{"GBP-m with rate", model.Rates{"GBP-per-EUR": 0.85}, 850, "GBP-m", "EUR-bn", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to := mustUnit(t, tc.from), mustUnit(t, tc.to)
			got, ok := tc.rates.Convert(tc.q, from, to)
			if ok != tc.wantOK {
				t.Fatalf("Convert(%v, %s, %s) ok = %v, want %v", tc.q, tc.from, tc.to, ok, tc.wantOK)
			}
			if ok && !near(got, tc.want) {
				t.Errorf("Convert(%v, %s, %s) = %v, want %v", tc.q, tc.from, tc.to, got, tc.want)
			}
		})
	}
}
