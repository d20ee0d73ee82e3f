package incidents

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// CodeIgnoredDocument is the code of the warning for a document of
// another kind in an incidents file.
const CodeIgnoredDocument = "ignored-document"

// YAML reads `kind: Incidents` documents (docs/language.md) through
// internal/load, so that they are checked exactly as `backstop validate`
// checks them. The zero value is ready.
type YAML struct{}

var _ feeds.Reader = YAML{}

// Format returns "yaml".
func (YAML) Format() string { return FormatYAML }

var header = regexp.MustCompile(`(?m)^backstop:[ \t]*["']?v1["']?[ \t]*(#.*)?\r?$`)

// Detect reports whether a line of head is `backstop: v1`.
func (YAML) Detect(head []byte) bool { return header.Match(head) }

// Read loads src's documents. An incident that internal/load finds an
// error in (a missing id, a time that is not RFC 3339, a duplicate id,
// bad coordinates…) is skipped: the loader's diagnostics inside it become
// skipped-row diagnostics (warnings, errors under opts.Strict). The
// loader's other diagnostics (syntax, header, unknown fields outside an
// incident) are passed through as they are. Documents of other kinds are
// ignored with a warning.
func (YAML) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, FormatYAML)}
	set, loaded := load.Bytes(src.Name, src.Data)

	var ds diag.Diagnostics
	var spans []span
	for _, d := range set.Docs {
		if d.Incidents == nil {
			ds = append(ds, diag.Warningf(d.Range(""), CodeIgnoredDocument,
				"a %s document in an incidents file is ignored", d.Kind))
			continue
		}
		if len(loaded) == 0 {
			continue // no diagnostic to place in an incident
		}
		for i := range d.Incidents.Incidents {
			n := d.Node(fmt.Sprintf("incidents[%d]", i))
			if n == nil {
				continue
			}
			r := d.Range(fmt.Sprintf("incidents[%d]", i))
			end := last(n)
			spans = append(spans, span{doc: d, index: i, start: r.Start, end: diag.Pos{Line: end.Line, Column: end.Column}})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return compare(a.start, b.start) })

	rows := map[*load.Document]map[int]*feeds.Row{}
	for _, d := range loaded {
		s := find(spans, d)
		if s == nil || d.Severity != diag.Error {
			ds = append(ds, d)
			continue
		}
		if rows[s.doc] == nil {
			rows[s.doc] = map[int]*feeds.Row{}
		}
		row := rows[s.doc][s.index]
		if row == nil {
			row = &feeds.Row{}
			rows[s.doc][s.index] = row
		}
		why := reason(d.Code)
		if d.Code == "invalid-value" && s.doc.Range(fmt.Sprintf("incidents[%d].time", s.index)).Start == d.Range.Start {
			why = feeds.ReasonBadDate
		}
		row.Problem(d.Range, why, "%s", d.Summary)
	}
	for _, d := range set.Docs {
		if d.Incidents == nil {
			continue
		}
		for i, inc := range d.Incidents.Incidents {
			res.Summary.Read++
			if row := rows[d][i]; row != nil {
				rowDiags, _ := row.Flush(&res.Summary, opts)
				ds = append(ds, rowDiags...)
				continue
			}
			mapType(&inc, opts, FormatYAML, &res.Summary)
			res.Incidents = append(res.Incidents, inc)
		}
	}
	ds.Sort()
	return res, ds
}

// span is where one incident is written: from its node to the start of
// its last descendant.
type span struct {
	doc        *load.Document
	index      int
	start, end diag.Pos
}

func compare(a, b diag.Pos) int {
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return a.Column - b.Column
}

// find returns the span that holds d's position, or nil.
func find(spans []span, d diag.Diagnostic) *span {
	if d.Range.Start.Line == 0 {
		return nil
	}
	i, found := slices.BinarySearchFunc(spans, d.Range.Start, func(s span, p diag.Pos) int { return compare(s.start, p) })
	if !found {
		i--
	}
	if i < 0 || i >= len(spans) || compare(d.Range.Start, spans[i].end) > 0 {
		return nil
	}
	return &spans[i]
}

// last returns the node written last under n (n itself for a scalar).
func last(n *yaml.Node) *yaml.Node {
	for len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n
}

// reason turns a load diagnostic code into a Summary.SkippedBy key.
func reason(code string) string {
	switch code {
	case "duplicate-id":
		return feeds.ReasonDuplicateID
	case "invalid-coordinates":
		return feeds.ReasonBadCoordinates
	}
	return strings.ReplaceAll(code, "-", " ")
}

// WriteYAML writes incidents as one `kind: Incidents` document, which
// YAML reads back.
func WriteYAML(w io.Writer, incs []model.Incident) error {
	recs := make([]record, len(incs))
	for i, inc := range incs {
		recs[i] = toRecord(inc)
	}
	doc := struct {
		Backstop  string   `yaml:"backstop"`
		Kind      string   `yaml:"kind"`
		Incidents []record `yaml:"incidents"`
	}{model.Version, string(model.KindIncidents), recs}
	enc := yaml.NewEncoder(w)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}
