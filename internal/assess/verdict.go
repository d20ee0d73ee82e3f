package assess

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxVerdictGaps keeps the verdict quotable: the first gaps in domain
// order (land, air, air defence first) with numbers, the rest counted.
const maxVerdictGaps = 3

// verdict is the line a person can quote: the gaps with their numbers (the
// worst requirement of each domain not met), what is met, the politics and
// the first blocked step.
func verdict(r *Report) string {
	var parts, met []string
	gaps := 0
	for _, d := range r.Domains {
		if d.Coverage >= 1 {
			met = append(met, d.Domain)
			continue
		}
		if gaps++; gaps > maxVerdictGaps {
			continue
		}
		worst := worstRequirement(r, d.Domain)
		part := fmt.Sprintf("%s %s/%s %s (%s)", d.Domain, Quantity(worst.Pledged), Quantity(worst.Required), worst.Unit, Percent(worst.Share))
		if worst.By != "" {
			part += " by " + worst.By
		}
		parts = append(parts, part)
	}
	if gaps > maxVerdictGaps {
		parts = append(parts, fmt.Sprintf("%d more domains short", gaps-maxVerdictGaps))
	}
	switch {
	case len(r.Domains) == 0:
		parts = append(parts, "no requirements")
	case len(met) == len(r.Domains):
		parts = append(parts, fmt.Sprintf("all %d domains met", len(met)))
	case len(met) > 0:
		parts = append(parts, strings.Join(met, ", ")+" met")
	}
	pol := r.Politics
	if n := len(pol.CaveatViolations); n > 0 {
		parts = append(parts, plural(n, "caveat")+" broken")
	}
	if n := len(pol.RedLineCrossings); n > 0 {
		parts = append(parts, plural(n, "red line")+" crossed")
	}
	if n := len(pol.AwaitingApproval); n > 0 {
		parts = append(parts, plural(n, "pledge")+" awaiting approval")
	}
	if n := len(pol.NoPledge); n > 0 {
		parts = append(parts, plural(n, "guarantor")+" without a pledge")
	}
	for _, s := range r.Sequence {
		if s.State == "open" {
			continue
		}
		switch {
		case len(s.BlockedBy) > 0:
			parts = append(parts, fmt.Sprintf("step %s blocked by %s", s.ID, strings.Join(s.BlockedBy, ", ")))
		case len(s.Failing) > 0:
			parts = append(parts, fmt.Sprintf("step %s blocked: %s", s.ID, s.Failing[0].Expression))
		default:
			parts = append(parts, fmt.Sprintf("step %s blocked", s.ID))
		}
		break
	}
	return strings.Join(parts, "; ")
}

func worstRequirement(r *Report, domain string) RequirementCoverage {
	var worst RequirementCoverage
	first := true
	for _, rc := range r.Requirements {
		if rc.Domain == domain && (first || rc.Share < worst.Share) {
			worst, first = rc, false
		}
	}
	return worst
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Quantity formats a quantity for people: thousands separators, whole
// numbers without decimals, others with one.
func Quantity(q float64) string {
	if math.IsInf(q, 0) || math.IsNaN(q) {
		return strconv.FormatFloat(q, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Abs(q), 'f', 1, 64)
	if r := math.Round(q); math.Abs(q-r) < 0.05 {
		s = strconv.FormatFloat(math.Abs(r), 'f', 0, 64)
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if q < 0 && s != "0" {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// Percent formats a share (0.8) as "80 %"; a non-zero share below half a
// percent is "<1 %".
func Percent(share float64) string {
	if share > 0 && share < 0.005 {
		return "<1 %"
	}
	return fmt.Sprintf("%.0f %%", share*100)
}
