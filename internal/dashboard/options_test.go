package dashboard_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// inkCount counts the base canvas's pixels of exactly one colour: the
// option's patterns draw their ink opaque, and nothing else on the map
// uses it.
const inkCount = `(r, g, b) => {
  const c = document.querySelector('#map canvas');
  const copy = document.createElement('canvas');
  copy.width = c.width;
  copy.height = c.height;
  const x = copy.getContext('2d', {willReadFrequently: true});
  x.drawImage(c, 0, 0);
  const d = x.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b && d[i + 3] === 255) n++;
  return n;
}`

// numText is format.js's num: whole numbers with thousands separators
// from 100 up, else at most one decimal.
func numText(v float64) string {
	if math.Abs(v) >= 100 {
		return commas(math.Round(v))
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// TestMapOptions picks a territorial option on the map: its areas are
// drawn (the adversary's pattern's pixels appear, and go with "none"), and
// the panel states the API's figures; at 390 px the panel is under the map.
func TestMapOptions(t *testing.T) {
	r := theRig(t)
	var api struct {
		Settlements any `json:"settlements"`
		Options     []struct {
			ID             string  `json:"id"`
			Title          string  `json:"title"`
			ProposedBy     string  `json:"proposed_by"`
			ToAdversaryKm2 float64 `json:"to_adversary_km2"`
			ToUkraineKm2   float64 `json:"to_ukraine_km2"`
			LineKm         float64 `json:"line_km"`
			ContactLineKm  float64 `json:"contact_line_km"`
		} `json:"options"`
	}
	getJSON(t, r.url+"/v1/frameworks/"+framework+"/options", &api)
	if len(api.Options) != 3 {
		t.Fatalf("the API gives %d options, want the example's 3", len(api.Options))
	}
	pick := api.Options[0]
	for _, o := range api.Options {
		if o.ToAdversaryKm2 > pick.ToAdversaryKm2 {
			pick = o
		}
	}

	for _, width := range []int{1280, 390} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := r.newTab(t)
			tb.do(chromedp.EmulateViewport(int64(width), 900), chromedp.Navigate(r.url+"/map"))
			tb.waitFor(pages[2].ready)
			tb.waitFor(fmt.Sprintf(`document.querySelectorAll('#map-option option').length === %d`, len(api.Options)+1))
			labels := eval[[]string](tb, `[...document.querySelectorAll('#map-option option')].map(o => o.textContent)`)
			for i, o := range api.Options {
				if want := fmt.Sprintf("%s (%s)", o.Title, o.ProposedBy); labels[i+1] != want {
					t.Errorf("option %d is listed as %q, want %q", i+1, labels[i+1], want)
				}
			}
			red := fmt.Sprintf("(%s)(178, 24, 43)", inkCount)
			before := eval[int](tb, red)

			choose := func(id string) {
				eval[bool](tb, fmt.Sprintf(`(() => { const s = document.querySelector('#map-option'); s.value = %q; return s.dispatchEvent(new Event('change')); })()`, id))
			}
			choose(pick.ID)
			tb.waitFor(fmt.Sprintf(`document.querySelector('#map').dataset.option === %q && (%s) > %d + 50`, pick.ID, red, before))
			text := func(id string) string { return eval[string](tb, `document.querySelector('#`+id+`').textContent`) }
			for _, c := range []struct{ id, want string }{
				{"option-to-adversary", numText(pick.ToAdversaryKm2) + " km²"},
				{"option-to-ukraine", numText(pick.ToUkraineKm2) + " km²"},
				{"option-line", numText(pick.LineKm) + " km"},
			} {
				if got := text(c.id); got != c.want {
					t.Errorf("#%s says %q, the API %q", c.id, got, c.want)
				}
			}
			if got, want := text("option-contact-line"), numText(pick.ContactLineKm)+" km"; !strings.HasPrefix(got, want) {
				t.Errorf("#option-contact-line says %q, the API %q", got, want)
			}
			if api.Settlements == nil && !strings.Contains(text("option-towns"), "no settlements file") {
				t.Errorf("the panel does not say the server has no settlements: %q", text("option-towns"))
			}
			if eval[bool](tb, `document.querySelector('#option-legend').hidden`) {
				t.Error("the option's legend is hidden while an option is drawn")
			}
			if width == 390 {
				below := eval[bool](tb, `document.querySelector('#option-figures').getBoundingClientRect().top >= document.querySelector('#map').getBoundingClientRect().bottom`)
				wide := eval[bool](tb, `document.documentElement.scrollWidth <= window.innerWidth`)
				if !below || !wide {
					t.Errorf("at 390 px: panel under the map %v, no sideways scrolling %v: %s", below, wide, eval[string](tb, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')`))
				}
			}

			choose("")
			tb.waitFor(fmt.Sprintf(`document.querySelector('#map').dataset.option === '' && (%s) <= %d`, red, before))
			if got := text("option-figures"); got != "No option drawn." {
				t.Errorf("after none the panel says %q", got)
			}
			tb.clean()
		})
	}
}
