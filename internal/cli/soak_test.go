package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/signing"
)

// soakCeiling is the most resident memory `backstop serve` may reach
// (its peak, VmHWM) during the soak test, with its default soft memory
// limit (--memory-limit 384MiB): the seeded example, a few thousand
// declarations, and every abuse below at once. Measured: 487 MiB at the
// peak over 40 s (108 MiB with the valid traffic alone; the monitoring
// asked at hundreds of quiet periods while the record changes at every
// declaration is what costs: each answer loads the whole record).
// docs/serve.md states it.
const soakCeiling = 640 << 20

// soakDuration is how long the mixed traffic runs (BACKSTOP_SOAK=90s
// runs longer by hand).
func soakDuration(t *testing.T) time.Duration {
	d := 40 * time.Second
	if v := os.Getenv("BACKSTOP_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("BACKSTOP_SOAK: %v", err)
		}
	}
	return d
}

// aliasBomb is a Declaration whose one anchored mapping of k unknown
// fields is used n times: the attack that cost 170 MB for 8 KB.
func aliasBomb(party string, k, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "backstop: v1\nkind: Declaration\nframework: %s\nparty: %s\ndate: 2030-01-01\nbase: &b\n", exampleFramework, party)
	for i := range k {
		fmt.Fprintf(&b, "  f%d: x\n", i)
	}
	b.WriteString("pledges:\n")
	for range n {
		b.WriteString("  - *b\n")
	}
	return []byte(b.String())
}

// fromAddress is an HTTP client whose connections come from a loopback
// address of their own (127.0.0.x): each party and each abuser is a
// client of its own, as on a network, so that the server's per-client
// connection bounds apply to each.
func fromAddress(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 16}, Timeout: 60 * time.Second}
}

// peakRSS reads the child's peak resident set size (VmHWM) in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// TestServeSoak runs `backstop serve` in a child process under mixed
// traffic for soakDuration: eight parties submitting valid declarations as
// fast as they can, and at the same time the attacks of issue 16 — alias
// bombs signed by a party that may submit nothing (RU), unsigned and
// forged documents, a hidden line break, monitoring asked with hundreds of
// distinct quiet periods, hundreds of held event streams, large log pages
// in parallel. It checks that the server's peak memory stays under
// soakCeiling, that every abuse was refused with an HTTP answer (never a
// dropped connection), that every acknowledged declaration is in the log
// at its index, and that `backstop verify` audits the whole log.
func TestServeSoak(t *testing.T) {
	skipUnlessHeavy(t)
	dir := t.TempDir()
	proc := startServe(t, dir)
	subs := newSubmitters(t)
	seeded := subs.checkLog(t, proc.url, 0)
	deadline := time.Now().Add(soakDuration(t))
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	var (
		mu       sync.Mutex
		acks     []acked
		answered = map[string]*atomic.Int64{}
		wg       sync.WaitGroup
	)
	for _, k := range []string{"alias-bomb", "unsigned", "forged", "hidden-line", "monitoring", "events", "log-page"} {
		answered[k] = &atomic.Int64{}
	}
	// Valid traffic: every party's declarations, dates growing.
	for i, party := range crashParties {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := client.New(proc.url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			c.HTTP = fromAddress(fmt.Sprintf("127.0.0.%d", 10+i))
			for ctx.Err() == nil {
				date := subs.day0.AddDate(0, 0, subs.next[i]).Format("2006-01-02")
				subs.next[i]++
				doc := append(append(append([]byte{}, subs.before[i]...), date...), subs.after[i]...)
				signed, err := signing.Sign(doc, subs.keys[i].Signer)
				if err != nil {
					t.Error(err)
					return
				}
				acc, err := c.Submit(context.Background(), exampleFramework, signed)
				if err != nil {
					t.Errorf("%s's declaration of %s under load: %v", party, date, err)
					return
				}
				mu.Lock()
				acks = append(acks, acked{party: party, index: acc.Entry.Index, leaf: tlog.RecordHash(signed)})
				mu.Unlock()
			}
		}()
	}
	abusers := fromAddress("127.0.0.66")
	post := func(kind string, body []byte) {
		resp, err := abusers.Post(proc.url+"/v1/frameworks/"+exampleFramework+"/documents", "text/plain; charset=utf-8", bytes.NewReader(body))
		if err != nil {
			if ctx.Err() == nil {
				t.Errorf("%s: no HTTP answer: %v", kind, err)
			}
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("%s: accepted (%s)", kind, resp.Status)
			return
		}
		answered[kind].Add(1)
	}
	get := func(kind, path string) {
		resp, err := abusers.Get(proc.url + path)
		if err != nil {
			if ctx.Err() == nil {
				t.Errorf("%s %s: no HTTP answer: %v", kind, path, err)
			}
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered[kind].Add(1)
	}
	abuse := func(run func(n int)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				run(n)
			}
		}()
	}
	ru := demoKey(t, "RU")
	bomb, err := signing.Sign(aliasBomb("RU", 100, 1000), ru.Signer)
	if err != nil {
		t.Fatal(err)
	}
	fi := demoKey(t, "FI")
	hidden, err := signing.Sign([]byte("# harmless comment\u2028revision: 7\n"), fi.Signer)
	if err != nil {
		// sign refuses hidden line breaks: forge the signed text by hand
		hidden = []byte("backstop: v1\nkind: Declaration\n# harmless comment\u2028revision: 7\n\n— FI+00000000+AAAA\n")
	}
	abuse(func(int) { post("alias-bomb", bomb) })
	abuse(func(int) { post("unsigned", aliasBomb("FI", 10, 10)) })
	abuse(func(n int) {
		forged := append([]byte{}, bomb...)
		forged[len(forged)-3] ^= 1
		post("forged", forged)
	})
	abuse(func(int) { post("hidden-line", hidden) })
	abuse(func(n int) {
		get("monitoring", fmt.Sprintf("/v1/frameworks/%s/monitoring?quiet=%dm", exampleFramework, 1+n%5000))
	})
	abuse(func(int) { get("log-page", "/v1/log/entries?start=0&limit=1000") })
	abuse(func(int) { get("log-page", "/v1/log/entries?start=0&limit=1000") })
	// Event streams, held until the end: the server must answer each,
	// with a stream or a refusal, and keep serving the rest meanwhile.
	streamers := fromAddress("127.0.0.77")
	var streams sync.WaitGroup
	for range 300 {
		streams.Add(1)
		go func() {
			defer streams.Done()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, proc.url+"/v1/events", nil)
			resp, err := streamers.Do(req)
			if err != nil {
				if ctx.Err() == nil {
					t.Errorf("events: no HTTP answer: %v", err)
				}
				return
			}
			answered["events"].Add(1)
			io.Copy(io.Discard, resp.Body) // until the context ends the stream
			resp.Body.Close()
		}()
	}
	wg.Wait()
	cancel()
	streams.Wait()

	peak := peakRSS(t, proc.cmd.Process.Pid)
	subs.acks = acks
	size := subs.checkLog(t, proc.url, seeded)
	exit, out, errOut := runCLI("verify", "--server", proc.url)
	if exit != ExitOK {
		t.Errorf("verify after the soak: exit %d\n%s%s", exit, out, errOut)
	}
	var counts []string
	for k, n := range answered {
		counts = append(counts, fmt.Sprintf("%s %d", k, n.Load()))
	}
	t.Logf("%s of mixed traffic: %d declarations acknowledged, the log has %d entries; abuses answered: %s; peak RSS %d MiB (ceiling %d MiB)",
		soakDuration(t), len(acks), size, strings.Join(counts, ", "), peak>>20, soakCeiling>>20)
	if peak > soakCeiling {
		t.Errorf("backstop serve reached %d MiB resident, over the %d MiB ceiling", peak>>20, soakCeiling>>20)
	}
	if len(acks) == 0 {
		t.Error("no valid declaration was acknowledged under load")
	}
	proc.terminate(t)
}
