package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
)

// TestHealthOK checks the answers of a server with nothing wrong: health
// ok with every check passing and the fields the dashboard reads, ready.
func TestHealthOK(t *testing.T) {
	dir := t.TempDir()
	e := newTestServerWith(t, envConfig{server: Config{DataDir: dir}})
	r := e.get("/v1/health", nil)
	h := decodeJSON[api.Health](t, r)
	if r.status != http.StatusOK || h.Status != api.HealthOK {
		t.Fatalf("health: %d %+v; want 200 ok", r.status, h)
	}
	c := h.Checks
	if !c.Store.OK || c.Store.Error != "" || c.Store.LatencyMS < 0 {
		t.Errorf("store check: %+v", c.Store)
	}
	if !c.Disk.OK || c.Disk.FreeBytes == nil || *c.Disk.FreeBytes == 0 || c.Disk.Path != dir || c.Disk.MinFreeBytes != DefaultMinFreeBytes {
		t.Errorf("disk check: %+v", c.Disk)
	}
	if !c.Appender.OK || c.Appender.LastError != "" || c.Witnesses.LastCosignatureAgeS != nil {
		t.Errorf("appender %+v, witnesses %+v", c.Appender, c.Witnesses)
	}
	if h.Entries != 1 || h.Store != "sqlite" || h.Layers.Oblasts || h.Layers.Territory || h.ShuttingDown {
		t.Errorf("health: %+v", h)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	r = e.get("/v1/ready", nil)
	if rd := decodeJSON[api.Ready](t, r); r.status != http.StatusOK || !rd.Ready {
		t.Errorf("ready: %v", r)
	}
}

// TestHealthStoreClosed: with the database gone, health is failing (503,
// the body still the health answer) and the server is not ready.
func TestHealthStoreClosed(t *testing.T) {
	e := newTestServerWith(t, envConfig{server: Config{DataDir: t.TempDir()}})
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	r := e.get("/v1/health", nil)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("health: %v; want 503 JSON", r)
	}
	h := healthOf(t, r)
	if h.Status != api.HealthFailing || h.Checks.Store.OK || h.Checks.Store.Error == "" {
		t.Errorf("health: %+v", h)
	}
	if h.Entries != 1 || h.Store != "sqlite" {
		t.Errorf("health without what it had before: %+v", h)
	}
	p := checkProblem(t, e.get("/v1/ready", nil), http.StatusServiceUnavailable, "store-failed")
	if p.Detail == "" {
		t.Error("not ready without a reason")
	}
}

// TestHealthLowDisk: a threshold above the free space fails the disk
// check, the health and the readiness.
func TestHealthLowDisk(t *testing.T) {
	e := newTestServerWith(t, envConfig{server: Config{DataDir: t.TempDir(), MinFreeBytes: 1 << 62}})
	r := e.get("/v1/health", nil)
	h := healthOf(t, r)
	if r.status != http.StatusServiceUnavailable || h.Status != api.HealthFailing {
		t.Fatalf("health: %d %+v; want 503 failing", r.status, h)
	}
	if d := h.Checks.Disk; d.OK || d.FreeBytes == nil || d.MinFreeBytes != 1<<62 || d.Error == "" {
		t.Errorf("disk check: %+v", d)
	}
	if !h.Checks.Store.OK {
		t.Errorf("store check: %+v", h.Checks.Store)
	}
	checkProblem(t, e.get("/v1/ready", nil), http.StatusServiceUnavailable, "store-failed")
}

// TestHealthProbe runs the checks on a probe's clock and reports, without
// waiting: the appender's failure counts for appenderWindow, the
// witnesses are reported, a disk that cannot be measured degrades.
func TestHealthProbe(t *testing.T) {
	e := newTestServer(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	failed := errors.New("disk I/O error")
	base := healthProbe{now: now, dataDir: "/data", minFree: 100,
		free:      func(string) (uint64, error) { return 1000, nil },
		appender:  func() (time.Time, error) { return time.Time{}, nil },
		witnesses: func() (time.Time, int) { return time.Time{}, 0 }}
	tests := []struct {
		name   string
		change func(*healthProbe)
		status string
		ready  bool
	}{
		{"ok", func(*healthProbe) {}, api.HealthOK, true},
		{"append failed just now", func(p *healthProbe) {
			p.appender = func() (time.Time, error) { return now.Add(-time.Second), failed }
		}, api.HealthDegraded, false},
		{"append failed long ago", func(p *healthProbe) {
			p.appender = func() (time.Time, error) { return now.Add(-appenderWindow), failed }
		}, api.HealthOK, true},
		{"append failed, no time", func(p *healthProbe) {
			p.appender = func() (time.Time, error) { return time.Time{}, failed }
		}, api.HealthDegraded, false},
		{"disk low", func(p *healthProbe) { p.minFree = 1001 }, api.HealthFailing, false},
		{"disk unreadable", func(p *healthProbe) {
			p.free = func(string) (uint64, error) { return 0, errors.New("no such folder") }
		}, api.HealthDegraded, true},
		{"disk unmeasured", func(p *healthProbe) {
			p.free = func(string) (uint64, error) { return 0, errDiskUnmeasured }
		}, api.HealthOK, true},
		{"no data folder", func(p *healthProbe) { p.dataDir = "" }, api.HealthOK, true},
		{"witnesses", func(p *healthProbe) {
			p.witnesses = func() (time.Time, int) { return now.Add(-90 * time.Second), 3 }
		}, api.HealthOK, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base
			tt.change(&p)
			h := e.srv.health(context.Background(), p)
			slug, reason := notReady(h)
			if h.Status != tt.status || (slug == "") != tt.ready {
				t.Errorf("status %s, not ready %q %q; want %s, ready %t: %+v", h.Status, slug, reason, tt.status, tt.ready, h.Checks)
			}
		})
	}

	p := base
	p.witnesses = func() (time.Time, int) { return now.Add(-90 * time.Second), 3 }
	p.appender = func() (time.Time, error) { return now.Add(-time.Second), failed }
	c := e.srv.health(context.Background(), p).Checks
	if w := c.Witnesses; w.Configured != 3 || w.LastCosignatureAgeS == nil || *w.LastCosignatureAgeS != 90 ||
		!w.LastCosignature.Equal(now.Add(-90*time.Second)) {
		t.Errorf("witnesses: %+v", w)
	}
	if a := c.Appender; a.OK || a.LastError != failed.Error() || a.At == nil || !a.At.Equal(now.Add(-time.Second)) {
		t.Errorf("appender: %+v", a)
	}
	if d := c.Disk; !d.OK || d.Path != "/data" || d.FreeBytes == nil || *d.FreeBytes != 1000 {
		t.Errorf("disk: %+v", d)
	}
}

// TestReadyShuttingDown: once the server drains, it is not ready though
// every check passes.
func TestReadyShuttingDown(t *testing.T) {
	e := newTestServer(t)
	e.srv.drainOnce.Do(func() { close(e.srv.draining) })
	h := decodeJSON[api.Health](t, e.get("/v1/health", nil))
	if !h.ShuttingDown || h.Status != api.HealthOK {
		t.Errorf("health: %+v", h)
	}
	checkProblem(t, e.get("/v1/ready", nil), http.StatusServiceUnavailable, "shutting-down")
}

// healthOf reads a health answer, whatever its status.
func healthOf(t *testing.T, r response) api.Health {
	t.Helper()
	var h api.Health
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q: %v", ct, r)
	}
	if err := json.Unmarshal(r.body, &h); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return h
}
