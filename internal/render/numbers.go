package render

import "github.com/backstop-dev/backstop/internal/numfmt"

// Every number the renderers print goes through the helpers of this file,
// so that a quantity reads the same in a terminal, in Markdown and in HTML.

// empty marks a cell with nothing in it.
const empty = "·"

// fmtMoney formats an amount in unit ("EUR-bn", "EUR-bn/yr") with one
// decimal, or the empty mark for zero.
func fmtMoney(v float64, unit string) string {
	if v == 0 {
		return empty
	}
	return numfmt.Amount(v) + " " + unit
}

// fmtPct formats a ratio as a whole percentage (0.8 → "80 %") with the
// rules of the verdict line, so that a report never quotes one share two ways.
func fmtPct(ratio float64) string { return numfmt.Percent(ratio) }

// fmtRatio formats a plain ratio (points, burden ratio) with two decimals.
func fmtRatio(v float64) string { return numfmt.Number(v, 2) }

// fmtMetOn formats a requirement's met_on: "now", a date, or "never".
func fmtMetOn(s string) string {
	if s == "" {
		return "never"
	}
	return s
}

// orEmpty returns s, or the empty mark when s is empty.
func orEmpty(s string) string {
	if s == "" {
		return empty
	}
	return s
}
