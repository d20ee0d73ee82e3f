package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
)

// A request that outlives --timeout is answered with a problem, typed as
// one. The handler blocks on a channel the test releases: no sleep.
func TestTimeoutIsAProblem(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s := &Server{cfg: Config{Timeout: time.Millisecond}}
	s.logger = slog.New(slog.DiscardHandler)
	h := s.logged(s.recovered(http.TimeoutHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}), s.cfg.Timeout, timeoutBody)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/frameworks", nil))
	var p api.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("the body is not a problem: %v\n%s", err, rec.Body)
	}
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != api.ProblemType || p.Type != problemDocs+"timeout" || p.Detail == "" {
		t.Errorf("%d %s %+v", rec.Code, rec.Header().Get("Content-Type"), p)
	}
}
