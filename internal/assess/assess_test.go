package assess

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

const testFramework = `backstop: v1
kind: Framework
id: fw
beneficiary: UA
rates: {GBP-per-EUR: 0.85}
parties:
  UA: {name: Ukraine, role: beneficiary}
  GB: {name: United Kingdom, role: guarantor, tags: [nato], gdp_usd_bn: 3000}
  FR: {name: France, role: guarantor, tags: [nato], gdp_usd_bn: 3000}
  US:
    name: United States
    role: guarantor
    tags: [nato]
    caveats:
      - {id: no-ground-troops, forbid: {domains: [land], postures: [in-theatre]}}
  RU:
    name: Russia
    role: consulted
    red_lines:
      - {id: no-nato-troops, forbid: {postures: [in-theatre], tags: [nato]}}
requirements:
  - {id: force, layer: 2, domain: land, quantity: 1000, unit: troops, posture: in-theatre, by: 2026-03-01}
  - {id: fund, layer: 1, domain: funding, quantity: 10, unit: EUR-bn/yr}
  - {id: stocks, layer: 2, domain: logistics, quantity: 5, unit: EUR-bn}
sequence:
  - {id: agreed, gate: 'coverage("land") >= 1.0 && signed_guarantors() >= 2'}
  - {id: talks, after: [agreed]}
`

// declaration returns a Declaration of party with the given pledges (YAML
// list items, each on one line).
func declaration(party, date string, pledges ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "backstop: v1\nkind: Declaration\nframework: fw\nparty: %s\ndate: %s\npledges:\n", party, date)
	for _, p := range pledges {
		fmt.Fprintf(&b, "  - %s\n", p)
	}
	return b.String()
}

// assessDocs validates the documents and assesses fw at the given date.
func assessDocs(t testing.TB, at string, docs ...string) *Report {
	t.Helper()
	l := &load.Loader{}
	l.AddBytes("framework.yaml", []byte(testFramework))
	for i, d := range docs {
		l.AddBytes(fmt.Sprintf("declaration-%d.yaml", i), []byte(d))
	}
	set, ds := l.Finish()
	if ds.HasErrors() {
		var msgs []string
		for _, d := range ds {
			msgs = append(msgs, d.String())
		}
		t.Fatalf("invalid test documents:\n%s", strings.Join(msgs, "\n"))
	}
	r, err := Assess(set, "fw", Options{At: model.MustDate(at)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func requirement(t testing.TB, r *Report, id string) RequirementCoverage {
	t.Helper()
	for _, rc := range r.Requirements {
		if rc.ID == id {
			return rc
		}
	}
	t.Fatalf("no requirement %s", id)
	return RequirementCoverage{}
}

func reasons(rc RequirementCoverage) []string {
	out := []string{}
	for _, e := range rc.Excluded {
		out = append(out, e.Pledge+":"+e.Reason)
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestCountingRules has one case per counting rule of the language.
func TestCountingRules(t *testing.T) {
	troops := func(id, extra string) string {
		return fmt.Sprintf("{id: %s, layer: 2, domain: land, quantity: 600, unit: troops, posture: in-theatre%s}", id, extra)
	}
	for _, tc := range []struct {
		name        string
		at          string
		docs        []string
		requirement string
		pledged     float64
		approved    float64
		delivered   float64
		eventual    float64
		excluded    []string
	}{
		{name: "same unit counts", at: "2025-09-01", requirement: "force",
			docs:    []string{declaration("GB", "2025-08-25", troops("a", ""))},
			pledged: 600, approved: 600, eventual: 600},
		{name: "another unit does not count", at: "2025-09-01", requirement: "force",
			docs:     []string{declaration("GB", "2025-08-25", "{id: a, layer: 2, domain: land, quantity: 4, unit: teams, posture: in-theatre}")},
			excluded: []string{"a:unit"}},
		{name: "another layer is not considered", at: "2025-09-01", requirement: "force",
			docs: []string{declaration("GB", "2025-08-25", "{id: a, layer: 1, domain: land, quantity: 600, unit: troops, posture: in-theatre}")}},
		{name: "USD converts at the default 1.08", at: "2025-09-01", requirement: "fund",
			docs:    []string{declaration("GB", "2025-08-25", "{id: a, layer: 1, domain: funding, quantity: 10.8, unit: USD-bn/yr}")},
			pledged: 10, approved: 10, eventual: 10},
		{name: "other currencies convert at the framework's rate", at: "2025-09-01", requirement: "fund",
			docs:    []string{declaration("GB", "2025-08-25", "{id: a, layer: 1, domain: funding, quantity: 1700, unit: GBP-m/yr}")},
			pledged: 2, approved: 2, eventual: 2},
		{name: "a one-off amount never counts per year", at: "2025-09-01", requirement: "fund",
			docs:     []string{declaration("GB", "2025-08-25", "{id: a, layer: 1, domain: funding, quantity: 50, unit: EUR-bn}")},
			excluded: []string{"a:unit"}},
		{name: "a per-year amount never counts one-off", at: "2025-09-01", requirement: "stocks",
			docs:     []string{declaration("GB", "2025-08-25", "{id: a, layer: 2, domain: logistics, quantity: 5, unit: EUR-bn/yr}")},
			excluded: []string{"a:unit"}},
		{name: "posture is respected", at: "2025-09-01", requirement: "force",
			docs:     []string{declaration("GB", "2025-08-25", "{id: a, layer: 2, domain: land, quantity: 600, unit: troops, posture: in-region}")},
			excluded: []string{"a:posture"}},
		{name: "available after by does not count", at: "2026-06-01", requirement: "force",
			docs:    []string{declaration("GB", "2025-08-25", troops("a", ", available: 2026-04-01"), troops("b", ", available: 2026-03-01"))},
			pledged: 600, approved: 600, eventual: 600,
			excluded: []string{"a:by"}},
		{name: "available after the assessment date counts later", at: "2025-12-31", requirement: "force",
			docs:    []string{declaration("GB", "2025-08-25", troops("a", ", available: 2026-01-01"), troops("b", ", available: now"))},
			pledged: 600, approved: 600, eventual: 1200},
		{name: "the latest declaration supersedes", at: "2025-09-01", requirement: "force",
			docs: []string{
				declaration("GB", "2025-08-25", troops("a", "")),
				declaration("GB", "2025-08-29", "{id: a, layer: 2, domain: land, quantity: 250, unit: troops, posture: in-theatre}"),
			},
			pledged: 250, approved: 250, eventual: 250},
		{name: "pending counts as pledged, not approved", at: "2025-09-01", requirement: "force",
			docs:    []string{declaration("GB", "2025-08-25", troops("a", ", requires: parliament, approval: pending"))},
			pledged: 600, approved: 0, eventual: 600},
		{name: "a vote with no approval given is pending", at: "2025-09-01", requirement: "force",
			docs:    []string{declaration("GB", "2025-08-25", troops("a", ", requires: parliament"))},
			pledged: 600, approved: 0, eventual: 600},
		{name: "approved counts as approved", at: "2025-09-01", requirement: "force",
			docs:    []string{declaration("GB", "2025-08-25", troops("a", ", requires: parliament, approval: approved"))},
			pledged: 600, approved: 600, eventual: 600},
		{name: "rejected never counts", at: "2025-09-01", requirement: "force",
			docs:     []string{declaration("GB", "2025-08-25", troops("a", ", requires: parliament, approval: rejected"))},
			excluded: []string{"a:rejected"}},
		{name: "delivered converts with the pledge", at: "2025-09-01", requirement: "fund",
			docs:    []string{declaration("GB", "2025-08-25", "{id: a, layer: 1, domain: funding, quantity: 10.8, delivered: 5.4, unit: USD-bn/yr}")},
			pledged: 10, approved: 10, delivered: 5, eventual: 10},
		{name: "parties add up", at: "2025-09-01", requirement: "force",
			docs:    []string{declaration("GB", "2025-08-25", troops("a", "")), declaration("FR", "2025-08-25", troops("b", ""))},
			pledged: 1200, approved: 1200, eventual: 1200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := requirement(t, assessDocs(t, tc.at, tc.docs...), tc.requirement)
			if !near(rc.Pledged, tc.pledged) || !near(rc.Approved, tc.approved) || !near(rc.Delivered, tc.delivered) || !near(rc.Eventual, tc.eventual) {
				t.Errorf("pledged %g approved %g delivered %g eventual %g; want %g %g %g %g",
					rc.Pledged, rc.Approved, rc.Delivered, rc.Eventual, tc.pledged, tc.approved, tc.delivered, tc.eventual)
			}
			if want := append([]string{}, tc.excluded...); !slices.Equal(reasons(rc), want) {
				t.Errorf("excluded %v, want %v", reasons(rc), want)
			}
			if want := tc.pledged / rc.Required; !near(rc.Share, want) || rc.Met != (want >= 1) {
				t.Errorf("share %g met %v, want %g", rc.Share, rc.Met, want)
			}
		})
	}
}

// TestTimelineAndMetOn follows a requirement met in two steps.
func TestTimelineAndMetOn(t *testing.T) {
	r := assessDocs(t, "2025-09-01", declaration("GB", "2025-08-25",
		"{id: a, layer: 2, domain: land, quantity: 400, unit: troops, posture: in-theatre, available: 2025-11-01}",
		"{id: b, layer: 2, domain: land, quantity: 600, unit: troops, posture: in-theatre, available: 2026-02-01}"))
	rc := requirement(t, r, "force")
	if rc.MetOn != "2026-02-01" || rc.Pledged != 0 || rc.Eventual != 1000 {
		t.Errorf("met on %q pledged %g eventual %g; want 2026-02-01, 0, 1000", rc.MetOn, rc.Pledged, rc.Eventual)
	}
	var got []string
	for _, p := range r.Timeline {
		got = append(got, fmt.Sprintf("%s %.2f", p.Date, p.Coverage["land"]))
	}
	want := []string{"2025-09-01 0.00", "2025-11-01 0.40", "2026-02-01 1.00"}
	if !slices.Equal(got, want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
}

// TestPoliticsAndSequence checks red lines, supersession, approvals,
// guarantors without pledges, and why a gate fails.
func TestPoliticsAndSequence(t *testing.T) {
	r := assessDocs(t, "2025-09-01",
		declaration("GB", "2025-08-20", "{id: a, layer: 2, domain: land, quantity: 100, unit: troops, posture: in-theatre}"),
		declaration("GB", "2025-08-25", "{id: a, layer: 2, domain: land, quantity: 600, unit: troops, posture: in-theatre, requires: parliament}"),
		declaration("US", "2025-08-25", "{id: s, layer: 2, domain: logistics, quantity: 1, unit: EUR-bn}"))
	p := r.Politics
	if len(p.RedLineCrossings) != 1 || p.RedLineCrossings[0].Party != "GB" || p.RedLineCrossings[0].Owner != "RU" {
		t.Errorf("red lines %+v, want GB crossing RU's", p.RedLineCrossings)
	}
	if len(p.Superseded) != 1 || p.Superseded[0] != (Supersession{Party: "GB", Date: "2025-08-20", By: "2025-08-25"}) {
		t.Errorf("superseded %+v", p.Superseded)
	}
	if !slices.Equal(p.NoPledge, []string{"FR"}) {
		t.Errorf("no pledge %v, want [FR]", p.NoPledge)
	}
	if len(p.AwaitingApproval) != 1 || p.AwaitingApproval[0].Pledge != "a" {
		t.Errorf("awaiting approval %+v", p.AwaitingApproval)
	}
	agreed, talks := r.Sequence[0], r.Sequence[1]
	if agreed.State != "blocked" || len(agreed.Failing) != 1 || agreed.Failing[0].Expression != `coverage("land") >= 1.0` ||
		agreed.Failing[0].Values[`coverage("land")`] != "0.60" {
		t.Errorf("agreed: %+v", agreed)
	}
	if talks.State != "blocked" || !slices.Equal(talks.BlockedBy, []string{"agreed"}) {
		t.Errorf("talks: %+v", talks)
	}
	want := "land 600/1,000 troops (60 %), due 2026-03-01; logistics 1.0/5.0 EUR-bn (20 %); funding 0.0/10.0 EUR-bn/yr (0 %); of 600 troops pledged, 0 automatic, 600 conditional on a national decision, 0 discretionary, 0 only an assurance; 1 red line crossed; 1 pledge awaiting approval; 1 guarantor without a pledge; step agreed blocked: coverage(\"land\") >= 1.0"
	if r.Verdict != want {
		t.Errorf("verdict:\n%s\nwant:\n%s", r.Verdict, want)
	}
}

// TestSequenceOpens checks that steps open in order once gates hold.
func TestSequenceOpens(t *testing.T) {
	r := assessDocs(t, "2025-09-01",
		declaration("GB", "2025-08-25", "{id: a, layer: 2, domain: land, quantity: 600, unit: troops, posture: in-theatre}"),
		declaration("FR", "2025-08-25", "{id: b, layer: 2, domain: land, quantity: 400, unit: troops, posture: in-theatre}"))
	for _, s := range r.Sequence {
		if s.State != "open" || len(s.Failing) != 0 || len(s.BlockedBy) != 0 {
			t.Errorf("step %+v, want open", s)
		}
	}
}

// TestBurdenSharing compares contribution shares with GDP shares.
func TestBurdenSharing(t *testing.T) {
	r := assessDocs(t, "2025-09-01",
		declaration("GB", "2025-08-25", "{id: a, layer: 2, domain: land, quantity: 750, unit: troops, posture: in-theatre}"),
		declaration("FR", "2025-08-25", "{id: b, layer: 2, domain: land, quantity: 250, unit: troops, posture: in-theatre}"))
	byParty := map[string]PartySummary{}
	for _, p := range r.Parties {
		byParty[p.Party] = p
	}
	gb, fr := byParty["GB"], byParty["FR"]
	if !near(gb.Share, 0.75) || !near(fr.Share, 0.25) || !near(gb.GDPShare, 0.5) || !near(gb.BurdenRatio, 1.5) || !near(fr.BurdenRatio, 0.5) {
		t.Errorf("GB %+v\nFR %+v", gb, fr)
	}
	if byParty["US"].GDPUSDbn != 0 || byParty["US"].BurdenRatio != 0 {
		t.Errorf("US has no GDP in the framework and no GDP input: %+v", byParty["US"])
	}
	if r.GDPSource != "framework gdp_usd_bn" {
		t.Errorf("GDP source %q", r.GDPSource)
	}
}

type fakeGDP map[string]float64

func (g fakeGDP) Latest(p string) (float64, int, bool) { v, ok := g[p]; return v, 2023, ok }
func (g fakeGDP) Source() string                       { return "test table" }

func TestGDPInput(t *testing.T) {
	l := &load.Loader{}
	l.AddBytes("framework.yaml", []byte(testFramework))
	l.AddBytes("us.yaml", []byte(declaration("US", "2025-08-25", "{id: s, layer: 2, domain: logistics, quantity: 1, unit: EUR-bn}")))
	set, _ := l.Finish()
	r, err := Assess(set, "", Options{At: model.MustDate("2025-09-01"), GDP: fakeGDP{"US": 6000, "GB": 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.Parties {
		switch p.Party {
		case "US":
			if p.GDPUSDbn != 6000 || !near(p.GDPShare, 0.5) {
				t.Errorf("US GDP from the input: %+v", p)
			}
		case "GB":
			if p.GDPUSDbn != 3000 {
				t.Errorf("the framework's gdp_usd_bn wins over the input: %+v", p)
			}
		}
	}
	if r.GDPSource != "framework gdp_usd_bn where given, else test table" {
		t.Errorf("GDP source %q", r.GDPSource)
	}
}
