package dashboard_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/option"
	"github.com/backstop-dev/backstop/internal/signing"
)

// The map's features are tested on a server of their own: the rig's
// oblasts and territory, the settlements (serve --settlements), and a few
// incidents whose counts are known: five with coordinates in October 2025
// and one in September, and three missile reports without coordinates
// that name their target oblast.
var mapFeatures struct {
	once sync.Once
	url  string
	err  error
}

func mapFeaturesServer(t *testing.T, r *rig) string {
	t.Helper()
	mapFeatures.once.Do(func() {
		places, err := option.ReadSettlements(filepath.Join(sharedData, "ua-settlements", "settlements.csv"))
		if err != nil {
			mapFeatures.err = err
			return
		}
		cfg := r.layers
		cfg.Settlements = places
		if mapFeatures.url, mapFeatures.err = r.serve(cfg); mapFeatures.err != nil {
			return
		}
		at := func(s string) model.Timestamp {
			tm, err := time.Parse(time.RFC3339, s)
			if err != nil {
				panic(err)
			}
			return model.Timestamp{Time: tm}
		}
		pt := func(v float64) *float64 { return &v }
		incs := []model.Incident{
			{ID: "t-kyiv", Time: at("2025-10-10T06:30:00Z"), Type: "missile_strike", Country: "UA", Admin1: "UA-30", Location: "Kyiv",
				Lat: pt(50.45), Lon: pt(30.52), Source: "viina", Fields: map[string]string{"headline": "Missile strike on Kyiv"}},
			{ID: "t-kharkiv", Time: at("2025-10-12T06:30:00Z"), Type: "drone_strike", Country: "UA", Admin1: "UA-63", Location: "Kharkiv", Lat: pt(49.99), Lon: pt(36.23), Source: "viina"},
			{ID: "t-odesa", Time: at("2025-10-20T06:30:00Z"), Type: "drone_strike", Country: "UA", Admin1: "UA-51", Location: "Odesa", Lat: pt(46.48), Lon: pt(30.73), Source: "viina"},
			{ID: "t-dnipro", Time: at("2025-10-25T12:00:00Z"), Type: "missile_strike", Country: "UA", Admin1: "UA-12", Location: "Dnipro", Lat: pt(48.46), Lon: pt(35.04), Source: "viina"},
			{ID: "t-zap", Time: at("2025-10-28T12:00:00Z"), Type: "shelling", Country: "UA", Admin1: "UA-23", Location: "Zaporizhzhia", Lat: pt(47.84), Lon: pt(35.14), Source: "viina"},
			{ID: "t-lviv", Time: at("2025-09-15T12:00:00Z"), Type: "missile_strike", Country: "UA", Admin1: "UA-46", Location: "Lviv", Lat: pt(49.84), Lon: pt(24.03), Source: "viina"},
			{ID: "m-1", Time: at("2025-10-21T02:00:00Z"), Type: "missile_strike", Subtype: "Kalibr", Country: "UA", Admin1: "UA-51", Location: "Odesa oblast", Source: "missile"},
			{ID: "m-2", Time: at("2025-10-22T02:00:00Z"), Type: "drone_strike", Subtype: "Shahed-136/131", Country: "UA", Admin1: "UA-51", Location: "Odesa oblast", Source: "missile"},
			{ID: "m-3", Time: at("2025-10-23T02:00:00Z"), Type: "missile_strike", Subtype: "Iskander-M", Country: "UA", Admin1: "UA-63", Location: "Kharkiv oblast", Source: "missile"},
		}
		var buf bytes.Buffer
		if mapFeatures.err = incidents.WriteYAML(&buf, incs); mapFeatures.err != nil {
			return
		}
		mon, err := signing.ReadKeyPair(filepath.Join(keysDir, "MON.key"))
		if err != nil {
			mapFeatures.err = err
			return
		}
		_, mapFeatures.err = submitTo(mapFeatures.url, buf.Bytes(), mon)
	})
	if mapFeatures.err != nil {
		t.Fatalf("the map features' server: %v", mapFeatures.err)
	}
	return mapFeatures.url
}

// mapReady holds once the layers are drawn: oblasts, settlements, the
// incidents and their legend.
const mapReady = `(() => { const m = document.querySelector('#map');
  return m && m.dataset.oblasts === '27' && Number(m.dataset.settlements) > 0 && m.dataset.labels !== undefined &&
    document.querySelector('[data-count="drawn"]') && document.querySelector('[data-count="drawn"]').dataset.n !== undefined &&
    document.querySelector('#occupied-summary').textContent.includes('km²'); })()`

// labelsOverlap is true when two shown settlement labels overlap.
const labelsOverlap = `(() => {
  const rs = [...document.querySelectorAll('#map-labels .map-label:not([hidden])')].map(e => e.getBoundingClientRect());
  for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) {
    const a = rs[i], b = rs[j];
    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) return true;
  }
  return false; })()`

// TestMapZoomScaleLabels: the + and − buttons (named for assistive
// technology) zoom, the scale bar follows with a round length, the map
// surface takes touches for itself, and the settlement labels are the
// cities over 500,000 at the country's scale, more (and smaller) places
// deeper in, never overlapping.
func TestMapZoomScaleLabels(t *testing.T) {
	r := theRig(t)
	url := mapFeaturesServer(t, r)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(url + "/map?at=2025-10-31&window=30"))
	tb.waitFor(mapReady)

	for _, b := range []struct{ id, name string }{{"map-zoom-in", "Zoom in"}, {"map-zoom-out", "Zoom out"}} {
		if got := eval[string](tb, fmt.Sprintf(`document.getElementById(%q).getAttribute('aria-label')`, b.id)); got != b.name {
			t.Errorf("#%s is named %q, want %q", b.id, got, b.name)
		}
	}
	if ta := eval[string](tb, `getComputedStyle(document.querySelector('#map canvas[tabindex]')).touchAction`); ta != "none" {
		t.Errorf("the map surface has touch-action %q, want none", ta)
	}

	// The country's scale: only the cities of more than 500,000.
	pops := eval[[]int](tb, `[...document.querySelectorAll('#map-labels .map-label:not([hidden])')].map(e => Number(e.dataset.population))`)
	total := eval[int](tb, `Number(document.querySelector('#map').dataset.settlements)`)
	if len(pops) < 3 || len(pops) >= total {
		t.Errorf("%d labels at the country's scale (of %d places), want a few", len(pops), total)
	}
	for _, p := range pops {
		if p <= 500_000 {
			t.Errorf("a place of %d people is labelled at the country's scale", p)
		}
	}
	if eval[bool](tb, labelsOverlap) {
		t.Error("labels overlap at the country's scale")
	}
	km0 := eval[float64](tb, `Number(document.querySelector('#map-scale').dataset.km)`)
	label0 := eval[string](tb, `document.querySelector('#map-scale').textContent`)
	if !isRound(km0) || label0 != fmt.Sprintf("%s km", commas(km0)) {
		t.Errorf("scale bar %v km labelled %q, want a round length", km0, label0)
	}

	// Zoom in twice with the button: a shorter scale, more labels, smaller places.
	tb.do(chromedp.Click(`#map-zoom-in`))
	tb.waitFor(fmt.Sprintf(`Number(document.querySelector('#map-scale').dataset.km) < %v`, km0))
	tb.do(chromedp.Click(`#map-zoom-in`), chromedp.Click(`#map-zoom-in`))
	tb.waitFor(`Number(document.querySelector('#map').dataset.zoom) > 2.9`)
	// Towns under 100,000 (Uman, Pervomaisk… at the centre) are named now.
	tb.waitFor(`[...document.querySelectorAll('#map-labels .map-label:not([hidden])')].some(e => Number(e.dataset.population) < 100000)`)
	km3 := eval[float64](tb, `Number(document.querySelector('#map-scale').dataset.km)`)
	if !isRound(km3) || km3 >= km0/4 {
		t.Errorf("after zooming in ×8 the scale bar is %v km (was %v)", km3, km0)
	}
	px := eval[float64](tb, `Number(document.querySelector('#map-scale').dataset.px)`)
	if px < 40 || px > 120 {
		t.Errorf("scale bar %v px long, want 40 to 120", px)
	}
	if eval[bool](tb, labelsOverlap) {
		t.Error("labels overlap zoomed in")
	}
	// And out again.
	tb.do(chromedp.Click(`#map-zoom-out`))
	// (the same round length may stay, on a shorter bar)
	tb.waitFor(fmt.Sprintf(`(() => { const d = document.querySelector('#map-scale').dataset; return Number(d.km) / Number(d.px) > 1.5 * %v; })()`, km3/px))
	// The wheel zooms too.
	z := eval[float64](tb, `Number(document.querySelector('#map').dataset.zoom)`)
	c := eval[[]float64](tb, `(() => { const r = document.querySelector('#map').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	tb.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseWheel, c[0], c[1], func(p *input.DispatchMouseEventParams) {
		p.DeltaX, p.DeltaY = 1e-6, -300 // (a zero deltaX is not sent, and Chromium wants one)
	}))
	tb.waitFor(fmt.Sprintf(`Number(document.querySelector('#map').dataset.zoom) > %v`, z+0.5))
	// A pinch: two pointers moving apart zoom in about their midpoint, by
	// the ratio of their distances (here 2, one step of log2).
	z = eval[float64](tb, `Number(document.querySelector('#map').dataset.zoom)`)
	eval[bool](tb, `(() => { const c = document.querySelector('#map canvas[tabindex]'); const r = c.getBoundingClientRect();
	  const x = r.left + r.width / 2, y = r.top + r.height / 2;
	  const ev = (type, id, dx) => c.dispatchEvent(new PointerEvent(type, {pointerId: id, pointerType: 'touch', clientX: x + dx, clientY: y, bubbles: true}));
	  ev('pointerdown', 11, -50); ev('pointerdown', 12, 50); ev('pointermove', 12, 150); ev('pointerup', 12, 150); ev('pointerup', 11, -50);
	  return true; })()`)
	tb.waitFor(fmt.Sprintf(`Math.abs(Number(document.querySelector('#map').dataset.zoom) - %v) < 0.01`, z+1))
	tb.screenshot("map-zoomed")
	tb.clean()
}

func isRound(km float64) bool {
	for p := 1e-3; p <= 1e4; p *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if d := km - m*p; d > -1e-9*km && d < 1e-9*km {
				return true
			}
		}
	}
	return false
}

// TestMapLegendCounts: the legend counts the incident marks drawn in the
// window (each trigger's colour and each type summing to them), the
// missile reports on their target oblasts, and says when the window is
// empty.
func TestMapLegendCounts(t *testing.T) {
	r := theRig(t)
	url := mapFeaturesServer(t, r)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(url + "/map?at=2025-10-31&window=30"))
	tb.waitFor(mapReady)
	check := func(wantDrawn, wantOblast, wantCircles int) {
		t.Helper()
		tb.waitFor(fmt.Sprintf(`document.querySelector('#map').dataset.drawn === '%d'`, wantDrawn))
		got := eval[[]int](tb, `(() => {
		  const n = sel => [...document.querySelectorAll(sel)].reduce((a, e) => a + Number(e.dataset.n || 0), 0);
		  return [Number(document.querySelector('#map').dataset.drawn), n('[data-count="drawn"]'), n('[data-count^="color:"]'),
		    n('[data-count^="type:"]'), n('[data-count="byoblast"]'), Number(document.querySelector('#map').dataset.oblastCircles || 0)]; })()`)
		if fmt.Sprint(got) != fmt.Sprint([]int{wantDrawn, wantDrawn, wantDrawn, wantDrawn, wantOblast, wantCircles}) {
			t.Errorf("drawn, legend total, by colour, by type, by oblast, circles = %v; want %d ×4, %d, %d", got, wantDrawn, wantOblast, wantCircles)
		}
	}
	// 30 days to 31 October: the five October incidents, three missile
	// reports on two oblasts.
	check(5, 3, 2)
	types := eval[string](tb, `document.querySelector('#legend-types').textContent`)
	for _, want := range []string{"missile_strike 2", "drone_strike 2", "shelling 1"} {
		if !strings.Contains(types, want) {
			t.Errorf("the legend's types %q lack %q", types, want)
		}
	}
	// Every layer is in the legend.
	for _, key := range []string{"territory", "taken", "baseline", "incidents", "byoblast", "settlements", "breach"} {
		if !eval[bool](tb, fmt.Sprintf(`!!document.querySelector('#map-legend [data-legend=%q]')`, key)) {
			t.Errorf("the legend has no entry %q", key)
		}
	}
	// Every incident of the record: Lviv's too.
	eval[bool](tb, `(() => { const s = document.querySelector('#map-window'); s.value = 'all'; return s.dispatchEvent(new Event('change')); })()`)
	check(6, 3, 2)
	// Seven days: Dnipro and Zaporizhzhia, no missile report.
	eval[bool](tb, `(() => { const s = document.querySelector('#map-window'); s.value = '7'; return s.dispatchEvent(new Event('change')); })()`)
	check(2, 0, 0)
	if eval[bool](tb, `!document.querySelector('#map-empty').hidden`) {
		t.Error("the empty state shows with incidents in the window")
	}
	// The weekly chart: a bar a week of the API, the window's weeks dark,
	// its text at least 11 px.
	var layer struct {
		Weekly []struct {
			Week      string `json:"week"`
			Incidents int    `json:"incidents"`
		} `json:"weekly"`
	}
	getJSON(t, url+"/v1/frameworks/"+framework+"/map/incidents", &layer)
	tb.waitFor(fmt.Sprintf(`document.querySelectorAll('#map-weekly rect[data-week]').length === %d`, len(layer.Weekly)))
	if sum := eval[int](tb, `[...document.querySelectorAll('#map-weekly rect[data-week]')].reduce((a, e) => a + Number(e.dataset.n), 0)`); sum != 9 {
		t.Errorf("the weekly chart counts %d incidents, want 9", sum)
	}
	if n := eval[int](tb, `document.querySelectorAll('#map-weekly rect.in-window').length`); n < 1 || n > 2 {
		t.Errorf("%d weeks dark for a 7-day window, want 1 or 2", n)
	}
	if small := eval[[]string](tb, `[...document.querySelectorAll('#map-weekly text')].map(e => getComputedStyle(e).fontSize).filter(s => parseFloat(s) < 11)`); len(small) > 0 || eval[int](tb, `document.querySelectorAll('#map-weekly text').length`) < 3 {
		t.Errorf("weekly chart text below 11 px: %v", small)
	}
	tb.screenshot("map-legend")

	// A window without any incident says so.
	tb.do(chromedp.Navigate(url + "/map?at=2025-06-01&window=7"))
	tb.waitFor(`document.querySelector('#map') && document.querySelector('#map').dataset.empty === '1' && !document.querySelector('#map-empty').hidden`)
	if got := eval[string](tb, `document.querySelector('#map-empty').textContent`); !strings.Contains(got, "Nothing in this window") || !strings.Contains(got, "2025-06-01") {
		t.Errorf("the empty state reads %q", got)
	}
	tb.clean()
}

// TestMapPickPanel: a click on an incident opens a panel beside it with
// what happened, its time, source, headline, confidence and the triggers
// it fired; the keyboard closes it.
func TestMapPickPanel(t *testing.T) {
	r := theRig(t)
	url := mapFeaturesServer(t, r)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(url + "/map?at=2025-10-31&window=30"))
	tb.waitFor(mapReady)
	// Where Kyiv's incident is drawn, in the page's coordinates.
	xy := eval[[]float64](tb, `(() => {
	  const stage = document.querySelector('#map');
	  const [cx, cy, scale, cos] = stage.dataset.view.split(',').map(Number);
	  const r = stage.getBoundingClientRect();
	  return [r.left + (30.52 * cos - cx) * scale + stage.clientWidth / 2, r.top + (-50.45 - cy) * scale + stage.clientHeight / 2]; })()`)
	tb.do(chromedp.MouseClickXY(xy[0], xy[1]))
	tb.waitFor(`document.querySelector('#map').dataset.picked === 't-kyiv' && !document.querySelector('#map-pick').hidden`)
	text := eval[string](tb, `document.querySelector('#map-pick').textContent`)
	for _, want := range []string{"missile_strike", "2025-10-10 06:30 UTC", "viina", "Missile strike on Kyiv", "Confidence", "Triggers fired", "t-kyiv"} {
		if !strings.Contains(text, want) {
			t.Errorf("the pick panel %q lacks %q", text, want)
		}
	}
	// Beside the point: its nearer edge within 40 px of it.
	near := eval[bool](tb, fmt.Sprintf(`(() => { const r = document.querySelector('#map-pick').getBoundingClientRect();
	  const dx = Math.min(Math.abs(r.left - %[1]v), Math.abs(r.right - %[1]v)); return dx <= 40 && r.top <= %[2]v + 40 && r.bottom >= %[2]v - 40; })()`, xy[0], xy[1]))
	if !near {
		t.Error("the pick panel is not beside the picked point")
	}
	if role := eval[string](tb, `document.querySelector('#map-pick').getAttribute('role') + ' ' + document.getElementById(document.querySelector('#map-pick').getAttribute('aria-labelledby')).textContent`); !strings.HasPrefix(role, "dialog missile_strike") {
		t.Errorf("the panel is %q, want a dialog named by its heading", role)
	}
	tb.screenshot("map-pick")
	// The close button by keyboard.
	tb.do(chromedp.Focus(`#map-pick-close`), chromedp.KeyEvent(kb.Enter))
	tb.waitFor(`document.querySelector('#map-pick').hidden && document.querySelector('#map').dataset.picked === ''`)
	// Picked again, Escape in the panel closes it and gives the focus back
	// to the map.
	tb.do(chromedp.MouseClickXY(xy[0], xy[1]))
	tb.waitFor(`!document.querySelector('#map-pick').hidden`)
	tb.do(chromedp.Focus(`#map-pick`), chromedp.KeyEvent(kb.Escape))
	tb.waitFor(`document.querySelector('#map-pick').hidden && document.activeElement === document.querySelector('#map canvas[tabindex]')`)
	tb.clean()
}

// TestMapBeforeCeasefire: a date before the framework's ceasefire (1
// September 2025) does not count ground taken or freed against the line
// at the ceasefire: the comparison starts then.
func TestMapBeforeCeasefire(t *testing.T) {
	r := theRig(t)
	url := mapFeaturesServer(t, r)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(url + "/map?at=2024-08-01"))
	tb.waitFor(`document.querySelector('#map') && document.querySelector('#map').dataset.beforeCeasefire === '1' && document.querySelector('#occupied-summary').textContent.includes('km²')`)
	summary := eval[string](tb, `document.querySelector('#occupied-summary').textContent`)
	if !strings.Contains(summary, "starts at the ceasefire (2025-09-01)") || strings.Contains(summary, "km² freed") || strings.Contains(summary, "taken (red)") {
		t.Errorf("before the ceasefire the summary reads %q", summary)
	}
	if got := eval[string](tb, `document.querySelector('[data-count="taken"]').textContent`); !strings.Contains(got, "starts at the ceasefire") {
		t.Errorf("before the ceasefire the legend's change reads %q", got)
	}
	// After it, the comparison.
	tb.do(chromedp.Navigate(url + "/map?at=2025-10-31"))
	tb.waitFor(`document.querySelector('#map') && document.querySelector('#map').dataset.beforeCeasefire === '0' && document.querySelector('#occupied-summary').textContent.includes('freed')`)
	tb.clean()
}
