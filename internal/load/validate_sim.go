package load

import (
	"fmt"
	"math"

	"github.com/backstop-dev/backstop/internal/model"
)

// The checks of the simulation's additions to the language (backstop
// additions, docs/language.md): land force types and counting units on
// pledges; mixed forces, defence postures, reserves, axes of advance and
// the attacker's strike on scenarios.

// landUnits are the counting units meant for land pledges only.
var landUnits = []string{"battalions", "brigades"}

// ShareTolerance is how far the shares of a scenario's axes may add up
// from 1.
const ShareTolerance = 0.01

// checkLandPledges checks that force types and the land counting units
// appear only on land pledges.
func checkLandPledges(v *validator) {
	for _, d := range v.set.Docs {
		decl := d.Declaration
		if decl == nil {
			continue
		}
		for i, p := range decl.Pledges {
			path := fmt.Sprintf("pledges[%d]", i)
			if p.Domain == "" || p.Domain == model.Land {
				continue // land, or a domain the decoder already reported
			}
			if p.ForceType != "" {
				v.errorf(d, path+".force_type", "wrong-domain", "pledge %q: force_type is for land pledges; this one's domain is %s", p.ID, p.Domain)
			}
			for _, u := range landUnits {
				if p.Unit.Raw == u {
					v.errorf(d, path+".unit", "wrong-domain", "pledge %q: %s count land forces; this one's domain is %s", p.ID, u, p.Domain)
				}
			}
		}
	}
}

// checkSimScenarios checks the forces of a scenario (mixed units,
// posture and reserves), its axes and its strike, and that a scenario
// without axes has the defender and objective that axes would replace.
func checkSimScenarios(v *validator) {
	for _, d := range v.set.Docs {
		s := d.Scenario
		if s == nil {
			continue
		}
		v.checkForce(d, "attacker", s.Attacker, false, false)
		v.checkForce(d, "defender", s.Defender, true, false)
		if len(s.Axes) == 0 && !d.Failed("axes") {
			// The decoder's own wording: these were required fields
			// before axes could replace them.
			for _, f := range []string{"defender", "objective_km"} {
				if d.Node(f) == nil && !d.Failed(f) {
					v.errorf(d, f, "missing-field", "missing required field %q", f)
				}
			}
		}
		v.checkAxes(d, s.Axes)
		if st := s.Strike; st != nil {
			if d.Node("strike.share") != nil && (st.Share < 0 || st.Share > 1) {
				v.errorf(d, "strike.share", "invalid-quantity", "strike share must be between 0 and 1, got %g", st.Share)
			}
			if d.Node("strike.delay") != nil && st.Delay <= 0 {
				v.errorf(d, "strike.delay", "invalid-quantity", "strike delay must be more than 0")
			}
		}
	}
}

// checkForce checks one side's force at path. The battalions and quality
// of the top-level attacker and defender without units are checked by
// checkScenarios; an axis's defender (axis) is checked here in full.
func (v *validator) checkForce(d *Document, path string, f model.Force, defender, axis bool) {
	if d.Node(path) == nil || d.Failed(path) {
		return
	}
	given := d.Node(path+".battalions") != nil
	switch {
	case len(f.Units) > 0:
		if given && f.Battalions < 0 {
			v.errorf(d, path+".battalions", "invalid-quantity", "%s battalions must not be negative", path)
		} else if f.Battalions > 0 {
			v.warnf(d, path+".battalions", "ignored-field", "%s: units replace battalions; give one or the other", path)
		}
		if f.Type != "" {
			v.warnf(d, path+".type", "ignored-field", "%s: units replace type; give each unit its own type", path)
		}
	case !given && !d.Failed(path+".units"):
		v.errorf(d, path+".battalions", "missing-field", "%s: missing required field \"battalions\" (or list the force by type in \"units\")", path)
	case axis && f.Battalions <= 0:
		v.errorf(d, path+".battalions", "invalid-quantity", "%s battalions must be positive", path)
	}
	if axis && d.Node(path+".quality") != nil && f.Quality <= 0 {
		v.errorf(d, path+".quality", "invalid-quantity", "%s quality must be positive (1.0 is the reference)", path)
	}
	for i, u := range f.Units {
		p := fmt.Sprintf("%s.units[%d]", path, i)
		v.checkBattalions(d, p, u.Battalions, u.Quality)
	}
	if !defender {
		if d.Node(path+".posture") != nil {
			v.errorf(d, path+".posture", "wrong-side", "posture is the defender's: the %s has none", path)
		}
		if d.Node(path+".reserves") != nil {
			v.errorf(d, path+".reserves", "wrong-side", "reserves are the defender's: the %s has none", path)
		}
		return
	}
	for i, r := range f.Reserves {
		p := fmt.Sprintf("%s.reserves[%d]", path, i)
		v.checkBattalions(d, p, r.Battalions, r.Quality)
		if d.Node(p+".after") != nil && r.After <= 0 {
			v.errorf(d, p+".after", "invalid-quantity", "%s: after must be more than 0 (reserves join after the attack begins)", p)
		}
	}
}

// checkBattalions checks the battalions and quality of a unit or reserve.
func (v *validator) checkBattalions(d *Document, path string, battalions, quality float64) {
	if d.Node(path+".battalions") != nil && battalions <= 0 {
		v.errorf(d, path+".battalions", "invalid-quantity", "%s: battalions must be positive, got %g", path, battalions)
	}
	if d.Node(path+".quality") != nil && quality <= 0 {
		v.errorf(d, path+".quality", "invalid-quantity", "%s: quality must be positive (1.0 is the reference), got %g", path, quality)
	}
}

// checkAxes checks a scenario's axes: ids unique slugs, each share in
// (0, 1] and together 1, a positive objective, a defender.
func (v *validator) checkAxes(d *Document, axes []model.Axis) {
	if len(axes) == 0 {
		return
	}
	v.checkUniqueIDs(d, "axes", "axis", len(axes), func(i int) string { return axes[i].ID })
	sum, sharesOK := 0.0, true
	for i, a := range axes {
		path := fmt.Sprintf("axes[%d]", i)
		if d.Node(path+".id") != nil && a.ID == "" {
			v.errorf(d, path+".id", "invalid-id", "an axis needs a non-empty id, such as north")
		}
		switch {
		case d.Node(path+".share") == nil || d.Failed(path+".share"):
			sharesOK = false
		case a.Share <= 0 || a.Share > 1:
			v.errorf(d, path+".share", "invalid-quantity", "axis %q: share must be more than 0 and at most 1, got %g", a.ID, a.Share)
			sharesOK = false
		}
		sum += a.Share
		if d.Node(path+".objective_km") != nil && a.ObjectiveKm <= 0 {
			v.errorf(d, path+".objective_km", "invalid-quantity", "axis %q: objective_km must be positive", a.ID)
		}
		v.checkForce(d, path+".defender", a.Defender, true, true)
	}
	if sharesOK && math.Abs(sum-1) > ShareTolerance {
		v.errorf(d, "axes", "share-sum", "the axes' shares add up to %g; they must add up to 1 (within %g): each is the attacker's share of its force on that axis", round(sum), ShareTolerance)
	}
}

// round rounds to 6 decimals, so that sums of shares print as written.
func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }
