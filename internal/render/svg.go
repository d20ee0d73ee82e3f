package render

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

// The chart's geometry, in SVG user units (pixels).
const (
	chartWidth     = 760
	chartMinHeight = 360
	plotLeft       = 64
	plotTop        = 64
	legendWidth    = 168
	plotRight      = chartWidth - legendWidth - 8
	plotBelow      = 84 // under the plot: the date labels and the axis title
	legendRow      = 18
	labelGap       = 14 // the least room between two date labels
)

// palette is Paul Tol's "muted" scheme, whose colours stay apart for
// colour-blind readers; past its end, lines are dashed and then dotted.
var (
	palette = []string{"#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"}
	dashes  = []string{"", "7 3", "2 2"}
)

const xmlProlog = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// CoverageChart writes the coverage of every domain over the timeline as a
// standalone SVG 1.1 step chart: the dates on a proportional time axis,
// coverage from 0 to 100 % (or the highest value) with a dashed 100 % line,
// one line per domain and a legend with each domain's latest value.
func CoverageChart(w io.Writer, r *assess.Report) error {
	if r == nil {
		return errNilReport
	}
	ew := &errWriter{w: w}
	ew.WriteString(xmlProlog)
	ew.WriteString(chartSVG(r))
	return ew.err
}

// xmlEsc escapes text for XML character data and attribute values.
var xmlEsc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace

// f1 formats a coordinate with one decimal, never "-0.0".
func f1(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// finite replaces NaN and infinities by 0 and clamps negatives to 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// truncate shortens s to at most n runes, ending it with "…" when cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// yScale picks a tick step of 1, 2, 2.5 or 5 times a power of ten giving
// at most six steps up to top, and the axis maximum, a multiple of it.
func yScale(top float64) (step, axisMax float64) {
	for p := 0.1; ; p *= 10 {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step = m * p
			if n := math.Ceil(top/step - 1e-9); n <= 6 {
				return step, n * step
			}
		}
	}
}

// xPositions places the dates on a proportional time axis, leaving room
// after the last one for its step; dates that do not parse or do not
// increase are spaced evenly instead.
func xPositions(pts []assess.TimelinePoint) []float64 {
	n := len(pts)
	xs := make([]float64, n)
	times := make([]time.Time, n)
	proportional := true
	for i, p := range pts {
		t, err := time.Parse(time.DateOnly, p.Date)
		if err != nil || (i > 0 && !t.After(times[i-1])) {
			proportional = false
			break
		}
		times[i] = t
	}
	if !proportional {
		for i := range xs {
			xs[i] = plotLeft + (plotRight-plotLeft)*float64(i)/float64(n)
		}
		return xs
	}
	span := times[n-1].Sub(times[0]).Hours() / 24
	pad := max(span/8, 14)
	if span == 0 {
		pad = 30
	}
	for i, t := range times {
		xs[i] = plotLeft + (plotRight-plotLeft)*(t.Sub(times[0]).Hours()/24)/(span+pad)
	}
	return xs
}

// nudges gives, for each date, the vertical offset of each domain's line
// from that date to the next: the lines drawn at the same pixel row are
// spread two pixels apart around it (above it on the axis), in the
// domains' order; others stay put.
func nudges(pts []assess.TimelinePoint, domains []string, yOf func(float64) float64, bottom float64) []map[string]float64 {
	out := make([]map[string]float64, len(pts))
	for k, pt := range pts {
		out[k] = map[string]float64{}
		rows := map[int][]string{}
		for _, d := range domains {
			if v, ok := pt.Coverage[d]; ok {
				row := int(math.Round(yOf(v)))
				rows[row] = append(rows[row], d)
			}
		}
		for row, ds := range rows {
			for i, d := range ds {
				if float64(row) >= bottom {
					// On the axis: spread upwards, never below it.
					out[k][d] = -2 * float64(i)
				} else {
					out[k][d] = (float64(i) - float64(len(ds)-1)/2) * 2
				}
			}
		}
	}
	return out
}

// chartSVG is the chart's <svg> element, without the XML declaration, so
// that HTML and Markdown can embed it.
func chartSVG(r *assess.Report) string {
	domains := timelineDomains(r)
	pts := r.Timeline
	n := len(domains)
	height := max(chartMinHeight, plotTop+legendRow*(n+1)+plotBelow)
	plotBottom := float64(height - plotBelow)

	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	chartHeader(p, r, height)
	yOf := chartAxes(p, pts, plotBottom, height)
	if len(pts) == 0 || n == 0 {
		p(`<text x="%s" y="%s" text-anchor="middle" fill="#555555">no coverage to chart: no domain has requirements</text>`,
			f1((plotLeft+plotRight)/2), f1((plotTop+plotBottom)/2))
		p(`</svg>`)
		return b.String()
	}
	xs := dateAxis(p, pts, plotBottom)

	// A line per domain. Where several lines would run on top of each
	// other, between two dates, they are drawn two pixels apart.
	offsets := nudges(pts, domains, yOf, math.Round(plotBottom))
	p(`<text x="%d" y="%d" font-weight="bold">%s</text>`, plotRight+24, plotTop-8, xmlEsc("coverage on "+truncate(pts[len(pts)-1].Date, 12)))
	for i, d := range domains {
		domainLine(p, i, d, pts, xs, func(k int, v float64) string { return f1(yOf(v) + offsets[k][d]) })
	}
	p(`</svg>`)
	return b.String()
}

// svgPrinter writes one line of SVG.
type svgPrinter func(format string, args ...any)

// chartHeader writes the chart's opening, title, description and caption.
func chartHeader(p svgPrinter, r *assess.Report, height int) {
	p(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="coverage-chart-title coverage-chart-desc" font-family="sans-serif" font-size="11" fill="#222222">`,
		chartWidth, height, chartWidth, height)
	p(`<title id="coverage-chart-title">Coverage by domain over time</title>`)
	p(`<desc id="coverage-chart-desc">%s</desc>`, xmlEsc("Step chart of the coverage of each domain (the smallest share of its requirements pledged, in %) on each date from the assessment date on; a dashed line marks 100 %, every requirement of the domain met. Lines that would run on top of each other are drawn two pixels apart."))
	p(`<rect width="%d" height="%d" fill="#ffffff"/>`, chartWidth, height)
	p(`<text x="16" y="26" font-size="15" font-weight="bold">Coverage by domain over time</text>`)
	name := r.Framework.Title
	if name == "" {
		name = r.Framework.ID
	}
	p(`<text x="16" y="44" fill="#555555">%s</text>`, xmlEsc(strings.TrimPrefix(truncate(name, 80)+" — assessed at "+r.At, " — ")))
}

// chartAxes writes the grid lines, the coverage axis with its 100 % line,
// and the axes' titles, and returns the coverage → y scale.
func chartAxes(p svgPrinter, pts []assess.TimelinePoint, plotBottom float64, height int) func(float64) float64 {
	top := 1.0
	for _, pt := range pts {
		for _, v := range pt.Coverage {
			top = max(top, finite(v))
		}
	}
	step, yMax := yScale(top)
	yOf := func(v float64) float64 { return plotBottom - finite(v)/yMax*(plotBottom-plotTop) }
	hundredTick := false
	for k := 0; float64(k)*step <= yMax+1e-9; k++ {
		v := float64(k) * step
		y := f1(yOf(v))
		hundredTick = hundredTick || math.Abs(v-1) < 1e-9
		p(`<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#e4e4e4"/>`, plotLeft, y, plotRight, y)
		p(`<text x="%d" y="%s" text-anchor="end">%s</text>`, plotLeft-8, f1(yOf(v)+4), numfmt.Number(v*100, 0)+" %")
	}
	y100 := f1(yOf(1))
	p(`<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#555555" stroke-width="1.2" stroke-dasharray="6 4"/>`, plotLeft, y100, plotRight, y100)
	if !hundredTick {
		p(`<text x="%d" y="%s" text-anchor="end">100 %%</text>`, plotLeft-8, f1(yOf(1)+4))
	}
	p(`<line x1="%d" y1="%d" x2="%d" y2="%s" stroke="#333333"/>`, plotLeft, plotTop-4, plotLeft, f1(plotBottom))
	p(`<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#333333"/>`, plotLeft, f1(plotBottom), plotRight, f1(plotBottom))
	mid := f1((plotTop + plotBottom) / 2)
	p(`<text transform="translate(18,%s) rotate(-90)" text-anchor="middle">coverage (%%)</text>`, mid)
	p(`<text x="%s" y="%d" text-anchor="middle">date (YYYY-MM-DD)</text>`, f1((plotLeft+plotRight)/2), height-10)
	return yOf
}

// dateAxis writes a tick per date and a label where there is room, and
// returns the dates' x positions.
func dateAxis(p svgPrinter, pts []assess.TimelinePoint, plotBottom float64) []float64 {
	xs := xPositions(pts)
	last := math.Inf(-1)
	for i, x := range xs {
		p(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333333"/>`, f1(x), f1(plotBottom), f1(x), f1(plotBottom+5))
		if x-last >= labelGap {
			p(`<text transform="translate(%s,%s) rotate(-35)" text-anchor="end">%s</text>`, f1(x+3), f1(plotBottom+16), xmlEsc(pts[i].Date))
			last = x
		}
	}
	return xs
}

// domainLine writes domain i's step line, with its steps as a tooltip,
// and its legend entry; yAt gives the line's y at date k for coverage v.
func domainLine(p svgPrinter, i int, d string, pts []assess.TimelinePoint, xs []float64, yAt func(k int, v float64) string) {
	stroke := fmt.Sprintf(`stroke="%s" stroke-width="2"`, palette[i%len(palette)])
	if dash := dashes[(i/len(palette))%len(dashes)]; dash != "" {
		stroke += fmt.Sprintf(` stroke-dasharray="%s"`, dash)
	}
	var path, steps []string
	latest, seen, lastY := 0.0, false, ""
	for k, pt := range pts {
		v, ok := pt.Coverage[d]
		if !ok {
			continue
		}
		y := yAt(k, v)
		switch {
		case !seen:
			path = append(path, "M"+f1(xs[k])+" "+y)
		case y != lastY:
			path = append(path, "H"+f1(xs[k]), "V"+y)
		}
		lastY = y
		if !seen || v != latest {
			steps = append(steps, pt.Date+" "+fmtPct(v))
		}
		latest, seen = v, true
	}
	if !seen {
		return
	}
	path = append(path, "H"+f1(plotRight))
	p(`<path d="%s" fill="none" %s stroke-linejoin="round"><title>%s</title></path>`,
		strings.Join(path, " "), stroke, xmlEsc(d+": "+strings.Join(steps, ", ")))
	legendX := plotRight + 24
	y := plotTop + 10 + i*legendRow
	p(`<line x1="%d" y1="%d" x2="%d" y2="%d" %s/>`, legendX, y-4, legendX+22, y-4, stroke)
	p(`<text x="%d" y="%d">%s</text>`, legendX+28, y, xmlEsc(truncate(d, 14)))
	p(`<text x="%d" y="%d" text-anchor="end">%s</text>`, chartWidth-12, y, xmlEsc(fmtPct(latest)))
}
