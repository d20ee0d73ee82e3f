package load

import (
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
)

// File is one source file as read.
type File struct {
	Name       string
	Src        []byte
	lineStarts []int // byte offset of the start of each line
}

func newFile(name string, src []byte) *File {
	f := &File{Name: name, Src: src, lineStarts: []int{0}}
	for i := 0; i < len(src); {
		n := lineBreak(src[i:])
		if n == 0 {
			i++
			continue
		}
		i += n
		f.lineStarts = append(f.lineStarts, i)
	}
	return f
}

// lineBreak returns the length of the line break at the start of b, or 0.
// YAML breaks lines at LF, CR LF and a lone CR, and (as libyaml does, after
// YAML 1.1) at NEL, LS and PS; positions must count lines the same way.
func lineBreak(b []byte) int {
	switch {
	case len(b) >= 2 && b[0] == '\r' && b[1] == '\n':
		return 2
	case b[0] == '\n' || b[0] == '\r':
		return 1
	case len(b) >= 2 && b[0] == 0xC2 && b[1] == 0x85: // NEL
		return 2
	case len(b) >= 3 && b[0] == 0xE2 && b[1] == 0x80 && (b[2] == 0xA8 || b[2] == 0xA9): // LS, PS
		return 3
	}
	return 0
}

// pos converts a 1-based line and character column into a Pos with its
// byte offset.
func (f *File) pos(line, col int) diag.Pos {
	p := diag.Pos{Line: line, Column: col}
	if line < 1 || line > len(f.lineStarts) {
		return p
	}
	off := f.lineStarts[line-1]
	for c := 1; c < col && off < len(f.Src) && lineBreak(f.Src[off:]) == 0; c++ {
		_, size := utf8.DecodeRune(f.Src[off:])
		off += size
	}
	p.Byte = off
	return p
}

// Line returns the text of a 1-based line, without its line break.
func (f *File) Line(n int) string {
	if n < 1 || n > len(f.lineStarts) {
		return ""
	}
	start, end := f.lineStarts[n-1], len(f.Src)
	for i := start; i < end; i++ {
		if lineBreak(f.Src[i:]) > 0 {
			end = i
			break
		}
	}
	return string(f.Src[start:end])
}

// Document is one YAML document of a file, decoded into the model value of
// its kind, with the nodes of every path kept for locating diagnostics.
type Document struct {
	File *File
	// Index is the document's 0-based place in its file.
	Index int
	// Key identifies the document among all loaded ones.
	Key  int
	Kind model.Kind
	Root *yaml.Node

	Framework   *model.Framework
	Declaration *model.Declaration
	Incidents   *model.Incidents
	Scenario    *model.Scenario
	// Corroboration is a backstop addition (docs/language.md).
	Corroboration *model.Corroboration
	// Finding and Action are backstop additions (docs/language.md): a
	// monitor's finding on a breach, and what a party did about it.
	Finding *model.Finding
	Action  *model.Action
	// Option is a territorial option (backstop addition).
	Option *model.TerritorialOption

	values map[string]*yaml.Node
	keys   map[string]*yaml.Node
	// failed holds the paths whose value could not be decoded.
	failed map[string]bool
	// shown counts the diagnostics reported, up to
	// MaxDiagnosticsPerDocument; moreErrors and moreWarnings count the
	// ones left out past it, reported at lastLine (limits.go).
	shown, moreErrors, moreWarnings int
	lastLine                        int
}

// Failed reports whether path, or a field or list containing it, could
// not be decoded (so its value in the model is not what the user wrote).
func (d *Document) Failed(path string) bool {
	for p := path; ; p = parent(p) {
		if d.failed[p] {
			return true
		}
		if p == "" {
			return false
		}
	}
}

func (d *Document) record(path string, n *yaml.Node) {
	if _, ok := d.values[path]; !ok {
		d.values[path] = n
	}
}

func (d *Document) recordKey(path string, n *yaml.Node) { d.keys[path] = n }

// Node returns the value node at path, or nil.
func (d *Document) Node(path string) *yaml.Node { return d.values[path] }

// Range returns the range of the value at path. A path that names no
// node (an absent optional field) falls back to its nearest recorded
// ancestor, so a rule can point at "pledges[2].posture" even when the
// posture was left out.
func (d *Document) Range(path string) diag.Range {
	for p := path; ; p = parent(p) {
		if n := d.values[p]; n != nil {
			return d.nodeRange(n)
		}
		if p == "" {
			return d.nodeRange(d.Root)
		}
	}
}

// KeyRange returns the range of the key at path (the field name), or of
// the value where the path has no key (list items).
func (d *Document) KeyRange(path string) diag.Range {
	if n := d.keys[path]; n != nil {
		return d.nodeRange(n)
	}
	return d.Range(path)
}

func (d *Document) nodeRange(n *yaml.Node) diag.Range {
	if n == nil {
		return diag.Range{File: d.File.Name}
	}
	r := diag.Range{File: d.File.Name, Start: d.File.pos(n.Line, n.Column)}
	r.End = r.Start
	if n.Kind == yaml.ScalarNode && (n.Style == 0 || n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0) {
		width := utf8.RuneCountInString(n.Value)
		if n.Style != 0 {
			width += 2
		}
		r.End = d.File.pos(n.Line, n.Column+width)
	}
	return r
}

// parent strips the last element of a path: "a.b[2].c" → "a.b[2]" → "a.b" → "a" → "".
func parent(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i] {
		case '.':
			return path[:i]
		case '[':
			return path[:i]
		case '"':
			// a quoted map key: skip to its opening bracket
			for j := i - 1; j >= 1; j-- {
				if path[j] == '"' && path[j-1] == '[' {
					return path[:j-1]
				}
			}
		}
	}
	return ""
}

// FrameworkID names the framework the document belongs to: a Framework's
// own id, the one a Declaration declares to, or a Scenario's, Finding's
// or Action's framework; "" when it names none (Incidents, Corroboration
// rules).
func (d *Document) FrameworkID() string {
	switch {
	case d.Framework != nil:
		return d.Framework.ID
	case d.Declaration != nil:
		return d.Declaration.Framework
	case d.Scenario != nil:
		return d.Scenario.Framework
	case d.Finding != nil:
		return d.Finding.Framework
	case d.Action != nil:
		return d.Action.Framework
	case d.Option != nil:
		return d.Option.Framework
	}
	return ""
}
