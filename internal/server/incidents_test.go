package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/api"
)

// An incident id is reported once: a second report of it, even with other
// content, is refused, so that the stored set never holds two incidents of
// one id and stays assessable.
func TestIncidentReportedOnce(t *testing.T) {
	e := newTestServer(t)
	first := e.mustSubmit(testFW, e.sign("MON", incidents("strike-1")))
	corrected := strings.Replace(incidents("strike-1"), "03:10", "04:10", 1)
	r := e.submit(testFW, e.sign("MON", corrected))
	var p api.Problem
	_ = json.Unmarshal(r.body, &p)
	if r.status != http.StatusConflict || !strings.HasSuffix(p.Type, "#incident-exists") || p.Entry == nil || *p.Entry != first.Entry.Index {
		t.Fatalf("a second report of strike-1: %v", r)
	}
	e.mustSubmit(testFW, e.sign("MON", incidents("strike-2")))
	if r := e.get("/v1/frameworks/"+testFW+"/monitoring", &e.key); r.status != http.StatusOK {
		t.Fatalf("monitoring after the refused correction: %v", r)
	}
}
