package monitor

import (
	"time"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// FormatVersion is the version of the Report's JSON schema (docs/monitor.md).
const FormatVersion = 1

// Report is the outcome of monitoring one framework over a period.
type Report struct {
	FormatVersion int    `json:"format_version"`
	Framework     string `json:"framework"`
	// From and To are the first and last event evaluated (RFC 3339, "" if none).
	From string `json:"from"`
	To   string `json:"to"`
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
	Weekly      []WeekCount    `json:"weekly"`
}

// TriggerCount sums up one trigger.
type TriggerCount struct {
	Trigger  string `json:"trigger"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Firings  int    `json:"firings"`
	Episodes int    `json:"episodes"`
}

// Episode is one breach: consecutive firings of a trigger, none further
// apart than the quiet period.
type Episode struct {
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
	// ReadyBy is the response's due time plus the pledge's readiness: the
	// earliest the force is in place if the response is taken on time.
	ReadyBy time.Time `json:"ready_by"`
}

// WeekCount is the firings and new episodes of one trigger in one ISO week.
type WeekCount struct {
	Week     string `json:"week"` // "2025-W37"
	Trigger  string `json:"trigger"`
	Firings  int    `json:"firings"`
	Episodes int    `json:"episodes"`
}
