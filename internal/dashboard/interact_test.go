package dashboard_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/examples"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/signing"
)

// getJSON reads an API answer straight from the server: what the page
// shows is compared with it, not with numbers written in the test.
func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// TestMatrixFilter chooses a party in the matrix, with the mouse and then
// with the keyboard: the matrix shows that party alone, the URL says so
// (the view can be linked to), and choosing it again shows every party.
func TestMatrixFilter(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/coverage"))
	tb.waitFor(`document.querySelectorAll('#matrix tbody tr').length > 0`)
	all := eval[int](tb, `document.querySelectorAll('#matrix tbody tr').length`)
	if all < 2 {
		t.Fatalf("the matrix has %d rows before filtering", all)
	}
	tb.do(chromedp.Click(`button[data-party="GB"]`))
	tb.waitFor(`document.querySelectorAll('#matrix tbody tr').length === 1`)
	if got := eval[string](tb, `document.querySelector('#matrix tbody tr').dataset.party`); got != "GB" {
		t.Errorf("the filtered matrix shows %s, want GB", got)
	}
	if loc := eval[string](tb, `location.search`); !strings.Contains(loc, "party=GB") {
		t.Errorf("the URL %q does not name the filter", loc)
	}
	if got := eval[string](tb, `document.querySelector('button[data-party="GB"]').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("the GB button is aria-pressed=%s", got)
	}
	// The keyboard: the same button, focused, takes Enter.
	tb.do(chromedp.Focus(`button[data-party="GB"]`), chromedp.KeyEvent(kb.Enter))
	tb.waitFor(fmt.Sprintf(`document.querySelectorAll('#matrix tbody tr').length === %d`, all))

	// A domain column filters the requirements as well.
	tb.do(chromedp.Click(`button[data-domain="land"]`))
	tb.waitFor(`document.querySelectorAll('#matrix thead th.col').length === 1`)
	if n := eval[int](tb, `[...document.querySelectorAll('#requirements li')].filter(li => li.dataset.domain !== 'land').length`); n != 0 {
		t.Errorf("%d requirements of other domains are listed under the land filter", n)
	}
	tb.clean()
}

var figure = regexp.MustCompile(`^([\d,.]+) / ([\d,.]+) `)

// TestDateSliderChangesCoverage moves the coverage page's date slider with
// the keyboard to its first day: the page reassesses, and every
// requirement's figure is then the API's figure on that day.
func TestDateSliderChangesCoverage(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/coverage"))
	tb.waitFor(`document.querySelectorAll('#requirements li').length > 0`)
	before := eval[string](tb, `document.querySelector('#requirements').textContent`)
	label := eval[string](tb, `document.querySelector('#at-label').textContent`)
	tb.do(chromedp.Focus(`#at-slider`), chromedp.KeyEvent(kb.Home))
	tb.waitFor(fmt.Sprintf(`document.querySelector('#at-label').textContent !== %q && document.querySelector('#requirements').textContent !== %q`, label, before))
	day := eval[string](tb, `document.querySelector('#at-label').textContent`)
	tb.waitFor(fmt.Sprintf(`new URL(location.href).searchParams.get('at') === %q`, day))

	var a struct {
		At           string `json:"at"`
		Requirements []struct {
			ID       string  `json:"id"`
			Pledged  float64 `json:"pledged"`
			Required float64 `json:"required"`
		} `json:"requirements"`
	}
	getJSON(t, r.url+"/v1/frameworks/"+framework+"/assessment?at="+day, &a)
	if a.At != day {
		t.Fatalf("the API assessed %s, not %s", a.At, day)
	}
	changed := 0
	for _, req := range a.Requirements {
		text := eval[string](tb, fmt.Sprintf(`document.querySelector('[data-requirement=%q] .req-figure').textContent`, req.ID))
		m := figure.FindStringSubmatch(text)
		if m == nil {
			t.Errorf("%s: figure %q", req.ID, text)
			continue
		}
		if got := parseNum(m[1]); math.Abs(got-req.Pledged) > 0.051 {
			t.Errorf("%s on %s: the page shows %s pledged, the API %.2f", req.ID, day, m[1], req.Pledged)
		}
		if !strings.Contains(before, text) {
			changed++
		}
	}
	if changed == 0 {
		t.Errorf("no requirement's figure changed from %s to %s", label, day)
	}
	tb.clean()
}

func parseNum(s string) float64 {
	var v float64
	fmt.Sscan(strings.ReplaceAll(s, ",", ""), &v)
	return v
}

// pixelAt reads the base layer's colour at a longitude and latitude,
// through the view the map states on its element.
const pixelAt = `(lon, lat) => {
  const stage = document.querySelector('#map');
  const [cx, cy, scale, cos] = stage.dataset.view.split(',').map(Number);
  const canvas = stage.querySelector('canvas');
  const dpr = canvas.width / stage.clientWidth;
  const x = ((lon * cos - cx) * scale + stage.clientWidth / 2) * dpr;
  const y = ((-lat - cy) * scale + stage.clientHeight / 2) * dpr;
  return Array.from(canvas.getContext('2d').getImageData(Math.round(x), Math.round(y), 1, 1).data);
}`

// TestMap checks the map: 27 oblasts, the occupied area the API gives for
// the date, the year of incidents drawn, the occupied colour over Donetsk
// and the oblasts' over Kyiv, and the keyboard zooming and panning it.
func TestMap(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/map"))
	tb.waitFor(pages[2].ready)
	if n := eval[int](tb, `document.querySelectorAll('#oblast-list li').length`); n != 27 {
		t.Errorf("the oblast list has %d entries, want 27", n)
	}
	day := eval[string](tb, `document.querySelector('#map-date-label').textContent`)
	var terr struct {
		Features []struct {
			Properties struct {
				Role    string  `json:"role"`
				Date    string  `json:"date"`
				AreaKm2 float64 `json:"area_km2"`
			} `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, r.url+"/v1/frameworks/"+framework+"/map/territory?at="+day, &terr)
	var area float64
	for _, f := range terr.Features {
		if f.Properties.Role == "current" {
			area = f.Properties.AreaKm2
		}
	}
	if area < 50_000 {
		t.Fatalf("the API gives an occupied area of %.1f km² on %s", area, day)
	}
	summary := eval[string](tb, `document.querySelector('#occupied-summary').textContent`)
	if want := fmt.Sprintf("%s km²", commas(math.Round(area))); !strings.Contains(summary, want) {
		t.Errorf("the summary %q does not state the API's %s", summary, want)
	}
	if drawn := eval[int](tb, `Number(document.querySelector('#map').dataset.drawn)`); drawn < 50_000 || drawn > r.incidents {
		t.Errorf("%d incidents drawn of the %d submitted; want at least 50,000", drawn, r.incidents)
	}
	fill := []int{251, 250, 246, 255} // the oblasts' fill, #fbfaf6
	kyiv := eval[[]int](tb, "("+pixelAt+")(30.52, 50.45)")
	donetsk := eval[[]int](tb, "("+pixelAt+")(37.80, 48.00)")
	if fmt.Sprint(kyiv) != fmt.Sprint(fill) {
		t.Errorf("Kyiv is drawn %v, want the oblasts' fill %v", kyiv, fill)
	}
	if donetsk[0] > 200 || donetsk[1] > 200 || donetsk[2] > 200 {
		t.Errorf("Donetsk, occupied since 2014, is drawn %v, not in the occupied colour", donetsk)
	}

	// The keyboard: + zooms in, an arrow pans, 0 puts the view back.
	view := func() []float64 {
		var v []float64
		for _, f := range strings.Split(eval[string](tb, `document.querySelector('#map').dataset.view`), ",") {
			v = append(v, parseNum(f))
		}
		return v
	}
	start := view()
	tb.do(chromedp.Focus(`#map canvas[tabindex]`), chromedp.KeyEvent("+"))
	tb.waitFor(fmt.Sprintf(`Number(document.querySelector('#map').dataset.view.split(',')[2]) > %v`, start[2]))
	tb.do(chromedp.KeyEvent(kb.ArrowLeft))
	tb.waitFor(fmt.Sprintf(`Number(document.querySelector('#map').dataset.view.split(',')[0]) < %v`, start[0]))
	tb.do(chromedp.KeyEvent("0"))
	tb.waitFor(fmt.Sprintf(`document.querySelector('#map').dataset.view.split(',').slice(0, 3).map(Number).every((v, i) => Math.abs(v - %v[i]) < 1e-9)`, jsArray(start[:3])))
	// Enter picks the incident nearest the centre, if one is near.
	tb.do(chromedp.KeyEvent(kb.Enter))
	tb.clean()
}

func jsArray(v []float64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func commas(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// TestLiveDeclaration keeps the record page open while Finland submits a
// new declaration: its row appears without a reload, with its inclusion
// proof checked, and Finland's previous declaration shows as superseded.
func TestLiveDeclaration(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/record"))
	tb.waitFor(pages[5].ready)
	prev := eval[int](tb, `Number([...document.querySelectorAll('tr[data-party="FI"]')].find(tr => !tr.classList.contains('superseded')).dataset.entry)`)
	eval[bool](tb, `window.sameDocument = true`)

	src, err := examples.Ukraine2025.ReadFile("ukraine-2025/declarations/fi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	docs := load.SplitDocuments(src)
	doc := regexp.MustCompile(`(?m)^date: .*$`).ReplaceAll(docs[len(docs)-1], []byte("date: 2025-09-30"))
	fi, err := signing.ReadKeyPair(keysDir + "/FI.key")
	if err != nil {
		t.Fatal(err)
	}
	entry, err := r.submitEntry(doc, fi)
	if err != nil {
		t.Fatal(err)
	}
	tb.waitFor(fmt.Sprintf(`(() => { const tr = document.querySelector('tr[data-entry="%d"]'); return tr && tr.querySelector('.proof').dataset.status === 'verified'; })()`, entry))
	if !eval[bool](tb, `window.sameDocument === true`) {
		t.Error("the page was reloaded to show the new declaration")
	}
	if got := eval[string](tb, fmt.Sprintf(`document.querySelector('tr[data-entry="%d"]').textContent`, prev)); !strings.Contains(got, fmt.Sprintf("superseded by entry %d", entry)) {
		t.Errorf("Finland's previous declaration (entry %d) reads %q", prev, got)
	}
	tb.screenshot("record-live")
	tb.clean()
}

// TestKeyboardOnly walks the dashboard without a mouse: the first Tab
// reaches the skip link, a page link is followed with Enter, and the
// breaches page's first episode opens with Enter.
func TestKeyboardOnly(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/"))
	tb.waitFor(pages[0].ready)
	tb.do(chromedp.KeyEvent(kb.Tab))
	if got := eval[string](tb, `document.activeElement.textContent`); got != "Skip to content" {
		t.Errorf("the first Tab focuses %q, want the skip link", got)
	}
	tb.do(chromedp.Focus(`nav.pages a[data-path="/breaches"]`), chromedp.KeyEvent(kb.Enter))
	tb.waitFor(`location.pathname === '/breaches' && document.querySelector('#episodes details') !== null`)
	if got := eval[string](tb, `document.querySelector('nav.pages a[aria-current="page"]').dataset.path`); got != "/breaches" {
		t.Errorf("the current page link is %s", got)
	}
	tb.do(chromedp.Focus(`#episodes details summary`), chromedp.KeyEvent(kb.Enter))
	tb.waitFor(`document.querySelector('#episodes details').open`)
	tb.waitFor(`document.querySelectorAll('#episodes details[open] [data-response]').length > 0`)
	tb.screenshot("breaches-open")
	tb.clean()
}

// TestMerkleInBrowser checks the record page's proof code against Go's
// tlog: for trees of 1 to 33 entries, every entry's audit path leads the
// browser to tlog's root, and a path with one byte changed does not.
func TestMerkleInBrowser(t *testing.T) {
	r := theRig(t)
	tb := r.newTab(t)
	tb.do(chromedp.Navigate(r.url + "/record"))
	type vector struct {
		Index, Size int64
		Text        string
		Proof       []string
		Root        string
		Bad         []string
	}
	var vs []vector
	var hashes []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for n := int64(0); n < 33; n++ {
		text := fmt.Sprintf("backstop: v1\nkind: Declaration\nparty: P%d\n", n)
		more, err := tlog.StoredHashes(n, []byte(text), reader)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, more...)
		size := n + 1
		root, err := tlog.TreeHash(size, reader)
		if err != nil {
			t.Fatal(err)
		}
		for i := int64(0); i < size; i++ {
			p, err := tlog.ProveRecord(size, i, reader)
			if err != nil {
				t.Fatal(err)
			}
			v := vector{Index: i, Size: size, Text: fmt.Sprintf("backstop: v1\nkind: Declaration\nparty: P%d\n", i), Root: root.String()}
			for _, h := range p {
				v.Proof = append(v.Proof, h.String())
			}
			if len(p) > 0 {
				bad := append([]tlog.Hash{}, p...)
				bad[len(bad)/2][7] ^= 1
				for _, h := range bad {
					v.Bad = append(v.Bad, h.String())
				}
			}
			vs = append(vs, v)
		}
	}
	data, _ := json.Marshal(vs)
	fails := eval[[]string](tb, `(async (vs) => {
  const m = await import('/assets/merkle.js');
  const out = [];
  for (const v of vs) {
    const ok = await m.verifyEntry({text: v.Text, index: v.Index, proof: v.Proof || [], size: v.Size, root: v.Root});
    if (!ok.ok) out.push('entry ' + v.Index + ' of ' + v.Size + ': ' + ok.why);
    if (v.Bad) {
      const bad = await m.verifyEntry({text: v.Text, index: v.Index, proof: v.Bad, size: v.Size, root: v.Root});
      if (bad.ok) out.push('entry ' + v.Index + ' of ' + v.Size + ': a changed path was accepted');
    }
    const wrong = await m.verifyEntry({text: v.Text + ' ', index: v.Index, proof: v.Proof || [], size: v.Size, root: v.Root});
    if (wrong.ok) out.push('entry ' + v.Index + ' of ' + v.Size + ': changed text was accepted');
  }
  return out;
})(`+string(data)+`)`)
	for _, f := range fails {
		t.Error(f)
	}
	if len(vs) != 33*34/2 {
		t.Fatalf("%d vectors", len(vs))
	}
	tb.clean()
}
