package dashboard_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/backstop-dev/backstop/internal/signing"
)

// monitoring is the part of /v1/frameworks/{id}/monitoring the breaches
// page shows of the account: each breach's status and finding, each
// response's state and its parties', and the account's summary.
type monitoring struct {
	Episodes []struct {
		ID      string `json:"id"`
		Trigger string `json:"trigger"`
		Start   string `json:"start"`
		Status  string `json:"status"`
		Finding *struct {
			ID           string            `json:"id"`
			Party        string            `json:"party"`
			Status       string            `json:"status"`
			AttributedTo string            `json:"attributed_to"`
			Evidence     []json.RawMessage `json:"evidence"`
			Reply        string            `json:"reply"`
		} `json:"finding"`
		Responses []struct {
			Response string `json:"response"`
			Due      string `json:"due"`
			State    string `json:"state"`
			Parties  []struct {
				Party    string `json:"party"`
				State    string `json:"state"`
				Action   string `json:"action"`
				ActionID string `json:"action_id"`
				At       string `json:"at"`
				LateBy   string `json:"late_by"`
				DueIn    string `json:"due_in"`
			} `json:"parties"`
		} `json:"responses"`
	} `json:"episodes"`
	Account *struct {
		AsOf      string   `json:"as_of"`
		Findings  int      `json:"findings"`
		Actions   int      `json:"actions"`
		Rejected  int      `json:"rejected"`
		Unmatched []string `json:"unmatched"`
	} `json:"account"`
}

// partyState is what the page says of a party's state, as breaches.js
// words it.
func partyState(state, lateBy, dueIn string) string {
	switch state {
	case "on-time":
		return "on time"
	case "late":
		return "late by " + lateBy
	case "declined":
		return "declined"
	case "pending":
		return "pending, due in " + dueIn
	case "overdue":
		return "overdue"
	case "not-due":
		return "not due"
	}
	return state
}

// TestBreachStates compares the breaches page with the API's monitoring,
// whatever findings and actions the record holds: the totals leave out
// the breaches rejected as false alarms; each of the newest breaches shows
// its id, its status (a rejected one struck and labelled with the monitor
// that rejected it), its finding, and for every response due the API's
// state and each party's (the words, the action filed and its date), with
// "overdue" only where nothing was filed; the account's summary and its
// unmatched ids are stated.
func TestBreachStates(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	checkBreaches(t, tb, r.url)
	tb.screenshot("breaches-account")
	tb.clean()
}

// checkBreaches loads the breaches page of the server at url and compares
// it with the server's monitoring (TestBreachStates), which it returns.
func checkBreaches(t *testing.T, tb *tab, url string) monitoring {
	t.Helper()
	var m monitoring
	getJSON(t, url+"/v1/frameworks/"+framework+"/monitoring", &m)
	if len(m.Episodes) == 0 {
		t.Fatal("the monitoring has no breach")
	}
	if m.Account == nil {
		t.Fatal("the monitoring carries no account")
	}
	tb.do(chromedp.Navigate(url + "/breaches"))
	tb.waitFor(`document.querySelectorAll('#episodes details').length > 0`)

	real := 0
	states := map[string]int{}
	for _, e := range m.Episodes {
		if e.Status != "rejected" {
			real++
		}
		for _, resp := range e.Responses {
			for _, p := range resp.Parties {
				states[p.State]++
			}
		}
	}
	t.Logf("%d breaches (%d rejected); party states %v; account %+v", len(m.Episodes), len(m.Episodes)-real, states, *m.Account)
	summary := eval[string](tb, `document.querySelector('#breach-summary').textContent`)
	if want := fmt.Sprintf("%s breach", commas(float64(real))); !strings.HasPrefix(summary, want) {
		t.Errorf("the summary %q does not begin with %q: the breaches not rejected", summary, want)
	}

	// The newest breaches, as the page lists them.
	n := min(8, len(m.Episodes))
	for k := range n {
		e := m.Episodes[len(m.Episodes)-1-k]
		if e.ID == "" || e.Status == "" {
			t.Fatalf("breach %d of the API has id %q and status %q", len(m.Episodes)-1-k, e.ID, e.Status)
		}
		sel := fmt.Sprintf(`#episodes details[data-breach=%q]`, e.ID)
		if !eval[bool](tb, fmt.Sprintf(`document.querySelector(%q) !== null`, sel)) {
			t.Errorf("breach %s is not on the page", e.ID)
			continue
		}
		summ := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).querySelector('summary').textContent`, sel))
		if !strings.Contains(summ, e.ID) {
			t.Errorf("%s: the summary %q does not show its id", e.ID, summ)
		}
		badge := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).querySelector('summary .badge[data-status]').textContent`, sel))
		switch {
		case e.Status == "rejected":
			if want := "rejected by " + e.Finding.Party; !strings.Contains(badge, want) {
				t.Errorf("%s: the status badge reads %q, want %q", e.ID, badge, want)
			}
			if !eval[bool](tb, fmt.Sprintf(`document.querySelector(%q).classList.contains('rejected') && getComputedStyle(document.querySelector(%q).querySelector('.ep-title')).textDecorationLine === 'line-through'`, sel, sel)) {
				t.Errorf("%s: a rejected breach is not struck", e.ID)
			}
		case !strings.Contains(badge, strings.ReplaceAll(e.Status, "-", " ")):
			t.Errorf("%s: the status badge reads %q, want %q", e.ID, badge, e.Status)
		}
		// Open it, and read it.
		eval[bool](tb, fmt.Sprintf(`document.querySelector(%q).open = true`, sel))
		body := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).textContent`, sel))
		if f := e.Finding; f != nil {
			for _, want := range []string{f.Party, f.AttributedTo, f.Reply, f.ID} {
				if want != "" && !strings.Contains(body, want) {
					t.Errorf("%s: the finding %s's %q is not shown", e.ID, f.ID, want)
				}
			}
			if got := eval[int](tb, fmt.Sprintf(`document.querySelector(%q).querySelectorAll('.evidence li').length`, sel)); got != len(f.Evidence) {
				t.Errorf("%s: %d evidence items shown, the finding has %d", e.ID, got, len(f.Evidence))
			}
		} else if !strings.Contains(body, "No monitor has filed a finding") {
			t.Errorf("%s: a breach with no finding does not say so", e.ID)
		}
		for _, resp := range e.Responses {
			li := fmt.Sprintf(`document.querySelector(%q).querySelector('li[data-response=%q]')`, sel, resp.Response)
			if got := eval[string](tb, li+`.dataset.state`); got != resp.State {
				t.Errorf("%s %s: the page gives the state %q, the API %q", e.ID, resp.Response, got, resp.State)
			}
			for _, p := range resp.Parties {
				row := fmt.Sprintf(`%s.querySelector('tr[data-party=%q]')`, li, p.Party)
				if !eval[bool](tb, row+` !== null`) {
					t.Errorf("%s %s: no row for %s", e.ID, resp.Response, p.Party)
					continue
				}
				text := eval[string](tb, row+`.textContent`)
				if got := eval[string](tb, row+`.dataset.state`); got != p.State {
					t.Errorf("%s %s %s: the row's state is %q, the API's %q", e.ID, resp.Response, p.Party, got, p.State)
				}
				if want := partyState(p.State, p.LateBy, p.DueIn); !strings.Contains(text, want) {
					t.Errorf("%s %s %s: the row reads %q, want %q", e.ID, resp.Response, p.Party, text, want)
				}
				if p.Action != "" {
					if !strings.Contains(text, p.Action) || !strings.Contains(text, p.ActionID) {
						t.Errorf("%s %s %s: the row %q does not name the action %s (%s)", e.ID, resp.Response, p.Party, text, p.Action, p.ActionID)
					}
					if strings.Contains(text, "overdue") {
						t.Errorf("%s %s %s: the row %q says overdue, yet %s filed %s", e.ID, resp.Response, p.Party, text, p.Party, p.Action)
					}
				}
				if p.State != "overdue" && strings.Contains(text, "overdue") {
					t.Errorf("%s %s %s: the row %q says overdue, the API %q", e.ID, resp.Response, p.Party, text, p.State)
				}
			}
		}
	}

	// The account's summary, and the ids that name no breach.
	acc := eval[string](tb, `document.querySelector('#breach-account').textContent`)
	for _, want := range []string{
		fmt.Sprintf("%d finding", m.Account.Findings), fmt.Sprintf("%d action", m.Account.Actions),
		fmt.Sprintf("%d breach", m.Account.Rejected), m.Account.AsOf[:10],
	} {
		if !strings.Contains(acc, want) {
			t.Errorf("the account %q does not state %q", acc, want)
		}
	}
	warned := eval[bool](tb, `document.querySelector('#account-unmatched') !== null`)
	if warned != (len(m.Account.Unmatched) > 0) {
		t.Errorf("the unmatched warning is shown: %v; the API lists %d unmatched ids", warned, len(m.Account.Unmatched))
	}
	for _, id := range m.Account.Unmatched {
		if !strings.Contains(acc, id) {
			t.Errorf("the unmatched id %s is not shown", id)
		}
	}
	return m
}

// TestBreachRendering renders a breach of every state through the page's
// own module, independently of the record: a rejected breach struck and
// labelled with its monitor; a finding's evidence linked only at http or
// https addresses, its SHA-256 abbreviated with the whole in a title; each
// party's state in words, "overdue" only where nothing was filed; and no
// fixed width that overflows a phone's screen.
func TestBreachRendering(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/breaches"))
	tb.waitFor(pages[3].ready)
	const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	got := eval[map[string]any](tb, `(async () => {
  const b = await import('/assets/pages/breaches.js');
  const base = {trigger: 't', title: 'A strike', severity: 'grave', start: '2025-09-14T10:00:00Z', end: '2025-09-14T12:00:00Z', firings: 2,
    cause: {kind: 'incident', incident: 'i-1', type: 'missile', admin1: 'Kyiv'}, incidents: ['i-1']};
  const resp = (state, parties) => ({response: 'consult', title: 'Consult', mode: 'consultation', within: '72h', domains: [],
    due: '2025-09-17T12:00:00Z', pledges: [], state, parties});
  const attributed = b.episode({...base, id: 'B-0123456789', status: 'attributed',
    finding: {id: 'f-1', party: 'MON', date: '2025-09-15T08:00:00Z', status: 'attributed', attributed_to: 'RU', earlier: 1,
      evidence: [{url: 'https://example.org/r', sha256: '`+sha+`', note: 'crater'}, {url: 'javascript:alert(1)'}, {URL: 'http://example.org/go', SHA256: '', Note: 'Go-cased'}],
      reply: 'RU: an air-defence missile', note: 'seen'},
    responses: [resp('overdue', [
      {party: 'DE', state: 'on-time', action: 'convened', action_id: 'a-1', at: '2025-09-16T00:00:00Z'},
      {party: 'FR', state: 'late', action: 'convened', action_id: 'a-2', at: '2025-09-18T00:00:00Z', late_by: '12h'},
      {party: 'GB', state: 'declined', action: 'declined', action_id: 'a-3', at: '2025-09-16T00:00:00Z'},
      {party: 'IT', state: 'pending', due_in: '36h'},
      {party: 'PL', state: 'overdue'}])]}, 0);
  const rej = b.episode({...base, id: 'B-abcdefabcd', status: 'rejected',
    finding: {id: 'f-2', party: 'MON', date: '2025-09-15T08:00:00Z', status: 'rejected', evidence: [], earlier: 0},
    responses: [resp('not-due', [{party: 'DE', state: 'not-due'}])]}, 1);
  const host = document.querySelector('#episodes') || document.body;
  host.prepend(attributed, rej);
  attributed.open = rej.open = true;
  const row = p => attributed.querySelector('tr[data-party="' + p + '"]').textContent;
  const links = [...attributed.querySelectorAll('.evidence a')].map(a => a.getAttribute('href'));
  const code = attributed.querySelector('.evidence code');
  const out = {
    links, codeText: code.textContent, codeTitle: code.title,
    evidenceText: attributed.querySelector('.evidence').textContent,
    summary: attributed.querySelector('summary').textContent,
    finding: attributed.querySelector('.finding').textContent,
    rows: Object.fromEntries(['DE', 'FR', 'GB', 'IT', 'PL'].map(p => [p, row(p)])),
    rejBadge: rej.querySelector('summary .badge[data-status]').textContent,
    rejClass: rej.className,
    rejStruck: getComputedStyle(rej.querySelector('.ep-title')).textDecorationLine,
    rejRow: rej.querySelector('tr[data-party="DE"]').textContent,
    rejSummary: rej.querySelector('summary').textContent,
  };
  // At a phone's width nothing of them is wider than the page.
  document.documentElement.style.width = '360px';
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  out.overflow = [attributed, rej].some(d => d.scrollWidth > d.clientWidth + 1 &&
    [...d.querySelectorAll('*')].some(el => !el.closest('.table-wrap') && el.getBoundingClientRect().right > d.getBoundingClientRect().right + 1));
  document.documentElement.style.width = '';
  attributed.remove(); rej.remove();
  return out;
})()`)
	str := func(k string) string { s, _ := got[k].(string); return s }
	links := fmt.Sprint(got["links"])
	if links != "[https://example.org/r http://example.org/go]" {
		t.Errorf("the evidence links are %s: want the https and http addresses only", links)
	}
	if !strings.Contains(str("evidenceText"), "javascript:alert(1)") {
		t.Errorf("the javascript: address is not shown as text: %q", str("evidenceText"))
	}
	if str("codeTitle") != sha || !strings.HasPrefix(str("codeText"), sha[:8]) || len(str("codeText")) >= len(sha) {
		t.Errorf("the SHA-256 reads %q with the title %q: want it abbreviated, whole in the title", str("codeText"), str("codeTitle"))
	}
	for _, want := range []string{"MON", "attributed to RU", "RU: an air-defence missile", "seen", "f-1", "supersedes 1 earlier finding"} {
		if !strings.Contains(str("finding"), want) {
			t.Errorf("the finding %q does not show %q", str("finding"), want)
		}
	}
	if s := str("summary"); !strings.Contains(s, "B-0123456789") || !strings.Contains(s, "attributed") || !strings.Contains(s, "1 overdue") {
		t.Errorf("the summary %q lacks the id, the status or the count of overdue responses", s)
	}
	rows, _ := got["rows"].(map[string]any)
	for party, want := range map[string][]string{
		"DE": {"on time", "convened", "a-1", "2025-09-16 00:00 UTC"},
		"FR": {"late by 12h", "convened", "2025-09-18 00:00 UTC"},
		"GB": {"declined", "a-3"},
		"IT": {"pending, due in 36h"},
		"PL": {"overdue"},
	} {
		text, _ := rows[party].(string)
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s's row %q does not read %q", party, text, w)
			}
		}
		if party != "PL" && strings.Contains(text, "overdue") {
			t.Errorf("%s's row %q says overdue", party, text)
		}
	}
	if !strings.Contains(str("rejBadge"), "rejected by MON") || !strings.Contains(str("rejClass"), "rejected") || str("rejStruck") != "line-through" {
		t.Errorf("the rejected breach: badge %q, class %q, title decoration %q", str("rejBadge"), str("rejClass"), str("rejStruck"))
	}
	if !strings.Contains(str("rejRow"), "not due") || strings.Contains(str("rejSummary"), "overdue") {
		t.Errorf("the rejected breach's party reads %q, its summary %q", str("rejRow"), str("rejSummary"))
	}
	if got["overflow"] == true {
		t.Error("a breach overflows a 360 px wide page")
	}
	tb.clean()
}

// TestBreachAccount files a monitor's finding and the guarantors' actions
// on a breach, on a server of its own (the example and the territory: the
// shared one stays as the other tests expect it), and checks the page
// against the API with them: the breach attributed, with its evidence;
// the consultation's parties on time, late, declined and overdue (the
// rest, who filed nothing); an action naming no breach listed as
// unmatched. A later finding then rejects the breach as a false alarm:
// it is struck, counted nowhere, and nothing is overdue on it.
func TestBreachAccount(t *testing.T) {
	r := theRig(t)
	url, err := r.serve(r.layers)
	if err != nil {
		t.Fatal(err)
	}
	var m monitoring
	getJSON(t, url+"/v1/frameworks/"+framework+"/monitoring", &m)
	breach, due := "", time.Time{}
	for _, e := range m.Episodes {
		for _, resp := range e.Responses {
			if resp.Response == "consult-24h" && breach == "" {
				breach = e.ID
				due, err = time.Parse(time.RFC3339, resp.Due)
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if breach == "" {
		t.Fatal("no breach of the example's territory calls for consult-24h")
	}
	key := func(party string) signing.KeyPair {
		k, err := signing.ReadKeyPair(filepath.Join(keysDir, party+".key"))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	file := func(party, doc string) {
		t.Helper()
		if _, err := submitTo(url, []byte(doc), key(party)); err != nil {
			t.Fatalf("%s: %v", party, err)
		}
	}
	ts := func(d time.Duration) string { return due.Add(d).UTC().Format(time.RFC3339) }
	const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	file("MON", fmt.Sprintf(`backstop: v1
kind: Finding
id: test-attributed
framework: ukraine-2025
party: MON
date: %s
breach: {id: %s}
status: attributed
attributed_to: RU
evidence:
  - url: https://example.org/reports/incursion
    sha256: %s
    note: satellite images
reply: "RU: a rotation of troops"
`, ts(-time.Hour), breach, sha))
	action := func(party, id, kind, date, on string) {
		file(party, fmt.Sprintf(`backstop: v1
kind: Action
id: %s
framework: ukraine-2025
party: %s
date: %s
breach: {id: %s}
response: consult-24h
action: %s
`, id, party, date, on, kind))
	}
	action("GB", "test-gb-convened", "convened", ts(-2*time.Hour), breach)
	action("FR", "test-fr-convened", "convened", ts(36*time.Hour), breach)
	action("DE", "test-de-declined", "declined", ts(time.Hour), breach)
	action("IT", "test-it-elsewhere", "convened", ts(0), "B-0000000000")

	tb := r.newTab(t)
	m = checkBreaches(t, tb, url)
	var states []string
	for _, e := range m.Episodes {
		if e.ID != breach {
			continue
		}
		if e.Status != "attributed" || e.Finding == nil || e.Finding.AttributedTo != "RU" {
			t.Errorf("the API gives the breach the status %q", e.Status)
		}
		for _, resp := range e.Responses {
			if resp.Response != "consult-24h" {
				continue
			}
			for _, p := range resp.Parties {
				states = append(states, p.Party+":"+p.State)
			}
		}
	}
	got := strings.Join(states, " ")
	for _, want := range []string{"GB:on-time", "FR:late", "DE:declined", "US:overdue"} {
		if !strings.Contains(got, want) {
			t.Errorf("the API's consult-24h states are %s, want %s among them", got, want)
		}
	}
	if !strings.Contains(fmt.Sprint(m.Account.Unmatched), "test-it-elsewhere") {
		t.Errorf("the account's unmatched ids are %v, want test-it-elsewhere", m.Account.Unmatched)
	}
	sel := fmt.Sprintf(`#episodes details[data-breach=%q]`, breach)
	if href := eval[string](tb, fmt.Sprintf(`(document.querySelector(%q).querySelector('.evidence a') || {}).href || ''`, sel)); href != "https://example.org/reports/incursion" {
		t.Errorf("the evidence links to %q", href)
	}
	if title := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).querySelector('.evidence code').title`, sel)); title != sha {
		t.Errorf("the evidence's SHA-256 has the title %q", title)
	}
	tb.screenshot("breaches-findings")

	// A later finding rejects the breach: a false alarm.
	file("MON", fmt.Sprintf(`backstop: v1
kind: Finding
id: test-rejected
framework: ukraine-2025
party: MON
date: %s
breach: {id: %s}
status: rejected
note: the map was redrawn
`, ts(48*time.Hour), breach))
	m = checkBreaches(t, tb, url)
	if m.Account.Rejected < 1 {
		t.Errorf("the account counts %d rejected breaches", m.Account.Rejected)
	}
	if text := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).textContent`, sel)); strings.Contains(text, "overdue") {
		t.Errorf("the rejected breach still says overdue: %q", text)
	}
	tb.screenshot("breaches-rejected")
	tb.clean()
}
