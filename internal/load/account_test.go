package load

import (
	"slices"
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestValidAccount loads findings and actions of every form with their
// framework and declarations: no diagnostics at all, and the set lists
// them in load order.
func TestValidAccount(t *testing.T) {
	set, ds := Paths([]string{"testdata/valid/account"}, nil)
	if len(ds) > 0 {
		t.Fatalf("diagnostics:\n%s", render(ds))
	}
	var findings, actions []string
	for _, f := range set.Findings() {
		findings = append(findings, f.ID)
	}
	for _, a := range set.Actions() {
		actions = append(actions, a.ID)
	}
	// files load sorted by path: action.yaml before finding.yaml
	if got, want := actions, []string{"gb-jets-up", "convened", "ua-declines"}; !slices.Equal(got, want) {
		t.Errorf("Actions() = %v, want %v", got, want)
	}
	if got, want := findings, []string{"strike-kyiv", "incursion-east", "false-alarm"}; !slices.Equal(got, want) {
		t.Errorf("Findings() = %v, want %v", got, want)
	}
	for _, d := range set.Docs {
		if (d.Kind == model.KindFinding || d.Kind == model.KindAction) && d.FrameworkID() != "fw" {
			t.Errorf("%s %d: FrameworkID() = %q", d.Kind, d.Index, d.FrameworkID())
		}
	}
	f := set.Findings()[0]
	if f.Status != model.Attributed || f.AttributedTo != "RU" || len(f.Evidence) != 1 || len(f.Breach.Incidents) != 2 {
		t.Errorf("finding decoded as %+v", f)
	}
	if a := set.Actions()[0]; a.Action != model.Deployed || len(a.Pledges) != 1 || a.Pledges[0].Quantity != 6 {
		t.Errorf("action decoded as %+v", a)
	}
}
