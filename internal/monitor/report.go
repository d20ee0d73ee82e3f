package monitor

import (
	"time"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// FormatVersion is the version of the Report's JSON schema (docs/monitor.md).
const FormatVersion = 2

// Report is the outcome of monitoring one framework over a period.
type Report struct {
	FormatVersion int    `json:"format_version"`
	Framework     string `json:"framework"`
	// Period is the period the triggers were evaluated in: the
	// framework in force (from its ceasefire), narrowed by --since and
	// --until.
	Period ReportPeriod `json:"period"`
	// From and To are the first and last event evaluated (RFC 3339, "" if none).
	From string `json:"from"`
	To   string `json:"to"`
	// IncidentsBefore and SnapshotsBefore are the events before the
	// period: the incidents only filled the sliding windows, and no event
	// before the period starts a breach. IncidentsAfter and SnapshotsAfter
	// are those after it, not evaluated.
	IncidentsBefore int `json:"incidents_before"`
	SnapshotsBefore int `json:"snapshots_before"`
	IncidentsAfter  int `json:"incidents_after"`
	SnapshotsAfter  int `json:"snapshots_after"`
	// Incidents and Snapshots count the events evaluated; Evaluations the
	// trigger evaluations.
	Incidents   int   `json:"incidents"`
	Snapshots   int   `json:"snapshots"`
	Evaluations int64 `json:"evaluations"`
	// Inputs accounts for every row of every input file (set by the
	// caller that read them).
	Inputs []feeds.Summary `json:"inputs"`
	// QuietPeriod groups firings into episodes.
	QuietPeriod string         `json:"quiet_period"`
	Triggers    []TriggerCount `json:"triggers"`
	Episodes    []Episode      `json:"episodes"`
	// SingleSource counts the breaches that rest on one source.
	SingleSource int         `json:"single_source"`
	Weekly       []WeekCount `json:"weekly"`
	// Account sums up the findings and actions matched to the breaches.
	Account *AccountSummary `json:"account"`
	// Commitments are the parties' commitments about their own conduct
	// with their status as of the account's date (Account), by party and
	// id; none when no declaration in force has any.
	Commitments []CommitmentState `json:"commitments,omitempty"`
}

// TriggerCount sums up one trigger.
type TriggerCount struct {
	Trigger  string `json:"trigger"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Firings  int    `json:"firings"`
	Episodes int    `json:"episodes"`
	// Measure is the incident field the trigger's breaches sum per day.
	Measure string `json:"measure,omitempty"`
}

// ReportPeriod is the period evaluated, with the rule that set its start.
type ReportPeriod struct {
	// From is the start ("" when open); Until the end, excluded ("" when
	// open).
	From  string `json:"from"`
	Until string `json:"until"`
}

func reportPeriod(p Period) ReportPeriod {
	var r ReportPeriod
	if !p.From.IsZero() {
		r.From = p.From.UTC().Format(time.RFC3339)
	}
	if !p.Until.IsZero() {
		r.Until = p.Until.UTC().Format(time.RFC3339)
	}
	return r
}

// Episode is one breach: firings of a trigger by the rules of Monitor.
type Episode struct {
	// ID is the breach's stable id (BreachID), which findings and
	// actions name.
	ID       string    `json:"id"`
	Trigger  string    `json:"trigger"`
	Title    string    `json:"title"`
	Severity string    `json:"severity"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Firings  int       `json:"firings"`
	// Cause is what fired first; Incidents lists the ids of the first
	// incidents that fired it (at most Options.Samples).
	Cause     Cause         `json:"cause"`
	Incidents []string      `json:"incidents"`
	Responses []ResponseDue `json:"responses"`
	// Span is the longest this breach could last (a breach caused by
	// incidents): a firing after Start+Span opens a new breach. "" for
	// a breach caused by map snapshots.
	Span string `json:"span,omitempty"`
	// Days are the firings per day (UTC), with the sum of Measure over
	// the firing incidents, or the area gained by the day's snapshot.
	Days []Day `json:"days"`
	// Measure is the incident field summed (the trigger's measure), Sum
	// its total over the breach.
	Measure string  `json:"measure,omitempty"`
	Sum     float64 `json:"sum"`
	// PeakSum is, for a trigger with a sliding sum (such as weapons
	// launched within 12 hours), the largest value of that sum at any of
	// its firings, over PeakWindow: the size of the attack, where Sum
	// counts only the rows that fired.
	PeakSum    float64 `json:"peak_sum,omitempty"`
	PeakWindow string  `json:"peak_window,omitempty"`
	// Latest is the latest territorial change, for a breach caused by
	// snapshots: the area grows from Cause.Territory to Latest.
	Latest *Territory `json:"latest,omitempty"`
	// Sources are the sources of the firing incidents and of the records
	// that corroborated them ("map" for snapshots); SingleSource is true
	// when there is one: the breach is reported, not confirmed.
	Sources      []string `json:"sources"`
	SingleSource bool     `json:"single_source"`
	// Status is the finding in force ("detected" when no monitor has
	// filed one); Finding is that finding (Account).
	Status  string        `json:"status"`
	Finding *FindingState `json:"finding,omitempty"`
	// Violates lists the commitments ("PARTY/commitment-id") whose
	// history names this breach as violating them (Account): the breach
	// is the guarantors' to answer and a mark on that party's record.
	Violates []string `json:"violates,omitempty"`
	// referenced are the firing incidents named by findings or actions
	// (Options.Referenced), beyond the samples in Incidents.
	referenced []string
}

// Day is one day of a breach.
type Day struct {
	Date    string  `json:"date"` // YYYY-MM-DD, UTC
	Firings int     `json:"firings"`
	Sum     float64 `json:"sum"`
	// PeakSum is the day's largest sliding sum at a firing (see
	// Episode.PeakSum).
	PeakSum float64 `json:"peak_sum,omitempty"`
	// GainedKm2 is the area gained against the ceasefire line at the
	// day's snapshot, for a breach caused by snapshots.
	GainedKm2 *float64 `json:"gained_km2,omitempty"`
}

// Cause is the event of an episode's first firing.
type Cause struct {
	// Kind is "incident" or "snapshot".
	Kind     string `json:"kind"`
	Incident string `json:"incident"` // the incident id, for kind incident
	Type     string `json:"type"`
	Admin1   string `json:"admin1"`
	// Territory is the territorial change, for kind snapshot.
	Territory *Territory `json:"territory,omitempty"`
}

// Territory is the change of the adversary-held area against the
// ceasefire baseline, as of one snapshot.
type Territory struct {
	Snapshot  string    `json:"snapshot"`
	AsOf      time.Time `json:"as_of"`
	GainedKm2 float64   `json:"gained_km2"`
	LostKm2   float64   `json:"lost_km2"`
	NetKm2    float64   `json:"net_km2"`
}

// ResponseDue is one response an episode calls for.
type ResponseDue struct {
	Response string   `json:"response"`
	Title    string   `json:"title"`
	Mode     string   `json:"mode"`
	Within   string   `json:"within"` // "" for automatic
	Domains  []string `json:"domains"`
	// Due is when it takes effect (automatic: at once), when the
	// guarantors must have convened (consultation), or the deadline for
	// deciding (decision).
	Due     time.Time        `json:"due"`
	Pledges []PledgeActivity `json:"pledges"`
	// State is the worst of the parties' states (Account); Parties
	// says where each party expected to act stands.
	State   string          `json:"state"`
	Parties []PartyResponse `json:"parties"`
}

// PledgeActivity is a guarantor's layer-2 pledge that a response
// activates: a pledge in one of the response's domains.
type PledgeActivity struct {
	Party     string  `json:"party"`
	Pledge    string  `json:"pledge"`
	Domain    string  `json:"domain"`
	Quantity  float64 `json:"quantity"`
	Unit      string  `json:"unit"`
	Posture   string  `json:"posture"`
	Readiness string  `json:"readiness"`
	Approval  string  `json:"approval"`
	Available string  `json:"available"`
	// ReadyBy is the earliest the force is in place if the response is
	// taken on time: the pledge's readiness counted from the response's
	// due time or from the day the pledge is available, whichever is
	// later. It is null
	// for a pledge awaiting a vote; ReadyIfApproved is then the same date
	// on condition that the vote passes.
	ReadyBy         *time.Time `json:"ready_by"`
	ReadyIfApproved *time.Time `json:"ready_if_approved,omitempty"`
}

// WeekCount is the firings and new episodes of one trigger in one ISO week.
type WeekCount struct {
	Week     string `json:"week"` // "2025-W37"
	Trigger  string `json:"trigger"`
	Firings  int    `json:"firings"`
	Episodes int    `json:"episodes"`
}
