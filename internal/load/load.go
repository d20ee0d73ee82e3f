package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
)

// CodeIO marks diagnostics about reading input (a missing file, an
// unreadable folder): problems with the invocation rather than with the
// documents. Commands exit 2 when one is present.
const CodeIO = "io"

// Extensions are the file endings read when a folder is given.
var Extensions = []string{".yaml", ".yml", ".json"}

// SchemaSuffix ends the name of a JSON Schema kept beside the documents
// for editors (backstop init writes backstop.schema.json): a folder's
// walk skips it, as it is no document; named on its own it is read.
const SchemaSuffix = ".schema.json"

// Loader collects documents from files and byte slices; Finish validates
// them as one set.
type Loader struct {
	docs  []*Document
	diags diag.Diagnostics
	// seen holds the files loaded, by absolute path: a file named on the
	// command line and found again in a folder given too is loaded once.
	seen map[string]bool
	// Stdin is read for the path "-"; nil means no standard input.
	Stdin io.Reader
	// prepared is the framework loaded first, decoded and validated
	// before (Prepared.Files): the validation leaves it out.
	prepared *Prepared
}

// Paths loads every file and folder (recursively, files ending in
// Extensions; hidden files and folders, and JSON Schemas named
// *SchemaSuffix, are skipped) and validates the
// documents together.
func Paths(paths []string, stdin io.Reader) (*Set, diag.Diagnostics) {
	l := &Loader{Stdin: stdin}
	for _, p := range paths {
		l.AddPath(p)
	}
	return l.Finish()
}

// AddPath loads a file, a folder, or "-" for standard input.
func (l *Loader) AddPath(path string) {
	if path == "-" {
		if l.Stdin == nil {
			l.ioError(path, "no standard input to read")
			return
		}
		src, err := io.ReadAll(l.Stdin)
		if err != nil {
			l.ioError(path, "reading standard input: %v", err)
			return
		}
		l.AddBytes("<stdin>", src)
		return
	}
	info, err := os.Stat(path)
	if err != nil {
		l.ioError(path, "%s", describeIOError(err))
		return
	}
	if !info.IsDir() {
		if kind := dataFileKind(path); kind != "" {
			// Read as YAML it would give a syntax error at a far line.
			l.ioError(path, "this looks like a %s file, not a backstop document (YAML); did you mean --incidents FILE, --gdp FILE or import?", kind)
			return
		}
		l.addFile(path)
		return
	}
	var found int
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			l.ioError(p, "%s", describeIOError(err))
			return nil
		}
		hidden := strings.HasPrefix(d.Name(), ".") && p != path
		if d.IsDir() {
			if hidden {
				return filepath.SkipDir
			}
			return nil
		}
		if hidden || !slices.Contains(Extensions, strings.ToLower(filepath.Ext(p))) || strings.HasSuffix(strings.ToLower(p), SchemaSuffix) {
			return nil
		}
		found++
		l.addFile(p)
		return nil
	})
	if err != nil {
		l.ioError(path, "%s", describeIOError(err))
	}
	if found == 0 {
		l.ioError(path, "no %s files in this folder", strings.Join(Extensions, ", "))
	}
}

// dataFileKind names the kind of a data file by its name (CSV, TSV, JSON
// Lines, GeoJSON, gzip), "" for anything that may be a document.
func dataFileKind(path string) string {
	name := strings.ToLower(path)
	for _, k := range []struct{ ext, kind string }{
		{".csv", "CSV"}, {".csv.gz", "gzipped CSV"}, {".tsv", "TSV"}, {".jsonl", "JSON Lines"},
		{".geojson", "GeoJSON"}, {".gz", "gzip"},
	} {
		if strings.HasSuffix(name, k.ext) {
			return k.kind
		}
	}
	return ""
}

func describeIOError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (l *Loader) ioError(path, format string, args ...any) {
	l.diags = l.diags.Append(diag.Errorf(diag.Range{File: path}, CodeIO, format, args...))
}

func (l *Loader) addFile(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		if l.seen[abs] {
			return
		}
		if l.seen == nil {
			l.seen = map[string]bool{}
		}
		l.seen[abs] = true
	}
	src, err := os.ReadFile(path)
	if err != nil {
		l.ioError(path, "%s", describeIOError(err))
		return
	}
	l.AddBytes(path, src)
}

// AddBytes loads the documents of one file's contents.
func (l *Loader) AddBytes(name string, src []byte) { l.AddParsed(Parse(name, src)) }

// Parsed is a file's YAML parsed once. A caller that loads the same file
// into many sets (the server validates every submission next to its
// framework) parses it once and loads it into each set (Files): parsing is
// most of the cost of loading, and the parsed nodes are only read
// afterwards.
type Parsed struct {
	file  *File
	roots []*yaml.Node // per document of the file; nil for an empty one
	diags diag.Diagnostics
	// prep is the file prepared as a framework, made on the first call
	// of Prepared.
	prepOnce sync.Once
	prep     *Prepared
}

// Parse reads a file's contents into YAML documents.
func Parse(name string, src []byte) *Parsed {
	if p := parseCompact(name, src); p != nil {
		return p // compact Incidents documents (compact.go)
	}
	p := &Parsed{file: newFile(name, src)}
	enc := &Loader{}
	if !enc.checkEncoding(p.file) {
		p.diags = enc.diags
		return p
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return p
		}
		if err != nil {
			p.diags = p.diags.Append(syntaxError(p.file, err))
			return p // the parser cannot resynchronise after a syntax error
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 || isNull(n.Content[0]) {
			p.roots = append(p.roots, nil) // an empty document, as after a trailing ---
			continue
		}
		p.roots = append(p.roots, n.Content[0])
	}
}

// AddParsed loads the documents of a parsed file.
func (l *Loader) AddParsed(p *Parsed) {
	for index, root := range p.roots {
		if root == nil {
			continue
		}
		doc := &Document{File: p.file, Index: index, Key: len(l.docs), Root: root,
			values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}, failed: map[string]bool{}}
		if l.addCompact(doc) {
			continue // a compact Incidents document (compact.go)
		}
		if l.decodeDocument(doc) {
			l.docs = append(l.docs, doc)
		}
	}
	l.diags = append(l.diags, p.diags...)
}

// checkEncoding refuses input that is not UTF-8, saying where the first
// bad byte is: YAML is UTF-8 by definition, and a Windows-1252 file would
// otherwise fail with a parser message that does not name the cause.
func (l *Loader) checkEncoding(f *File) bool {
	if bytes.HasPrefix(f.Src, []byte{0xFF, 0xFE}) || bytes.HasPrefix(f.Src, []byte{0xFE, 0xFF}) {
		l.diags = l.diags.Append(diag.Errorf(diag.Range{File: f.Name, Start: f.pos(1, 1), End: f.pos(1, 1)}, "encoding",
			"file is UTF-16; save it as UTF-8"))
		return false
	}
	for off := 0; off < len(f.Src); {
		r, size := utf8.DecodeRune(f.Src[off:])
		if r == utf8.RuneError && size == 1 {
			line, _ := slices.BinarySearch(f.lineStarts, off+1)
			col := utf8.RuneCount(f.Src[f.lineStarts[line-1]:off]) + 1
			p := f.pos(line, col)
			l.diags = l.diags.Append(diag.Errorf(diag.Range{File: f.Name, Start: p, End: p}, "encoding",
				"file is not valid UTF-8 (byte 0x%02X); save it as UTF-8 (it may be Windows-1252 or Latin-1)", f.Src[off]))
			return false
		}
		off += size
	}
	return true
}

func syntaxError(f *File, err error) diag.Diagnostic {
	var le *yaml.LoadError
	if errors.As(err, &le) && le.Mark.Line > 0 {
		msg := le.Message
		if le.ContextMsg != "" && le.ContextMark.Line > 0 {
			msg = fmt.Sprintf("%s %s started at line %d", msg, le.ContextMsg, le.ContextMark.Line)
		}
		line, col := le.Mark.Line, max(le.Mark.Column, 1)
		if last := len(f.lineStarts); line > last {
			// at the end of the input the parser counts one line too many
			line, col = last, utf8.RuneCountInString(f.Line(last))+1
		}
		p := f.pos(line, col)
		return diag.Errorf(diag.Range{File: f.Name, Start: p, End: p}, "syntax", "YAML syntax: %s", msg)
	}
	p := f.pos(1, 1)
	return diag.Errorf(diag.Range{File: f.Name, Start: p, End: p}, "syntax", "YAML syntax: %s", strings.TrimPrefix(err.Error(), "yaml: "))
}

// decodeDocument reads the header and decodes the body into the kind's
// model type. It returns false when the document is not a backstop
// document at all (so no later rule should look at it).
func (l *Loader) decodeDocument(doc *Document) bool {
	bad, lastLine := checkAliases(doc)
	doc.lastLine = lastLine
	if bad != nil {
		l.diags = l.diags.Append(*bad)
		return false // its aliases would cost too much to decode
	}
	root := resolveAlias(doc.Root)
	doc.record("", root)
	if root.Kind != yaml.MappingNode {
		l.diags = l.diags.Append(diag.Errorf(doc.nodeRange(root), "not-a-document",
			"expected a backstop document (a mapping starting with `backstop: v1` and `kind`), got %s", describe(root)))
		return false
	}
	version, kind := mappingValue(root, "backstop"), mappingValue(root, "kind")
	ok := true
	switch {
	case version == nil:
		l.diags = l.diags.Append(diag.Errorf(doc.nodeRange(root), "header", "missing `backstop: v1`: every document starts with the language version"))
		ok = false
	case version.Value != model.Version:
		l.diags = l.diags.Append(diag.Errorf(doc.nodeRange(version), "header", "unsupported version %q; this backstop reads %s", version.Value, model.Version))
		ok = false
	}
	if kind == nil {
		l.diags = l.diags.Append(diag.Errorf(doc.nodeRange(root), "header", "missing `kind`: one of %s", kindList()))
		return false
	}
	doc.record("kind", kind)
	var target any
	switch model.Kind(kind.Value) {
	case model.KindFramework:
		doc.Framework = &model.Framework{}
		target = doc.Framework
	case model.KindDeclaration:
		doc.Declaration = &model.Declaration{}
		target = doc.Declaration
	case model.KindIncidents:
		doc.Incidents = &model.Incidents{}
		target = doc.Incidents
	case model.KindScenario:
		doc.Scenario = &model.Scenario{}
		target = doc.Scenario
	case model.KindCorroboration:
		doc.Corroboration = &model.Corroboration{}
		target = doc.Corroboration
	case model.KindFinding:
		doc.Finding = &model.Finding{}
		target = doc.Finding
	case model.KindAction:
		doc.Action = &model.Action{}
		target = doc.Action
	case model.KindTerritorialOption:
		doc.Option = &model.TerritorialOption{}
		target = doc.Option
	default:
		msg := fmt.Sprintf("unknown kind %q; expected one of %s", kind.Value, kindList())
		if s := model.Suggest(kind.Value, kindNames()); s != "" {
			msg = fmt.Sprintf("unknown kind %q; did you mean %q?", kind.Value, s)
		}
		l.diags = l.diags.Append(diag.Errorf(doc.nodeRange(kind), "header", "%s", msg))
		return false
	}
	if !ok {
		return false
	}
	doc.Kind = model.Kind(kind.Value)
	d := &decoder{doc: doc}
	d.decode(root, reflect.ValueOf(target).Elem(), "")
	l.diags = l.diags.Append(d.diags...)
	return true
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolveAlias(m.Content[i+1])
		}
	}
	return nil
}

func kindNames() []string {
	names := make([]string, len(model.Kinds))
	for i, k := range model.Kinds {
		names[i] = string(k)
	}
	return names
}

func kindList() string { return strings.Join(kindNames(), ", ") }
