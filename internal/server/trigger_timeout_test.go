package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/monitor"
)

// expensiveWhen is a trigger under the load limit (estimated ~71 M) that
// runs a full-length regular expression three times over every incident
// of a 30-day window, at every incident: its cost grows as the square of
// the incidents, and 6,000 of them take about ten seconds of CPU here.
const expensiveWhen = `window("30d").exists(a, a.location.matches("q$") || a.actor.matches("q$") || a.subtype.matches("q$"))`

// The attack of issue 16: a monitoring request whose computation outlives
// the server's timeout was answered 503 while its computation ran on for
// a minute and a half. Now the computation stops at its deadline.
func TestExpensiveTriggerStops(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true, maxBody: 16 << 20})
	fw := strings.Replace(e.framework("slow", "Slow", true), `when: incident.type == "missile_strike" && incident.country == "UA"`, "when: '"+expensiveWhen+"'", 1)
	if !strings.Contains(fw, expensiveWhen) {
		t.Fatal("the trigger was not replaced")
	}
	e.mustSubmit("slow", e.sign("", fw))
	var doc strings.Builder
	doc.WriteString("backstop: v1\nkind: Incidents\nincidents:\n")
	long := strings.Repeat("x", 400)
	start := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range 6000 {
		fmt.Fprintf(&doc, "  - {id: s%d, time: %s, type: shelling, subtype: %s, actor: %s, location: %s, country: UA, source: monitor}\n",
			i, start.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), long, long, long)
	}
	e.mustSubmit("slow", e.sign("MON", doc.String()))

	// The same server, with a short --timeout.
	e.srv.cfg.Timeout = 300 * time.Millisecond
	ts := httptest.NewServer(e.srv.Handler())
	defer ts.Close()
	done := make(chan error, 1)
	e.srv.rec.frameworks["slow"].views.monitoring.computed = func(_ time.Duration, err error) { done <- err }

	res, err := ts.Client().Get(ts.URL + "/v1/frameworks/slow/monitoring")
	if err != nil {
		t.Fatal(err)
	}
	r := readResponse(res)
	checkProblem(t, r, http.StatusServiceUnavailable, "timeout")
	// The computation ends, stopped: not timed, but without the stop it
	// runs to its end, and its answer is kept.
	select {
	case err := <-done:
		if !errors.Is(err, monitor.ErrStopped) || !errors.Is(err, errComputeTimeout) {
			t.Errorf("the computation ended with %v, want monitor.ErrStopped and errComputeTimeout", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the computation is still running a minute after its deadline")
	}
	if n, _ := e.srv.rec.frameworks["slow"].views.monitoring.stats(); n != 0 {
		t.Errorf("%d answers kept after a stopped computation", n)
	}
}
