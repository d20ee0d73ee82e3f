package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
)

// streamDeadline bounds how long a test waits on an event stream before
// failing: a safety net against a hang, never a measure of anything.
const streamDeadline = time.Minute

// sseEvent is one message of an event stream.
type sseEvent struct {
	event, id, data string
}

// eventStream is an open GET /v1/events.
type eventStream struct {
	t    *testing.T
	res  *http.Response
	br   *bufio.Reader
	stop context.CancelFunc
}

// openEvents opens the event stream and checks its headers and its first
// line, the reconnection delay.
func openEvents(t *testing.T, e *testEnv) *eventStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), streamDeadline)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.ts.URL+"/v1/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &eventStream{t: t, res: res, br: bufio.NewReader(res.Body), stop: cancel}
	t.Cleanup(s.close)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /v1/events: %d, Content-Type %q, Cache-Control %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"))
	}
	line, err := s.br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "retry:") {
		t.Fatalf("the stream starts with %q (%v), want retry:", line, err)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "retry:"))); err != nil || n <= 0 {
		t.Errorf("retry %q is not a positive number of milliseconds", line)
	}
	return s
}

func (s *eventStream) close() {
	s.stop()
	s.res.Body.Close()
}

// next reads the next event, skipping comments (keep-alives); io.EOF when
// the server ended the stream.
func (s *eventStream) next() (sseEvent, error) {
	var ev sseEvent
	seen := false
	for {
		line, err := s.br.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && !seen {
				return ev, io.EOF
			}
			return ev, fmt.Errorf("reading the stream: %q, %w", line, err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if seen {
				return ev, nil
			}
		case strings.HasPrefix(line, ":"):
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				ev.event = value
			case "id":
				ev.id = value
			case "data":
				ev.data += value
			}
			seen = seen || field == "event" || field == "data" || field == "id"
		}
	}
}

// checkpoint reads the next event, which must be a checkpoint.
func (s *eventStream) checkpoint() api.Event {
	s.t.Helper()
	ev, err := s.next()
	if err != nil {
		s.t.Fatalf("waiting for a checkpoint event: %v", err)
	}
	var c api.Event
	if ev.event != "checkpoint" {
		s.t.Fatalf("event %q, want checkpoint", ev.event)
	}
	if err := json.Unmarshal([]byte(ev.data), &c); err != nil {
		s.t.Fatalf("checkpoint data %q: %v", ev.data, err)
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal([]byte(ev.data), &fields)
	if len(fields) != 2 || fields["size"] == nil || fields["root"] == nil {
		s.t.Errorf("checkpoint data %s, want {size, root}", ev.data)
	}
	if ev.id != strconv.FormatInt(c.Size, 10) {
		s.t.Errorf("event id %q, want the size %d", ev.id, c.Size)
	}
	return c
}

// untilSize reads checkpoints until one of size n (events may coalesce,
// never skip the latest state).
func (s *eventStream) untilSize(n int64) api.Event {
	s.t.Helper()
	for {
		c := s.checkpoint()
		if c.Size == n {
			return c
		}
		if c.Size > n {
			s.t.Fatalf("checkpoint of size %d, waiting for %d", c.Size, n)
		}
	}
}

// currentCheckpoint is GET /v1/log/checkpoint as JSON.
func currentCheckpoint(t *testing.T, e *testEnv) api.Checkpoint {
	t.Helper()
	return decodeJSON[api.Checkpoint](t, e.do(http.MethodGet, "/v1/log/checkpoint", nil, http.Header{"Accept": {"application/json"}}))
}

// TestEvents checks the stream's first checkpoint against the log's, and
// that each append is announced with the new size and root.
func TestEvents(t *testing.T) {
	e := newTestServer(t)
	s := openEvents(t, e)
	want := currentCheckpoint(t, e)
	if c := s.checkpoint(); c.Size != want.Size || c.Root != want.Root || c.Size != 1 {
		t.Fatalf("first checkpoint %d %v, the log's %d %v (the seeded framework)", c.Size, c.Root, want.Size, want.Root)
	}
	for i, doc := range []struct{ party, text string }{
		{"GB", declaration(testFW, "GB", "2025-09-01", 0, 40)},
		{"MON", incidents("i-1")},
		{"FR", declaration(testFW, "FR", "2025-09-01", 0, 30)},
	} {
		acc := e.mustSubmit(testFW, e.sign(doc.party, doc.text))
		c := s.untilSize(acc.Checkpoint.Size)
		if c.Size != int64(i+2) || c.Root != acc.Checkpoint.Root || c.Root != currentCheckpoint(t, e).Root {
			t.Errorf("after entry %d: checkpoint %d %v, the submission's %d %v", acc.Entry.Index, c.Size, c.Root, acc.Checkpoint.Size, acc.Checkpoint.Root)
		}
	}
	// A refused submission appends nothing: the next event is the next append.
	checkProblem(t, e.submit(testFW, e.sign("GB", scenario("refused", 10))), http.StatusForbidden, "not-allowed")
	acc := e.mustSubmit(testFW, e.sign("MON", incidents("i-2")))
	if c := s.checkpoint(); c.Size != acc.Checkpoint.Size || c.Size != 5 {
		t.Errorf("checkpoint %d after a refusal and an append, want %d", c.Size, acc.Checkpoint.Size)
	}
}

// newStreamServer serves with Server.HTTPServer's http.Server, as `backstop
// serve` does, with the given --timeout.
func newStreamServer(t *testing.T, timeout time.Duration) *testEnv {
	return newTestServerWith(t, envConfig{server: Config{Timeout: timeout}, viaHTTPServer: true})
}

// The stream is served outside http.TimeoutHandler, which buffers a
// handler's output until it returns and cannot flush: the first event
// arrives while the handler still runs, as the next append's event shows.
func TestEventsStream(t *testing.T) {
	e := newStreamServer(t, time.Minute)
	s := openEvents(t, e)
	first := s.checkpoint()
	acc := e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 40)))
	if c := s.checkpoint(); c.Size != first.Size+1 || c.Size != acc.Checkpoint.Size {
		t.Errorf("checkpoint %d after an append to a log of %d", c.Size, first.Size)
	}
}

// Shutting the http.Server down ends an open stream: Shutdown waits for
// active connections, and returns before its deadline only because the
// stream ended rather than holding it.
func TestEventsEndOnShutdown(t *testing.T) {
	e := newStreamServer(t, time.Minute)
	streams := []*eventStream{openEvents(t, e), openEvents(t, e)}
	for _, s := range streams {
		s.checkpoint()
	}
	ctx, cancel := context.WithTimeout(context.Background(), streamDeadline)
	defer cancel()
	if err := e.ts.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with open event streams: %v", err)
	}
	for i, s := range streams {
		if ev, err := s.next(); err != io.EOF {
			t.Errorf("stream %d after Shutdown: %+v, %v; want its end", i, ev, err)
		}
	}
}

// slowRequest sends a submission whose body never comes and returns when
// the server gives up on it, which it does only once its --timeout has
// passed since it began reading the request: a clock kept by the server.
func slowRequest(t *testing.T, e *testEnv) int {
	t.Helper()
	conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(streamDeadline))
	fmt.Fprintf(conn, "POST /v1/frameworks/%s/documents HTTP/1.1\r\nHost: test\r\nContent-Type: %s\r\nContent-Length: 1000\r\n\r\nbackstop: v1\n", testFW, api.NoteType)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the slow request got no answer: %v", err)
	}
	res.Body.Close()
	return res.StatusCode
}

// An event stream outlives the server's --timeout, which bounds every
// other request (http.TimeoutHandler, and http.Server's ReadTimeout, whose
// deadline net/http clears only once the request is read). The test waits
// on no timer of its own: it opens the stream, then sends a request the
// server answers only after its timeout, counted from later than the
// stream's start; once that is answered the stream is older than the
// timeout, and must still announce two appends (a handler cancelled by
// then could announce one at most).
func TestEventsOutliveTimeout(t *testing.T) {
	e := newStreamServer(t, time.Second)
	s := openEvents(t, e)
	first := s.checkpoint()
	// Only a timeout answers it: 503 (http.TimeoutHandler) or 400 (the
	// body's read deadline, ReadTimeout, passed).
	if code := slowRequest(t, e); code != http.StatusServiceUnavailable && code != http.StatusBadRequest {
		t.Fatalf("the slow request was answered %d, not by a timeout", code)
	}
	for i := range 2 {
		acc := e.mustSubmit(testFW, e.sign("MON", incidents(fmt.Sprintf("late-%d", i))))
		c, err := s.nextCheckpoint()
		if err != nil {
			t.Fatalf("append %d after the timeout: the stream ended (%v)", i+1, err)
		}
		if c.Size != first.Size+int64(i)+1 || c.Size != acc.Checkpoint.Size {
			t.Errorf("checkpoint %d, want %d", c.Size, acc.Checkpoint.Size)
		}
	}
}

// nextCheckpoint is checkpoint returning the stream's end as an error.
func (s *eventStream) nextCheckpoint() (api.Event, error) {
	ev, err := s.next()
	if err != nil {
		return api.Event{}, err
	}
	var c api.Event
	if ev.event != "checkpoint" {
		return c, errors.New("event " + ev.event)
	}
	return c, json.Unmarshal([]byte(ev.data), &c)
}
