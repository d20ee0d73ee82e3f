package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
)

// Issue 16, finding 3: a SIGTERM in the middle of a burst of submissions
// gave some of them a reset connection instead of an answer. The test
// runs Serve on a loopback listener, as `backstop serve` does, sends
// submissions from many clients (each on its kept-alive connection) and
// cancels Serve's context mid-burst. Every request sent must be answered:
// accepted (and then in the log at its entry), or 503 shutting-down; a
// client may only fail to connect (the server no longer listens).
func TestAttackShutdownMidBurst(t *testing.T) {
	for round := range 4 {
		fresh := round%2 == 1 // a new connection per request: the listener's queue
		t.Run(fmt.Sprintf("%d-fresh=%t", round, fresh), func(t *testing.T) { shutdownMidBurst(t, fresh) })
	}
}

func shutdownMidBurst(t *testing.T, fresh bool) {
	e := newTestServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, l, 10*time.Second) }()
	url := fmt.Sprintf("http://%s/v1/frameworks/%s/documents", l.Addr(), testFW)

	const workers = 40
	var (
		accepted atomic.Int64
		mu       sync.Mutex
		entries  = map[int64]bool{}
		counts   = map[string]int{}
		failures []string
		wg       sync.WaitGroup
	)
	count := func(k string) { mu.Lock(); counts[k]++; mu.Unlock() }
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableKeepAlives: fresh}, Timeout: 30 * time.Second}
			defer client.CloseIdleConnections()
			for i := 0; ; i++ {
				body := e.sign("MON", incidents(fmt.Sprintf("w%d-%d", w, i)))
				req, _ := http.NewRequest(http.MethodPost, url, bytesReader(body))
				req.Header.Set("Content-Type", api.NoteType)
				res, err := client.Do(req)
				if err != nil {
					var op *net.OpError
					if errors.As(err, &op) && op.Op == "dial" {
						count("connection refused")
						return
					}
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					return
				}
				r := readResponse(res)
				switch {
				case r.status == http.StatusCreated:
					acc := decodeJSON[api.Accepted](t, r)
					mu.Lock()
					entries[acc.Entry.Index] = true
					mu.Unlock()
					accepted.Add(1)
					count("201")
				case r.status == http.StatusServiceUnavailable && problemOf(t, r).Type == problemDocs+"shutting-down":
					count("503 shutting-down")
					return
				default:
					mu.Lock()
					failures = append(failures, r.String())
					mu.Unlock()
					return
				}
			}
		}()
	}
	for accepted.Load() < 150 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	t.Logf("answers: %v; failures: %d", counts, len(failures))
	for i, f := range failures {
		if i < 5 {
			t.Errorf("a request got no answer: %s", f)
		}
	}
	size, err := e.st.Size(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for idx := range entries {
		if idx >= size {
			t.Errorf("entry %d was acknowledged, the store has %d", idx, size)
		}
	}
	if int64(len(entries)) != size-1 {
		t.Errorf("%d acknowledged, %d stored after the framework", len(entries), size-1)
	}
}
