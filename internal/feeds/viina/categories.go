package viina

import (
	"maps"
	"slices"
	"strings"

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
	"milcas":    feeds.TypeOther,           // military casualties: a count, not an event (the audit found it on police and crime reports)
	"occupy":    feeds.TypeGroundAssault,   // occupation of territory or a building (confirmed by the headline, see evidence)
	"control":   feeds.TypeStrategicChange, // claim of territorial control
	"retreat":   feeds.TypeStrategicChange,
	"retreab":   feeds.TypeStrategicChange,
	"property":  feeds.TypeExplosion, // destruction of property or infrastructure (strike damage)
	"airalert":  feeds.TypeAirRaidAlert,
	"airalerb":  feeds.TypeAirRaidAlert,
	"arrest":    feeds.TypeOther, // arrest, detention: police and SBU reports, not a change of the war's course
	"arresb":    feeds.TypeOther,
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
//
// A grave type (see confirm) is then checked against the headline, when
// the row has one, unless the override table gave it.
func classify(opts feeds.Options, labels []string, headline string) (typ string, mapped bool, unmappedBy string) {
	typ, mapped, unmappedBy = classifyLabels(opts, labels)
	if mapped && headline != "" && !overridden(opts, labels, typ) {
		typ = confirm(typ, headline)
	}
	return typ, mapped, unmappedBy
}

// overridden reports whether the override table maps one of the labels to
// typ: a type the user chose is not second-guessed by the headline.
func overridden(opts feeds.Options, labels []string, typ string) bool {
	for _, l := range labels {
		if t, ok := opts.Categories[Format][l]; ok && t == typ {
			return true
		}
	}
	return false
}

// classifyLabels is classify without the headline.
func classifyLabels(opts feeds.Options, labels []string) (typ string, mapped bool, unmappedBy string) {
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

// evidence are the stems (lower case, Ukrainian and Russian) a headline
// must contain for a report to keep a grave type, per type; battle's are
// what a ground_assault label falls back to. The audit of July 2025
// (docs/feeds-audit.md) found VIINA's labels unrelated to the headline on
// many rows (a police report of drug dealers labelled raid|milcas,
// wildfires labelled uav|aad, interviews labelled uav|property): the
// labels alone give a grave type to 30–60% of wrong rows.
var evidence = map[string][]string{
	feeds.TypeDroneStrike:   {"дрон", "бпла", "бплa", "безпілот", "беспилот", "шахед", "shahed", "ланцет", "lancet", "fpv", "герань", "камікадзе", "камикадзе"},
	feeds.TypeMissileStrike: {"ракет", "іскандер", "искандер", "балісти", "баллисти", "х-", "x-", "калібр", "калибр", "кинджал", "кинжал", "циркон", "с-300", "с-400", "оникс", "онікс"},
	feeds.TypeAirStrike:     {"авіа", "авиа", "бомб", "каб ", "кабами", "гелікоптер", "вертол", "плануюч", "планирующ", "су-3", "су-2"},
	feeds.TypeShelling:      {"обстр", "артил", "мінометн", "миномет", "снаряд", "град", "ураган", "смерч", "рсзв", "рсзо", "гаубиц", "касетн", "кассетн", " мін.", " мін ", "вогню", "огнем"},
	feeds.TypeGroundAssault: {"штурм", "наступ", "просун", "продвин", "десант", "дрг", "диверсійн", "диверсион", "контратак", "атакує район", "атакует район", "заняли", "зайняли", "захопил", "прорив", "прорыв", "рейд", "атака вс рф", "атаки росіян"},
	feeds.TypeBattle:        {"бойов", "бої ", "бои ", "боях", "зіткнен", "столкнов", "сутичк"},
}

// confirmOrder is the order in which confirm looks for another grave type
// in a headline that does not confirm the labels' one: the most specific
// weapon first, as in precedence.
var confirmOrder = []string{feeds.TypeDroneStrike, feeds.TypeMissileStrike, feeds.TypeAirStrike, feeds.TypeShelling, feeds.TypeGroundAssault}

func mentions(headline, typ string) bool {
	for _, s := range evidence[typ] {
		if strings.Contains(headline, s) {
			return true
		}
	}
	return false
}

// confirm checks a grave type the labels gave against the headline: kept
// when the headline has evidence of it; else the first grave type the
// headline has evidence of (a report labelled artillery whose headline
// speaks of a missile is a missile strike: VIINA has no missile label); a
// ground_assault without evidence of an assault but with evidence of
// fighting is a battle; else the report is "other" (a grave type needs
// kinetic evidence in the text). Non-grave types are kept as they are.
func confirm(typ, headline string) string {
	if !slices.Contains(confirmOrder, typ) {
		return typ
	}
	// The scan stops at the first stem of typ; else the mask is complete.
	bit := stemBits[typ]
	return confirmed(typ, bit, stems.mentioned(headline, bit))
}

// confirmed is confirm's answer for the mask of the types a headline
// mentions (complete, or at least with typ's bit), bit being
// stemBits[typ]; the bits of confirmOrder are bits 0, 1, … (stemBits),
// battle's the next.
func confirmed(typ string, bit, mask uint8) string {
	if mask&bit != 0 {
		return typ
	}
	for i, t := range confirmOrder {
		if mask&(1<<i) != 0 {
			return t
		}
	}
	if typ == feeds.TypeGroundAssault && mask&(1<<len(confirmOrder)) != 0 {
		return feeds.TypeBattle
	}
	return feeds.TypeOther
}
