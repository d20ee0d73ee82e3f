package cli

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// TestMain lets a test run the real `backstop` in a child process: the
// test binary run again with BACKSTOP_TEST_MAIN=1 is backstop, its
// arguments those after the binary's path.
func TestMain(m *testing.M) {
	if os.Getenv("BACKSTOP_TEST_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func skipUnlessHeavy(t *testing.T) {
	t.Helper()
	if os.Getenv("BACKSTOP_HEAVY_TESTS") == "" {
		t.Skip("set BACKSTOP_HEAVY_TESTS=1 (.ci/run does)")
	}
	if runtime.GOOS == "windows" {
		t.Skip("signals a child process (SIGKILL, SIGTERM)")
	}
}

// serveProc is `backstop serve` running in a child process.
type serveProc struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{} // closed once Wait has returned
	err    error         // Wait's, once exited is closed
	stderr *watchedStderr
	// startup is how long it took from starting the process to its
	// listening line: opening (recovering) the store and rebuilding the
	// record from it.
	startup time.Duration
}

// watchedStderr keeps what the child writes on standard error and hands
// over the URL of its listening line.
type watchedStderr struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	scanned int
	ready   chan string
}

const listeningPrefix = "backstop serve: listening on "

func (w *watchedStderr) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	for w.ready != nil {
		rest := w.buf.Bytes()[w.scanned:]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		line := string(rest[:i])
		w.scanned += i + 1
		if after, ok := strings.CutPrefix(line, listeningPrefix); ok {
			url, _, _ := strings.Cut(after, " ")
			w.ready <- url
			w.ready = nil
		}
	}
	return len(b), nil
}

func (w *watchedStderr) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// startServe runs `backstop serve` on the data folder dir and waits (for
// at most 30 s) until it listens.
func startServe(t *testing.T, dir string) *serveProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "serve", "--data", dir, "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "BACKSTOP_TEST_MAIN=1")
	p := &serveProc{cmd: cmd, exited: make(chan struct{}), stderr: &watchedStderr{ready: make(chan string, 1)}}
	cmd.Stderr = p.stderr
	ready := p.stderr.ready
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case p.url = <-ready:
		p.startup = time.Since(begin)
	case <-p.exited:
		t.Fatalf("backstop serve exited before listening (%v):\n%s", p.err, p.stderr)
	case <-ctx.Done():
		t.Fatalf("backstop serve did not listen within 30 s:\n%s", p.stderr)
	}
	return p
}

// kill ends the process with SIGKILL: no chance to finish anything.
func (p *serveProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("backstop serve did not die of SIGKILL: %v", p.err)
	}
	p.checkNoErrors(t)
}

// checkNoErrors fails the test if the server logged an error (a failed
// append, a record out of step with the log, a panic).
func (p *serveProc) checkNoErrors(t *testing.T) {
	t.Helper()
	if s := p.stderr.String(); strings.Contains(s, "level=ERROR") {
		t.Errorf("backstop serve logged errors:\n%s", s)
	}
}

// terminate asks the process to stop with SIGTERM and checks it shuts
// down gracefully: exit 0 and "stopped", within the 15 s grace and some.
func (p *serveProc) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("backstop serve still running 30 s after SIGTERM:\n%s", p.stderr)
	}
	if p.err != nil || p.cmd.ProcessState.ExitCode() != 0 {
		t.Fatalf("backstop serve after SIGTERM: %v, want exit 0:\n%s", p.err, p.stderr)
	}
	if !strings.Contains(p.stderr.String(), "backstop serve: stopped\n") {
		t.Fatalf("backstop serve did not say it stopped:\n%s", p.stderr)
	}
	p.checkNoErrors(t)
}

// crashParties submit declarations at once, each with its own demo key.
var crashParties = []string{"FI", "SE", "DE", "FR", "IT", "PL", "CA", "GB"}

// acked is a submission the server acknowledged with 201: its entry must
// be in the log whatever happens to the server afterwards.
type acked struct {
	party string
	index int64
	leaf  tlog.Hash
}

// submitters are the parties' submission loops. Each party's dates only
// grow, across runs too, so that every declaration supersedes those before
// it, including one that landed without its acknowledgement reaching us.
type submitters struct {
	keys   []signing.KeyPair
	before [][]byte
	after  [][]byte
	next   []int // per party: the next declaration's day after 2025-09-01
	day0   time.Time
	acks   []acked // every acknowledged submission, over all runs
	perRun []int   // acknowledgements per run
	late   []int   // of which those received once the server was being stopped
}

func newSubmitters(t *testing.T) *submitters {
	s := &submitters{next: make([]int, len(crashParties)), day0: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)}
	for _, p := range crashParties {
		s.keys = append(s.keys, demoKey(t, p))
		b, a := declarationTemplate(t, p)
		s.before, s.after = append(s.before, b), append(s.after, a)
	}
	return s
}

// run has every party submit to url as fast as it can. Once target
// submissions have been acknowledged it calls stop (which ends the server)
// and returns when every party's loop has seen the server go. A failure
// other than the server going away is a test failure.
func (s *submitters) run(t *testing.T, url string, target int, stop func()) {
	t.Helper()
	var (
		mu       sync.Mutex
		acks     []acked
		late     int
		reached  = make(chan struct{})
		stopping = make(chan struct{}) // closed before stop is called
		abort    = make(chan struct{}) // closed if the test fails first
		allGone  = make(chan struct{})
		wg       sync.WaitGroup
	)
	// A test that fails before the server is stopped ends the loops
	// before it ends, so that none of them outlives it.
	defer func() {
		select {
		case <-allGone:
		default:
			close(abort)
			<-allGone
		}
	}()
	for i, party := range crashParties {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := client.New(url, nil)
			if err != nil {
				t.Error(err)
				return
			}
			for {
				select {
				case <-abort:
					return
				default:
				}
				date := s.day0.AddDate(0, 0, s.next[i]).Format("2006-01-02")
				s.next[i]++
				doc := append(append(append([]byte{}, s.before[i]...), date...), s.after[i]...)
				signed, err := signing.Sign(doc, s.keys[i].Signer)
				if err != nil {
					t.Error(err)
					return
				}
				acc, err := c.Submit(context.Background(), exampleFramework, signed)
				if err != nil {
					select {
					case <-stopping: // the server went, as it was meant to
					case <-abort:
					default:
						t.Errorf("%s's declaration of %s, with the server up: %v", party, date, err)
					}
					return
				}
				mu.Lock()
				acks = append(acks, acked{party: party, index: acc.Entry.Index, leaf: tlog.RecordHash(signed)})
				if len(acks) == target {
					close(reached)
				}
				select {
				case <-stopping:
					late++
				default:
				}
				mu.Unlock()
				if acc.Entry.LeafHash != tlog.RecordHash(signed) {
					t.Errorf("entry %d: the server acknowledged leaf %s for a document whose hash is %s", acc.Entry.Index, acc.Entry.LeafHash, tlog.RecordHash(signed))
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(allGone)
	}()
	select {
	case <-reached:
	case <-allGone:
		t.Fatalf("every party stopped before %d acknowledgements", target)
	case <-time.After(60 * time.Second):
		t.Fatalf("fewer than %d acknowledgements in 60 s", target)
	}
	close(stopping)
	stop()
	<-allGone
	s.acks = append(s.acks, acks...)
	s.perRun = append(s.perRun, len(acks))
	s.late = append(s.late, late)
}

// checkLog checks that the server at url holds every acknowledged entry
// where it was acknowledged, and returns the log's size.
func (s *submitters) checkLog(t *testing.T, url string, seeded int64) int64 {
	t.Helper()
	c, err := client.New(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var entries []api.Entry
	for {
		page, err := c.Entries(ctx, int64(len(entries)), 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) == 0 {
			break
		}
		entries = append(entries, page.Items...)
	}
	size := int64(len(entries))
	seen := map[int64]bool{}
	for _, a := range s.acks {
		if seen[a.index] {
			t.Errorf("entry %d was acknowledged twice", a.index)
		}
		seen[a.index] = true
		if a.index >= size {
			t.Errorf("%s's acknowledged entry %d is lost: the log has %d entries", a.party, a.index, size)
			continue
		}
		if e := entries[a.index]; e.LeafHash != a.leaf || e.Subject != a.party {
			t.Errorf("entry %d is %s's %s, not the document acknowledged there (%s)", a.index, e.Subject, e.LeafHash, a.leaf)
		}
	}
	if want := seeded + int64(len(s.acks)); size < want {
		t.Errorf("the log has %d entries, fewer than the %d seeded and %d acknowledged", size, seeded, len(s.acks))
	}
	return size
}

// TestServeCrash kills `backstop serve` with SIGKILL while eight parties
// submit at full speed, three times over, and checks after each restart
// that nothing acknowledged was lost and nothing was half-written: every
// 201 is in the log at its index, and the full audit of `backstop verify`
// passes, with a consistency proof from the checkpoint before the crash.
func TestServeCrash(t *testing.T) {
	skipUnlessHeavy(t)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("BACKSTOP_CRASH_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("BACKSTOP_CRASH_SEED: %v", err)
		}
	}
	t.Logf("random seed %d (BACKSTOP_CRASH_SEED=%d repeats this run's kill points)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	dir := t.TempDir()
	cp := filepath.Join(t.TempDir(), "checkpoint.txt")
	proc := startServe(t, dir)
	files, _, err := server.SeedSource(nil)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := server.SeedFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(proc.stderr.String(), fmt.Sprintf("seeded the record with %d documents", len(docs))) {
		t.Fatalf("the first start did not seed the example:\n%s", proc.stderr)
	}
	exit, out, errOut := runCLI("verify", "--server", proc.url, "--save", cp)
	if exit != ExitOK {
		t.Fatalf("verify of the seeded record: exit %d\n%s%s", exit, out, errOut)
	}
	subs := newSubmitters(t)
	seeded := subs.checkLog(t, proc.url, 0)

	size := seeded
	for cycle := 1; cycle <= 3; cycle++ {
		target := 20 + rng.IntN(281)
		subs.run(t, proc.url, target, func() { proc.kill(t) })
		acks, late := subs.perRun[len(subs.perRun)-1], subs.late[len(subs.late)-1]

		proc = startServe(t, dir)
		if strings.Contains(proc.stderr.String(), "seeded") {
			t.Errorf("the restart seeded again:\n%s", proc.stderr)
		}
		size = subs.checkLog(t, proc.url, seeded)
		exit, out, errOut := runCLI("verify", "--server", proc.url, "--since", cp, "--save", cp)
		if exit != ExitOK {
			t.Errorf("cycle %d: verify after the restart: exit %d\n%s%s", cycle, exit, out, errOut)
		}
		t.Logf("cycle %d: SIGKILL at %d acknowledgements, %d in all (%d of them after the kill was decided); restarted and listening in %v; the log has %d entries, %d of them landed without their acknowledgement (so far)",
			cycle, target, acks, late, proc.startup.Round(time.Millisecond), size, size-seeded-int64(len(subs.acks)))
		if t.Failed() {
			t.FailNow()
		}
	}
	proc.terminate(t)

	// The store the crashes left behind opens cleanly and is sound.
	st, err := store.Open(context.Background(), filepath.Join(dir, "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var integrity string
	if n, err := st.Size(context.Background()); err != nil || n != size {
		t.Errorf("the store holds %d entries (%v); the server served %d", n, err, size)
	}
	if err := st.DB().QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check: %q, %v", integrity, err)
	}
}

// TestServeSIGTERMInFlight: SIGTERM while parties are submitting shuts
// the server down gracefully: exit 0, "stopped", and every submission it
// acknowledged, in flight when the signal came included, is in the log.
func TestServeSIGTERMInFlight(t *testing.T) {
	skipUnlessHeavy(t)
	dir := t.TempDir()
	proc := startServe(t, dir)
	subs := newSubmitters(t)
	seeded := subs.checkLog(t, proc.url, 0)
	subs.run(t, proc.url, 50, func() { proc.terminate(t) })
	t.Logf("SIGTERM at 50 acknowledgements; %d in all, %d received after the signal was decided", subs.perRun[0], subs.late[0])
	proc = startServe(t, dir)
	subs.checkLog(t, proc.url, seeded)
	if exit, out, errOut := runCLI("verify", "--server", proc.url); exit != ExitOK {
		t.Errorf("verify after the restart: exit %d\n%s%s", exit, out, errOut)
	}
	proc.terminate(t)
}
