package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// layoutPages are every page of the dashboard with the condition that
// says it has drawn its data: the condition of TestPagesLoad where there
// is one, and for every page a heading and no visible "loading" line.
var layoutPages = func() []struct{ name, path, ready string } {
	ready := map[string]string{}
	for _, p := range pages {
		ready[p.path] = p.ready
	}
	var out []struct{ name, path, ready string }
	for _, p := range []struct{ name, path string }{
		{"overview", "/"}, {"coverage", "/coverage"}, {"map", "/map"}, {"breaches", "/breaches"},
		{"guarantors", "/guarantors"}, {"stress", "/stress"}, {"record", "/record"},
		{"parties", "/parties"}, {"lists", "/lists"},
	} {
		cond := `document.querySelector('main h1') !== null &&
		  ![...document.querySelectorAll('main .loading')].some(e => e.getClientRects().length > 0)`
		if r, ok := ready[p.path]; ok {
			cond = "(" + r + ") && " + cond
		}
		out = append(out, struct{ name, path, ready string }{p.name, p.path, cond})
	}
	return out
}()

// viewports are the two sizes every page is laid out at: a phone (an
// iPhone 12 to 15's CSS pixels) and a laptop.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"390", 390, 844, true},
	{"1440", 1440, 900, false},
}

// minChartText is the smallest rendered size of a chart's text, in CSS
// pixels, at either viewport.
const minChartText = 11

// maxCLS is the most cumulative layout shift a page may have from its
// navigation to its data drawn (Lighthouse's "good").
const maxCLS = 0.1

// layoutProbe measures a drawn page: how wide the document is, the
// elements that stick out past the viewport (the deepest ones, which are
// the cause), and every visible SVG text smaller than minChartText as
// rendered (its computed font size times the scale of its SVG, viewBox
// and transforms included).
const layoutProbe = `(async () => {
  const W = %d, MIN = %d;
  const path = e => {
    const parts = [];
    for (let n = e; n && n.nodeType === 1 && parts.length < 4; n = n.parentElement) {
      let s = n.localName;
      if (n.id) { s += '#' + n.id; parts.unshift(s); break; }
      const cls = typeof n.className === 'string' ? n.className.trim().split(/\s+/).filter(Boolean).slice(0, 2) : [];
      if (cls.length) s += '.' + cls.join('.');
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const visible = e => {
    if (!e.getClientRects().length) return false;
    const cs = getComputedStyle(e);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && Number(cs.opacity) > 0;
  };
  // Elements whose right edge is past the viewport, not inside a box that
  // scrolls or clips them (a .table-wrap's table scrolls on its own).
  const clipped = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const wide = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (wide.length >= 8) break;
    const r = e.getBoundingClientRect();
    if (r.right > W + 0.5 && visible(e) && !clipped(e) &&
        ![...e.children].some(c => c.getBoundingClientRect().right > W + 0.5)) {
      wide.push(path(e) + ' (right edge ' + Math.round(r.right) + ' px)');
    }
  }
  const small = [];
  let texts = 0;
  for (const t of document.querySelectorAll('svg text')) {
    if (!visible(t) || !t.textContent.trim()) continue;
    const m = t.getScreenCTM();
    if (!m) continue;
    texts++;
    const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    if (px < MIN - 0.05) {
      const svg = t.closest('svg');
      const label = svg.getAttribute('aria-label') || svg.id || svg.getAttribute('class') || 'svg';
      small.push({chart: path(svg) + ' "' + label.slice(0, 60) + '"', text: t.textContent.trim().slice(0, 40),
        cls: t.getAttribute('class') || '', px: Math.round(px * 10) / 10});
    }
  }
  // The layout shifts since the navigation (as Lighthouse's CLS counts
  // them: not after input), with the elements that moved.
  const shifts = [];
  let cls = 0;
  const entries = await new Promise(resolve => {
    const po = new PerformanceObserver(l => { po.disconnect(); resolve(l.getEntries()); });
    po.observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve([]), 500);
  });
  for (const e of entries) {
    if (e.hadRecentInput) continue;
    cls += e.value;
    if (e.value >= 0.005) shifts.push(Math.round(e.startTime) + ' ms: ' + e.value.toFixed(3) + ' ' +
      e.sources.map(s => (s.node && s.node.nodeType === 1 ? path(s.node) : s.node ? '#text in ' + path(s.node.parentElement || document.body) : '(removed)') +
        ' ' + Math.round(s.previousRect.y) + '→' + Math.round(s.currentRect.y)).join('; '));
  }
  return {cls, shifts, scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth,
    bodyWidth: document.body.scrollWidth, wide, texts, small};
})()`

type layoutResult struct {
	ScrollWidth float64 `json:"scrollWidth"`
	InnerWidth  float64 `json:"innerWidth"`
	BodyWidth   float64 `json:"bodyWidth"`
	Wide        []string
	Texts       int
	CLS         float64 `json:"cls"`
	Shifts      []string
	Small       []struct {
		Chart, Text, Cls string
		Px               float64
	}
}

// TestLayout lays every page out at 390×844 (a phone) and 1440×900: none
// scrolls sideways, every chart's text is drawn at 11 px or more, and the
// page shifts by no more than maxCLS as its data arrives. A
// full-page screenshot of each is written to $BACKSTOP_SCREENSHOTS (when
// set) as PAGE-WIDTH.png.
func TestLayout(t *testing.T) {
	r := theRig(t)
	dir := os.Getenv("BACKSTOP_SCREENSHOTS")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, vp := range viewports {
		for _, p := range layoutPages {
			t.Run(p.name+"-"+vp.name, func(t *testing.T) {
				tb := r.newTab(t)
				tb.do(emulateViewport(vp.width, vp.height, vp.mobile), chromedp.Navigate(r.url+p.path))
				waitOrShow(tb, p.path, p.ready)
				// Fonts loaded, and two frames for the last layout.
				eval[bool](tb, `document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))`)
				raw := eval[json.RawMessage](tb, fmt.Sprintf(layoutProbe, vp.width, minChartText))
				var res layoutResult
				if err := json.Unmarshal(raw, &res); err != nil {
					t.Fatalf("the layout probe: %v: %s", err, raw)
				}
				width := float64(vp.width)
				if res.ScrollWidth > width || res.InnerWidth > width || res.BodyWidth > width {
					t.Errorf("%s at %d×%d scrolls sideways: document %v px wide (body %v, innerWidth %v) in a %d px viewport; sticking out:\n  %s",
						p.path, vp.width, vp.height, res.ScrollWidth, res.BodyWidth, res.InnerWidth, vp.width, strings.Join(res.Wide, "\n  "))
				}
				if res.CLS > maxCLS {
					t.Errorf("%s at %d×%d: cumulative layout shift %.3f, more than %.1f; the shifts (time, score, what moved and its y before→after):\n  %s",
						p.path, vp.width, vp.height, res.CLS, maxCLS, strings.Join(res.Shifts, "\n  "))
				} else if res.CLS > 0 {
					t.Logf("%s at %d px: cumulative layout shift %.3f\n  %s", p.path, vp.width, res.CLS, strings.Join(res.Shifts, "\n  "))
				}
				if len(res.Small) > 0 {
					var lines []string
					for _, s := range res.Small {
						lines = append(lines, fmt.Sprintf("%s: %q (class %q) at %.1f px", s.Chart, s.Text, s.Cls, s.Px))
					}
					t.Errorf("%s at %d px: %d of %d chart texts are drawn smaller than %d px (SVG text scales with its viewBox: charts.js, or the page that draws the chart, must size it for the width the chart is shown at):\n  %s",
						p.path, vp.width, len(res.Small), res.Texts, minChartText, strings.Join(lines, "\n  "))
				}
				if dir != "" {
					png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatalf("browser: screenshot: %v", err)
					}
					path := filepath.Join(dir, p.name+"-"+vp.name+".png")
					if err := os.WriteFile(path, png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// emulateViewport sets the tab's viewport, as a phone (touch, the
// viewport meta tag honoured) when mobile.
func emulateViewport(width, height int64, mobile bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		const scale = 1.0
		if _, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: height, DeviceScaleFactor: scale, Mobile: mobile,
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: mobile})
		return err
	})
}

// TestAxe runs axe-core on every page, at 1440×900 and at 390×844, and
// fails on any serious or critical violation. It needs axe-core's
// axe.min.js, named by $BACKSTOP_AXE (.ci/lighthouse.sh installs it from
// npm and sets it); it skips when that is unset.
func TestAxe(t *testing.T) {
	axePath := os.Getenv("BACKSTOP_AXE")
	if axePath == "" {
		t.Skip("BACKSTOP_AXE (the path of axe-core's axe.min.js) is unset; .ci/lighthouse.sh sets it")
	}
	src, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	r := theRig(t)
	for _, vp := range viewports {
		for _, p := range layoutPages {
			t.Run(p.name+"-"+vp.name, func(t *testing.T) {
				tb := r.newTab(t)
				tb.do(emulateViewport(vp.width, vp.height, vp.mobile), chromedp.Navigate(r.url+p.path))
				waitOrShow(tb, p.path, p.ready)
				ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Minute)
				defer cancel()
				// The page's CSP allows no inline script; the protocol's
				// own evaluation is not a page script, but bypass it in
				// case a later Chromium counts it as one.
				if _, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
					return err
				})); err != nil {
					t.Fatalf("browser: %v", err)
				}
				if _, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](string(src)+";true")); err != nil {
					t.Fatalf("injecting axe-core: %v", err)
				}
				type violation struct {
					ID, Impact, Help, HelpURL string
					Nodes                     []struct {
						Target  []any
						Summary string `json:"failureSummary"`
					}
				}
				raw := eval[json.RawMessage](tb, `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical'))`)
				var vs []violation
				if err := json.Unmarshal(raw, &vs); err != nil {
					t.Fatalf("axe's result: %v", err)
				}
				for _, v := range vs {
					var nodes []string
					for i, n := range v.Nodes {
						if i == 6 {
							nodes = append(nodes, fmt.Sprintf("… and %d more", len(v.Nodes)-i))
							break
						}
						nodes = append(nodes, fmt.Sprintf("%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " ")))
					}
					t.Errorf("axe %s (%s) on %s at %d px: %s (%s)\n  %s", v.ID, v.Impact, p.path, vp.width, v.Help, v.HelpURL, strings.Join(nodes, "\n  "))
				}
			})
		}
	}
}

// waitOrShow waits for a page's data, as tab.waitFor does, but sooner
// gives up and then says what the page shows instead.
func waitOrShow(tb *tab, path, cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Minute)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(45*time.Second)))
	if err == nil {
		return
	}
	shown, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.getElementById('main').innerText.slice(0, 600)`))
	tb.mu.Lock()
	problems := strings.Join(tb.problems, "\n  ")
	tb.mu.Unlock()
	tb.t.Fatalf("%s did not draw its data (%v); it shows:\n%s\nproblems seen:\n  %s", path, err, shown, problems)
}
