package feeds

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/backstop-dev/backstop/internal/csvpos"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
)

// Problem is why a row could not become an incident: the column it
// concerns (its field is located for the diagnostic), the Summary reason
// and the message.
type Problem struct {
	Col     int
	Reason  string
	Message string
}

// RecordReader reads CSV records: a *csv.Reader, or a *Scanner (which
// is faster).
type RecordReader interface {
	Read() ([]string, error)
	FieldLocator
}

// ReadRows is the row loop of a CSV reader that reads its records itself
// (with a *csv.Reader or a *Scanner):
// each row is counted in Summary.Read; a CSV syntax error or a wrong
// number of fields is reported and the row skipped; row turns the others
// into incidents, or returns the problem that skips them. An I/O error
// stops the loop.
func ReadRows(pos *Positions, cr RecordReader, res *Result, opts Options, row func(rec []string) (model.Incident, *Problem)) diag.Diagnostics {
	return ReadRowsInto(pos, cr, res, opts, func(rec []string, inc *model.Incident) *Problem {
		v, bad := row(rec)
		if bad == nil {
			*inc = v
		}
		return bad
	})
}

// ReadRowsInto is ReadRows for a row function that fills in the incident
// where it is kept, at the end of res.Incidents, saving a copy of each
// (an Incident is some 200 bytes): the incident is zero when row is
// called, and dropped when row returns a problem. The incidents between
// the length and the capacity of res.Incidents must be zero, as make
// leaves them (the readers make it with a capacity of one per line).
func ReadRowsInto(pos *Positions, cr RecordReader, res *Result, opts Options, row func(rec []string, inc *model.Incident) *Problem) diag.Diagnostics {
	l := &records{pos: pos, r: cr, sum: &res.Summary, opts: opts}
	for rec := range l.all {
		if n := len(res.Incidents); n < cap(res.Incidents) {
			// Zero already: made so, or zeroed when dropped below.
			res.Incidents = res.Incidents[:n+1]
		} else {
			res.Incidents = append(res.Incidents, model.Incident{})
		}
		inc := &res.Incidents[len(res.Incidents)-1]
		if bad := row(rec, inc); bad != nil {
			*inc = model.Incident{} // nothing of the row stays reachable
			res.Incidents = res.Incidents[:len(res.Incidents)-1]
			l.diags = append(l.diags, res.Summary.Skip(opts, pos.Field(cr, bad.Col), bad.Reason, bad.Message))
		}
	}
	return l.diags
}

// records is the one row loop of the CSV readers, behind both ReadRows
// and CSV.Rows.
type records struct {
	pos  *Positions
	r    RecordReader
	sum  *Summary
	opts Options
	// fields, when above 0, is the number of fields a row must have,
	// counted here (the csv.Reader then counts none); at 0 the csv.Reader
	// counts them, as its FieldsPerRecord says.
	fields int
	diags  diag.Diagnostics
}

// all yields every row that is CSV and has the right number of fields,
// after counting it in Summary.Read. The others are counted, skipped and
// reported. An I/O error is reported and ends the rows.
func (l *records) all(yield func([]string) bool) {
	for {
		rec, err := l.r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		l.sum.Read++
		if err != nil {
			if !l.readError(err, rec) {
				return
			}
			continue
		}
		if l.fields > 0 && len(rec) != l.fields {
			l.wrongFieldCount(rec)
			continue
		}
		if !yield(rec) {
			return
		}
	}
}

// readError reports the error of reading rec, skipping the row; it
// returns false for an I/O error, which would happen again.
func (l *records) readError(err error, rec []string) bool {
	d := l.pos.errorOf(l.r, err, rec)
	if d.Code == csvpos.CodeIO {
		l.diags = append(l.diags, d)
		return false
	}
	reason := ReasonCSVSyntax
	if d.Code == csvpos.CodeFieldCount {
		reason = ReasonFieldCount
	}
	l.diags = append(l.diags, l.sum.Skip(l.opts, d.Range, reason, strings.TrimSuffix(d.Summary, "; row skipped")))
	return true
}

// wrongFieldCount skips rec, whose number of fields is not l.fields.
func (l *records) wrongFieldCount(rec []string) {
	at := l.pos.Field(l.r, 0)
	if len(rec) > l.fields {
		at = l.pos.Field(l.r, l.fields)
	}
	l.diags = append(l.diags, l.sum.Skip(l.opts, at, ReasonFieldCount,
		fmt.Sprintf("row has %d fields, the header %d", len(rec), l.fields)))
}
