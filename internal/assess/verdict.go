package assess

import (
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/internal/numfmt"
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
		part := fmt.Sprintf("%s %s/%s (%s)", d.Domain, numfmt.Figure(worst.Pledged, worst.Unit), numfmt.Quantity(worst.Required, worst.Unit), numfmt.Percent(worst.Share))
		if worst.By != "" {
			// "due", not "by": the date is the requirement's deadline,
			// not the assessment date printed beside the verdict.
			part += ", due " + worst.By
		}
		parts = append(parts, part)
	}
	if gaps > maxVerdictGaps {
		parts = append(parts, plural(gaps-maxVerdictGaps, "more domain")+" short")
	}
	switch {
	case len(r.Domains) == 0:
		parts = append(parts, "no requirements")
	case len(met) == 1 && len(r.Domains) == 1:
		parts = append(parts, "the one domain met")
	case len(met) == len(r.Domains):
		parts = append(parts, fmt.Sprintf("all %d domains met", len(met)))
	case len(met) > 0:
		parts = append(parts, strings.Join(met, ", ")+" met")
	}
	if b := bindingVerdict(r.Binding); b != "" {
		parts = append(parts, b)
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
