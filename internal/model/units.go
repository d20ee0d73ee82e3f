package model

import (
	"fmt"
	"regexp"
	"strings"
)

// Unit is a parsed quantity unit. Counting units ("troops", "trainees/yr")
// count only towards requirements in the same unit; money units
// ("EUR-bn/yr", "USD-bn") convert between currencies through the
// framework's rates.
type Unit struct {
	// Raw is the unit as written.
	Raw string
	// Money is true for currency amounts, which have a Currency and a Scale.
	Money    bool
	Currency string
	// Scale is the multiplier of the amount: 1e9 for "bn", 1e6 for "m".
	Scale float64
	// PerYear is true for "/yr" rates; a one-off amount never counts
	// towards a per-year requirement, nor the reverse.
	PerYear bool
}

// KnownUnits are the counting units of the examples and the language
// reference. A well-formed unit outside this list is accepted; one that is a
// near-miss of a known unit gets a hint.
var KnownUnits = []string{
	"troops", "aircraft", "vessels", "batteries", "teams", "orbits",
	"trainees/yr", "packages", "hubs",
	"battalions", "brigades", // land pledges
	"EUR-bn", "EUR-bn/yr", "USD-bn", "USD-bn/yr",
}

var (
	moneyUnit = regexp.MustCompile(`^([A-Z]{3})-(bn|m)(/yr)?$`)
	countUnit = regexp.MustCompile(`^[a-z][a-z0-9-]*(/yr)?$`)
	perPeriod = regexp.MustCompile(`(?i)(/|\bper\s*)(year|y|annum|a)$`)
)

// ParseUnit parses a unit string.
func ParseUnit(s string) (Unit, error) {
	if m := moneyUnit.FindStringSubmatch(s); m != nil {
		scale := 1e9
		if m[2] == "m" {
			scale = 1e6
		}
		return Unit{Raw: s, Money: true, Currency: m[1], Scale: scale, PerYear: m[3] != ""}, nil
	}
	if countUnit.MatchString(s) {
		return Unit{Raw: s, PerYear: strings.HasSuffix(s, "/yr")}, nil
	}
	msg := fmt.Sprintf("invalid unit %q", s)
	switch {
	case perPeriod.MatchString(s):
		msg += "; write per-year units with /yr, for example trainees/yr or EUR-bn/yr"
	case Suggest(s, KnownUnits) != "":
		msg += fmt.Sprintf(" (did you mean %q?)", Suggest(s, KnownUnits))
	default:
		msg += "; expected a lower-case count such as troops or aircraft, or money such as EUR-bn or USD-bn/yr"
	}
	return Unit{}, fmt.Errorf("%s", msg)
}

// UnmarshalText parses a unit.
func (u *Unit) UnmarshalText(b []byte) error {
	v, err := ParseUnit(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// MarshalText writes the unit as written.
func (u Unit) MarshalText() ([]byte, error) { return []byte(u.Raw), nil }

func (u Unit) String() string { return u.Raw }

// DefaultUSDPerEUR is the exchange rate used when a framework gives none.
const DefaultUSDPerEUR = 1.08

// Rates are exchange rates keyed "XXX-per-EUR": how many units of currency
// XXX one euro buys.
type Rates map[string]float64

// PerEUR returns how many units of currency one euro buys, and whether the
// rate is known.
func (r Rates) PerEUR(currency string) (float64, bool) {
	if currency == "EUR" {
		return 1, true
	}
	if v, ok := r[currency+"-per-EUR"]; ok && v > 0 {
		return v, true
	}
	if currency == "USD" {
		return DefaultUSDPerEUR, true
	}
	return 0, false
}

// Convert returns quantity q in unit from expressed in unit to, and whether
// it can count towards to at all: counting units must be equal; money must
// have known rates and the same period (one-off or per year).
func (r Rates) Convert(q float64, from, to Unit) (float64, bool) {
	if !from.Money || !to.Money {
		return q, !from.Money && !to.Money && from.Raw == to.Raw
	}
	if from.PerYear != to.PerYear {
		return 0, false
	}
	fromRate, ok1 := r.PerEUR(from.Currency)
	toRate, ok2 := r.PerEUR(to.Currency)
	if !ok1 || !ok2 {
		return 0, false
	}
	eur := q * from.Scale / fromRate
	return eur * toRate / to.Scale, true
}
