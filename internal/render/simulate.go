package render

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/backstop-dev/backstop/internal/numfmt"
	"github.com/backstop-dev/backstop/internal/sim"
)

// SimulateJSON writes the result as indented JSON.
func SimulateJSON(w io.Writer, r *sim.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func hoursText(h float64) string {
	if h < 0 {
		return empty
	}
	return numfmt.Number(h, 0) + " h"
}

func simFacts(r *sim.Result) string {
	return fmt.Sprintf("scenario %s · framework %s · attack on %s · objective %s km · %s runs, seed %d",
		r.Scenario, r.Framework, r.Start, numfmt.Number(r.ObjectiveKm, 0), numfmt.Number(float64(r.Runs), 0), r.Seed)
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
	g := grid{caption: fmt.Sprintf("What each pledge adds to P(holds 72 h) (%s runs each)", numfmt.Number(float64(r.SensitivityRuns), 0)),
		cols: []column{keyCol("party"), col("pledge"), col("domain"), numCol("Δ P(hold 72 h)")}}
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
	if len(r.Sensitivity) > 0 {
		t.section("Sensitivity")
		t.grid(sensitivityGrid(r))
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
	fmt.Fprintf(&b, `<title id="hist-title">Hours to objective over %s runs</title>`, numfmt.Number(float64(r.Runs), 0))
	fmt.Fprintf(&b, `<text x="%s" y="22" font-size="15" font-weight="bold">Hours to objective (%s of %s runs reach it)</text>`,
		f1(left), template.HTMLEscapeString(numfmt.Percent(r.Reached)), numfmt.Number(float64(r.Runs), 0))
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
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s–%s h: %d runs</title></rect>`,
			f1(x+1), f1(yOf(float64(h.Runs))), f1(math.Max(bw-2, 1)), f1(yOf(0)-yOf(float64(h.Runs))), palette[0],
			numfmt.Number(h.FromH, 0), numfmt.Number(h.ToH, 0), h.Runs)
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
	rows := r.Sensitivity
	if len(rows) > 20 {
		rows = rows[:20]
	}
	const width, left, right, rowH, top = 760.0, 230.0, 60.0, 18.0, 40.0
	height := top + rowH*float64(len(rows)) + 30
	scale := 0.0
	for _, s := range rows {
		scale = math.Max(scale, math.Abs(s.Delta))
	}
	if scale == 0 {
		scale = 0.01
	}
	mid := left + (width-left-right)/2
	half := (width - left - right) / 2
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-labelledby="tornado-title">`, f1(width), f1(height))
	fmt.Fprintf(&b, `<title id="tornado-title">Change of P(hold 72 h) without each pledge</title>`)
	fmt.Fprintf(&b, `<text x="10" y="22" font-size="15" font-weight="bold">What each pledge adds to P(holds 72 h)</text>`)
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333"/>`, f1(mid), f1(top-6), f1(mid), f1(top+rowH*float64(len(rows))))
	for i, s := range rows {
		y := top + float64(i)*rowH
		w := math.Abs(s.Delta) / scale * half
		x := mid
		fill := palette[3]
		if s.Delta < 0 {
			x, fill = mid-w, palette[0]
		}
		label := template.HTMLEscapeString(truncate(s.Party+" "+s.Pledge, 32))
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" text-anchor="end">%s</text>`, f1(left-8), f1(y+12), label)
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %+.1f points</title></rect>`,
			f1(x), f1(y+3), f1(math.Max(w, 0.5)), f1(rowH-6), fill, label, 100*s.Delta)
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="10">%+.1f</text>`, f1(mid+math.Max(w, 0)+4), f1(y+12), 100*s.Delta)
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" text-anchor="middle">points of P(hold 72 h) lost without the pledge</text>`, f1(mid), f1(height-8))
	b.WriteString(`</svg>`)
	return b.String()
}
