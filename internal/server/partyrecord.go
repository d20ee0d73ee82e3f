package server

import (
	"bytes"
	"net/http"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/render"
)

// handlePartyRecord gives every party's record as a guarantor
// (monitor.Records, as `backstop record --format json` writes it) over
// the monitoring that handleMonitoring serves: the same run, cached with
// it per version of the record and ?quiet (default 72h), so that the two
// never disagree and the pipeline runs once for both. Readable, cached
// and tagged as the monitoring is (answerMonitoring).
func (s *Server) handlePartyRecord(w http.ResponseWriter, r *http.Request) {
	s.answerMonitoring(w, r, func(_ *frameworkRecord, _ time.Duration, mv *monitorView) (*encoded, error) { return mv.record, nil })
}

// partyRecord encodes the parties' record over a monitoring report that
// carries its account (monitor.Execute gives it one).
func partyRecord(rep *monitor.Report, f *model.Framework) (*encoded, error) {
	var buf bytes.Buffer
	if err := render.RecordJSON(&buf, monitor.Records(rep, f)); err != nil {
		return nil, err
	}
	return newEncoded(buf.Bytes()), nil
}
