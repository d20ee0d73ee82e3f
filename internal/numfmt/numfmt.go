// Package numfmt is how backstop writes numbers for people: thousands
// separators, whole counts without decimals, money with one, units on every
// quantity, and percentages that never round to a figure not reached. The
// verdict line (internal/assess) and every renderer (internal/render) use
// it, so a share reads the same everywhere.
package numfmt

import (
	"math"
	"strconv"
	"strings"

	"github.com/backstop-dev/backstop/internal/model"
)

// Number formats v with the given number of decimals and a comma between
// groups of thousands: 12000 → "12,000", 47 with 1 decimal → "47.0".
// Negative zero prints as zero.
func Number(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', decimals, 64)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// IsMoney reports whether unit is a currency amount ("EUR-bn/yr", "USD-m").
func IsMoney(unit string) bool {
	u, err := model.ParseUnit(unit)
	return err == nil && u.Money
}

// Count formats a counted quantity: whole numbers without decimals,
// others with one (up to two below 1, so that 0.25 orbits does not read
// 0.3).
func Count(v float64) string {
	switch r := math.Round(v); {
	case math.Abs(v-r) < 1e-9:
		return Number(r, 0)
	case math.Abs(v) < 1:
		return strings.TrimRight(Number(v, 2), "0")
	default:
		return Number(v, 1)
	}
}

// Amount formats money with one decimal; a non-zero amount too small
// for it reads "<0.1".
func Amount(v float64) string {
	if v > 0 && v < 0.05 {
		return "<0.1"
	}
	return Number(v, 1)
}

// Figure formats a quantity as Quantity does, without its unit.
func Figure(v float64, unit string) string {
	if IsMoney(unit) {
		return Amount(v)
	}
	return Count(v)
}

// Quantity formats a quantity with its unit: "12,000 troops", money with
// one decimal, "47.0 EUR-bn/yr". A figure that reads exactly "1" takes the
// unit's singular ("1 vessel"); 0, "1.5" and "1.0" keep the plural, as a
// reader says them.
func Quantity(v float64, unit string) string {
	f := Figure(v, unit)
	switch {
	case unit == "":
		return f
	case f == "1":
		return f + " " + model.SingularUnit(unit)
	}
	return f + " " + unit
}

// Plural is n counted with a thousands separator and the noun that fits
// it: one for exactly 1, many otherwise ("1 document", "0 documents",
// "1,200 documents"). Every count printed with a fixed noun goes through
// it, so that none reads "1 files".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Number(float64(n), 0) + " " + many
}

// Percent formats a share (0.8) as "80 %", rounding half to even. It never
// rounds to a misleading figure: a non-zero share below 1 % is "<1 %" or
// "1 %", and a share short of 1 that would round to 100 is ">99 %".
func Percent(share float64) string {
	p := share * 100
	switch {
	case math.IsNaN(p) || math.IsInf(p, 0):
		return "? %"
	case p > 0 && p < 0.5:
		return "<1 %"
	case p >= 0.5 && p < 1:
		return "1 %"
	case p >= 99.5 && p < 100:
		return ">99 %"
	}
	return Number(math.RoundToEven(p), 0) + " %"
}
