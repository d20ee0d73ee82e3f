package server

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
)

// changes tells waiters that the log grew: wait returns a channel that is
// closed at the next append. It also counts the event streams open, in
// all and per client (see Limits).
type changes struct {
	mu sync.Mutex
	ch chan struct{}

	streamsMu sync.Mutex
	streams   int            // open in all
	byClient  map[string]int // open per client address
}

func newChanges() *changes { return &changes{ch: make(chan struct{}), byClient: map[string]int{}} }

// openStream counts a stream from client, unless that would exceed
// perClient or total (negative: no bound); it returns false when the
// stream is refused, and otherwise the function that closes it.
func (c *changes) openStream(client string, perClient, total int) (func(), bool) {
	c.streamsMu.Lock()
	defer c.streamsMu.Unlock()
	if (total >= 0 && c.streams >= total) || (perClient >= 0 && c.byClient[client] >= perClient) {
		return nil, false
	}
	c.streams++
	c.byClient[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			c.streamsMu.Lock()
			defer c.streamsMu.Unlock()
			c.streams--
			if c.byClient[client]--; c.byClient[client] <= 0 {
				delete(c.byClient, client)
			}
		})
	}, true
}

// openStreams is the number of streams open (for tests).
func (c *changes) openStreams() int {
	c.streamsMu.Lock()
	defer c.streamsMu.Unlock()
	return c.streams
}

// clientAddr is the client a request counts against: its remote IP
// address (the connection's, not a header a client may write).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (c *changes) wait() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ch
}

func (c *changes) notify() {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.ch)
	c.ch = make(chan struct{})
}

// keepAlive is how often an idle event stream sends a comment, so that
// proxies and browsers do not take it for dead.
const keepAlive = 25 * time.Second

// handleEvents is a Server-Sent Events stream (text/event-stream): a
// "checkpoint" event with the log's size and root when the client
// connects and each time the log grows. The dashboard refreshes what it
// shows on each one; a client that misses events (a reconnection) loses
// nothing, as each event carries the whole state. It is served outside
// the --timeout of other requests, and ends when the server shuts down.
//
// A client holds at most Limits.MaxStreamsPerClient streams at once, and
// the server at most Limits.MaxStreams in all: a stream beyond is refused
// with 503, Retry-After, and the connection closed, so that held streams
// cannot use up the server's file descriptors.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	perClient := limit(s.cfg.MaxStreamsPerClient, DefaultMaxStreamsPerClient)
	total := limit(s.cfg.MaxStreams, DefaultMaxStreams)
	closeStream, ok := s.changes.openStream(clientAddr(r), perClient, total)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(streamRetry))
		w.Header().Set("Connection", "close")
		writeProblem(w, r, problem(http.StatusServiceUnavailable, "busy",
			fmt.Sprintf("too many event streams are open (at most %s per client, %s in all): close one, or retry later", bound(perClient), bound(total))))
		return
	}
	defer closeStream()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	// retry: how long the browser waits before reconnecting.
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return
	}
	lastSize := int64(-1)
	ticker := time.NewTicker(keepAlive)
	defer ticker.Stop()
	for {
		next := s.changes.wait() // before reading the size: no append is missed
		_ = rc.SetWriteDeadline(time.Now().Add(keepAlive + 10*time.Second))
		_, c, err := s.log.Checkpoint()
		if err != nil {
			return
		}
		if c.Size != lastSize {
			b, _ := json.Marshal(api.Event{Size: c.Size, Root: c.Root})
			if _, err := fmt.Fprintf(w, "event: checkpoint\nid: %d\ndata: %s\n\n", c.Size, b); err != nil {
				return
			}
			lastSize = c.Size
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-next:
		case <-ticker.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.draining:
			return
		case <-s.closing:
			return
		}
	}
}

// streamRetry is the Retry-After, in seconds, of a refused stream.
const streamRetry = 30

func bound(n int) string {
	if n < 0 {
		return "unbounded"
	}
	return strconv.Itoa(n)
}
