package server

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// streamClient connects from the loopback address local (127.0.0.x: each
// is another client to the server).
func streamClient(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// openStream opens /v1/events and reads its first event: ok when the
// stream is open; otherwise the refusal.
func openStream(t *testing.T, ctx context.Context, c *http.Client, url string) (bool, response) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/events", nil)
	res, err := c.Do(req)
	if err != nil {
		t.Errorf("GET /v1/events: %v", err)
		return false, response{}
	}
	if res.StatusCode != http.StatusOK {
		return false, readResponse(res)
	}
	rd := bufio.NewReader(res.Body)
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Errorf("reading the stream: %v", err)
			return false, response{}
		}
		if strings.HasPrefix(line, "event: checkpoint") {
			return true, response{}
		}
	}
}

// The attack of issue 16: 20,000 anonymous event streams held the
// server's file descriptors. Now one client holds at most 8 streams (by
// default), and the server at most MaxStreams; the rest are refused with
// 503 and Retry-After, and the server keeps answering meanwhile.
func TestEventStreamLimits(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true, server: Config{Limits: Limits{MaxStreams: 12}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	attempt := func(local string, n int) (opened int, refused []response) {
		c := streamClient(local)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				ok, r := openStream(t, ctx, c, e.ts.URL)
				mu.Lock()
				defer mu.Unlock()
				if ok {
					opened++
				} else if r.status != 0 {
					refused = append(refused, r)
				}
			})
		}
		wg.Wait()
		return opened, refused
	}
	// 200 at once from one client: 8 open.
	opened, refused := attempt("127.0.0.1", 200)
	if opened != DefaultMaxStreamsPerClient || len(refused) != 200-DefaultMaxStreamsPerClient {
		t.Fatalf("one client: %d streams open, %d refused; want %d, %d", opened, len(refused), DefaultMaxStreamsPerClient, 200-DefaultMaxStreamsPerClient)
	}
	for _, r := range refused {
		checkProblem(t, r, http.StatusServiceUnavailable, "busy")
		if r.header.Get("Retry-After") == "" {
			t.Fatal("a refused stream without Retry-After")
		}
	}
	// Another client gets the rest of the total: 4 of its 8.
	if opened, refused := attempt("127.0.0.2", 8); opened != 4 || len(refused) != 4 {
		t.Fatalf("a second client: %d open, %d refused; want 4, 4", opened, len(refused))
	}
	if n := e.srv.changes.openStreams(); n != 12 {
		t.Errorf("%d streams counted open, want 12", n)
	}
	// The server answers other requests while the streams are held.
	if r := e.get("/v1/health", nil); r.status != http.StatusOK {
		t.Errorf("health while streams are held: %v", r)
	}
}

// A stream closed frees its place, once.
func TestStreamCounting(t *testing.T) {
	c := newChanges()
	var closes []func()
	for range 3 {
		done, ok := c.openStream("a", 3, 4)
		if !ok {
			t.Fatal("refused under the bound")
		}
		closes = append(closes, done)
	}
	if _, ok := c.openStream("a", 3, 4); ok {
		t.Fatal("a fourth stream of one client")
	}
	if _, ok := c.openStream("b", 3, 4); !ok {
		t.Fatal("another client refused under the total")
	}
	if _, ok := c.openStream("c", 3, 4); ok {
		t.Fatal("a stream over the total")
	}
	closes[0]()
	closes[0]() // twice: counted once
	if _, ok := c.openStream("a", 3, 4); !ok {
		t.Fatal("refused after a stream closed")
	}
	if _, ok := c.openStream("a", -1, -1); !ok {
		t.Fatal("a stream refused with no bounds")
	}
	if n := c.openStreams(); n != 5 {
		t.Errorf("%d streams counted, want 5", n)
	}
}
