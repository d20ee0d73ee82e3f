package feeds

import (
	"encoding/csv"
	"io"
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

	record    []string
	positions []fieldPosition
	buf       []byte // a field being rewritten
}

type fieldPosition struct{ line, col int }

// NewScanner returns a Scanner of data with the delimiter comma, which
// must be valid for encoding/csv (ValidDelimiter).
func NewScanner(data []byte, comma rune) *Scanner {
	return NewTextScanner(string(data), comma)
}

// NewTextScanner is NewScanner of text already a string (Source.Text),
// which it does not copy.
func NewTextScanner(text string, comma rune) *Scanner {
	c := string(comma)
	return &Scanner{text: text, comma: c, commaLen: len(c), nextQuote: -1, nextNL: -1}
}

// ValidDelimiter reports whether encoding/csv accepts r as a delimiter.
func ValidDelimiter(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && utf8.ValidRune(r) && r != utf8.RuneError
}

// FieldPos is csv.Reader.FieldPos: the line and the 1-based byte column
// where field i of the record last read starts.
func (s *Scanner) FieldPos(i int) (line, column int) {
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

// shortField is the length up to which indexByte looks at each byte
// itself.
const shortField = 16

// indexByte is strings.IndexByte, faster on the short fields that most
// of a file's fields are: their end is found before a call to
// strings.IndexByte would have set up.
func indexByte(s string, b byte) int {
	n := min(len(s), shortField)
	for i := range n {
		if s[i] == b {
			return i
		}
	}
	if n == len(s) {
		return -1
	}
	if i := strings.IndexByte(s[n:], b); i >= 0 {
		return n + i
	}
	return -1
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
	if !s.skipEmptyLines() {
		s.line++ // csv.Reader counts the read that finds the end
		return nil, io.EOF
	}
	s.line++
	s.recLine = s.line
	recLine := s.line
	lineStart := s.off
	off := s.off
	for {
		pos := fieldPosition{s.line, off - lineStart + 1}
		if off < len(s.text) && s.text[off] == '"' {
			field, next, err := s.quoted(off, &lineStart, recLine)
			if err != nil {
				return s.record, err
			}
			s.record = append(s.record, field)
			s.positions = append(s.positions, pos)
			if next < 0 { // the record ends with the field
				return s.record, nil
			}
			off = next
			continue
		}
		end, next := s.lineEnd(off)
		fieldEnd, more := end, false
		if i := s.indexComma(s.text[off:end]); i >= 0 {
			fieldEnd, more = off+i, true
		}
		if q := s.quoteFrom(off); q < fieldEnd {
			s.off = next
			return s.record, &csv.ParseError{StartLine: recLine, Line: s.line, Column: pos.col + q - off, Err: csv.ErrBareQuote}
		}
		s.record = append(s.record, s.text[off:fieldEnd])
		s.positions = append(s.positions, pos)
		if !more {
			s.off = next
			return s.record, nil
		}
		off = fieldEnd + s.commaLen
	}
}

func (s *Scanner) indexComma(field string) int {
	if s.commaLen == 1 {
		return indexByte(field, s.comma[0])
	}
	return strings.Index(field, s.comma)
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
		return string(s.buf), next, nil
	}
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
