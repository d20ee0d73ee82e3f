package render

import (
	"fmt"
	"io"

	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/diag"
)

// ExcludedShown is how many excluded incidents CorroborateNotes names.
const ExcludedShown = 20

// CorroborateNotes writes what `backstop corroborate` says on standard
// error besides the result: the incidents excluded for impossible
// coordinates (the first ExcludedShown named, the rest counted), then,
// for each pair of sources, how many anchors would match by chance.
func CorroborateNotes(w io.Writer, r *corroborate.Result, excluded diag.Diagnostics) {
	if len(excluded) > ExcludedShown {
		DiagnosticsText(w, excluded[:ExcludedShown])
		fmt.Fprintf(w, "… and %s excluded for impossible coordinates\n", plural(len(excluded)-ExcludedShown, "more incident", "more incidents"))
	} else {
		DiagnosticsText(w, excluded)
	}
	for _, c := range r.Chance {
		fmt.Fprintln(w, c.Describe(r.DistanceKm, r.Window))
	}
}
