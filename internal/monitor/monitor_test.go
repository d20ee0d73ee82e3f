package monitor

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

const framework = `backstop: v1
kind: Framework
id: fw
beneficiary: UA
parties:
  UA: {name: Ukraine, role: beneficiary}
  GB: {name: United Kingdom, role: guarantor}
  US: {name: United States, role: guarantor}
requirements:
  - {id: air, layer: 2, domain: air, quantity: 10, unit: aircraft}
triggers:
  - id: strike
    severity: grave
    when: incident.type in ["missile_strike", "drone_strike"] && incident.country == "UA"
    respond: [consult-24h, surge, snapback]
  - id: incursion
    when: territory.gained_km2 >= 1.0 || (incident.type == "ground_assault" && incident.beyond_line)
    respond: [consult-24h]
  - id: shelling
    when: window("24h").filter(i, i.type == "shelling").size() >= 3
    respond: [consult-24h]
  - id: shelling-general
    # reads incident inside the loop, so it cannot be a sliding count:
    # the general window() evaluates it, and it must agree with shelling
    when: window("24h").filter(i, i.type == "shelling" && incident.country == "UA").size() >= 3
    respond: [consult-24h]
responses:
  - {id: consult-24h, mode: consultation, within: 24h}
  - {id: surge, mode: decision, domains: [air], within: 72h}
  - {id: snapback, mode: automatic, domains: [sanctions]}
`

const declarations = `backstop: v1
kind: Declaration
framework: fw
party: US
date: 2025-08-27
pledges:
  - {id: us-jets, layer: 2, domain: air, quantity: 12, unit: aircraft, posture: in-region, readiness: 72h}
  - {id: us-equipment, layer: 1, domain: air, quantity: 2, unit: aircraft}
---
backstop: v1
kind: Declaration
framework: fw
party: GB
date: 2025-08-27
pledges:
  - {id: gb-jets, layer: 2, domain: air, quantity: 4, unit: aircraft, readiness: 24h, requires: parliament}
`

func testSet(t testing.TB) *load.Set {
	t.Helper()
	l := &load.Loader{}
	l.AddBytes("fw.yaml", []byte(framework))
	l.AddBytes("decl.yaml", []byte(declarations))
	set, ds := l.Finish()
	if ds.HasErrors() {
		t.Fatalf("invalid test documents: %v", ds)
	}
	return set
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func incident(id, when, typ string) model.Incident {
	return model.Incident{ID: id, Time: model.Timestamp{Time: at(when)}, Type: typ, Country: "UA"}
}

func TestStrikeEpisodeAndResponses(t *testing.T) {
	incs := []model.Incident{
		incident("a", "2025-09-14T03:10:00Z", "missile_strike"),
		incident("b", "2025-09-14T04:00:00Z", "drone_strike"),
		incident("c", "2025-09-20T01:00:00Z", "drone_strike"), // more than 72 h later: a new episode
		incident("d", "2025-09-20T02:00:00Z", "protest"),
	}
	r, err := Run(testSet(t), "fw", incs, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var strikes []Episode
	for _, e := range r.Episodes {
		if e.Trigger == "strike" {
			strikes = append(strikes, e)
		}
	}
	if len(strikes) != 2 || strikes[0].Firings != 2 || !slices.Equal(strikes[0].Incidents, []string{"a", "b"}) || strikes[1].Firings != 1 {
		t.Fatalf("strike episodes: %+v", strikes)
	}
	resp := strikes[0].Responses
	if len(resp) != 3 {
		t.Fatalf("responses %+v", resp)
	}
	if resp[0].Response != "consult-24h" || !resp[0].Due.Equal(at("2025-09-15T03:10:00Z")) {
		t.Errorf("consultation due %v, want 24 h after the first strike", resp[0].Due)
	}
	if resp[1].Response != "surge" || !resp[1].Due.Equal(at("2025-09-17T03:10:00Z")) {
		t.Errorf("decision due %v", resp[1].Due)
	}
	if resp[2].Response != "snapback" || !resp[2].Due.Equal(at("2025-09-14T03:10:00Z")) || len(resp[2].Pledges) != 0 {
		t.Errorf("automatic response %+v", resp[2])
	}
	var got []string
	for _, p := range resp[1].Pledges {
		got = append(got, fmt.Sprintf("%s %s %s %s %s", p.Party, p.Pledge, p.Approval, stampOf(p.ReadyBy), stampOf(p.ReadyIfApproved)))
	}
	// GB's jets await parliament: no date, only one on condition of the vote.
	want := []string{"GB gb-jets pending - 2025-09-18T03:10:00Z", "US us-jets not-required 2025-09-20T03:10:00Z -"}
	if !slices.Equal(got, want) {
		t.Errorf("activated pledges %v, want %v (layer 2 only, ready = decision deadline + readiness)", got, want)
	}
	if r.Triggers[0].Firings != 3 || r.Triggers[0].Episodes != 2 || r.Incidents != 4 {
		t.Errorf("counts: %+v, incidents %d", r.Triggers, r.Incidents)
	}
}

func stampOf(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}

// TestReadyBy: a pledge is never ready before it is available, nor before
// its declaration exists.
func TestReadyBy(t *testing.T) {
	l := &load.Loader{}
	l.AddBytes("fw.yaml", []byte(framework))
	l.AddBytes("decl.yaml", []byte(`backstop: v1
kind: Declaration
framework: fw
party: US
date: 2025-08-27
pledges:
  - {id: us-later, layer: 2, domain: air, quantity: 12, unit: aircraft, readiness: 24h, available: 2025-12-01}
  - {id: us-now, layer: 2, domain: air, quantity: 2, unit: aircraft, readiness: 24h}
---
backstop: v1
kind: Declaration
framework: fw
party: GB
date: 2025-10-01
pledges:
  - {id: gb-jets, layer: 2, domain: air, quantity: 4, unit: aircraft, readiness: 24h}
`))
	set, ds := l.Finish()
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	r, err := Run(set, "fw", []model.Incident{incident("a", "2025-09-14T03:10:00Z", "missile_strike")}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range r.Episodes[0].Responses[1].Pledges {
		got = append(got, p.Pledge+" "+stampOf(p.ReadyBy))
	}
	// decision due 2025-09-17T03:10Z; GB declared after the breach began.
	want := []string{"us-later 2025-12-02T00:00:00Z", "us-now 2025-09-18T03:10:00Z"}
	if !slices.Equal(got, want) {
		t.Errorf("ready by %v, want %v", got, want)
	}
}

// TestPeriodInForce: incidents before the period fill the sliding window
// but never start a breach; after it they are not evaluated.
func TestPeriodInForce(t *testing.T) {
	incs := []model.Incident{
		incident("s1", "2025-08-31T22:00:00Z", "shelling"),
		incident("s2", "2025-08-31T23:00:00Z", "shelling"),
		incident("m0", "2025-08-31T23:30:00Z", "missile_strike"),
		incident("s3", "2025-09-01T01:00:00Z", "shelling"), // third in 24 h: fires, thanks to s1 and s2
		incident("m1", "2025-09-02T01:00:00Z", "missile_strike"),
		incident("m2", "2025-09-10T01:00:00Z", "missile_strike"),
	}
	p := Period{From: at("2025-09-01T00:00:00Z"), Until: at("2025-09-05T00:00:00Z")}
	r, err := Run(testSet(t), "fw", incs, nil, Options{InForce: p})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range r.Episodes {
		got = append(got, e.Trigger+" "+e.Incidents[0])
		if e.Start.Before(p.From) {
			t.Errorf("breach %s begins %s, before the period", e.Trigger, e.Start)
		}
	}
	want := []string{"shelling s3", "shelling-general s3", "strike m1"}
	if !slices.Equal(got, want) {
		t.Errorf("breaches %v, want %v", got, want)
	}
	if r.IncidentsBefore != 3 || r.IncidentsAfter != 1 || r.Incidents != 2 || r.Period.From != "2025-09-01T00:00:00Z" {
		t.Errorf("before %d, after %d, evaluated %d, period %+v", r.IncidentsBefore, r.IncidentsAfter, r.Incidents, r.Period)
	}
}

// TestBreachLength: a daily campaign is a series of breaches, each no
// longer than its longest response deadline (72 h for strike), with its
// days and the measure summed.
func TestBreachLength(t *testing.T) {
	var incs []model.Incident
	for d := range 10 {
		inc := incident(fmt.Sprint("d", d), fmt.Sprintf("2025-09-%02dT20:00:00Z", d+1), "drone_strike")
		inc.Fields = map[string]string{"launched": fmt.Sprint(100 + d)}
		inc.Source = "missile"
		incs = append(incs, inc)
	}
	set := testSet(t)
	set.Framework("fw").Triggers[0].Measure = "launched"
	r, err := Run(set, "fw", incs, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range r.Episodes {
		if e.Trigger != "strike" {
			continue
		}
		got = append(got, fmt.Sprintf("%s ×%d days %d sum %g single %v", e.Start.Format("01-02"), e.Firings, len(e.Days), e.Sum, e.SingleSource))
	}
	// 72 h from 09-01 20:00 is 09-04 20:00, excluded: 09-01..09-03, then 09-04..09-06, …
	want := []string{"09-01 ×3 days 3 sum 303 single true", "09-04 ×3 days 3 sum 312 single true",
		"09-07 ×3 days 3 sum 321 single true", "09-10 ×1 days 1 sum 109 single true"}
	if !slices.Equal(got, want) {
		t.Errorf("strike breaches\n%v\nwant\n%v", got, want)
	}
	if r.SingleSource != 4 {
		t.Errorf("single-source breaches %d, want 4", r.SingleSource)
	}
}

// TestTerritoryBreachGrows: consecutive firing snapshots are one breach
// whose area grows; a snapshot below the threshold ends it.
func TestTerritoryBreachGrows(t *testing.T) {
	ter := []Territory{
		{Snapshot: "2025-09-10", AsOf: at("2025-09-10T00:00:00Z"), GainedKm2: 3},
		{Snapshot: "2025-10-10", AsOf: at("2025-10-10T00:00:00Z"), GainedKm2: 30},
		{Snapshot: "2025-11-10", AsOf: at("2025-11-10T00:00:00Z"), GainedKm2: 90},
		{Snapshot: "2025-12-10", AsOf: at("2025-12-10T00:00:00Z"), GainedKm2: 0.5},
		{Snapshot: "2026-01-10", AsOf: at("2026-01-10T00:00:00Z"), GainedKm2: 5},
	}
	r, err := Run(testSet(t), "fw", nil, ter, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range r.Episodes {
		var area []string
		for _, d := range e.Days {
			area = append(area, fmt.Sprintf("%s:%g", d.Date, *d.GainedKm2))
		}
		got = append(got, fmt.Sprintf("%s %s→%s %v", e.Trigger, e.Cause.Territory.Snapshot, e.Latest.Snapshot, area))
	}
	want := []string{"incursion 2025-09-10→2025-11-10 [2025-09-10:3 2025-10-10:30 2025-11-10:90]", "incursion 2026-01-10→2026-01-10 [2026-01-10:5]"}
	if !slices.Equal(got, want) {
		t.Errorf("territory breaches\n%v\nwant\n%v", got, want)
	}
}

// TestSourcesOfABreach: a breach whose incidents another source
// corroborated is not single-source.
func TestSourcesOfABreach(t *testing.T) {
	a := incident("a", "2025-09-14T03:10:00Z", "missile_strike")
	a.Source = "viina"
	a.Confidence = &model.Confidence{Level: 3, Name: "high", Sources: []string{"firms"}}
	b := incident("b", "2025-09-20T03:10:00Z", "missile_strike")
	b.Source = "viina"
	r, err := Run(testSet(t), "fw", []model.Incident{a, b}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range r.Episodes {
		got = append(got, fmt.Sprintf("%v %v", e.Sources, e.SingleSource))
	}
	if want := []string{"[firms viina] false", "[viina] true"}; !slices.Equal(got, want) {
		t.Errorf("sources %v, want %v", got, want)
	}
}

func TestTerritoryAndBeyondLine(t *testing.T) {
	incs := []model.Incident{incident("g1", "2025-09-03T10:00:00Z", "ground_assault"), incident("g2", "2025-09-03T11:00:00Z", "ground_assault")}
	lat, lon := 48.0, 37.8
	incs[1].Lat, incs[1].Lon = &lat, &lon
	ter := []Territory{
		{Snapshot: "2025-09-02", AsOf: at("2025-09-02T00:00:00Z"), GainedKm2: 0.4},
		{Snapshot: "2025-09-05", AsOf: at("2025-09-05T00:00:00Z"), GainedKm2: 12.5, LostKm2: 1, NetKm2: 11.5},
	}
	beyond := func(la, lo float64) bool { return la == lat && lo == lon }
	r, err := Run(testSet(t), "", incs, ter, Options{QuietPeriod: time.Hour, BeyondLine: beyond})
	if err != nil {
		t.Fatal(err)
	}
	var causes []string
	for _, e := range r.Episodes {
		if e.Trigger != "incursion" {
			continue
		}
		switch e.Cause.Kind {
		case "incident":
			causes = append(causes, "incident "+e.Cause.Incident)
		case "snapshot":
			causes = append(causes, fmt.Sprintf("snapshot %s %.1f", e.Cause.Territory.Snapshot, e.Cause.Territory.GainedKm2))
		}
	}
	// g1 has no coordinates, so it is not beyond the line; the 0.4 km²
	// snapshot is below the threshold; incidents see no territorial change.
	if want := []string{"incident g2", "snapshot 2025-09-05 12.5"}; !slices.Equal(causes, want) {
		t.Errorf("incursion causes %v, want %v", causes, want)
	}
	if r.Snapshots != 2 {
		t.Errorf("snapshots %d", r.Snapshots)
	}
}

// TestWindowMatchesNaiveCount checks the sliding window against a direct
// count over all earlier incidents, on random streams.
func TestWindowMatchesNaiveCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := range 20 {
		var incs []model.Incident
		clock := at("2025-09-01T00:00:00Z")
		for i := range 300 {
			clock = clock.Add(time.Duration(1+rng.IntN(180)) * time.Minute) // strictly increasing
			typ := []string{"shelling", "protest", "shelling", "battle"}[rng.IntN(4)]
			incs = append(incs, incident(fmt.Sprint(i), clock.Format(time.RFC3339), typ))
		}
		var fired, general []string
		m, err := New(testSet(t), "fw", Options{QuietPeriod: time.Nanosecond, OnEpisode: func(e Episode) {
			switch e.Trigger {
			case "shelling":
				fired = append(fired, e.Incidents[0])
			case "shelling-general":
				general = append(general, e.Incidents[0])
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.triggers[2].prg.Counters) != 1 || len(m.triggers[3].prg.Counters) != 0 {
			t.Fatalf("shelling should be a sliding count and shelling-general not: %d, %d counters",
				len(m.triggers[2].prg.Counters), len(m.triggers[3].prg.Counters))
		}
		var want []string
		for i := range incs {
			if err := m.Add(Event{Incident: &incs[i]}); err != nil {
				t.Fatal(err)
			}
			n := 0
			for j := 0; j <= i; j++ {
				if incs[j].Type == "shelling" && incs[j].Time.After(incs[i].Time.Add(-24*time.Hour)) {
					n++
				}
			}
			if n >= 3 {
				want = append(want, incs[i].ID)
			}
		}
		// With a quiet period of 1 ns and distinct times, every firing is
		// an episode of its own.
		if !slices.Equal(fired, want) {
			t.Fatalf("iteration %d: counted window firings %v\nnaive count %v", iter, fired, want)
		}
		if !slices.Equal(general, want) {
			t.Fatalf("iteration %d: general window firings %v\nnaive count %v", iter, general, want)
		}
		if len(want) == 0 {
			t.Fatalf("iteration %d: the stream never fires; the test proves nothing", iter)
		}
	}
}

func TestOutOfOrder(t *testing.T) {
	m, err := New(testSet(t), "fw", Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := incident("a", "2025-09-02T00:00:00Z", "x"), incident("b", "2025-09-01T00:00:00Z", "x")
	if err := m.Add(Event{Incident: &a}); err != nil {
		t.Fatal(err)
	}
	if err := m.Add(Event{Incident: &b}); err == nil {
		t.Error("an earlier event after a later one must be refused")
	}
}

func TestWeekly(t *testing.T) {
	incs := []model.Incident{
		incident("a", "2025-09-14T03:10:00Z", "missile_strike"), // Sunday of 2025-W37
		incident("b", "2025-09-15T03:10:00Z", "missile_strike"), // Monday of 2025-W38
	}
	r, err := Run(testSet(t), "fw", incs, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []WeekCount{{Week: "2025-W37", Trigger: "strike", Firings: 1, Episodes: 1}, {Week: "2025-W38", Trigger: "strike", Firings: 1, Episodes: 0}}
	if !slices.Equal(r.Weekly, want) {
		t.Errorf("weekly %+v, want %+v", r.Weekly, want)
	}
}

// TestConfidenceInTriggers: a trigger can require a corroboration level.
func TestConfidenceInTriggers(t *testing.T) {
	const fw = `backstop: v1
kind: Framework
id: fw
beneficiary: UA
parties:
  UA: {name: Ukraine, role: beneficiary}
triggers:
  - id: confirmed-strike
    when: incident.type == "missile_strike" && incident.confidence >= 3 && incident.confidence_level == "high"
    respond: [consult]
responses:
  - {id: consult, mode: consultation, within: 24h}
`
	l := &load.Loader{}
	l.AddBytes("fw.yaml", []byte(fw))
	set, ds := l.Finish()
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	a, b := incident("a", "2025-09-14T03:10:00Z", "missile_strike"), incident("b", "2025-09-20T03:10:00Z", "missile_strike")
	a.Confidence = &model.Confidence{Level: 3, Name: "high", Points: 3}
	b.Confidence = &model.Confidence{Level: 1, Name: "possible", Points: 1}
	r, err := Run(set, "fw", []model.Incident{a, b, incident("c", "2025-09-25T03:10:00Z", "missile_strike")}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Episodes) != 1 || r.Episodes[0].Cause.Incident != "a" {
		t.Errorf("episodes %+v, want one caused by a (the only high-confidence strike)", r.Episodes)
	}
}

// TestOnFiring checks that every firing is reported with the incident that
// caused it, and that exactly the firings that open an episode start one:
// the callback must agree with the report's counts.
func TestOnFiring(t *testing.T) {
	incs := []model.Incident{
		incident("a", "2025-09-14T03:10:00Z", "missile_strike"),
		incident("s1", "2025-09-14T05:00:00Z", "shelling"),
		incident("s2", "2025-09-14T06:00:00Z", "shelling"),
		incident("s3", "2025-09-14T07:00:00Z", "shelling"),
		incident("b", "2025-09-14T08:00:00Z", "drone_strike"),
		incident("c", "2025-09-20T01:00:00Z", "drone_strike"),
		incident("d", "2025-09-20T02:00:00Z", "protest"),
	}
	var got []string
	starts := map[string]int{}
	r, err := Run(testSet(t), "fw", incs, nil, Options{OnFiring: func(f Firing) {
		got = append(got, f.Trigger+":"+f.Incident)
		if f.Starts {
			starts[f.Trigger]++
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	// b fires the shelling triggers too: three shellings are still in
	// its 24-hour window.
	want := []string{"strike:a", "shelling:s3", "shelling-general:s3", "strike:b", "shelling:b", "shelling-general:b", "strike:c"}
	if !slices.Equal(got, want) {
		t.Errorf("firings %v, want %v", got, want)
	}
	for _, tc := range r.Triggers {
		if starts[tc.Trigger] != tc.Episodes {
			t.Errorf("trigger %s: %d firings started an episode, the report counts %d episodes", tc.Trigger, starts[tc.Trigger], tc.Episodes)
		}
	}
}
