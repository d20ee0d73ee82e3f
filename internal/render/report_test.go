package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/golden"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

// ---------------------------------------------------------------------------
// Fixtures, written by hand.

// contribution is one counted pledge; now unless available is a date.
func contribution(party, pledge string, qty, delivered float64, approval, available string) assess.Contribution {
	return assess.Contribution{Party: party, Pledge: pledge, Quantity: qty, Delivered: delivered,
		Approval: approval, Available: available, Now: available == "now"}
}

func items(is ...assess.CellItem) assess.Cell {
	share := 0.0
	for _, it := range is {
		share += it.Share
	}
	return assess.Cell{Items: is, Share: share}
}

// cellOf is a cell of a domain with n requirements: its share is the mean
// over them.
func cellOf(n int, is ...assess.CellItem) assess.Cell {
	c := items(is...)
	c.Share /= float64(n)
	return c
}

func item(req string, qty float64, unit string, share float64) assess.CellItem {
	return assess.CellItem{Requirement: req, Quantity: qty, Unit: unit, Share: share}
}

// realistic is modelled on examples/ukraine-2025 assessed on 2025-08-29:
// 13 requirements in 11 domains, 10 guarantors, RU's red line crossed,
// GB's first declaration superseded, the first step blocked on land.
func realistic() *assess.Report {
	const at = "2025-08-29"
	req := func(id, title string, layer int, domain, unit string, required float64) assess.RequirementCoverage {
		return assess.RequirementCoverage{ID: id, Title: title, Layer: layer, Domain: domain, Unit: unit, Required: required,
			Contributions: []assess.Contribution{}, Excluded: []assess.Exclusion{}}
	}
	reqs := []assess.RequirementCoverage{
		req("ua-training", "Training of Ukrainian personnel", 1, "training", "trainees/yr", 40000),
		req("ua-equipment", "Equipment for the Ukrainian armed forces", 1, "equipment", "EUR-bn/yr", 30),
		req("ua-funding", "Funding of the Ukrainian armed forces", 1, "funding", "EUR-bn/yr", 50),
		req("reassurance-force", "Multinational reassurance force in Ukraine", 2, "land", "troops", 15000),
		req("air-policing", "Air policing over Ukraine", 2, "air", "aircraft", 24),
		req("air-defense-umbrella", "Ground-based air and missile defence", 2, "air-defense", "batteries", 8),
		req("black-sea-presence", "Maritime presence in the Black Sea region", 2, "maritime", "vessels", 6),
		req("isr-coverage", "Continuous ISR coverage and intelligence fusion", 2, "isr", "orbits", 3),
		req("cyber-defense", "Cyber defence teams", 2, "cyber", "teams", 6),
		req("logistics-hubs", "Logistics hubs for reinforcement", 2, "logistics", "hubs", 3),
		req("prepositioned-stocks", "Pre-positioned stocks (one-off)", 2, "logistics", "EUR-bn", 5),
		req("force-running-costs", "Common running costs of the reassurance force", 2, "funding", "EUR-bn/yr", 4),
		req("snapback-sanctions", "Sanctions that snap back automatically", 2, "sanctions", "packages", 2),
	}
	set := func(i int, pledged, approved, delivered, eventual float64, metOn string, cs ...assess.Contribution) {
		q := &reqs[i]
		q.Pledged, q.Approved, q.Delivered, q.Eventual, q.MetOn = pledged, approved, delivered, eventual, metOn
		q.Share = pledged / q.Required
		q.Met = q.Share >= 1
		q.Contributions = append(q.Contributions, cs...)
	}
	const nr, ok, pending = "not-required", "approved", "pending"
	set(0, 32000, 26000, 12000, 38000, "",
		contribution("GB", "gb-training", 8000, 4000, nr, "now"), contribution("FR", "fr-training", 10000, 5000, nr, "now"),
		contribution("DE", "de-training", 8000, 3000, ok, "now"), contribution("CA", "ca-training", 6000, 0, pending, "now"),
		contribution("PL", "pl-training", 6000, 0, nr, "2026-01-01"))
	set(1, 17.2037037, 17.2037037, 6.5, 20.2037037, "",
		contribution("GB", "gb-equipment", 3, 1.5, nr, "now"), contribution("US", "us-equipment", 3.7037037, 1, nr, "now"),
		contribution("DE", "de-equipment", 8, 3, ok, "now"), contribution("FR", "fr-equipment", 2.5, 1, nr, "now"),
		contribution("IT", "it-equipment", 3, 0, pending, "2026-01-01"))
	set(2, 47, 45, 20, 52, "2026-01-01",
		contribution("EU", "eu-facility", 35, 18, nr, "now"), contribution("DE", "de-funding", 7, 2, ok, "now"),
		contribution("SE", "se-funding", 2, 0, nr, "now"), contribution("FI", "fi-funding", 1, 0, nr, "now"),
		contribution("IT", "it-funding", 2, 0, pending, "now"), contribution("FR", "fr-funding", 5, 0, nr, "2026-01-01"))
	set(3, 12000, 11000, 0, 14000, "",
		contribution("GB", "gb-brigade", 4000, 0, nr, "now"), contribution("FR", "fr-battlegroup", 5000, 0, nr, "now"),
		contribution("CA", "ca-troops", 1000, 0, pending, "now"), contribution("PL", "pl-troops", 2000, 0, nr, "now"),
		contribution("SE", "se-company", 2000, 0, nr, "2026-02-01"))
	reqs[3].Posture, reqs[3].By = "in-theatre", "2026-03-01"
	reqs[3].Excluded = []assess.Exclusion{{Party: "IT", Pledge: "it-brigade", Reason: "by", Detail: "available 2026-06-01, after 2026-03-01"}}
	set(4, 8, 8, 4, 24, "2025-11-01",
		contribution("FR", "fr-rafale", 4, 4, nr, "now"), contribution("SE", "se-gripen", 4, 0, nr, "now"),
		contribution("US", "us-air-policing", 12, 0, nr, "2025-10-01"), contribution("GB", "gb-typhoons", 4, 0, nr, "2025-11-01"))
	set(5, 8, 3, 2, 8, "now",
		contribution("US", "us-patriot", 2, 2, nr, "now"), contribution("DE", "de-patriot", 3, 0, pending, "now"),
		contribution("IT", "it-samp", 2, 0, pending, "now"), contribution("FR", "fr-mamba", 1, 0, nr, "now"))
	set(6, 2, 2, 1, 4, "",
		contribution("FR", "fr-frigate", 1, 1, nr, "now"), contribution("IT", "it-frigate", 1, 0, nr, "now"),
		contribution("GB", "gb-mcm", 2, 0, nr, "2026-01-01"))
	reqs[6].Posture = "in-region"
	set(7, 3, 3, 3, 3, "now", contribution("US", "us-isr", 2, 2, nr, "now"), contribution("GB", "gb-isr", 1, 1, nr, "now"))
	set(8, 4, 4, 2, 4, "",
		contribution("GB", "gb-cyber", 1, 1, nr, "now"), contribution("FI", "fi-cyber", 1, 1, nr, "now"),
		contribution("SE", "se-cyber", 1, 0, nr, "now"), contribution("PL", "pl-cyber", 1, 0, nr, "now"))
	set(9, 1, 1, 0, 2, "", contribution("PL", "pl-hub", 1, 0, nr, "now"), contribution("DE", "de-hub", 1, 0, nr, "2026-01-01"))
	set(10, 0, 0, 0, 1, "", contribution("GB", "gb-stocks", 1, 0, nr, "2026-01-01"))
	set(11, 4, 4, 1, 4, "now",
		contribution("EU", "eu-running-costs", 2, 1, nr, "now"), contribution("FR", "fr-running-costs", 1, 0, nr, "now"),
		contribution("DE", "de-running-costs", 1, 0, ok, "now"))
	set(12, 3, 3, 3, 3, "now",
		contribution("EU", "eu-sanctions", 1, 1, nr, "now"), contribution("US", "us-sanctions", 1, 1, nr, "now"),
		contribution("GB", "gb-sanctions", 1, 1, nr, "now"))

	domains := []string{"land", "air", "air-defense", "maritime", "cyber", "isr", "training", "equipment", "logistics", "funding", "sanctions"}
	cov := func(vs ...float64) map[string]float64 {
		m := map[string]float64{}
		for i, d := range domains {
			m[d] = vs[i]
		}
		return m
	}
	const third, twoThirds = 1.0 / 3, 2.0 / 3
	equipment := 17.2037037 / 30
	return &assess.Report{
		FormatVersion: assess.FormatVersion,
		Framework: assess.FrameworkInfo{ID: "ukraine-2025", Title: "Coalition security guarantee for Ukraine (secretariat draft, 29 Aug 2025)",
			Status: "draft", Beneficiary: "UA"},
		At: at,
		Verdict: "not covered: land 12,000/15,000 troops (80 %), air 8/24 aircraft (33 %), maritime 2/6 vessels (33 %) and 5 more domains; " +
			"met: air-defense, isr, sanctions; 4 red lines crossed; 6 pledges awaiting approval; step guarantees-agreed blocked: coverage(\"land\") >= 1.0",
		Requirements: reqs,
		Domains: []assess.DomainCoverage{
			{Domain: "land", Requirements: 1, Coverage: 0.8},
			{Domain: "air", Requirements: 1, Coverage: third},
			{Domain: "air-defense", Requirements: 1, Met: 1, Coverage: 1},
			{Domain: "maritime", Requirements: 1, Coverage: third},
			{Domain: "cyber", Requirements: 1, Coverage: twoThirds},
			{Domain: "isr", Requirements: 1, Met: 1, Coverage: 1},
			{Domain: "training", Requirements: 1, Coverage: 0.8},
			{Domain: "equipment", Requirements: 1, Coverage: equipment},
			{Domain: "logistics", Requirements: 2, Coverage: 0},
			{Domain: "funding", Requirements: 2, Met: 1, Coverage: 0.94},
			{Domain: "sanctions", Requirements: 1, Met: 1, Coverage: 1.5},
		},
		Layers: []assess.LayerCoverage{
			{Layer: 1, Requirements: 3, Coverage: equipment},
			{Layer: 2, Requirements: 10, Met: 4, Coverage: 0},
		},
		Timeline: []assess.TimelinePoint{
			{Date: at, Met: 4, Coverage: cov(0.8, third, 1, third, twoThirds, 1, 0.8, equipment, 0, 0.94, 1.5)},
			{Date: "2025-10-01", Met: 4, Coverage: cov(0.8, 20.0/24, 1, third, twoThirds, 1, 0.8, equipment, 0, 0.94, 1.5)},
			{Date: "2025-11-01", Met: 5, Coverage: cov(0.8, 1, 1, third, twoThirds, 1, 0.8, equipment, 0, 0.94, 1.5)},
			{Date: "2026-01-01", Met: 6, Coverage: cov(0.8, 1, 1, twoThirds, twoThirds, 1, 0.95, equipment+0.1, 0.2, 1, 1.5)},
			{Date: "2026-02-01", Met: 6, Coverage: cov(14000.0/15000, 1, 1, twoThirds, twoThirds, 1, 0.95, equipment+0.1, 0.2, 1, 1.5)},
		},
		Matrix: assess.Matrix{Domains: domains, Rows: []assess.MatrixRow{
			{Party: "US", Cells: map[string]assess.Cell{
				"air":         items(item("air-policing", 12, "aircraft", 0.5)),
				"air-defense": items(item("air-defense-umbrella", 2, "batteries", 0.25)),
				"isr":         items(item("isr-coverage", 2, "orbits", twoThirds)),
				"equipment":   items(item("ua-equipment", 3.7037037, "EUR-bn/yr", 3.7037037/30)),
				"sanctions":   items(item("snapback-sanctions", 1, "packages", 0.5)),
			}},
			{Party: "GB", Cells: map[string]assess.Cell{
				"land":      items(item("reassurance-force", 4000, "troops", 4000.0/15000)),
				"air":       items(item("air-policing", 4, "aircraft", 4.0/24)),
				"maritime":  items(item("black-sea-presence", 2, "vessels", third)),
				"cyber":     items(item("cyber-defense", 1, "teams", 1.0/6)),
				"isr":       items(item("isr-coverage", 1, "orbits", third)),
				"training":  items(item("ua-training", 8000, "trainees/yr", 0.2)),
				"equipment": items(item("ua-equipment", 3, "EUR-bn/yr", 0.1)),
				"logistics": cellOf(2, item("prepositioned-stocks", 1, "EUR-bn", 0.2)),
				"sanctions": items(item("snapback-sanctions", 1, "packages", 0.5)),
			}},
			{Party: "FR", Cells: map[string]assess.Cell{
				"land":        items(item("reassurance-force", 5000, "troops", third)),
				"air":         items(item("air-policing", 4, "aircraft", 4.0/24)),
				"air-defense": items(item("air-defense-umbrella", 1, "batteries", 0.125)),
				"maritime":    items(item("black-sea-presence", 1, "vessels", 1.0/6)),
				"training":    items(item("ua-training", 10000, "trainees/yr", 0.25)),
				"equipment":   items(item("ua-equipment", 2.5, "EUR-bn/yr", 2.5/30)),
				"funding":     cellOf(2, item("ua-funding", 5, "EUR-bn/yr", 0.1), item("force-running-costs", 1, "EUR-bn/yr", 0.25)),
			}},
			{Party: "DE", Cells: map[string]assess.Cell{
				"air-defense": items(item("air-defense-umbrella", 3, "batteries", 0.375)),
				"training":    items(item("ua-training", 8000, "trainees/yr", 0.2)),
				"equipment":   items(item("ua-equipment", 8, "EUR-bn/yr", 8.0/30)),
				"logistics":   cellOf(2, item("logistics-hubs", 1, "hubs", third)),
				"funding":     cellOf(2, item("ua-funding", 7, "EUR-bn/yr", 0.14), item("force-running-costs", 1, "EUR-bn/yr", 0.25)),
			}},
			{Party: "IT", Cells: map[string]assess.Cell{
				"air-defense": items(item("air-defense-umbrella", 2, "batteries", 0.25)),
				"maritime":    items(item("black-sea-presence", 1, "vessels", 1.0/6)),
				"equipment":   items(item("ua-equipment", 3, "EUR-bn/yr", 0.1)),
				"funding":     cellOf(2, item("ua-funding", 2, "EUR-bn/yr", 0.04)),
			}},
			{Party: "PL", Cells: map[string]assess.Cell{
				"land":      items(item("reassurance-force", 2000, "troops", 2000.0/15000)),
				"cyber":     items(item("cyber-defense", 1, "teams", 1.0/6)),
				"training":  items(item("ua-training", 6000, "trainees/yr", 0.15)),
				"logistics": cellOf(2, item("logistics-hubs", 1, "hubs", third)),
			}},
			{Party: "FI", Cells: map[string]assess.Cell{
				"cyber":   items(item("cyber-defense", 1, "teams", 1.0/6)),
				"funding": cellOf(2, item("ua-funding", 1, "EUR-bn/yr", 0.02)),
			}},
			{Party: "SE", Cells: map[string]assess.Cell{
				"land":    items(item("reassurance-force", 2000, "troops", 2000.0/15000)),
				"air":     items(item("air-policing", 4, "aircraft", 4.0/24)),
				"cyber":   items(item("cyber-defense", 1, "teams", 1.0/6)),
				"funding": cellOf(2, item("ua-funding", 2, "EUR-bn/yr", 0.04)),
			}},
			{Party: "CA", Cells: map[string]assess.Cell{
				"land":     items(item("reassurance-force", 1000, "troops", 1000.0/15000)),
				"training": items(item("ua-training", 6000, "trainees/yr", 0.15)),
			}},
			{Party: "EU", Cells: map[string]assess.Cell{
				"funding":   cellOf(2, item("ua-funding", 35, "EUR-bn/yr", 0.7), item("force-running-costs", 2, "EUR-bn/yr", 0.5)),
				"sanctions": items(item("snapback-sanctions", 1, "packages", 0.5)),
			}},
		}},
		Parties: []assess.PartySummary{
			{Party: "UA", Name: "Ukraine", Role: "beneficiary"},
			party("US", "United States", "2025-08-27", 0, 5, 0, 3.7037037, 0, 1, 2.0402, 0.1806, 29185, 0.6198),
			party("GB", "United Kingdom", "2025-08-29", 1, 9, 1, 3, 0, 1.5, 2.2667, 0.2006, 3644, 0.0774),
			party("FR", "France", "2025-08-28", 0, 9, 0, 8.5, 0, 1, 1.475, 0.1306, 3162, 0.0671),
			party("DE", "Germany", "2025-08-28", 0, 7, 0, 16, 0, 5, 1.565, 0.1385, 4660, 0.0990),
			party("IT", "Italy", "2025-08-28", 0, 5, 0, 5, 0, 0, 0.5567, 0.0493, 2373, 0.0504),
			party("PL", "Poland", "2025-08-27", 0, 4, 0, 0, 0, 0, 0.7833, 0.0693, 915, 0.0194),
			party("FI", "Finland", "2025-08-27", 0, 2, 0, 1, 0, 0, 0.1867, 0.0165, 300, 0.0064),
			party("SE", "Sweden", "2025-08-27", 0, 5, 0, 2, 0, 0, 0.5067, 0.0449, 610, 0.0130),
			party("CA", "Canada", "2025-08-26", 0, 2, 0, 0, 0, 0, 0.2167, 0.0192, 2241, 0.0476),
			party("EU", "European Union", "2025-08-28", 0, 3, 0, 37, 0, 19, 1.7, 0.1505, 0, 0),
		},
		GDPSource: "gdp_usd_bn in the framework (illustrative, 2024)",
		Politics: assess.Politics{
			CaveatViolations: []assess.RestrictionHit{},
			RedLineCrossings: []assess.RestrictionHit{
				redLine("GB", "gb-brigade"), redLine("FR", "fr-battlegroup"), redLine("PL", "pl-troops"), redLine("CA", "ca-troops"),
			},
			Superseded: []assess.Supersession{{Party: "GB", Date: "2025-08-25", By: "2025-08-29"}},
			NoPledge:   []string{},
			AwaitingApproval: []assess.PledgeRef{
				{Party: "CA", Pledge: "ca-troops", Domain: "land", Quantity: 1000, Unit: "troops", Requires: "parliament"},
				{Party: "CA", Pledge: "ca-training", Domain: "training", Quantity: 6000, Unit: "trainees/yr", Requires: "parliament"},
				{Party: "DE", Pledge: "de-patriot", Domain: "air-defense", Quantity: 3, Unit: "batteries", Requires: "parliament"},
				{Party: "IT", Pledge: "it-samp", Domain: "air-defense", Quantity: 2, Unit: "batteries", Requires: "parliament"},
				{Party: "IT", Pledge: "it-funding", Domain: "funding", Quantity: 2, Unit: "EUR-bn/yr", Requires: "parliament"},
				{Party: "IT", Pledge: "it-equipment", Domain: "equipment", Quantity: 3, Unit: "EUR-bn/yr", Requires: "parliament"},
			},
			Rejected: []assess.PledgeRef{},
		},
		Sequence: []assess.StepStatus{
			{ID: "guarantees-agreed", Title: "Security guarantee framework agreed", After: []string{},
				Gate:  `coverage("land") >= 1.0 && coverage("air-defense") >= 1.0 && signed_guarantors() >= 10`,
				State: "blocked", BlockedBy: []string{},
				Failing: []assess.Condition{{Expression: `coverage("land") >= 1.0`, Values: map[string]string{`coverage("land")`: "0.80"}}}},
			{ID: "territorial-talks", Title: "Talks on territory", After: []string{"guarantees-agreed"}, Gate: `signed("UA")`,
				State: "blocked", BlockedBy: []string{"guarantees-agreed"}, Failing: []assess.Condition{}},
			{ID: "leaders-meeting", Title: "Meeting of leaders including Putin and Zelensky", After: []string{"territorial-talks"},
				Gate: `done("territorial-talks") && signed("US")`, State: "blocked", BlockedBy: []string{"territorial-talks"},
				Failing: []assess.Condition{{Expression: `done("territorial-talks")`, Values: map[string]string{`done("territorial-talks")`: "false"}}}},
		},
		Binding: []assess.BindingProfile{
			{Domain: "land", Requirements: 1,
				Amounts: []assess.BindingAmount{{Unit: "troops", Pledged: 12000, BindingSplit: assess.BindingSplit{Conditional: 4500, Discretionary: 7500}}},
				Share:   assess.BindingSplit{Conditional: 0.375, Discretionary: 0.625}},
			{Domain: "logistics", Requirements: 2,
				Amounts: []assess.BindingAmount{{Unit: "hubs", Pledged: 2, BindingSplit: assess.BindingSplit{Discretionary: 2}},
					{Unit: "EUR-bn", Pledged: 4, BindingSplit: assess.BindingSplit{Automatic: 1, Discretionary: 3}}},
				Share: assess.BindingSplit{Automatic: 0.1, Discretionary: 0.9}},
			{Domain: "sanctions", Requirements: 1,
				Amounts: []assess.BindingAmount{{Unit: "packages", Pledged: 3, BindingSplit: assess.BindingSplit{Automatic: 2, Assurance: 1}}},
				Share:   assess.BindingSplit{Automatic: 2.0 / 3, Assurance: 1.0 / 3}},
			{Domain: "cyber", Requirements: 1, Amounts: []assess.BindingAmount{{Unit: "teams"}}},
		},
		Commitments: []assess.CommitmentState{
			{Party: "RU", Role: "consulted", ID: "non-aggression-law", Title: "Enact a law not to attack Ukraine or other European countries",
				Status: "proposed", Since: "2025-08-17", Binding: "assurance", Note: "seed 004: Witkoff said Russia had agreed to enact such a law"},
			{Party: "RU", Role: "consulted", ID: "heavy-weapons-15km", Title: "Withdraw heavy weapons 15 km from the line of contact",
				Status: "violated", Since: "2025-09-03", Breach: "B-5404039898", Note: "illustrative"},
		},
	}
}

func party(id, name, declared string, superseded, pledges int, money, perYear, delivered, deliveredPerYear, points, share, gdp, gdpShare float64) assess.PartySummary {
	p := assess.PartySummary{Party: id, Name: name, Role: "guarantor", Declared: declared, Superseded: superseded, Pledges: pledges,
		MoneyEURbn: money, MoneyEURbnPerYear: perYear, DeliveredEURbn: delivered, DeliveredEURbnPerYear: deliveredPerYear,
		Points: points, Share: share, GDPUSDbn: gdp, GDPShare: gdpShare}
	if gdpShare > 0 {
		p.BurdenRatio = share / gdpShare
	}
	return p
}

func redLine(party, pledge string) assess.RestrictionHit {
	return assess.RestrictionHit{Party: party, Pledge: pledge, Owner: "RU", Restriction: "no-nato-troops",
		Note: "seed 003: Russia says any military presence of NATO member countries in Ukraine, such as peacekeepers, is unacceptable"}
}

// emptyReport has nothing to assess: no requirement, no party, a timeline
// of one date without domains.
func emptyReport() *assess.Report {
	return &assess.Report{
		FormatVersion: assess.FormatVersion,
		Framework:     assess.FrameworkInfo{ID: "empty", Title: "Empty framework", Status: "draft", Beneficiary: "XX"},
		At:            "2025-01-01",
		Verdict:       "nothing to assess: the framework has no requirement",
		Requirements:  []assess.RequirementCoverage{},
		Domains:       []assess.DomainCoverage{},
		Layers:        []assess.LayerCoverage{},
		Timeline:      []assess.TimelinePoint{{Date: "2025-01-01", Coverage: map[string]float64{}}},
		Matrix:        assess.Matrix{Domains: []string{}, Rows: []assess.MatrixRow{}},
		Parties:       []assess.PartySummary{},
		Politics: assess.Politics{CaveatViolations: []assess.RestrictionHit{}, RedLineCrossings: []assess.RestrictionHit{},
			Superseded: []assess.Supersession{}, NoPledge: []string{}, AwaitingApproval: []assess.PledgeRef{}, Rejected: []assess.PledgeRef{}},
		Sequence:    []assess.StepStatus{},
		Binding:     []assess.BindingProfile{},
		Commitments: []assess.CommitmentState{},
	}
}

// surplus has coverage above 100 % on a single date, a share below 1 %,
// text to escape in every format, a broken caveat, a rejected pledge, a
// guarantor without a pledge and GDP unknown.
func surplus() *assess.Report {
	r := emptyReport()
	r.Framework = assess.FrameworkInfo{ID: "baltic-air", Title: `Baltic air policing <draft> & "test" | *not* _final_`, Status: "agreed", Beneficiary: "EE"}
	r.At = "2026-01-15"
	r.Verdict = `covered: air 12/8 aircraft (150 %), sanctions 3/1 packages (300 %); short: cyber 2.0/500.0 EUR-m/yr (<1 %); 1 caveat broken`
	r.Requirements = []assess.RequirementCoverage{
		{ID: "air-policing", Title: "Air policing", Layer: 1, Domain: "air", Unit: "aircraft", Required: 8, Pledged: 12, Approved: 12,
			Delivered: 8, Share: 1.5, Met: true, Eventual: 12, MetOn: "now",
			Contributions: []assess.Contribution{contribution("FI", "fi-hornets", 12, 8, "not-required", "now")}, Excluded: []assess.Exclusion{}},
		{ID: "cyber-fund", Title: "Cyber fund", Layer: 1, Domain: "cyber", Unit: "EUR-m/yr", Required: 500, Pledged: 2, Approved: 2,
			Share: 0.004, Eventual: 2.5, Contributions: []assess.Contribution{contribution("SE", "se-cyber", 2, 0, "approved", "now")},
			Excluded: []assess.Exclusion{{Party: "SE", Pledge: "se-radar", Reason: "rejected", Detail: "approval: rejected"}}},
		{ID: "sanctions", Title: "Sanctions", Layer: 1, Domain: "sanctions", Unit: "packages", Required: 1, Pledged: 3, Approved: 3,
			Delivered: 0.5, Share: 3, Met: true, Eventual: 3, MetOn: "now",
			Contributions: []assess.Contribution{contribution("SE", "se-sanctions", 3, 0.5, "not-required", "now")}, Excluded: []assess.Exclusion{}},
	}
	r.Domains = []assess.DomainCoverage{
		{Domain: "air", Requirements: 1, Met: 1, Coverage: 1.5},
		{Domain: "cyber", Requirements: 1, Coverage: 0.004},
		{Domain: "sanctions", Requirements: 1, Met: 1, Coverage: 3},
	}
	r.Layers = []assess.LayerCoverage{{Layer: 1, Requirements: 3, Met: 2, Coverage: 0.004}}
	r.Timeline = []assess.TimelinePoint{{Date: "2026-01-15", Met: 2, Coverage: map[string]float64{"air": 1.5, "cyber": 0.004, "sanctions": 3}}}
	r.Matrix = assess.Matrix{Domains: []string{"air", "cyber", "sanctions"}, Rows: []assess.MatrixRow{
		{Party: "FI", Cells: map[string]assess.Cell{"air": items(item("air-policing", 12, "aircraft", 1.5))}},
		{Party: "SE", Cells: map[string]assess.Cell{
			"cyber":     items(item("cyber-fund", 2, "EUR-m/yr", 0.004)),
			"sanctions": items(item("sanctions", 3, "packages", 3)),
		}},
	}}
	r.Parties = []assess.PartySummary{
		{Party: "FI", Name: "Finland", Role: "guarantor", Declared: "2026-01-10", Pledges: 1, Points: 1.5, Share: 1.5 / 4.504},
		{Party: "SE", Name: "Sweden", Role: "guarantor", Declared: "2026-01-12", Pledges: 3, MoneyEURbnPerYear: 0.002,
			Points: 3.004, Share: 3.004 / 4.504},
		{Party: "NO", Name: "Norway", Role: "guarantor"},
	}
	r.GDPSource = ""
	r.Politics.CaveatViolations = []assess.RestrictionHit{{Party: "FI", Pledge: "fi-hornets", Owner: "FI", Restriction: "no-strikes",
		Note: `Finland's own caveat: air policing only, <no strikes> & no "deep" missions`}}
	r.Politics.NoPledge = []string{"NO"}
	r.Politics.Rejected = []assess.PledgeRef{{Party: "SE", Pledge: "se-radar", Domain: "cyber", Quantity: 1.5, Unit: "EUR-m/yr", Requires: "parliament"}}
	r.Sequence = []assess.StepStatus{{ID: "patrols-start", Title: "Patrols start", After: []string{}, Gate: "covered()", State: "open",
		BlockedBy: []string{}, Failing: []assess.Condition{}}}
	return r
}

// allZero has two dates on which nothing is covered, for the chart.
func allZero() *assess.Report {
	r := emptyReport()
	r.Framework.ID, r.Framework.Title = "zero", "Nothing pledged"
	r.Timeline = []assess.TimelinePoint{
		{Date: "2025-01-01", Coverage: map[string]float64{"land": 0, "air": 0}},
		{Date: "2025-03-01", Coverage: map[string]float64{"land": 0, "air": 0}},
	}
	r.Domains = []assess.DomainCoverage{{Domain: "land", Requirements: 1}, {Domain: "air", Requirements: 1}}
	return r
}

var fixtures = []struct {
	name   string
	report func() *assess.Report
}{
	{"realistic", realistic},
	{"empty", emptyReport},
	{"surplus", surplus},
}

// ---------------------------------------------------------------------------
// Golden files.

type renderer struct {
	ext    string
	render func(io.Writer, *assess.Report) error
}

var renderers = []renderer{
	{"txt", func(w io.Writer, r *assess.Report) error { return Table(w, r, TableOptions{}) }},
	{"md", Markdown},
	{"svg", CoverageChart},
	{"html", HTML},
	{"json", JSON},
}

func render(t *testing.T, f func(io.Writer, *assess.Report) error, r *assess.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		for _, rd := range renderers {
			t.Run(fx.name+"."+rd.ext, func(t *testing.T) {
				got := render(t, rd.render, fx.report())
				golden.Compare(t, filepath.Join("testdata", fx.name+"."+rd.ext+".golden"), got)
			})
		}
	}
	t.Run("realistic.color.txt", func(t *testing.T) {
		var b bytes.Buffer
		if err := Table(&b, realistic(), TableOptions{Color: true}); err != nil {
			t.Fatal(err)
		}
		golden.Compare(t, filepath.Join("testdata", "realistic.color.txt.golden"), b.String())
	})
	t.Run("all-zero.svg", func(t *testing.T) {
		golden.Compare(t, filepath.Join("testdata", "all-zero.svg.golden"), render(t, CoverageChart, allZero()))
	})
}

// ---------------------------------------------------------------------------
// Properties of the outputs.

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func table(t *testing.T, r *assess.Report, o TableOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := Table(&b, r, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTableFitsWidth(t *testing.T) {
	for _, width := range []int{0, 100, 80, 60} {
		limit := width
		if limit == 0 {
			limit = 100
		}
		for _, fx := range fixtures {
			out := table(t, fx.report(), TableOptions{Width: width})
			for i, l := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(l); n > limit {
					t.Errorf("%s, width %d: line %d has %d columns:\n%s", fx.name, width, i+1, n, l)
				}
				if strings.HasSuffix(l, " ") {
					t.Errorf("%s, width %d: line %d ends with a space: %q", fx.name, width, i+1, l)
				}
			}
		}
	}
}

func TestTableColor(t *testing.T) {
	for _, fx := range fixtures {
		plain := table(t, fx.report(), TableOptions{})
		if strings.Contains(plain, "\x1b") {
			t.Errorf("%s: escape character without Color", fx.name)
		}
		colored := table(t, fx.report(), TableOptions{Color: true})
		if !ansi.MatchString(colored) {
			t.Errorf("%s: no ANSI colour with Color", fx.name)
		}
		// Colour must not move anything: without its codes the text is the same.
		if stripped := ansi.ReplaceAllString(colored, ""); stripped != plain {
			t.Errorf("%s: the coloured table, without its colour codes, differs from the plain one", fx.name)
		}
	}
	colored := table(t, realistic(), TableOptions{Color: true})
	for _, want := range []string{
		ansiRed + "80 %" + ansiReset,    // reassurance-force unmet
		ansiGreen + "100 %" + ansiReset, // air-defense met
		ansiRed + "blocked" + ansiReset, // guarantees-agreed
		ansiYellow + "GB gb-brigade crosses RU's no-nato-troops" + ansiReset,
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured table lacks %q", want)
		}
	}
}

func TestTableSections(t *testing.T) {
	out := table(t, realistic(), TableOptions{})
	if first, _, _ := strings.Cut(out, "\n"); !strings.HasPrefix(realistic().Verdict, first) {
		t.Errorf("the first line is not the verdict: %q", first)
	}
	last := -1
	for _, s := range []string{"Requirements", "Domains and layers", "Coverage over time", "Who gives what", "Burden sharing", "How binding", "Politics", "Commitments", "Sequence"} {
		i := strings.Index(out, "── "+s)
		if i < last {
			t.Errorf("section %q missing or out of order", s)
		}
		last = i
	}
	words := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"12,000 troops", "15,000 troops", "47.0 EUR-bn/yr", "80 %",
		"GB gb-brigade crosses RU's no-nato-troops",
		"GB's declaration of 2025-08-25, superseded by that of 2025-08-29",
		"caveat violations: none", "guarantors with no pledge: none", "rejected: none",
		`coverage("land") >= 1.0 where coverage("land") = 0.80`,
		"steady throughout: air-defense 100 %, cyber 67 %, isr 100 %, sanctions 150 %",
		"4,500 (38 %)", "0 + 1.0 (10 %)", "violated since 2025-09-03 (breach B-5404039898)",
	} {
		if !strings.Contains(words, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	words = strings.Join(strings.Fields(table(t, surplus(), TableOptions{})), " ")
	for _, want := range []string{"guarantors with no pledge (1): NO", "caveat violations (1):", "FI fi-hornets breaks its own caveat no-strikes", "<1 %", "300 %"} {
		if !strings.Contains(words, want) {
			t.Errorf("surplus table lacks %q", want)
		}
	}
}

// At 100 columns the timeline keeps the changing domains; given room, all.
func TestTableTimelineWidth(t *testing.T) {
	wide := table(t, realistic(), TableOptions{Width: 200})
	if strings.Contains(wide, "steady throughout") {
		t.Error("at 200 columns the timeline should show every domain")
	}
	_, timeline, _ := strings.Cut(wide, "── Coverage over time")
	header := strings.Split(timeline, "\n")[1]
	if strings.Fields(header)[0] != "date" || !strings.Contains(header, "air-defense") || !strings.Contains(header, "sanctions") {
		t.Errorf("timeline header at 200 columns: %q", header)
	}
}

// Every part of a split matrix starts with the party column and fits.
func TestTableMatrixParts(t *testing.T) {
	out := table(t, realistic(), TableOptions{Width: 100})
	_, matrix, _ := strings.Cut(out, "── Who gives what")
	matrix, _, _ = strings.Cut(matrix, "── Burden sharing")
	parts := strings.Split(matrix, "(part ")
	if len(parts) < 3 {
		t.Fatalf("the 11-domain matrix should be split at 100 columns:\n%s", matrix)
	}
	seen := map[string]bool{}
	for _, p := range parts[1:] {
		ls := strings.Split(p, "\n")
		head := strings.Fields(ls[1])
		if head[0] != "party" {
			t.Errorf("part header %q does not start with party", ls[1])
		}
		for _, d := range head[1:] {
			seen[d] = true
		}
	}
	for _, d := range realistic().Matrix.Domains {
		if !seen[d] {
			t.Errorf("domain %s in no part of the matrix", d)
		}
	}
}

func parseXML(t *testing.T, name, s string) (root xml.StartElement) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	first := true
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return root
		}
		if err != nil {
			t.Fatalf("%s does not parse as XML: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && first {
			root, first = se, false
		}
	}
}

func TestSVGIsXML(t *testing.T) {
	cases := append(fixtures[:len(fixtures):len(fixtures)], struct {
		name   string
		report func() *assess.Report
	}{"all-zero", allZero})
	for _, fx := range cases {
		out := render(t, CoverageChart, fx.report())
		root := parseXML(t, fx.name, out)
		if root.Name.Space != "http://www.w3.org/2000/svg" || root.Name.Local != "svg" {
			t.Errorf("%s: root element %v, want svg in the SVG namespace", fx.name, root.Name)
		}
		if again := render(t, CoverageChart, fx.report()); again != out {
			t.Errorf("%s: two renderings differ", fx.name)
		}
	}
	// Coverage above 100 % raises the axis; a single date still draws a step.
	out := render(t, CoverageChart, surplus())
	for _, want := range []string{">300 %</text>", ">100 %</text>", `stroke-dasharray="6 4"`, "sanctions: 2026-01-15 300 %"} {
		if !strings.Contains(out, want) {
			t.Errorf("surplus chart lacks %q", want)
		}
	}
	if n := strings.Count(out, "<path "); n != 3 {
		t.Errorf("surplus chart has %d lines, want 3", n)
	}
}

var url = regexp.MustCompile(`https?://[^\s"'<>)]*`)

func TestHTMLSelfContained(t *testing.T) {
	for _, fx := range fixtures {
		out := render(t, HTML, fx.report())
		if n := strings.Count(out, "<svg"); n != 1 {
			t.Errorf("%s: %d <svg elements, want 1", fx.name, n)
		}
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Errorf("%s: the page has a script", fx.name)
		}
		for _, u := range url.FindAllString(out, -1) {
			if u != "http://www.w3.org/2000/svg" && u != "http://www.w3.org/1999/xhtml" {
				t.Errorf("%s: the page refers to %s", fx.name, u)
			}
		}
		if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.HasSuffix(out, "</html>\n") {
			t.Errorf("%s: not a whole HTML document", fx.name)
		}
	}
	out := render(t, HTML, surplus())
	if strings.Contains(out, "<draft>") || !strings.Contains(out, "&lt;draft&gt;") {
		t.Error("the framework title is not escaped")
	}
	if !strings.Contains(out, `<title>Baltic air policing &lt;draft&gt; &amp; &#34;test&#34; | *not* _final_ — 2026-01-15</title>`) {
		t.Error("the page title is not the framework title and the date")
	}
}

func TestMarkdown(t *testing.T) {
	out := render(t, Markdown, realistic())
	for _, want := range []string{
		"| reassurance-force | 2 | land | 15,000 troops | 12,000 troops | 80 % |",
		"\n<svg xmlns=\"http://www.w3.org/2000/svg\"",
		"```text\ndomain ",
		"`coverage(\"land\") >= 1.0` where coverage(\"land\") = 0.80",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	// The inline SVG must be one HTML block: no blank line inside it.
	_, svg, _ := strings.Cut(out, "<svg")
	svg, _, _ = strings.Cut(svg, "</svg>")
	if strings.Contains(svg, "\n\n") {
		t.Error("a blank line inside the inline SVG ends its HTML block")
	}
	sur := render(t, Markdown, surplus())
	if !strings.Contains(sur, `# Baltic air policing \<draft\> \& "test" \| \*not\* \_final\_`) {
		t.Error("the surplus title is not escaped for Markdown")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, fx := range fixtures {
		out := render(t, JSON, fx.report())
		if !strings.HasSuffix(out, "}\n") || !strings.HasPrefix(out, "{\n  \"format_version\": 1,") {
			t.Errorf("%s: not indented JSON with a trailing newline", fx.name)
		}
		var back assess.Report
		if err := json.Unmarshal([]byte(out), &back); err != nil {
			t.Fatal(err)
		}
		// Numbers are rounded (docs/json.md, "Numbers"), so the report read
		// back is the report up to that rounding: it must write the very
		// same JSON again, and everything but the numbers must be equal.
		if again := render(t, JSON, &back); again != out {
			t.Errorf("%s: the JSON read back does not write the same JSON", fx.name)
		}
		raw, err := json.Marshal(fx.report())
		if err != nil {
			t.Fatal(err)
		}
		var want assess.Report
		if err := json.Unmarshal(roundJSON(raw), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(&back, &want) {
			t.Errorf("%s: the JSON does not read back to the same report", fx.name)
		}
		if strings.Contains(out, "null") {
			t.Errorf("%s: null in the JSON", fx.name)
		}
	}
}

func TestNilReport(t *testing.T) {
	for _, rd := range renderers {
		if err := rd.render(io.Discard, nil); err == nil {
			t.Errorf("%s: no error for a nil report", rd.ext)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	for _, rd := range renderers {
		if err := rd.render(failWriter{}, realistic()); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: error %v, want the writer's", rd.ext, err)
		}
	}
}

// ---------------------------------------------------------------------------
// Helpers.

func TestFormat(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{numfmt.Quantity(12000, "troops"), "12,000 troops"},
		{numfmt.Quantity(1234567, "trainees/yr"), "1,234,567 trainees/yr"},
		{numfmt.Quantity(47, "EUR-bn/yr"), "47.0 EUR-bn/yr"},
		{numfmt.Quantity(1234.56, "USD-bn"), "1,234.6 USD-bn"},
		{numfmt.Quantity(3.7037037, "EUR-bn/yr"), "3.7 EUR-bn/yr"},
		{numfmt.Quantity(2.5, "teams"), "2.5 teams"},
		{numfmt.Quantity(0.25, "orbits"), "0.25 orbits"},
		{numfmt.Quantity(0.5, "packages"), "0.5 packages"},
		{numfmt.Quantity(0.002, "EUR-bn/yr"), "<0.1 EUR-bn/yr"},
		{numfmt.Quantity(0, "troops"), "0 troops"},
		{numfmt.Quantity(-1500, "troops"), "-1,500 troops"},
		{numfmt.Number(-0.04, 1), "0.0"},
		{numfmt.Number(999.96, 1), "1,000.0"},
		{fmtPct(0.8), "80 %"},
		{fmtPct(0), "0 %"},
		{fmtPct(0.004), "<1 %"},
		{fmtPct(0.005), "1 %"},
		{fmtPct(0.125), "12 %"}, // as the verdict (assess.Percent) rounds it
		{fmtPct(0.375), "38 %"},
		{fmtPct(0.996), ">99 %"},
		{fmtPct(1), "100 %"},
		{fmtPct(15), "1,500 %"},
		{fmtMoney(0, "EUR-bn"), empty},
		{fmtMoney(37, "EUR-bn/yr"), "37.0 EUR-bn/yr"},
		{fmtRatio(2.5915), "2.59"},
		{fmtMetOn(""), "never"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestWrapText(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  []string
	}{
		{"a bb ccc dddd", 6, []string{"a bb", "ccc", "dddd"}},
		{"abcdefgh ij", 3, []string{"abc", "def", "gh", "ij"}},
		{"", 10, []string{""}},
		{"air 8/24 aircraft (33 %) and", 14, []string{"air", "8/24 aircraft", "(33 %) and"}},
		{"één twee", 4, []string{"één", "twee"}},
		{"held: cyber" + nbsp + "100" + nbsp + "%, isr", 12, []string{"held:", "cyber 100 %,", "isr"}},
	} {
		if got := wrapText(c.in, c.width); !reflect.DeepEqual(got, c.want) {
			t.Errorf("wrapText(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

func TestYScale(t *testing.T) {
	for _, c := range []struct{ top, step, max float64 }{
		{1, 0.2, 1},
		{1.5, 0.25, 1.5},
		{3, 0.5, 3},
		{12, 2, 12},
		{13, 2.5, 15},
	} {
		if step, max := yScale(c.top); step != c.step || max != c.max {
			t.Errorf("yScale(%v) = %v, %v; want %v, %v", c.top, step, max, c.step, c.max)
		}
	}
}
