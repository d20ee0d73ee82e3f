package render

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/backstop-dev/backstop/internal/numfmt"
	"github.com/backstop-dev/backstop/internal/record"
)

// The views of the parties' record (monitor.Records): a terminal table
// with a row per party and the grading rule under it, Markdown, one
// self-contained HTML page and JSON. docs/record.md describes them.

var errNilRecord = fmt.Errorf("report: nil record")

// Record writes a record in f, one of RecordFormats.
func Record(w io.Writer, f Format, r *record.Record, o TableOptions) error {
	switch f {
	case FormatJSON:
		return RecordJSON(w, r)
	case FormatMarkdown:
		return RecordMarkdown(w, r)
	case FormatHTML:
		return RecordHTML(w, r)
	}
	return RecordTable(w, r, o)
}

// RecordJSON writes the record as indented JSON (format_version 1).
func RecordJSON(w io.Writer, r *record.Record) error {
	if r == nil {
		return errNilRecord
	}
	return indentedJSON(w, r, false)
}

// recordTotals sums the parties' states.
func recordTotals(r *record.Record) (t record.Party) {
	for _, p := range r.Parties {
		t.Due += p.Due
		t.OnTime += p.OnTime
		t.Late += p.Late
		t.Declined += p.Declined
		t.Pending += p.Pending
		t.Overdue += p.Overdue
		t.NotDue += p.NotDue
	}
	return t
}

// answering counts the parties responses are expected from: all but
// those in the record for their commitments alone (the adversary's).
func answering(r *record.Record) int {
	n := 0
	for _, p := range r.Parties {
		if p.Due+p.NotDue > 0 || len(p.Commitments) == 0 {
			n++
		}
	}
	return n
}

// RecordSummary is the record's headline: the responses due and where
// they stand.
func RecordSummary(r *record.Record) string {
	t := recordTotals(r)
	if t.Due == 0 {
		s := fmt.Sprintf("no response due from %s", plural(answering(r), "party", "parties"))
		if t.NotDue > 0 {
			s += fmt.Sprintf(" (%s on rejected breaches)", plural(t.NotDue, "response not due", "responses not due"))
		}
		return s
	}
	s := fmt.Sprintf("%s from %s: %s on time, %s late, %s declined, %s pending, %s overdue",
		plural(t.Due, "response due", "responses due"), plural(answering(r), "party", "parties"),
		countText(t.OnTime), countText(t.Late), countText(t.Declined), countText(t.Pending), countText(t.Overdue))
	if t.NotDue > 0 {
		s += fmt.Sprintf("; %s on rejected breaches", plural(t.NotDue, "not due", "not due"))
	}
	return s
}

func recordFacts(r *record.Record) string {
	asOf := "no account"
	if !r.AsOf.IsZero() {
		asOf = "as of " + stamp(r.AsOf)
	}
	return fmt.Sprintf("%s · %s · graded on the record, by the rule under the table", r.Framework, asOf)
}

func recordTone(r *record.Record) tone {
	t := recordTotals(r)
	switch {
	case t.Overdue > 0 || t.Declined > 0:
		return bad
	case t.Late > 0:
		return warn
	}
	return good
}

func recordRule(r *record.Record) string { return "Grade: " + r.Rule + "." }

// gradeTone is good for A and B, a warning for C, bad for D and F.
func gradeTone(g string) tone {
	switch g {
	case "A", "B":
		return good
	case "C":
		return warn
	case "D", "F":
		return bad
	}
	return plain
}

// recordGrid has a row per party.
func recordGrid(r *record.Record) grid {
	g := grid{caption: "Record", cols: []column{keyCol("party"), numCol("due"), numCol("on time"), numCol("late"),
		numCol("declined"), numCol("pending"), numCol("overdue"), col("delivered"), numCol("acted"), col("grade")},
		foot: recordRule(r)}
	count := func(n int, tn tone) cell {
		c := txt(countText(n))
		if n > 0 {
			c.tone = tn
		}
		return c
	}
	for _, p := range r.Parties {
		var delivered []string
		for _, d := range p.Delivered {
			delivered = append(delivered, d.Pledge+" "+numfmt.Count(d.Quantity))
		}
		acted := txt(empty)
		if p.ActedShare != nil {
			acted = shareCell(*p.ActedShare)
		}
		grade := toned(p.Grade, gradeTone(p.Grade))
		if p.Score != nil {
			grade.sub = fmtRatio(*p.Score)
		}
		g.rows = append(g.rows, []cell{txt(p.Party), txt(countText(p.Due)), count(p.OnTime, good), count(p.Late, warn),
			count(p.Declined, bad), txt(countText(p.Pending)), count(p.Overdue, bad), {lines: listOrEmpty(delivered)},
			acted, grade})
	}
	return g
}

// recordCommitmentsGrid lists every party's commitments about its own conduct
// (the adversary's above all) with the status in force and, when
// violated, the breaches; nil when no party has any.
func recordCommitmentsGrid(r *record.Record) *grid {
	g := grid{caption: "Commitments", cols: []column{keyCol("party"), col("commitment"), col("status"), col("since"),
		{head: "violated by", wrap: true}}}
	for _, p := range r.Parties {
		for _, c := range p.Commitments {
			tn := plain
			if c.Status == "violated" {
				tn = bad
			}
			g.rows = append(g.rows, []cell{txt(p.Party), txt(c.Title), toned(c.Status, tn), txt(c.Since),
				{lines: listOrEmpty(c.ViolatedBy)}})
		}
	}
	if len(g.rows) == 0 {
		return nil
	}
	return &g
}

// RecordTable writes the record for a terminal: the headline, a row per
// party and the rule under it.
func RecordTable(w io.Writer, r *record.Record, o TableOptions) error {
	if r == nil {
		return errNilRecord
	}
	width := max(cmpOr(o.Width, DefaultWidth), minWidth)
	t := &term{out: &errWriter{w: w}, color: o.Color, width: width}
	t.wrapped(RecordSummary(r), "", "  ", recordTone(r), true)
	t.wrapped(recordFacts(r), "", "  ", plain, false)
	t.section("Record")
	t.grid(recordGrid(r))
	if g := recordCommitmentsGrid(r); g != nil {
		t.section("Commitments")
		t.grid(*g)
	}
	return t.out.err
}

// RecordMarkdown writes the record as GitHub-flavoured Markdown.
func RecordMarkdown(w io.Writer, r *record.Record) error {
	if r == nil {
		return errNilRecord
	}
	m := &md{out: &errWriter{w: w}}
	m.para("# " + mdEsc(recordTitle(r)))
	m.para("**Summary:** " + mdEsc(RecordSummary(r)))
	m.para(mdEsc(recordFacts(r)))
	m.table(recordGrid(r), false)
	m.para(mdEsc(recordRule(r)))
	if g := recordCommitmentsGrid(r); g != nil {
		m.para("## Commitments")
		m.table(*g, false)
	}
	return m.out.err
}

func recordTitle(r *record.Record) string {
	return strings.TrimSpace("Record of the parties to " + r.Framework)
}

// RecordHTML writes one self-contained page in the style of the other
// views.
func RecordHTML(w io.Writer, r *record.Record) error {
	if r == nil {
		return errNilRecord
	}
	title := recordTitle(r)
	tab := htmlTab(recordGrid(r))
	tab.HideCaption = true
	page := htmlPage{
		Kind:         "a record",
		Title:        title,
		DocTitle:     title,
		Verdict:      RecordSummary(r),
		VerdictLabel: "Summary",
		VerdictClass: recordTone(r).class(),
		Meta:         recordFacts(r),
		CSS:          template.CSS(pageCSS),
		Version:      r.FormatVersion,
		Sections: []htmlSection{{ID: "record", Title: "Record", Tables: []htmlTable{tab}, Foot: recordRule(r),
			Intro: "Per party: the responses the breaches called for and where they stand (on time, late, declined, pending, overdue), the quantities its actions delivered by pledge, the share it acted on of the responses that fell due, and its grade."}},
	}
	if g := recordCommitmentsGrid(r); g != nil {
		page.Sections = append(page.Sections, htmlSection{ID: "commitments", Title: "Commitments", Tables: []htmlTable{htmlTab(*g)},
			Intro: "Each party's promises about its own conduct, with the status in force; a violation names the breach."})
	}
	return pageTemplate.Execute(w, page)
}
