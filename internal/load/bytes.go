package load

import "github.com/backstop-dev/backstop/internal/diag"

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
