package monitor

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// MissionFormatVersion is the version of the MissionReport's JSON schema
// (docs/mission-report.md).
const MissionFormatVersion = 1

// The periods a MissionReport can be cut into (MissionOptions.By).
const (
	ByDay  = "day"  // a UTC calendar day: "2025-10-02"
	ByWeek = "week" // an ISO 8601 week, Monday to Sunday in UTC: "2025-W40"
)

// MissionCategoryLimit bounds each category list of a period (types,
// weapon classes, oblasts): beyond it, the smallest categories are folded
// into one named MissionOther. It leaves room for Ukraine's 27 ISO
// 3166-2:UA regions and "unknown".
const MissionCategoryLimit = 30

// Category names a MissionReport uses besides those of the incidents.
const (
	MissionUnknown = "unknown"  // an incident without Admin1
	MissionOther   = "(others)" // the categories folded beyond MissionCategoryLimit
)

// MissionOptions configure Mission.
type MissionOptions struct {
	// By is "day" (the default when empty) or "week" (ISO week).
	By string
}

// MissionReport is a ceasefire-monitoring mission's periodic report, in
// the manner of the daily reports of the OSCE Special Monitoring Mission
// to Ukraine: per day or ISO week, the incidents recorded by type, weapon
// class and oblast, how many the source attributes and how many are
// corroborated, the weapons launched, the breaches of the framework
// opened and the responses falling due; then the totals of the period.
type MissionReport struct {
	FormatVersion int    `json:"format_version"`
	Framework     string `json:"framework"`
	// By is "day" or "week".
	By string `json:"by"`
	// From and To are the first and last period ("" when there is none).
	From string `json:"from"`
	To   string `json:"to"`
	// Periods are the days or weeks with any incident, breach or response
	// due, in ascending order.
	Periods []MissionPeriod `json:"periods"`
	Totals  MissionTotals   `json:"totals"`
}

// MissionCounts are the incident figures of a period or of the whole report.
//
// Attribution is the source's: an incident whose source names an actor
// (model.Incident.Actor) counts as attributed. It is not a finding of the
// mission — a monitor's own Finding on who is responsible comes later, on
// review of the evidence. Corroboration is that of `backstop corroborate`:
// an incident that a record of another source matched counts as
// corroborated (a level reached on its own source's reliability alone does
// not); every other one (unmatched, or never run through corroboration)
// is a single-source report.
type MissionCounts struct {
	Incidents int `json:"incidents"`
	// ByType counts the incidents by backstop type (missile_strike, …).
	ByType []MissionTally `json:"by_type"`
	// ByWeaponClass counts the incidents whose source gives a weapon class
	// (Fields["weapon_class"], e.g. the missile reader's); the others are
	// not counted here.
	ByWeaponClass []MissionTally `json:"by_weapon_class"`
	// ByOblast counts the incidents by Admin1 (ISO 3166-2:UA codes such as
	// UA-32), "unknown" when the source gives none.
	ByOblast      []MissionTally `json:"by_oblast"`
	Attributed    int            `json:"attributed"`
	NotAttributed int            `json:"not_attributed"`
	Corroborated  int            `json:"corroborated"`
	Reported      int            `json:"reported"` // single-source
	// Launched is the sum of Fields["launched"] (weapons launched) over
	// LaunchedIncidents, the incidents that give a readable, finite,
	// non-negative figure; LaunchedUnreadable counts those whose figure is
	// not a number (skipped).
	Launched           float64 `json:"launched"`
	LaunchedIncidents  int     `json:"launched_incidents"`
	LaunchedUnreadable int     `json:"launched_unreadable"`
}

// MissionTally is one category of a dimension and its count.
type MissionTally struct {
	Category string `json:"category"`
	Count    int    `json:"count"`
}

// MissionPeriod is one day or ISO week.
type MissionPeriod struct {
	// Period is "2025-10-02" (day) or "2025-W40" (week); Start and End
	// bound it in UTC, End excluded.
	Period string    `json:"period"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	MissionCounts
	// Breaches are the breaches (episodes) that started in the period, by
	// start; ResponsesDue the responses falling due in it, by due time.
	Breaches     []MissionBreach   `json:"breaches"`
	ResponsesDue []MissionResponse `json:"responses_due"`
}

// MissionTotals are the figures of the whole report.
type MissionTotals struct {
	// Periods is the number of periods listed.
	Periods int `json:"periods"`
	MissionCounts
	// Breaches counts the breaches opened by trigger, ResponsesDue the
	// responses falling due by response.
	Breaches     []MissionTally `json:"breaches"`
	ResponsesDue []MissionTally `json:"responses_due"`
}

// MissionBreach is a breach opened in a period.
type MissionBreach struct {
	ID       string    `json:"id"`
	Trigger  string    `json:"trigger"`
	Title    string    `json:"title"`
	Severity string    `json:"severity"`
	Start    time.Time `json:"start"`
	// Status is the breach's status (Account): "detected" or the
	// latest finding's.
	Status string `json:"status"`
}

// MissionResponse is a response falling due in a period.
type MissionResponse struct {
	Response string `json:"response"`
	Title    string `json:"title"`
	Mode     string `json:"mode"`
	// Trigger and BreachStart identify the breach that calls for it.
	Trigger     string    `json:"trigger"`
	BreachStart time.Time `json:"breach_start"`
	Due         time.Time `json:"due"`
	// State is the worst of the parties' states on it (Account).
	State string `json:"state"`
}

// Mission cuts a monitoring into the periods of a mission's report.
// incidents are those the monitoring evaluated, in any order; rep is its
// report, of which Mission reads the framework and, of each episode, the
// trigger, title, severity, start and responses. opts.By other than
// "week" means "day". rep may be nil (no breach).
func Mission(rep *Report, incidents []model.Incident, opts MissionOptions) *MissionReport {
	by := ByDay
	if opts.By == ByWeek {
		by = ByWeek
	}
	out := &MissionReport{FormatVersion: MissionFormatVersion, By: by, Periods: []MissionPeriod{}}
	periods := map[string]*missionAcc{}
	get := func(t time.Time) *missionAcc {
		key, start, end := missionPeriod(t, by)
		a := periods[key]
		if a == nil {
			a = newMissionAcc()
			a.p = MissionPeriod{Period: key, Start: start, End: end, Breaches: []MissionBreach{}, ResponsesDue: []MissionResponse{}}
			periods[key] = a
		}
		return a
	}
	total := newMissionAcc()
	for i := range incidents {
		inc := &incidents[i]
		get(inc.Time.Time).add(inc)
		total.add(inc)
	}
	breaches, responses := map[string]int{}, map[string]int{}
	if rep != nil {
		out.Framework = rep.Framework
		for _, e := range rep.Episodes {
			if e.Status == string(model.FalseAlarm) {
				continue // rejected by a monitor: a false alarm, not a breach
			}
			a := get(e.Start)
			a.p.Breaches = append(a.p.Breaches, MissionBreach{ID: e.ID, Trigger: e.Trigger, Title: e.Title, Severity: e.Severity,
				Start: e.Start.UTC(), Status: e.Status})
			breaches[e.Trigger]++
			for _, r := range e.Responses {
				a := get(r.Due)
				a.p.ResponsesDue = append(a.p.ResponsesDue, MissionResponse{Response: r.Response, Title: r.Title, Mode: r.Mode,
					Trigger: e.Trigger, BreachStart: e.Start.UTC(), Due: r.Due.UTC(), State: r.State})
				responses[r.Response]++
			}
		}
	}
	for _, a := range periods {
		a.finish()
		slices.SortStableFunc(a.p.Breaches, func(x, y MissionBreach) int {
			return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.Trigger, y.Trigger))
		})
		slices.SortStableFunc(a.p.ResponsesDue, func(x, y MissionResponse) int {
			return cmp.Or(x.Due.Compare(y.Due), cmp.Compare(x.Response, y.Response),
				x.BreachStart.Compare(y.BreachStart), cmp.Compare(x.Trigger, y.Trigger))
		})
		out.Periods = append(out.Periods, a.p)
	}
	slices.SortFunc(out.Periods, func(x, y MissionPeriod) int {
		return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.Period, y.Period))
	})
	total.finish()
	out.Totals = MissionTotals{Periods: len(out.Periods), MissionCounts: total.p.MissionCounts,
		Breaches: tallies(breaches, 0), ResponsesDue: tallies(responses, 0)}
	if n := len(out.Periods); n > 0 {
		out.From, out.To = out.Periods[0].Period, out.Periods[n-1].Period
	}
	return out
}

// missionPeriod is the key and the bounds of the period holding t.
func missionPeriod(t time.Time, by string) (key string, start, end time.Time) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if by == ByWeek {
		start = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)) // back to Monday
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w), start, start.AddDate(0, 0, 7)
	}
	return day.Format(model.DateLayout), day, day.AddDate(0, 0, 1)
}

// missionAcc accumulates the counts of one period.
type missionAcc struct {
	p                       MissionPeriod
	types, classes, oblasts map[string]int
}

func newMissionAcc() *missionAcc {
	return &missionAcc{types: map[string]int{}, classes: map[string]int{}, oblasts: map[string]int{}}
}

func (a *missionAcc) add(inc *model.Incident) {
	c := &a.p.MissionCounts
	c.Incidents++
	a.types[inc.Type]++
	if class := strings.TrimSpace(field(inc, "weapon_class")); class != "" {
		a.classes[class]++
	}
	ob := strings.TrimSpace(inc.Admin1)
	if ob == "" {
		ob = MissionUnknown
	}
	a.oblasts[ob]++
	if inc.Actor != "" {
		c.Attributed++
	} else {
		c.NotAttributed++
	}
	if inc.Confidence != nil && len(inc.Confidence.Sources) > 0 {
		c.Corroborated++
	} else {
		c.Reported++
	}
	if raw, ok := inc.Field("launched"); ok && strings.TrimSpace(raw) != "" {
		v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			c.LaunchedUnreadable++
		} else {
			c.Launched += v
			c.LaunchedIncidents++
		}
	}
}

func (a *missionAcc) finish() {
	c := &a.p.MissionCounts
	c.ByType = tallies(a.types, MissionCategoryLimit)
	c.ByWeaponClass = tallies(a.classes, MissionCategoryLimit)
	c.ByOblast = tallies(a.oblasts, MissionCategoryLimit)
}

// tallies lists m by count descending, then name; with limit > 0, the
// categories beyond limit-1 are folded into one MissionOther at the end.
func tallies(m map[string]int, limit int) []MissionTally {
	out := make([]MissionTally, 0, len(m))
	for k, v := range m {
		out = append(out, MissionTally{Category: k, Count: v})
	}
	slices.SortFunc(out, func(x, y MissionTally) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Category, y.Category))
	})
	if limit > 0 && len(out) > limit {
		rest := 0
		for _, t := range out[limit-1:] {
			rest += t.Count
		}
		out = append(out[:limit-1], MissionTally{Category: MissionOther, Count: rest})
	}
	return out
}
