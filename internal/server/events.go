package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
)

// changes tells waiters that the log grew: wait returns a channel that is
// closed at the next append.
type changes struct {
	mu sync.Mutex
	ch chan struct{}
}

func newChanges() *changes { return &changes{ch: make(chan struct{})} }

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
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
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
