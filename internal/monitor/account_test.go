package monitor

import (
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

func ts(s string) model.Timestamp {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return model.Timestamp{Time: t}
}

// TestAccount checks every state a finding and a response can take on a
// hand-made breach: supersession, collective consultation, on time, late,
// declined, pending, overdue, not due after a rejection, and filings
// that name no breach.
func TestAccount(t *testing.T) {
	f := &model.Framework{ID: "fw", Parties: map[string]*model.Party{
		"A": {Role: model.Guarantor}, "B": {Role: model.Guarantor}, "C": {Role: model.Guarantor},
		"S": {Role: model.Secretariat}, "M": {Role: model.Monitor},
	}}
	start := ts("2025-09-01T00:00:00Z").Time
	cause := Cause{Kind: "incident", Incident: "i1"}
	ep := func(id string, inc string) Episode {
		c := cause
		c.Incident = inc
		return Episode{ID: BreachID("strike", c), Trigger: "strike", Start: start, Cause: c, Incidents: []string{inc},
			Responses: []ResponseDue{
				{Response: "consult", Mode: "consultation", Due: start.Add(24 * time.Hour)},
				{Response: "decide", Mode: "decision", Due: start.Add(72 * time.Hour),
					Pledges: []PledgeActivity{{Party: "A"}, {Party: "B"}, {Party: "C"}}},
			}}
	}
	r := &Report{To: "2025-09-02T12:00:00Z", Episodes: []Episode{ep("b1", "i1"), ep("b2", "i2")}}
	b1, b2 := r.Episodes[0].ID, r.Episodes[1].ID
	findings := []*model.Finding{
		{ID: "f1", Framework: "fw", Party: "M", Date: ts("2025-09-01T06:00:00Z"), Breach: model.BreachRef{ID: b1}, Status: model.Reported},
		{ID: "f2", Framework: "fw", Party: "M", Date: ts("2025-09-01T18:00:00Z"), Breach: model.BreachRef{Trigger: "strike", Incidents: []string{"i1"}}, Status: model.Attributed, AttributedTo: "X"},
		{ID: "f3", Framework: "fw", Party: "M", Date: ts("2025-09-01T07:00:00Z"), Breach: model.BreachRef{ID: b2}, Status: model.FalseAlarm},
		{ID: "f4", Framework: "fw", Party: "M", Date: ts("2025-09-01T07:00:00Z"), Breach: model.BreachRef{ID: "B-0000000000"}, Status: model.Verified},
	}
	actions := []*model.Action{
		{ID: "a1", Framework: "fw", Party: "S", Date: ts("2025-09-01T20:00:00Z"), Breach: model.BreachRef{ID: b1}, Response: "consult", Action: model.Convened},
		{ID: "a2", Framework: "fw", Party: "A", Date: ts("2025-09-01T10:00:00Z"), Breach: model.BreachRef{ID: b1}, Response: "decide", Action: model.Deployed,
			Pledges: []model.PledgeFulfilment{{Pledge: "p", Quantity: 2}}},
		{ID: "a3", Framework: "fw", Party: "B", Date: ts("2025-09-01T11:00:00Z"), Breach: model.BreachRef{ID: b1}, Response: "decide", Action: model.Declined},
		{ID: "a4", Framework: "fw", Party: "C", Date: ts("2025-09-01T09:00:00Z"), Breach: model.BreachRef{ID: b1}, Response: "consult", Action: model.Convened},
		{ID: "a5", Framework: "fw", Party: "C", Date: ts("2025-09-05T12:00:00Z"), Breach: model.BreachRef{ID: b1}, Response: "decide", Action: model.Decided},
	}
	Account(r, f, findings, actions, nil, time.Time{})

	if r.Account.AsOf != ts("2025-09-05T12:00:00Z").Time || r.Account.Findings != 3 || r.Account.Actions != 5 || r.Account.Rejected != 1 ||
		len(r.Account.Unmatched) != 1 || r.Account.Unmatched[0] != "f4" {
		t.Errorf("account %+v", r.Account)
	}
	e1, e2 := r.Episodes[0], r.Episodes[1]
	if e1.Status != "attributed" || e1.Finding.ID != "f2" || e1.Finding.Earlier != 1 || e1.Finding.AttributedTo != "X" {
		t.Errorf("breach 1: status %s, finding %+v", e1.Status, e1.Finding)
	}
	if e2.Status != "rejected" {
		t.Errorf("breach 2: status %s, want rejected", e2.Status)
	}
	state := func(d ResponseDue, party string) PartyResponse {
		for _, p := range d.Parties {
			if p.Party == party {
				return p
			}
		}
		t.Fatalf("%s: no party %s in %+v", d.Response, party, d.Parties)
		return PartyResponse{}
	}
	tests := []struct {
		resp       int
		party      string
		state, det string
	}{
		{0, "A", StateOnTime, "collective"},
		{0, "C", StateOnTime, "own"},
		{1, "A", StateOnTime, ""},
		{1, "B", StateDeclined, ""},
		{1, "C", StateLate, "36h"},
	}
	for _, tt := range tests {
		p := state(e1.Responses[tt.resp], tt.party)
		if p.State != tt.state {
			t.Errorf("%s/%s: %s, want %s", e1.Responses[tt.resp].Response, tt.party, p.State, tt.state)
		}
		switch tt.det {
		case "collective":
			if !p.Collective || p.ActionID != "a1" {
				t.Errorf("%s/%s: want the secretariat's collective a1, got %+v", e1.Responses[tt.resp].Response, tt.party, p)
			}
		case "own":
			if p.Collective || p.ActionID != "a4" {
				t.Errorf("%s/%s: want its own a4, got %+v", e1.Responses[tt.resp].Response, tt.party, p)
			}
		case "36h":
			if p.LateBy != "36h" {
				t.Errorf("late by %q, want 36h", p.LateBy)
			}
		}
	}
	if a := state(e1.Responses[1], "A"); len(a.Delivered) != 1 || a.Delivered[0].Quantity != 2 {
		t.Errorf("A delivered %+v", a.Delivered)
	}
	if e1.Responses[1].State != StateDeclined {
		t.Errorf("decide on breach 1: %s, want the worst of its parties, declined", e1.Responses[1].State)
	}
	for _, d := range e2.Responses {
		if d.State != StateNotDue {
			t.Errorf("rejected breach: %s is %s, want not-due", d.Response, d.State)
		}
	}

	// As of an earlier time: later filings are not yet known; a deadline
	// still ahead is pending, one passed with nothing filed overdue.
	r2 := &Report{Episodes: []Episode{ep("b1", "i1")}}
	Account(r2, f, findings, actions, nil, ts("2025-09-01T08:00:00Z").Time)
	if s := r2.Episodes[0].Status; s != "reported" {
		t.Errorf("as of 08:00 the status is %s, want reported", s)
	}
	if p := state(r2.Episodes[0].Responses[1], "B"); p.State != StatePending || p.DueIn != "64h" {
		t.Errorf("as of 08:00 B is %+v, want pending, due in 64h", p)
	}
	r3 := &Report{Episodes: []Episode{ep("b1", "i1")}}
	Account(r3, f, nil, nil, nil, ts("2025-09-05T00:00:00Z").Time)
	if d := r3.Episodes[0].Responses[0]; d.State != StateOverdue {
		t.Errorf("nothing filed after the deadline: %s, want overdue", d.State)
	}
}

// TestBreachIDStable: the id depends only on the trigger and the cause.
func TestBreachIDStable(t *testing.T) {
	a := BreachID("strike", Cause{Kind: "incident", Incident: "x:1"})
	if a != BreachID("strike", Cause{Kind: "incident", Incident: "x:1", Admin1: "UA-30"}) || a == BreachID("strike", Cause{Kind: "incident", Incident: "x:2"}) ||
		a == BreachID("other", Cause{Kind: "incident", Incident: "x:1"}) || len(a) != 12 {
		t.Errorf("breach ids not stable or not distinct: %s", a)
	}
}
