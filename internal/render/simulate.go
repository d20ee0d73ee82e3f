package render

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/backstop-dev/backstop/internal/numfmt"
	"github.com/backstop-dev/backstop/internal/sim"
)

// SimulateJSON writes the result as indented JSON; its lists are [] when
// empty, never null.
func SimulateJSON(w io.Writer, r *sim.Result) error {
	if r == nil {
		return encodeJSON(w, r, "  ", true)
	}
	c := *r
	c.Within = orNone(c.Within)
	c.Histogram = orNone(c.Histogram)
	c.InPlace = orNone(c.InPlace)
	c.Sensitivity = orNone(c.Sensitivity)
	c.Needed = orNone(c.Needed)
	c.Parameters = orNone(c.Parameters)
	c.Axes = orNone(c.Axes)
	return encodeJSON(w, &c, "  ", true)
}

// orNone is s, or an empty list when it is nil (JSON [] rather than null).
func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func hoursText(h float64) string {
	if h < 0 {
		return empty
	}
	return numfmt.Number(h, 0) + " h"
}

func simFacts(r *sim.Result) string {
	return fmt.Sprintf("scenario %s · framework %s · attack on %s · objective %s km · %s, seed %d",
		r.Scenario, r.Framework, r.Start, numfmt.Number(r.ObjectiveKm, 0), Plural(r.Runs, "run"), r.Seed)
}

func simTone(r *sim.Result) tone {
	switch {
	case r.HoldP72 >= 0.9:
		return good
	case r.HoldP72 >= 0.5:
		return warn
	}
	return bad
}

func withinGrid(r *sim.Result) grid {
	g := grid{caption: "Objective reached within", cols: []column{keyCol("within"), numCol("P(reached)")}}
	for _, w := range r.Within {
		g.rows = append(g.rows, []cell{txt(w.Label), txt(numfmt.Percent(w.P))})
	}
	g.rows = append(g.rows,
		[]cell{txt("median time to objective"), txt(hoursText(r.Hours.Median))},
		[]cell{txt("5th–95th percentile"), txt(hoursText(r.Hours.P5) + " – " + hoursText(r.Hours.P95))},
		[]cell{txt("P(holds 72 h)"), toned(numfmt.Percent(r.HoldP72), simTone(r))},
		[]cell{txt("P(no guarantor decision by 72 h)"), txt(numfmt.Percent(r.DecideLate))},
		[]cell{txt("attacker losses (mean)"), txt(numfmt.Percent(r.Losses.Attacker))},
		[]cell{txt("defender losses (mean)"), txt(numfmt.Percent(r.Losses.Defender))},
	)
	if q := r.GroundKm2PerDay; q != nil {
		g.rows = append(g.rows, []cell{txt("ground taken a day (median, 5–95 %)"),
			txt(kmText(q.Median) + "² (" + numfmt.Number(q.P5, kmDecimals(q.P5)) + "–" + kmText(q.P95) + "²)")})
	}
	return g
}

// kmDecimals is one decimal below 10, none from 10 on.
func kmDecimals(v float64) int {
	if math.Abs(v) < 10 {
		return 1
	}
	return 0
}

// kmText is a distance in km ("12 km", "3.5 km").
func kmText(v float64) string { return numfmt.Number(v, kmDecimals(v)) + " km" }

// paramValue is a parameter's value with three significant digits.
func paramValue(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }

// paramRange is a parameter's range, "low–high" (one value when fixed).
func paramRange(p sim.ParameterSensitivity) string {
	lo, hi := paramValue(p.Low), paramValue(p.High)
	if lo == hi {
		return lo
	}
	return lo + "–" + hi
}

// swing is a parameter's swing of the sensitivity measure, low to high, in points.
func swing(p sim.ParameterSensitivity) string {
	return fmt.Sprintf("%+.1f pts", 100*(p.HoldHigh-p.HoldLow))
}

const (
	parametersTitle = "Model parameters (calibrated, drawn per run)"
	parametersNote  = "P(hold): P(the objective %s) with the parameter pinned at the low or the high end of its range, the others still drawn; swing: high minus low."
)

func parametersGrid(r *sim.Result) grid {
	g := grid{caption: parametersTitle, cols: []column{keyCol("parameter"), numCol("range"),
		numCol("P(hold)\nat low"), numCol("P(hold)\nat high"), numCol("swing"), {head: "source", wrap: true}},
		foot: fmt.Sprintf(parametersNote, r.Measure.Label)}
	for _, p := range r.Parameters {
		lo, hi, sw := txt(numfmt.Percent(p.HoldLow)), txt(numfmt.Percent(p.HoldHigh)), txt(swing(p))
		if p.Fixed {
			lo, hi, sw = txt(empty), txt(empty), txt("fixed")
		} else if math.Abs(p.HoldHigh-p.HoldLow) >= 0.1 {
			sw.tone = warn
		}
		g.rows = append(g.rows, []cell{txt(p.Name), txt(paramRange(p)), lo, hi, sw, txt(orEmpty(p.Source))})
	}
	return g
}

// showAxes is whether the axes get a section of their own: when there is
// more than one, or a defence posture is given.
func showAxes(r *sim.Result) bool {
	if len(r.Axes) > 1 {
		return true
	}
	for _, a := range r.Axes {
		if a.Posture != "" {
			return true
		}
	}
	return false
}

func axesGrid(r *sim.Result) grid {
	g := grid{caption: "Axes", cols: []column{keyCol("axis"), numCol("share"), numCol("objective"), col("posture"), numCol("median depth")}}
	for _, a := range r.Axes {
		g.rows = append(g.rows, []cell{txt(a.ID), txt(numfmt.Percent(a.Share)), txt(kmText(a.ObjectiveKm)), txt(orEmpty(a.Posture)), txt(kmText(a.DepthKm))})
	}
	return g
}

func inPlaceGrid(r *sim.Result) grid {
	g := grid{caption: "Guarantor forces in place before the objective falls", cols: []column{keyCol("party"), col("domain"), numCol("pledges"), numCol("P(in place)")}}
	for _, ip := range r.InPlace {
		g.rows = append(g.rows, []cell{txt(ip.Party), txt(ip.Domain), txt(numfmt.Number(float64(ip.Forces), 0)), txt(numfmt.Percent(ip.P))})
	}
	return g
}

func sensitivityGrid(r *sim.Result) grid {
	g := grid{caption: fmt.Sprintf("What each pledge adds to P(%s) (%s each)", r.Measure.Label, Plural(r.SensitivityRuns, "run")),
		cols: []column{keyCol("party"), col("pledge"), col("domain"), numCol("Δ P(hold)")}}
	for _, s := range r.Sensitivity {
		tn := plain
		if s.Delta >= 0.01 {
			tn = good
		}
		g.rows = append(g.rows, []cell{txt(s.Party), txt(s.Pledge), txt(s.Domain), toned(fmt.Sprintf("%+.1f pts", 100*s.Delta), tn)})
	}
	return g
}

func neededGrid(r *sim.Result) grid {
	g := grid{caption: "Smallest extra force for P(holds 72 h) ≥ 90 %", cols: []column{keyCol("extra"), numCol("amount"), numCol("P(hold 72 h)")}}
	for _, n := range r.Needed {
		amount := numfmt.Number(n.Amount, 0)
		if n.Amount < 0 {
			amount = "more than " + numfmt.Number(n.Max, 0)
		}
		g.rows = append(g.rows, []cell{txt(n.Kind), txt(amount), txt(numfmt.Percent(n.HoldP))})
	}
	return g
}

// SimulateTable writes the result for a terminal.
func SimulateTable(w io.Writer, r *sim.Result, o TableOptions) error {
	t := &term{out: &errWriter{w: w}, color: o.Color, width: max(cmpOr(o.Width, DefaultWidth), minWidth)}
	t.wrapped(r.Verdict, "", "  ", simTone(r), true)
	t.wrapped(simFacts(r), "", "  ", plain, false)
	t.section("Outcome")
	t.grid(withinGrid(r))
	if len(r.Histogram) > 0 {
		t.section("Hours to objective")
		peak := 1
		for _, b := range r.Histogram {
			peak = max(peak, b.Runs)
		}
		for _, b := range r.Histogram {
			bar := strings.Repeat("█", int(math.Round(float64(b.Runs)/float64(peak)*50)))
			t.line(fmt.Sprintf("%6s–%-6s %s %s", numfmt.Number(b.FromH, 0), numfmt.Number(b.ToH, 0)+" h", bar, numfmt.Number(float64(b.Runs), 0)))
		}
	}
	if len(r.InPlace) > 0 {
		t.section("Guarantor forces in place in time")
		t.grid(inPlaceGrid(r))
	}
	if len(r.Politics) > 0 {
		t.section("Politics")
		t.grid(politicsGrid(r))
	}
	if len(r.Sensitivity) > 0 {
		t.section("Sensitivity")
		t.grid(sensitivityGrid(r))
	}
	if len(r.Parameters) > 0 {
		t.section(parametersTitle)
		t.grid(parametersGrid(r))
	}
	if showAxes(r) {
		t.section("Axes")
		t.grid(axesGrid(r))
	}
	if len(r.Needed) > 0 {
		t.section("What would hold")
		t.grid(neededGrid(r))
	}
	return t.out.err
}

// SimulateHTML writes one self-contained page with the histogram and the
// tornado chart.
func SimulateHTML(w io.Writer, r *sim.Result) error {
	sections := []htmlSection{
		{ID: "outcome", Title: "Outcome", Chart: template.HTML(HistogramChart(r)), Tables: []htmlTable{htmlTab(withinGrid(r))}},
		{ID: "inplace", Title: "Guarantor forces in place in time", Tables: []htmlTable{htmlTab(inPlaceGrid(r))}},
	}
	if len(r.Sensitivity) > 0 {
		sections = append(sections, htmlSection{ID: "sensitivity", Title: "Sensitivity", Chart: template.HTML(TornadoChart(r)),
			Tables: []htmlTable{htmlTab(sensitivityGrid(r)), htmlTab(neededGrid(r))}})
	}
	if len(r.Parameters) > 0 {
		sections = append(sections, htmlSection{ID: "parameters", Title: parametersTitle, Chart: template.HTML(ParameterChart(r)),
			Intro: fmt.Sprintf(parametersNote, r.Measure.Label), Tables: []htmlTable{htmlTab(parametersGrid(r))}})
	}
	if showAxes(r) {
		sections = append(sections, htmlSection{ID: "axes", Title: "Axes", Tables: []htmlTable{htmlTab(axesGrid(r))}})
	}
	for _, s := range sections {
		for i := range s.Tables {
			s.Tables[i].HideCaption = s.Tables[i].Caption == s.Title
		}
	}
	return pageTemplate.Execute(w, htmlPage{Kind: "a simulation", Title: "Stress test " + r.Scenario, DocTitle: "Stress test " + r.Scenario,
		Verdict: r.Verdict, VerdictClass: simTone(r).class(), Meta: simFacts(r), CSS: template.CSS(pageCSS),
		Version: r.FormatVersion, Sections: sections})
}

// HistogramChart draws the hours to objective (SVG).
func HistogramChart(r *sim.Result) string {
	const width, height, left, top, bottom = 760.0, 300.0, 56.0, 40.0, 48.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-labelledby="hist-title">`, f1(width), f1(height))
	fmt.Fprintf(&b, `<title id="hist-title">Hours to objective over %s</title>`, Plural(r.Runs, "run"))
	fmt.Fprintf(&b, `<text x="%s" y="22" font-size="15" font-weight="bold">Hours to objective (%s of %s reach it)</text>`,
		f1(left), template.HTMLEscapeString(numfmt.Percent(r.Reached)), Plural(r.Runs, "run"))
	if len(r.Histogram) == 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="13">the objective holds in every run</text></svg>`, f1(left), f1(height/2))
		return b.String()
	}
	peak := 1
	for _, h := range r.Histogram {
		peak = max(peak, h.Runs)
	}
	step, axisMax := yScale(float64(peak))
	plotW, plotH := width-left-20, height-top-bottom
	yOf := func(v float64) float64 { return top + plotH - v/axisMax*plotH }
	for v := 0.0; v <= axisMax+1e-9; v += step {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/><text x="%s" y="%s" font-size="11" text-anchor="end">%s</text>`,
			f1(left), f1(yOf(v)), f1(left+plotW), f1(yOf(v)), f1(left-6), f1(yOf(v)+4), numfmt.Number(v, 0))
	}
	bw := plotW / float64(len(r.Histogram))
	for i, h := range r.Histogram {
		x := left + float64(i)*bw
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s–%s h: %s</title></rect>`,
			f1(x+1), f1(yOf(float64(h.Runs))), f1(math.Max(bw-2, 1)), f1(yOf(0)-yOf(float64(h.Runs))), palette[0],
			numfmt.Number(h.FromH, 0), numfmt.Number(h.ToH, 0), Plural(h.Runs, "run"))
		if len(r.Histogram) <= 20 || i%((len(r.Histogram)+19)/20) == 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="10" text-anchor="middle">%s</text>`, f1(x), f1(top+plotH+14), numfmt.Number(h.FromH, 0))
		}
	}
	for _, m := range []float64{24, 72} {
		if last := r.Histogram[len(r.Histogram)-1].ToH; m <= last {
			x := left + m/last*plotW
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333" stroke-dasharray="4 3"/><text x="%s" y="%s" font-size="11">%s h</text>`,
				f1(x), f1(top), f1(x), f1(top+plotH), f1(x+3), f1(top+12), numfmt.Number(m, 0))
		}
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" text-anchor="middle">hours after the attack begins</text>`, f1(left+plotW/2), f1(height-8))
	fmt.Fprintf(&b, `<text x="14" y="%s" font-size="11" transform="rotate(-90 14 %s)" text-anchor="middle">runs</text>`, f1(top+plotH/2), f1(top+plotH/2))
	b.WriteString(`</svg>`)
	return b.String()
}

// TornadoChart draws what each pledge adds to P(hold 72 h), largest first.
func TornadoChart(r *sim.Result) string {
	c := tornado{id: "tornado", title: "Change of P(" + r.Measure.Label + ") without each pledge",
		heading: "What each pledge adds to P(" + r.Measure.Label + ")", axis: "points of P(" + r.Measure.Label + ") lost without the pledge", right: 60}
	for _, s := range r.Sensitivity {
		label := truncate(s.Party+" "+s.Pledge, 32)
		fill := palette[3]
		if s.Delta < 0 {
			fill = palette[0]
		}
		c.rows = append(c.rows, tornadoRow{label: label, note: fmt.Sprintf("%+.1f", 100*s.Delta),
			bars: []tornadoBar{{delta: s.Delta, fill: fill, tip: fmt.Sprintf("%s: %+.1f points", label, 100*s.Delta)}}})
	}
	return c.svg()
}

// ParameterChart draws P(hold 72 h) with each calibrated parameter pinned
// at the low and at the high end of its range, around the base chance,
// largest swing first.
func ParameterChart(r *sim.Result) string {
	c := tornado{id: "param-tornado", title: "P(" + r.Measure.Label + ") with each model parameter at either end of its range",
		heading: "What each model parameter does to P(" + r.Measure.Label + ")",
		axis:    "P(" + r.Measure.Label + ") with the parameter at the low or high end; centre line: all drawn, " + numfmt.Percent(r.MeasureP),
		right:   110, keys: []tornadoKey{{palette[4], "low end of the range"}, {palette[1], "high end of the range"}}}
	for _, p := range r.Parameters {
		row := tornadoRow{label: truncate(p.Name, 34), note: numfmt.Percent(p.HoldLow) + " → " + numfmt.Percent(p.HoldHigh)}
		if p.Fixed {
			row.note = "fixed"
		} else {
			row.bars = []tornadoBar{
				{delta: p.HoldLow - r.MeasureP, fill: palette[4], tip: fmt.Sprintf("%s at %s: %s", p.Name, paramValue(p.Low), numfmt.Percent(p.HoldLow))},
				{delta: p.HoldHigh - r.MeasureP, fill: palette[1], tip: fmt.Sprintf("%s at %s: %s", p.Name, paramValue(p.High), numfmt.Percent(p.HoldHigh))},
			}
		}
		c.rows = append(c.rows, row)
	}
	return c.svg()
}

// tornado is a chart of horizontal bars from a centre line, one row each,
// the first 20 rows drawn.
type tornado struct {
	id, title, heading string
	axis               string  // the caption under the bars
	right              float64 // the room right of the plot, for the notes
	rows               []tornadoRow
	keys               []tornadoKey // a legend, when the bars' colours need one
}

type tornadoRow struct {
	label string
	bars  []tornadoBar
	note  string // written right of the row's rightmost end
}

// tornadoBar runs from the centre line to delta (in the chart's unit).
type tornadoBar struct {
	delta     float64
	fill, tip string
}

type tornadoKey struct{ fill, text string }

// svg draws the chart; it escapes every text.
func (c tornado) svg() string {
	rows := c.rows
	if len(rows) > 20 {
		rows = rows[:20]
	}
	const width, left, rowH, top = 760.0, 230.0, 20.0, 40.0
	bottom := top + rowH*float64(len(rows))
	height := bottom + 30
	if len(c.keys) > 0 {
		height += 20
	}
	scale := 0.0
	for _, row := range rows {
		for _, b := range row.bars {
			scale = math.Max(scale, math.Abs(b.delta))
		}
	}
	if scale == 0 {
		scale = 0.01
	}
	half := (width - left - c.right) / 2
	mid := left + half
	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title">`, f1(width), f1(height), c.id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, c.id, esc(c.title))
	fmt.Fprintf(&b, `<text x="10" y="22" font-size="15" font-weight="bold">%s</text>`, esc(c.heading))
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333"/>`, f1(mid), f1(top-6), f1(mid), f1(bottom))
	for i, row := range rows {
		y := top + float64(i)*rowH
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="12" text-anchor="end">%s</text>`, f1(left-8), f1(y+14), esc(row.label))
		// The longest bar first, so that a shorter one on the same side
		// stays visible over it.
		bars := slices.Clone(row.bars)
		slices.SortStableFunc(bars, func(p, q tornadoBar) int { return cmp.Compare(math.Abs(q.delta), math.Abs(p.delta)) })
		end := 0.0
		for _, bar := range bars {
			w := math.Abs(bar.delta) / scale * half
			x := mid
			if bar.delta < 0 {
				x = mid - w
			} else {
				end = math.Max(end, w)
			}
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
				f1(x), f1(y+3), f1(math.Max(w, 0.5)), f1(rowH-6), bar.fill, esc(bar.tip))
		}
		if row.note != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11">%s</text>`, f1(mid+end+4), f1(y+14), esc(row.note))
		}
	}
	x := left
	for _, k := range c.keys {
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="12" height="12" fill="%s"/><text x="%s" y="%s" font-size="12">%s</text>`,
			f1(x), f1(bottom+8), k.fill, f1(x+16), f1(bottom+18), esc(k.text))
		x += 16 + 7*float64(len([]rune(k.text))) + 20
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="12" text-anchor="middle">%s</text>`, f1(mid), f1(height-8), esc(c.axis))
	b.WriteString(`</svg>`)
	return b.String()
}

// politicsGrid says, per guarantor, the chance of deciding and the delay
// the runs used, and where they came from: the scenario or the party's
// record (simulate --record).
func politicsGrid(r *sim.Result) grid {
	g := grid{caption: "Each guarantor's politics in the runs", cols: []column{keyCol("party"), numCol("decides"),
		numCol("delay × deadline"), numCol("spread"), col("from")}}
	for _, p := range r.Politics {
		g.rows = append(g.rows, []cell{txt(p.Party), txt(numfmt.Percent(p.Decide)), txt(numfmt.Number(p.Delay, 2)),
			txt(numfmt.Number(p.Spread, 2)), txt(p.Source)})
	}
	return g
}
