package render

// The generic table engine every view shares: a grid of formatted cells
// (grid, column, cell, tone) built once per section, and the terminal
// renderer (term) that lays it out, wraps, splits it into column groups
// and paints it. The views (assess_table.go, monitor.go, simulate.go, …)
// only build grids; html.go and markdown.go write the same grids.

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// TableOptions configure the terminal rendering.
type TableOptions struct {
	// Color adds ANSI colours: red for what is unmet, blocked or violated,
	// green for what is met or open, yellow for warnings. Without it the
	// output holds no escape sequence at all.
	Color bool
	// Width is the number of columns to fit in (100 when 0). Tables too
	// wide for it are split into column groups, the key column repeated.
	Width int
}

// DefaultWidth is the terminal width used when TableOptions.Width is 0.
const DefaultWidth = 100

// minWidth is the narrowest width Table lays out for.
const minWidth = 40

// ---------------------------------------------------------------------------
// The sections as tables of formatted strings, shared by every renderer.

// tone is how a cell reads: colour in a terminal, a class in HTML.
type tone uint8

const (
	plain tone = iota
	good
	bad
	warn
)

// class is the tone's name as an HTML class ("" for plain).
func (t tone) class() string {
	switch t {
	case good:
		return "good"
	case bad:
		return "bad"
	case warn:
		return "warn"
	}
	return ""
}

// column is one column of a grid.
type column struct {
	head string // "\n" breaks a terminal header in two lines
	num  bool   // right-aligned
	key  bool   // repeated in every part when a terminal splits the table
	wrap bool   // wrapped, in a terminal, before the table is split
}

// cell is one cell of a grid.
type cell struct {
	lines []string // one or more lines
	// sub is a secondary figure (a share), written "(sub)" after the last
	// line in text and Markdown, on a line of its own in HTML.
	sub string
	// code, when set, holds per line the part of it that is an expression
	// (a prefix), for a code span in Markdown and HTML.
	code  []string
	tone  tone
	shade float64 // the share behind the HTML shading, when shaded
	// shaded cells get a background in HTML in proportion to shade.
	shaded bool
}

// grid is one table of a section.
type grid struct {
	caption string
	cols    []column
	rows    [][]cell
	// join, when set, puts a cell's lines on one line in a terminal.
	join string
	// sentences say each row in words, for the terminal's politics lists;
	// notes follow their sentence; inline puts the list on one line.
	sentences []string
	notes     []string
	inline    bool
	// foot is a note printed under the terminal table.
	foot string
}

func txt(s string) cell           { return cell{lines: []string{s}} }
func toned(s string, t tone) cell { return cell{lines: []string{s}, tone: t} }
func col(head string) column      { return column{head: head} }
func numCol(head string) column   { return column{head: head, num: true} }
func keyCol(head string) column   { return column{head: head, key: true} }
func shareCell(share float64) cell {
	return cell{lines: []string{fmtPct(share)}, tone: metTone(share >= 1)}
}
func countOf(met, total int) string { return fmt.Sprintf("%d of %d", met, total) }

// metTone is good for what is met, bad for what is not.
func metTone(met bool) tone {
	if met {
		return good
	}
	return bad
}

// listOrEmpty is ls, or the empty mark alone.
func listOrEmpty(ls []string) []string {
	if len(ls) == 0 {
		return []string{empty}
	}
	return ls
}

// ---------------------------------------------------------------------------
// The terminal renderer.

// errWriter keeps the first write error and skips later writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) WriteString(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

type term struct {
	out   *errWriter
	color bool
	width int
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
)

// paint colours s by tone (and bold), when colours are on.
func (t *term) paint(s string, tn tone, bold bool) string {
	if !t.color || s == "" {
		return s
	}
	var code string
	if bold {
		code = ansiBold
	}
	switch tn {
	case good:
		code += ansiGreen
	case bad:
		code += ansiRed
	case warn:
		code += ansiYellow
	}
	if code == "" {
		return s
	}
	return code + s + ansiReset
}

func (t *term) line(s string) { t.out.WriteString(s + "\n") }
func (t *term) blank()        { t.line("") }

// section writes a blank line and a heading ruled to the width.
func (t *term) section(title string) {
	t.blank()
	t.heading(title)
}

func (t *term) heading(title string) {
	h := "── " + title + " "
	if n := t.width - utf8.RuneCountInString(h); n > 0 {
		h += strings.Repeat("─", n)
	}
	t.line(t.paint(h, plain, true))
}

// wrapped writes text wrapped to the width: the first line after first,
// the others after hang.
func (t *term) wrapped(text, first, hang string, tn tone, bold bool) {
	for i, l := range wrapText(text, t.width-utf8.RuneCountInString(hang)) {
		prefix := hang
		if i == 0 {
			prefix = first
		}
		t.line(prefix + t.paint(l, tn, bold))
	}
}

// wrapText breaks text into lines of at most width runes, at spaces where
// it can, inside a word longer than the width where it must. A number
// stays on the line of the word after it ("80 %", "12,000 troops"), and
// words joined by nbsp stay together.
func wrapText(text string, width int) []string {
	width = max(width, 1)
	var words [][]rune
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' }) {
		if n := len(words); n > 0 && leadingNumber.MatchString(string(words[n-1])) && len(words[n-1])+1+runes(w) <= width {
			words[n-1] = append(append(words[n-1], ' '), []rune(w)...)
			continue
		}
		words = append(words, []rune(w))
	}
	var out []string
	var cur []rune
	for _, w := range words {
		for len(w) > width {
			if len(cur) > 0 {
				out = append(out, string(cur))
				cur = nil
			}
			out = append(out, string(w[:width]))
			w = w[width:]
		}
		switch {
		case len(cur) == 0:
			cur = w
		case len(cur)+1+len(w) <= width:
			cur = append(append(cur, ' '), w...)
		default:
			out = append(out, string(cur))
			cur = w
		}
	}
	if len(cur) > 0 || len(out) == 0 {
		out = append(out, string(cur))
	}
	for i, l := range out {
		out[i] = strings.ReplaceAll(l, nbsp, " ")
	}
	return out
}

// nbsp keeps two words on one line when wrapText wraps them; it prints as
// a space.
const nbsp = "\u00a0"

// leadingNumber matches a word that is a number ("(33", "12,000/15,000").
var leadingNumber = regexp.MustCompile(`^[(<>]?[0-9][0-9.,/]*$`)

// laidOut is a grid's text: header lines and cell lines per column, and
// the width of each column.
type laidOut struct {
	heads  [][]string
	body   [][][]string
	widths []int
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// cellText is a cell's lines in a terminal.
func cellText(c cell, join string) []string {
	ls := slices.Clone(c.lines)
	if len(ls) == 0 {
		ls = []string{""}
	}
	if join != "" {
		ls = []string{strings.Join(ls, join)}
	}
	if c.sub != "" {
		ls[len(ls)-1] += " (" + c.sub + ")"
	}
	return ls
}

func layout(g grid) laidOut {
	l := laidOut{heads: make([][]string, len(g.cols)), widths: make([]int, len(g.cols))}
	for j, c := range g.cols {
		l.heads[j] = strings.Split(c.head, "\n")
	}
	for _, row := range g.rows {
		cells := make([][]string, len(g.cols))
		for j := range g.cols {
			if j < len(row) {
				cells[j] = cellText(row[j], g.join)
			}
		}
		l.body = append(l.body, cells)
	}
	l.measure()
	return l
}

func (l *laidOut) measure() {
	for j := range l.widths {
		w := 0
		for _, s := range l.heads[j] {
			w = max(w, runes(s))
		}
		for _, row := range l.body {
			for _, s := range row[j] {
				w = max(w, runes(s))
			}
		}
		l.widths[j] = w
	}
}

func (l *laidOut) total(cols []int) int {
	n := 0
	for i, j := range cols {
		if i > 0 {
			n += 2
		}
		n += l.widths[j]
	}
	return n
}

func allCols(n int) []int {
	cols := make([]int, n)
	for i := range cols {
		cols[i] = i
	}
	return cols
}

// fit lays the columns out in groups that fit the width, each starting
// with the key columns. Wrap columns are wrapped first when that alone
// makes the table fit, else within their group.
func (l *laidOut) fit(g grid, width int) [][]int {
	all := allCols(len(g.cols))
	l.wrapTo(g, all, width, 20)
	if l.total(all) <= width {
		return [][]int{all}
	}
	var keys, rest []int
	for j, c := range g.cols {
		if c.key {
			keys = append(keys, j)
		} else {
			rest = append(rest, j)
		}
	}
	var groups [][]int
	cur := slices.Clone(keys)
	for _, j := range rest {
		next := append(slices.Clone(cur), j)
		// A wrap column can always shrink to fit; it starts a group only
		// when it could not keep 20 columns.
		over := l.total(next) - width
		if g.cols[j].wrap && l.widths[j]-over >= 20 {
			over = 0
		}
		if len(cur) > len(keys) && over > 0 {
			groups = append(groups, cur)
			next = append(slices.Clone(keys), j)
		}
		cur = next
	}
	groups = append(groups, cur)
	for _, cols := range groups {
		l.wrapTo(g, cols, width, 10)
	}
	return groups
}

// wrapTo wraps the wrap columns among cols when they are too wide
// together, as long as each keeps at least least columns.
func (l *laidOut) wrapTo(g grid, cols []int, width, least int) {
	for _, j := range cols {
		over := l.total(cols) - width
		if !g.cols[j].wrap || over <= 0 {
			continue
		}
		if to := l.widths[j] - over; to >= least {
			var hs []string
			for _, s := range l.heads[j] {
				hs = append(hs, wrapText(s, to)...)
			}
			l.heads[j] = hs
			for _, row := range l.body {
				var ls []string
				for _, s := range row[j] {
					ls = append(ls, wrapText(s, to)...)
				}
				row[j] = ls
			}
			l.measure()
		}
	}
}

// grid writes a table fitted to the width, or "none" when it has no row.
func (t *term) grid(g grid) {
	if len(g.rows) == 0 {
		t.line("none")
		return
	}
	l := layout(g)
	groups := l.fit(g, t.width)
	for gi, cols := range groups {
		if len(groups) > 1 {
			if gi > 0 {
				t.blank()
			}
			t.line(fmt.Sprintf("(part %d of %d)", gi+1, len(groups)))
		}
		height := 0
		for _, j := range cols {
			height = max(height, len(l.heads[j]))
		}
		for k := range height {
			texts := make([]string, len(cols))
			for i, j := range cols {
				// Headers sit on the last header line.
				if at := k - (height - len(l.heads[j])); at >= 0 {
					texts[i] = l.heads[j][at]
				}
			}
			t.row(g, l, cols, texts, nil, true)
		}
		for ri, row := range l.body {
			height := 1
			for _, j := range cols {
				height = max(height, len(row[j]))
			}
			for k := range height {
				texts := make([]string, len(cols))
				for i, j := range cols {
					if k < len(row[j]) {
						texts[i] = row[j][k]
					}
				}
				t.row(g, l, cols, texts, g.rows[ri], false)
			}
		}
	}
	if g.foot != "" {
		t.wrapped(g.foot, "", "", plain, false)
	}
}

// row writes one line of a table: cells padded outside their colour,
// numbers right-aligned, no trailing space.
func (t *term) row(g grid, l laidOut, cols []int, texts []string, cells []cell, header bool) {
	var b strings.Builder
	pending := 0
	for i, j := range cols {
		if i > 0 {
			pending += 2
		}
		pad := l.widths[j] - runes(texts[i])
		if g.cols[j].num {
			pending += pad
		}
		if texts[i] != "" {
			b.WriteString(strings.Repeat(" ", pending))
			pending = 0
			tn := plain
			if !header && j < len(cells) {
				tn = cells[j].tone
			}
			b.WriteString(t.paint(texts[i], tn, header))
		}
		if !g.cols[j].num {
			pending += pad
		}
	}
	t.line(b.String())
}
