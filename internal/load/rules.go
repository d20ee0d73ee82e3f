package load

import (
	"fmt"
	"slices"
	"strings"

	"github.com/backstop-dev/backstop/internal/model"
)

// ---- pledges ------------------------------------------------------------------

func checkPledges(v *validator) {
	for _, d := range v.set.Docs {
		decl := d.Declaration
		if decl == nil {
			continue
		}
		f := v.frameworkOf(decl.Framework)
		for i, p := range decl.Pledges {
			path := fmt.Sprintf("pledges[%d]", i)
			if d.Node(path+".quantity") != nil && p.Quantity <= 0 {
				v.errorf(d, path+".quantity", "invalid-quantity", "pledge %q: quantity must be positive, got %g", p.ID, p.Quantity)
			}
			switch {
			case p.Delivered < 0:
				v.errorf(d, path+".delivered", "invalid-quantity", "pledge %q: delivered must not be negative", p.ID)
			case p.Delivered > p.Quantity && p.Quantity > 0:
				v.errorf(d, path+".delivered", "delivered-exceeds", "pledge %q: delivered %g exceeds the pledged quantity %g %s", p.ID, p.Delivered, p.Quantity, p.Unit)
			}
			switch {
			case p.NeedsSignOff() && p.Approval == model.NotRequired:
				v.errorf(d, path+".approval", "approval-mismatch", "pledge %q requires %s approval, so approval cannot be not-required", p.ID, p.Requires)
			case !p.NeedsSignOff() && (p.Approval == model.Pending || p.Approval == model.Rejected):
				v.warnf(d, path+".approval", "approval-mismatch", "pledge %q: approval is %s but `requires` names no vote; set requires: parliament or referendum", p.ID, p.Approval)
			}
			if p.Unit.Money && f != nil {
				if _, ok := f.Rates.PerEUR(p.Unit.Currency); !ok {
					v.errorf(d, path+".unit", "unknown-rate", "pledge %q: no exchange rate for %s; add %s-per-EUR to the framework's rates", p.ID, p.Unit.Currency, p.Unit.Currency)
				}
			}
		}
	}
	for _, d := range v.set.Docs {
		f := d.Framework
		if f == nil || v.again(d) {
			continue
		}
		for i, r := range f.Requirements {
			if r.Unit.Money {
				if _, ok := f.Rates.PerEUR(r.Unit.Currency); !ok {
					v.errorf(d, fmt.Sprintf("requirements[%d].unit", i), "unknown-rate", "requirement %q: no exchange rate for %s; add %s-per-EUR to rates", r.ID, r.Unit.Currency, r.Unit.Currency)
				}
			}
		}
	}
}

// ---- caveats and red lines ------------------------------------------------------

// checkRestrictions checks every pledge against its own party's caveats
// (an error: a party cannot pledge what it says it will not do) and
// against every other party's red lines (a warning: the assessment lists
// them; a red line is a voice, not a veto).
func checkRestrictions(v *validator) {
	for _, d := range v.set.Docs {
		decl := d.Declaration
		if decl == nil {
			continue
		}
		f := v.frameworkOf(decl.Framework)
		if f == nil || f.Parties[decl.Party] == nil {
			continue
		}
		own := f.Parties[decl.Party]
		parties := v.partyIDs(f)
		for i := range decl.Pledges {
			p := &decl.Pledges[i]
			path := fmt.Sprintf("pledges[%d]", i)
			for _, c := range own.Caveats {
				if c.Forbid.Matches(p, own.Tags) {
					v.errorf(d, restrictionPath(path, c.Forbid), "caveat-violated", "pledge %q breaks %s's own caveat %q (%s)",
						p.ID, decl.Party, c.ID, describeForbid(c.Forbid))
				}
			}
			for _, other := range parties {
				if other == decl.Party {
					continue
				}
				for _, rl := range f.Parties[other].RedLines {
					if rl.Forbid.Matches(p, own.Tags) {
						v.warnf(d, restrictionPath(path, rl.Forbid), "red-line-crossed", "pledge %q crosses %s's red line %q (%s)",
							p.ID, other, rl.ID, describeForbid(rl.Forbid))
					}
				}
			}
		}
	}
}

// restrictionPath points at the most telling field of a matching pledge:
// the posture when the restriction is about postures, else the domain.
func restrictionPath(pledge string, f model.Forbid) string {
	switch {
	case len(f.Postures) > 0:
		return pledge + ".posture"
	case len(f.Domains) > 0:
		return pledge + ".domain"
	case len(f.Layers) > 0:
		return pledge + ".layer"
	}
	return pledge + ".id"
}

func describeForbid(f model.Forbid) string {
	var parts []string
	join := func(label string, items []string) {
		if len(items) > 0 {
			parts = append(parts, label+" "+strings.Join(items, "/"))
		}
	}
	join("domain", stringsOf(f.Domains))
	join("posture", stringsOf(f.Postures))
	join("tag", f.Tags)
	var layers []string
	for _, l := range f.Layers {
		layers = append(layers, fmt.Sprint(int(l)))
	}
	join("layer", layers)
	return "forbids " + strings.Join(parts, ", ")
}

func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// ---- units ------------------------------------------------------------------------

// checkUnits warns about requirements that no pledge can count towards
// because of its unit, and about guarantors who pledge nothing. Both need
// the framework's declarations; without any, one warning says the pledge
// checks were skipped.
func checkUnits(v *validator) {
	for _, d := range v.set.Docs {
		switch {
		case d.Framework != nil && !v.again(d):
			for i, r := range d.Framework.Requirements {
				v.checkUnitSpelling(d, fmt.Sprintf("requirements[%d].unit", i), r.Unit)
			}
		case d.Declaration != nil:
			for i, p := range d.Declaration.Pledges {
				v.checkUnitSpelling(d, fmt.Sprintf("pledges[%d].unit", i), p.Unit)
			}
		}
	}
	for _, d := range v.set.Docs {
		f := d.Framework
		if f == nil || v.frameworks[f.ID] != d || v.again(d) {
			continue // warnings about the framework: not reported for a prepared one
		}
		decls := v.set.Declarations(f.ID)
		if len(decls) == 0 {
			v.warnf(d, "id", "no-declarations", "no declarations to framework %s were loaded; coverage and pledge checks skipped (validate the folder with its declarations)", f.ID)
			continue
		}
		latest := v.set.Latest(f.ID)
		for i, r := range f.Requirements {
			inDomain, countable := 0, 0
			var units []string
			for _, party := range sortedKeys(latest) {
				for _, p := range latest[party].Pledges {
					if p.Domain != r.Domain || p.Layer != r.Layer {
						continue
					}
					inDomain++
					if _, ok := f.Rates.Convert(p.Quantity, p.Unit, r.Unit); ok {
						countable++
					} else if !slices.Contains(units, p.Unit.Raw) {
						units = append(units, p.Unit.Raw)
					}
				}
			}
			if inDomain > 0 && countable == 0 {
				v.warnf(d, fmt.Sprintf("requirements[%d].unit", i), "unit-mismatch",
					"requirement %q counts %s, but the %d layer-%d %s pledge(s) are in %s: none can count",
					r.ID, r.Unit, inDomain, r.Layer, r.Domain, strings.Join(units, ", "))
			}
		}
		for _, id := range f.PartiesWithRole(model.Guarantor) {
			if decl := latest[id]; decl == nil || len(decl.Pledges) == 0 {
				v.warnf(d, "parties."+id, "no-pledge", "guarantor %s has no pledge", id)
			}
		}
	}
}

// checkUnitSpelling warns about a well-formed unit that is a near miss of
// a known one ("troop", "eur-bn/yr"): it would silently count towards
// nothing.
func (v *validator) checkUnitSpelling(d *Document, path string, u model.Unit) {
	if u.Raw == "" || u.Money || slices.Contains(model.KnownUnits, u.Raw) {
		return
	}
	if s := model.Suggest(u.Raw, model.KnownUnits); s != "" {
		v.warnf(d, path, "unknown-unit", "unit %q is not a known unit; did you mean %q? (only pledges in the same unit count)", u.Raw, s)
	}
}

// ---- incidents and scenarios ----------------------------------------------------------

func checkIncidents(v *validator) {
	for _, d := range v.set.Docs {
		if d.Incidents == nil {
			continue
		}
		for i, inc := range d.Incidents.Incidents {
			path := fmt.Sprintf("incidents[%d]", i)
			if (inc.Lat == nil) != (inc.Lon == nil) {
				v.errorf(d, path, "invalid-coordinates", "incident %q: give both lat and lon, or neither", inc.ID)
			}
			if inc.Lat != nil && (*inc.Lat < -90 || *inc.Lat > 90) {
				v.errorf(d, path+".lat", "invalid-coordinates", "incident %q: lat %g is outside -90..90", inc.ID, *inc.Lat)
			}
			if inc.Lon != nil && (*inc.Lon < -180 || *inc.Lon > 180) {
				v.errorf(d, path+".lon", "invalid-coordinates", "incident %q: lon %g is outside -180..180", inc.ID, *inc.Lon)
			}
			if inc.Fatalities < 0 {
				v.errorf(d, path+".fatalities", "invalid-quantity", "incident %q: fatalities must not be negative", inc.ID)
			}
		}
	}
}

// MaxRuns bounds a scenario's Monte Carlo runs.
const MaxRuns = 10_000_000

func checkScenarios(v *validator) {
	for _, d := range v.set.Docs {
		s := d.Scenario
		if s == nil {
			continue
		}
		for _, side := range []struct {
			name  string
			force model.Force
		}{{"attacker", s.Attacker}, {"defender", s.Defender}} {
			if d.Node(side.name+".battalions") != nil && side.force.Battalions <= 0 && len(side.force.Units) == 0 { // with units: validate_sim.go
				v.errorf(d, side.name+".battalions", "invalid-quantity", "%s battalions must be positive", side.name)
			}
			if d.Node(side.name+".quality") != nil && side.force.Quality <= 0 {
				v.errorf(d, side.name+".quality", "invalid-quantity", "%s quality must be positive (1.0 is the reference)", side.name)
			}
		}
		if d.Node("objective_km") != nil && s.ObjectiveKm <= 0 {
			v.errorf(d, "objective_km", "invalid-quantity", "objective_km must be positive")
		}
		if d.Node("horizon") != nil && s.Horizon <= 0 {
			v.errorf(d, "horizon", "invalid-quantity", "horizon must be more than 0")
		}
		if d.Node("runs") != nil && (s.Runs < 1 || s.Runs > MaxRuns) {
			v.errorf(d, "runs", "invalid-quantity", "runs must be between 1 and %d, got %d", MaxRuns, s.Runs)
		}
		probability := func(path string, p *float64) {
			if p != nil && (*p < 0 || *p > 1) {
				v.errorf(d, path, "invalid-quantity", "a probability between 0 and 1, got %g", *p)
			}
		}
		probability("approval", s.Approval)
		if w := s.Model.WarningResponse; w < 0 || w > 1 {
			v.errorf(d, "model.warning_response", "invalid-quantity", "a share between 0 and 1, got %g", w)
		}
		probability("attacker.air_defense", s.Attacker.AirDefense)
		f := v.frameworkOf(s.Framework)
		for _, who := range sortedKeys(s.Politics) {
			pol := s.Politics[who]
			path := "politics." + who
			if who != "default" && f != nil && f.Parties[who] == nil {
				v.keyErrorf(d, path, "unknown-party", "politics: %q is not a party of %s (or \"default\")%s", who, f.ID, suggestion(who, f.PartyIDs()))
			}
			probability(path+".decide", pol.Decide)
			if pol.Delay != nil && *pol.Delay <= 0 {
				v.errorf(d, path+".delay", "invalid-quantity", "delay must be positive, got %g", *pol.Delay)
			}
			if pol.Spread != nil && *pol.Spread < 0 {
				v.errorf(d, path+".spread", "invalid-quantity", "spread must not be negative, got %g", *pol.Spread)
			}
		}
		if f == nil {
			continue
		}
		if s.Trigger != "" && !slices.ContainsFunc(f.Triggers, func(t model.Trigger) bool { return t.ID == s.Trigger }) {
			v.errorf(d, "trigger", "unknown-reference", "trigger %q is not a trigger of %s", s.Trigger, f.ID)
		}
		if s.Guarantors != nil {
			for i, g := range *s.Guarantors {
				if p := f.Parties[g]; p == nil || p.Role != model.Guarantor {
					v.errorf(d, fmt.Sprintf("guarantors[%d]", i), "unknown-party", "%q is not a guarantor of %s", g, f.ID)
				}
			}
		}
		if s.Start.IsZero() && f.Ceasefire.IsZero() {
			v.errorf(d, "framework", "missing-field", "give the scenario a start date: framework %s has no ceasefire date to default to", f.ID)
		}
	}
}

// checkCorroborations checks corroboration rules: each source once, at
// least one anchor, positive numbers, levels rising.
func checkCorroborations(v *validator) {
	seen := map[string]*Document{}
	for _, d := range v.set.Docs {
		c := d.Corroboration
		if c == nil {
			continue
		}
		if c.ID != "" {
			v.checkSlug(d, "id", c.ID)
			if first, dup := seen[c.ID]; dup {
				v.errorf(d, "id", "duplicate-id", "duplicate corroboration id %q (first defined at %s)", c.ID, where(first, "id"))
			} else {
				seen[c.ID] = d
			}
		}
		if d.Node("distance_km") != nil && c.DistanceKm <= 0 {
			v.errorf(d, "distance_km", "invalid-quantity", "distance_km must be positive")
		}
		anchors := 0
		sources := map[string]int{}
		for i, s := range c.Sources {
			path := fmt.Sprintf("sources[%d]", i)
			if j, dup := sources[s.Source]; dup && s.Source != "" {
				v.errorf(d, path+".source", "duplicate-id", "source %q is already described (sources[%d])", s.Source, j)
			}
			sources[s.Source] = i
			if s.Anchor {
				anchors++
			}
			for _, f := range []struct {
				name string
				p    *float64
			}{{"reliability", s.Reliability}, {"points", s.Points}} {
				if f.p != nil && *f.p < 0 {
					v.errorf(d, path+"."+f.name, "invalid-quantity", "%s must not be negative", f.name)
				}
			}
		}
		if anchors == 0 && len(c.Sources) > 0 {
			v.errorf(d, "sources", "no-anchor", "no source can anchor (anchor: true): nothing would be scored")
		}
		for i := 1; i < len(c.Levels); i++ {
			if c.Levels[i].Points <= c.Levels[i-1].Points {
				v.errorf(d, fmt.Sprintf("levels[%d].points", i), "invalid-quantity", "level %q must need more points than %q", c.Levels[i].Name, c.Levels[i-1].Name)
			}
		}
	}
}
