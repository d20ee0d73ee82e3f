package render

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/backstop-dev/backstop/internal/assess"
)

// HTML writes the report as one self-contained page: inline CSS and the
// inline SVG chart, no script, no font or anything else to fetch. The
// verdict comes first, then the sections of Table as HTML tables (the
// matrix cells shaded by share); the page prints as it reads.
func HTML(w io.Writer, r *assess.Report) error {
	if r == nil {
		return errNilReport
	}
	title := r.Framework.Title
	if title == "" {
		title = "Assessment of " + r.Framework.ID
	}
	page := htmlPage{
		Kind:         "an assessment",
		Title:        title,
		DocTitle:     strings.TrimSuffix(title+" — "+r.At, " — "),
		Verdict:      verdictText(r),
		VerdictClass: verdictTone(r).class(),
		Meta:         strings.Join(facts(r), " · "),
		CSS:          template.CSS(pageCSS),
		Version:      r.FormatVersion,
	}

	domains := timelineDomains(r)
	timeline := htmlSection{ID: "timeline", Title: "Coverage over time",
		// chartSVG escapes every text it draws.
		Chart:  template.HTML(chartSVG(r)),
		Tables: []htmlTable{htmlTab(timelineGrid(r, domains))},
	}

	matrix := htmlSection{ID: "matrix", Title: "Who gives what", Tables: []htmlTable{htmlTab(matrixGrid(r))}}
	if len(r.Matrix.Rows) > 0 {
		matrix.Intro = "Each cell: the quantities a party's pledges count towards the domain's requirements, summed per unit, and below them its share of what the domain needs (the mean over the domain's requirements of quantity ÷ required); the darker, the larger."
	}
	binding := htmlSection{ID: "binding", Title: "How binding", Tables: []htmlTable{htmlTab(bindingGrid(r))}}
	if len(r.Binding) > 0 {
		binding.Intro = bindingIntro
	}
	burden := htmlSection{ID: "burden", Title: "Burden sharing", Tables: []htmlTable{htmlTab(burdenGrid(r, true))}}
	if len(r.Parties) > 0 {
		burden.Intro = burdenNote
	}
	if r.GDPSource != "" && len(r.Parties) > 0 {
		burden.Foot = "GDP: " + r.GDPSource
	}
	politics := htmlSection{ID: "politics", Title: "Politics"}
	for _, g := range politicsGrids(r) {
		politics.Tables = append(politics.Tables, htmlTab(g))
	}

	sections := []htmlSection{
		{ID: "requirements", Title: "Requirements", Tables: []htmlTable{htmlTab(requirementsGrid(r))}, Foot: noteIf(len(r.Requirements) > 0, requirementsNote)},
		{ID: "domains", Title: "Domains and layers", Tables: []htmlTable{htmlTab(domainsGrid(r)), htmlTab(layersGrid(r))},
			Foot: noteIf(len(r.Domains)+len(r.Layers) > 0, coverageNote)},
		timeline,
		matrix,
		burden,
		binding,
		politics,
		{ID: "commitments", Title: "Commitments", Tables: []htmlTable{htmlTab(commitmentsGrid(r))}},
		{ID: "sequence", Title: "Sequence", Tables: []htmlTable{htmlTab(sequenceGrid(r))}},
	}
	for _, s := range sections {
		for i := range s.Tables {
			s.Tables[i].HideCaption = s.Tables[i].Caption == s.Title
		}
	}
	page.Sections = sections
	return pageTemplate.Execute(w, page)
}

type htmlPage struct {
	// Kind names what the page renders, for its footer ("an assessment").
	Kind                                         string
	Title, DocTitle, Verdict, VerdictClass, Meta string
	// VerdictLabel heads the verdict line ("Verdict" when empty; a
	// mission report's line is a summary, not a verdict).
	VerdictLabel string
	CSS          template.CSS
	Version      int
	Sections     []htmlSection
}

type htmlSection struct {
	ID, Title, Intro, Foot string
	Chart                  template.HTML
	Tables                 []htmlTable
}

type htmlTable struct {
	Caption string
	// HideCaption keeps a caption that repeats the section's heading for
	// screen readers only.
	HideCaption bool
	Heads       []htmlHead
	Rows        [][]htmlCell
}

type htmlHead struct {
	Text  string
	Class string
}

type htmlCell struct {
	Lines []htmlLine
	Sub   string
	Class string
	// Row marks the row's header cell (<th scope="row">).
	Row bool
}

// htmlLine is one line of a cell, Code the expression it starts with.
type htmlLine struct{ Code, Text string }

// htmlTab turns a grid into the template's table.
func htmlTab(g grid) htmlTable {
	t := htmlTable{Caption: g.caption}
	for _, c := range g.cols {
		h := htmlHead{Text: strings.ReplaceAll(c.head, "\n", " ")}
		if c.num {
			h.Class = "num"
		}
		t.Heads = append(t.Heads, h)
	}
	for _, row := range g.rows {
		var cells []htmlCell
		for j, c := range row {
			if j >= len(g.cols) {
				break
			}
			var classes []string
			if g.cols[j].num {
				classes = append(classes, "num")
			}
			if tc := c.tone.class(); tc != "" {
				classes = append(classes, tc)
			}
			if c.shaded {
				classes = append(classes, fmt.Sprintf("s%d", shadeStep(c.shade)))
			}
			if len(c.lines) == 1 && c.lines[0] == empty {
				classes = append(classes, "nil")
			}
			hc := htmlCell{Sub: c.sub, Class: strings.Join(classes, " "), Row: g.cols[j].key}
			for i, l := range c.lines {
				if i < len(c.code) && c.code[i] != "" && strings.HasPrefix(l, c.code[i]) {
					hc.Lines = append(hc.Lines, htmlLine{Code: c.code[i], Text: l[len(c.code[i]):]})
				} else {
					hc.Lines = append(hc.Lines, htmlLine{Text: l})
				}
			}
			cells = append(cells, hc)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// shadeStep is the shading of a share: 0 (none) to 10 (100 % or more).
func shadeStep(share float64) int {
	if math.IsNaN(share) || share <= 0 {
		return 0
	}
	return max(1, int(math.Round(min(share, 1)*10)))
}

// pageCSS is the page's style sheet; the matrix shading steps s1–s10 run
// from white to a blue on which black text keeps a contrast above 4.5.
var pageCSS = func() string {
	var b strings.Builder
	b.WriteString(baseCSS)
	for k := 1; k <= 10; k++ {
		t := float64(k) / 10 * 0.8
		mix := func(to float64) int { return int(math.Round(255 - (255-to)*t)) }
		fmt.Fprintf(&b, "td.s%d { background: #%02x%02x%02x; }\n", k, mix(0x3d), mix(0x85), mix(0xc6))
	}
	return b.String()
}()

const baseCSS = `
:root { color-scheme: light; --rule: #d0d7de; --muted: #57606a; --good: #1a7f37; --bad: #b42318; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 40px; background: #ffffff; color: #1f2328;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 10px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
.verdict { font-size: 16px; font-weight: 600; margin: 0 0 8px; padding: 10px 14px;
  border-left: 6px solid var(--muted); background: #f6f8fa; }
.verdict.bad { border-left-color: var(--bad); background: #fdf1f0; }
.verdict.good { border-left-color: var(--good); background: #eff8f1; }
.verdict.warn { border-left-color: #bf8700; background: #fff8e5; }
.verdict .label { margin-right: 8px; color: var(--muted); font-size: 12px; letter-spacing: .06em; text-transform: uppercase; }
.meta { margin: 0; color: var(--muted); }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 12px 0 0; padding: 0; list-style: none; }
nav a { color: #0b57a4; }
.scroll { overflow-x: auto; margin: 6px 0 14px; }
table { border-collapse: collapse; font-size: 13px; }
caption { padding: 2px 0 6px; font-weight: 600; text-align: left; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #8c959f; white-space: nowrap; }
tbody th { font-weight: 600; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.good, th.good { color: var(--good); }
td.bad, th.bad { color: var(--bad); }
td.warn, th.warn { color: var(--warn); }
td.nil { color: #8c959f; text-align: center; }
td .sub { display: block; color: #3d444d; font-size: 12px; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
figure { margin: 6px 0 14px; }
figure svg { display: block; width: 100%; max-width: 1000px; height: auto; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.none, .foot, footer { color: var(--muted); }
footer { margin-top: 28px; font-size: 12px; }
@page { margin: 12mm; }
@media print {
  body { padding: 0; font-size: 10pt; }
  nav { display: none; }
  .scroll { overflow: visible; }
  table { font-size: 8pt; }
  th, td { padding: 2px 5px; }
  h2 { break-after: avoid; }
  tr, figure, .verdict { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.DocTitle}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="verdict {{.VerdictClass}}" role="status"><span class="label">{{if .VerdictLabel}}{{.VerdictLabel}}{{else}}Verdict{{end}}</span> {{.Verdict}}</p>
{{with .Meta}}<p class="meta">{{.}}</p>
{{end -}}
<nav aria-label="Sections"><ul>{{range .Sections}}<li><a href="#{{.ID}}">{{.Title}}</a></li>{{end}}</ul></nav>
</header>
<main>
{{range .Sections -}}
<section id="{{.ID}}" aria-labelledby="{{.ID}}-h">
<h2 id="{{.ID}}-h">{{.Title}}</h2>
{{with .Intro}}<p>{{.}}</p>
{{end -}}
{{with .Chart}}<figure>
{{.}}</figure>
{{end -}}
{{range .Tables}}{{template "table" .}}{{end -}}
{{with .Foot}}<p class="foot">{{.}}</p>
{{end -}}
</section>
{{end -}}
</main>
<footer><p>Rendered by backstop from {{.Kind}} in format version {{.Version}}.</p></footer>
</body>
</html>
{{define "table"}}{{if .Rows -}}
<div class="scroll"><table>
<caption{{if .HideCaption}} class="visually-hidden"{{end}}>{{.Caption}}</caption>
<thead><tr>{{range .Heads}}<th scope="col"{{with .Class}} class="{{.}}"{{end}}>{{.Text}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}{{if .Row}}<th scope="row"{{with .Class}} class="{{.}}"{{end}}>{{template "cell" .}}</th>{{else}}<td{{with .Class}} class="{{.}}"{{end}}>{{template "cell" .}}</td>{{end}}{{end}}</tr>
{{end -}}
</tbody>
</table></div>
{{else -}}
<p class="none">{{if not .HideCaption}}<strong>{{.Caption}}:</strong> {{end}}none</p>
{{end}}{{end}}
{{- define "cell"}}{{range $i, $l := .Lines}}{{if $i}}<br>{{end}}{{with $l.Code}}<code>{{.}}</code>{{end}}{{$l.Text}}{{end}}{{with .Sub}}<span class="sub">{{.}}</span>{{end}}{{end}}`))

// noteIf is note when a section has something for it to explain.
func noteIf(ok bool, note string) string {
	if ok {
		return note
	}
	return ""
}
