package feeds

import (
	"encoding/csv"

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

// Field is csvpos.Source.Field.
func (p *Positions) Field(cr *csv.Reader, i int) diag.Range { return p.source().Field(cr, i) }

// Error is csvpos.Source.Error.
func (p *Positions) Error(cr *csv.Reader, err error, rec []string) diag.Diagnostic {
	return p.source().Error(cr, err, rec)
}
