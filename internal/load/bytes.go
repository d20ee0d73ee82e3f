package load

import (
	"github.com/backstop-dev/backstop/internal/diag"
	"go.yaml.in/yaml/v4"
)

// Bytes loads the documents of one file's contents and validates them as
// one set: Paths for contents already in memory.
func Bytes(name string, src []byte) (*Set, diag.Diagnostics) {
	return Files(Parse(name, src))
}

// Files loads parsed files, in order, and validates their documents as
// one set. A file parsed once may be loaded into many sets: loading only
// reads the parsed nodes.
func Files(files ...*Parsed) (*Set, diag.Diagnostics) {
	l := &Loader{}
	for _, p := range files {
		l.AddParsed(p)
	}
	return l.Finish()
}

// Kinds gives the kind field of each document as written ("" for an empty
// document or one without it), without decoding: the server loads a
// single declaration or incidents document straight next to its
// framework, rather than first alone to learn what it is.
func (p *Parsed) Kinds() []string {
	out := make([]string, len(p.roots))
	for i, r := range p.roots {
		if r == nil || r.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(r.Content); j += 2 {
			if r.Content[j].Value == "kind" {
				out[i] = r.Content[j+1].Value
				break
			}
		}
	}
	return out
}

// Diagnostics are the problems found while parsing (encoding, syntax).
func (p *Parsed) Diagnostics() diag.Diagnostics { return p.diags }

// Name is the file name the parsed file's diagnostics give.
func (p *Parsed) Name() string { return p.file.Name }

// Renamed returns the parsed file under another name, sharing its parsed
// nodes: the server parses a submission once, as "submitted", and keeps it
// as the entry it became.
func (p *Parsed) Renamed(name string) *Parsed {
	f := *p.file
	f.Name = name
	q := &Parsed{file: &f, roots: p.roots, diags: make(diag.Diagnostics, len(p.diags))}
	for i, d := range p.diags {
		if d.Range.File == p.file.Name {
			d.Range.File = name
		}
		q.diags[i] = d
	}
	return q
}
