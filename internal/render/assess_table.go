package render

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

var errNilReport = errors.New("report: nil report")

// Table writes the report for a terminal: the verdict line first, then
// Requirements, Domains and layers, Coverage over time, Who gives what,
// Burden sharing, How binding, Politics, Commitments and Sequence.
func Table(w io.Writer, r *assess.Report, o TableOptions) error {
	if r == nil {
		return errNilReport
	}
	width := o.Width
	if width == 0 {
		width = DefaultWidth
	}
	width = max(width, minWidth)
	t := &term{out: &errWriter{w: w}, color: o.Color, width: width}

	t.wrapped(verdictText(r), "", "  ", verdictTone(r), true)
	t.wrapped(metaLine(r), "", "  ", plain, false)

	t.section("Requirements")
	t.grid(requirementsGrid(r))
	if len(r.Requirements) > 0 {
		t.wrapped(requirementsNote, "", "", plain, false)
	}

	t.section("Domains and layers (coverage %)")
	if len(r.Domains)+len(r.Layers) == 0 {
		t.line("none")
	} else {
		t.grid(domainsGrid(r))
		t.blank()
		t.grid(layersGrid(r))
		t.wrapped(coverageNote, "", "", plain, false)
	}

	t.section("Coverage over time")
	t.timeline(r)

	t.section("Who gives what")
	if len(r.Matrix.Rows) > 0 {
		t.wrapped(matrixIntro, "", "", plain, false)
	}
	t.grid(matrixGrid(r))

	t.section("Burden sharing")
	t.grid(burdenGrid(r, false))
	if len(r.Parties) > 0 {
		t.wrapped(burdenNote, "", "", plain, false)
	}
	if r.GDPSource != "" && len(r.Parties) > 0 {
		t.wrapped("GDP: "+r.GDPSource, "", "  ", plain, false)
	}

	t.section("How binding")
	if len(r.Binding) > 0 {
		t.wrapped(bindingIntro, "", "", plain, false)
	}
	t.grid(bindingGrid(r))

	t.section("Politics")
	for _, g := range politicsGrids(r) {
		t.politics(g)
	}

	t.section("Commitments")
	t.politics(commitmentsGrid(r))

	t.section("Sequence")
	t.grid(sequenceGrid(r))
	return t.out.err
}

// ---------------------------------------------------------------------------
// The sections of an assess.Report as grids, shared by every renderer.

// The one-line notes under the tables whose counting rule a reader cannot
// guess from the figures; every format prints the same words, and
// docs/assess.md gives the rules in full.
const (
	requirementsNote = "share: pledged now ÷ required, not capped (met from 100 %); eventual adds the pledges due later."
	// coverageNote states what assess.summarize computes: the minimum, not
	// a mean, so that a domain is at 100 % only when all its requirements are.
	coverageNote = "coverage: the smallest share among the domain's (layer's) requirements, as coverage() in gates."
	matrixIntro  = "Each cell: what a party's pledges count towards the domain, summed per unit, and its share of what the domain needs (the mean over its requirements of quantity ÷ required); " + empty + " = nothing."
	burdenNote   = "points: Σ over requirements of counted quantity ÷ required; share: points ÷ all guarantors'."
)

// verdictText is the verdict, or a placeholder for a report without one.
func verdictText(r *assess.Report) string {
	if r.Verdict == "" {
		return "(no verdict)"
	}
	return r.Verdict
}

// verdictTone colours the verdict: bad when a requirement is unmet, a step
// blocked or a caveat broken; a warning for red lines, pending or rejected
// pledges, silent guarantors, or nothing to assess; good otherwise.
func verdictTone(r *assess.Report) tone {
	p := r.Politics
	unmet := slices.ContainsFunc(r.Requirements, func(q assess.RequirementCoverage) bool { return !q.Met })
	blocked := slices.ContainsFunc(r.Sequence, func(s assess.StepStatus) bool { return s.State != "open" })
	switch {
	case unmet || blocked || len(p.CaveatViolations) > 0:
		return bad
	case len(r.Requirements) == 0 || len(p.RedLineCrossings) > 0 || len(p.AwaitingApproval) > 0 ||
		len(p.Rejected) > 0 || len(p.NoPledge) > 0:
		return warn
	}
	return good
}

// metaLine identifies the framework and the date: "Title — id, status,
// beneficiary UA, assessed at 2025-08-29".
func metaLine(r *assess.Report) string {
	fs := strings.Join(facts(r), ", ")
	if r.Framework.Title == "" || fs == "" {
		return r.Framework.Title + fs
	}
	return r.Framework.Title + " — " + fs
}

// facts are the framework's id, status and beneficiary and the date.
func facts(r *assess.Report) []string {
	f := r.Framework
	var parts []string
	for _, s := range []string{f.ID, f.Status} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if f.Beneficiary != "" {
		parts = append(parts, "beneficiary "+f.Beneficiary)
	}
	if r.At != "" {
		parts = append(parts, "assessed at "+r.At)
	}
	return parts
}

func requirementsGrid(r *assess.Report) grid {
	g := grid{caption: "Requirements", cols: []column{
		keyCol("id"), numCol("layer"), col("domain"), numCol("required"), numCol("pledged\nnow"),
		numCol("share"), numCol("approved"), numCol("delivered"), numCol("eventual"), col("met on"),
	}}
	for _, q := range r.Requirements {
		metOn := plain
		switch {
		case q.Met:
			metOn = good
		case q.MetOn == "":
			metOn = bad
		}
		g.rows = append(g.rows, []cell{
			txt(q.ID), txt(fmt.Sprint(q.Layer)), txt(q.Domain),
			txt(numfmt.Quantity(q.Required, q.Unit)), txt(numfmt.Quantity(q.Pledged, q.Unit)),
			toned(fmtPct(q.Share), metTone(q.Met)),
			txt(numfmt.Quantity(q.Approved, q.Unit)), txt(numfmt.Quantity(q.Delivered, q.Unit)),
			txt(numfmt.Quantity(q.Eventual, q.Unit)), toned(fmtMetOn(q.MetOn), metOn),
		})
	}
	return dropBlankColumns(g)
}

func domainsGrid(r *assess.Report) grid {
	g := grid{caption: "Domains", cols: []column{keyCol("domain"), numCol("requirements"), numCol("met"), numCol("coverage")}}
	for _, d := range r.Domains {
		g.rows = append(g.rows, []cell{txt(d.Domain), txt(fmt.Sprint(d.Requirements)),
			toned(fmt.Sprint(d.Met), metTone(d.Met == d.Requirements)), shareCell(d.Coverage)})
	}
	return g
}

func layersGrid(r *assess.Report) grid {
	g := grid{caption: "Layers", cols: []column{keyCol("layer"), numCol("requirements"), numCol("met"), numCol("coverage")}}
	for _, l := range r.Layers {
		g.rows = append(g.rows, []cell{txt(fmt.Sprint(l.Layer)), txt(fmt.Sprint(l.Requirements)),
			toned(fmt.Sprint(l.Met), metTone(l.Met == l.Requirements)), shareCell(l.Coverage)})
	}
	return g
}

// timelineDomains are the domains of the timeline, in the matrix's
// (language) order, then those of the domain list, then any other
// alphabetically.
func timelineDomains(r *assess.Report) []string {
	in := map[string]bool{}
	for _, p := range r.Timeline {
		for d := range p.Coverage {
			in[d] = true
		}
	}
	var out []string
	add := func(d string) {
		if in[d] {
			out = append(out, d)
			delete(in, d)
		}
	}
	for _, d := range r.Matrix.Domains {
		add(d)
	}
	for _, d := range r.Domains {
		add(d.Domain)
	}
	rest := make([]string, 0, len(in))
	for d := range in {
		rest = append(rest, d)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// coverageCell is one domain's coverage on one date.
func coverageCell(p assess.TimelinePoint, d string) cell {
	v, ok := p.Coverage[d]
	if !ok {
		return txt(empty)
	}
	if v >= 1 {
		return toned(fmtPct(v), good)
	}
	return txt(fmtPct(v))
}

// timelineGrid has a row per date and a column per domain.
func timelineGrid(r *assess.Report, domains []string) grid {
	g := grid{caption: "Coverage over time", cols: []column{keyCol("date"), numCol("met")}}
	for _, d := range domains {
		g.cols = append(g.cols, numCol(d))
	}
	for _, p := range r.Timeline {
		row := []cell{txt(p.Date), txt(countOf(p.Met, len(r.Requirements)))}
		for _, d := range domains {
			row = append(row, coverageCell(p, d))
		}
		g.rows = append(g.rows, row)
	}
	return g
}

// chartGrid is the chart as a table: a row per domain (a line of the
// chart), a column per date.
func chartGrid(r *assess.Report, domains []string) grid {
	g := grid{caption: "Coverage over time (chart)", cols: []column{keyCol("domain")}}
	for _, p := range r.Timeline {
		g.cols = append(g.cols, numCol(p.Date))
	}
	for _, d := range domains {
		row := []cell{txt(d)}
		for _, p := range r.Timeline {
			row = append(row, coverageCell(p, d))
		}
		g.rows = append(g.rows, row)
	}
	return g
}

// steady splits domains into those whose coverage changes over the
// timeline and those that hold one value throughout.
func steady(r *assess.Report, domains []string) (changing, constant []string) {
	for _, d := range domains {
		first, firstOK := r.Timeline[0].Coverage[d]
		same := true
		for _, p := range r.Timeline[1:] {
			v, ok := p.Coverage[d]
			if ok != firstOK || v != first {
				same = false
				break
			}
		}
		if same {
			constant = append(constant, d)
		} else {
			changing = append(changing, d)
		}
	}
	return changing, constant
}

// matrixDomains are the matrix's domains, then any domain that only a cell
// names, alphabetically.
func matrixDomains(m assess.Matrix) []string {
	out := slices.Clone(m.Domains)
	var extra []string
	for _, row := range m.Rows {
		for d := range row.Cells {
			if !slices.Contains(out, d) && !slices.Contains(extra, d) {
				extra = append(extra, d)
			}
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

func matrixGrid(r *assess.Report) grid {
	domains := matrixDomains(r.Matrix)
	g := grid{caption: "Who gives what", join: " + ", cols: []column{keyCol("party")}}
	for _, d := range domains {
		g.cols = append(g.cols, numCol(d))
	}
	for _, row := range r.Matrix.Rows {
		cells := []cell{txt(row.Party)}
		for _, d := range domains {
			c, ok := row.Cells[d]
			if !ok || len(c.Items) == 0 {
				cells = append(cells, txt(empty))
				continue
			}
			cells = append(cells, cell{lines: cellQuantities(c.Items), sub: fmtPct(c.Share), shade: c.Share, shaded: true})
		}
		g.rows = append(g.rows, cells)
	}
	return g
}

// cellQuantities are a matrix cell's items summed per unit, in the order
// the units first appear: a party giving to two funding requirements gives
// "15.0 EUR-bn/yr", not "12.0 EUR-bn/yr + 3.0 EUR-bn/yr"; different units
// cannot be added and stay apart ("1 hub" and "0.5 EUR-bn"). The JSON keeps
// one item per requirement.
func cellQuantities(items []assess.CellItem) []string {
	var units []string
	sums := map[string]float64{}
	for _, it := range items {
		if _, ok := sums[it.Unit]; !ok {
			units = append(units, it.Unit)
		}
		sums[it.Unit] += it.Quantity
	}
	ls := make([]string, len(units))
	for i, u := range units {
		ls[i] = numfmt.Quantity(sums[u], u)
	}
	return ls
}

// isBlank reports whether a cell says nothing: no line but the empty
// mark, "n/a" or nothing, and no secondary figure.
func isBlank(c cell) bool {
	if c.sub != "" {
		return false
	}
	for _, l := range c.lines {
		if l != empty && l != "n/a" && l != "" {
			return false
		}
	}
	return true
}

// dropBlankColumns removes the columns, other than key columns, in which
// every row is blank ("delivered per year" when nothing is delivered yet,
// "GDP share" when no party has a GDP): a column with nothing in it costs
// width and tells the reader nothing the notes do not. A grid without rows
// keeps its columns, so that its header still says what would be there.
func dropBlankColumns(g grid) grid {
	if len(g.rows) == 0 {
		return g
	}
	var keep []int
	for j, c := range g.cols {
		if c.key || slices.ContainsFunc(g.rows, func(row []cell) bool { return j < len(row) && !isBlank(row[j]) }) {
			keep = append(keep, j)
		}
	}
	if len(keep) == len(g.cols) {
		return g
	}
	cols := make([]column, len(keep))
	rows := make([][]cell, len(g.rows))
	for i, j := range keep {
		cols[i] = g.cols[j]
	}
	for r, row := range g.rows {
		for _, j := range keep {
			if j < len(row) {
				rows[r] = append(rows[r], row[j])
			}
		}
	}
	g.cols, g.rows = cols, rows
	return g
}

// burdenGrid is burden sharing; names adds the parties' names and roles.
func burdenGrid(r *assess.Report, names bool) grid {
	g := grid{caption: "Burden sharing", cols: []column{keyCol("party")}}
	if names {
		g.cols = append(g.cols, col("name"), col("role"))
	}
	g.cols = append(g.cols, numCol("pledged\none-off"), numCol("pledged\nper year"),
		numCol("delivered\none-off"), numCol("delivered\nper year"),
		numCol("points"), numCol("share"), numCol("GDP\nshare"), numCol("burden\nratio"))
	for _, p := range r.Parties {
		row := []cell{txt(p.Party)}
		if names {
			row = append(row, txt(p.Name), txt(p.Role))
		}
		share, gdpShare, ratio := fmtPct(p.Share), "n/a", "n/a"
		if p.GDPUSDbn != 0 {
			gdpShare, ratio = fmtPct(p.GDPShare), fmtRatio(p.BurdenRatio)
		}
		if p.Role == "beneficiary" {
			share, gdpShare, ratio = empty, empty, empty // burden sharing is among the guarantors
		}
		row = append(row,
			txt(fmtMoney(p.MoneyEURbn, "EUR-bn")), txt(fmtMoney(p.MoneyEURbnPerYear, "EUR-bn/yr")),
			txt(fmtMoney(p.DeliveredEURbn, "EUR-bn")), txt(fmtMoney(p.DeliveredEURbnPerYear, "EUR-bn/yr")),
			txt(fmtRatio(p.Points)), txt(share), txt(gdpShare), txt(ratio))
		g.rows = append(g.rows, row)
	}
	return dropBlankColumns(g)
}

// politicsGrids are the six lists of the politics section, in order.
func politicsGrids(r *assess.Report) []grid {
	p := r.Politics
	hits := func(caption, verb, kind string, t tone, hs []assess.RestrictionHit) grid {
		g := grid{caption: caption, cols: []column{keyCol("party"), col("pledge"), col(kind + " of"), col(kind), col("note")}}
		for _, h := range hs {
			g.rows = append(g.rows, []cell{toned(h.Party, t), txt(h.Pledge), txt(h.Owner), txt(h.Restriction), txt(orEmpty(h.Note))})
			owner := h.Owner + "'s"
			if kind == "caveat" {
				owner += " caveat"
				if h.Owner == h.Party {
					owner = "its own caveat"
				}
			}
			g.sentences = append(g.sentences, fmt.Sprintf("%s %s %s %s %s", h.Party, h.Pledge, verb, owner, h.Restriction))
			g.notes = append(g.notes, h.Note)
		}
		return g
	}
	refs := func(caption string, t tone, rs []assess.PledgeRef) grid {
		g := grid{caption: caption, cols: []column{keyCol("party"), col("pledge"), col("domain"), numCol("quantity"), col("requires")}}
		for _, p := range rs {
			q := numfmt.Quantity(p.Quantity, p.Unit)
			g.rows = append(g.rows, []cell{toned(p.Party, t), txt(p.Pledge), txt(p.Domain), txt(q), txt(orEmpty(p.Requires))})
			s := fmt.Sprintf("%s %s: %s (%s)", p.Party, p.Pledge, q, p.Domain)
			if p.Requires != "" {
				s += ", requires " + p.Requires
			}
			g.sentences = append(g.sentences, s)
			g.notes = append(g.notes, "")
		}
		return g
	}

	sup := grid{caption: "Superseded declarations", cols: []column{keyCol("party"), col("declaration of"), col("superseded by")}}
	for _, s := range p.Superseded {
		sup.rows = append(sup.rows, []cell{txt(s.Party), txt(s.Date), txt(s.By)})
		sup.sentences = append(sup.sentences, fmt.Sprintf("%s's declaration of %s, superseded by that of %s", s.Party, s.Date, s.By))
		sup.notes = append(sup.notes, "")
	}
	none := grid{caption: "Guarantors with no pledge", cols: []column{keyCol("party")}, inline: true}
	for _, party := range p.NoPledge {
		none.rows = append(none.rows, []cell{toned(party, warn)})
		none.sentences = append(none.sentences, party)
		none.notes = append(none.notes, "")
	}
	return []grid{
		hits("Caveat violations", "breaks", "caveat", bad, p.CaveatViolations),
		hits("Red lines crossed", "crosses", "red line", warn, p.RedLineCrossings),
		sup,
		none,
		refs("Awaiting approval", warn, p.AwaitingApproval),
		refs("Rejected", bad, p.Rejected),
	}
}

// conditionText is a failing gate term with the values of its functions.
func conditionText(c assess.Condition) string {
	keys := make([]string, 0, len(c.Values))
	for k := range c.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = k + " = " + c.Values[k]
	}
	if len(vals) == 0 {
		return c.Expression
	}
	return c.Expression + " where " + strings.Join(vals, ", ")
}

func sequenceGrid(r *assess.Report) grid {
	g := grid{caption: "Sequence", cols: []column{keyCol("step"), col("state"), col("blocked by"),
		{head: "failing conditions (values)", wrap: true}}}
	for _, s := range r.Sequence {
		st := bad
		if s.State == "open" {
			st = good
		}
		failing := cell{lines: []string{empty}, tone: st}
		if len(s.Failing) > 0 {
			failing.lines = nil
			for _, c := range s.Failing {
				failing.lines = append(failing.lines, conditionText(c))
				failing.code = append(failing.code, c.Expression)
			}
		}
		g.rows = append(g.rows, []cell{txt(s.ID), toned(s.State, st), txt(strings.Join(listOrEmpty(s.BlockedBy), ", ")), failing})
	}
	return dropBlankColumns(g)
}

// timeline writes coverage over time; when the table is too wide it keeps
// the domains whose coverage changes and says which were left out.
func (t *term) timeline(r *assess.Report) {
	domains := timelineDomains(r)
	g := timelineGrid(r, domains)
	if len(r.Timeline) > 0 {
		l := layout(g)
		if l.total(allCols(len(g.cols))) > t.width {
			changing, constant := steady(r, domains)
			if len(changing) > 0 && len(constant) > 0 {
				g = timelineGrid(r, changing)
				held := make([]string, len(constant))
				for i, d := range constant {
					held[i] = d + nbsp + strings.ReplaceAll(coverageCell(r.Timeline[0], d).lines[0], " ", nbsp)
				}
				g.foot = fmt.Sprintf("Too wide for %d columns: showing the %s; steady throughout: %s.",
					t.width, plural(len(changing), "domain whose coverage changes", "domains whose coverage changes"), strings.Join(held, ", "))
			}
		}
	}
	t.grid(g)
}

// politics writes one politics list: "caption: none", or the caption and
// a sentence per item.
func (t *term) politics(g grid) {
	caption := strings.ToLower(g.caption[:1]) + g.caption[1:]
	if len(g.sentences) == 0 {
		t.line(caption + ": none")
		return
	}
	tn := g.rows[0][0].tone
	if g.inline {
		t.line(fmt.Sprintf("%s (%d): %s", caption, len(g.sentences), t.paint(strings.Join(g.sentences, ", "), tn, false)))
		return
	}
	t.line(fmt.Sprintf("%s (%d):", caption, len(g.sentences)))
	for i, s := range g.sentences {
		t.wrapped(s, "  ", "    ", g.rows[i][0].tone, false)
		// A note said once is not repeated for the next items.
		if g.notes[i] != "" && !slices.Contains(g.notes[:i], g.notes[i]) {
			t.wrapped(g.notes[i], "    ", "    ", plain, false)
		}
	}
}
