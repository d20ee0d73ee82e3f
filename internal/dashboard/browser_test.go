package dashboard_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// pages are the dashboard's pages with the condition that says each has
// drawn its data.
var pages = []struct {
	name, path, ready string
}{
	{"overview", "/", `document.querySelector('#verdict') !== null && !document.querySelector('#kpis').textContent.includes('…')`},
	{"coverage", "/coverage", `document.querySelectorAll('#matrix tbody tr').length > 0`},
	{"map", "/map", `(() => { const m = document.querySelector('#map'); return m && m.dataset.oblasts === '27' && Number(m.dataset.drawn) > 0 && document.querySelector('#occupied-summary').textContent.includes('km²'); })()`},
	{"breaches", "/breaches", `document.querySelector('#breach-summary') !== null`},
	{"stress", "/stress", `document.querySelector('#hold-tiles') !== null`},
	{"record", "/record", `document.querySelectorAll('.proof[data-status="checking"]').length === 0 && document.querySelectorAll('.proof').length > 0`},
	{"track-record", "/guarantors", `document.querySelector('#record-rule') !== null`},
}

// TestPagesLoad loads every page: each draws its data with no console
// error, no uncaught exception and no failed request, and is kept as a
// screenshot.
func TestPagesLoad(t *testing.T) {
	r := theRig(t)
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			tb := r.newTab(t)
			tb.do(chromedp.Navigate(r.url + p.path))
			tb.waitFor(p.ready)
			tb.screenshot(p.name)
			tb.clean()
		})
	}
}

// TestPagesWithoutLayers loads every page from a server started with the
// example alone (no --oblasts, no --territory, no incidents): each still
// loads with no console error and no failed request, and the map says
// which layers the server lacks rather than asking for them.
func TestPagesWithoutLayers(t *testing.T) {
	r := theRig(t)
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			tb := r.newTab(t)
			tb.do(chromedp.Navigate(r.bare + p.path))
			ready := p.ready
			if p.name == "map" {
				ready = `(() => { const t = id => (document.getElementById(id) || {}).textContent || '';
				  return t('occupied-summary').includes('No territory layer') && document.body.textContent.includes('No oblast layer') && t('incident-summary').startsWith('0 incidents'); })()`
			}
			tb.waitFor(ready)
			tb.clean()
		})
	}
}
