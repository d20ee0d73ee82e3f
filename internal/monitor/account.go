package monitor

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// The account of a breach: what monitors found and what the parties did
// (docs/monitor.md, "From breach to account"). Findings and Actions name
// a breach by the id backstop derives for it (BreachID) or by its trigger
// and cause; Account matches them to the report's breaches and gives
// every breach its status and every response due its state per party.

// Breach statuses beyond the findings' own: a breach no finding names yet
// was detected by backstop only.
const StatusDetected = "detected"

// Response states, per party and for a response as a whole (the worst of
// its parties', in the order of ResponseStates).
const (
	StateOverdue  = "overdue"
	StateDeclined = "declined"
	StateLate     = "late"
	StatePending  = "pending"
	StateOnTime   = "on-time"
	StateNotDue   = "not-due" // the breach was rejected as a false alarm
)

// ResponseStates are the states, worst first.
var ResponseStates = []string{StateOverdue, StateDeclined, StateLate, StatePending, StateOnTime, StateNotDue}

// BreachID is the stable id of a breach: "B-" and ten hex digits of the
// SHA-256 of its trigger and its cause (the first incident that fired it,
// or the date of the snapshot that did). The same inputs give the same id
// in every run, on the CLI and on the server.
func BreachID(trigger string, c Cause) string {
	key := c.Incident
	if c.Kind == "snapshot" && c.Territory != nil {
		key = "map:" + c.Territory.AsOf.UTC().Format(time.DateOnly)
	}
	sum := sha256.Sum256([]byte(trigger + "\x00" + key))
	return "B-" + hex.EncodeToString(sum[:5])
}

// FindingState is the finding in force on a breach: the latest a monitor
// filed on it.
type FindingState struct {
	ID           string           `json:"id"`
	Party        string           `json:"party"`
	Date         time.Time        `json:"date"`
	Status       string           `json:"status"`
	AttributedTo string           `json:"attributed_to,omitempty"`
	Evidence     []model.Evidence `json:"evidence"`
	Reply        string           `json:"reply,omitempty"`
	Note         string           `json:"note,omitempty"`
	// Earlier counts the findings on the breach it supersedes.
	Earlier int `json:"earlier"`
}

// PartyResponse is where one party stands on one response due.
type PartyResponse struct {
	Party string `json:"party"`
	State string `json:"state"`
	// Action is what was done ("" when nothing was filed), by ActionID at
	// At; Collective when the secretariat filed it for all.
	Action     string     `json:"action,omitempty"`
	ActionID   string     `json:"action_id,omitempty"`
	At         *time.Time `json:"at,omitempty"`
	Collective bool       `json:"collective,omitempty"`
	// LateBy (late) and DueIn (pending) are durations such as "36h".
	LateBy string `json:"late_by,omitempty"`
	DueIn  string `json:"due_in,omitempty"`
	// Delivered are the quantities of the party's pledges the action
	// fulfils.
	Delivered []model.PledgeFulfilment `json:"delivered,omitempty"`
}

// AccountSummary counts what the account matched, and lists the findings
// and actions that name no breach of the report (nothing is dropped
// silently: a typo in a breach id shows here).
type AccountSummary struct {
	AsOf      time.Time `json:"as_of"`
	Findings  int       `json:"findings"`
	Actions   int       `json:"actions"`
	Rejected  int       `json:"rejected"`
	Unmatched []string  `json:"unmatched"`
}

// matches reports whether ref names episode e.
func matches(ref model.BreachRef, e *Episode) bool {
	if ref.ID != "" {
		return ref.ID == e.ID
	}
	if ref.Trigger != e.Trigger {
		return false
	}
	if !ref.MapDate.IsZero() {
		return e.Cause.Kind == "snapshot" && e.Cause.Territory != nil &&
			e.Cause.Territory.AsOf.UTC().Format(time.DateOnly) == ref.MapDate.Format(time.DateOnly)
	}
	for _, id := range ref.Incidents {
		if id == e.Cause.Incident || slices.Contains(e.Incidents, id) || slices.Contains(e.referenced, id) {
			return true
		}
	}
	return false
}

// Referenced lists the incident ids the findings and actions name, for
// Options.Referenced: the monitor keeps those of every breach's firings,
// beyond its samples, so that any of them finds its breach.
func Referenced(findings []*model.Finding, actions []*model.Action) map[string]bool {
	out := map[string]bool{}
	for _, f := range findings {
		for _, id := range f.Breach.Incidents {
			out[id] = true
		}
	}
	for _, a := range actions {
		for _, id := range a.Breach.Incidents {
			out[id] = true
		}
	}
	return out
}

// CommitmentState is one commitment of a party about its own conduct
// (model.Commitment) with its status as of the account's date.
type CommitmentState struct {
	Party string `json:"party"`
	ID    string `json:"id"`
	Title string `json:"title"`
	// Status is the last status of its history dated on or before the
	// account's date, Since that status's date.
	Status  string `json:"status"`
	Since   string `json:"since"` // YYYY-MM-DD
	Binding string `json:"binding,omitempty"`
	// ViolatedBy are the ids of the breaches its history names as
	// violating it (by then): those of the report, or the id given when
	// the report has no such breach (it is then also Unmatched).
	ViolatedBy []string `json:"violated_by"`
}

// Account gives the report's breaches their status and their responses
// their states from the findings and actions of framework f, as of asOf
// (zero: the latest of the report's last event, the filings' dates and
// the dates of declarations with commitments). decls are the
// declarations made to f, superseded ones included, in any order: the
// latest of each party dated on or before asOf is in force, and its
// commitments' violations mark their breaches (Episode.Violates) and
// give the report its Commitments.
func Account(r *Report, f *model.Framework, findings []*model.Finding, actions []*model.Action, decls []*model.Declaration, asOf time.Time) {
	sum := AccountSummary{Unmatched: []string{}}
	if asOf.IsZero() {
		if t, err := time.Parse(time.RFC3339, r.To); err == nil {
			asOf = t
		}
		for _, x := range findings {
			asOf = maxTime(asOf, x.Date.Time)
		}
		for _, a := range actions {
			asOf = maxTime(asOf, a.Date.Time)
		}
		for _, d := range decls {
			if d.Framework == f.ID && len(d.Commitments) > 0 {
				asOf = maxTime(asOf, d.Date.Time)
			}
		}
	}
	sum.AsOf = asOf.UTC()
	// Filings dated after asOf are not yet known as of then.
	findings = slices.DeleteFunc(slices.Clone(findings), func(x *model.Finding) bool { return x.Date.After(asOf) })
	actions = slices.DeleteFunc(slices.Clone(actions), func(a *model.Action) bool { return a.Date.After(asOf) })
	on := func(ref model.BreachRef) int {
		return slices.IndexFunc(r.Episodes, func(e Episode) bool { return matches(ref, &e) })
	}
	byEpisode := make([][]*model.Finding, len(r.Episodes))
	for _, x := range findings {
		if x.Framework != f.ID {
			continue
		}
		i := on(x.Breach)
		if i < 0 {
			sum.Unmatched = append(sum.Unmatched, x.ID)
			continue
		}
		sum.Findings++
		byEpisode[i] = append(byEpisode[i], x)
	}
	acts := make([][]*model.Action, len(r.Episodes))
	for _, a := range actions {
		if a.Framework != f.ID {
			continue
		}
		i := on(a.Breach)
		if i < 0 {
			sum.Unmatched = append(sum.Unmatched, a.ID)
			continue
		}
		sum.Actions++
		acts[i] = append(acts[i], a)
	}
	for i := range r.Episodes {
		e := &r.Episodes[i]
		e.Status, e.Finding = StatusDetected, nil
		if fs := byEpisode[i]; len(fs) > 0 {
			// The latest supersedes; a tie keeps the later filed.
			latest := fs[0]
			for _, x := range fs[1:] {
				if !x.Date.Before(latest.Date.Time) {
					latest = x
				}
			}
			e.Status = string(latest.Status)
			e.Finding = &FindingState{ID: latest.ID, Party: latest.Party, Date: latest.Date.UTC(), Status: e.Status,
				AttributedTo: latest.AttributedTo, Evidence: orEmpty(latest.Evidence), Reply: latest.Reply,
				Note: latest.Note, Earlier: len(fs) - 1}
		}
		if e.Status == string(model.FalseAlarm) {
			sum.Rejected++
		}
		for k := range e.Responses {
			respond(e, &e.Responses[k], f, acts[i], asOf)
		}
	}
	r.Commitments = commitments(r, f, inForce(f, decls, asOf), asOf, &sum)
	r.Account = &sum
}

// inForce is, per party, the declaration to f in force at t: the latest
// by date and revision dated on or before t.
func inForce(f *model.Framework, decls []*model.Declaration, t time.Time) map[string]*model.Declaration {
	out := map[string]*model.Declaration{}
	for _, d := range decls {
		if d.Framework != f.ID || d.Date.After(t) {
			continue
		}
		if l := out[d.Party]; l == nil || d.Date.After(l.Date.Time) || d.Date.Equal(l.Date.Time) && d.Revision >= l.Revision {
			out[d.Party] = d
		}
	}
	return out
}

// commitments gives the commitments of the declarations in force their
// status as of asOf, and marks the breaches their violations name; a
// violation that names no breach of the report is unmatched
// ("PARTY/commitment-id").
func commitments(r *Report, f *model.Framework, decls map[string]*model.Declaration, asOf time.Time, sum *AccountSummary) []CommitmentState {
	for i := range r.Episodes {
		r.Episodes[i].Violates = nil
	}
	parties := make([]string, 0, len(decls))
	for p := range decls {
		parties = append(parties, p)
	}
	slices.Sort(parties)
	var out []CommitmentState
	for _, party := range parties {
		for _, c := range decls[party].Commitments {
			cs := CommitmentState{Party: party, ID: c.ID, Title: c.Title, Binding: string(c.Binding), ViolatedBy: []string{}}
			name := party + "/" + c.ID
			for _, ev := range c.History {
				if ev.Date.After(asOf) {
					break // the history is in date order (load checks it)
				}
				cs.Status, cs.Since = string(ev.Status), ev.Date.String()
				if ev.Status != model.Violated || ev.Breach == nil {
					continue
				}
				i := slices.IndexFunc(r.Episodes, func(e Episode) bool { return matches(*ev.Breach, &e) })
				if i < 0 {
					if !slices.Contains(sum.Unmatched, name) {
						sum.Unmatched = append(sum.Unmatched, name)
					}
					if ev.Breach.ID != "" && !slices.Contains(cs.ViolatedBy, ev.Breach.ID) {
						cs.ViolatedBy = append(cs.ViolatedBy, ev.Breach.ID)
					}
					continue
				}
				e := &r.Episodes[i]
				if !slices.Contains(cs.ViolatedBy, e.ID) {
					cs.ViolatedBy = append(cs.ViolatedBy, e.ID)
				}
				if !slices.Contains(e.Violates, name) {
					e.Violates = append(e.Violates, name)
				}
			}
			if cs.Status != "" {
				out = append(out, cs)
			}
		}
	}
	return out
}

// respond sets the state of one response due on breach e, per party:
// those expected to act are the guarantors whose pledges it activates,
// or every guarantor for a consultation or a response that activates
// none. A party's own latest action counts; for a consultation, the
// secretariat's action counts for every party that filed none.
func respond(e *Episode, d *ResponseDue, f *model.Framework, acts []*model.Action, asOf time.Time) {
	var parties []string
	if d.Mode != string(model.Consultation) {
		for _, p := range d.Pledges {
			if !slices.Contains(parties, p.Party) {
				parties = append(parties, p.Party)
			}
		}
	}
	if len(parties) == 0 {
		parties = f.PartiesWithRole(model.Guarantor)
	}
	slices.Sort(parties)
	latest := func(party string) *model.Action {
		var out *model.Action
		for _, a := range acts {
			if a.Party == party && a.Response == d.Response && (out == nil || !a.Date.Before(out.Date.Time)) {
				out = a
			}
		}
		return out
	}
	var collective *model.Action
	if d.Mode == string(model.Consultation) {
		for _, s := range f.PartiesWithRole(model.Secretariat) {
			if a := latest(s); a != nil && (collective == nil || !a.Date.Before(collective.Date.Time)) {
				collective = a
			}
		}
	}
	d.Parties = []PartyResponse{}
	worst := len(ResponseStates) - 1
	for _, party := range parties {
		pr := PartyResponse{Party: party}
		a := latest(party)
		if a == nil && collective != nil {
			a, pr.Collective = collective, true
		}
		switch {
		case e.Status == string(model.FalseAlarm):
			pr.State = StateNotDue
		case a != nil:
			at := a.Date.UTC()
			pr.Action, pr.ActionID, pr.At = string(a.Action), a.ID, &at
			if !pr.Collective {
				pr.Delivered = a.Pledges
			}
			switch {
			case a.Action == model.Declined:
				pr.State = StateDeclined
			case !at.After(d.Due):
				pr.State = StateOnTime
			default:
				pr.State, pr.LateBy = StateLate, model.Duration(at.Sub(d.Due)).String()
			}
		case asOf.Before(d.Due):
			pr.State, pr.DueIn = StatePending, model.Duration(d.Due.Sub(asOf).Round(time.Hour)).String()
		default:
			pr.State = StateOverdue
		}
		worst = min(worst, slices.Index(ResponseStates, pr.State))
		d.Parties = append(d.Parties, pr)
	}
	d.State = ResponseStates[worst]
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
