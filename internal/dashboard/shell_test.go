package dashboard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The shell's browser tests: what app.js, dom.js and links.js do for
// every page (the "as of" control, errors, retries, gzip), and the stress
// page for every stored scenario. Run with BACKSTOP_BROWSER_TESTS=1.

// scenarioIDs lists the stored scenarios of the rig's server.
func scenarioIDs(t *testing.T, base string) []string {
	t.Helper()
	resp, err := http.Get(base + "/v1/frameworks/" + framework + "/scenarios")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// TestShellStressScenarios draws the stress page for each stored scenario:
// the simulation is drawn with no error box, the picker names the
// scenario, and the tab sees no console error, exception or failed
// request. (ukraine-a-layer1 brings no guarantor force: its lists are
// empty, and once came as null.)
func TestShellStressScenarios(t *testing.T) {
	r := theRig(t)
	ids := scenarioIDs(t, r.url)
	if len(ids) < 3 {
		t.Fatalf("%d scenarios stored, want the example's 3: %v", len(ids), ids)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			tb := r.newTab(t)
			tb.do(chromedp.Navigate(r.url + "/stress?scenario=" + id))
			tb.waitFor(`(document.querySelector('#hold-tiles') !== null && document.querySelector('#sim-verdict') !== null) || document.querySelector('.problem') !== null`)
			if box := eval[string](tb, `(document.querySelector('.problem') || {}).textContent || ''`); box != "" {
				t.Fatalf("the stress page for %s shows an error: %s", id, box)
			}
			if got := eval[string](tb, `document.getElementById('scenario-select').value`); got != id {
				t.Errorf("the picker shows %q, want %q", got, id)
			}
			if n := eval[int](tb, `document.querySelectorAll('#hold-tiles .tile').length`); n < 4 {
				t.Errorf("%d tiles of P(hold), want at least 4", n)
			}
			tb.clean()
		})
	}
}

// TestShellStressMissingLists serves the stress page a simulation whose
// lists are null or missing (as the API once sent "in_place": null): the
// page draws what there is, with no error box, and the picker stays.
func TestShellStressMissingLists(t *testing.T) {
	r := theRig(t)
	resp, err := http.Get(r.url + "/v1/frameworks/" + framework + "/simulation?scenario=ukraine-a-layer1")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	var sim map[string]any
	if err := json.Unmarshal(raw, &sim); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"in_place", "sensitivity", "needed", "histogram"} {
		sim[k] = nil
	}
	delete(sim, "within")
	delete(sim, "hours")
	broken, _ := json.Marshal(sim)
	tb := r.newTab(t)
	err = chromedp.Listen(tb.ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			_, _ = chromedp.Call(tb.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: e.RequestID, ResponseCode: 200,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/json"}},
				Body:            broken})
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tb.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/simulation?*"}}}); err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.Navigate(r.url + "/stress?scenario=ukraine-a-layer1"))
	tb.waitFor(`document.querySelector('#sim-verdict') !== null || document.querySelector('.problem') !== null`)
	if box := eval[string](tb, `(document.querySelector('.problem') || {}).textContent || ''`); box != "" {
		t.Fatalf("the stress page shows an error for missing lists: %s", box)
	}
	if !eval[bool](tb, `document.getElementById('scenario-select') !== null && document.getElementById('in-place') !== null`) {
		t.Error("the picker or the forces in place are gone")
	}
	tb.clean()
}

// TestShellAsOfNarrow: on a 390 px wide screen the header, with its "as
// of" control, is no wider than the screen.
func TestShellAsOfNarrow(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(r.url+"/breaches"))
	tb.waitFor(`document.querySelector('#breach-summary') !== null`)
	if !eval[bool](tb, `(() => { const i = document.getElementById('as-of').getBoundingClientRect(); return i.width > 0 && i.right <= innerWidth && i.left >= 0; })()`) {
		t.Error("the as-of control is not within a 390 px screen")
	}
	if w := eval[int](tb, `document.querySelector('header.top').scrollWidth`); w > 390 {
		t.Errorf("the header is %d px wide on a 390 px screen", w)
	}
	tb.screenshot("asof-390")
	tb.clean()
}

// TestShellAsOf sets the header's "as of" day: it goes into the URL as
// `at`, every nav link carries it (and the framework), it survives
// navigation through them, the pages of this file say what it means for
// them, and clearing it takes `at` out.
func TestShellAsOf(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/breaches?framework=" + framework))
	tb.waitFor(`document.querySelector('#breach-summary') !== null`)
	if got := eval[string](tb, `document.getElementById('as-of').value`); got != "" {
		t.Errorf("the as-of control reads %q with no `at`, want empty", got)
	}
	const day = "2024-06-30"
	tb.do(chromedp.Evaluate[chromedp.Void](`(() => { const i = document.getElementById('as-of'); i.value = '` + day + `'; i.dispatchEvent(new Event('change', {bubbles: true})); })()`))
	tb.waitFor(`new URL(location.href).searchParams.get('at') === '` + day + `' && document.querySelector('#breach-asof') !== null`)
	for _, path := range []string{"/", "/coverage", "/map", "/breaches", "/parties", "/guarantors", "/stress", "/record"} {
		href := eval[string](tb, `(document.querySelector('nav.pages a[data-path="`+path+`"]') || {}).href || ''`)
		if !strings.Contains(href, "at="+day) || !strings.Contains(href, "framework="+framework) {
			t.Errorf("the nav link to %s is %q: want at=%s and framework=%s in it", path, href, day, framework)
		}
	}
	for _, step := range []struct{ path, ready string }{
		{"/stress", `document.querySelector('#hold-tiles') !== null && document.querySelector('#sim-body').textContent.includes('as of')`},
		{"/record", `document.querySelector('#record-asof') !== null && document.querySelectorAll('#declarations tbody tr').length > 0`},
		{"/", `document.querySelector('main h1') !== null`},
		{"/breaches", `document.querySelector('#breach-asof') !== null`},
	} {
		tb.do(chromedp.Click(`nav.pages a[data-path="` + step.path + `"]`))
		tb.waitFor(`location.pathname === '` + step.path + `' && new URL(location.href).searchParams.get('at') === '` + day + `' && document.getElementById('as-of').value === '` + day + `'`)
		tb.waitFor(step.ready)
	}
	// Back returns to the page before, still as of the day.
	tb.do(chromedp.Evaluate[chromedp.Void](`history.back()`))
	tb.waitFor(`location.pathname === '/' && new URL(location.href).searchParams.get('at') === '` + day + `'`)
	// Cleared: the latest, and no `at` anywhere.
	tb.do(chromedp.Evaluate[chromedp.Void](`(() => { const i = document.getElementById('as-of'); i.value = ''; i.dispatchEvent(new Event('change', {bubbles: true})); })()`))
	tb.waitFor(`!new URL(location.href).searchParams.has('at') && !document.querySelector('nav.pages a[data-path="/map"]').href.includes('at=')`)
	tb.clean()
}

// TestShellProblemKinds checks what the error box says, calling the
// dashboard's own modules in the page: an unanswered request (failed by
// the browser, as a dead server would) is "could not be reached", an HTTP
// error shows the API's problem+json, and an exception of page code (the
// TypeError of reading null, which fetch's failure also is) is a bug of
// the dashboard, never an unreachable server.
func TestShellProblemKinds(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	failRequests(t, tb, "*probe=network*", func() bool { return true })
	tb.do(chromedp.Navigate(r.url + "/stress"))
	tb.waitFor(`document.querySelector('#hold-tiles') !== null`)
	type box struct {
		Kind string `json:"kind"`
		Text string `json:"text"`
	}
	got := eval[map[string]box](tb, `(async () => {
	  const dom = await import('/assets/dom.js');
	  const app = await import('/assets/app.js');
	  const show = e => { const b = dom.problemBox(e); return {kind: b.dataset.kind, text: b.textContent}; };
	  const out = {};
	  try { await app.api.get('/v1/frameworks?probe=network'); } catch (e) { out.network = show(e); }
	  try { await app.api.get('/v1/frameworks/no-such-framework?probe=api'); } catch (e) { out.api = show(e); }
	  try { const x = null; x.map(y => y); } catch (e) { out.bug = show(e); }
	  out.typeError = show(new TypeError('Failed to fetch'));
	  out.plain = show(new Error('drawing failed'));
	  return out;
	})()`)
	want := map[string]struct{ kind, prefix, has string }{
		"network":   {"network", "The server could not be reached: ", "probe=network"},
		"api":       {"api", "404 ", "no-such-framework"},
		"bug":       {"bug", "This page failed to draw the data (a bug in the dashboard): ", "Cannot read properties of null (reading 'map')"},
		"typeError": {"bug", "This page failed to draw the data (a bug in the dashboard): ", "Failed to fetch"},
		"plain":     {"bug", "This page failed to draw the data (a bug in the dashboard): ", "drawing failed"},
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: no error caught", name)
			continue
		}
		if g.Kind != w.kind || !strings.HasPrefix(g.Text, w.prefix) || !strings.Contains(g.Text, w.has) {
			t.Errorf("%s: %s %q; want %s, starting %q, naming %q", name, g.Kind, g.Text, w.kind, w.prefix, w.has)
		}
	}
	if strings.Contains(got["api"].Text, "could not be reached") || strings.Contains(got["bug"].Text, "could not be reached") {
		t.Errorf("an answered request or a bug reads as an unreachable server: %+v", got)
	}
	tb.cleanExcept("probe=")
}

// TestShellStartRetry: when /v1/frameworks fails after the HTML loaded,
// the page says what failed, counts its attempts with a growing wait (1 s,
// then 2 s …), and draws the page once the server answers.
func TestShellStartRetry(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	var failing atomic.Bool
	failing.Store(true)
	failRequests(t, tb, "*/v1/frameworks", failing.Load)
	tb.do(chromedp.Navigate(r.url + "/stress"))
	tb.waitFor(`(() => { const l = document.getElementById('start-retry'); return l !== null && Number(l.dataset.attempt) >= 2; })()`)
	line := eval[string](tb, `document.getElementById('start-retry').textContent`)
	if !strings.HasPrefix(line, "Attempt 2 failed") || !strings.Contains(line, "attempt 3 in 2 s") {
		t.Errorf("the retry line reads %q, want attempt 2 failed, attempt 3 in 2 s", line)
	}
	if box := eval[string](tb, `(document.querySelector('.problem[data-kind="network"]') || {}).textContent || ''`); !strings.HasPrefix(box, "The server could not be reached") {
		t.Errorf("the error box reads %q, want the server could not be reached", box)
	}
	failing.Store(false)
	tb.waitFor(`document.querySelector('#hold-tiles') !== null && document.getElementById('start-retry') === null`)
	tb.cleanExcept("/v1/frameworks")
}

// TestShellReconnect: a page that showed an error while the event stream
// was down fetches again when the stream is back, and the header says
// live again.
func TestShellReconnect(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	var failing atomic.Bool
	failing.Store(true)
	failRequests(t, tb, "*/v1/events*", failing.Load)
	failRequests(t, tb, "*/simulation?*", failing.Load)
	tb.do(chromedp.Navigate(r.url + "/stress"))
	tb.waitFor(`document.querySelector('#sim-body .problem[data-kind="network"]') !== null && document.getElementById('live').textContent === 'reconnecting…' && document.getElementById('scenario-select') !== null`)
	failing.Store(false)
	tb.waitFor(`document.querySelector('#hold-tiles') !== null && document.querySelector('.problem') === null && document.getElementById('live').textContent.startsWith('live')`)
	tb.cleanExcept("/v1/events", "/simulation?")
}

// TestShellGzip: Chromium gets the scripts and style sheets gzipped, and
// they run.
func TestShellGzip(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	if _, err := chromedp.Call(tb.ctx, network.ClearBrowserCache, cdpEmpty); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	enc := map[string]string{}
	err := chromedp.Listen(tb.ctx, func(ev any) {
		e, ok := ev.(*network.EventResponseReceived)
		if !ok {
			return
		}
		i := strings.Index(e.Response.URL, "/assets/")
		if i < 0 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		f := e.Response.URL[i:]
		enc[f] = ""
		for k, v := range e.Response.Headers {
			if s, ok := v.(string); ok && strings.EqualFold(k, "content-encoding") {
				enc[f] = s
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.Navigate(r.url + "/stress"))
	tb.waitFor(`document.querySelector('#hold-tiles') !== null`)
	for _, f := range []string{"/assets/app.js", "/assets/dom.js", "/assets/pages/stress.js", "/assets/app.css"} {
		sizes := eval[[]float64](tb, `(() => { const e = performance.getEntriesByName(location.origin + '`+f+`')[0]; return e ? [e.encodedBodySize, e.decodedBodySize] : [0, 0]; })()`)
		mu.Lock()
		ce := enc[f]
		mu.Unlock()
		if ce != "gzip" || sizes[0] <= 0 || sizes[0] >= sizes[1] {
			t.Errorf("%s: Content-Encoding %q, %v bytes encoded of %v; want gzip, smaller", f, ce, sizes[0], sizes[1])
		}
	}
	tb.clean()
}

// failRequests makes the tab's requests whose URL matches pattern fail,
// as a connection refused, while fail says so; the others go on.
func failRequests(t *testing.T, tb *tab, pattern string, fail func() bool) {
	t.Helper()
	shellFetch.Lock()
	defer shellFetch.Unlock()
	patterns := append(shellFetch.patterns[tb], &fetch.RequestPattern{URLPattern: pattern})
	if shellFetch.patterns == nil {
		shellFetch.patterns = map[*tab][]*fetch.RequestPattern{}
	}
	shellFetch.patterns[tb] = patterns
	err := chromedp.Listen(tb.ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok || !wildcard(pattern, e.Request.URL) {
			return
		}
		go func() {
			if fail() {
				_, _ = chromedp.Call(tb.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonConnectionRefused})
			} else {
				_, _ = chromedp.Call(tb.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
			}
		}()
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tb.ctx, fetch.Enable, fetch.EnableParams{Patterns: patterns}); err != nil {
		t.Fatal(err)
	}
}

// shellFetch keeps each tab's interception patterns: Fetch.enable takes
// them all at once.
var shellFetch struct {
	sync.Mutex
	patterns map[*tab][]*fetch.RequestPattern
}

// wildcard matches a URL against a Fetch pattern (* any run, no ?).
func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

// cleanExcept is clean, but for the problems that name one of the
// requests the test itself failed or refused.
func (tb *tab) cleanExcept(expected ...string) {
	tb.t.Helper()
	tb.mu.Lock()
	var kept []string
	for _, p := range tb.problems {
		ok := false
		for _, e := range expected {
			ok = ok || strings.Contains(p, e)
		}
		if !ok {
			kept = append(kept, p)
		}
	}
	tb.problems = kept
	tb.mu.Unlock()
	tb.clean()
}
