package load

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/jsonnum"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/model"
)

// The compact form of an Incidents document (backstop addition,
// docs/language.md; `backstop import incidents --format compact` writes
// it) is YAML whose incidents are written one a line, each as a JSON
// object, JSON being YAML's flow syntax:
//
//	backstop: v1
//	kind: Incidents
//	incidents:
//	- {"id":"a-1","time":"2024-07-01T00:00:00Z","type":"explosion","lat":48.86,"lon":37.69}
//
// Parse reads a file that is only such documents (separated by "---")
// without YAML's parser, and the Loader decodes their incidents without
// YAML's decoder: parsing and decoding nodes was nearly all the cost of
// loading an Incidents document, which the server does for every one it
// stores when it rebuilds its record. Three hooks, each one line in the
// Loader, and nothing else knows of it:
//
//   - Parse (parseCompact) takes a file only when every line of it is in
//     the shape below, which YAML's parser reads without an error into the
//     values JSON gives; else the file is parsed as any other.
//   - AddParsed (addCompact) decodes a compact document's incidents, and
//     takes them only when the YAML path would give the same ones without
//     a diagnostic: the keys of an incident, each once, the required ones
//     not empty, each value of its field's type, its time RFC 3339, its
//     coordinates and fatalities within range (the rules' checks). Else
//     the document is parsed and decoded as any other (expandCompact).
//   - Finish (expandCompactDuplicates), before the rules, does the same
//     to a compact document with an incident id that another document,
//     or itself, gives too, so that the duplicate-id error, and the place
//     of the first id it names, are where the YAML path puts them.
//
// The shape: "- " then one JSON object on the line, no white space
// outside strings, keys and values strings, numbers (JSON's grammar) or
// an object of strings; strings without \uD800–\uDFFF escapes (JSON's
// surrogate pairs, an error in YAML) and without raw DEL, C1 controls
// (NEL, a line break in YAML, among them), U+2028, U+2029 (line breaks
// too), U+FEFF, U+FFFE or U+FFFF, which YAML refuses or reads otherwise.
// Whatever the fast path does not take gets the YAML path's diagnostics,
// exactly (compact_test.go compares both paths, and FuzzCompactLine
// random lines).

// compactHeader starts every compact document.
const compactHeader = "backstop: " + model.Version + "\nkind: " + string(model.KindIncidents) + "\nincidents:\n"

// compactMark is the Alias of the incidents node of a compact document's
// root, which parseCompact makes without parsing: no parsed node has an
// Alias unless it is an alias node.
var compactMark = &yaml.Node{}

// parseCompact is Parse's fast path: when src is compact documents only,
// it returns them parsed, each root the header with its positions and
// the incidents node marked by compactMark, empty; the Loader decodes the
// incidents from the text (addCompact). Else it returns nil. The file it
// takes is valid UTF-8 with "\n" line breaks only, and every line of
// incidents is one JSON object that YAML parses without an error into
// the same values JSON gives (checkCompact): what YAML's parser would
// find in it is what addCompact decodes, or reads with YAML's decoder if
// it is not in the fast path's shape.
func parseCompact(name string, src []byte) *Parsed {
	if !bytes.HasPrefix(src, []byte(compactHeader)) || !utf8.Valid(src) {
		return nil
	}
	var roots []*yaml.Node
	line, off := 1, 0
	for {
		if !bytes.HasPrefix(src[off:], []byte(compactHeader)) {
			return nil
		}
		start := line
		off += len(compactHeader)
		line += 3
		n := 0
		for ; off < len(src) && isItem(src[off:]); n++ {
			end := lineEnd(src, off)
			if !checkCompact(src[off+2 : end]) {
				return nil
			}
			off, line = min(end+1, len(src)), line+1
		}
		if n == 0 {
			return nil
		}
		roots = append(roots, compactRoot(start))
		if off == len(src) {
			break
		}
		if !bytes.HasPrefix(src[off:], []byte("---\n")) {
			return nil
		}
		off, line = off+4, line+1
	}
	// newFile's line starts, for a text whose only line break is "\n"
	f := &File{Name: name, Src: src, lineStarts: make([]int, 1, line+1)}
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		f.lineStarts = append(f.lineStarts, i)
	}
	return &Parsed{file: f, roots: roots}
}

// isItem reports whether b starts with an incident's line.
func isItem(b []byte) bool { return len(b) > 2 && b[0] == '-' && b[1] == ' ' && b[2] == '{' }

// lineEnd returns the offset of the line break that ends the line at off,
// or len(src).
func lineEnd(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(src)
}

// compactRoot returns the root a compact document starting at line
// parses to, but for its incidents, left out and marked: the header's
// nodes where the parser puts them, which Kinds and the Loader read.
func compactRoot(line int) *yaml.Node {
	scalar := func(line, col int, v string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: line, Column: col}
	}
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line, Column: 1, Content: []*yaml.Node{
		scalar(line, 1, "backstop"), scalar(line, 11, model.Version),
		scalar(line+1, 1, "kind"), scalar(line+1, 7, string(model.KindIncidents)),
		scalar(line+2, 1, "incidents"),
		{Kind: yaml.SequenceNode, Tag: "!!seq", Line: line + 3, Column: 1, Alias: compactMark},
	}}
}

// compactIncidents returns the marked incidents node of a root that
// parseCompact made, or nil.
func compactIncidents(root *yaml.Node) *yaml.Node {
	if root == nil || root.Kind != yaml.MappingNode || len(root.Content) != 6 || root.Content[5].Alias != compactMark {
		return nil
	}
	return root.Content[5]
}

// addCompact adds a document whose root parseCompact made, decoding its
// incidents from the text, and returns true; it returns false, doing
// nothing, for any other document. A document not in the fast path's
// shape, or with an incident the rules would report, is read through
// YAML instead (expandCompact), for the diagnostics.
func (l *Loader) addCompact(doc *Document) bool {
	seq := compactIncidents(doc.Root)
	if seq == nil {
		return false
	}
	src := doc.File.Src
	first := doc.File.lineStarts[seq.Line-1]
	n := 0
	for off := first; off < len(src) && isItem(src[off:]); off = lineEnd(src, off) + 1 {
		n++
	}
	incs := make([]model.Incident, n)
	off := first
	for i := range incs {
		end := lineEnd(src, off)
		if !decodeCompact(src[off+2:end], &incs[i]) {
			l.expandCompact(doc)
			if l.decodeDocument(doc) {
				l.docs = append(l.docs, doc)
			}
			return true
		}
		off = end + 1
	}
	root := doc.Root
	doc.record("", root)
	doc.record("kind", root.Content[3])
	doc.recordKey("incidents", root.Content[4])
	doc.record("incidents", seq)
	doc.lastLine = seq.Line + n - 1
	doc.Kind = model.KindIncidents
	doc.Incidents = &model.Incidents{Incidents: incs}
	l.docs = append(l.docs, doc)
	return true
}

// expandCompact gives a compact document its root as YAML's parser reads
// it, and forgets what was decoded, so that decodeDocument decodes it as
// any other document, with every node for the diagnostics. It parses the
// document's own lines, then moves its nodes to their lines in the file.
func (l *Loader) expandCompact(doc *Document) {
	f, seq := doc.File, compactIncidents(doc.Root)
	start := f.lineStarts[doc.Root.Line-1]
	end := f.lineStarts[seq.Line-1]
	for end < len(f.Src) && isItem(f.Src[end:]) {
		end = min(lineEnd(f.Src, end)+1, len(f.Src))
	}
	var n yaml.Node
	if err := yaml.Unmarshal(f.Src[start:end], &n); err != nil || len(n.Content) != 1 {
		panic("load: a compact document does not parse as YAML") // parseCompact takes none such
	}
	var shift func(*yaml.Node)
	shift = func(n *yaml.Node) {
		n.Line += doc.Root.Line - 1
		for _, c := range n.Content {
			shift(c)
		}
	}
	shift(n.Content[0])
	*doc = Document{File: f, Index: doc.Index, Key: doc.Key, Root: n.Content[0],
		values: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}, failed: map[string]bool{}}
}

// expandCompactDuplicates runs before the rules: a compact document that
// has an incident id of another document (or one of its own twice) is
// read again through YAML, so that the duplicate-id error, and the place
// of the first id it names, are where the YAML path puts them.
func (l *Loader) expandCompactDuplicates() {
	found := false
	for _, d := range l.docs {
		if d.Incidents != nil && compactIncidents(d.Root) != nil {
			found = true
			break
		}
	}
	if !found {
		return
	}
	n := 0
	for _, d := range l.docs {
		if d.Incidents != nil {
			n += len(d.Incidents.Incidents)
		}
	}
	first := make(map[string]*Document, n)
	expand := map[*Document]bool{}
	for _, d := range l.docs {
		if d.Incidents == nil {
			continue
		}
		for _, inc := range d.Incidents.Incidents {
			if inc.ID == "" {
				continue
			}
			f, dup := first[inc.ID]
			if !dup {
				first[inc.ID] = d
				continue
			}
			for _, x := range []*Document{f, d} {
				if compactIncidents(x.Root) != nil {
					expand[x] = true
				}
			}
		}
	}
	for _, d := range l.docs {
		if expand[d] {
			l.expandCompact(d)
			l.decodeDocument(d)
		}
	}
}

// checkCompact reports whether b (a line without its "- ") is one JSON
// object in the shape YAML's parser reads as JSON does, without an
// error: no white space outside strings, keys strings, values strings,
// numbers or an object of strings (strings as str takes them), nothing
// after it. It decodes nothing: which keys, and whether each value suits
// its field, is decodeCompact's to say.
func checkCompact(b []byte) bool {
	s := compactScanner{b: b}
	if !s.skip('{') {
		return false
	}
	for first := true; !s.skip('}'); first = false {
		if !first && !s.skip(',') || s.str() < 0 || !s.skip(':') {
			return false
		}
		switch {
		case s.i < len(b) && b[s.i] == '"':
			if s.str() < 0 {
				return false
			}
		case s.i < len(b) && b[s.i] == '{':
			s.i++
			for first := true; !s.skip('}'); first = false {
				if !first && !s.skip(',') || s.str() < 0 || !s.skip(':') || s.str() < 0 {
					return false
				}
			}
		default:
			if num, _ := s.number(); num == nil {
				return false
			}
		}
	}
	return s.i == len(b)
}

// decodeCompact decodes one incident's JSON object (a line without its
// "- ", which checkCompact took) into inc, and reports whether it is in
// the fast path's shape (the keys of an incident, each once, the
// required ones not empty, each value of its field's type) and the
// incident valid, as decoding and the rules check it: when not, the
// document goes through YAML, for the diagnostics.
func decodeCompact(b []byte, inc *model.Incident) bool {
	// The incident's strings are parts of the line's, copied once.
	s := compactScanner{b: b, s: string(b)}
	if !s.skip('{') {
		return false
	}
	var seen uint16
	for first := true; !s.skip('}'); first = false {
		if !first && !s.skip(',') {
			return false
		}
		k := s.key()
		if k < 0 || seen&(1<<k) != 0 || !s.skip(':') || !s.value(inc, k) {
			return false
		}
		seen |= 1 << k
	}
	const required = 1<<keyID | 1<<keyTime | 1<<keyType
	if s.i != len(b) || seen&required != required || inc.ID == "" || inc.Type == "" {
		return false
	}
	switch { // checkIncidents' errors
	case (inc.Lat == nil) != (inc.Lon == nil),
		inc.Lat != nil && (*inc.Lat < -90 || *inc.Lat > 90),
		inc.Lon != nil && (*inc.Lon < -180 || *inc.Lon > 180),
		inc.Fatalities < 0:
		return false
	}
	return true
}

// The keys of an incident, as model.Incident's yaml tags name them.
const (
	keyID = iota
	keyTime
	keyType
	keySubtype
	keyActor
	keyCountry
	keyAdmin1
	keyLocation
	keyLat
	keyLon
	keyFatalities
	keySource
	keyFields
)

// compactScanner walks one line of JSON in the compact shape: b, and s
// the same bytes as a string (decodeCompact) or "" (checkCompact).
type compactScanner struct {
	b []byte
	s string
	i int
}

// skip consumes c.
func (s *compactScanner) skip(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// key consumes a key of an incident and returns its index, or -1.
func (s *compactScanner) key() int {
	start := s.i + 1
	end := s.str()
	if end < 0 {
		return -1
	}
	switch string(s.b[start:end]) {
	case "id":
		return keyID
	case "time":
		return keyTime
	case "type":
		return keyType
	case "subtype":
		return keySubtype
	case "actor":
		return keyActor
	case "country":
		return keyCountry
	case "admin1":
		return keyAdmin1
	case "location":
		return keyLocation
	case "lat":
		return keyLat
	case "lon":
		return keyLon
	case "fatalities":
		return keyFatalities
	case "source":
		return keySource
	case "fields":
		return keyFields
	}
	return -1 // unknown, or written with an escape: YAML's decoder reports it
}

// value decodes the value of key k into inc.
func (s *compactScanner) value(inc *model.Incident, k int) bool {
	switch k {
	case keyLat, keyLon:
		num, _ := s.number()
		if num == nil {
			return false
		}
		f, err := strconv.ParseFloat(s.s[s.i-len(num):s.i], 64) // as parseNumber: a JSON number is finite or out of range
		if err != nil {
			return false
		}
		if k == keyLat {
			inc.Lat = &f
		} else {
			inc.Lon = &f
		}
		return true
	case keyFatalities:
		num, integer := s.number()
		if num == nil || !integer {
			return false
		}
		n, err := strconv.ParseInt(s.s[s.i-len(num):s.i], 10, 64) // as decode does
		inc.Fatalities = int(n)
		return err == nil
	case keyFields:
		return s.fields(&inc.Fields)
	case keyTime:
		start := s.i
		v, ok := s.text()
		if !ok {
			return false
		}
		if s.b[start+1+len(v)] == '"' { // no escape: the line's bytes
			return inc.Time.UnmarshalText(s.b[start+1:start+1+len(v)]) == nil
		}
		return inc.Time.UnmarshalText([]byte(v)) == nil
	}
	v, ok := s.text()
	if !ok {
		return false
	}
	switch k {
	case keyID:
		inc.ID = v
	case keyType:
		inc.Type = v
	case keySubtype:
		inc.Subtype = v
	case keyActor:
		inc.Actor = v
	case keyCountry:
		inc.Country = v
	case keyAdmin1:
		inc.Admin1 = v
	case keyLocation:
		inc.Location = v
	case keySource:
		inc.Source = v
	}
	return true
}

// fields decodes an object of strings, each key once, into a new map.
func (s *compactScanner) fields(dst *map[string]string) bool {
	if !s.skip('{') {
		return false
	}
	m := map[string]string{}
	for first := true; !s.skip('}'); first = false {
		if !first && !s.skip(',') {
			return false
		}
		k, ok := s.text()
		if !ok || !s.skip(':') {
			return false
		}
		if _, dup := m[k]; dup {
			return false // YAML's decoder reports the duplicate key
		}
		if m[k], ok = s.text(); !ok {
			return false
		}
	}
	*dst = m
	return true
}

// text consumes a string (str) and returns its value: part of s.s when
// it has no escape.
func (s *compactScanner) text() (string, bool) {
	start := s.i + 1
	end := s.str()
	if end < 0 {
		return "", false
	}
	if bytes.IndexByte(s.b[start:end], '\\') < 0 {
		return s.s[start:end], true
	}
	out := make([]byte, 0, end-start)
	for j := start; j < end; j++ {
		c := s.b[j]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		j++
		switch s.b[j] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := strconv.ParseUint(string(s.b[j+1:j+5]), 16, 32) // str checked the digits
			out = utf8.AppendRune(out, rune(r))
			j += 4
		default: // " \ /
			out = append(out, s.b[j])
		}
	}
	return string(out), true
}

// str consumes a JSON string and returns the offset of its closing quote,
// or -1 when there is none or the string is one YAML reads otherwise
// than JSON, or not at all: with the escapes \uD800–\uDFFF (JSON's
// surrogate pairs, an error in YAML), or raw DEL, a C1 control (NEL, a
// line break in YAML, among them), U+2028, U+2029 (line breaks too),
// U+FEFF, U+FFFE or U+FFFF. The line is valid UTF-8 (parseCompact
// checked it).
func (s *compactScanner) str() int {
	if !s.skip('"') {
		return -1
	}
	b := s.b
	for j := s.i; j < len(b); j++ {
		for j < len(b) && !strSpecial[b[j]] {
			j++
		}
		if j == len(b) {
			break
		}
		switch c := b[j]; {
		case c == '"':
			s.i = j + 1
			return j
		case c == '\\':
			if j+1 >= len(b) {
				return -1
			}
			j++
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(b) {
					return -1
				}
				r, err := strconv.ParseUint(string(b[j+1:j+5]), 16, 32)
				if err != nil || r >= 0xD800 && r <= 0xDFFF {
					return -1
				}
				j += 4
			default:
				return -1
			}
		case c < 0x20 || c == 0x7F:
			return -1
		case c >= 0xC2 && !rawOK(b[j:]):
			return -1
		}
	}
	return -1
}

// strSpecial marks the bytes str looks at: the quote, the backslash,
// control characters, DEL and the lead bytes rawOK checks.
var strSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for _, c := range []byte{'"', '\\', 0x7F, 0xC2, 0xE2, 0xEF} {
		t[c] = true
	}
	return t
}()

// rawOK reports whether the UTF-8 sequence at the start of b (lead byte
// 0xC2 or more) may be written raw in a YAML double-quoted scalar on one
// line.
func rawOK(b []byte) bool {
	switch b[0] {
	case 0xC2: // U+0080–U+00BF: C1 controls below U+00A0
		return len(b) > 1 && b[1] >= 0xA0
	case 0xE2: // U+2028, U+2029
		return !(len(b) > 2 && b[1] == 0x80 && (b[2] == 0xA8 || b[2] == 0xA9))
	case 0xEF: // U+FEFF, U+FFFE, U+FFFF
		return !(len(b) > 2 && (b[1] == 0xBB && b[2] == 0xBF || b[1] == 0xBF && (b[2] == 0xBE || b[2] == 0xBF)))
	}
	return true
}

// number consumes a number in JSON's grammar and returns its text (nil
// for none), and whether it is an integer (no fraction, no exponent).
func (s *compactScanner) number() (num []byte, integer bool) {
	n, integer := jsonnum.Scan(s.b[s.i:])
	if n == 0 {
		return nil, false
	}
	num, s.i = s.b[s.i:s.i+n], s.i+n
	return num, integer
}
