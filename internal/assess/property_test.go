package assess

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var (
	propertyDomains  = []string{"land", "funding", "logistics"}
	propertyUnits    = []string{"troops", "teams", "EUR-bn/yr", "USD-bn/yr", "EUR-bn", "GBP-m/yr"}
	propertyPostures = []string{"in-theatre", "in-region", "over-the-horizon"}
	propertyDates    = []string{"now", "2025-10-01", "2026-03-01", "2026-06-01"}
	propertyApproval = []string{"requires: none", "requires: parliament, approval: pending", "requires: parliament, approval: approved", "requires: parliament, approval: rejected"}
)

func randomPledge(rng *rand.Rand, id int) string {
	layer := 1 + rng.IntN(2)
	return fmt.Sprintf("{id: p%d, layer: %d, domain: %s, quantity: %d, unit: %s, posture: %s, available: %s, %s}",
		id, layer, propertyDomains[rng.IntN(len(propertyDomains))], 1+rng.IntN(900), propertyUnits[rng.IntN(len(propertyUnits))],
		propertyPostures[rng.IntN(len(propertyPostures))], propertyDates[rng.IntN(len(propertyDates))], propertyApproval[rng.IntN(len(propertyApproval))])
}

// TestAddingAPledgeNeverLowersCoverage is a property test: for random
// declarations, adding one more pledge never lowers any requirement's
// counted quantity, any domain's coverage, or the pledging party's points.
func TestAddingAPledgeNeverLowersCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 60 {
		var gb, fr []string
		for i := range rng.IntN(8) {
			gb = append(gb, randomPledge(rng, i))
		}
		for i := range rng.IntN(8) {
			fr = append(fr, randomPledge(rng, i))
		}
		extra := randomPledge(rng, 100)
		at := propertyDates[1+rng.IntN(3)]
		before := assessDocs(t, at, declaration("GB", "2025-08-25", gb...), declaration("FR", "2025-08-25", fr...))
		after := assessDocs(t, at, declaration("GB", "2025-08-25", append(gb, extra)...), declaration("FR", "2025-08-25", fr...))
		for i, rb := range before.Requirements {
			ra := after.Requirements[i]
			if ra.Pledged < rb.Pledged || ra.Eventual < rb.Eventual || ra.Approved < rb.Approved {
				t.Fatalf("iteration %d: adding %s lowered %s: %+v → %+v", iter, extra, rb.ID, rb, ra)
			}
		}
		for i, db := range before.Domains {
			if da := after.Domains[i]; da.Coverage < db.Coverage {
				t.Fatalf("iteration %d: adding %s lowered %s coverage %g → %g", iter, extra, db.Domain, db.Coverage, da.Coverage)
			}
		}
		for i, pb := range before.Parties {
			if pa := after.Parties[i]; pa.Party == "GB" && pa.Points < pb.Points {
				t.Fatalf("iteration %d: adding %s lowered GB's points %g → %g", iter, extra, pb.Points, pa.Points)
			}
		}
	}
}
