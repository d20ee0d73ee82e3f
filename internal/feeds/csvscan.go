package feeds

import (
	"encoding/csv"
	"io"
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Scanner reads the records of CSV text held in memory exactly as an
// encoding/csv Reader with ReuseRecord set and LazyQuotes,
// TrimLeadingSpace and Comment left at their zero values reads them: the
// same records, the same errors (*csv.ParseError, with the same lines and
// columns) and the same FieldPos. It is faster because it does not copy:
// encoding/csv copies every record into a buffer and allocates a string
// for it; the Scanner converts the text to a string once, and a field is
// a piece of it unless it has to be rewritten (a doubled quote, a CRLF
// inside quotes). FuzzScanner checks the equivalence.
//
// Kept fields keep the whole text in memory; the readers keep most of
// each row in the incident's fields (Incident.Columns) anyway.
type Scanner struct {
	// FieldsPerRecord is csv.Reader's: above 0, the number of fields
	// every record must have; 0 sets it from the first record; below 0,
	// records may have any number of fields.
	FieldsPerRecord int

	text     string
	off      int    // where the next record starts
	line     int    // the lines read so far, as csv.Reader counts them
	recLine  int    // the line on which the record last read starts
	comma    string // the delimiter, UTF-8 encoded
	commaLen int
	// nextQuote and nextNL are the offsets of the next '"' and '\n' at or
	// after the last search (len(text) when there is none), searched for
	// again only once passed: a line of many fields is searched once for
	// its end, not once per field.
	nextQuote, nextNL int

	record []string
	buf    []byte // a field being rewritten
	// rewritten holds the text of the rewritten fields, many to an
	// allocation.
	rewritten fieldArena

	// recStart is the state before the record last read, to read it
	// again for FieldPos.
	recStart scanState
	// positions are those of the fields of the record last read when
	// located; only a Scanner that is locating them fills them.
	positions         []fieldPosition
	located, locating bool
}

type fieldPosition struct{ line, col int }

// scanState is the state in which a Scanner starts a record.
type scanState struct{ off, line, nextQuote, nextNL int }

// NewTextScanner returns a Scanner of text (Source.Text, which it does
// not copy) with the delimiter comma, which must be valid for
// encoding/csv (ValidDelimiter).
func NewTextScanner(text string, comma rune) *Scanner {
	c := string(comma)
	return &Scanner{text: text, comma: c, commaLen: len(c), nextQuote: -1, nextNL: -1}
}

// NewTextScannerAt is NewTextScanner of text that is the end of a file
// from the start of a line, linesBefore lines in: the lines FieldPos and
// the errors give are the file's.
func NewTextScannerAt(text string, comma rune, linesBefore int) *Scanner {
	s := NewTextScanner(text, comma)
	s.line = linesBefore
	return s
}

// Offset is where in the text the next record starts (or the empty
// lines before it).
func (s *Scanner) Offset() int { return s.off }

// ValidDelimiter reports whether encoding/csv accepts r as a delimiter.
func ValidDelimiter(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

// FieldPos is csv.Reader.FieldPos: the line and the 1-based byte column
// where field i of the record last read starts.
func (s *Scanner) FieldPos(i int) (line, column int) {
	if i == 0 && len(s.record) > 0 {
		// A record starts a line (the readers ask for its line per row).
		return s.recLine, 1
	}
	if !s.located {
		// Reading the positions of every field costs more than reading
		// again the few records whose fields are asked for (a
		// diagnostic's). The searches for quotes and newlines start
		// where the first reading's did, and the fields rewritten go to
		// the same arena: a record is read again in the time and space
		// it took.
		st := s.recStart
		again := Scanner{text: s.text, off: st.off, line: st.line,
			comma: s.comma, commaLen: s.commaLen, nextQuote: st.nextQuote, nextNL: st.nextNL,
			rewritten: s.rewritten, locating: true, positions: s.positions[:0]}
		again.readRecord()
		s.positions, s.located = again.positions, true
	}
	if i < 0 || i >= len(s.positions) {
		panic("out of range index passed to FieldPos")
	}
	p := s.positions[i]
	return p.line, p.col
}

// quoteFrom returns the offset of the first '"' at or after off.
func (s *Scanner) quoteFrom(off int) int {
	if s.nextQuote < off {
		s.nextQuote = indexFrom(s.text, off, '"')
	}
	return s.nextQuote
}

// newlineFrom returns the offset of the first '\n' at or after off.
func (s *Scanner) newlineFrom(off int) int {
	if s.nextNL < off {
		s.nextNL = indexFrom(s.text, off, '\n')
	}
	return s.nextNL
}

// indexFrom is the offset of the first b in text at or after off, or
// len(text).
func indexFrom(text string, off int, b byte) int {
	if i := indexByte(text[off:], b); i >= 0 {
		return off + i
	}
	return len(text)
}

// shortField is the length up to which indexByte looks at the bytes
// itself.
const shortField = 32

// indexByte is strings.IndexByte, faster on the short fields that most
// of a file's fields are: their end is found, eight bytes at a time,
// before a call to strings.IndexByte would have set up.
func indexByte(s string, b byte) int {
	pattern := byteLows * uint64(b)
	i := 0
	for ; i+8 <= len(s) && i < shortField; i += 8 {
		if found := zeroBytes(load64(s, i) ^ pattern); found != 0 {
			return i + bits.TrailingZeros64(found)/8
		}
	}
	if i < shortField {
		for ; i < len(s); i++ {
			if s[i] == b {
				return i
			}
		}
		return -1
	}
	if j := strings.IndexByte(s[i:], b); j >= 0 {
		return i + j
	}
	return -1
}

// byteLows and byteHighs have the lowest and the highest bit of each
// byte of a word set.
const byteLows, byteHighs = 0x0101010101010101, 0x8080808080808080

// zeroBytes returns w with the high bit of each zero byte set, and no
// other bit: the bytes of a word XOR byteLows*b that were b. (Each byte's
// low bits are added apart: no sum carries into the next byte.)
func zeroBytes(w uint64) uint64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	return ^((w&low7 + low7) | w) & byteHighs
}

// load64 returns the eight bytes of s from i, the first the lowest: the
// compiler makes it one load.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// lineEnd returns where the content of the line holding off ends and the
// next line starts: csv.Reader drops a final "\r\n" or "\n", and a "\r"
// that ends the text.
func (s *Scanner) lineEnd(off int) (end, next int) {
	nl := s.newlineFrom(off)
	if nl == len(s.text) {
		if nl > off && s.text[nl-1] == '\r' {
			return nl - 1, nl
		}
		return nl, nl
	}
	if nl > off && s.text[nl-1] == '\r' {
		return nl - 1, nl + 1
	}
	return nl, nl + 1
}

// Read returns the next record, reusing the slice of the previous one; a
// syntax error is a *csv.ParseError, with the fields read before it;
// io.EOF ends the text. See csv.Reader.Read.
func (s *Scanner) Read() ([]string, error) {
	rec, err := s.readRecord()
	if err == io.EOF {
		return nil, io.EOF
	}
	switch {
	case s.FieldsPerRecord > 0:
		if len(rec) != s.FieldsPerRecord && err == nil {
			err = &csv.ParseError{StartLine: s.recLine, Line: s.recLine, Column: 1, Err: csv.ErrFieldCount}
		}
	case s.FieldsPerRecord == 0:
		s.FieldsPerRecord = len(rec)
	}
	return rec, err
}

// skipEmptyLines passes the lines that hold nothing (csv.Reader skips
// them) and reports whether a record follows.
func (s *Scanner) skipEmptyLines() bool {
	for {
		switch rest := s.text[s.off:]; {
		case rest == "":
			return false
		case rest[0] == '\n':
			s.off++
		case rest == "\r":
			s.off++
		case len(rest) >= 2 && rest[0] == '\r' && rest[1] == '\n':
			s.off += 2
		default:
			return true
		}
		s.line++
	}
}

// readRecord is csv.Reader.readRecord, without the check of
// FieldsPerRecord.
func (s *Scanner) readRecord() ([]string, error) {
	s.record = s.record[:0]
	s.positions = s.positions[:0]
	s.located = s.locating
	if !s.skipEmptyLines() {
		s.line++ // csv.Reader counts the read that finds the end
		return nil, io.EOF
	}
	s.recStart = scanState{s.off, s.line, s.nextQuote, s.nextNL}
	s.line++
	s.recLine = s.line
	recLine := s.line
	lineStart := s.off
	off := s.off
	// end and next are lineEnd of the line being read, found once per
	// line: off passes end only when a quoted field takes it to a later
	// line.
	end, next := -1, -1
fields:
	for {
		if off < len(s.text) && s.text[off] == '"' {
			col := off - lineStart + 1
			line := s.line
			field, after, err := s.quoted(off, &lineStart, recLine)
			if err != nil {
				return s.record, err
			}
			s.record = append(s.record, field)
			s.locate(line, col)
			if after < 0 { // the record ends with the field
				return s.record, nil
			}
			off = after
			continue
		}
		if off > end {
			end, next = s.lineEnd(off)
		}
		// The fields that end before the next quote hold none: split
		// them in one pass. Then a field that starts with the quote is
		// quoted; one that holds it after its start is an error.
		limit := min(s.quoteFrom(off), end)
		off = s.splitPlain(off, limit, lineStart)
		if off < end && s.text[off] == '"' {
			continue fields
		}
		if limit < end {
			s.off = next
			return s.record, &csv.ParseError{StartLine: recLine, Line: s.line, Column: limit - lineStart + 1, Err: csv.ErrBareQuote}
		}
		s.appendField(off, end, lineStart)
		s.off = next
		return s.record, nil
	}
}

// splitPlain appends the fields of text[off:limit] (which holds no
// quote) that a comma ends, and returns where the field after the last
// of them starts.
func (s *Scanner) splitPlain(off, limit, lineStart int) int {
	if s.commaLen > 1 {
		for {
			i := strings.Index(s.text[off:limit], s.comma)
			if i < 0 {
				return off
			}
			s.appendField(off, off+i, lineStart)
			off += i + s.commaLen
		}
	}
	// Eight bytes at a time, as most fields are short: a call to find
	// each comma cost more than its search.
	comma := s.comma[0]
	pattern := byteLows * uint64(comma)
	i := off
	for i+8 <= limit {
		commas := zeroBytes(load64(s.text, i) ^ pattern)
		if commas == 0 && i-off >= shortField {
			// A long field, whose end strings.IndexByte finds faster.
			j := strings.IndexByte(s.text[i:limit], comma)
			if j < 0 {
				return off
			}
			s.appendField(off, i+j, lineStart)
			off, i = i+j+1, i+j+1
			continue
		}
		for ; commas != 0; commas &= commas - 1 {
			j := i + bits.TrailingZeros64(commas)/8
			s.appendField(off, j, lineStart)
			off = j + 1
		}
		i += 8
	}
	for ; i < limit; i++ {
		if s.text[i] == comma {
			s.appendField(off, i, lineStart)
			off = i + 1
		}
	}
	return off
}

// appendField adds text[from:to] to the record, a field of the line that
// starts at lineStart.
func (s *Scanner) appendField(from, to, lineStart int) {
	s.record = append(s.record, s.text[from:to])
	s.locate(s.line, from-lineStart+1)
}

// locate records the position of the field just read, when FieldPos
// needs it.
func (s *Scanner) locate(line, col int) {
	if s.locating {
		s.positions = append(s.positions, fieldPosition{line, col})
	}
}

// quoted reads the quoted field that starts at off (on the opening
// quote) on the line that starts at *lineStart, which it moves when the
// field spans lines. It returns the field and where the next field
// starts, or a negative next when the record ends with the field (s.off
// is then where the next record starts).
func (s *Scanner) quoted(off int, lineStart *int, recLine int) (field string, next int, err error) {
	start := off + 1 // the field's first byte
	rewritten := false
	s.buf = s.buf[:0]
	for from := start; ; {
		q := s.quoteFrom(from)
		if q == len(s.text) {
			s.off = len(s.text)
			line, col := s.unterminated(from, from-*lineStart+1)
			return "", 0, &csv.ParseError{StartLine: recLine, Line: line, Column: col, Err: csv.ErrQuote}
		}
		part := s.text[from:q]
		if nl := s.newlineFrom(from); nl < q {
			lines := strings.Count(part, "\n")
			s.line += lines
			*lineStart = from + strings.LastIndexByte(part, '\n') + 1
			if strings.Contains(part, "\r\n") {
				// csv.Reader reads "\r\n" at the end of each line as "\n".
				part = strings.ReplaceAll(part, "\r\n", "\n")
				rewritten = true
			}
		}
		after := q + 1
		rest := s.text[after:]
		switch {
		case len(rest) > 0 && rest[0] == '"': // a doubled quote is one quote
			s.buf = append(append(s.buf, part...), '"')
			rewritten = true
			from = after + 1
			continue
		case strings.HasPrefix(rest, s.comma):
			next = after + s.commaLen
		case rest == "" || rest == "\r" || rest[0] == '\n' || strings.HasPrefix(rest, "\r\n"):
			next = -1
			_, s.off = s.lineEnd(after)
		default:
			_, s.off = s.lineEnd(after)
			return "", 0, &csv.ParseError{StartLine: recLine, Line: s.line, Column: q - *lineStart + 1, Err: csv.ErrQuote}
		}
		if !rewritten {
			return s.text[start:q], next, nil
		}
		s.buf = append(s.buf, part...)
		return s.rewritten.string(s.buf), next, nil
	}
}

// fieldArena makes strings of bytes many to an allocation: a field
// rewritten is a few hundred bytes, and one allocation each was a tenth
// of the Scanner's time. A strings.Builder only ever appends to its
// bytes, so the strings cut from it stay as they are, even when two
// arenas (copies) append to it; a string kept keeps its whole chunk, a
// small part of the text the fields keep.
type fieldArena struct{ b *strings.Builder }

// arenaChunk is the size of the arena's allocations.
const arenaChunk = 16 << 10

func (a *fieldArena) string(p []byte) string {
	if a.b == nil || a.b.Cap()-a.b.Len() < len(p) {
		a.b = new(strings.Builder)
		a.b.Grow(max(len(p), arenaChunk))
	}
	start := a.b.Len()
	a.b.Write(p)
	return a.b.String()[start:]
}

// unterminated locates the error of a quoted field that has no closing
// quote, as csv.Reader does: it reads line after line from off (at
// column col of the line s.line), each line's content moving the column
// on, until the text ends, and reports where it stopped.
func (s *Scanner) unterminated(off, col int) (line, column int) {
	line = s.line
	for first := true; off < len(s.text); first = false {
		nl := indexFrom(s.text, off, '\n')
		n := nl + 1 - off // the line as read, its "\n" included
		if nl == len(s.text) {
			n = nl - off
			if s.text[nl-1] == '\r' {
				n-- // a final "\r" is dropped
			}
		} else if nl > off && s.text[nl-1] == '\r' {
			n-- // "\r\n" is read as "\n"
		}
		if !first {
			if n == 0 {
				break // an empty last line moves nothing on
			}
			line, col = line+1, 1
		}
		col += n
		off = nl + 1
	}
	return line, col
}
