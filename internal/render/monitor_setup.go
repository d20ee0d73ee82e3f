package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/monitor"
)

// The lines `backstop monitor` and `backstop corroborate` write to
// standard error about what they read and set up.

// FeedRead writes the line for one incident file read: its format and
// rows read, mapped, of another type and skipped.
func FeedRead(w io.Writer, path string, sum feeds.Summary) {
	fmt.Fprintf(w, "%s: %s, %s: %s mapped, %s of another type, %s skipped\n", path, sum.Format,
		Plural(sum.Read, "row"), count(sum.Mapped), count(sum.Unmapped), count(sum.Skipped))
}

// MonitorSetup writes what a monitoring run set up: the map's baseline,
// the corroboration and the period in force, a line each when there is
// one.
func MonitorSetup(w io.Writer, out *monitor.Outcome) {
	if out.Baseline != nil {
		fmt.Fprintf(w, "territory: baseline %s, %s\n", out.Baseline.Date, plural(out.Later, "later snapshot", "later snapshots"))
	}
	if res := out.Corroboration; res != nil {
		fmt.Fprintf(w, "corroboration %s: %s of %s scored (%s)\n", res.Rules, count(res.Summary.Scored), Plural(res.Summary.Incidents, "incident"), CorroborationLevels(res))
	}
	if r := out.Report; r != nil {
		fmt.Fprintf(w, "%s\n", MonitorPeriod(r))
	}
}

// CorroborationLevels counts the incidents at each level, those with
// none first, then the levels by name: "12 none, 3 high, 5 possible".
func CorroborationLevels(r *corroborate.Result) string {
	var parts []string
	for _, l := range append([]string{"none"}, levelNames(r)...) {
		if n := r.Summary.ByLevel[l]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, l))
		}
	}
	return strings.Join(parts, ", ")
}

// levelNames are the levels the incidents reached, sorted.
func levelNames(r *corroborate.Result) []string {
	var names []string
	for _, s := range r.Incidents {
		if s.LevelName != "" && !slices.Contains(names, s.LevelName) {
			names = append(names, s.LevelName)
		}
	}
	slices.Sort(names)
	return names
}
