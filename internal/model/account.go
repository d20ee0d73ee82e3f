package model

// Finding and Action close the loop from breach to response to account
// (backstop additions, docs/language.md): a monitor's finding on a breach,
// and what a party did about it.

const (
	// KindFinding is a monitor's finding on a breach.
	KindFinding Kind = "Finding"
	// KindAction is what a party did in answer to a breach's response.
	KindAction Kind = "Action"
)

// Finding is a monitor's judgement of one breach. A later finding on the
// same breach (by date) supersedes an earlier one, as declarations do.
type Finding struct {
	ID        string `yaml:"id,required"`
	Framework string `yaml:"framework,required"`
	// Party is the monitor filing it.
	Party  string        `yaml:"party,required"`
	Date   Timestamp     `yaml:"date,required"`
	Breach BreachRef     `yaml:"breach,required"`
	Status FindingStatus `yaml:"status,required"`
	// AttributedTo is the party the breach is attributed to (status
	// attributed, and closed after it).
	AttributedTo string     `yaml:"attributed_to"`
	Evidence     []Evidence `yaml:"evidence"`
	// Reply is the accused side's reply, where one was given.
	Reply string `yaml:"reply"`
	Note  string `yaml:"note"`
}

// BreachRef names a breach: by the id backstop derives for it (`monitor`
// prints it), or by its trigger and what caused it — incident ids (any
// of the breach's firing incidents) or the date of the map snapshot.
type BreachRef struct {
	ID        string   `yaml:"id"`
	Trigger   string   `yaml:"trigger"`
	Incidents []string `yaml:"incidents"`
	MapDate   Date     `yaml:"map_date"`
}

// Evidence is one piece of a finding's evidence: a URL, a file's SHA-256
// (a photo, a report), and a note; at least one of the three.
type Evidence struct {
	URL    string `yaml:"url" json:"url,omitempty"`
	SHA256 string `yaml:"sha256" json:"sha256,omitempty"`
	Note   string `yaml:"note" json:"note,omitempty"`
}

// FindingStatus is where a breach stands in a monitor's review.
type FindingStatus string

const (
	Reported      FindingStatus = "reported"
	Verified      FindingStatus = "verified"
	Attributed    FindingStatus = "attributed"
	NotAttributed FindingStatus = "not-attributed"
	Closed        FindingStatus = "closed"
	FalseAlarm    FindingStatus = "rejected" // a false alarm: not a breach
)

// FindingStatuses lists the statuses in review order.
var FindingStatuses = []FindingStatus{Reported, Verified, Attributed, NotAttributed, Closed, FalseAlarm}

func (s *FindingStatus) UnmarshalText(b []byte) error {
	return parseEnum(s, "finding status", b, FindingStatuses)
}

// Action is what one party did in answer to one response due on a breach
// (or, filed by the secretariat, what the guarantors did together, such
// as convening a consultation). A party's `declined` is recorded as such.
type Action struct {
	ID        string    `yaml:"id,required"`
	Framework string    `yaml:"framework,required"`
	Party     string    `yaml:"party,required"`
	Date      Timestamp `yaml:"date,required"`
	Breach    BreachRef `yaml:"breach,required"`
	// Response is the framework response it answers.
	Response string     `yaml:"response,required"`
	Action   ActionKind `yaml:"action,required"`
	// Pledges are the party's pledges it fulfils, with the quantity.
	Pledges []PledgeFulfilment `yaml:"pledges"`
	Note    string             `yaml:"note"`
}

// PledgeFulfilment is a quantity of one of the party's pledges delivered
// by an action.
type PledgeFulfilment struct {
	Pledge   string  `yaml:"pledge,required" json:"pledge"`
	Quantity float64 `yaml:"quantity,required" json:"quantity"`
}

// ActionKind is what was done.
type ActionKind string

const (
	Convened            ActionKind = "convened"
	Decided             ActionKind = "decided"
	SanctionsReinstated ActionKind = "sanctions-reinstated"
	Deployed            ActionKind = "deployed"
	Delivered           ActionKind = "delivered"
	Declined            ActionKind = "declined"
)

// ActionKinds lists the action kinds.
var ActionKinds = []ActionKind{Convened, Decided, SanctionsReinstated, Deployed, Delivered, Declined}

func (a *ActionKind) UnmarshalText(b []byte) error { return parseEnum(a, "action", b, ActionKinds) }
