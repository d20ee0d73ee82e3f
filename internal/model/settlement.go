package model

// The settlement's other side (backstop additions, docs/language.md):
// how binding each promise is, the adversary's commitments, and the
// territorial options on the table.

// Binding is how binding a promise is, from a promise to talk to one that
// snaps in by itself.
type Binding string

const (
	// Assurance: a promise to consult or to seek UN action (the Budapest
	// Memorandum, 1994).
	Assurance Binding = "assurance"
	// Discretionary: "such action as it deems necessary" (NATO Article 5).
	Discretionary Binding = "discretionary"
	// Conditional: needs a vote or a national decision first.
	Conditional Binding = "conditional"
	// Automatic: snaps in without a further decision (UNSCR 2231's
	// snapback).
	SnapsIn Binding = "automatic"
)

// Bindings lists the classes, weakest first.
var Bindings = []Binding{Assurance, Discretionary, Conditional, SnapsIn}

func (b *Binding) UnmarshalText(t []byte) error { return parseEnum(b, "binding", t, Bindings) }

// CommitmentStatus is where a commitment stands.
type CommitmentStatus string

const (
	Proposed  CommitmentStatus = "proposed"
	Enacted   CommitmentStatus = "enacted"
	Violated  CommitmentStatus = "violated"
	Withdrawn CommitmentStatus = "withdrawn"
)

// CommitmentStatuses lists the statuses in their usual order.
var CommitmentStatuses = []CommitmentStatus{Proposed, Enacted, Violated, Withdrawn}

func (s *CommitmentStatus) UnmarshalText(t []byte) error {
	return parseEnum(s, "commitment status", t, CommitmentStatuses)
}

// Commitment is a promise a party makes about its own conduct — the
// adversary's offer to enshrine non-aggression in law, not to object to a
// non-NATO force, to withdraw heavy weapons behind a line — as opposed to
// a pledge of support to the beneficiary.
type Commitment struct {
	ID    string `yaml:"id,required"`
	Title string `yaml:"title,required"`
	// History lists the commitment's statuses with their dates, oldest
	// first; the last is in force. A violation names the breach.
	History []CommitmentEvent `yaml:"history,required"`
	Binding Binding           `yaml:"binding"`
	Note    string            `yaml:"note"`
}

// CommitmentEvent is one change of a commitment's status.
type CommitmentEvent struct {
	Status CommitmentStatus `yaml:"status,required"`
	Date   Date             `yaml:"date,required"`
	// Breach is the breach that violated it (status violated).
	Breach *BreachRef `yaml:"breach"`
	Note   string     `yaml:"note"`
}

// Status is the commitment's status in force ("" without history).
func (c *Commitment) Status() CommitmentStatus {
	if len(c.History) == 0 {
		return ""
	}
	return c.History[len(c.History)-1].Status
}

// KindTerritorialOption is a line or area on the table in territorial
// talks (backstop addition).
const KindTerritorialOption Kind = "TerritorialOption"

// TerritorialOption is one option for where the line would run: the area
// the adversary would hold under it, built from parts the analyst names,
// and any swaps.
type TerritorialOption struct {
	ID        string `yaml:"id,required"`
	Framework string `yaml:"framework,required"`
	Title     string `yaml:"title"`
	// ProposedBy is the party that put it on the table, if any.
	ProposedBy string `yaml:"proposed_by"`
	// Held is the area the adversary would hold under the option.
	Held Area `yaml:"held,required"`
	// Swaps are areas that change hands both ways on top of Held.
	Swaps []Swap `yaml:"swaps"`
	Note  string `yaml:"note"`
}

// Area is a region built from named parts; exactly one of its fields is
// set. Snapshot is the area held on the map of that date; Oblasts a union
// of oblasts by ISO 3166-2:UA code; Polygon an explicit GeoJSON polygon
// ([[lon, lat], ...] rings); Buffer a band of BufferKm on each side of
// the contact line of the snapshot of date Line; Union, Difference (the
// first minus the others) and Intersection combine areas.
type Area struct {
	Snapshot     Date          `yaml:"snapshot"`
	Oblasts      []string      `yaml:"oblasts"`
	Polygon      [][][]float64 `yaml:"polygon"`
	Buffer       *Buffer       `yaml:"buffer"`
	Union        []Area        `yaml:"union"`
	Difference   []Area        `yaml:"difference"`
	Intersection []Area        `yaml:"intersection"`
}

// Buffer is a band along the contact line of a snapshot: a demilitarised
// zone of Km on each side.
type Buffer struct {
	Line Date    `yaml:"line,required"`
	Km   float64 `yaml:"km,required"`
}

// Swap is an area that changes hands: To is the party that would hold it.
type Swap struct {
	To   string `yaml:"to,required"`
	Area Area   `yaml:"area,required"`
	Note string `yaml:"note"`
}
