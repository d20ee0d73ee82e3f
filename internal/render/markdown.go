package render

import (
	"io"
	"strings"

	"github.com/backstop-dev/backstop/internal/assess"
)

// Markdown writes the report as GitHub-flavoured Markdown: the verdict
// under the title, then the sections of Table as Markdown tables. Coverage
// over time is also drawn as an inline <svg> for viewers that render HTML
// in Markdown and, since GitHub does not, as a fenced text table laid out
// like the chart (a row per domain, a column per date).
func Markdown(w io.Writer, r *assess.Report) error {
	if r == nil {
		return errNilReport
	}
	m := &md{out: &errWriter{w: w}}

	title := r.Framework.Title
	if title == "" {
		title = "Assessment of " + r.Framework.ID
	}
	m.para("# " + mdEsc(title))
	m.para("**Verdict:** " + mdEsc(verdictText(r)))
	var fs []string
	for i, f := range facts(r) {
		if i == 0 && f == r.Framework.ID {
			fs = append(fs, mdCode(f))
		} else {
			fs = append(fs, mdEsc(f))
		}
	}
	if len(fs) > 0 {
		m.para(strings.Join(fs, " · "))
	}

	m.para("## Requirements")
	m.table(requirementsGrid(r), false)
	if len(r.Requirements) > 0 {
		m.para(mdEsc(requirementsNote))
	}

	m.para("## Domains and layers")
	m.table(domainsGrid(r), true)
	m.table(layersGrid(r), true)
	if len(r.Domains)+len(r.Layers) > 0 {
		m.para(mdEsc(coverageNote))
	}

	m.timeline(r)

	m.para("## Who gives what")
	if len(r.Matrix.Rows) > 0 {
		m.para(mdEsc(matrixIntro))
	}
	m.table(matrixGrid(r), false)

	m.para("## Burden sharing")
	m.table(burdenGrid(r, true), false)
	if len(r.Parties) > 0 {
		m.para(mdEsc(burdenNote))
	}
	if r.GDPSource != "" && len(r.Parties) > 0 {
		m.para(mdEsc("GDP: " + r.GDPSource))
	}

	m.para("## How binding")
	if len(r.Binding) > 0 {
		m.para(mdEsc(bindingIntro))
	}
	m.table(bindingGrid(r), false)

	m.para("## Politics")
	for _, g := range politicsGrids(r) {
		if len(g.rows) == 0 {
			m.para("**" + mdEsc(g.caption) + ":** none")
			continue
		}
		m.para("### " + mdEsc(g.caption))
		m.table(g, false)
	}

	m.para("## Commitments")
	m.table(commitmentsGrid(r), false)

	m.para("## Sequence")
	m.table(sequenceGrid(r), false)
	return m.out.err
}

// timeline writes Coverage over time: the table, the inline chart and
// the chart as fenced text for viewers that drop the SVG.
func (m *md) timeline(r *assess.Report) {
	m.para("## Coverage over time")
	domains := timelineDomains(r)
	m.table(timelineGrid(r, domains), false)
	m.para(strings.TrimSuffix(chartSVG(r), "\n"))
	if len(domains) > 0 && len(r.Timeline) > 0 {
		var chart strings.Builder
		t := &term{out: &errWriter{w: &chart}, width: 1 << 20}
		t.grid(chartGrid(r, domains))
		m.para("```text\n" + strings.TrimSuffix(chart.String(), "\n") + "\n```")
	}
}

type md struct {
	out     *errWriter
	started bool
}

// para writes a block, separated from the previous one by a blank line.
func (m *md) para(s string) {
	if m.started {
		m.out.WriteString("\n")
	}
	m.started = true
	m.out.WriteString(s + "\n")
}

// table writes a grid as a Markdown table, under its caption in bold when
// captioned, or "none" when it has no row.
func (m *md) table(g grid, captioned bool) {
	if captioned {
		m.para("**" + mdEsc(g.caption) + "**")
	}
	if len(g.rows) == 0 {
		m.para("none")
		return
	}
	var b strings.Builder
	b.WriteString("|")
	for _, c := range g.cols {
		b.WriteString(" " + mdEsc(strings.ReplaceAll(c.head, "\n", " ")) + " |")
	}
	b.WriteString("\n|")
	for _, c := range g.cols {
		if c.num {
			b.WriteString(" --: |")
		} else {
			b.WriteString(" :-- |")
		}
	}
	for _, row := range g.rows {
		b.WriteString("\n|")
		for j := range g.cols {
			var s string
			if j < len(row) {
				s = mdCell(row[j])
			}
			b.WriteString(" " + s + " |")
		}
	}
	m.para(b.String())
}

// mdCell is a cell's lines, broken with <br>, expressions in code spans.
func mdCell(c cell) string {
	ls := make([]string, len(c.lines))
	for i, l := range c.lines {
		if i < len(c.code) && c.code[i] != "" && strings.HasPrefix(l, c.code[i]) {
			ls[i] = mdCode(c.code[i]) + mdEsc(l[len(c.code[i]):])
		} else {
			ls[i] = mdEsc(l)
		}
	}
	s := strings.Join(ls, "<br>")
	if c.sub != "" {
		s += " (" + mdEsc(c.sub) + ")"
	}
	return s
}

// mdEsc escapes the characters that Markdown (and a table cell) would
// read as syntax, and puts line breaks on one line.
var mdEsc = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "#", `\#`, "&", `\&`, "\n", " ",
).Replace

// mdCode is s as a code span: fenced with more backticks than it holds,
// its pipes escaped for tables.
func mdCode(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", `\|`)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
