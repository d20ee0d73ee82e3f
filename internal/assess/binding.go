package assess

import (
	"fmt"
	"sort"
	"strings"

	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

// bindingOrder lists the classes strongest first, as the profile shows them.
var bindingOrder = []model.Binding{model.SnapsIn, model.Conditional, model.Discretionary, model.Assurance}

// bindingProfile is the guarantee's binding profile: per domain with
// requirements, how the pledged coverage counted at the assessment date
// (the Pledged of its requirements, under the counting rules) splits by
// the pledges' effective class (model.DefaultBinding when not set).
// Shares weigh each requirement of the domain equally, as the matrix's
// cells do: a class's weight is the sum over the domain's requirements of
// its counted quantity over the required quantity; the shares are the
// weights over their total, so they add up to 1 whenever anything is
// pledged. Amounts give the same split in each unit of the domain, a
// pledge counted once per unit.
func (a *assessment) bindingProfile(rs []RequirementCoverage) []BindingProfile {
	pledges := map[[2]string]*model.Pledge{}
	for party, d := range a.latest {
		for i := range d.Pledges {
			pledges[[2]string{party, d.Pledges[i].ID}] = &d.Pledges[i]
		}
	}
	out := []BindingProfile{}
	for _, d := range model.Domains {
		p := BindingProfile{Domain: string(d), Amounts: []BindingAmount{}}
		var weights BindingSplit
		units := map[string]int{} // unit → index in Amounts
		seen := map[[3]string]bool{}
		for _, r := range rs {
			if r.Domain != string(d) {
				continue
			}
			p.Requirements++
			k, ok := units[r.Unit]
			if !ok {
				k = len(p.Amounts)
				units[r.Unit] = k
				p.Amounts = append(p.Amounts, BindingAmount{Unit: r.Unit})
			}
			for _, c := range r.Contributions {
				if !c.Now {
					continue
				}
				class := model.Discretionary
				if pl := pledges[[2]string{c.Party, c.Pledge}]; pl != nil {
					class = pl.EffectiveBinding()
				}
				weights.add(class, c.Quantity/r.Required)
				if key := [3]string{r.Unit, c.Party, c.Pledge}; !seen[key] {
					seen[key] = true
					p.Amounts[k].Pledged += c.Quantity
					p.Amounts[k].BindingSplit.add(class, c.Quantity)
				}
			}
		}
		if p.Requirements == 0 {
			continue
		}
		if total := weights.total(); total > 0 {
			p.Share = BindingSplit{Automatic: weights.Automatic / total, Conditional: weights.Conditional / total,
				Discretionary: weights.Discretionary / total, Assurance: weights.Assurance / total}
		}
		out = append(out, p)
	}
	return out
}

func (s *BindingSplit) add(class model.Binding, q float64) {
	switch class {
	case model.SnapsIn:
		s.Automatic += q
	case model.Conditional:
		s.Conditional += q
	case model.Assurance:
		s.Assurance += q
	default:
		s.Discretionary += q
	}
}

func (s BindingSplit) total() float64 {
	return s.Automatic + s.Conditional + s.Discretionary + s.Assurance
}

// Of is the split's value for a class.
func (s BindingSplit) Of(class model.Binding) float64 {
	switch class {
	case model.SnapsIn:
		return s.Automatic
	case model.Conditional:
		return s.Conditional
	case model.Assurance:
		return s.Assurance
	case model.Discretionary:
		return s.Discretionary
	}
	return 0
}

// BindingPhrase is how the verdict and the renderers name a class's part:
// "automatic", "conditional on a national decision", "discretionary",
// "only an assurance".
func BindingPhrase(class model.Binding) string {
	switch class {
	case model.Conditional:
		return "conditional on a national decision"
	case model.Assurance:
		return "only an assurance"
	}
	return string(class)
}

// BindingClasses lists the classes as the profile shows them, strongest
// first.
func BindingClasses() []model.Binding { return append([]model.Binding(nil), bindingOrder...) }

// bindingVerdict is the verdict's line on how binding the pledges are, for
// the first domain (in language order, land first) with coverage pledged:
// "of 12,500 troops pledged, 0 automatic, 5,000 conditional on a national
// decision, 7,500 discretionary, 0 only an assurance". "" when nothing is
// pledged.
func bindingVerdict(ps []BindingProfile) string {
	for _, p := range ps {
		for _, am := range p.Amounts {
			if am.Pledged <= 0 {
				continue
			}
			parts := []string{fmt.Sprintf("of %s pledged", numfmt.Quantity(am.Pledged, am.Unit))}
			for _, c := range bindingOrder {
				parts = append(parts, numfmt.Figure(am.Of(c), am.Unit)+" "+BindingPhrase(c))
			}
			return strings.Join(parts, ", ")
		}
	}
	return ""
}

// commitments lists every commitment of the declarations in force: the
// parties that are neither guarantor nor beneficiary (the adversary above
// all) first, then the others, each by party id, commitments in the
// declaration's order.
func (a *assessment) commitments() []CommitmentState {
	parties := make([]string, 0, len(a.latest))
	for id := range a.latest {
		parties = append(parties, id)
	}
	other := func(id string) bool {
		p := a.f.Parties[id]
		return p == nil || (p.Role != model.Guarantor && p.Role != model.Beneficiary)
	}
	sort.Slice(parties, func(i, j int) bool {
		if oi, oj := other(parties[i]), other(parties[j]); oi != oj {
			return oi
		}
		return parties[i] < parties[j]
	})
	out := []CommitmentState{}
	for _, id := range parties {
		role := ""
		if p := a.f.Parties[id]; p != nil {
			role = string(p.Role)
		}
		for i := range a.latest[id].Commitments {
			c := &a.latest[id].Commitments[i]
			s := CommitmentState{Party: id, Role: role, ID: c.ID, Title: c.Title, Status: string(c.Status()),
				Binding: string(c.Binding), Note: c.Note}
			if n := len(c.History); n > 0 {
				last := c.History[n-1]
				s.Since = last.Date.String()
				if last.Status == model.Violated && last.Breach != nil {
					s.Breach = breachName(*last.Breach)
				}
				if last.Note != "" && c.Note != "" {
					s.Note = last.Note + "; " + c.Note
				} else if last.Note != "" {
					s.Note = last.Note
				}
			}
			out = append(out, s)
		}
	}
	return out
}

// breachName names the breach a violation refers to: its id, or its
// trigger with the incidents or the map date that identify it.
func breachName(b model.BreachRef) string {
	if b.ID != "" {
		return b.ID
	}
	var parts []string
	if b.Trigger != "" {
		parts = append(parts, "trigger "+b.Trigger)
	}
	if len(b.Incidents) > 0 {
		parts = append(parts, "incidents "+strings.Join(b.Incidents, ", "))
	}
	if !b.MapDate.IsZero() {
		parts = append(parts, "map of "+b.MapDate.String())
	}
	return strings.Join(parts, ", ")
}
