package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/backstop-dev/backstop/examples"
	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/acled"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/feeds/viina"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
	"github.com/backstop-dev/backstop/internal/territory"
)

// The shared data sets sit next to the repository; the tests that need
// them skip when they are absent (CI always has them).
const (
	sharedData = "../../../shared/data"
	framework  = "ukraine-2025"
	keysDir    = "../../examples/ukraine-2025/keys"
)

// The year of incidents the dashboard is measured with: VIINA's 2024
// (machine-coded news reports, 97,884 with coordinates), and ACLED's 2024
// rows of the sample (human-coded), which corroborate some of them.
var yearFiles = func() []string {
	var out []string
	for m := 1; m <= 12; m++ {
		out = append(out, fmt.Sprintf("viina/viina_incidents_2024%02d.csv.gz", m))
	}
	return out
}()

// chromium finds Debian's Chromium, or skips the test when it is missing,
// unless BACKSTOP_BROWSER_TESTS=1 asks for the browser tests to run.
func chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("BACKSTOP_BROWSER_TESTS") == "1" {
		tb.Fatal("chromium not installed, and BACKSTOP_BROWSER_TESTS=1 requires the browser tests")
	}
	tb.Skip("chromium not installed (.ci/run installs it)")
	return ""
}

func needData(tb testing.TB) {
	tb.Helper()
	if _, err := os.Stat(sharedData); err != nil {
		tb.Skipf("%s is absent: the dashboard's browser tests need the shared data sets next to the repository (%v)", sharedData, err)
	}
}

// rig is a server on loopback seeded with the bundled example, the oblasts,
// the territory snapshots and a year of incidents, a bare one with the
// example alone, and a headless Chromium to look at them. One rig serves every test of the package: building it
// (reading and submitting ~100,000 incidents) takes seconds.
type rig struct {
	url       string // the server with the layers and the incidents
	bare      string // a server with the example alone: no layers, no incidents
	alloc     context.Context
	incidents int           // submitted
	layers    server.Config // the oblasts and the territory, for a server of a test's own
	cleanup   []func()
}

var shared struct {
	once sync.Once
	rig  *rig
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.rig != nil {
		for i := len(shared.rig.cleanup) - 1; i >= 0; i-- {
			shared.rig.cleanup[i]()
		}
	}
	os.Exit(code)
}

// theRig returns the package's rig, building it on first use.
func theRig(tb testing.TB) *rig {
	tb.Helper()
	bin := chromium(tb)
	needData(tb)
	shared.once.Do(func() { shared.rig, shared.err = newRig(tb, bin) })
	if shared.err != nil {
		tb.Fatalf("building the dashboard's test server: %v", shared.err)
	}
	return shared.rig
}

func newRig(tb testing.TB, bin string) (*rig, error) {
	r := &rig{}
	obl, err := oblast.Load(filepath.Join(sharedData, "ua-oblasts", "oblast.geojson"))
	if err != nil {
		return nil, err
	}
	snaps, ds := territory.LoadDir(filepath.Join(sharedData, "deepstate"))
	if ds.HasErrors() {
		return nil, fmt.Errorf("territory: %v", ds)
	}
	r.layers = server.Config{Oblasts: obl, Territory: snaps}
	if r.url, err = r.serve(r.layers); err != nil {
		return nil, err
	}
	if r.bare, err = r.serve(server.Config{}); err != nil {
		return nil, err
	}
	start := time.Now()
	n, err := r.submitYear()
	if err != nil {
		return nil, err
	}
	r.incidents = n
	tb.Logf("rig: %d incidents submitted in %v", n, time.Since(start).Round(time.Millisecond))

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	r.alloc = alloc
	r.cleanup = append(r.cleanup, cancel)
	return r, nil
}

// serve starts a server on loopback with the bundled example, its record
// in a folder of its own, and returns its address.
func (r *rig) serve(cfg server.Config) (string, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "backstop-dashboard-test-")
	if err != nil {
		return "", err
	}
	r.cleanup = append(r.cleanup, func() { os.RemoveAll(dir) })
	st, err := store.Open(ctx, filepath.Join(dir, "backstop.db"))
	if err != nil {
		return "", err
	}
	r.cleanup = append(r.cleanup, func() { st.Close() })
	if cfg.Key, err = newServerKey(); err != nil {
		return "", err
	}
	cfg.MaxBody, cfg.Timeout = 64<<20, 2*time.Minute
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		return "", err
	}
	files := map[string][]byte{}
	err = fs.WalkDir(examples.Ukraine2025, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[p], err = examples.Ukraine2025.ReadFile(p)
		return err
	})
	if err != nil {
		return "", err
	}
	docs, err := server.SeedFiles(files)
	if err != nil {
		return "", err
	}
	if _, err := srv.Seed(ctx, docs); err != nil {
		return "", err
	}
	ts := httptest.NewServer(srv.Handler())
	// Closing order (reversed): the browser, then the HTTP server (which
	// waits for open requests, such as event streams, to end), then the
	// record.
	r.cleanup = append(r.cleanup, srv.Close, ts.Close)
	return ts.URL, nil
}

func newServerKey() (signing.KeyPair, error) {
	private, _, err := signing.GenerateKey("dashboard-test")
	if err != nil {
		return signing.KeyPair{}, err
	}
	return signing.ParsePrivate(private)
}

// submitYear submits the year of incidents as a monitor would, a month a
// document, with the corroboration rules of examples/corroboration.
func (r *rig) submitYear() (int, error) {
	mon, err := signing.ReadKeyPair(filepath.Join(keysDir, "MON.key"))
	if err != nil {
		return 0, err
	}
	rules, err := os.ReadFile("../../examples/corroboration/firms-ground.yaml")
	if err != nil {
		return 0, err
	}
	if err := r.submit(rules, mon); err != nil {
		return 0, fmt.Errorf("the corroboration rules: %w", err)
	}
	opts := feeds.Options{Oblasts: oblast.New()}
	var batches [][]model.Incident
	for _, f := range yearFiles {
		src, err := feeds.Open(filepath.Join(sharedData, f))
		if err != nil {
			return 0, err
		}
		res, _ := viina.Reader{}.Read(src, opts)
		batches = append(batches, res.Incidents)
	}
	src, err := feeds.Open(filepath.Join(sharedData, "acled-ukraine-sample", "ACLED-Ukraine.csv"))
	if err != nil {
		return 0, err
	}
	res, _ := acled.Reader{}.Read(src, opts)
	var acled2024 []model.Incident
	for _, inc := range res.Incidents {
		if inc.Time.Year() == 2024 {
			acled2024 = append(acled2024, inc)
		}
	}
	batches = append(batches, acled2024)
	n := 0
	for _, b := range batches {
		for i := range b {
			b[i].Fields = nil // the headlines: a third of the bytes, and no trigger reads them
		}
		var buf bytes.Buffer
		if err := incidents.WriteYAML(&buf, b); err != nil {
			return 0, err
		}
		if err := r.submit(buf.Bytes(), mon); err != nil {
			return 0, err
		}
		n += len(b)
	}
	return n, nil
}

// submit signs a document and posts it; anything but 201 is an error.
func (r *rig) submit(doc []byte, k signing.KeyPair) error {
	_, err := r.submitEntry(doc, k)
	return err
}

func (r *rig) submitEntry(doc []byte, k signing.KeyPair) (int64, error) {
	return submitTo(r.url, doc, k)
}

// submitTo signs a document and posts it to the server at url.
func submitTo(url string, doc []byte, k signing.KeyPair) (int64, error) {
	signed, err := signing.Sign(doc, k.Signer)
	if err != nil {
		return 0, err
	}
	resp, err := http.Post(url+"/v1/frameworks/"+framework+"/documents", api.NoteType, bytes.NewReader(signed))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("submission: %s: %s", resp.Status, body)
	}
	var acc api.Accepted
	if err := json.Unmarshal(body, &acc); err != nil {
		return 0, err
	}
	return acc.Entry.Index, nil
}

// tab is one browser tab, recording every console error, uncaught
// exception, failed request and HTTP error it sees.
type tab struct {
	t        testing.TB
	ctx      context.Context
	cancel   context.CancelFunc
	mu       sync.Mutex
	problems []string
	notes    []string // logged, not failed
	urls     map[network.RequestID]string
}

func (r *rig) newTab(t *testing.T) *tab {
	t.Helper()
	tb := r.openTab(t)
	t.Cleanup(tb.close)
	return tb
}

// close closes the tab.
func (tb *tab) close() { tb.cancel() }

// cdpEmpty is the parameter of the protocol's commands that take none.
var cdpEmpty = cdp.Empty{}

func (r *rig) openTab(t testing.TB) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(r.alloc)
	tb := &tab{t: t, ctx: ctx, cancel: cancel, urls: map[network.RequestID]string{}}
	err := chromedp.Listen(ctx, func(ev any) {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.urls[ev.RequestID] = ev.Request.URL
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				tb.problems = append(tb.problems, fmt.Sprintf("HTTP %d %s", ev.Response.Status, ev.Response.URL))
			}
		case *network.EventLoadingFailed:
			// A request cancelled as a page is left (an event stream, a
			// fetch the page aborted) is not a failure.
			if !ev.Canceled {
				tb.problems = append(tb.problems, fmt.Sprintf("request failed: %s %s", ev.ErrorText, tb.urls[ev.RequestID]))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			desc := d.Text
			if d.Exception != nil {
				desc += " " + d.Exception.Description
			}
			tb.problems = append(tb.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, desc))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				tb.problems = append(tb.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *log.EventEntryAdded:
			// Errors of the browser's own log are failed loads, CSP
			// violations and the like; its warnings are advice (such as
			// canvas readback hints the tests' own pixel reads cause).
			switch ev.Entry.Level {
			case log.EntryLevelError:
				tb.problems = append(tb.problems, fmt.Sprintf("browser log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			case log.EntryLevelWarning:
				tb.notes = append(tb.notes, fmt.Sprintf("browser log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
			}
		}
	})
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	for _, enable := range []func() error{
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdpEmpty); return err },
		func() error { _, err := chromedp.Call(ctx, log.Enable, cdpEmpty); return err },
	} {
		if err := enable(); err != nil {
			t.Fatalf("browser: %v", err)
		}
	}
	return tb
}

// do runs actions in order.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// clean fails the test for every problem the tab saw.
func (tb *tab) clean() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("%s", p)
	}
	for _, n := range tb.notes {
		tb.t.Log(n)
	}
	tb.problems, tb.notes = nil, nil
}

// eval evaluates a JavaScript expression (awaiting a promise).
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("browser: evaluating %.200s…: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds.
func (tb *tab) waitFor(cond string) {
	tb.t.Helper()
	tb.do(chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(90*time.Second)))
}

// screenshot keeps a full-page screenshot in $BACKSTOP_ARTEFACTS (when
// set) as dashboard-NAME.png.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("browser: screenshot: %v", err)
	}
	dir := os.Getenv("BACKSTOP_ARTEFACTS")
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join(dir, "dashboard-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
}
