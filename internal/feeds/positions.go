package feeds

import (
	"encoding/csv"
	"errors"

	"github.com/backstop-dev/backstop/internal/csvpos"
	"github.com/backstop-dev/backstop/internal/diag"
)

// Positions locates the rows of a CSV file for diagnostics, as
// csvpos.Source does, but indexes the file's lines only when the first
// diagnostic needs them: a file without problems never pays for the
// index (a pass over every byte, and a slice as long as the file has
// lines).
type Positions struct {
	name string
	data []byte
	src  *csvpos.Source
}

// NewPositions returns the positions of data, read from the file called
// name.
func NewPositions(name string, data []byte) *Positions {
	return &Positions{name: name, data: data}
}

func (p *Positions) source() *csvpos.Source {
	if p.src == nil {
		p.src = csvpos.New(p.name, p.data)
	}
	return p.src
}

// Range is csvpos.Source.Range.
func (p *Positions) Range(line, byteCol int) diag.Range { return p.source().Range(line, byteCol) }

// FieldLocator locates the fields of the record last read: *csv.Reader
// and *Scanner are.
type FieldLocator interface {
	FieldPos(field int) (line, column int)
}

// Field is csvpos.Source.Field, for a *csv.Reader or a *Scanner.
func (p *Positions) Field(r FieldLocator, i int) diag.Range {
	line, col := r.FieldPos(i)
	return p.Range(line, col)
}

// Error is csvpos.Source.Error.
func (p *Positions) Error(cr *csv.Reader, err error, rec []string) diag.Diagnostic {
	return p.source().Error(cr, err, rec)
}

// ScanError is Error for a Scanner: the same diagnostic csvpos words
// for the csv.Reader the Scanner stands for.
func (p *Positions) ScanError(sc *Scanner, err error, rec []string) diag.Diagnostic {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return diag.Errorf(diag.Range{File: p.name}, csvpos.CodeIO, "reading: %v", err)
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		want := sc.FieldsPerRecord
		at := p.Range(pe.StartLine, 1)
		if len(rec) > want {
			at = p.Field(sc, want)
		}
		return diag.Errorf(at, csvpos.CodeFieldCount, "row has %d fields, the header %d; row skipped", len(rec), want)
	}
	return diag.Errorf(p.Range(pe.Line, pe.Column), csvpos.CodeCSV, "CSV syntax: %v; row skipped", pe.Err)
}

// errorOf is Error or ScanError, as r is; for another RecordReader, the
// error as it reads.
func (p *Positions) errorOf(r RecordReader, err error, rec []string) diag.Diagnostic {
	switch r := r.(type) {
	case *Scanner:
		return p.ScanError(r, err, rec)
	case *csv.Reader:
		return p.Error(r, err, rec)
	}
	return diag.Errorf(diag.Range{File: p.name}, csvpos.CodeIO, "reading: %v", err)
}
