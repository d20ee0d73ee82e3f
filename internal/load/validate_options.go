package load

import (
	"fmt"
	"strings"
	"sync"

	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// Territorial options (backstop addition, docs/language.md): an option's
// framework and parties, and the shape of its areas. Whether the maps the
// areas name by date exist is `backstop territory options`' business: the
// maps are not documents.

// oblastNames is the table of the 27 units' codes (names only).
var oblastNames = sync.OnceValue(oblast.New)

// checkOptions validates every TerritorialOption: its id, its framework,
// the party that proposed it, the parties its swaps go to and its areas.
func checkOptions(v *validator) {
	seen := map[string]*Document{} // framework, id → the first document
	for _, d := range v.set.Docs {
		o := d.Option
		if o == nil {
			continue
		}
		if o.ID != "" {
			v.checkSlug(d, "id", o.ID)
			k := o.Framework + "\x00" + o.ID
			if first, dup := seen[k]; dup {
				v.errorf(d, "id", "duplicate-id", "duplicate territorial option id %q in framework %s (first defined at %s)", o.ID, o.Framework, where(first, "id"))
			} else {
				seen[k] = d
			}
		}
		v.checkArea(d, "held", o.Held)
		for i, s := range o.Swaps {
			v.checkArea(d, fmt.Sprintf("swaps[%d].area", i), s.Area)
		}
		if o.Framework == "" {
			continue
		}
		f := v.frameworkOf(o.Framework)
		if f == nil {
			v.errorf(d, "framework", "unknown-framework",
				"territorial option refers to framework %q, which is not among the loaded documents; validate it together with its framework", o.Framework)
			continue
		}
		if o.ProposedBy != "" && f.Parties[o.ProposedBy] == nil {
			v.errorf(d, "proposed_by", "unknown-party", "proposed_by %q is not a party of framework %s%s", o.ProposedBy, f.ID, suggestion(o.ProposedBy, f.PartyIDs()))
		}
		for i, s := range o.Swaps {
			if s.To != "" && f.Parties[s.To] == nil {
				v.errorf(d, fmt.Sprintf("swaps[%d].to", i), "unknown-party", "swap to %q: not a party of framework %s%s", s.To, f.ID, suggestion(s.To, f.PartyIDs()))
			}
		}
	}
}

// areaFields lists the fields of an area that are set.
func areaFields(a model.Area) []string {
	var set []string
	for _, f := range []struct {
		name string
		on   bool
	}{
		{"snapshot", !a.Snapshot.IsZero()}, {"oblasts", len(a.Oblasts) > 0}, {"polygon", len(a.Polygon) > 0},
		{"buffer", a.Buffer != nil}, {"union", len(a.Union) > 0}, {"difference", len(a.Difference) > 0},
		{"intersection", len(a.Intersection) > 0},
	} {
		if f.on {
			set = append(set, f.name)
		}
	}
	return set
}

// checkArea checks that exactly one field of an area is set, and that
// field's value, recursively.
func (v *validator) checkArea(d *Document, path string, a model.Area) {
	if d.Failed(path) {
		return
	}
	set := areaFields(a)
	switch {
	case len(set) == 0:
		v.errorf(d, path, "missing-field", "an area needs one of snapshot, oblasts, polygon, buffer, union, difference or intersection")
		return
	case len(set) > 1:
		v.errorf(d, path, "ambiguous-area", "an area takes exactly one of snapshot, oblasts, polygon, buffer, union, difference or intersection; this one has %s", strings.Join(set, " and "))
		return
	}
	switch set[0] {
	case "oblasts":
		for i, code := range a.Oblasts {
			if _, ok := oblastNames().Unit(code); !ok {
				hint := ""
				if c, ok := oblastNames().ByName(code); ok {
					hint = fmt.Sprintf("; %s is %s", code, c)
				}
				v.errorf(d, fmt.Sprintf("%s.oblasts[%d]", path, i), "unknown-oblast", "%q is not the ISO 3166-2:UA code of one of Ukraine's 27 first-level units (UA-14 is Donetsk Oblast)%s", code, hint)
			}
		}
	case "polygon":
		v.checkPolygon(d, path+".polygon", a.Polygon)
	case "buffer":
		if a.Buffer.Km <= 0 {
			v.errorf(d, path+".buffer.km", "invalid-value", "a buffer's km must be more than 0 (the width of the band on each side of the line)")
		}
	case "union", "difference", "intersection":
		parts := a.Union
		if set[0] == "difference" {
			parts = a.Difference
		} else if set[0] == "intersection" {
			parts = a.Intersection
		}
		for i, p := range parts {
			v.checkArea(d, fmt.Sprintf("%s.%s[%d]", path, set[0], i), p)
		}
	}
}

// checkPolygon checks GeoJSON polygon rings: at least 4 positions, the
// last repeating the first, each [longitude, latitude] in range.
func (v *validator) checkPolygon(d *Document, path string, rings [][][]float64) {
	for i, r := range rings {
		rp := fmt.Sprintf("%s[%d]", path, i)
		bad := false
		for j, p := range r {
			pp := fmt.Sprintf("%s[%d]", rp, j)
			switch {
			case len(p) != 2:
				v.errorf(d, pp, "invalid-polygon", "a position is [longitude, latitude]: two numbers, not %d", len(p))
				bad = true
			case p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90:
				v.errorf(d, pp, "invalid-coordinates", "position [%g, %g] is not [longitude, latitude] (longitude −180…180, latitude −90…90)", p[0], p[1])
				bad = true
			}
		}
		switch {
		case bad:
		case len(r) < 4:
			v.errorf(d, rp, "invalid-polygon", "a ring needs at least 4 positions, the last repeating the first; this one has %d", len(r))
		case r[0][0] != r[len(r)-1][0] || r[0][1] != r[len(r)-1][1]:
			v.errorf(d, rp, "invalid-polygon", "a ring must be closed: its last position [%g, %g] must repeat its first [%g, %g]", r[len(r)-1][0], r[len(r)-1][1], r[0][0], r[0][1])
		}
	}
}
