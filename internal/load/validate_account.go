package load

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/backstop-dev/backstop/internal/model"
)

// The account (backstop additions, docs/language.md): a monitor's
// Finding on a breach and a party's Action in answer to a response.

var (
	breachIDPattern = regexp.MustCompile(`^B-[0-9a-f]{10}$`)
	sha256Pattern   = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
)

// checkAccounts validates Findings and Actions against their framework
// (and, for an Action's pledges, the party's latest declaration).
func checkAccounts(v *validator) {
	seen := map[string]*Document{} // kind, framework, id → the first document
	for _, d := range v.set.Docs {
		var kind model.Kind
		var id, framework string
		switch {
		case d.Finding != nil:
			kind, id, framework = model.KindFinding, d.Finding.ID, d.Finding.Framework
		case d.Action != nil:
			kind, id, framework = model.KindAction, d.Action.ID, d.Action.Framework
		default:
			continue
		}
		what := strings.ToLower(string(kind))
		if id != "" {
			v.checkSlug(d, "id", id)
			k := string(kind) + "\x00" + framework + "\x00" + id
			if first, dup := seen[k]; dup {
				v.errorf(d, "id", "duplicate-id", "duplicate %s id %q in framework %s (first defined at %s)", what, id, framework, where(first, "id"))
			} else {
				seen[k] = d
			}
		}
		if framework == "" {
			continue
		}
		f := v.frameworkOf(framework)
		if f == nil {
			v.errorf(d, "framework", "unknown-framework",
				"%s refers to framework %q, which is not among the loaded documents; validate it together with its framework", what, framework)
			continue
		}
		switch {
		case d.Finding != nil:
			v.checkFinding(d, f)
		case d.Action != nil:
			v.checkAction(d, f)
		}
	}
}

// checkParty checks that party is a party of f with one of roles; it
// returns the party, or nil when it was reported.
func (v *validator) checkParty(d *Document, f *model.Framework, party string, roles []model.Role, who string) *model.Party {
	if party == "" {
		return nil
	}
	p := f.Parties[party]
	switch {
	case p == nil:
		v.errorf(d, "party", "unknown-party", "party %q is not a party of framework %s%s", party, f.ID, suggestion(party, f.PartyIDs()))
		return nil
	case !slices.Contains(roles, p.Role):
		v.errorf(d, "party", "wrong-role", "%s has role %s in %s; %s", party, p.Role, f.ID, who)
		return nil
	}
	return p
}

// checkBreach checks a breach reference: an id, or a trigger of f with
// incidents or a map date. It returns the trigger named, or nil.
func (v *validator) checkBreach(d *Document, f *model.Framework, b model.BreachRef) *model.Trigger {
	return v.checkBreachAt(d, f, "breach", b)
}

// checkBreachAt is checkBreach for a breach reference at path (a
// commitment's history names one too).
func (v *validator) checkBreachAt(d *Document, f *model.Framework, path string, b model.BreachRef) *model.Trigger {
	if d.Failed(path) {
		return nil
	}
	hasCause := len(b.Incidents) > 0 || !b.MapDate.IsZero()
	switch {
	case b.ID != "" && (b.Trigger != "" || hasCause):
		v.errorf(d, path, "ambiguous-breach", "breach: give either `id` or `trigger` with `incidents` or `map_date`, not both")
		return nil
	case b.ID != "":
		if !breachIDPattern.MatchString(b.ID) {
			v.errorf(d, path+".id", "invalid-id", "breach id %q must be \"B-\" and 10 lower-case hex digits, as `backstop monitor` prints it (B-3f09a1c2d4)", b.ID)
		}
		return nil
	case b.Trigger == "":
		v.errorf(d, path, "missing-field", "breach: give its `id`, or its `trigger` with `incidents` or `map_date`")
		return nil
	case len(b.Incidents) > 0 && !b.MapDate.IsZero():
		v.errorf(d, path+".map_date", "ambiguous-breach", "breach: give `incidents` or `map_date`, not both")
	case !hasCause:
		v.errorf(d, path+".trigger", "missing-field", "breach of trigger %q: give the `incidents` that fired it or the `map_date` of the map snapshot", b.Trigger)
	}
	for i, id := range b.Incidents {
		if strings.TrimSpace(id) == "" {
			v.errorf(d, fmt.Sprintf("%s.incidents[%d]", path, i), "invalid-id", "an incident id must not be empty")
		}
	}
	i := slices.IndexFunc(f.Triggers, func(t model.Trigger) bool { return t.ID == b.Trigger })
	if i < 0 {
		ids := make([]string, len(f.Triggers))
		for j, t := range f.Triggers {
			ids[j] = t.ID
		}
		v.errorf(d, path+".trigger", "unknown-reference", "trigger %q is not a trigger of %s%s", b.Trigger, f.ID, suggestion(b.Trigger, ids))
		return nil
	}
	return &f.Triggers[i]
}

func (v *validator) checkFinding(d *Document, f *model.Framework) {
	fd := d.Finding
	v.checkParty(d, f, fd.Party, []model.Role{model.Monitor}, "only monitors file findings")
	v.checkBreach(d, f, fd.Breach)
	if !d.Failed("status") {
		switch fd.Status {
		case model.Attributed:
			if fd.AttributedTo == "" {
				v.errorf(d, "status", "missing-field", "status attributed needs `attributed_to`, the party the breach is attributed to")
			}
		case model.Reported, model.NotAttributed, model.FalseAlarm:
			if fd.AttributedTo != "" {
				v.keyErrorf(d, "attributed_to", "attribution-mismatch", "status %s attributes the breach to no one: remove `attributed_to`", fd.Status)
			}
		}
	}
	if fd.AttributedTo != "" && f.Parties[fd.AttributedTo] == nil {
		v.errorf(d, "attributed_to", "unknown-party", "attributed_to %q is not a party of framework %s%s",
			fd.AttributedTo, f.ID, suggestion(fd.AttributedTo, f.PartyIDs()))
	}
	for i, e := range fd.Evidence {
		path := fmt.Sprintf("evidence[%d]", i)
		if e.URL == "" && e.SHA256 == "" && e.Note == "" {
			v.errorf(d, path, "empty-evidence", "evidence: give at least one of url, sha256, note")
			continue
		}
		if e.SHA256 != "" && !sha256Pattern.MatchString(e.SHA256) {
			v.errorf(d, path+".sha256", "invalid-value", "sha256 must be 64 hex digits (the SHA-256 of the file), got %d characters", len(e.SHA256))
		}
		if e.URL != "" {
			u, err := url.Parse(e.URL)
			switch {
			case err != nil:
				v.errorf(d, path+".url", "invalid-value", "url %q does not parse: %v", abbreviate(e.URL), unwrapURLError(err))
			case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
				v.errorf(d, path+".url", "invalid-value", "url %q must be an http or https address with a host", abbreviate(e.URL))
			}
		}
	}
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

func (v *validator) checkAction(d *Document, f *model.Framework) {
	a := d.Action
	p := v.checkParty(d, f, a.Party, []model.Role{model.Guarantor, model.Beneficiary, model.Secretariat},
		"actions are filed by guarantors, the beneficiary, and the secretariat (for consultations)")
	trigger := v.checkBreach(d, f, a.Breach)
	var response *model.Response
	if a.Response != "" {
		i := slices.IndexFunc(f.Responses, func(r model.Response) bool { return r.ID == a.Response })
		if i < 0 {
			ids := make([]string, len(f.Responses))
			for j, r := range f.Responses {
				ids[j] = r.ID
			}
			v.errorf(d, "response", "unknown-response", "response %q is not a response of %s%s", a.Response, f.ID, suggestion(a.Response, ids))
		} else {
			response = &f.Responses[i]
			if trigger != nil && !slices.Contains(trigger.Respond, a.Response) {
				v.errorf(d, "response", "wrong-response", "trigger %q does not respond with %q (it responds with %s)",
					trigger.ID, a.Response, strings.Join(trigger.Respond, ", "))
			}
		}
	}
	if p != nil && p.Role == model.Secretariat && response != nil && response.Mode != model.Consultation {
		v.errorf(d, "party", "wrong-role", "%s is the secretariat: it files actions only for consultations, and response %q is a %s",
			a.Party, response.ID, response.Mode)
	}
	if len(a.Pledges) == 0 {
		return
	}
	if !d.Failed("action") && a.Action == model.Declined {
		v.keyErrorf(d, "pledges", "declined-pledges", "a declined action fulfils no pledges: remove `pledges` or change `action`")
	}
	var decl *model.Declaration
	if p != nil {
		decl = v.set.Latest(f.ID)[a.Party]
		if decl == nil {
			v.warnf(d, "pledges", "no-declarations", "no declaration of %s to %s was loaded; its pledges are not checked (validate the action with the declarations)", a.Party, f.ID)
		}
	}
	for i, pf := range a.Pledges {
		path := fmt.Sprintf("pledges[%d]", i)
		if d.Node(path+".quantity") != nil && pf.Quantity <= 0 {
			v.errorf(d, path+".quantity", "invalid-quantity", "pledge %q: quantity must be positive, got %g", pf.Pledge, pf.Quantity)
		}
		if decl == nil || pf.Pledge == "" {
			continue
		}
		if !slices.ContainsFunc(decl.Pledges, func(pl model.Pledge) bool { return pl.ID == pf.Pledge }) {
			ids := make([]string, len(decl.Pledges))
			for j, pl := range decl.Pledges {
				ids[j] = pl.ID
			}
			v.errorf(d, path+".pledge", "unknown-pledge", "%s's declaration of %s has no pledge %q%s", a.Party, revisionOf(decl), pf.Pledge, suggestion(pf.Pledge, ids))
		}
	}
}
