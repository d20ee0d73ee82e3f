package render

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/numfmt"
	"github.com/backstop-dev/backstop/internal/option"
)

// The view of `backstop territory options`: each territorial option's
// figures against today's map as a table, JSON, Markdown, or a page with a
// map of each option (docs/territory.md, "Territorial options").

// TerritoryOptionsFormats are the formats of `territory options`.
var TerritoryOptionsFormats = Formats{FormatTable, FormatJSON, FormatMarkdown, FormatHTML}

// TerritoryOptions writes the options' figures in f; maps lists the dates
// of the snapshots the options' areas used.
func TerritoryOptions(w io.Writer, f Format, rs []*option.Result, maps []string) error {
	switch f {
	case FormatJSON:
		return territoryOptionsJSON(w, rs, maps)
	case FormatMarkdown:
		return territoryOptionsMarkdown(w, rs, maps)
	case FormatHTML:
		return territoryOptionsHTML(w, rs, maps)
	}
	return territoryOptionsTable(w, rs, maps)
}

func territoryOptionsJSON(w io.Writer, rs []*option.Result, maps []string) error {
	out := struct {
		FormatVersion int              `json:"format_version"`
		Maps          []string         `json:"maps"`
		Options       []*option.Result `json:"options"`
	}{1, append([]string{}, maps...), []*option.Result{}}
	for _, r := range rs {
		out.Options = append(out.Options, r.Rounded())
	}
	return indentedJSON(w, out, true)
}

func km2(v float64) string { return numfmt.Number(v, 1) }

func optionTitle(r *option.Result) string {
	if r.Title == "" {
		return "Option " + r.ID
	}
	return r.Title + " (" + r.ID + ")"
}

func optionFacts(r *option.Result) string {
	facts := []string{"framework " + r.Framework}
	if r.ProposedBy != "" {
		facts = append(facts, "proposed by "+r.ProposedBy)
	}
	facts = append(facts, "today's map "+r.Today, "held: "+r.Held)
	for _, s := range r.Swaps {
		facts = append(facts, "swap "+s)
	}
	return strings.Join(facts, " · ")
}

func optionFiguresGrid(r *option.Result) grid {
	g := grid{caption: "Figures", cols: []column{{head: "measure", key: true}, {head: "value", num: true}, {head: "meaning", wrap: true}}}
	add := func(m, v, meaning string) { g.rows = append(g.rows, []cell{txt(m), txt(v), txt(meaning)}) }
	add("occupied today", km2(r.OccupiedKm2)+" km²", "the map of "+r.Today)
	add("held under the option", km2(r.HeldKm2)+" km²", "the option's held area, swaps applied")
	add("to the adversary", km2(r.ToAdversaryKm2)+" km²", "held under the option, not occupied today")
	add("to Ukraine", km2(r.ToUkraineKm2)+" km²", "occupied today, not held under the option")
	add("line", numfmt.Number(r.LineKm, 0)+" km", fmt.Sprintf("the boundary of the held area inside Ukraine; today's contact line %s km", numfmt.Number(r.ContactLineKm, 0)))
	return g
}

func optionOblastGrid(r *option.Result) grid {
	g := grid{caption: "By oblast", cols: []column{{head: "oblast", key: true}, {head: "code"}, {head: "held km²", num: true},
		{head: "to adversary km²", num: true}, {head: "to Ukraine km²", num: true}}}
	for _, o := range r.ByOblast {
		g.rows = append(g.rows, []cell{txt(o.Name), txt(o.Code), txt(km2(o.HeldKm2)), txt(km2(o.ToAdversaryKm2)), txt(km2(o.ToUkraineKm2))})
	}
	if r.OutsideToAdversaryKm2+r.OutsideToUkraineKm2 >= 0.05 {
		g.rows = append(g.rows, []cell{txt("outside the oblasts' polygons"), txt(""), txt(""), txt(km2(r.OutsideToAdversaryKm2)), txt(km2(r.OutsideToUkraineKm2))})
	}
	return g
}

func optionPlacesGrid(r *option.Result) grid {
	g := grid{caption: "Settlements of 1,000 or more inside the change (GeoNames)", cols: []column{{head: "to", key: true},
		{head: "settlements", num: true}, {head: "population", num: true}, {head: "largest", wrap: true}}}
	for _, p := range []struct {
		to string
		ps option.Places
	}{{"the adversary", r.SettlementsToAdversary}, {"Ukraine", r.SettlementsToUkraine}} {
		names := make([]string, len(p.ps.Largest))
		for i, l := range p.ps.Largest {
			names[i] = fmt.Sprintf("%s (%s)", l.Name, numfmt.Count(float64(l.Population)))
		}
		g.rows = append(g.rows, []cell{txt(p.to), txt(numfmt.Count(float64(p.ps.Count))), txt(numfmt.Count(float64(p.ps.Population))), txt(strings.Join(names, ", "))})
	}
	return g
}

func optionPlantsGrid(r *option.Result) grid {
	g := grid{caption: "Power plants inside the change (WRI GPPD)", cols: []column{{head: "to", key: true}, {head: "plant", wrap: true},
		{head: "fuel"}, {head: "MW", num: true}}}
	for _, p := range []struct {
		to string
		ps []option.Plant
	}{{"the adversary", r.PowerPlantsToAdversary}, {"Ukraine", r.PowerPlantsToUkraine}} {
		for _, pl := range p.ps {
			g.rows = append(g.rows, []cell{txt(p.to), txt(pl.Name), txt(pl.Fuel), txt(numfmt.Number(pl.CapacityMW, 0))})
		}
	}
	return g
}

func optionGrids(r *option.Result) []grid {
	gs := []grid{optionFiguresGrid(r), optionOblastGrid(r), optionPlacesGrid(r)}
	if r.PowerPlantsToAdversary != nil {
		gs = append(gs, optionPlantsGrid(r))
	}
	return gs
}

const optionsFoot = "Areas on the WGS84 ellipsoid (equal-area scanlines); lines measured in pieces of at most 1 km " +
	"(docs/territory.md gives the method and its accuracy). Occupied territory: DeepStateMap; oblasts © Minregion, CC BY-SA; " +
	"settlements: GeoNames (geonames.org), CC BY 4.0; power plants: WRI Global Power Plant Database, CC BY 4.0."

func mapsLine(maps []string) string {
	return "Maps used by the options' areas: " + strings.Join(maps, ", ") + "."
}

func territoryOptionsTable(w io.Writer, rs []*option.Result, maps []string) error {
	t := &term{out: &errWriter{w: w}, width: DefaultWidth}
	for i, r := range rs {
		if i > 0 {
			t.blank()
		}
		t.heading(optionTitle(r))
		t.wrapped(optionFacts(r), "", "  ", plain, false)
		for _, g := range optionGrids(r) {
			t.section(g.caption)
			t.grid(g)
		}
	}
	t.blank()
	t.wrapped(mapsLine(maps), "", "", plain, false)
	t.wrapped(optionsFoot, "", "", plain, false)
	return t.out.err
}

func territoryOptionsMarkdown(w io.Writer, rs []*option.Result, maps []string) error {
	m := &md{out: &errWriter{w: w}}
	m.para("# Territorial options")
	for _, r := range rs {
		m.para("## " + mdEsc(optionTitle(r)))
		m.para(mdEsc(optionFacts(r)))
		for _, g := range optionGrids(r) {
			m.table(g, true)
		}
	}
	m.para(mdEsc(mapsLine(maps)))
	m.para(mdEsc(optionsFoot))
	return m.out.err
}

func territoryOptionsHTML(w io.Writer, rs []*option.Result, maps []string) error {
	page := htmlPage{
		Kind: "territorial options", Title: "Territorial options", DocTitle: "Territorial options",
		VerdictLabel: "Summary", Verdict: fmt.Sprintf("%s measured against today's map", Plural(len(rs), "option")),
		Meta: mapsLine(maps), CSS: template.CSS(pageCSS), Version: 1,
	}
	for _, r := range rs {
		s := htmlSection{ID: "option-" + r.ID, Title: optionTitle(r), Intro: optionFacts(r), Foot: optionsFoot}
		if r.Map != nil {
			s.Chart = template.HTML(optionMapSVG(r)) // optionMapSVG escapes its text
		}
		for _, g := range optionGrids(r) {
			s.Tables = append(s.Tables, htmlTab(g))
		}
		page.Sections = append(page.Sections, s)
	}
	return pageTemplate.Execute(w, page)
}

// optionMapSVG draws an option: Ukraine's oblasts, today's occupied area
// and the change each way, as the rows of the projected plane (equal-area)
// the figures are measured on.
func optionMapSVG(r *option.Result) string {
	m := r.Map
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, rows := range [][]geo.Row{m.Ukraine, m.Occupied, m.Held} {
		for _, row := range rows {
			minX, maxX = min(minX, row.X[0]), max(maxX, row.X[len(row.X)-1])
			minY, maxY = min(minY, row.Y), max(maxY, row.Y)
		}
	}
	if math.IsInf(minX, 0) {
		return ""
	}
	const width = 720.0
	scale := width / (maxX - minX)
	height := (maxY-minY+m.StepM)*scale + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="map-%s">`+"\n",
		f1(width), f1(height), f1(width), f1(height), xmlEsc(r.ID))
	fmt.Fprintf(&b, `<title id="map-%s">%s: today's occupied area and the change each way</title>`+"\n", xmlEsc(r.ID), xmlEsc(optionTitle(r)))
	draw := func(rows []geo.Row, colour string) {
		fmt.Fprintf(&b, `<g fill="%s">`, colour)
		for _, row := range rows {
			y := (maxY - row.Y - m.StepM/2) * scale
			for i := 0; i+1 < len(row.X); i += 2 {
				fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s"/>`, f1((row.X[i]-minX)*scale), f1(y), f1((row.X[i+1]-row.X[i])*scale+0.3), f1(m.StepM*scale+0.3))
			}
		}
		b.WriteString("</g>\n")
	}
	draw(m.Ukraine, "#e6e6e6")
	draw(m.Occupied, "#d7a9a9")
	draw(m.ToAdversary, "#b2182b")
	draw(m.ToUkraine, "#2166ac")
	ly := height - 14
	for i, l := range []struct{ colour, text string }{{"#d7a9a9", "occupied today"}, {"#b2182b", "to the adversary"}, {"#2166ac", "to Ukraine"}} {
		x := 10 + float64(i)*180
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="12" height="12" fill="%s"/><text x="%s" y="%s" font-size="12">%s</text>`+"\n",
			f1(x), f1(ly-10), l.colour, f1(x+18), f1(ly), xmlEsc(l.text))
	}
	b.WriteString("</svg>")
	return b.String()
}
