package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// loadRig is a server on loopback whose framework has n guarantors, each
// with its own key: the coalition of the load test.
type loadRig struct {
	url     string
	parties []string
	keys    map[string]signing.KeyPair
	seeded  int64
}

func newLoadRig(tb testing.TB, n int) *loadRig {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(tb.TempDir(), "load.db"))
	if err != nil {
		tb.Fatal(err)
	}
	serverKey := mustKey(tb, "load-log")
	srv, err := server.New(ctx, st, server.Config{Key: serverKey})
	if err != nil {
		tb.Fatal(err)
	}
	rig := &loadRig{keys: map[string]signing.KeyPair{}}
	var fw strings.Builder
	fw.WriteString("backstop: v1\nkind: Framework\nid: load\nbeneficiary: UA\nparties:\n  UA: {name: Ukraine, role: beneficiary}\n")
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("P%02d", i)
		k := mustKey(tb, id)
		rig.parties = append(rig.parties, id)
		rig.keys[id] = k
		fmt.Fprintf(&fw, "  %s: {name: Party %d, role: guarantor, keys: [%s]}\n", id, i, k.Public)
	}
	fw.WriteString("requirements:\n  - {id: air, layer: 2, domain: air, quantity: 1000, unit: aircraft}\n")
	if _, err := srv.Seed(ctx, []server.SeedDocument{{Name: "framework", Text: []byte(fw.String())}}); err != nil {
		tb.Fatal(err)
	}
	rig.seeded = 1
	hs := httptest.NewServer(srv.Handler())
	rig.url = hs.URL
	tb.Cleanup(func() {
		hs.Close()
		srv.Close()
		st.Close()
	})
	return rig
}

func mustKey(tb testing.TB, name string) signing.KeyPair {
	private, _, err := signing.GenerateKey(name)
	if err != nil {
		tb.Fatal(err)
	}
	k, err := signing.ParsePrivate(private)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// declarations signs m declarations of each party, dated one day apart so
// that each supersedes the one before.
func (rig *loadRig) declarations(tb testing.TB, m int) map[string][][]byte {
	out := map[string][][]byte{}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range rig.parties {
		for i := range m {
			doc := fmt.Sprintf("backstop: v1\nkind: Declaration\nframework: load\nparty: %s\ndate: %s\npledges:\n  - {id: jets, layer: 2, domain: air, quantity: %d, unit: aircraft}\n",
				p, start.AddDate(0, 0, i).Format("2006-01-02"), 1+i%5)
			signed, err := signing.Sign([]byte(doc), rig.keys[p].Signer)
			if err != nil {
				tb.Fatal(err)
			}
			out[p] = append(out[p], signed)
		}
	}
	return out
}

// loadResult is what one run of the load generator measured.
type loadResult struct {
	latencies []time.Duration
	elapsed   time.Duration
	accepted  map[int64][]byte // entry → the signed document acknowledged there
	failures  []string
}

// run has every party submit its documents one after another, all parties
// at once, over loopback.
func (rig *loadRig) run(docs map[string][][]byte) *loadResult {
	res := &loadResult{accepted: map[int64][]byte{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	begin := time.Now()
	for _, p := range rig.parties {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _ := client.New(rig.url, nil)
			c.HTTP = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			for _, d := range docs[p] {
				t0 := time.Now()
				acc, err := c.Submit(context.Background(), "load", d)
				lat := time.Since(t0)
				mu.Lock()
				if err != nil {
					res.failures = append(res.failures, fmt.Sprintf("%s: %v", p, err))
				} else {
					res.latencies = append(res.latencies, lat)
					if _, dup := res.accepted[acc.Entry.Index]; dup {
						res.failures = append(res.failures, fmt.Sprintf("entry %d acknowledged twice", acc.Entry.Index))
					}
					res.accepted[acc.Entry.Index] = d
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(begin)
	slices.Sort(res.latencies)
	return res
}

func (r *loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
}

// TestLoad50Parties: fifty parties submit at once; every acknowledged
// document is in the log exactly once, at the entry it was acknowledged
// with, and nothing else is.
func TestLoad50Parties(t *testing.T) {
	if os.Getenv("BACKSTOP_HEAVY_TESTS") == "" {
		t.Skip("set BACKSTOP_HEAVY_TESTS=1 (.ci/run does)")
	}
	rig := newLoadRig(t, 50)
	const perParty = 20
	res := rig.run(rig.declarations(t, perParty))
	if len(res.failures) > 0 {
		t.Fatalf("%d failures, the first: %s", len(res.failures), res.failures[0])
	}
	if len(res.accepted) != 50*perParty {
		t.Fatalf("%d acknowledged, want %d", len(res.accepted), 50*perParty)
	}
	reader := rig.keys[rig.parties[0]] // the framework is closed to anonymous readers
	c, _ := client.New(rig.url, &reader)
	var all []api.Entry
	for start := int64(0); ; {
		page, err := c.Entries(context.Background(), start, 1000)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			break
		}
		start += int64(len(page.Items))
	}
	if want := rig.seeded + 50*perParty; int64(len(all)) != want {
		t.Fatalf("the log has %d entries, want %d", len(all), want)
	}
	seen := map[string]bool{}
	for _, e := range all[rig.seeded:] {
		doc, ok := res.accepted[e.Index]
		switch {
		case !ok:
			t.Errorf("entry %d was never acknowledged", e.Index)
		case e.Note == nil || !bytes.Equal([]byte(*e.Note), doc):
			t.Errorf("entry %d is not the document acknowledged there", e.Index)
		case seen[*e.Note]:
			t.Errorf("entry %d duplicates an earlier entry", e.Index)
		default:
			seen[*e.Note] = true
		}
	}
	t.Logf("%d submissions by 50 parties in %v: %.0f/s; latency p50 %v, p99 %v",
		len(res.latencies), res.elapsed.Round(time.Millisecond), float64(len(res.latencies))/res.elapsed.Seconds(),
		res.percentile(0.50), res.percentile(0.99))
}

// BenchmarkSubmit50Parties measures submissions end to end over loopback
// (HTTP, signature check, validation against the framework, group commit
// to SQLite with fsync): b.N submissions spread over 50 parties at once.
// Compare submissions/s with ed25519's ceiling of ~26,000 verifications/s
// per core.
func BenchmarkSubmit50Parties(b *testing.B) {
	rig := newLoadRig(b, 50)
	perParty := max(1, (b.N+49)/50)
	docs := rig.declarations(b, perParty)
	b.ResetTimer()
	res := rig.run(docs)
	b.StopTimer()
	if len(res.failures) > 0 {
		b.Fatalf("%d failures, the first: %s", len(res.failures), res.failures[0])
	}
	n := float64(len(res.latencies))
	b.ReportMetric(n/res.elapsed.Seconds(), "submissions/s")
	b.ReportMetric(float64(res.percentile(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.percentile(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}
