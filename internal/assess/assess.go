package assess

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// GDP is where party GDP comes from when the framework gives none: an
// explicit input (internal/gdp reads the World Bank file), never a hidden path.
type GDP interface {
	// Latest returns the party's most recent GDP in USD billions.
	Latest(party string) (usdBn float64, year int, ok bool)
	// Source describes the data for the report.
	Source() string
}

// Options are the inputs of an assessment besides the documents.
type Options struct {
	// At is the assessment date: only pledges available on or before it count now.
	At model.Date
	// GDP is used for parties without gdp_usd_bn; nil means none.
	GDP GDP
}

// Assess assesses framework id of a validated set. An empty id means the
// set's only framework.
func Assess(set *load.Set, id string, opts Options) (*Report, error) {
	f, err := pickFramework(set, id)
	if err != nil {
		return nil, err
	}
	if opts.At.IsZero() {
		return nil, fmt.Errorf("assess: no assessment date")
	}
	a := newAssessment(set, f, opts.At)
	r := &Report{
		FormatVersion: FormatVersion,
		Framework:     FrameworkInfo{ID: f.ID, Title: f.Title, Status: string(f.Status), Beneficiary: f.Beneficiary},
		At:            opts.At.String(),
	}
	r.Requirements = a.requirements()
	r.Domains, r.Layers = a.summaries(r.Requirements)
	r.Timeline = a.timeline(r.Requirements)
	r.Matrix = a.matrix(r.Requirements)
	r.Parties, r.GDPSource = a.parties(r.Requirements, opts.GDP)
	r.Politics = a.politics()
	r.Sequence, err = a.sequence(r)
	if err != nil {
		return nil, err
	}
	r.Binding = a.bindingProfile(r.Requirements)
	r.Commitments = a.commitments()
	r.Verdict = verdict(r)
	return r, nil
}

func pickFramework(set *load.Set, id string) (*model.Framework, error) {
	if id != "" {
		if f := set.Framework(id); f != nil {
			return f, nil
		}
		return nil, fmt.Errorf("no framework %q among the loaded documents", id)
	}
	fs := set.Frameworks()
	switch len(fs) {
	case 0:
		return nil, fmt.Errorf("no framework among the loaded documents")
	case 1:
		return fs[0], nil
	}
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return nil, fmt.Errorf("%d frameworks loaded (%v): name one with --framework", len(fs), ids)
}

type assessment struct {
	set    *load.Set
	f      *model.Framework
	at     model.Date
	latest map[string]*model.Declaration
	// declaring are the parties with a declaration, sorted; partyIDs are
	// all parties, sorted; pledges indexes the latest declarations'
	// pledges by domain and layer, in party order. Built once: the rules
	// below run per requirement and per pledge.
	declaring []string
	partyIDs  []string
	pledges   map[domainLayer][]partyPledge
	// countable marks the pledges whose unit can count towards some
	// requirement of their domain and layer.
	countable map[*model.Pledge]bool
}

type domainLayer struct {
	domain model.Domain
	layer  model.Layer
}

type partyPledge struct {
	party  string
	pledge *model.Pledge
}

func newAssessment(set *load.Set, f *model.Framework, at model.Date) *assessment {
	a := &assessment{set: set, f: f, at: at, latest: set.Latest(f.ID), partyIDs: f.PartyIDs(),
		pledges: map[domainLayer][]partyPledge{}}
	for id := range a.latest {
		a.declaring = append(a.declaring, id)
	}
	sort.Strings(a.declaring)
	for _, party := range a.declaring {
		d := a.latest[party]
		for i := range d.Pledges {
			p := &d.Pledges[i]
			k := domainLayer{p.Domain, p.Layer}
			a.pledges[k] = append(a.pledges[k], partyPledge{party, p})
		}
	}
	a.countable = map[*model.Pledge]bool{}
	for _, req := range f.Requirements {
		for _, pp := range a.pledges[domainLayer{req.Domain, req.Layer}] {
			if _, ok := f.Rates.Convert(pp.pledge.Quantity, pp.pledge.Unit, req.Unit); ok {
				a.countable[pp.pledge] = true
			}
		}
	}
	return a
}

// requirements applies the counting rules of the language to every
// requirement: same domain and layer; same unit, or money converted
// through the rates with one-off and per-year kept apart; the
// requirement's posture and `by` date; rejected pledges never count; and
// only pledges available at the assessment date count now.
func (a *assessment) requirements() []RequirementCoverage {
	out := make([]RequirementCoverage, 0, len(a.f.Requirements))
	for _, req := range a.f.Requirements {
		rc := RequirementCoverage{
			ID: req.ID, Title: req.Title, Layer: int(req.Layer), Domain: string(req.Domain), Unit: req.Unit.Raw,
			Required: req.Quantity, Posture: string(req.Posture), By: req.By.String(),
			Contributions: []Contribution{}, Excluded: []Exclusion{},
		}
		for _, pp := range a.pledges[domainLayer{req.Domain, req.Layer}] {
			party, p := pp.party, pp.pledge
			q, ok := a.f.Rates.Convert(p.Quantity, p.Unit, req.Unit)
			ex := Exclusion{Party: party, Pledge: p.ID}
			switch {
			case !ok && a.countable[p]:
				continue // it counts towards a sibling requirement in its own unit
			case !ok:
				ex.Reason, ex.Detail = "unit", p.Unit.Raw+" does not count towards "+req.Unit.Raw
			case req.Posture != "" && p.Posture != req.Posture:
				ex.Reason, ex.Detail = "posture", "posture "+orNone(string(p.Posture))+", not "+string(req.Posture)
			case !req.By.IsZero() && !p.Available.AvailableBy(req.By):
				ex.Reason, ex.Detail = "by", "available "+p.Available.Date.String()+", after "+req.By.String()
			case p.Approval == model.Rejected:
				ex.Reason, ex.Detail = "rejected", string(p.Requires)+" rejected it"
			}
			if ex.Reason != "" {
				rc.Excluded = append(rc.Excluded, ex)
				continue
			}
			delivered, _ := a.f.Rates.Convert(p.Delivered, p.Unit, req.Unit)
			c := Contribution{Party: party, Pledge: p.ID, Quantity: q, Delivered: delivered,
				Approval: string(approvalOf(p)), Available: availability(p.Available), Now: p.Available.AvailableBy(a.at)}
			rc.Contributions = append(rc.Contributions, c)
			rc.Eventual += q
			if c.Now {
				rc.Pledged += q
				rc.Delivered += delivered
				if approved(p) {
					rc.Approved += q
				}
			}
		}
		rc.Share = rc.Pledged / req.Quantity
		rc.Met = rc.Share >= 1
		rc.MetOn = metOn(rc)
		out = append(out, rc)
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// approvalOf gives a pledge's approval state, defaulting as the language
// does: not-required without a vote, pending with one.
func approvalOf(p *model.Pledge) model.Approval {
	switch {
	case p.Approval != "":
		return p.Approval
	case p.NeedsSignOff():
		return model.Pending
	}
	return model.NotRequired
}

func approved(p *model.Pledge) bool {
	a := approvalOf(p)
	return a == model.Approved || a == model.NotRequired
}

func availability(av model.Availability) string {
	if av.Now || av.Date.IsZero() {
		return "now"
	}
	return av.Date.String()
}

// metOn is the first date on which the counted quantity reaches the
// requirement: "now" when pledges available now suffice.
func metOn(rc RequirementCoverage) string {
	cs := slices.Clone(rc.Contributions)
	slices.SortStableFunc(cs, func(x, y Contribution) int { return compareAvailability(x.Available, y.Available) })
	total := 0.0
	for _, c := range cs {
		total += c.Quantity
		if total >= rc.Required {
			return c.Available
		}
	}
	return ""
}

// compareAvailability orders "now" before every date.
func compareAvailability(x, y string) int {
	switch {
	case x == y:
		return 0
	case x == "now":
		return -1
	case y == "now":
		return 1
	case x < y:
		return -1
	}
	return 1
}

func (a *assessment) summaries(rs []RequirementCoverage) ([]DomainCoverage, []LayerCoverage) {
	domains := []DomainCoverage{}
	for _, d := range model.Domains {
		if n, met, cov := summarize(rs, func(r RequirementCoverage) bool { return r.Domain == string(d) }); n > 0 {
			domains = append(domains, DomainCoverage{Domain: string(d), Requirements: n, Met: met, Coverage: cov})
		}
	}
	layers := []LayerCoverage{}
	for _, l := range []int{1, 2} {
		if n, met, cov := summarize(rs, func(r RequirementCoverage) bool { return r.Layer == l }); n > 0 {
			layers = append(layers, LayerCoverage{Layer: l, Requirements: n, Met: met, Coverage: cov})
		}
	}
	return domains, layers
}

// summarize counts the requirements that match, those met, and their
// smallest share.
func summarize(rs []RequirementCoverage, match func(RequirementCoverage) bool) (n, met int, coverage float64) {
	coverage = math.Inf(1)
	for _, r := range rs {
		if match(r) {
			n++
			coverage = math.Min(coverage, r.Share)
			if r.Met {
				met++
			}
		}
	}
	return n, met, coverage
}

// coverageOf is the gate function coverage(domain): the smallest share of
// the domain's requirements, or 1 when the domain has none.
func coverageOf(domains []DomainCoverage, domain string) float64 {
	for _, d := range domains {
		if d.Domain == domain {
			return d.Coverage
		}
	}
	return 1
}

// timeline evaluates coverage on the assessment date and on every date
// a counted pledge becomes available.
func (a *assessment) timeline(rs []RequirementCoverage) []TimelinePoint {
	dates := map[string]bool{a.at.String(): true}
	for _, r := range rs {
		for _, c := range r.Contributions {
			if c.Available != "now" {
				dates[c.Available] = true
			}
		}
	}
	sorted := make([]string, 0, len(dates))
	for d := range dates {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	points := make([]TimelinePoint, 0, len(sorted))
	for _, day := range sorted {
		p := TimelinePoint{Date: day, Coverage: map[string]float64{}}
		for _, r := range rs {
			counted := 0.0
			for _, c := range r.Contributions {
				if c.Available == "now" || c.Available <= day {
					counted += c.Quantity
				}
			}
			share := counted / r.Required
			if prev, ok := p.Coverage[r.Domain]; !ok || share < prev {
				p.Coverage[r.Domain] = share
			}
			if share >= 1 {
				p.Met++
			}
		}
		points = append(points, p)
	}
	return points
}

// matrix counts every pledge that counts towards a requirement, whenever
// it becomes available: who gives what once all pledges are in.
func (a *assessment) matrix(rs []RequirementCoverage) Matrix {
	m := Matrix{Domains: []string{}, Rows: []MatrixRow{}}
	perDomain := map[string]int{}
	for _, d := range model.Domains {
		for _, r := range rs {
			if r.Domain == string(d) {
				perDomain[string(d)]++
			}
		}
		if perDomain[string(d)] > 0 {
			m.Domains = append(m.Domains, string(d))
		}
	}
	sums := map[string]map[int]float64{} // party → requirement index → quantity
	for i, r := range rs {
		for _, c := range r.Contributions {
			if sums[c.Party] == nil {
				sums[c.Party] = map[int]float64{}
			}
			sums[c.Party][i] += c.Quantity
		}
	}
	for _, party := range a.declaring {
		if len(sums[party]) == 0 {
			continue
		}
		row := MatrixRow{Party: party, Cells: map[string]Cell{}}
		for i, r := range rs {
			q := sums[party][i]
			if q == 0 {
				continue
			}
			cell := row.Cells[r.Domain]
			cell.Items = append(cell.Items, CellItem{Requirement: r.ID, Quantity: q, Unit: r.Unit, Share: q / r.Required})
			cell.Share += q / r.Required / float64(perDomain[r.Domain])
			row.Cells[r.Domain] = cell
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}
