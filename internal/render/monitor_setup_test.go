package render

import (
	"testing"

	"github.com/backstop-dev/backstop/internal/corroborate"
)

func TestCorroborationLevels(t *testing.T) {
	r := &corroborate.Result{
		Incidents: []corroborate.Scored{{LevelName: "possible"}, {LevelName: ""}, {LevelName: "high"}, {LevelName: "possible"}},
		Summary:   corroborate.Summary{ByLevel: map[string]int{"none": 12, "possible": 5, "high": 3, "confirmed": 0}},
	}
	if got, want := CorroborationLevels(r), "12 none, 3 high, 5 possible"; got != want {
		t.Errorf("CorroborationLevels = %q, want %q", got, want)
	}
}
