package render

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// The JSON views round every non-integer number to the precision its
// field deserves, by one rule (docs/json.md, "Numbers"): the number takes
// the decimals of the nearest enclosing field the table below names —
// its own key, else the key of the array or object it sits in, and so on
// outwards — and 6 significant digits when none is named. Sums and
// quotients otherwise print as 4.7096540000000005, noise a reader takes
// for precision. Rounding the encoded bytes rather than the structs keeps
// every view's types, field names and field order as they are.

// sigDigits is the precision of a number in no field the table names:
// enough for any model parameter, short of the float noise. The integer
// part is never rounded: 1234567.89 keeps 1234568.
const sigDigits = 6

// fieldDecimals is the table of docs/json.md: decimals by field name.
var fieldDecimals = map[string]int{}

func init() {
	for decimals, keys := range map[int][]string{
		// Shares, coverages, probabilities and ratios, as fractions (0.6233):
		// 4 decimals are a hundredth of a per cent.
		4: {"share", "coverage", "p", "reached", "delta", "hold_at_low", "hold_at_high",
			"sensitivity_measure_p", "losses", "acted_share", "median_delay_ratio", "score",
			"gdp_share", "burden_ratio", "points"},
		// Quantities in a unit (troops, EUR-bn, EUR-bn/yr): 3 decimals are
		// a million euros of a EUR-bn.
		3: {"quantity", "required", "pledged", "approved", "delivered", "eventual", "amounts",
			"money_eur_bn", "money_eur_bn_per_year", "delivered_eur_bn",
			"delivered_eur_bn_per_year", "gdp_usd_bn", "sum", "peak_sum"},
		// Coordinates in degrees: 5 decimals are about a metre.
		5: {"lat", "lon", "latitude", "longitude", "coordinates"},
		// Hours and kilometres: 1 decimal (6 minutes, 100 m).
		1: {"hours", "hours_apart", "depth_km_median", "distance_km", "objective_km"},
	} {
		for _, k := range keys {
			fieldDecimals[k] = decimals
		}
	}
}

// decimalsFor returns the decimals of a field name, and whether the table
// names it. Areas ("…_km2", "…_km2_per_day") keep the 0.001 km² that
// docs/territory.md promises.
func decimalsFor(key string) (int, bool) {
	if d, ok := fieldDecimals[key]; ok {
		return d, true
	}
	if strings.HasSuffix(key, "_km2") || strings.Contains(key, "_km2_") {
		return 3, true
	}
	return 0, false
}

// jsonFrame is one open object or array of the document being rounded.
type jsonFrame struct {
	object bool
	key    string // the object's current key
}

// roundJSON rewrites the numbers of an encoded JSON document by the rule
// above; strings, whitespace and integers are copied as they are.
func roundJSON(in []byte) []byte {
	out := make([]byte, 0, len(in))
	var stack []jsonFrame
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == '"':
			end := stringEnd(in, i)
			if len(stack) > 0 && stack[len(stack)-1].object && isKey(in, end) {
				var k string
				if json.Unmarshal(in[i:end], &k) == nil {
					stack[len(stack)-1].key = k
				}
			}
			out = append(out, in[i:end]...)
			i = end
			continue
		case c == '{' || c == '[':
			stack = append(stack, jsonFrame{object: c == '{'})
		case (c == '}' || c == ']') && len(stack) > 0:
			stack = stack[:len(stack)-1]
		case c == '-' || (c >= '0' && c <= '9'):
			end := i
			for end < len(in) && bytes.IndexByte([]byte("+-0123456789.eE"), in[end]) >= 0 {
				end++
			}
			out = append(out, roundNumber(string(in[i:end]), stack)...)
			i = end
			continue
		}
		out = append(out, c)
		i++
	}
	return out
}

// stringEnd is the index just past the string literal starting at i.
func stringEnd(in []byte, i int) int {
	for j := i + 1; j < len(in); j++ {
		switch in[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(in)
}

// isKey reports whether the string ending at end is followed by a colon.
func isKey(in []byte, end int) bool {
	rest := bytes.TrimLeft(in[end:], " \t\r\n")
	return len(rest) > 0 && rest[0] == ':'
}

// roundNumber rounds one number literal by the nearest named field of the
// stack; integers, and numbers already short enough, come back unchanged.
func roundNumber(lit string, stack []jsonFrame) string {
	if !strings.ContainsAny(lit, ".eE") {
		return lit
	}
	v, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(v, 0) {
		return lit
	}
	decimals, named := -1, false
	for i := len(stack) - 1; i >= 0 && !named; i-- {
		if stack[i].object {
			decimals, named = decimalsFor(stack[i].key)
		}
	}
	if !named {
		decimals = sigDecimals(v)
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	// Back through float64 for the shortest form: "4.710" → "4.71".
	r, _ := strconv.ParseFloat(s, 64)
	if r == 0 {
		return "0" // not "-0"
	}
	return formatJSONFloat(r)
}

// sigDecimals are the decimals that leave v sigDigits significant digits,
// none when its integer part has as many already.
func sigDecimals(v float64) int {
	if v == 0 {
		return 0
	}
	intDigits := int(math.Floor(math.Log10(math.Abs(v)))) + 1
	return max(sigDigits-intDigits, 0)
}

// formatJSONFloat writes v as encoding/json does: the shortest form that
// reads back as v, with an exponent only for very small or large values.
func formatJSONFloat(v float64) string {
	if a := math.Abs(v); a < 1e-6 || a >= 1e21 {
		return strconv.FormatFloat(v, 'e', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
