package render

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

// The views of a monitoring report: a terminal table, JSON, JSON Lines
// (one episode a line, for pipelines and --follow) and a self-contained
// HTML page with the weekly chart.

// MonitorJSON writes the report as indented JSON.
func MonitorJSON(w io.Writer, r *monitor.Report) error {
	return indentedJSON(w, r, true)
}

// MonitorJSONL writes one episode per line.
func MonitorJSONL(w io.Writer, r *monitor.Report) error {
	for _, e := range r.Episodes {
		if err := EpisodeJSONL(w, e); err != nil {
			return err
		}
	}
	return nil
}

// EpisodeJSONL writes one episode as a line of JSON.
func EpisodeJSONL(w io.Writer, e monitor.Episode) error {
	return encodeJSON(w, e, "", true)
}

// MonitorSummary is the monitor's verdict line: breaches per trigger and
// the responses still to come at the end of the period.
func MonitorSummary(r *monitor.Report) string {
	if len(r.Episodes) == 0 {
		return fmt.Sprintf("no breach: %s and %s evaluated against %s",
			Plural(r.Incidents, "incident"), Plural(r.Snapshots, "snapshot"), Plural(len(r.Triggers), "trigger"))
	}
	var parts []string
	for _, t := range r.Triggers {
		if t.Episodes > 0 {
			parts = append(parts, fmt.Sprintf("%s ×%d (%s)", t.Trigger, t.Episodes, plural(t.Firings, "firing", "firings")))
		}
	}
	last := r.Episodes[len(r.Episodes)-1]
	// Breaches rejected as false alarms count in neither figure.
	singles := 0
	for _, e := range r.Episodes {
		if e.SingleSource && e.Status != "rejected" {
			singles++
		}
	}
	single := ""
	if singles > 0 {
		single = fmt.Sprintf(" (%d on one source: reported, not confirmed)", singles)
	}
	breaches, account := len(r.Episodes), ""
	if a := r.Account; a != nil && a.Findings+a.Actions > 0 {
		// A breach a monitor rejected is a false alarm, not a breach.
		breaches -= a.Rejected
		account = fmt.Sprintf("; %s, %s", plural(a.Findings, "finding", "findings"), plural(a.Actions, "action", "actions"))
		if a.Rejected > 0 {
			account += ", " + plural(a.Rejected, "rejected as a false alarm", "rejected as false alarms")
		}
	}
	return fmt.Sprintf("%s%s: %s; latest %s at %s%s", plural(breaches, "breach", "breaches"), single,
		strings.Join(parts, ", "), last.Trigger, stamp(last.Start), account)
}

// AccountNote says which findings and actions name a breach this run did
// not find ("" when all matched): they are about other inputs, or name a
// wrong id.
func AccountNote(r *monitor.Report) string {
	if r.Account == nil || len(r.Account.Unmatched) == 0 {
		return ""
	}
	ids := r.Account.Unmatched
	if len(ids) > 3 {
		return fmt.Sprintf("%s findings, actions and violations name no breach of this run (other inputs, or a wrong id): %s, … (all in the JSON's account.unmatched)",
			count(len(ids)), strings.Join(ids[:3], ", ")) // more than 3: always plural
	}
	return fmt.Sprintf("%s name no breach of this run (other inputs, or a wrong id): %s",
		plural(len(ids), "filing", "filings"), strings.Join(ids, ", "))
}

// stateLine lists the parties of a response due by state: "on time: FR;
// late: GB +41h; declined: US; overdue: DE, FI".
func stateLine(d monitor.ResponseDue) string {
	by := map[string][]string{}
	for _, p := range d.Parties {
		who := p.Party
		switch {
		case p.LateBy != "":
			who += " +" + p.LateBy
		case p.DueIn != "":
			who += " in " + p.DueIn
		}
		by[p.State] = append(by[p.State], who)
	}
	var parts []string
	for _, st := range monitor.ResponseStates {
		if len(by[st]) > 0 {
			parts = append(parts, strings.ReplaceAll(st, "-", " ")+": "+strings.Join(by[st], ", "))
		}
	}
	return strings.Join(parts, "; ")
}

// MonitorPeriod says which period the triggers were evaluated in and what
// fell outside it.
func MonitorPeriod(r *monitor.Report) string {
	from, until := "all time", "on"
	if r.Period.From != "" {
		from = "from " + r.Period.From
	}
	if r.Period.Until != "" {
		until = "until " + r.Period.Until
	}
	s := fmt.Sprintf("in force %s %s: %s and %s evaluated", from, until,
		Plural(r.Incidents, "incident"), Plural(r.Snapshots, "snapshot"))
	if n := r.IncidentsBefore; n > 0 {
		s += fmt.Sprintf("; %s before it only filled the sliding windows", Plural(n, "incident"))
	}
	if n := r.SnapshotsBefore; n > 0 {
		s += fmt.Sprintf("; %s before it", Plural(n, "snapshot"))
	}
	if n := r.IncidentsAfter + r.SnapshotsAfter; n > 0 {
		s += fmt.Sprintf("; %s after it not evaluated", Plural(n, "event"))
	}
	return s
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04Z") }

func monitorFacts(r *monitor.Report) string {
	period := "no events"
	if r.From != "" {
		period = r.From + " … " + r.To
	}
	return fmt.Sprintf("%s · %s · %s · quiet period %s · %s",
		r.Framework, period, Plural(int(r.Evaluations), "evaluation"), r.QuietPeriod, MonitorPeriod(r))
}

func monitorTone(r *monitor.Report) tone {
	for _, e := range r.Episodes {
		if e.Severity == "grave" {
			return bad
		}
	}
	if len(r.Episodes) > 0 {
		return warn
	}
	return good
}

func inputsGrid(r *monitor.Report) grid {
	g := grid{caption: "Inputs", cols: []column{keyCol("file"), col("format"), numCol("rows"), numCol("mapped"),
		numCol("other type"), numCol("skipped"), {head: "why skipped", wrap: true}}}
	for _, in := range r.Inputs {
		var why []string
		for _, reason := range sortedKeys(in.SkippedBy) {
			why = append(why, fmt.Sprintf("%s %s", numfmt.Number(float64(in.SkippedBy[reason]), 0), reason))
		}
		skipped := txt(numfmt.Number(float64(in.Skipped), 0))
		if in.Skipped > 0 {
			skipped.tone = warn
		}
		g.rows = append(g.rows, []cell{txt(in.File), txt(in.Format), txt(numfmt.Number(float64(in.Read), 0)),
			txt(numfmt.Number(float64(in.Mapped), 0)), txt(numfmt.Number(float64(in.Unmapped), 0)), skipped,
			txt(orEmpty(strings.Join(why, ", ")))})
	}
	return g
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func triggersGrid(r *monitor.Report) grid {
	g := grid{caption: "Triggers", cols: []column{keyCol("trigger"), col("severity"), numCol("firings"), numCol("breaches")}}
	for _, t := range r.Triggers {
		tn := plain
		if t.Episodes > 0 {
			tn = bad
		}
		g.rows = append(g.rows, []cell{txt(t.Trigger), txt(orEmpty(t.Severity)),
			txt(numfmt.Number(float64(t.Firings), 0)), toned(numfmt.Number(float64(t.Episodes), 0), tn)})
	}
	return g
}

func causeText(e monitor.Episode) string {
	if e.Cause.Kind == "snapshot" && e.Cause.Territory != nil {
		t := e.Cause.Territory
		s := fmt.Sprintf("snapshot %s: +%s km² gained, %s km² lost since the ceasefire", t.Snapshot,
			numfmt.Number(t.GainedKm2, 1), numfmt.Number(t.LostKm2, 1))
		if l := e.Latest; l != nil && l.Snapshot != t.Snapshot {
			s += fmt.Sprintf("; growing to +%s km² by %s", numfmt.Number(l.GainedKm2, 1), l.Snapshot)
		}
		return s
	}
	s := "incident " + e.Cause.Incident
	if e.Cause.Type != "" {
		s += " (" + e.Cause.Type
		if e.Cause.Admin1 != "" {
			s += ", " + e.Cause.Admin1
		}
		s += ")"
	}
	return s
}

func responseLines(e monitor.Episode) []string {
	var out []string
	for _, resp := range e.Responses {
		var line string
		switch resp.Mode {
		case "automatic":
			line = fmt.Sprintf("%s: automatic, at %s", resp.Response, stamp(resp.Due))
		case "consultation":
			line = fmt.Sprintf("%s: convene by %s", resp.Response, stamp(resp.Due))
		default:
			line = fmt.Sprintf("%s: decide by %s", resp.Response, stamp(resp.Due))
		}
		if n := len(resp.Pledges); n > 0 {
			parties := map[string]bool{}
			for _, p := range resp.Pledges {
				parties[p.Party] = true
			}
			names := make([]string, 0, len(parties))
			for p := range parties {
				names = append(names, p)
			}
			slices.Sort(names)
			line += fmt.Sprintf("; activates %s from %s", plural(n, "pledge", "pledges"), strings.Join(names, ", "))
		}
		out = append(out, line)
		if st := stateLine(resp); st != "" {
			out = append(out, "  "+st)
		}
	}
	if len(out) == 0 {
		out = []string{empty}
	}
	return out
}

// breachCell is a breach's trigger, id and status: a breach a monitor
// rejected says so.
func breachCell(e monitor.Episode) cell {
	tn := warn
	if e.Severity == "grave" {
		tn = bad
	}
	status := e.Status
	if e.Finding != nil {
		status += " (" + e.Finding.Party
		if e.Finding.AttributedTo != "" {
			status += " → " + e.Finding.AttributedTo
		}
		status += ")"
	}
	if e.Status == "rejected" {
		tn = plain
		status = "rejected as a false alarm (" + e.Finding.Party + ")"
	}
	lines := []string{e.Trigger, e.ID, status}
	for _, v := range e.Violates {
		lines = append(lines, "violates "+v)
	}
	return cell{lines: lines, tone: tn}
}

func episodesGrid(r *monitor.Report) grid {
	g := grid{caption: "Breaches", cols: []column{keyCol("trigger"), col("from"), col("to"), numCol("firings"),
		{head: "per day", wrap: true}, {head: "first cause, sources", wrap: true}, {head: "responses due", wrap: true}}}
	for _, e := range r.Episodes {
		g.rows = append(g.rows, []cell{breachCell(e), txt(stamp(e.Start)), txt(stamp(e.End)),
			txt(numfmt.Number(float64(e.Firings), 0)), {lines: dayLines(e)}, causeCell(e), {lines: responseLines(e)}})
	}
	return g
}

// maxDayLines bounds the days a breach lists in a table; the JSON has
// them all.
const maxDayLines = 8

// dayLines is a breach's series: firings per day, with the measure's sum
// or the area gained.
func dayLines(e monitor.Episode) []string {
	var out []string
	for i, d := range e.Days {
		if i == maxDayLines-1 && len(e.Days) > maxDayLines {
			out = append(out, "… "+plural(len(e.Days)-i, "more day", "more days"))
			break
		}
		line := fmt.Sprintf("%s ×%s", d.Date[5:], numfmt.Number(float64(d.Firings), 0))
		switch {
		case d.GainedKm2 != nil:
			line += fmt.Sprintf(" +%s km²", numfmt.Number(*d.GainedKm2, 1))
		case e.Measure != "" && e.Sum != 0:
			line += fmt.Sprintf(" %s %s", numfmt.Number(d.Sum, 0), e.Measure)
		}
		if d.PeakSum != 0 {
			line += fmt.Sprintf(" (sum %s in %s)", numfmt.Number(d.PeakSum, 0), e.PeakWindow)
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		out = []string{empty}
	}
	return out
}

// causeCell is the first cause and the sources: a breach on one source
// is reported, not confirmed, and says so.
func causeCell(e monitor.Episode) cell {
	lines := []string{causeText(e), "sources: " + orEmpty(strings.Join(e.Sources, ", "))}
	if e.SingleSource {
		lines[1] += " (one source)"
	}
	return cell{lines: lines}
}

func weeklyGrid(r *monitor.Report) grid {
	g := grid{caption: "Per week", cols: []column{keyCol("week"), col("trigger"), numCol("firings"), numCol("new breaches")}}
	for _, w := range r.Weekly {
		g.rows = append(g.rows, []cell{txt(w.Week), txt(w.Trigger), txt(numfmt.Number(float64(w.Firings), 0)),
			txt(numfmt.Number(float64(w.Episodes), 0))})
	}
	return g
}

// MonitorTable writes the report for a terminal.
func MonitorTable(w io.Writer, r *monitor.Report, o TableOptions) error {
	if r == nil {
		return fmt.Errorf("report: nil monitoring report")
	}
	width := max(cmpOr(o.Width, DefaultWidth), minWidth)
	t := &term{out: &errWriter{w: w}, color: o.Color, width: width}
	t.wrapped(MonitorSummary(r), "", "  ", monitorTone(r), true)
	t.wrapped(monitorFacts(r), "", "  ", plain, false)
	if note := AccountNote(r); note != "" {
		t.wrapped(note, "", "  ", warn, false)
	}
	if len(r.Inputs) > 0 {
		t.section("Inputs")
		t.grid(inputsGrid(r))
	}
	t.section("Triggers")
	t.grid(triggersGrid(r))
	t.section("Breaches")
	if len(r.Episodes) == 0 {
		t.line("none")
	} else {
		t.grid(episodesGrid(r))
	}
	if len(r.Weekly) > 0 {
		t.section("Per week")
		t.grid(weeklyGrid(r))
	}
	return t.out.err
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// MonitorHTML writes one self-contained page: the summary, the weekly
// chart, the breaches and the triggers.
func MonitorHTML(w io.Writer, r *monitor.Report) error {
	if r == nil {
		return fmt.Errorf("report: nil monitoring report")
	}
	page := htmlPage{
		Kind:         "a monitoring report",
		Title:        "Monitoring of " + r.Framework,
		DocTitle:     "Monitoring of " + r.Framework,
		Verdict:      MonitorSummary(r),
		VerdictClass: monitorTone(r).class(),
		Meta:         monitorFacts(r),
		CSS:          template.CSS(pageCSS),
		Version:      r.FormatVersion,
		Sections: []htmlSection{
			{ID: "weekly", Title: "Breaches per week", Chart: template.HTML(WeeklyChart(r)), Tables: []htmlTable{htmlTab(weeklyGrid(r))}},
			{ID: "breaches", Title: "Breaches", Tables: []htmlTable{htmlTab(episodesGrid(r))}},
			{ID: "triggers", Title: "Triggers", Tables: []htmlTable{htmlTab(triggersGrid(r))}},
			{ID: "inputs", Title: "Inputs", Tables: []htmlTable{htmlTab(inputsGrid(r))}},
		},
	}
	for _, s := range page.Sections {
		for i := range s.Tables {
			s.Tables[i].HideCaption = true
		}
	}
	return pageTemplate.Execute(w, page)
}

// WeeklyChart draws the firings per trigger per ISO week as grouped bars
// (SVG 1.1, text escaped, deterministic).
func WeeklyChart(r *monitor.Report) string {
	const width, height, left, right, top, bottom = 760.0, 320.0, 56.0, 170.0, 40.0, 56.0
	var weeks, triggers []string
	for _, w := range r.Weekly {
		if !slices.Contains(weeks, w.Week) {
			weeks = append(weeks, w.Week)
		}
	}
	for _, t := range r.Triggers {
		triggers = append(triggers, t.Trigger)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-labelledby="weekly-title">`, f1(width), f1(height))
	fmt.Fprintf(&b, `<title id="weekly-title">Firings per trigger per week</title>`)
	fmt.Fprintf(&b, `<text x="%s" y="22" font-size="15" font-weight="bold">Firings per trigger per ISO week</text>`, f1(left))
	if len(weeks) == 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="13">no breach to chart</text></svg>`, f1(left), f1(height/2))
		return b.String()
	}
	peak := 1
	for _, w := range r.Weekly {
		peak = max(peak, w.Firings)
	}
	step, axisMax := yScale(float64(peak))
	plotW, plotH := width-left-right, height-top-bottom
	yOf := func(v float64) float64 { return top + plotH - v/axisMax*plotH }
	for v := 0.0; v <= axisMax+1e-9; v += step {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/>`, f1(left), f1(yOf(v)), f1(left+plotW), f1(yOf(v)))
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" text-anchor="end">%s</text>`, f1(left-6), f1(yOf(v)+4), template.HTMLEscapeString(numfmt.Number(v, 0)))
	}
	groupW := plotW / float64(len(weeks))
	barW := groupW * 0.8 / float64(max(len(triggers), 1))
	for wi, week := range weeks {
		x0 := left + float64(wi)*groupW + groupW*0.1
		for ti, trig := range triggers {
			for _, w := range r.Weekly {
				if w.Week == week && w.Trigger == trig && w.Firings > 0 {
					fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s %s: %s, %s</title></rect>`,
						f1(x0+float64(ti)*barW), f1(yOf(float64(w.Firings))), f1(barW), f1(yOf(0)-yOf(float64(w.Firings))),
						palette[ti%len(palette)], template.HTMLEscapeString(week), template.HTMLEscapeString(trig), Plural(w.Firings, "firing"), plural(w.Episodes, "new breach", "new breaches"))
				}
			}
		}
		if len(weeks) <= 16 || wi%((len(weeks)+15)/16) == 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="10" text-anchor="end" transform="rotate(-45 %s %s)">%s</text>`,
				f1(x0+groupW*0.4), f1(top+plotH+14), f1(x0+groupW*0.4), f1(top+plotH+14), template.HTMLEscapeString(week))
		}
	}
	fmt.Fprintf(&b, `<text x="14" y="%s" font-size="11" transform="rotate(-90 14 %s)" text-anchor="middle">firings</text>`, f1(top+plotH/2), f1(top+plotH/2))
	for ti, trig := range triggers {
		y := top + 14 + float64(ti)*18
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="12" height="12" fill="%s"/><text x="%s" y="%s" font-size="12">%s</text>`,
			f1(left+plotW+16), f1(y-10), palette[ti%len(palette)], f1(left+plotW+34), f1(y), template.HTMLEscapeString(truncate(trig, 20)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
