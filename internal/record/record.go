package record

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// FormatVersion is the version of the Record's JSON schema
// (docs/record.md).
const FormatVersion = 1

// NoGrade is the grade of a party that nothing was due from yet.
const NoGrade = "—"

// Rule is how a party is graded, written into every Record.
const Rule = "score = (on time + 0.5 × late) / (on time + late + declined + overdue), " +
	"the responses that fell due on breaches not rejected, pending ones left out; " +
	"A ≥ 0.9, B ≥ 0.75, C ≥ 0.5, D ≥ 0.25, else F; — when nothing was due yet"

// Grades are the thresholds of Rule, best first: a score at or above Min
// gets Grade.
var Grades = []struct {
	Grade string
	Min   float64
}{{"A", 0.9}, {"B", 0.75}, {"C", 0.5}, {"D", 0.25}, {"F", 0}}

// Record is every party's record over one monitoring report.
type Record struct {
	FormatVersion int    `json:"format_version"`
	Framework     string `json:"framework"`
	// AsOf is the time the states are counted at (the account's).
	AsOf time.Time `json:"as_of"`
	// Rule says how Score and Grade are computed.
	Rule    string  `json:"rule"`
	Parties []Party `json:"parties"`
}

// Party is one party's record.
type Party struct {
	Party string `json:"party"`
	Name  string `json:"name"`
	Role  string `json:"role"`
	// Due counts the party's responses on breaches not rejected; it is
	// the sum of OnTime, Late, Declined, Pending and Overdue. NotDue
	// counts those on rejected breaches, which are not due.
	Due      int `json:"due"`
	OnTime   int `json:"on_time"`
	Late     int `json:"late"`
	Declined int `json:"declined"`
	Pending  int `json:"pending"`
	Overdue  int `json:"overdue"`
	NotDue   int `json:"not_due"`
	// PledgesActivated counts the party's distinct pledges that the
	// responses due activated; Delivered sums what its actions delivered,
	// by pledge.
	PledgesActivated int        `json:"pledges_activated"`
	Delivered        []Delivery `json:"delivered"`
	// ActedShare is (on time + late) / (on time + late + declined +
	// overdue), null when none of these.
	ActedShare *float64 `json:"acted_share"`
	// MedianDelayRatio is the median over the party's actions on time or
	// late of (action − breach start) / (due − breach start): 1 is acting
	// at the deadline. Samples counts them (a response due at the breach's
	// start has no ratio). Null without samples.
	MedianDelayRatio *float64 `json:"median_delay_ratio"`
	// Score and Grade follow Rule; Score is null and Grade "—" when
	// nothing was due yet.
	Score   *float64 `json:"score"`
	Grade   string   `json:"grade"`
	Samples int      `json:"samples"`
	// Commitments are the party's promises about its own conduct with
	// their status as of AsOf (monitor.Report.Commitments): the
	// adversary's record, which no response counts.
	Commitments []Commitment `json:"commitments,omitempty"`
}

// Commitment is one of a party's commitments with its status in force.
type Commitment struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// Since is the date of Status (YYYY-MM-DD).
	Since string `json:"since"`
	// ViolatedBy are the ids of the breaches that violated it.
	ViolatedBy []string `json:"violated_by"`
}

// Delivery is a quantity of one pledge delivered.
type Delivery struct {
	Pledge   string  `json:"pledge"`
	Quantity float64 `json:"quantity"`
}

// Compute gives the record of every guarantor of f, of every other
// party with a response due in r and of every party with commitments in
// r (the adversary's, whose responses count nothing), sorted by party id. r must have its
// Score is p's score by Rule, and false when nothing was due yet.
func Score(p Party) (float64, bool) {
	n := p.OnTime + p.Late + p.Declined + p.Overdue
	if n == 0 {
		return 0, false
	}
	return (float64(p.OnTime) + 0.5*float64(p.Late)) / float64(n), true
}

// Grade is the grade of a score by Rule.
func Grade(score float64) string {
	for _, g := range Grades {
		if score >= g.Min {
			return g.Grade
		}
	}
	return "F"
}

// DelayRatio is (at − start) / (due − start), at least 0 (an action
// taken before the breach started counts as at once), and false when
// the response was due at the breach's start.
func DelayRatio(start, due, at time.Time) (float64, bool) {
	window := due.Sub(start)
	if window <= 0 {
		return 0, false
	}
	return max(0, float64(at.Sub(start))/float64(window)), true
}

// ReadJSON reads a record written by `backstop record --format json`,
// refusing another format version or a file that holds something else.
func ReadJSON(r io.Reader) (*Record, error) {
	var rec Record
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("not a record of `backstop record --format json`: %w", err)
	}
	if rec.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("record format_version %d; this backstop reads %d", rec.FormatVersion, FormatVersion)
	}
	return &rec, nil
}
