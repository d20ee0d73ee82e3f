package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
)

// Health thresholds.
const (
	// DefaultMinFreeBytes is the free space of the data folder below which
	// the disk check fails, when Config.MinFreeBytes is zero: room for
	// SQLite's WAL and a checkpoint of it, with margin.
	DefaultMinFreeBytes = 64 << 20
	// storePingTimeout bounds the store check: a database that takes
	// longer to answer a ping is failing.
	storePingTimeout = time.Second
	// appenderWindow is how long after a failed append the appender check
	// fails (and /v1/ready says no); a later success clears it at once.
	appenderWindow = time.Minute
)

// errDiskUnmeasured: the platform gives the server no way to measure the
// free space (see diskFree).
var errDiskUnmeasured = errors.New("free space is not measured on this platform")

// minFreeBytes is the disk check's threshold.
func (c Config) minFreeBytes() uint64 {
	if c.MinFreeBytes > 0 {
		return uint64(c.MinFreeBytes)
	}
	return DefaultMinFreeBytes
}

// healthProbe is what a health check reads besides the store: the
// server's, or a test's. appender is the appender's last failure and when
// it happened (nil and zero once an append succeeds); witnesses when a
// witness last cosigned a checkpoint (zero: never) and how many there
// are.
type healthProbe struct {
	now       time.Time
	dataDir   string
	minFree   uint64
	free      func(path string) (uint64, error)
	appender  func() (time.Time, error)
	witnesses func() (time.Time, int)
}

func (s *Server) probe() healthProbe {
	return healthProbe{
		now:       time.Now(),
		dataDir:   s.cfg.DataDir,
		minFree:   s.cfg.minFreeBytes(),
		free:      diskFree,
		appender:  s.storeHealth,   // storehealth.go
		witnesses: s.witnessHealth, // cosign.go
	}
}

// shuttingDown reports whether the server has begun shutting down.
func (s *Server) shuttingDown() bool {
	select {
	case <-s.draining:
		return true
	case <-s.closing:
		return true
	default:
		return false
	}
}

// health runs the checks. Status is failing when the store does not
// answer or the disk is below its threshold, degraded when the appender
// failed within appenderWindow or the disk could not be measured, ok
// otherwise. The witnesses are reported, not judged.
func (s *Server) health(ctx context.Context, p healthProbe) api.Health {
	h := api.Health{Entries: s.log.Size(), Store: s.st.Dialect(),
		Layers:       api.HealthLayers{Oblasts: s.oblasts != nil, Territory: s.territory != nil},
		ShuttingDown: s.shuttingDown()}
	c := &h.Checks

	pctx, cancel := context.WithTimeout(ctx, storePingTimeout)
	start := time.Now()
	err := s.st.DB().PingContext(pctx)
	c.Store.LatencyMS = math.Round(float64(time.Since(start).Microseconds())) / 1000
	cancel()
	switch {
	case err == nil:
		c.Store.OK = true
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		c.Store.Error = fmt.Sprintf("no answer to a ping within %s", storePingTimeout)
	default:
		c.Store.Error = err.Error()
	}

	c.Disk = api.DiskCheck{OK: true, Path: p.dataDir, MinFreeBytes: p.minFree}
	if p.dataDir == "" {
		c.Disk.Error = "no data folder configured: not measured"
	} else if free, err := p.free(p.dataDir); errors.Is(err, errDiskUnmeasured) {
		c.Disk.Error = err.Error()
	} else if err != nil {
		c.Disk.OK, c.Disk.Error = false, err.Error()
	} else {
		c.Disk.FreeBytes = &free
		if free < p.minFree {
			c.Disk.OK = false
			c.Disk.Error = fmt.Sprintf("%s free, below the %s the server needs", mib(free), mib(p.minFree))
		}
	}

	at, lastErr := p.appender()
	c.Appender.OK = true
	if !at.IsZero() {
		at := at.UTC()
		c.Appender.At = &at
	}
	if lastErr != nil {
		c.Appender.LastError = lastErr.Error()
		c.Appender.OK = !at.IsZero() && p.now.Sub(at) >= appenderWindow
	}

	last, n := p.witnesses()
	c.Witnesses.Configured = n
	if !last.IsZero() {
		last := last.UTC()
		age := int64(max(p.now.Sub(last), 0) / time.Second)
		c.Witnesses.LastCosignature, c.Witnesses.LastCosignatureAgeS = &last, &age
	}

	switch {
	case !c.Store.OK || (!c.Disk.OK && c.Disk.FreeBytes != nil):
		h.Status = api.HealthFailing
	case !c.Disk.OK || !c.Appender.OK:
		h.Status = api.HealthDegraded
	default:
		h.Status = api.HealthOK
	}
	return h
}

// mib writes a size in MiB.
func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// notReady is why the server cannot accept submissions ("" when it can),
// and the problem type that says so.
func notReady(h api.Health) (slug, reason string) {
	if h.ShuttingDown {
		return "shutting-down", "the server is shutting down"
	}
	var why []string
	c := h.Checks
	if !c.Store.OK {
		why = append(why, "store: "+c.Store.Error)
	}
	if !c.Disk.OK && c.Disk.FreeBytes != nil {
		why = append(why, "disk: "+c.Disk.Error)
	}
	if !c.Appender.OK {
		why = append(why, fmt.Sprintf("appender: the last append failed less than %s ago: %s", appenderWindow, c.Appender.LastError))
	}
	if len(why) == 0 {
		return "", ""
	}
	// store-failed: the reasons the store cannot take a submission.
	return "store-failed", strings.Join(why, "; ")
}

// handleHealth answers 200 while the server is ok or degraded, 503 with
// the same body when it is failing: a load balancer reads the status, a
// person or the dashboard the body.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	h := s.health(r.Context(), s.probe())
	status := http.StatusOK
	if h.Status == api.HealthFailing {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, r, status, h)
}

// handleReady answers 200 {"ready": true} when the server can accept
// submissions, else a 503 problem that says why.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	h := s.health(r.Context(), s.probe())
	w.Header().Set("Cache-Control", "no-store")
	if slug, reason := notReady(h); slug != "" {
		writeProblem(w, r, problem(http.StatusServiceUnavailable, slug, "not ready: "+reason))
		return
	}
	writeJSON(w, r, http.StatusOK, api.Ready{Ready: true})
}
