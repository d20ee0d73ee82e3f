package render

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

// The views of a mission report (monitor.Mission): a terminal table in
// the manner of a monitoring mission's daily report, CSV (one row per
// period, dimension and category), JSON and a self-contained HTML page.
// docs/mission-report.md describes them.

// MissionCSVHeader is the header row of MissionCSV.
var MissionCSVHeader = []string{"period", "dimension", "category", "count"}

// MissionTotalPeriod is the period column of the totals rows of MissionCSV.
const MissionTotalPeriod = "total"

// MissionJSON writes the report as indented JSON.
func MissionJSON(w io.Writer, r *monitor.MissionReport) error {
	if r == nil {
		return errNilMission
	}
	return indentedJSON(w, r, true)
}

var errNilMission = fmt.Errorf("report: nil mission report")

// MissionCSV writes one row per period × dimension × category, under the
// header period,dimension,category,count; then the same rows for the whole
// report, with the period "total". The dimensions, in this order:
//
//	incidents      category "all": the incidents recorded
//	type           each backstop incident type
//	weapon_class   each weapon class the source gives
//	oblast         each Admin1 code, "unknown" when none
//	attribution    "attributed" and "not_attributed" (both, even at 0)
//	corroboration  "corroborated" and "reported" (both, even at 0)
//	launched       "weapons": the sum of the weapons launched (may have
//	               decimals), only when an incident gives a figure;
//	               "unreadable": incidents whose figure was skipped, if any
//	breach         each trigger: the breaches it opened
//	response_due   each response: how many fall due
//
// Categories come as in the report: by count descending, then name.
func MissionCSV(w io.Writer, r *monitor.MissionReport) error {
	if r == nil {
		return errNilMission
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(MissionCSVHeader)
	row := func(period, dim, cat, count string) { _ = cw.Write([]string{period, dim, cat, count}) }
	counts := func(period string, c monitor.MissionCounts) {
		row(period, "incidents", "all", strconv.Itoa(c.Incidents))
		for _, d := range []struct {
			dim string
			ts  []monitor.MissionTally
		}{{"type", c.ByType}, {"weapon_class", c.ByWeaponClass}, {"oblast", c.ByOblast}} {
			for _, t := range d.ts {
				row(period, d.dim, t.Category, strconv.Itoa(t.Count))
			}
		}
		row(period, "attribution", "attributed", strconv.Itoa(c.Attributed))
		row(period, "attribution", "not_attributed", strconv.Itoa(c.NotAttributed))
		row(period, "corroboration", "corroborated", strconv.Itoa(c.Corroborated))
		row(period, "corroboration", "reported", strconv.Itoa(c.Reported))
		if c.LaunchedIncidents > 0 {
			row(period, "launched", "weapons", strconv.FormatFloat(c.Launched, 'f', -1, 64))
		}
		if c.LaunchedUnreadable > 0 {
			row(period, "launched", "unreadable", strconv.Itoa(c.LaunchedUnreadable))
		}
	}
	for _, p := range r.Periods {
		counts(p.Period, p.MissionCounts)
		for _, t := range breachTallies(p) {
			row(p.Period, "breach", t.Category, strconv.Itoa(t.Count))
		}
		for _, t := range responseTallies(p) {
			row(p.Period, "response_due", t.Category, strconv.Itoa(t.Count))
		}
	}
	counts(MissionTotalPeriod, r.Totals.MissionCounts)
	for _, t := range r.Totals.Breaches {
		row(MissionTotalPeriod, "breach", t.Category, strconv.Itoa(t.Count))
	}
	for _, t := range r.Totals.ResponsesDue {
		row(MissionTotalPeriod, "response_due", t.Category, strconv.Itoa(t.Count))
	}
	cw.Flush()
	return cw.Error()
}

// breachTallies counts a period's breaches by trigger, responseTallies
// its responses due by response: by count descending, then name.
func breachTallies(p monitor.MissionPeriod) []monitor.MissionTally {
	var names []string
	for _, b := range p.Breaches {
		names = append(names, b.Trigger)
	}
	return tallyOf(names)
}

func responseTallies(p monitor.MissionPeriod) []monitor.MissionTally {
	var names []string
	for _, r := range p.ResponsesDue {
		names = append(names, r.Response)
	}
	return tallyOf(names)
}

func tallyOf(names []string) []monitor.MissionTally {
	m := map[string]int{}
	for _, n := range names {
		m[n]++
	}
	out := make([]monitor.MissionTally, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, monitor.MissionTally{Category: k, Count: m[k]})
	}
	// sortedKeys sorts by name, which the stable sort by count keeps.
	slices.SortStableFunc(out, func(x, y monitor.MissionTally) int { return cmp.Compare(y.Count, x.Count) })
	return out
}

// ---------------------------------------------------------------------------
// The sections as grids, shared by the table and the HTML page.

// missionUnit is the period's name in words.
func missionUnit(r *monitor.MissionReport) (one, many string) {
	if r.By == monitor.ByWeek {
		return "week", "weeks"
	}
	return "day", "days"
}

// launchedText is "1,234 weapons launched".
func launchedText(v float64) string {
	if v == 1 {
		return "1 weapon launched"
	}
	return numfmt.Count(v) + " weapons launched"
}

// MissionSummary is the report's headline: the period and its totals.
func MissionSummary(r *monitor.MissionReport) string {
	one, many := missionUnit(r)
	if len(r.Periods) == 0 {
		return fmt.Sprintf("nothing recorded: no %s with an incident, a breach or a response due", one)
	}
	c := r.Totals
	span := r.From
	if r.To != r.From {
		span += " … " + r.To
	}
	parts := []string{plural(c.Incidents, "incident", "incidents")}
	if c.LaunchedIncidents > 0 {
		parts = append(parts, launchedText(c.Launched))
	}
	nb, nr := 0, 0
	for _, t := range c.Breaches {
		nb += t.Count
	}
	for _, t := range c.ResponsesDue {
		nr += t.Count
	}
	parts = append(parts, plural(nb, "breach opened", "breaches opened"), plural(nr, "response due", "responses due"))
	return fmt.Sprintf("%s (%s with activity): %s", span, plural(len(r.Periods), one, many), strings.Join(parts, ", "))
}

func missionFacts(r *monitor.MissionReport) string {
	one, _ := missionUnit(r)
	fw := r.Framework
	if fw == "" {
		fw = "no framework"
	}
	by := "by UTC day"
	if one == "week" {
		by = "by ISO week (Monday–Sunday, UTC)"
	}
	return fmt.Sprintf("%s · mission report %s · attribution as the sources give it · corroborated = matched by another source", fw, by)
}

func missionTone(r *monitor.MissionReport) tone {
	grave, breach := false, false
	for _, p := range r.Periods {
		for _, b := range p.Breaches {
			breach = true
			grave = grave || b.Severity == "grave"
		}
	}
	switch {
	case grave:
		return bad
	case breach:
		return warn
	}
	return good
}

func countText(n int) string { return numfmt.Number(float64(n), 0) }

// overviewGrid has a row per period and one for the totals.
func overviewGrid(r *monitor.MissionReport) grid {
	one, _ := missionUnit(r)
	g := grid{caption: "Overview", cols: []column{keyCol(one), numCol("incidents"), numCol("attributed"),
		numCol("not\nattributed"), numCol("corroborated"), numCol("single\nsource"), numCol("weapons\nlaunched"),
		numCol("breaches\nopened"), numCol("responses\ndue")}}
	add := func(name string, c monitor.MissionCounts, breaches, responses int) {
		launched := empty
		if c.LaunchedIncidents > 0 {
			launched = numfmt.Count(c.Launched)
		}
		b := txt(countText(breaches))
		if breaches > 0 {
			b.tone = bad
		}
		g.rows = append(g.rows, []cell{txt(name), txt(countText(c.Incidents)), txt(countText(c.Attributed)),
			txt(countText(c.NotAttributed)), txt(countText(c.Corroborated)), txt(countText(c.Reported)), txt(launched),
			b, txt(countText(responses))})
	}
	for _, p := range r.Periods {
		add(p.Period, p.MissionCounts, len(p.Breaches), len(p.ResponsesDue))
	}
	if len(r.Periods) > 1 {
		nb, nr := 0, 0
		for _, p := range r.Periods {
			nb += len(p.Breaches)
			nr += len(p.ResponsesDue)
		}
		add("total", r.Totals.MissionCounts, nb, nr)
	}
	return g
}

// categoriesGrid lists a period's (or the totals') incidents by type,
// weapon class and oblast, the dimension named on its first row only.
func categoriesGrid(caption string, c monitor.MissionCounts) grid {
	g := grid{caption: caption, cols: []column{keyCol("by"), col("category"), numCol("incidents")}}
	for _, d := range []struct {
		name string
		ts   []monitor.MissionTally
	}{{"type", c.ByType}, {"weapon class", c.ByWeaponClass}, {"oblast", c.ByOblast}} {
		for i, t := range d.ts {
			name := ""
			if i == 0 {
				name = d.name
			}
			g.rows = append(g.rows, []cell{txt(name), txt(t.Category), txt(countText(t.Count))})
		}
	}
	return g
}

// periodLine says a period's figures in one sentence.
func periodLine(c monitor.MissionCounts) string {
	if c.Incidents == 0 {
		return "no incident recorded"
	}
	s := fmt.Sprintf("%s (%s attributed by the source, %s not; %s corroborated, %s single-source)",
		plural(c.Incidents, "incident", "incidents"), countText(c.Attributed), countText(c.NotAttributed),
		countText(c.Corroborated), countText(c.Reported))
	if c.LaunchedIncidents > 0 {
		s += "; " + launchedText(c.Launched)
	}
	if c.LaunchedUnreadable > 0 {
		s += fmt.Sprintf(" (%s with an unreadable figure left out)", plural(c.LaunchedUnreadable, "incident", "incidents"))
	}
	return s
}

func missionBreachesGrid(r *monitor.MissionReport) grid {
	one, _ := missionUnit(r)
	g := grid{caption: "Breaches opened", cols: []column{keyCol(one), col("trigger"), col("severity"), col("start"),
		{head: "title", wrap: true}}}
	for _, p := range r.Periods {
		for _, b := range p.Breaches {
			tn := warn
			if b.Severity == "grave" {
				tn = bad
			}
			g.rows = append(g.rows, []cell{txt(p.Period), toned(b.Trigger, tn), txt(orEmpty(b.Severity)), txt(stamp(b.Start)),
				txt(orEmpty(b.Title))})
		}
	}
	return g
}

func missionResponsesGrid(r *monitor.MissionReport) grid {
	one, _ := missionUnit(r)
	g := grid{caption: "Responses due", cols: []column{keyCol(one), col("response"), col("mode"), col("due"),
		col("breach"), col("breach start")}}
	for _, p := range r.Periods {
		for _, x := range p.ResponsesDue {
			g.rows = append(g.rows, []cell{txt(p.Period), txt(x.Response), txt(orEmpty(x.Mode)), txt(stamp(x.Due)),
				txt(x.Trigger), txt(stamp(x.BreachStart))})
		}
	}
	return g
}

// MissionTable writes the report for a terminal: the headline, an
// overview with a row per period, the breaches opened, the responses due,
// then each period's incidents by type, weapon class and oblast, and the
// totals.
func MissionTable(w io.Writer, r *monitor.MissionReport, o TableOptions) error {
	if r == nil {
		return errNilMission
	}
	width := max(cmpOr(o.Width, DefaultWidth), minWidth)
	t := &term{out: &errWriter{w: w}, color: o.Color, width: width}
	t.wrapped(MissionSummary(r), "", "  ", missionTone(r), true)
	t.wrapped(missionFacts(r), "", "  ", plain, false)
	one, _ := missionUnit(r)
	t.section("Overview")
	t.grid(overviewGrid(r))
	t.section("Breaches opened")
	t.grid(missionBreachesGrid(r))
	t.section("Responses due")
	t.grid(missionResponsesGrid(r))
	for _, p := range r.Periods {
		t.section(strings.ToUpper(one[:1]) + one[1:] + " " + p.Period)
		t.wrapped(periodLine(p.MissionCounts), "", "  ", plain, false)
		if p.Incidents > 0 {
			t.blank()
			t.grid(categoriesGrid(p.Period, p.MissionCounts))
		}
	}
	if len(r.Periods) > 0 {
		t.section("Totals")
		t.wrapped(periodLine(r.Totals.MissionCounts), "", "  ", plain, false)
		if r.Totals.Incidents > 0 {
			t.blank()
			t.grid(categoriesGrid("Totals", r.Totals.MissionCounts))
		}
	}
	return t.out.err
}

// MissionHTML writes one self-contained page in the style of the other
// views: the headline, the overview, the breaches and responses, the
// totals and each period's incidents by category.
func MissionHTML(w io.Writer, r *monitor.MissionReport) error {
	if r == nil {
		return errNilMission
	}
	title := "Mission report"
	if r.Framework != "" {
		title += " of " + r.Framework
	}
	one, _ := missionUnit(r)
	if r.From != "" {
		title += ", " + r.From
		if r.To != r.From {
			title += " … " + r.To
		}
	}
	page := htmlPage{
		Kind:         "a mission report",
		Title:        title,
		DocTitle:     title,
		Verdict:      MissionSummary(r),
		VerdictLabel: "Summary",
		VerdictClass: missionTone(r).class(),
		Meta:         missionFacts(r),
		CSS:          template.CSS(pageCSS),
		Version:      r.FormatVersion,
	}
	overview := htmlSection{ID: "overview", Title: "Overview", Tables: []htmlTable{htmlTab(overviewGrid(r))},
		Intro: "Per " + one + ": the incidents recorded, whether their source attributes them, whether they are corroborated, the weapons launched where the source gives a figure, the breaches opened and the responses falling due."}
	totals := htmlSection{ID: "totals", Title: "Totals", Intro: periodLine(r.Totals.MissionCounts),
		Tables: []htmlTable{htmlTab(categoriesGrid("Totals", r.Totals.MissionCounts))}}
	periods := htmlSection{ID: "periods", Title: "By " + one}
	for _, p := range r.Periods {
		tab := htmlTab(categoriesGrid(p.Period+": "+periodLine(p.MissionCounts), p.MissionCounts))
		if p.Incidents == 0 {
			tab.Caption = "Incidents of " + p.Period // the page says "…: none"
		}
		periods.Tables = append(periods.Tables, tab)
	}
	sections := []htmlSection{
		overview,
		{ID: "breaches", Title: "Breaches opened", Tables: []htmlTable{htmlTab(missionBreachesGrid(r))}},
		{ID: "responses", Title: "Responses due", Tables: []htmlTable{htmlTab(missionResponsesGrid(r))}},
		totals,
		periods,
	}
	for _, s := range sections[:4] {
		for i := range s.Tables {
			s.Tables[i].HideCaption = true
		}
	}
	page.Sections = sections
	return pageTemplate.Execute(w, page)
}
