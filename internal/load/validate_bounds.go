package load

import (
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/internal/model"
)

// PlausibleMax is the largest quantity per counting unit that a pledge
// can plausibly make; above it the quantity is most likely a typo (a few
// zeros too many) and validation warns. The bounds are ours, set well
// above the largest real figures so that no real pledge trips them:
// troops above the active strength of the largest armies (about 2
// million: IISS, The Military Balance 2025), aircraft above the largest
// air force's inventory (about 13,000, US), vessels above any navy's
// hulls, money above any state's yearly budget (the US federal budget,
// about USD 6,800 bn in 2024).
var PlausibleMax = map[string]float64{
	"troops":      3_000_000,
	"aircraft":    20_000,
	"vessels":     1_000,
	"batteries":   2_000,
	"teams":       10_000,
	"orbits":      1_000,
	"trainees/yr": 1_000_000,
	"packages":    1_000,
	"hubs":        1_000,
	"battalions":  3_000,
	"brigades":    1_000,
	"EUR-bn":      10_000,
	"EUR-bn/yr":   10_000,
	"USD-bn":      10_000,
	"USD-bn/yr":   10_000,
	"EUR-m":       10_000_000,
	"EUR-m/yr":    10_000_000,
	"USD-m":       10_000_000,
	"USD-m/yr":    10_000_000,
}

// checkBounds warns on a pledge or requirement quantity beyond
// PlausibleMax for its unit: the assessment would otherwise report a
// share like 6.7e+33 without a word.
func checkBounds(v *validator) {
	warn := func(d *Document, path string, q float64, unit model.Unit) {
		max, ok := PlausibleMax[unit.Raw]
		if !ok || q <= max {
			return
		}
		v.warnf(d, path, "implausible-quantity", "quantity %s %s is beyond the plausible bound of %s %s (more than any state has; docs/language.md); a typo?",
			formatQuantity(q), unit.Raw, formatQuantity(max), unit.Raw)
	}
	for _, d := range v.set.Docs {
		switch {
		case d.Declaration != nil:
			for i, p := range d.Declaration.Pledges {
				warn(d, fmt.Sprintf("pledges[%d].quantity", i), p.Quantity, p.Unit)
			}
		case d.Framework != nil && !v.again(d):
			for i, r := range d.Framework.Requirements {
				warn(d, fmt.Sprintf("requirements[%d].quantity", i), r.Quantity, r.Unit)
			}
		}
	}
}

// formatQuantity writes q with thousands separators, or in e-notation
// when it is too large to read.
func formatQuantity(q float64) string {
	if q >= 1e15 {
		return fmt.Sprintf("%.3g", q)
	}
	s := fmt.Sprintf("%.0f", q)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
