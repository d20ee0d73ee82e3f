package load

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
)

// stage is one named validation pass over the whole set.
type stage struct {
	name string
	run  func(*validator)
}

// stages run in order; each sees the results of the ones before (for
// instance, expressions are checked against ids that "ids" found unique).
var stages = []stage{
	{"ids", checkIDs},
	{"frameworks", checkFrameworks},
	{"references", checkReferences},
	{"sequence", checkSequence},
	{"expressions", checkExpressions},
	{"pledges", checkPledges},
	{"land pledges", checkLandPledges},
	{"restrictions", checkRestrictions},
	{"units", checkUnits},
	{"plausible quantities", checkBounds},
	{"incidents", checkIncidents},
	{"scenarios", checkScenarios},
	{"forces and axes", checkSimScenarios},
	{"corroborations", checkCorroborations},
	{"findings and actions", checkAccounts},
	{"bindings", checkBindings},
	{"commitments", checkCommitments},
	{"territorial options", checkOptions},
	{"accepted options", checkAcceptedOptions},
}

// Finish validates every document loaded so far as one set and returns
// it with all diagnostics, sorted by file and position.
func (l *Loader) Finish() (*Set, diag.Diagnostics) {
	l.expandCompactDuplicates() // compact.go
	set := &Set{Docs: l.docs, exprs: l.preparedExprs()}
	v := &validator{set: set, frameworks: map[string]*Document{}}
	if l.prepared != nil {
		v.prepared, v.preparedIDs = l.prepared.doc, l.prepared.partyIDs
	}
	for _, d := range set.Docs {
		if d.Framework != nil && d.Framework.ID != "" {
			if _, dup := v.frameworks[d.Framework.ID]; !dup {
				v.frameworks[d.Framework.ID] = d
			}
		}
	}
	for _, s := range stages {
		s.run(v)
	}
	ds := append(l.diags, v.diags...)
	for _, d := range set.Docs {
		if d == v.prepared {
			continue // its diagnostics are the Prepared's
		}
		if more, ok := d.leftOut(); ok {
			ds = append(ds, more)
		}
	}
	ds.Sort()
	return set, ds
}

type validator struct {
	set        *Set
	frameworks map[string]*Document // by id, the first of duplicates
	diags      diag.Diagnostics
	// prepared is the framework validated before (Prepared): the rules
	// about it alone are not run again, and its diagnostics are left out,
	// so that it is only read (others validate next to it at once).
	prepared    *Document
	preparedIDs []string // its party ids, sorted
	// ids caches partyIDs.
	ids map[*model.Framework][]string
}

// partyIDs is f.PartyIDs(), sorted once per framework and set (once per
// prepared framework) rather than once per pledge checked against every
// party's red lines. Callers only read it.
func (v *validator) partyIDs(f *model.Framework) []string {
	if v.prepared != nil && f == v.prepared.Framework && v.preparedIDs != nil {
		return v.preparedIDs
	}
	ids, ok := v.ids[f]
	if !ok {
		ids = f.PartyIDs()
		if v.ids == nil {
			v.ids = map[*model.Framework][]string{}
		}
		v.ids[f] = ids
	}
	return ids
}

// again reports whether d is the prepared framework, whose own rules ran
// when it was prepared.
func (v *validator) again(d *Document) bool { return d == v.prepared }

func (v *validator) add(sev diag.Severity, doc *Document, path string, onKey bool, code, format string, args ...any) {
	if v.again(doc) {
		return // the prepared framework: not reported here, and not written to
	}
	if doc.Failed(path) {
		return // the decoder already reported this value
	}
	if !doc.admit(sev) {
		return // past the document's MaxDiagnosticsPerDocument: counted only
	}
	r := doc.Range(path)
	if onKey {
		r = doc.KeyRange(path)
	}
	v.diags = v.diags.Append(diag.Diagnostic{Severity: sev, Code: code, Summary: fmt.Sprintf(format, args...),
		Range: r, Path: path, Doc: doc.Key})
}

// errorf reports an error at the value of path.
func (v *validator) errorf(doc *Document, path, code, format string, args ...any) {
	v.add(diag.Error, doc, path, false, code, format, args...)
}

// keyErrorf reports an error at the key of path (a field or map key name).
func (v *validator) keyErrorf(doc *Document, path, code, format string, args ...any) {
	v.add(diag.Error, doc, path, true, code, format, args...)
}

func (v *validator) warnf(doc *Document, path, code, format string, args ...any) {
	v.add(diag.Warning, doc, path, false, code, format, args...)
}

// frameworkOf returns the loaded framework with the given id, or nil.
func (v *validator) frameworkOf(id string) *model.Framework {
	if d := v.frameworks[id]; d != nil {
		return d.Framework
	}
	return nil
}

// ---- ids ------------------------------------------------------------------

func checkIDs(v *validator) {
	seenFramework := map[string]*Document{}
	seenScenario := map[string]*Document{}
	seenIncident := map[string]string{}
	seenDeclaration := map[string]*Document{}
	for _, d := range v.set.Docs {
		switch {
		case d.Framework != nil:
			f := d.Framework
			if v.again(d) {
				if f.ID != "" {
					seenFramework[f.ID] = d // loaded first: no duplicate before it
				}
				continue
			}
			if f.ID != "" {
				v.checkSlug(d, "id", f.ID)
				if first, dup := seenFramework[f.ID]; dup {
					v.errorf(d, "id", "duplicate-id", "duplicate framework id %q (first defined at %s)", f.ID, where(first, "id"))
				} else {
					seenFramework[f.ID] = d
				}
			}
			for _, id := range sortedKeys(f.Parties) {
				if !model.ValidPartyID(id) {
					v.keyErrorf(d, "parties."+id, "invalid-id", "party id %q must be 2–8 characters [A-Z][A-Z0-9_-]*, such as UA, US or EU", id)
				}
				p := f.Parties[id]
				v.checkUniqueIDs(d, "parties."+id+".caveats", "caveat", len(p.Caveats), func(i int) string { return p.Caveats[i].ID })
				v.checkUniqueIDs(d, "parties."+id+".red_lines", "red line", len(p.RedLines), func(i int) string { return p.RedLines[i].ID })
			}
			v.checkUniqueIDs(d, "requirements", "requirement", len(f.Requirements), func(i int) string { return f.Requirements[i].ID })
			v.checkUniqueIDs(d, "triggers", "trigger", len(f.Triggers), func(i int) string { return f.Triggers[i].ID })
			v.checkUniqueIDs(d, "responses", "response", len(f.Responses), func(i int) string { return f.Responses[i].ID })
			v.checkUniqueIDs(d, "sequence", "step", len(f.Sequence), func(i int) string { return f.Sequence[i].ID })
		case d.Declaration != nil:
			decl := d.Declaration
			v.checkUniqueIDs(d, "pledges", "pledge", len(decl.Pledges), func(i int) string { return decl.Pledges[i].ID })
			if decl.Framework == "" || decl.Party == "" || decl.Date.IsZero() {
				continue
			}
			if decl.Revision < 0 {
				v.errorf(d, "revision", "invalid-value", "revision must not be negative, got %d", decl.Revision)
			}
			k := fmt.Sprintf("%s\x00%s\x00%s\x00%d", decl.Framework, decl.Party, decl.Date, decl.Revision)
			if first, dup := seenDeclaration[k]; dup {
				v.errorf(d, "date", "duplicate-declaration",
					"%s already declared to %s on %s (at %s); a new declaration needs a later date, or a higher revision, to supersede it",
					decl.Party, decl.Framework, revisionOf(decl), where(first, "date"))
			} else {
				seenDeclaration[k] = d
			}
		case d.Scenario != nil:
			if id := d.Scenario.ID; id != "" {
				v.checkSlug(d, "id", id)
				if first, dup := seenScenario[id]; dup {
					v.errorf(d, "id", "duplicate-id", "duplicate scenario id %q (first defined at %s)", id, where(first, "id"))
				} else {
					seenScenario[id] = d
				}
			}
		case d.Incidents != nil:
			for i, inc := range d.Incidents.Incidents {
				path := fmt.Sprintf("incidents[%d].id", i)
				if inc.ID == "" {
					continue
				}
				if first, dup := seenIncident[inc.ID]; dup {
					v.errorf(d, path, "duplicate-id", "duplicate incident id %q (first defined at %s)", inc.ID, first)
				} else {
					seenIncident[inc.ID] = where(d, path)
				}
			}
		}
	}
}

// checkUniqueIDs checks the ids of a list: each a slug, none repeated.
func (v *validator) checkUniqueIDs(d *Document, list, what string, n int, id func(int) string) {
	first := map[string]int{}
	for i := range n {
		x := id(i)
		if x == "" {
			continue
		}
		path := fmt.Sprintf("%s[%d].id", list, i)
		v.checkSlug(d, path, x)
		if j, dup := first[x]; dup {
			v.errorf(d, path, "duplicate-id", "duplicate %s id %q (first defined at line %d)", what, x, d.Range(fmt.Sprintf("%s[%d].id", list, j)).Start.Line)
			continue
		}
		first[x] = i
	}
}

func (v *validator) checkSlug(d *Document, path, id string) {
	if !model.ValidSlug(id) {
		v.errorf(d, path, "invalid-id", "id %q must be lower-case letters, digits and single dashes, such as reassurance-force", id)
	}
}

// where formats the position of a path for messages that point elsewhere.
func where(d *Document, path string) string {
	r := d.Range(path)
	return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Column)
}

// ---- frameworks -----------------------------------------------------------

func checkFrameworks(v *validator) {
	for _, d := range v.set.Docs {
		f := d.Framework
		if f == nil || v.again(d) {
			continue
		}
		keyOwner := map[string]string{}
		if f.Beneficiary != "" {
			switch p := f.Parties[f.Beneficiary]; {
			case p == nil:
				v.errorf(d, "beneficiary", "unknown-party", "beneficiary %q is not one of the parties (%s)", f.Beneficiary, strings.Join(f.PartyIDs(), ", "))
			case p.Role != model.Beneficiary:
				v.errorf(d, "beneficiary", "wrong-role", "beneficiary %s has role %s; it must have role beneficiary", f.Beneficiary, p.Role)
			}
		}
		for _, id := range f.PartyIDs() {
			p := f.Parties[id]
			path := "parties." + id
			if b := f.Parties[f.Beneficiary]; p.Role == model.Beneficiary && id != f.Beneficiary && b != nil && b.Role == model.Beneficiary {
				v.errorf(d, path+".role", "wrong-role", "party %s has role beneficiary but the framework's beneficiary is %s", id, f.Beneficiary)
			}
			if p.GDPUSDBn < 0 {
				v.errorf(d, path+".gdp_usd_bn", "invalid-value", "gdp_usd_bn must not be negative")
			}
			v.checkForbids(d, f, path+".caveats", p.Caveats)
			v.checkForbids(d, f, path+".red_lines", p.RedLines)
			v.checkKeys(d, f, id, keyOwner)
		}
		for _, k := range sortedKeys(f.Rates) {
			path := "rates." + k
			cur, ok := strings.CutSuffix(k, "-per-EUR")
			switch {
			case !ok || len(cur) != 3 || strings.ToUpper(cur) != cur:
				v.keyErrorf(d, path, "invalid-rate", "rate %q must be named XXX-per-EUR with a currency code, such as USD-per-EUR", k)
			case f.Rates[k] <= 0:
				v.errorf(d, path, "invalid-rate", "rate %s must be positive", k)
			}
		}
		for i, r := range f.Requirements {
			if r.Quantity <= 0 {
				v.errorf(d, fmt.Sprintf("requirements[%d].quantity", i), "invalid-quantity", "requirement %q: quantity must be positive, got %g", r.ID, r.Quantity)
			}
		}
		for i, r := range f.Responses {
			path := fmt.Sprintf("responses[%d]", i)
			switch {
			case r.Mode == model.Consultation && d.Node(path+".within") == nil:
				v.errorf(d, path, "missing-deadline", "response %q: a consultation needs `within`, the time the guarantors have to convene", r.ID)
			case r.Mode == model.Decision && d.Node(path+".within") == nil:
				v.errorf(d, path, "missing-deadline", "response %q: a decision needs `within`, the deadline for deciding", r.ID)
			case r.Mode == model.Automatic && r.Within != 0:
				v.warnf(d, path+".within", "ignored-field", "response %q is automatic: `within` has no effect", r.ID)
			}
			if r.Mode == model.Decision && len(r.Domains) == 0 {
				v.warnf(d, path, "no-domains", "response %q: a decision with no `domains` activates no pledges", r.ID)
			}
		}
	}
}

// checkKeys checks a party's public keys: each must be an ed25519
// verifier key, and no key may speak for two parties, or a signature would
// not say who signed.
func (v *validator) checkKeys(d *Document, f *model.Framework, party string, owner map[string]string) {
	for i, k := range f.Parties[party].Keys {
		path := fmt.Sprintf("parties.%s.keys[%d]", party, i)
		ver, err := note.NewVerifier(k)
		if err != nil {
			v.errorf(d, path, "invalid-key", "party %s: %q is not a public key of the form NAME+HASH+KEY, as `backstop keygen` writes it", party, abbreviate(k))
			continue
		}
		id := fmt.Sprintf("%s+%08x", ver.Name(), ver.KeyHash())
		if first, dup := owner[id]; dup {
			v.errorf(d, path, "shared-key", "key %s is listed for %s too; a key speaks for one party", id, first)
			continue
		}
		owner[id] = party
	}
}

func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// revisionOf names a declaration by its date, and its revision when it has one.
func revisionOf(d *model.Declaration) string {
	if d.Revision == 0 {
		return d.Date.String()
	}
	return fmt.Sprintf("%s revision %d", d.Date, d.Revision)
}

// checkForbids checks caveats or red lines: each must forbid something,
// and the tags it names should be carried by some party.
func (v *validator) checkForbids(d *Document, f *model.Framework, list string, rs []model.Restriction) {
	for i, r := range rs {
		path := fmt.Sprintf("%s[%d]", list, i)
		if r.Forbid.IsEmpty() && d.Node(path+".forbid") != nil {
			v.errorf(d, path+".forbid", "empty-forbid", "%q forbids nothing: give at least one of domains, postures, tags, layers", r.ID)
		}
		for j, tag := range r.Forbid.Tags {
			if !slices.ContainsFunc(f.PartyIDs(), func(id string) bool { return f.Parties[id].HasTag(tag) }) {
				v.warnf(d, fmt.Sprintf("%s.forbid.tags[%d]", path, j), "unused-tag", "no party carries tag %q, so this never matches", tag)
			}
		}
	}
}

// ---- references -------------------------------------------------------------

func checkReferences(v *validator) {
	for _, d := range v.set.Docs {
		switch {
		case d.Framework != nil:
			if v.again(d) {
				continue
			}
			f := d.Framework
			responses := map[string]bool{}
			for _, r := range f.Responses {
				responses[r.ID] = true
			}
			named := map[string]bool{}
			respondFailed := false
			for i, t := range f.Triggers {
				respondFailed = respondFailed || d.Failed(fmt.Sprintf("triggers[%d].respond", i))
				for j, id := range t.Respond {
					named[id] = true
					if !responses[id] {
						v.errorf(d, fmt.Sprintf("triggers[%d].respond[%d]", i, j), "unknown-response",
							"trigger %q names unknown response %q%s", t.ID, id, suggestion(id, keysOf(responses)))
					}
				}
			}
			for i, r := range f.Responses {
				if r.ID != "" && !named[r.ID] && !respondFailed {
					v.warnf(d, fmt.Sprintf("responses[%d].id", i), "unused-response", "no trigger names response %q", r.ID)
				}
			}
			steps := map[string]bool{}
			for _, s := range f.Sequence {
				steps[s.ID] = true
			}
			for i, s := range f.Sequence {
				for j, id := range s.After {
					if !steps[id] {
						v.errorf(d, fmt.Sprintf("sequence[%d].after[%d]", i, j), "unknown-step",
							"step %q comes after unknown step %q%s", s.ID, id, suggestion(id, keysOf(steps)))
					}
				}
			}
		case d.Declaration != nil:
			decl := d.Declaration
			if decl.Framework == "" {
				continue
			}
			f := v.frameworkOf(decl.Framework)
			if f == nil {
				v.errorf(d, "framework", "unknown-framework",
					"declaration refers to framework %q, which is not among the loaded documents; validate it together with its framework", decl.Framework)
				continue
			}
			if decl.Party == "" {
				continue
			}
			p := f.Parties[decl.Party]
			switch {
			case p == nil:
				v.errorf(d, "party", "unknown-party", "party %q is not a party of framework %s%s", decl.Party, f.ID, suggestion(decl.Party, f.PartyIDs()))
			case p.Role != model.Guarantor && p.Role != model.Beneficiary && len(decl.Pledges) > 0:
				v.errorf(d, "party", "wrong-role", "%s has role %s in %s; only guarantors and the beneficiary declare pledges", decl.Party, p.Role, f.ID)
			case p.Role != model.Guarantor && p.Role != model.Beneficiary && len(decl.Commitments) == 0:
				// Any party may declare commitments about its own conduct
				// (the adversary's above all), and nothing else.
				v.errorf(d, "party", "wrong-role", "%s has role %s in %s; it declares commitments only (promises about its own conduct), and this declaration has none", decl.Party, p.Role, f.ID)
			case p.Role == model.Beneficiary:
				for i, pl := range decl.Pledges {
					if pl.Layer == 2 {
						v.errorf(d, fmt.Sprintf("pledges[%d].layer", i), "wrong-layer",
							"pledge %q: the beneficiary pledges only layer 1 (its own forces); layer 2 is the guarantors'", pl.ID)
					}
				}
			}
		case d.Scenario != nil:
			if fw := d.Scenario.Framework; fw != "" && v.frameworkOf(fw) == nil {
				v.errorf(d, "framework", "unknown-framework",
					"scenario refers to framework %q, which is not among the loaded documents", fw)
			}
		}
	}
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func suggestion(s string, candidates []string) string {
	if c := model.Suggest(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// ---- sequence ---------------------------------------------------------------

// checkSequence finds cycles in the `after` graph. Each cycle is reported
// once, at the `after` entry that closes it.
func checkSequence(v *validator) {
	for _, d := range v.set.Docs {
		f := d.Framework
		if f == nil || v.again(d) {
			continue
		}
		index := map[string]int{}
		for i, s := range f.Sequence {
			if _, dup := index[s.ID]; !dup {
				index[s.ID] = i
			}
		}
		const (
			unvisited = iota
			onPath
			finished
		)
		state := make([]int, len(f.Sequence))
		var path []string
		var visit func(i int)
		visit = func(i int) {
			state[i] = onPath
			path = append(path, f.Sequence[i].ID)
			for j, after := range f.Sequence[i].After {
				k, ok := index[after]
				if !ok {
					continue
				}
				switch state[k] {
				case onPath:
					start := slices.Index(path, after)
					cycle := append(slices.Clone(path[start:]), after)
					v.errorf(d, fmt.Sprintf("sequence[%d].after[%d]", i, j), "sequence-cycle",
						"sequence has a cycle: %s", strings.Join(cycle, " → "))
				case unvisited:
					visit(k)
				}
			}
			path = path[:len(path)-1]
			state[i] = finished
		}
		for i := range f.Sequence {
			if state[i] == unvisited {
				visit(i)
			}
		}
	}
}
