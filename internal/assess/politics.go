package assess

import (
	"github.com/backstop-dev/backstop/internal/model"
)

var (
	eurBn        = model.Unit{Raw: "EUR-bn", Money: true, Currency: "EUR", Scale: 1e9}
	eurBnPerYear = model.Unit{Raw: "EUR-bn/yr", Money: true, Currency: "EUR", Scale: 1e9, PerYear: true}
)

// parties summarises what each party declared and its burden share. Money
// totals cover every pledge of the latest declaration; points cover what
// counts towards requirements, whenever available.
func (a *assessment) parties(rs []RequirementCoverage, gdp GDP) ([]PartySummary, string) {
	points := map[string]float64{}
	for _, r := range rs {
		for _, c := range r.Contributions {
			points[c.Party] += c.Quantity / r.Required
		}
	}
	history := map[string]int{}
	for _, d := range a.set.Declarations(a.f.ID) {
		history[d.Party]++
	}
	var out []PartySummary
	var totalPoints, totalGDP float64
	usedFile := false
	for _, id := range a.partyIDs {
		p := a.f.Parties[id]
		if p.Role != model.Guarantor && p.Role != model.Beneficiary {
			continue
		}
		s := PartySummary{Party: id, Name: p.Name, Role: string(p.Role), Points: points[id], GDPUSDbn: p.GDPUSDBn}
		if d := a.latest[id]; d != nil {
			s.Declared, s.Superseded, s.Pledges = d.Date.String(), history[id]-1, len(d.Pledges)
			for _, pl := range d.Pledges {
				if !pl.Unit.Money {
					continue
				}
				to := eurBn
				if pl.Unit.PerYear {
					to = eurBnPerYear
				}
				q, _ := a.f.Rates.Convert(pl.Quantity, pl.Unit, to)
				del, _ := a.f.Rates.Convert(pl.Delivered, pl.Unit, to)
				if pl.Unit.PerYear {
					s.MoneyEURbnPerYear += q
					s.DeliveredEURbnPerYear += del
				} else {
					s.MoneyEURbn += q
					s.DeliveredEURbn += del
				}
			}
		}
		if s.GDPUSDbn == 0 && gdp != nil {
			if v, _, ok := gdp.Latest(id); ok {
				s.GDPUSDbn, usedFile = v, true
			}
		}
		if p.Role == model.Guarantor {
			totalPoints += s.Points
			totalGDP += s.GDPUSDbn
		}
		out = append(out, s)
	}
	for i := range out {
		s := &out[i]
		if s.Role != string(model.Guarantor) {
			continue
		}
		if totalPoints > 0 {
			s.Share = s.Points / totalPoints
		}
		if totalGDP > 0 && s.GDPUSDbn > 0 {
			s.GDPShare = s.GDPUSDbn / totalGDP
			s.BurdenRatio = s.Share / s.GDPShare
		}
	}
	source := "none: give gdp_usd_bn in the framework or --gdp FILE"
	switch {
	case usedFile:
		source = "framework gdp_usd_bn where given, else " + gdp.Source()
	case totalGDP > 0:
		source = "framework gdp_usd_bn"
	}
	if out == nil {
		out = []PartySummary{}
	}
	return out, source
}

// politics lists caveats broken and red lines crossed by the pledges that
// count (the latest declarations), supersessions, guarantors without a
// pledge, and pledges awaiting or refused approval.
func (a *assessment) politics() Politics {
	pol := Politics{
		CaveatViolations: []RestrictionHit{}, RedLineCrossings: []RestrictionHit{}, Superseded: []Supersession{},
		NoPledge: []string{}, AwaitingApproval: []PledgeRef{}, Rejected: []PledgeRef{},
	}
	for _, party := range a.declaring {
		own := a.f.Parties[party]
		if own == nil {
			continue
		}
		for i := range a.latest[party].Pledges {
			p := &a.latest[party].Pledges[i]
			for _, c := range own.Caveats {
				if c.Forbid.Matches(p, own.Tags) {
					pol.CaveatViolations = append(pol.CaveatViolations, RestrictionHit{Party: party, Pledge: p.ID, Owner: party, Restriction: c.ID, Note: c.Note})
				}
			}
			for _, other := range a.partyIDs {
				if other == party {
					continue
				}
				for _, rl := range a.f.Parties[other].RedLines {
					if rl.Forbid.Matches(p, own.Tags) {
						pol.RedLineCrossings = append(pol.RedLineCrossings, RestrictionHit{Party: party, Pledge: p.ID, Owner: other, Restriction: rl.ID, Note: rl.Note})
					}
				}
			}
			ref := PledgeRef{Party: party, Pledge: p.ID, Domain: string(p.Domain), Quantity: p.Quantity, Unit: p.Unit.Raw, Requires: string(p.Requires)}
			switch approvalOf(p) {
			case model.Pending:
				pol.AwaitingApproval = append(pol.AwaitingApproval, ref)
			case model.Rejected:
				pol.Rejected = append(pol.Rejected, ref)
			}
		}
	}
	for _, d := range a.set.Declarations(a.f.ID) {
		if l := a.latest[d.Party]; l != d {
			pol.Superseded = append(pol.Superseded, Supersession{Party: d.Party, Date: d.Date.String(), By: l.Date.String()})
		}
	}
	for _, id := range a.f.PartiesWithRole(model.Guarantor) {
		if d := a.latest[id]; d == nil || len(d.Pledges) == 0 {
			pol.NoPledge = append(pol.NoPledge, id)
		}
	}
	return pol
}
