package dashboard_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// BenchmarkDashboard measures, in headless Chromium on loopback against a
// server holding the example and a year of incidents (98,128), what a user
// waits for. Each iteration is a fresh tab with the browser cache cleared.
// The metrics are the browser's own clocks, from the navigation's start:
//
//   - first-paint: overview's first contentful paint (FCP-ms) and the
//     meaningful paint, the verdict drawn (verdict-ms);
//   - map: all incidents drawn on the map (drawn-ms), and the time to draw
//     one frame of the map with them as it pans (frame-p50-ms, frame-max-ms).
//
// Run: go test ./internal/dashboard -run '^$' -bench Dashboard -count 6 | benchstat -
func BenchmarkDashboard(b *testing.B) {
	r := theRig(b)
	b.Run("first-paint", func(b *testing.B) {
		var fcp, verdict []float64
		for b.Loop() {
			tb := r.newBenchTab(b)
			tb.do(chromedp.Navigate(r.url + "/"))
			tb.waitFor(`performance.getEntriesByName('backstop:meaningful-paint').length > 0 && performance.getEntriesByName('first-contentful-paint').length > 0`)
			fcp = append(fcp, eval[float64](tb, `performance.getEntriesByName('first-contentful-paint')[0].startTime`))
			verdict = append(verdict, eval[float64](tb, `performance.getEntriesByName('backstop:meaningful-paint')[0].startTime`))
			tb.close()
		}
		b.ReportMetric(median(fcp), "FCP-ms")
		b.ReportMetric(median(verdict), "verdict-ms")
	})
	b.Run("map", func(b *testing.B) {
		var drawn, p50, worst []float64
		for b.Loop() {
			tb := r.newBenchTab(b)
			tb.do(chromedp.Navigate(r.url + "/map"))
			tb.waitFor(`performance.getEntriesByName('backstop:map-incidents-drawn').length > 0`)
			drawn = append(drawn, eval[float64](tb, `performance.getEntriesByName('backstop:map-incidents-drawn')[0].startTime`))
			eval[bool](tb, `(performance.clearMeasures('backstop:map-frame'), true)`)
			tb.do(chromedp.Focus(`#map canvas[tabindex]`))
			// One key, one frame: the keys come faster than frames, which
			// the map coalesces, so each step waits for its frame.
			for i := range 10 {
				key := kb.ArrowLeft
				if i%2 == 1 {
					key = "+"
				}
				tb.do(chromedp.KeyEvent(key))
				tb.waitFor(fmt.Sprintf(`performance.getEntriesByName('backstop:map-frame').length >= %d`, i+1))
			}
			frames := eval[[]float64](tb, `performance.getEntriesByName('backstop:map-frame').map(e => e.duration)`)
			p50 = append(p50, median(frames))
			worst = append(worst, slices.Max(frames))
			tb.close()
		}
		b.ReportMetric(median(drawn), "drawn-ms")
		b.ReportMetric(median(p50), "frame-p50-ms")
		b.ReportMetric(median(worst), "frame-max-ms")
	})
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// newBenchTab opens a tab with an empty cache for a benchmark.
func (r *rig) newBenchTab(b *testing.B) *tab {
	b.Helper()
	tb := r.openTab(b)
	if _, err := chromedp.Call(tb.ctx, network.ClearBrowserCache, cdpEmpty); err != nil {
		b.Fatal(err)
	}
	return tb
}
