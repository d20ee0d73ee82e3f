package monitor

import (
	"slices"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

func day(s string) model.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return model.Date{Time: t}
}

// TestAccountCommitments checks that a breach a commitment's history
// names as violating it carries the commitment, by id and by trigger and
// incident; that the declaration in force is the latest dated by then,
// its history counted up to then; and that a violation naming no breach
// of the report is unmatched, not dropped.
func TestAccountCommitments(t *testing.T) {
	f := &model.Framework{ID: "fw", Parties: map[string]*model.Party{
		"A": {Role: model.Guarantor}, "RU": {Role: model.Consulted},
	}}
	start := ts("2025-09-02T13:00:00Z").Time
	ep := func(inc string) Episode {
		c := Cause{Kind: "incident", Incident: inc}
		return Episode{ID: BreachID("strike", c), Trigger: "strike", Start: start, Cause: c, Incidents: []string{inc},
			Responses: []ResponseDue{{Response: "consult", Mode: "consultation", Due: start.Add(24 * time.Hour)}}}
	}
	r := &Report{To: "2025-09-08T00:00:00Z", Episodes: []Episode{ep("i1"), ep("i2"), ep("i3")}}
	b1, b2 := r.Episodes[0].ID, r.Episodes[1].ID
	old := &model.Declaration{Framework: "fw", Party: "RU", Date: day("2025-08-20"), Commitments: []model.Commitment{
		{ID: "old", Title: "superseded", History: []model.CommitmentEvent{{Status: model.Proposed, Date: day("2025-08-20")}}},
	}}
	decl := &model.Declaration{Framework: "fw", Party: "RU", Date: day("2025-09-04"), Commitments: []model.Commitment{
		{ID: "non-aggression", Title: "No attack", Binding: model.Assurance,
			History: []model.CommitmentEvent{{Status: model.Proposed, Date: day("2025-08-17")}}},
		{ID: "heavy-weapons", Title: "Heavy weapons 15 km back", History: []model.CommitmentEvent{
			{Status: model.Enacted, Date: day("2025-09-02")},
			{Status: model.Violated, Date: day("2025-09-03"), Breach: &model.BreachRef{ID: b1}},
			{Status: model.Violated, Date: day("2025-09-03"), Breach: &model.BreachRef{Trigger: "strike", Incidents: []string{"i2"}}},
		}},
		{ID: "typo", Title: "Names no breach of the report", History: []model.CommitmentEvent{
			{Status: model.Violated, Date: day("2025-09-03"), Breach: &model.BreachRef{ID: "B-0000000000"}},
		}},
		{ID: "later", Title: "Not yet made", History: []model.CommitmentEvent{{Status: model.Proposed, Date: day("2025-09-20")}}},
	}}
	other := &model.Declaration{Framework: "other", Party: "A", Date: day("2025-08-01"), Commitments: decl.Commitments}
	Account(r, f, nil, nil, []*model.Declaration{decl, other, old}, time.Time{})

	if got, want := r.Episodes[0].Violates, []string{"RU/heavy-weapons"}; !slices.Equal(got, want) {
		t.Errorf("breach 1 violates %v, want %v", got, want)
	}
	if got, want := r.Episodes[1].Violates, []string{"RU/heavy-weapons"}; !slices.Equal(got, want) {
		t.Errorf("breach 2 (by trigger and incident) violates %v, want %v", got, want)
	}
	if r.Episodes[2].Violates != nil {
		t.Errorf("breach 3 violates %v", r.Episodes[2].Violates)
	}
	if got := r.Account.Unmatched; !slices.Equal(got, []string{"RU/typo"}) {
		t.Errorf("unmatched %v", got)
	}
	want := []CommitmentState{
		{Party: "RU", ID: "non-aggression", Title: "No attack", Status: "proposed", Since: "2025-08-17", Binding: "assurance", ViolatedBy: []string{}},
		{Party: "RU", ID: "heavy-weapons", Title: "Heavy weapons 15 km back", Status: "violated", Since: "2025-09-03", ViolatedBy: []string{b1, b2}},
		{Party: "RU", ID: "typo", Title: "Names no breach of the report", Status: "violated", Since: "2025-09-03", ViolatedBy: []string{"B-0000000000"}},
	}
	if len(r.Commitments) != len(want) {
		t.Fatalf("commitments %+v", r.Commitments)
	}
	for i := range want {
		g, w := r.Commitments[i], want[i]
		if g.Party != w.Party || g.ID != w.ID || g.Status != w.Status || g.Since != w.Since || g.Binding != w.Binding ||
			!slices.Equal(g.ViolatedBy, w.ViolatedBy) {
			t.Errorf("commitment %d = %+v, want %+v", i, g, w)
		}
	}
	// The responses are the guarantors' as before: a violation adds no party.
	if ps := r.Episodes[0].Responses[0].Parties; len(ps) != 1 || ps[0].Party != "A" {
		t.Errorf("responses %+v", ps)
	}

	// As of 2 Sep the declaration of 4 Sep is not known: the superseded
	// one is in force, and nothing is violated yet.
	Account(r, f, nil, nil, []*model.Declaration{decl, old}, ts("2025-09-02T20:00:00Z").Time)
	if len(r.Commitments) != 1 || r.Commitments[0].ID != "old" || r.Episodes[0].Violates != nil || len(r.Account.Unmatched) != 0 {
		t.Errorf("as of 2 Sep: commitments %+v, violates %v, unmatched %v", r.Commitments, r.Episodes[0].Violates, r.Account.Unmatched)
	}
	// Without the old declaration nothing is in force on 3 Sep: the
	// declaration of 4 Sep counts from its own date on.
	Account(r, f, nil, nil, []*model.Declaration{decl}, ts("2025-09-03T12:00:00Z").Time)
	if r.Commitments != nil || r.Episodes[0].Violates != nil {
		t.Errorf("as of 3 Sep without the old declaration: %+v", r.Commitments)
	}
}
