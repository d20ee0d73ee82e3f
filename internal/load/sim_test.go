package load

import (
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestValidSim loads a scenario using every simulation addition (axes,
// mixed units, posture, reserves, terrain, strike) with land pledges in
// brigades and battalions: it must load without any diagnostic.
func TestValidSim(t *testing.T) {
	set, ds := Paths([]string{"testdata/valid/sim"}, nil)
	if len(ds) > 0 {
		t.Fatalf("want no diagnostics, got:\n%s", render(ds))
	}
	var s *model.Scenario
	for _, d := range set.Docs {
		if d.Scenario != nil {
			s = d.Scenario
		}
	}
	if s == nil {
		t.Fatal("scenario not loaded")
	}
	if len(s.Axes) != 2 || s.Axes[1].Decisive == nil || *s.Axes[1].Decisive {
		t.Errorf("axes: %+v", s.Axes)
	}
	if n := len(s.Attacker.Units); n != 3 {
		t.Errorf("attacker units: %d, want 3", n)
	}
	north := s.Axes[0].Defender
	if north.Posture != model.Prepared || len(north.Reserves) != 1 || north.Reserves[0].Type != model.Armour {
		t.Errorf("north defender: %+v", north)
	}
	if s.Strike == nil || s.Strike.Share != 0.3 {
		t.Errorf("strike: %+v", s.Strike)
	}
}
