package model

import "strings"

// SingularUnit is the name of unit for a quantity of exactly one: "troops"
// → "troop", "batteries" → "battery", "trainees/yr" → "trainee/yr". Money
// ("EUR-bn/yr") and invariant units ("aircraft") come back unchanged. It
// lives apart from ParseUnit because only the renderers need it: a unit is
// written and matched in the plural, and only a person reading "1 vessels"
// needs the singular.
func SingularUnit(unit string) string {
	u, err := ParseUnit(unit)
	if err != nil || u.Money {
		return unit
	}
	base, perYear := strings.CutSuffix(unit, "/yr")
	suffix := ""
	if perYear {
		suffix = "/yr"
	}
	switch {
	case strings.HasSuffix(base, "ies") && len(base) > 3:
		return strings.TrimSuffix(base, "ies") + "y" + suffix
	case strings.HasSuffix(base, "ss"), !strings.HasSuffix(base, "s"):
		return unit // "aircraft", "personnel": the same in the singular
	}
	return strings.TrimSuffix(base, "s") + suffix
}
