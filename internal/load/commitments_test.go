package load

import (
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestValidCommitments loads a consulted party's declaration of
// commitments only, with every status, two violations (by id and by
// trigger and incidents) and a same-day change: no diagnostics, and the
// status in force is the last of the history.
func TestValidCommitments(t *testing.T) {
	set, ds := Paths([]string{"testdata/valid/commitments"}, nil)
	if len(ds) > 0 {
		t.Fatalf("diagnostics:\n%s", render(ds))
	}
	ru := set.Latest("fw")["RU"]
	if ru == nil || len(ru.Commitments) != 2 || len(ru.Pledges) != 0 {
		t.Fatalf("RU's declaration: %+v", ru)
	}
	c := ru.Commitments
	if c[0].Status() != model.Proposed || c[0].Binding != model.Assurance || c[1].Status() != model.Withdrawn {
		t.Errorf("statuses %s (%s), %s", c[0].Status(), c[0].Binding, c[1].Status())
	}
	if b := c[1].History[2].Breach; b == nil || b.ID != "B-5404039898" {
		t.Errorf("the first violation names %+v", b)
	}
}
