package render

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/importer/kiel"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

// The summaries `backstop import` writes to standard error: what was read,
// used and skipped, and what was written.

// ImportSummary writes one line such as
//
//	imported 42 donors from 1,079 rows: 1,079 used, 0 skipped; 0 errors, 3 warnings
func ImportSummary(w io.Writer, res *kiel.Result, ds diag.Diagnostics, written string) {
	var leftOut []string
	for _, d := range res.Donors {
		if !d.Declared {
			leftOut = append(leftOut, d.Party)
		}
	}
	var b strings.Builder
	if len(leftOut) == 0 {
		fmt.Fprintf(&b, "imported %s", Plural(len(res.Donors), "donor"))
	} else {
		fmt.Fprintf(&b, "imported %d of %s", len(res.Declarations), Plural(len(res.Donors), "donor"))
	}
	fmt.Fprintf(&b, " from %s: %s used, %s skipped", Plural(res.Rows.Read, "row"), count(res.Rows.Used), count(res.Rows.Skipped))
	if len(res.Rows.SkippedBy) > 0 {
		codes := make([]string, 0, len(res.Rows.SkippedBy))
		for c := range res.Rows.SkippedBy {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for i, c := range codes {
			codes[i] = fmt.Sprintf("%s %s", count(res.Rows.SkippedBy[c]), c)
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(codes, ", "))
	}
	if len(leftOut) > 0 {
		fmt.Fprintf(&b, "; left out %s (see the errors)", strings.Join(leftOut, ", "))
	}
	errs, warns := ds.Count()
	fmt.Fprintf(&b, "; %s, %s", Plural(errs, "error"), Plural(warns, "warning"))
	if written != "" {
		b.WriteString("; " + written)
	}
	fmt.Fprintln(w, b.String())
}

// count writes a count with thousands separators: 1,079.
func count(n int) string { return numfmt.Number(float64(n), 0) }

// ImportFeedSummary writes one line per feed file `backstop import
// incidents` read: its format, rows read, mapped, of another type and
// skipped, and the incidents kept.
func ImportFeedSummary(w io.Writer, path string, sum feeds.Summary, kept int) {
	fmt.Fprintf(w, "%s: %s, %s: %s mapped, %s of another type, %s skipped; %s kept\n", path, sum.Format,
		Plural(sum.Read, "row"), count(sum.Mapped), count(sum.Unmapped), count(sum.Skipped), count(kept))
}

// ImportDuplicates writes how many incident ids given twice were not
// listed one by one.
func ImportDuplicates(w io.Writer, more int) {
	fmt.Fprintf(w, "backstop import incidents: %s more incident ids given twice, kept once\n", count(more))
}

// ImportWritten writes the last line of `backstop import incidents`: how
// many incidents, in how many documents, over which days, and where (out,
// or "" for standard output). incs are sorted by time.
func ImportWritten(w io.Writer, incs []model.Incident, docs int, out string) {
	span, where := "", ""
	if len(incs) > 0 {
		span = fmt.Sprintf(", %s to %s", incs[0].Time.UTC().Format(time.DateOnly), incs[len(incs)-1].Time.UTC().Format(time.DateOnly))
	}
	if out != "" {
		where = " to " + out
	}
	fmt.Fprintf(w, "wrote %s in %s%s%s\n", Plural(len(incs), "incident"), Plural(docs, "document"), span, where)
}
