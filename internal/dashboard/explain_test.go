package dashboard_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// explained is the part of the assessment the lists, the parties page and
// the matrix explain.
type explained struct {
	At      string `json:"at"`
	Domains []struct {
		Domain       string  `json:"domain"`
		Requirements int     `json:"requirements"`
		Coverage     float64 `json:"coverage"`
	} `json:"domains"`
	Requirements []struct {
		ID            string  `json:"id"`
		Domain        string  `json:"domain"`
		Unit          string  `json:"unit"`
		Required      float64 `json:"required"`
		Contributions []struct {
			Party    string  `json:"party"`
			Pledge   string  `json:"pledge"`
			Quantity float64 `json:"quantity"`
			Now      bool    `json:"now"`
		} `json:"contributions"`
		Excluded []struct {
			Party  string `json:"party"`
			Pledge string `json:"pledge"`
		} `json:"excluded"`
	} `json:"requirements"`
	Matrix struct {
		Domains []string `json:"domains"`
		Rows    []struct {
			Party string `json:"party"`
			Cells map[string]struct {
				Share float64 `json:"share"`
			} `json:"cells"`
		} `json:"rows"`
	} `json:"matrix"`
	Parties []struct {
		Party   string `json:"party"`
		Pledges int    `json:"pledges"`
	} `json:"parties"`
	Politics struct {
		RedLines []politicsRow `json:"red_line_crossings"`
		Caveats  []politicsRow `json:"caveat_violations"`
		Awaiting []politicsRow `json:"awaiting_approval"`
	} `json:"politics"`
}

// politicsRow is a row of the politics lists: red lines and caveats give
// owner and restriction, approvals the quantity and who must approve.
type politicsRow struct {
	Party       string  `json:"party"`
	Pledge      string  `json:"pledge"`
	Owner       string  `json:"owner"`
	Restriction string  `json:"restriction"`
	Domain      string  `json:"domain"`
	Quantity    float64 `json:"quantity"`
	Unit        string  `json:"unit"`
	Requires    string  `json:"requires"`
}

func assessmentAt(t *testing.T, base, at string) explained {
	t.Helper()
	var a explained
	u := base + "/v1/frameworks/" + framework + "/assessment"
	if at != "" {
		u += "?at=" + at
	}
	getJSON(t, u, &a)
	return a
}

// pageFormat writes a figure with the dashboard's own format.js (the one
// place the pages make text of numbers): the API's figures are compared
// with the page as the page must write them. The tab must be on the
// server.
func pageFormat(tb *tab, fn string, args ...any) string {
	tb.t.Helper()
	b, err := json.Marshal(args)
	if err != nil {
		tb.t.Fatal(err)
	}
	return eval[string](tb, fmt.Sprintf(`import('/assets/format.js').then(f => f.%s(...%s))`, fn, b))
}

// listRow is a row of a list on /lists: its party, pledge and cells.
type listRow struct {
	Party  string            `json:"party"`
	Pledge string            `json:"pledge"`
	Cells  map[string]string `json:"cells"`
}

func readList(tb *tab, id string) []listRow {
	return eval[[]listRow](tb, fmt.Sprintf(`[...document.querySelectorAll('#%s tbody tr')].map(tr => ({
  party: tr.dataset.party, pledge: tr.dataset.pledge,
  cells: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map(td => [td.dataset.col, td.textContent.trim()])),
}))`, id))
}

// TestKPIsExplained follows each political figure of the overview to its
// list: the tile is a link to /lists#ANCHOR, and the list there has as
// many rows as the figure says, the API's rows, with what the API gives
// of each (the party, the pledge, whose red line, the body that must
// approve).
func TestKPIsExplained(t *testing.T) {
	r := theRig(t)
	a := assessmentAt(t, r.url, "")
	cases := []struct {
		kpi, anchor string
		rows        []politicsRow
	}{
		{"kpi-red-lines", "red-lines", a.Politics.RedLines},
		{"kpi-approvals", "approvals", a.Politics.Awaiting},
		{"kpi-caveats", "caveats", a.Politics.Caveats},
	}
	tb := r.newTab(t)
	for _, c := range cases {
		t.Run(c.anchor, func(t *testing.T) {
			tb.t = t
			tb.do(chromedp.Navigate(r.url + "/"))
			tb.waitFor(fmt.Sprintf(`document.querySelector('#%s a.kpi-link') !== null && !document.querySelector('#kpis').textContent.includes('…')`, c.kpi))
			shown := eval[string](tb, fmt.Sprintf(`document.querySelector('#%s .v').textContent`, c.kpi))
			if want := pageFormat(tb, "num", len(c.rows)); shown != want {
				t.Errorf("the tile reads %q, the API lists %d", shown, len(c.rows))
			}
			href := eval[string](tb, fmt.Sprintf(`document.querySelector('#%s a.kpi-link').getAttribute('href')`, c.kpi))
			if !strings.HasPrefix(href, "/lists") || !strings.HasSuffix(href, "#"+c.anchor) {
				t.Errorf("the tile links to %q, not to /lists#%s", href, c.anchor)
			}
			tb.do(chromedp.Click(fmt.Sprintf(`#%s a.kpi-link`, c.kpi)))
			tb.waitFor(fmt.Sprintf(`location.pathname === '/lists' && location.hash === '#%s' && document.querySelector('#%s[data-count]') !== null`, c.anchor, c.anchor))
			rows := readList(tb, c.anchor)
			if got := parseNum(shown); int(got) != len(rows) {
				t.Errorf("the tile says %s, the list has %d rows", shown, len(rows))
			}
			if len(rows) != len(c.rows) {
				t.Fatalf("the list has %d rows, the API %d", len(rows), len(c.rows))
			}
			if len(rows) == 0 {
				h2 := eval[string](tb, fmt.Sprintf(`document.querySelector('#%s h2').textContent`, c.anchor))
				if !strings.Contains(h2, "none") {
					t.Errorf("an empty list is headed %q, not with none", h2)
				}
			}
			for i, want := range c.rows {
				got := rows[i]
				if got.Party != want.Party || got.Pledge != want.Pledge || got.Cells["party"] != want.Party {
					t.Errorf("row %d: %s %s, the API %s %s", i, got.Party, got.Pledge, want.Party, want.Pledge)
				}
				switch c.anchor {
				case "approvals":
					if q := pageFormat(tb, "qty", want.Quantity, want.Unit); got.Cells["quantity"] != q {
						t.Errorf("%s: quantity %q, the API %q", want.Pledge, got.Cells["quantity"], q)
					}
					if got.Cells["requires"] != want.Requires {
						t.Errorf("%s: approved by %q, the API %q", want.Pledge, got.Cells["requires"], want.Requires)
					}
				default:
					if got.Cells["owner"] != want.Owner || got.Cells["restriction"] != want.Restriction {
						t.Errorf("%s: %s's %s, the API %s's %s", want.Pledge, got.Cells["owner"], got.Cells["restriction"], want.Owner, want.Restriction)
					}
				}
			}
			tb.clean()
		})
	}
}

// TestPartiesPledges opens GB's section of /parties from the matrix: it
// lists every pledge of GB the assessment names, each with its quantity
// and unit as the API gives them, and the ranking lists each domain's
// parties by quantity, largest first.
func TestPartiesPledges(t *testing.T) {
	r := theRig(t)
	a := assessmentAt(t, r.url, "")
	type amount struct {
		q    float64
		unit string
	}
	given := map[string]*amount{}
	for _, req := range a.Requirements {
		for _, c := range req.Contributions {
			if c.Party == "GB" {
				given[c.Pledge] = &amount{c.Quantity, req.Unit}
			}
		}
		for _, x := range req.Excluded {
			if x.Party == "GB" {
				if _, ok := given[x.Pledge]; !ok {
					given[x.Pledge] = nil
				}
			}
		}
	}
	for _, p := range a.Parties {
		if p.Party == "GB" && p.Pledges != len(given) {
			t.Errorf("the API counts %d pledges of GB and names %d", p.Pledges, len(given))
		}
	}
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/coverage"))
	want := map[string]string{}
	for id, g := range given {
		if g != nil {
			want[id] = pageFormat(tb, "qty", g.q, g.unit)
		} else {
			want[id] = ""
		}
	}
	tb.waitFor(`document.querySelector('#matrix tr[data-party="GB"] a.party-link') !== null`)
	tb.do(chromedp.Click(`#matrix tr[data-party="GB"] a.party-link`))
	tb.waitFor(`location.pathname === '/parties' && location.hash === '#party-GB' && document.querySelectorAll('#party-GB tbody tr').length > 0`)
	type row struct {
		Pledge   string `json:"pledge"`
		Quantity string `json:"quantity"`
	}
	rows := eval[[]row](tb, `[...document.querySelectorAll('#party-GB tbody tr')].map(tr => ({
  pledge: tr.dataset.pledge, quantity: tr.querySelector('[data-col="quantity"]').textContent}))`)
	if len(rows) != len(want) {
		t.Errorf("GB's section lists %d pledges, the API %d", len(rows), len(want))
	}
	for _, rw := range rows {
		q, ok := want[rw.Pledge]
		if !ok {
			t.Errorf("GB's section lists %s, which the API does not give GB", rw.Pledge)
			continue
		}
		if q != "" && rw.Quantity != q {
			t.Errorf("%s: %q, the API %q", rw.Pledge, rw.Quantity, q)
		}
		delete(want, rw.Pledge)
	}
	for p := range want {
		t.Errorf("GB's section leaves out %s", p)
	}
	// The order of the sections: guarantors, then the beneficiary.
	roles := eval[[]string](tb, `[...document.querySelectorAll('section.party h2 .badge')].map(b => b.textContent)`)
	if i := slices.Index(roles, "beneficiary"); i < 0 || slices.Contains(roles[i:], "guarantor") {
		t.Errorf("the sections' roles run %v: not the guarantors first, then the beneficiary", roles)
	}
	// The ranking: one list per domain and unit, by quantity.
	type rank struct {
		Domain string   `json:"domain"`
		Q      []string `json:"q"`
	}
	ranks := eval[[]rank](tb, `[...document.querySelectorAll('#ranking .rank')].map(d => ({domain: d.dataset.domain,
  q: [...d.querySelectorAll('li .rank-q')].map(s => s.firstChild.textContent)}))`)
	seen := map[string]bool{}
	for _, rk := range ranks {
		seen[rk.Domain] = true
		v := make([]float64, len(rk.Q))
		for i, s := range rk.Q {
			v[i] = parseNum(s)
		}
		if !sort.SliceIsSorted(v, func(i, j int) bool { return v[i] > v[j] }) {
			t.Errorf("the ranking of %s is not by quantity: %v", rk.Domain, rk.Q)
		}
	}
	for _, d := range a.Domains {
		if !seen[d.Domain] {
			t.Errorf("the ranking has no list for %s", d.Domain)
		}
	}
	tb.clean()
}

// TestMatrixFollowsDate opens the coverage page on a date before the land
// pledges are available: each party's land cell is the share of its
// contributions available by then, as the API's requirements give them —
// 0 % for every party when none is — not the API's matrix, which counts
// pledges whenever they become available.
func TestMatrixFollowsDate(t *testing.T) {
	r := theRig(t)
	const at = "2025-09-01"
	a := assessmentAt(t, r.url, at)
	if a.At != at {
		t.Fatalf("the API assessed %s, not %s", a.At, at)
	}
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/coverage?at=" + at))
	want := map[string]string{}
	later := false
	nReqs := 0
	for _, req := range a.Requirements {
		if req.Domain == "land" {
			nReqs++
		}
	}
	for _, row := range a.Matrix.Rows {
		if _, ok := row.Cells["land"]; !ok {
			continue
		}
		sum := 0.0
		for _, req := range a.Requirements {
			if req.Domain != "land" {
				continue
			}
			q := 0.0
			for _, c := range req.Contributions {
				if c.Party == row.Party && c.Now {
					q += c.Quantity
				}
			}
			sum += q / req.Required
		}
		want[row.Party] = pageFormat(tb, "pct", sum/float64(nReqs))
		if row.Cells["land"].Share > 0 && want[row.Party] != pageFormat(tb, "pct", row.Cells["land"].Share) {
			later = true
		}
	}
	if len(want) == 0 {
		t.Fatal("no party pledges anything for land")
	}
	if !later {
		t.Logf("on %s every land pledge is available: the test tells nothing from the API's matrix", at)
	}
	tb.waitFor(`document.querySelectorAll('#matrix tbody tr').length > 0`)
	for party, text := range want {
		got := eval[string](tb, fmt.Sprintf(`document.querySelector('#matrix tr[data-party=%q] td[data-domain="land"]').textContent`, party))
		if got != text {
			t.Errorf("%s's land cell on %s reads %q; the contributions available then make %q", party, at, got, text)
		}
	}
	tb.clean()
}

// TestLandCoverageReadsTheSame reads the land coverage on the overview,
// the coverage page and the parties page, today and on a date of the
// example: the same text on each, the API's figure.
func TestLandCoverageReadsTheSame(t *testing.T) {
	r := theRig(t)
	for _, at := range []string{"", "2025-09-01", "2026-01-20"} {
		a := assessmentAt(t, r.url, at)
		coverage := -1.0
		for _, d := range a.Domains {
			if d.Domain == "land" {
				coverage = d.Coverage
			}
		}
		if coverage < 0 {
			t.Fatal("the API gives no land coverage")
		}
		q := ""
		if at != "" {
			q = "?at=" + at
		}
		// The overview is left once its breaches figure is in too: a
		// monitoring run still going would hold up the next page.
		for _, p := range []struct{ path, sel, ready string }{
			{"/", `#domain-coverage .coverage[data-domain="land"]`, `!document.querySelector('#kpis').textContent.includes('…')`},
			{"/coverage", `#domain-tiles .coverage[data-domain="land"]`, "true"},
			{"/parties", `#ranking .coverage[data-domain="land"]`, "true"},
		} {
			// A tab a page, closed when done: after about six pages in one
			// tab, a page's request waited a minute for a connection (the
			// browser's six per host; docs/dashboard.md).
			tb := r.newTab(t)
			tb.do(chromedp.Navigate(r.url + p.path + q))
			tb.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null && %s`, p.sel, p.ready))
			want := pageFormat(tb, "pct", coverage)
			if got := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).textContent`, p.sel)); got != want {
				t.Errorf("%s%s: land coverage reads %q, the API's %q", p.path, q, got, want)
			}
			tb.clean()
			tb.close()
		}
	}
}

// chartCheck measures the coverage chart: the smallest text in CSS px,
// the marker and the axis's end, the target line's place (last, on top),
// and the line-end labels (their values top to bottom, and overlaps).
const chartCheck = `(() => {
  const svg = document.querySelector('.line-chart svg');
  const texts = [...svg.querySelectorAll('text')];
  const px = t => parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b);
  const lines = [...svg.querySelectorAll('line, polyline')];
  const marker = svg.querySelector('line.marker');
  const series = [...svg.querySelectorAll('polyline.series')];
  const rightmost = Math.max(...series.map(p => Math.max(...p.getAttribute('points').split(' ').map(s => Number(s.split(',')[0])))));
  const labels = [...svg.querySelectorAll('text.legend')].map(t => ({y: t.getBBox().y, h: t.getBBox().height,
    v: Number(((t.textContent.match(/(<?[\d,.]+) %$/) || [])[1] || 'NaN').replace(/[<,]/g, '')), text: t.textContent}));
  labels.sort((a, b) => a.y - b.y);
  let overlaps = 0;
  for (let i = 1; i < labels.length; i++) if (labels[i].y < labels[i - 1].y + labels[i - 1].h - 0.5) overlaps++;
  const W = svg.viewBox.baseVal.width;
  const outside = texts.filter(t => { const b = t.getBBox(); return b.x < -0.5 || b.x + b.width > W + 0.5; }).map(t => t.textContent);
  return {minPx: Math.min(...texts.map(px)), texts: texts.length, outside,
    markerX: marker ? Number(marker.getAttribute('x1')) : -1, axisEnd: rightmost,
    targetLast: lines[lines.length - 1].classList.contains('target'),
    values: labels.map(l => l.v), labels: labels.map(l => l.text), overlaps};
})()`

type chartResult struct {
	MinPx      float64   `json:"minPx"`
	Texts      int       `json:"texts"`
	MarkerX    float64   `json:"markerX"`
	AxisEnd    float64   `json:"axisEnd"`
	TargetLast bool      `json:"targetLast"`
	Values     []float64 `json:"values"`
	Labels     []string  `json:"labels"`
	Overlaps   int       `json:"overlaps"`
	Outside    []string  `json:"outside"`
}

// TestCoverageChart draws the coverage chart at 390 and 1440 px, today and
// on a date inside the series: its text is at least 11 CSS px, the time
// axis runs past the chosen date, the 100 % line is drawn on top, and the
// line-end labels are in the order of their values without overlapping,
// and no text runs past the chart's edges.
func TestCoverageChart(t *testing.T) {
	r := theRig(t)
	for _, w := range []int64{390, 1440} {
		for _, at := range []string{"", "2025-12-01"} {
			t.Run(fmt.Sprintf("%d-%s", w, at), func(t *testing.T) {
				tb := r.newTab(t)
				q := ""
				if at != "" {
					q = "?at=" + at
				}
				tb.do(chromedp.EmulateViewport(w, 900), chromedp.Navigate(r.url+"/coverage"+q))
				tb.waitFor(`(() => { const s = document.querySelector('.line-chart svg');
				  return s && Math.abs(s.viewBox.baseVal.width - s.parentElement.clientWidth) < 1; })()`)
				c := eval[chartResult](tb, chartCheck)
				if c.Texts == 0 || c.MinPx < 11-0.05 {
					t.Errorf("the chart's smallest text is %.1f px (of %d)", c.MinPx, c.Texts)
				}
				if c.MarkerX < 0 || c.AxisEnd <= c.MarkerX+1 {
					t.Errorf("the axis ends at x %.1f, the chosen date's marker is at %.1f", c.AxisEnd, c.MarkerX)
				}
				if !c.TargetLast {
					t.Error("the 100 % line is not drawn last (on top)")
				}
				if len(c.Outside) > 0 {
					t.Errorf("chart text cut off at the edges: %q", c.Outside)
				}
				if c.Overlaps > 0 {
					t.Errorf("%d line-end labels overlap: %v", c.Overlaps, c.Labels)
				}
				if !sort.SliceIsSorted(c.Values, func(i, j int) bool { return c.Values[i] > c.Values[j] }) {
					t.Errorf("the line-end labels are not in the order of their values: %v", c.Labels)
				}
				tb.clean()
			})
		}
	}
}
