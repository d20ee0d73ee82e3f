package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The cache keeps at most limit answers and maxBytes bytes, dropping the
// least recently used first.
func TestCacheBounds(t *testing.T) {
	c := &cache[int, []byte]{limit: 4, maxBytes: 1000, size: func(b []byte) int64 { return int64(len(b)) }}
	ctx := context.Background()
	value := func(n int) func(context.Context) ([]byte, error) {
		return func(context.Context) ([]byte, error) { return make([]byte, n), nil }
	}
	for k := range 10 {
		if _, err := c.get(ctx, 1, k, time.Minute, value(100)); err != nil {
			t.Fatal(err)
		}
		if n, b := c.stats(); n > 4 || b > 1000 {
			t.Fatalf("after %d answers: %d kept, %d bytes", k+1, n, b)
		}
	}
	// 9 was used last but one: asking for 6 again keeps it over 7.
	calls := 0
	counting := func(context.Context) ([]byte, error) { calls++; return make([]byte, 100), nil }
	_, _ = c.get(ctx, 1, 6, time.Minute, counting)
	_, _ = c.get(ctx, 1, 10, time.Minute, counting) // evicts 7, the least recently used
	_, _ = c.get(ctx, 1, 6, time.Minute, counting)
	if calls != 1 {
		t.Errorf("%d computations, want 1 (6 cached, 10 computed)", calls)
	}
	// Big answers leave by bytes before the count is reached.
	for k := range 3 {
		_, _ = c.get(ctx, 1, 100+k, time.Minute, value(400))
	}
	if n, b := c.stats(); b > 1000 || n > 2 {
		t.Errorf("%d answers of %d bytes kept, want at most 2 and 1000", n, b)
	}
	// An answer larger than the whole budget is answered, not kept.
	if v, err := c.get(ctx, 1, 200, time.Minute, value(5000)); err != nil || len(v) != 5000 {
		t.Fatalf("%d bytes, %v", len(v), err)
	}
	if _, b := c.stats(); b > 1000 {
		t.Errorf("%d bytes kept", b)
	}
	// A newer version drops the older answers.
	_, _ = c.get(ctx, 2, 1, time.Minute, value(10))
	if n, b := c.stats(); n != 1 || b != 10 {
		t.Errorf("after a new version: %d answers, %d bytes; want 1, 10", n, b)
	}
}

// A computation runs outside the lock (a slow key holds no other), once
// for all the requests that ask for it meanwhile, and is not cancelled
// when the request that started it leaves.
func TestCacheComputesOutsideLock(t *testing.T) {
	c := &cache[string, string]{}
	computed := make(chan error, 10)
	c.computed = func(_ string, err error) { computed <- err }
	release := make(chan struct{})
	var calls atomic.Int32
	slow := func(ctx context.Context) (string, error) {
		calls.Add(1)
		select {
		case <-release:
			return "slow", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	// The first requester leaves at once.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.get(gone, 1, "slow", time.Minute, slow); !errors.Is(err, context.Canceled) {
		t.Fatalf("a request whose context ended: %v", err)
	}
	// Others wait for the same computation.
	var wg sync.WaitGroup
	answers := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			v, err := c.get(context.Background(), 1, "slow", time.Minute, slow)
			if err != nil {
				t.Error(err)
			}
			answers <- v
		})
	}
	// Meanwhile another key is computed and answered.
	v, err := c.get(context.Background(), 1, "fast", time.Minute, func(context.Context) (string, error) { return "fast", nil })
	if err != nil || v != "fast" {
		t.Fatalf("another key while one computes: %q, %v", v, err)
	}
	if err := <-computed; err != nil { // the fast one
		t.Fatal(err)
	}
	close(release)
	if err := <-computed; err != nil {
		t.Fatalf("the computation whose first requester left: %v", err)
	}
	wg.Wait()
	close(answers)
	for v := range answers {
		if v != "slow" {
			t.Errorf("answer %q", v)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d computations of one key, want 1", n)
	}
}

// A computation that outlives its deadline ends with an error, and is
// not kept.
func TestCacheDeadline(t *testing.T) {
	c := &cache[string, string]{}
	v, err := c.get(context.Background(), 1, "k", time.Millisecond, func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	})
	if !errors.Is(err, errComputeTimeout) || v != "" {
		t.Fatalf("%q, %v; want errComputeTimeout", v, err)
	}
	if n, _ := c.stats(); n != 0 {
		t.Errorf("%d answers kept after a failure", n)
	}
}

// The attack of issue 16: every distinct ?quiet was another answer of
// megabytes, kept for ever. Now quiet is whole minutes from 1m to 30d,
// and the answers kept are bounded.
func TestMonitoringCacheBounded(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	e.mustSubmit(testFW, e.sign("MON", incidents("i1")))
	for _, q := range []string{"1ns", "90s", "59s", "31d", "0m", "-1h"} {
		checkProblem(t, e.get("/v1/frameworks/"+testFW+"/monitoring?quiet="+q, nil), http.StatusBadRequest, "bad-parameter")
	}
	fr := e.srv.rec.frameworks[testFW]
	var computations atomic.Int32
	fr.views.monitoring.computed = func(time.Duration, error) { computations.Add(1) }
	for i := range 3 * maxMonitorings {
		r := e.get(fmt.Sprintf("/v1/frameworks/%s/monitoring?quiet=%dm", testFW, i+1), nil)
		if r.status != http.StatusOK {
			t.Fatalf("quiet=%dm: %v", i+1, r)
		}
		if n, b := fr.views.monitoring.stats(); n > maxMonitorings || b > maxMonitoringBytes {
			t.Fatalf("after %d quiet periods: %d answers, %d bytes kept", i+1, n, b)
		}
	}
	if n := computations.Load(); n != 3*maxMonitorings {
		t.Errorf("%d computations, want %d", n, 3*maxMonitorings)
	}
	// The same quiet period asked for concurrently is computed once.
	computations.Store(0)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/v1/frameworks/"+testFW+"/monitoring?quiet=30d", nil)
			res, err := e.ts.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			if r := readResponse(res); r.status != http.StatusOK {
				t.Errorf("%v", r)
			}
		})
	}
	wg.Wait()
	if n := computations.Load(); n != 1 {
		t.Errorf("16 concurrent requests of one quiet period: %d computations, want 1", n)
	}
}
