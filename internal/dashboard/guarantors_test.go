package dashboard_test

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/numfmt"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
)

// trackRecord is /v1/frameworks/{id}/record, as the track record page
// reads it.
type trackRecord struct {
	AsOf    string       `json:"as_of"`
	Rule    string       `json:"rule"`
	Parties []trackParty `json:"parties"`
}

// trackParty is one party's record.
type trackParty struct {
	Party     string `json:"party"`
	Name      string `json:"name"`
	Due       int    `json:"due"`
	OnTime    int    `json:"on_time"`
	Late      int    `json:"late"`
	Declined  int    `json:"declined"`
	Pending   int    `json:"pending"`
	Overdue   int    `json:"overdue"`
	NotDue    int    `json:"not_due"`
	Delivered []struct {
		Pledge   string  `json:"pledge"`
		Quantity float64 `json:"quantity"`
	} `json:"delivered"`
	ActedShare *float64 `json:"acted_share"`
	Score      *float64 `json:"score"`
	Grade      string   `json:"grade"`
}

// grades in the page's order: best first, "—" (nothing due yet) last.
var grades = []string{"A", "B", "C", "D", "F", "—"}

// shownPct is how format.js's pct writes a share — the CLI's rule,
// numfmt.Percent — and "–" for none.
func shownPct(share *float64) string {
	if share == nil {
		return "–"
	}
	return numfmt.Percent(*share)
}

// trackRow is one row of the page's table: the party and each column's
// text.
type trackRow struct {
	Party string            `json:"party"`
	Cells map[string]string `json:"cells"`
}

const readTrackRows = `[...document.querySelectorAll('#track-record tbody tr')].map(tr => ({
  party: tr.dataset.party,
  cells: Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map(td => [td.dataset.col, td.textContent.trim()])),
}))`

// TestTrackRecord opens the track record page on three servers (the
// example with the daily missile reports its record/history.yaml was
// written against, so that every state and a delivery are shown; the
// rig's, with a year of incidents; the example alone) and compares
// it with the API's /record, party by party: a row for each party, in
// the order of grade then party id, with its due, on time, late,
// declined, pending and overdue counts, what it delivered, its acted
// share and its grade with the score, as the API gives them; the
// headline's total of responses due; and the grading rule written under
// the table. A column's sort button orders the rows by it (the URL says
// so; again: the other way), the nav link sits next to the breaches
// page's, and at 390 px wide the page does not scroll sideways.
func TestTrackRecord(t *testing.T) {
	r := theRig(t)
	missiles, err := r.serveMissileReports()
	if err != nil {
		t.Fatal(err)
	}
	for _, srv := range []struct{ name, url string }{{"missile reports", missiles}, {"a year of incidents", r.url}, {"example alone", r.bare}} {
		t.Run(srv.name, func(t *testing.T) {
			tb := r.newTab(t)
			rec := checkTrackRecord(t, tb, srv.url)
			if srv.url != missiles {
				tb.clean()
				return
			}
			tb.screenshot("track-record")
			checkTrackSort(t, tb, rec)
			checkTrackNarrow(t, tb, srv.url, len(rec.Parties))
			tb.clean()
		})
	}
}

// serveMissileReports starts a server with the example and the daily
// missile reports, submitted by the example's monitor.
func (r *rig) serveMissileReports() (string, error) {
	url, err := r.serve(server.Config{})
	if err != nil {
		return "", err
	}
	res, ds, err := all.Read(filepath.Join(sharedData, "missile-attacks", "missile_attacks_daily.csv"), "", nil, feeds.Options{Oblasts: oblast.New()})
	if err != nil {
		return "", err
	}
	if ds.HasErrors() {
		return "", fmt.Errorf("the missile reports: %v", ds)
	}
	mon, err := signing.ReadKeyPair(filepath.Join(keysDir, "MON.key"))
	if err != nil {
		return "", err
	}
	for start := 0; start < len(res.Incidents); start += 1000 {
		var doc bytes.Buffer
		if err := incidents.WriteYAML(&doc, res.Incidents[start:min(start+1000, len(res.Incidents))]); err != nil {
			return "", err
		}
		if _, err := submitTo(url, doc.Bytes(), mon); err != nil {
			return "", err
		}
	}
	return url, nil
}

func checkTrackRecord(t *testing.T, tb *tab, url string) trackRecord {
	t.Helper()
	var rec trackRecord
	getJSON(t, url+"/v1/frameworks/"+framework+"/record", &rec)
	if len(rec.Parties) == 0 || rec.Rule == "" {
		t.Fatalf("the API's record has %d parties and rule %q", len(rec.Parties), rec.Rule)
	}
	tb.do(chromedp.Navigate(url + "/guarantors"))
	tb.waitFor(fmt.Sprintf(`document.querySelectorAll('#track-record tbody tr').length === %d`, len(rec.Parties)))

	if got := eval[string](tb, `document.title`); got != "Track record — backstop" {
		t.Errorf("title %q", got)
	}
	prev := eval[string](tb, `(() => { const a = document.querySelector('nav.pages a[data-path="/guarantors"]');
	  const li = a && a.closest('li').previousElementSibling; return li ? li.querySelector('a').dataset.path : ''; })()`)
	if prev != "/breaches" {
		t.Errorf("the track record's nav link follows %q, want the breaches page's", prev)
	}
	if got := eval[string](tb, `document.querySelector('nav.pages a[aria-current="page"]').dataset.path`); got != "/guarantors" {
		t.Errorf("the current page link is %s", got)
	}

	// The rows, in the order of grade then party id.
	rows := eval[[]trackRow](tb, readTrackRows)
	want := slices.Clone(rec.Parties)
	slices.SortStableFunc(want, func(a, b trackParty) int {
		return cmp.Or(cmp.Compare(slices.Index(grades, a.Grade), slices.Index(grades, b.Grade)), strings.Compare(a.Party, b.Party))
	})
	if len(rows) != len(want) {
		t.Fatalf("%d rows, the API has %d parties", len(rows), len(want))
	}
	due := 0
	for i, p := range want {
		due += p.Due
		row := rows[i]
		if row.Party != p.Party {
			t.Errorf("row %d is %s, want %s (by grade, then party id)", i+1, row.Party, p.Party)
			continue
		}
		if p.Due != p.OnTime+p.Late+p.Declined+p.Pending+p.Overdue {
			t.Errorf("%s: the API's due %d is not the sum of its states", p.Party, p.Due)
		}
		for col, n := range map[string]int{"due": p.Due, "on_time": p.OnTime, "late": p.Late, "declined": p.Declined, "pending": p.Pending, "overdue": p.Overdue} {
			if got := row.Cells[col]; got != commas(float64(n)) {
				t.Errorf("%s %s: the page says %q, the API %d", p.Party, col, got, n)
			}
		}
		if got, w := row.Cells["acted"], shownPct(p.ActedShare); got != w {
			t.Errorf("%s acted: the page says %q, want %q (the API's %v)", p.Party, got, w, p.ActedShare)
		}
		delivered := row.Cells["delivered"]
		if len(p.Delivered) == 0 && delivered != "none" {
			t.Errorf("%s delivered: the page says %q, the API nothing", p.Party, delivered)
		}
		for _, d := range p.Delivered {
			if !strings.Contains(delivered, d.Pledge) {
				t.Errorf("%s delivered: the page says %q, the API %s %v", p.Party, delivered, d.Pledge, d.Quantity)
			}
		}
		g := row.Cells["grade"]
		letter, rest, _ := strings.Cut(g, " ")
		switch {
		case letter != p.Grade:
			t.Errorf("%s grade: the page says %q, the API %q", p.Party, g, p.Grade)
		case p.Score == nil:
			if rest != "(nothing due yet)" {
				t.Errorf("%s grade: the page says %q for a party with nothing due yet", p.Party, g)
			}
		default:
			score, err := strconv.ParseFloat(strings.Trim(rest, "()"), 64)
			if err != nil || math.Abs(score-*p.Score) > 0.0051 {
				t.Errorf("%s grade: the page says %q, the API's score is %v", p.Party, g, *p.Score)
			}
		}
	}
	summary := eval[string](tb, `document.querySelector('#record-summary').textContent`)
	if w := commas(float64(due)) + " response"; !strings.HasPrefix(summary, w) {
		t.Errorf("the summary %q does not begin with %q", summary, w)
	}
	rule := eval[string](tb, `document.querySelector('#record-rule').textContent`)
	if !strings.Contains(rule, rec.Rule) {
		t.Errorf("the rule under the table reads %q, want the API's %q", rule, rec.Rule)
	}
	t.Logf("%d parties, %d responses due; %s", len(rows), due, summary)
	return rec
}

// checkTrackSort sorts by overdue (most first), then the other way.
func checkTrackSort(t *testing.T, tb *tab, rec trackRecord) {
	t.Helper()
	overdue := func() []int {
		var out []int
		for _, row := range eval[[]trackRow](tb, readTrackRows) {
			n, err := strconv.Atoi(strings.ReplaceAll(row.Cells["overdue"], ",", ""))
			if err != nil {
				t.Fatalf("overdue %q: %v", row.Cells["overdue"], err)
			}
			out = append(out, n)
		}
		return out
	}
	tb.do(chromedp.Click(`#track-record button[data-sort="overdue"]`))
	tb.waitFor(`new URL(location.href).searchParams.get('sort') === 'overdue'`)
	if got := overdue(); !slices.IsSortedFunc(got, func(a, b int) int { return b - a }) {
		t.Errorf("sorted by overdue, most first: %v", got)
	}
	if got := eval[string](tb, `document.querySelector('#track-record th[aria-sort]').textContent`); !strings.HasPrefix(got, "overdue") {
		t.Errorf("aria-sort is on %q", got)
	}
	tb.do(chromedp.Click(`#track-record button[data-sort="overdue"]`))
	tb.waitFor(`new URL(location.href).searchParams.get('sort') === '-overdue'`)
	if got := overdue(); !slices.IsSorted(got) {
		t.Errorf("sorted by overdue, least first: %v", got)
	}
	if got := eval[string](tb, `document.querySelector('#track-record th[aria-sort]').getAttribute('aria-sort')`); got != "ascending" {
		t.Errorf("aria-sort %q, want ascending", got)
	}
	if n := eval[int](tb, `document.querySelectorAll('#track-record tbody tr').length`); n != len(rec.Parties) {
		t.Errorf("%d rows after sorting, want %d", n, len(rec.Parties))
	}
}

// checkTrackNarrow loads the page 390 px wide: nothing scrolls sideways
// (the columns stack under each party), and each number still says
// what it is.
func checkTrackNarrow(t *testing.T, tb *tab, url string, parties int) {
	t.Helper()
	tb.do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(url+"/guarantors"))
	tb.waitFor(fmt.Sprintf(`document.querySelectorAll('#track-record tbody tr').length === %d`, parties))
	type widths struct {
		Page, Window, Wrap, WrapClient int
		Label                          string
	}
	w := eval[widths](tb, `(() => { const wrap = document.querySelector('#track-record').parentElement;
	  const td = document.querySelector('#track-record tbody td[data-col="overdue"]');
	  return {Page: document.documentElement.scrollWidth, Window: document.documentElement.clientWidth,
	    Wrap: wrap.scrollWidth, WrapClient: wrap.clientWidth, Label: getComputedStyle(td, '::before').content}; })()`)
	if w.Window > 390 || w.Page > w.Window || w.Wrap > w.WrapClient {
		t.Errorf("at 390 px: the page is %d px wide in a window of %d, the table %d in %d: it scrolls sideways", w.Page, w.Window, w.Wrap, w.WrapClient)
	}
	if w.Label != `"overdue"` {
		t.Errorf("at 390 px an overdue count is labelled %s, want \"overdue\"", w.Label)
	}
	tb.screenshot("track-record-390")
}
