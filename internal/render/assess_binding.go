package render

import (
	"fmt"

	"github.com/backstop-dev/backstop/internal/assess"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

// bindingIntro explains the "How binding" section in every format.
const bindingIntro = "The coverage pledged now in each domain by how binding the pledges are: automatic (snaps in), conditional (waits on a vote or a national decision), discretionary (each decides when the time comes, as under NATO's Article 5) or only an assurance (a promise to consult); each class in the units of the pledged column, with its share of the domain's pledged coverage."

// bindingGrid is the binding profile: a row per domain with requirements,
// a column per class, strongest first; each cell the quantity in each of
// the domain's units and its share of the domain's pledged coverage.
func bindingGrid(r *assess.Report) grid {
	g := grid{caption: "How binding", join: " + ", cols: []column{keyCol("domain"), numCol("pledged\nnow")}}
	classes := assess.BindingClasses()
	for _, c := range classes {
		g.cols = append(g.cols, numCol(string(c)))
	}
	for _, p := range r.Binding {
		pledged := cell{}
		for _, am := range p.Amounts {
			pledged.lines = append(pledged.lines, numfmt.Quantity(am.Pledged, am.Unit))
		}
		if len(pledged.lines) == 0 {
			pledged.lines = []string{empty}
		}
		row := []cell{txt(p.Domain), pledged}
		nothing := p.Share.Automatic+p.Share.Conditional+p.Share.Discretionary+p.Share.Assurance == 0
		for _, c := range classes {
			if nothing {
				row = append(row, txt(empty))
				continue
			}
			cl := cell{}
			for _, am := range p.Amounts {
				cl.lines = append(cl.lines, numfmt.Figure(am.Of(c), am.Unit))
			}
			cl.sub = fmtPct(p.Share.Of(c))
			row = append(row, cl)
		}
		g.rows = append(g.rows, row)
	}
	return g
}

// commitmentsGrid lists the commitments of the declarations in force.
func commitmentsGrid(r *assess.Report) grid {
	g := grid{caption: "Commitments", cols: []column{keyCol("party"), col("commitment"), {head: "title", wrap: true},
		col("status"), col("since"), col("binding"), col("breach"), {head: "note", wrap: true}}}
	for _, c := range r.Commitments {
		st := plain
		switch c.Status {
		case "violated", "withdrawn":
			st = bad
		case "enacted":
			st = good
		}
		breach := txt(empty)
		if c.Breach != "" {
			breach = toned(c.Breach, bad)
		}
		g.rows = append(g.rows, []cell{toned(c.Party, st), txt(c.ID), txt(orEmpty(c.Title)), toned(orEmpty(c.Status), st),
			txt(orEmpty(c.Since)), txt(orEmpty(c.Binding)), breach, txt(orEmpty(c.Note))})
		// The terminal says each commitment in words, as the politics lists.
		sentence := fmt.Sprintf("%s %s: %s — %s", c.Party, c.ID, orEmpty(c.Title), orEmpty(c.Status))
		if c.Since != "" {
			sentence += " since " + c.Since
		}
		if c.Breach != "" {
			sentence += " (breach " + c.Breach + ")"
		}
		if c.Binding != "" {
			sentence += ", binding " + c.Binding
		}
		g.sentences = append(g.sentences, sentence)
		g.notes = append(g.notes, c.Note)
	}
	return g
}
