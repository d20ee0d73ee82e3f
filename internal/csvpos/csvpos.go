// Package csvpos locates the records of encoding/csv in their file, so that
// every reader of a CSV data set (internal/gdp, internal/importer, the
// incident feeds) reports a bad row as FILE:LINE:COL the same way.
// encoding/csv counts lines by LF and columns in bytes; diagnostics count
// columns in characters.
package csvpos

import (
	"encoding/csv"
	"errors"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/diag"
)

// Diagnostic codes of the errors Error turns into diagnostics.
const (
	CodeIO         = "io"
	CodeCSV        = "csv-syntax"
	CodeFieldCount = "field-count"
)

// Source is one CSV file's contents, indexed by line.
type Source struct {
	name       string
	src        []byte
	lineStarts []int // byte offset of each line's start; lineStarts[0] is line 1
}

// New indexes src, read from the file called name.
func New(name string, src []byte) *Source {
	s := &Source{name: name, src: src, lineStarts: []int{0}}
	for i, b := range src {
		if b == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// Name returns the file name diagnostics carry.
func (s *Source) Name() string { return s.name }

// Range returns the position of a 1-based line and byte column, with the
// column converted to characters.
func (s *Source) Range(line, byteCol int) diag.Range {
	line = min(max(line, 1), len(s.lineStarts))
	start := s.lineStarts[line-1]
	off := min(start+max(byteCol, 1)-1, len(s.src))
	p := diag.Pos{Line: line, Column: utf8.RuneCount(s.src[start:off]) + 1, Byte: off}
	return diag.Range{File: s.name, Start: p, End: p}
}

// Field locates field i of the record cr returned last.
func (s *Source) Field(cr *csv.Reader, i int) diag.Range {
	line, col := cr.FieldPos(i)
	return s.Range(line, col)
}

// Error turns an error of csv.Reader.Read into a diagnostic; rec is the
// record encoding/csv returns with ErrFieldCount.
func (s *Source) Error(cr *csv.Reader, err error, rec []string) diag.Diagnostic {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return diag.Errorf(diag.Range{File: s.name}, CodeIO, "reading: %v", err)
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		want := cr.FieldsPerRecord
		at := s.Range(pe.StartLine, 1)
		if len(rec) > want {
			at = s.Field(cr, want)
		}
		return diag.Errorf(at, CodeFieldCount, "row has %d fields, the header %d; row skipped", len(rec), want)
	}
	return diag.Errorf(s.Range(pe.Line, pe.Column), CodeCSV, "CSV syntax: %v; row skipped", pe.Err)
}
