package feeds

import (
	"encoding/csv"
	"errors"
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

// ReadRows is the row loop of a CSV reader that reads its records itself:
// each row is counted in Summary.Read; a CSV syntax error or a wrong
// number of fields is reported and the row skipped; row turns the others
// into incidents, or returns the problem that skips them. An I/O error
// stops the loop.
func ReadRows(pos *csvpos.Source, cr *csv.Reader, res *Result, opts Options, row func(rec []string) (model.Incident, *Problem)) diag.Diagnostics {
	var ds diag.Diagnostics
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return ds
		}
		res.Summary.Read++
		if err != nil {
			d := pos.Error(cr, err, rec)
			if d.Code == csvpos.CodeIO {
				return ds.Append(d)
			}
			reason := ReasonCSVSyntax
			if d.Code == csvpos.CodeFieldCount {
				reason = ReasonFieldCount
			}
			ds = ds.Append(res.Summary.Skip(opts, d.Range, reason, strings.TrimSuffix(d.Summary, "; row skipped")))
			continue
		}
		inc, bad := row(rec)
		if bad != nil {
			ds = ds.Append(res.Summary.Skip(opts, pos.Field(cr, bad.Col), bad.Reason, bad.Message))
			continue
		}
		res.Incidents = append(res.Incidents, inc)
	}
}
