package record_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/record"
)

var t0 = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)

func framework() *model.Framework {
	return &model.Framework{ID: "fw", Beneficiary: "UA", Parties: map[string]*model.Party{
		"UA":  {Name: "Ukraine", Role: model.Beneficiary},
		"GB":  {Name: "United Kingdom", Role: model.Guarantor},
		"FR":  {Name: "France", Role: model.Guarantor},
		"DE":  {Name: "Germany", Role: model.Guarantor},
		"SEC": {Name: "Secretariat", Role: model.Secretariat},
	}}
}

// randomReport is a history of breaches with random statuses and random
// per-party states, as monitor.Account could leave it.
func randomReport(rng *rand.Rand, parties []string) *monitor.Report {
	statuses := append([]string{monitor.StatusDetected}, func() []string {
		var s []string
		for _, x := range model.FindingStatuses {
			s = append(s, string(x))
		}
		return s
	}()...)
	r := &monitor.Report{Framework: "fw", Account: &monitor.AccountSummary{AsOf: t0.Add(90 * 24 * time.Hour)}}
	for range rng.IntN(8) {
		start := t0.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
		e := monitor.Episode{Start: start, Status: statuses[rng.IntN(len(statuses))]}
		for range rng.IntN(4) {
			d := monitor.ResponseDue{Due: start.Add(time.Duration(rng.IntN(96)) * time.Hour)}
			for _, p := range parties {
				if rng.IntN(3) == 0 {
					continue
				}
				if rng.IntN(2) == 0 {
					d.Pledges = append(d.Pledges, monitor.PledgeActivity{Party: p, Pledge: p + "-" + string(rune('a'+rng.IntN(3)))})
				}
				pr := monitor.PartyResponse{Party: p, State: monitor.ResponseStates[rng.IntN(len(monitor.ResponseStates))]}
				if e.Status == string(model.FalseAlarm) {
					pr.State = monitor.StateNotDue
				}
				if pr.State == monitor.StateOnTime || pr.State == monitor.StateLate || pr.State == monitor.StateDeclined {
					at := start.Add(time.Duration(rng.IntN(200)-10) * time.Hour)
					pr.At = &at
					if rng.IntN(2) == 0 {
						pr.Delivered = []model.PledgeFulfilment{{Pledge: p + "-a", Quantity: float64(rng.IntN(5) + 1)}}
					}
				}
				d.Parties = append(d.Parties, pr)
			}
			e.Responses = append(e.Responses, d)
		}
		r.Episodes = append(r.Episodes, e)
	}
	return r
}

// TestComputeProperties checks, over random histories, that every
// response is counted once, that due is the sum of its states, and that
// the grades follow the rule.
func TestComputeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2025, 9))
	f := framework()
	for i := range 2000 {
		r := randomReport(rng, []string{"DE", "FR", "GB", "UA"})
		rec := monitor.Records(r, f)
		total := 0
		for _, e := range r.Episodes {
			for _, d := range e.Responses {
				total += len(d.Parties)
			}
		}
		counted := 0
		for k, p := range rec.Parties {
			if k > 0 && rec.Parties[k-1].Party >= p.Party {
				t.Fatalf("history %d: parties not sorted: %s before %s", i, rec.Parties[k-1].Party, p.Party)
			}
			if p.Due != p.OnTime+p.Late+p.Declined+p.Pending+p.Overdue {
				t.Fatalf("history %d: %s: due %d ≠ %d+%d+%d+%d+%d", i, p.Party, p.Due, p.OnTime, p.Late, p.Declined, p.Pending, p.Overdue)
			}
			counted += p.Due + p.NotDue
			n := p.Due - p.Pending
			switch {
			case n == 0 && (p.Grade != record.NoGrade || p.Score != nil):
				t.Fatalf("history %d: %s: nothing due yet, graded %q", i, p.Party, p.Grade)
			case n > 0:
				want := (float64(p.OnTime) + 0.5*float64(p.Late)) / float64(n)
				if p.Score == nil || *p.Score != want || p.Grade != record.Grade(want) {
					t.Fatalf("history %d: %s: score %v grade %q, want %v %q", i, p.Party, p.Score, p.Grade, want, record.Grade(want))
				}
			}
			if (p.ActedShare == nil) != (n == 0) {
				t.Fatalf("history %d: %s: acted share %v with %d come due", i, p.Party, p.ActedShare, n)
			}
			if p.ActedShare != nil && (*p.ActedShare < 0 || *p.ActedShare > 1) {
				t.Fatalf("history %d: %s: acted share %v", i, p.Party, *p.ActedShare)
			}
			if (p.MedianDelayRatio == nil) != (p.Samples == 0) || p.Samples > p.OnTime+p.Late {
				t.Fatalf("history %d: %s: %d samples, median %v", i, p.Party, p.Samples, p.MedianDelayRatio)
			}
			if p.MedianDelayRatio != nil && *p.MedianDelayRatio < 0 {
				t.Fatalf("history %d: %s: negative delay ratio", i, p.Party)
			}
			if p.Delivered == nil || p.Role == "" {
				t.Fatalf("history %d: %s: delivered %v, role %q", i, p.Party, p.Delivered, p.Role)
			}
		}
		if counted != total {
			t.Fatalf("history %d: %d responses counted, %d in the report", i, counted, total)
		}
		// Every guarantor has a record, with or without responses.
		for _, g := range f.PartiesWithRole(model.Guarantor) {
			found := false
			for _, p := range rec.Parties {
				found = found || p.Party == g
			}
			if !found {
				t.Fatalf("history %d: no record of guarantor %s", i, g)
			}
		}
	}
}

func TestGradeBoundaries(t *testing.T) {
	for _, c := range []struct {
		score float64
		want  string
	}{
		{1, "A"}, {0.9, "A"}, {0.8999, "B"}, {0.75, "B"}, {0.7499, "C"}, {0.5, "C"}, {0.4999, "D"},
		{0.25, "D"}, {0.2499, "F"}, {0, "F"},
	} {
		if got := record.Grade(c.score); got != c.want {
			t.Errorf("Grade(%v) = %q, want %q", c.score, got, c.want)
		}
	}
	for _, c := range []struct {
		p    record.Party
		want string
	}{
		{record.Party{}, record.NoGrade},
		{record.Party{Pending: 3, Due: 3}, record.NoGrade},
		{record.Party{OnTime: 9, Overdue: 1}, "A"},
		{record.Party{OnTime: 8, Late: 2}, "A"},             // 0.9
		{record.Party{OnTime: 3, Late: 1, Overdue: 1}, "C"}, // 0.7
		{record.Party{OnTime: 1, Declined: 3}, "D"},         // 0.25
		{record.Party{Late: 1, Declined: 2}, "F"},           // 1/6
	} {
		got := record.NoGrade
		if s, ok := record.Score(c.p); ok {
			got = record.Grade(s)
		}
		if got != c.want {
			t.Errorf("%+v: grade %q, want %q", c.p, got, c.want)
		}
	}
}

func TestCompute(t *testing.T) {
	at := func(h int) *time.Time { x := t0.Add(time.Duration(h) * time.Hour); return &x }
	r := &monitor.Report{Framework: "fw", Account: &monitor.AccountSummary{AsOf: t0.Add(100 * time.Hour)}, Episodes: []monitor.Episode{
		{Start: t0, Status: string(model.Verified), Responses: []monitor.ResponseDue{{
			Due:     t0.Add(48 * time.Hour),
			Pledges: []monitor.PledgeActivity{{Party: "GB", Pledge: "gb-air"}, {Party: "GB", Pledge: "gb-air"}, {Party: "FR", Pledge: "fr-land"}},
			Parties: []monitor.PartyResponse{
				{Party: "FR", State: monitor.StateLate, At: at(72)},
				{Party: "GB", State: monitor.StateOnTime, At: at(24), Delivered: []model.PledgeFulfilment{{Pledge: "gb-air", Quantity: 12}}},
			},
		}, {
			Due:     t0.Add(200 * time.Hour),
			Parties: []monitor.PartyResponse{{Party: "DE", State: monitor.StatePending}, {Party: "GB", State: monitor.StateOnTime, At: at(10), Delivered: []model.PledgeFulfilment{{Pledge: "gb-air", Quantity: 4}}}},
		}}},
		{Start: t0, Status: string(model.FalseAlarm), Responses: []monitor.ResponseDue{{
			Due:     t0.Add(48 * time.Hour),
			Pledges: []monitor.PledgeActivity{{Party: "DE", Pledge: "de-air"}},
			Parties: []monitor.PartyResponse{{Party: "DE", State: monitor.StateNotDue}},
		}}},
	}}
	rec := monitor.Records(r, framework())
	if rec.FormatVersion != 1 || rec.Framework != "fw" || !rec.AsOf.Equal(t0.Add(100*time.Hour)) || rec.Rule != record.Rule {
		t.Fatalf("header %+v", rec)
	}
	if len(rec.Parties) != 3 {
		t.Fatalf("parties %+v", rec.Parties)
	}
	de, fr, gb := rec.Parties[0], rec.Parties[1], rec.Parties[2]
	if de.Party != "DE" || de.Due != 1 || de.Pending != 1 || de.NotDue != 1 || de.PledgesActivated != 0 || de.Grade != record.NoGrade || de.ActedShare != nil {
		t.Errorf("DE %+v", de)
	}
	if fr.Late != 1 || fr.Score == nil || *fr.Score != 0.5 || fr.Grade != "C" || fr.PledgesActivated != 1 ||
		fr.MedianDelayRatio == nil || *fr.MedianDelayRatio != 1.5 || fr.Samples != 1 {
		t.Errorf("FR %+v", fr)
	}
	if gb.Name != "United Kingdom" || gb.Role != "guarantor" || gb.OnTime != 2 || gb.Grade != "A" || gb.PledgesActivated != 1 ||
		len(gb.Delivered) != 1 || gb.Delivered[0] != (record.Delivery{"gb-air", 16}) || *gb.ActedShare != 1 || gb.Samples != 2 ||
		*gb.MedianDelayRatio != (0.5+0.05)/2 {
		t.Errorf("GB %+v", gb)
	}
}

// TestComputeCommitments checks that a party with commitments has a
// record even when nothing is due from it (the adversary's), its
// response counts all zero, with its commitments as the account left
// them.
func TestComputeCommitments(t *testing.T) {
	f := framework()
	f.Parties["RU"] = &model.Party{Name: "Russia", Role: model.Consulted}
	r := &monitor.Report{Framework: "fw", Account: &monitor.AccountSummary{AsOf: t0},
		Episodes: []monitor.Episode{{ID: "B-5404039898", Start: t0, Status: monitor.StatusDetected, Violates: []string{"RU/heavy-weapons"},
			Responses: []monitor.ResponseDue{{Due: t0.Add(time.Hour), Parties: []monitor.PartyResponse{{Party: "GB", State: monitor.StateOverdue}}}}}},
		Commitments: []monitor.CommitmentState{
			{Party: "RU", ID: "non-aggression-law", Title: "No attack", Status: "proposed", Since: "2025-09-01"},
			{Party: "RU", ID: "heavy-weapons", Title: "Heavy weapons back", Status: "violated", Since: "2025-09-03", ViolatedBy: []string{"B-5404039898"}},
		}}
	rec := monitor.Records(r, f)
	var ru, gb *record.Party
	for i := range rec.Parties {
		switch rec.Parties[i].Party {
		case "RU":
			ru = &rec.Parties[i]
		case "GB":
			gb = &rec.Parties[i]
		}
	}
	if ru == nil || gb == nil {
		t.Fatalf("parties %+v", rec.Parties)
	}
	if ru.Name != "Russia" || ru.Role != "consulted" || ru.Due != 0 || ru.Overdue != 0 || ru.NotDue != 0 || ru.Grade != record.NoGrade || ru.Score != nil {
		t.Errorf("RU's record %+v", *ru)
	}
	want := []record.Commitment{
		{ID: "non-aggression-law", Title: "No attack", Status: "proposed", Since: "2025-09-01", ViolatedBy: []string{}},
		{ID: "heavy-weapons", Title: "Heavy weapons back", Status: "violated", Since: "2025-09-03", ViolatedBy: []string{"B-5404039898"}},
	}
	if len(ru.Commitments) != len(want) {
		t.Fatalf("RU's commitments %+v", ru.Commitments)
	}
	for i, w := range want {
		g := ru.Commitments[i]
		if g.ID != w.ID || g.Title != w.Title || g.Status != w.Status || g.Since != w.Since || !slices.Equal(g.ViolatedBy, w.ViolatedBy) {
			t.Errorf("commitment %d = %+v, want %+v", i, g, w)
		}
	}
	if gb.Overdue != 1 || len(gb.Commitments) != 0 {
		t.Errorf("GB's record %+v", *gb)
	}
	// The record reads back.
	var b strings.Builder
	if err := json.NewEncoder(&b).Encode(rec); err != nil {
		t.Fatal(err)
	}
	back, err := record.ReadJSON(strings.NewReader(b.String()))
	if err != nil || !reflect.DeepEqual(back.Parties, rec.Parties) {
		t.Errorf("ReadJSON: %v\n%+v", err, back)
	}
}
