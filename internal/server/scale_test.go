//go:build linux

package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestScaleRecord measures the memory of the server's record of incidents
// at N incidents (BACKSTOP_SCALE_INCIDENTS, default 200,000): the real
// VIINA months replicated with their dates shifted by whole years and
// their ids suffixed, as internal/scale does for the CLI. Gated behind
// BACKSTOP_SCALE=1 (it runs for minutes at 2,000,000):
//
//	BACKSTOP_SCALE=1 BACKSTOP_SCALE_INCIDENTS=2000000 go test ./internal/server -run TestScaleRecord -v -timeout 30m
//
// The incidents go in as `backstop import incidents` writes them
// (compact Incidents documents of 1,000, signed; BACKSTOP_SCALE_FORM=yaml
// for the block YAML of --format yaml) and are applied as the server
// applies its store when it starts (record.apply without a decoded
// document, so each is decoded from its note): the record then holds what
// a restarted server holds, the notes and the decoded incidents. Run one N
// per process: RSS does not shrink back between two sizes.
//
// It reports the Go heap the record keeps (in use after a collection,
// before and after), the process's RSS after returning freed memory to the
// system (VmRSS) and at its peak (VmHWM, which includes the generation's
// garbage), and the time of one incidentsOf, the copy every monitoring
// view of the server starts from.
func TestScaleRecord(t *testing.T) {
	if os.Getenv("BACKSTOP_SCALE") != "1" {
		t.Skip("set BACKSTOP_SCALE=1 to measure the record at scale (minutes)")
	}
	n := 200_000
	if v := os.Getenv("BACKSTOP_SCALE_INCIDENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("BACKSTOP_SCALE_INCIDENTS=%q: want a whole number ≥ 1", v)
		}
	}
	heap0, _ := settledHeap()
	base := readVIINA(t, viinaDir())
	start := time.Now()
	r, notes := recordOf(t, base, n)
	built := time.Since(start)
	// base is not used below (but for a copy of its first 1,000): the
	// collection in settledHeap frees it, so that the heap measured is
	// the record's.
	more := slices.Clone(base[:1000])
	base = nil

	heap1, rss := settledHeap()
	fr := r.framework("ukraine-2025")
	if got := len(fr.incidents); got != n {
		t.Fatalf("the record holds %d incidents, want %d", got, n)
	}
	// In a function of its own so that the copy is garbage once timed, and
	// the view below is measured without it.
	copyTime, copied := func() (time.Duration, int) {
		start := time.Now()
		incs := r.incidentsOf(fr)
		return time.Since(start), len(incs)
	}()

	kept := int64(heap1) - int64(heap0)
	t.Logf("%d incidents in %d entries, applied in %s (%.0f incidents/s)", n, len(r.entries)-1, built.Round(time.Millisecond), float64(n)/built.Seconds())
	t.Logf("heap kept by the record %d MiB = %.0f bytes/incident (the notes, %d MiB = %.0f bytes/incident, are read back from the store)",
		kept>>20, float64(kept)/float64(n), notes.bytes>>20, float64(notes.bytes)/float64(n))
	t.Logf("process VmRSS %d MiB after collection, VmHWM %d MiB at peak", rss["VmRSS"]>>10, rss["VmHWM"]>>10)
	t.Logf("incidentsOf (every incident unpacked): %s for %d incidents", copyTime.Round(time.Millisecond), copied)

	// The first monitoring view runs over every incident; the next one,
	// after an entry of 1,000 incidents reported the day after the last,
	// only over what is new.
	srv := &Server{rec: r, cfg: Config{Timeout: 30 * time.Minute}}
	viewStart := time.Now()
	if _, err := srv.monitorView(context.Background(), fr, 72*time.Hour); err != nil {
		t.Fatal(err)
	}
	viewTime := time.Since(viewStart)
	_, after := settledHeap()
	t.Logf("first monitoring view (every incident) in %s; VmHWM %d MiB since start", viewTime.Round(time.Millisecond), after["VmHWM"]>>10)

	appendIncidents(t, r, notes, nextDay(r, fr, more, n))
	incStart := time.Now()
	view, err := srv.monitorView(context.Background(), fr, 72*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	incTime := time.Since(incStart)
	heap2, _ := settledHeap()
	t.Logf("heap kept by the record and the monitoring run and view %d MiB = %.0f bytes/incident", (int64(heap2)-int64(heap0))>>20, float64(int64(heap2)-int64(heap0))/float64(n))
	layerStart := time.Now()
	layer, err := srv.mapLayer(context.Background(), fr, 72*time.Hour, view)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("monitoring view after 1,000 more incidents: %s (report %d KiB); its map layer, computed when asked for: %s (%d KiB)",
		incTime.Round(time.Millisecond), len(view.report.raw)>>10, time.Since(layerStart).Round(time.Millisecond), len(layer.raw)>>10)
	runtime.KeepAlive(r)
}

// nextDay is incs moved to the day after the record's latest incident,
// with ids of their own.
func nextDay(r *record, fr *frameworkRecord, incs []model.Incident, tag int) []model.Incident {
	var latest time.Time
	for _, inc := range r.incidentsOf(fr) {
		if inc.Time.After(latest) {
			latest = inc.Time.Time
		}
	}
	out := slices.Clone(incs)
	first := out[0].Time.Time
	for _, inc := range out {
		if inc.Time.Before(first) {
			first = inc.Time.Time
		}
	}
	day := latest.Truncate(24 * time.Hour).Add(24 * time.Hour)
	for i := range out {
		out[i].Time = model.Timestamp{Time: day.Add(out[i].Time.Sub(first.Truncate(24 * time.Hour)))}
		out[i].ID += "~next" + strconv.Itoa(tag)
	}
	return out
}

// readVIINA reads every real VIINA month of dir as the CLI does.
func readVIINA(tb testing.TB, dir string) []model.Incident {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "viina_incidents_*.csv.gz"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no VIINA months in %s (set BACKSTOP_VIINA): %v", dir, err)
	}
	return readVIINAMonths(tb, paths...)
}

// settledHeap collects garbage, returns freed memory to the system and
// reports the heap in use and the process's memory lines of
// /proc/self/status (VmRSS, VmHWM) in KiB.
func settledHeap() (heapInuse uint64, status map[string]int64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	status = map[string]int64{}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ms.HeapInuse, status
	}
	for line := range strings.Lines(string(data)) {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(name, "Vm") {
			continue
		}
		var kib int64
		if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kib); err == nil {
			status[name] = kib
		}
	}
	return ms.HeapInuse, status
}
