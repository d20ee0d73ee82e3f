package missile

import (
	"slices"
	"strings"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// places maps the towns and places the target column names (lower-cased)
// to the unit that contains them, spelled as feeds.Oblasts.ByName is
// asked. "Kyiv" alone is the city, a unit of its own (UA-30); "Kyiv oblast"
// is the oblast around it.
var places = map[string]string{
	"kyiv":              "Kyiv City",
	"dnipro":            "Dnipropetrovsk Oblast",
	"kryvyi rih":        "Dnipropetrovsk Oblast",
	"zaporizhzhia":      "Zaporizhzhia Oblast",
	"odesa":             "Odesa Oblast",
	"snake island":      "Odesa Oblast",
	"kharkiv":           "Kharkiv Oblast",
	"sumy":              "Sumy Oblast",
	"kherson":           "Kherson Oblast",
	"mykolaiv":          "Mykolaiv Oblast",
	"ochakiv":           "Mykolaiv Oblast",
	"kramatorsk":        "Donetsk Oblast",
	"starokostiantyniv": "Khmelnytskyi Oblast",
	"kolomyia":          "Ivano-Frankivsk Oblast",
	"lviv":              "Lviv Oblast",
}

// targetRegions is what a target names: all the units found, in the order
// named, without repeats. With feeds.Options.Oblasts they are ISO 3166-2:UA
// codes; without, the unit names as extracted ("Odesa oblast").
type targetRegions struct {
	all []string
}

func (t targetRegions) first() string {
	if len(t.all) == 0 {
		return ""
	}
	return t.all[0]
}

// region is one name extracted from a target; known is true when it names
// an oblast ("… oblast") or a place of the places table, false for other
// words ("south", "Ukraine", "Black Sea"), which only an Oblasts table can
// recognise.
type region struct {
	name  string
	known bool
}

// extractRegions splits a target into the names it lists. Commas separate
// a unit from a detail ("Dnipropetrovsk oblast, Dnipro Raion"), " and "
// separates units; "Odesa and Mykolaiv oblasts" names two oblasts; raions
// and parenthesised remarks ("Kyiv oblast (south)") are dropped.
func extractRegions(target string) []region {
	var out []region
	for part := range strings.SplitSeq(target, ",") {
		subs := strings.Split(part, " and ")
		last := strings.TrimSpace(subs[len(subs)-1])
		plural := hasSuffixFold(last, " oblasts")
		if plural {
			subs[len(subs)-1] = last[:len(last)-len(" oblasts")]
		}
		for _, s := range subs {
			s = clean(s)
			lower := strings.ToLower(s)
			switch {
			case s == "":
			case plural && !strings.HasSuffix(lower, " oblast"):
				out = append(out, region{s + " oblast", true})
			case strings.HasSuffix(lower, " oblast"):
				out = append(out, region{s, true})
			case strings.HasSuffix(lower, " raion"), strings.HasSuffix(lower, " district"):
			case places[lower] != "":
				out = append(out, region{places[lower], true})
			default:
				out = append(out, region{s, false})
			}
		}
	}
	return out
}

// resolveTarget finds the units a target names: through o when given
// (names it does not know are dropped: directions, "Ukraine", Russian
// oblasts), else the known names as written.
func resolveTarget(target string, o feeds.Oblasts) targetRegions {
	var t targetRegions
	for _, r := range extractRegions(target) {
		v := ""
		switch {
		case o != nil:
			v = lookup(o, r.name)
		case r.known:
			v = r.name
		}
		if v != "" && !slices.Contains(t.all, v) {
			t.all = append(t.all, v)
		}
	}
	return t
}

// lookup asks o for a name as written, then, for "X oblast", for "X Oblast"
// and "X".
func lookup(o feeds.Oblasts, name string) string {
	if code, ok := o.ByName(name); ok {
		return code
	}
	if hasSuffixFold(name, " oblast") {
		bare := strings.TrimSpace(name[:len(name)-len(" oblast")])
		for _, n := range []string{bare + " Oblast", bare} {
			if code, ok := o.ByName(n); ok {
				return code
			}
		}
	}
	return ""
}

// clean drops parenthesised remarks and extra spaces.
func clean(s string) string {
	for {
		i := strings.IndexByte(s, '(')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			s = s[:i]
			break
		}
		s = s[:i] + " " + s[i+j+1:]
	}
	return strings.Join(strings.Fields(s), " ")
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
