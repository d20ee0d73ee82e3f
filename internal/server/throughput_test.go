package server_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/client"
)

// BenchmarkThroughput measures accepted submissions per second end to end
// over loopback: b.N signed declarations of 100 parties, each party
// submitting its own one after another (a later one supersedes the one
// before, so a party's are not sent at once), all parties at once. The
// server (HTTP, signature check, validation next to the prepared
// framework, group commit to SQLite with fsync, a signed checkpoint per
// batch) and the load generator (HTTP client, JSON answer) run in this
// one process and share its GOMAXPROCS Ps: run with -cpu 2 on a 2-core
// machine for "server and load generator together on 2 cores". The
// documents are signed before the clock starts: signing is the parties'
// work, not the server's.
//
// Besides submissions/s and the p50 and p99 latency, it reports the CPU
// time of the whole process per submission (cpu-µs/sub, user and system,
// from getrusage: robust on a machine shared with other work, where
// submissions/s is not) and the rate that CPU cost allows on 2 cores
// (ceiling-2core/s = 2 s / cpu-µs/sub). The client goroutines carry the
// profile label side=client, so that a -cpuprofile splits the CPU between
// the load generator and the server (go tool pprof -tagfocus side=client,
// -tagignore side=client).
func BenchmarkThroughput(b *testing.B) {
	const parties = 100
	rig := newLoadRig(b, parties)
	perParty := max(1, (b.N+parties-1)/parties)
	docs := rig.declarations(b, perParty)
	clients := make(map[string]*client.Client, parties)
	for _, p := range rig.parties {
		c, _ := client.New(rig.url, nil)
		c.HTTP = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
		clients[p] = c
	}
	runtime.GC()
	b.ResetTimer()
	cpu0 := processCPU()
	res, checkpoints := runLabelled(rig, clients, docs)
	cpu := processCPU() - cpu0
	b.StopTimer()
	if len(res.failures) > 0 {
		b.Fatalf("%d failures, the first: %s", len(res.failures), res.failures[0])
	}
	n := float64(len(res.latencies))
	perSub := float64(cpu.Microseconds()) / n
	b.ReportMetric(n/res.elapsed.Seconds(), "submissions/s")
	b.ReportMetric(float64(res.percentile(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.percentile(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(perSub, "cpu-µs/sub")
	b.ReportMetric(2e6/perSub, "ceiling-2core/s")
	b.ReportMetric(n/float64(max(1, checkpoints)), "subs/checkpoint")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
	b.ReportMetric(0, "ns/op")
}

// runLabelled is loadRig.run with a client per party (kept across runs,
// so that connections are reused) and the clients' goroutines labelled
// side=client; the transport's goroutines inherit the label. It also
// counts the checkpoints the answers carry: the server signs one per
// group commit, so submissions per checkpoint is about its batch size.
func runLabelled(rig *loadRig, clients map[string]*client.Client, docs map[string][][]byte) (*loadResult, int) {
	res := &loadResult{accepted: map[int64][]byte{}}
	sizes := map[int64]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	begin := time.Now()
	for _, p := range rig.parties {
		wg.Go(func() {
			pprof.Do(context.Background(), pprof.Labels("side", "client"), func(ctx context.Context) {
				lats := make([]time.Duration, 0, len(docs[p]))
				var failures []string
				var checkpoints []int64
				for _, d := range docs[p] {
					t0 := time.Now()
					acc, err := clients[p].Submit(ctx, "load", d)
					if err != nil {
						failures = append(failures, fmt.Sprintf("%s: %v", p, err))
						continue
					}
					lats = append(lats, time.Since(t0))
					checkpoints = append(checkpoints, acc.Checkpoint.Size)
				}
				mu.Lock()
				res.latencies = append(res.latencies, lats...)
				res.failures = append(res.failures, failures...)
				for _, size := range checkpoints {
					sizes[size] = true
				}
				mu.Unlock()
			})
		})
	}
	wg.Wait()
	res.elapsed = time.Since(begin)
	slices.Sort(res.latencies)
	return res, len(sizes)
}

// TestConcurrentCheckpoints: parties submitting at once each get a signed
// checkpoint that covers their entry, although the answers of a batch
// share the checkpoint signed once for it.
func TestConcurrentCheckpoints(t *testing.T) {
	rig := newLoadRig(t, 20)
	docs := rig.declarations(t, 5)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sizes := map[int64]bool{}
	for _, p := range rig.parties {
		wg.Go(func() {
			c, _ := client.New(rig.url, nil)
			for _, d := range docs[p] {
				acc, err := c.Submit(context.Background(), "load", d)
				if err != nil {
					t.Error(err)
					return
				}
				if acc.Checkpoint.Size <= acc.Entry.Index || acc.Checkpoint.Note == "" {
					t.Errorf("entry %d answered with checkpoint %d %q", acc.Entry.Index, acc.Checkpoint.Size, acc.Checkpoint.Note)
				}
				mu.Lock()
				sizes[acc.Checkpoint.Size] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(sizes) == 0 || len(sizes) > 100 {
		t.Errorf("%d checkpoints for 100 submissions", len(sizes))
	}
}
