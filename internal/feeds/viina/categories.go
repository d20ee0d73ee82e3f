package viina

import (
	"maps"
	"slices"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// defaults maps each VIINA label to a backstop incident type. The labels
// are VIINA's t_* categories without the "t_" and "_b"; the monthly files
// of the shipped mirror spell the four that end in "t" with a mangled end
// (arresb, retreab, firefighb, airalerb: "t_arrest_b" with every "t_"
// removed), so both spellings are listed.
//
// VIINA has no missile label: missile strikes are labelled airstrike (and
// often aad, uav or artillery, "ракети" meaning rockets as well).
var defaults = map[string]string{
	"uav":       feeds.TypeDroneStrike,   // unmanned aerial vehicle
	"airstrike": feeds.TypeAirStrike,     // air strike, strategic bombing, helicopter strike
	"artillery": feeds.TypeShelling,      // field artillery, mortars, rocket artillery (MLRS)
	"armor":     feeds.TypeGroundAssault, // tank battle or assault
	"raid":      feeds.TypeGroundAssault, // assault by paratroopers or special forces
	"firefight": feeds.TypeBattle,        // exchange of small-arms fire
	"firefighb": feeds.TypeBattle,
	"ied":       feeds.TypeExplosion,       // IED, mine, car bomb, explosion
	"aad":       feeds.TypeAirStrike,       // air defence engaged: an aerial attack of unstated kind
	"hospital":  feeds.TypeCivilianHarm,    // attack on hospitals or humanitarian convoys
	"civcas":    feeds.TypeCivilianHarm,    // civilian casualties
	"milcas":    feeds.TypeBattle,          // military casualties
	"occupy":    feeds.TypeGroundAssault,   // occupation of territory or a building
	"control":   feeds.TypeStrategicChange, // claim of territorial control
	"retreat":   feeds.TypeStrategicChange,
	"retreab":   feeds.TypeStrategicChange,
	"property":  feeds.TypeExplosion, // destruction of property or infrastructure (strike damage)
	"airalert":  feeds.TypeAirRaidAlert,
	"airalerb":  feeds.TypeAirRaidAlert,
	"arrest":    feeds.TypeStrategicChange, // arrest, detention of prisoners of war
	"arresb":    feeds.TypeStrategicChange,
	"cyber":     feeds.TypeOther,
	"san":       feeds.TypeOther, // economic sanctions mentioned
	"loc":       feeds.TypeOther, // the report names a location: not an event type
	"mil":       feeds.TypeOther, // about war or military operations (upstream files only)
}

// precedence orders the labels: when a report has several, the first in
// this order that a table maps to a type other than "other" gives the type
// (drone before air strike before shelling: the most specific weapon
// first; kinetic events before casualties, claims and alerts). Labels not
// listed come after, in the order of the row.
var precedence = []string{
	"uav", "airstrike", "artillery", "armor", "raid", "firefight", "firefighb", "ied", "aad",
	"hospital", "civcas", "milcas", "occupy", "control", "retreat", "retreab", "property",
	"airalert", "airalerb", "arrest", "arresb", "cyber", "san", "mil", "loc",
}

var rank = func() map[string]int {
	m := make(map[string]int, len(precedence))
	for i, l := range precedence {
		m[l] = i
	}
	return m
}()

// DefaultCategories returns a copy of the default table, label → type.
func DefaultCategories() map[string]string { return maps.Clone(defaults) }

// Precedence returns the labels in the order that picks a report's type.
func Precedence() []string { return slices.Clone(precedence) }

// classify picks the type of a report from its labels. The labels are
// tried in precedence order through the override table and the defaults;
// the first mapped to a type other than "other" wins. Failing that, a label
// neither table knows makes the row unmapped (so that a label mapped to
// "other", such as loc, never hides an unknown one); else a label mapped to
// "other" gives "other", mapped; a row without labels is unmapped.
func classify(opts feeds.Options, labels []string) (typ string, mapped bool, unmappedBy string) {
	if len(labels) == 0 {
		return feeds.TypeOther, false, NoCategory
	}
	best, bestRank := "", 0
	unknown, other := "", false
	for i, l := range labels {
		t, ok := feeds.Category(opts, Format, l, defaults)
		switch {
		case !ok:
			if unknown == "" {
				unknown = l
			}
			continue
		case t == feeds.TypeOther:
			other = true
			continue
		}
		r, listed := rank[l]
		if !listed {
			r = len(precedence) + i
		}
		if best == "" || r < bestRank {
			best, bestRank = t, r
		}
	}
	switch {
	case best != "":
		return best, true, ""
	case unknown != "":
		return feeds.TypeOther, false, unknown
	case other:
		return feeds.TypeOther, true, ""
	}
	return feeds.TypeOther, false, NoCategory
}
