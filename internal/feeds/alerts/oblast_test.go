package alerts

import (
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// TestOblastPackage normalises the real file's oblast column with the
// project's own table, internal/oblast: the same codes as the crosswalk.
func TestOblastPackage(t *testing.T) {
	res := readReal(t, feeds.Options{Oblasts: oblast.New()})
	fake := readReal(t, feeds.Options{Oblasts: crosswalk(t)})
	units := map[string]int{}
	for i, inc := range res.Incidents {
		if inc.Admin1 == "" || inc.Admin1 != fake.Incidents[i].Admin1 {
			t.Fatalf("%s %q: %q with internal/oblast, %q with the crosswalk", inc.ID, inc.Fields["oblast"], inc.Admin1, fake.Incidents[i].Admin1)
		}
		units[inc.Admin1]++
	}
	// Dnipropetrovsk oblast has the most alerts (Nikopol, under shelling),
	// Kyiv City 107.
	if len(units) != 24 || units["UA-12"] != 1969 || units["UA-30"] != 107 {
		t.Errorf("alerts per unit %v", units)
	}
}
