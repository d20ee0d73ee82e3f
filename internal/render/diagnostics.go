package render

import (
	"fmt"
	"io"
	"slices"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
)

// The views of diagnostics: one FILE:LINE:COL line each for people, and
// the stable JSON array of `backstop validate --format json`
// (docs/json.md).

// DiagnosticsText writes one line per diagnostic.
func DiagnosticsText(w io.Writer, ds diag.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// ValidateSummary writes validate's verdict line: "valid: 12 documents in
// 12 files, 0 errors, 8 warnings".
func ValidateSummary(w io.Writer, set *load.Set, ds diag.Diagnostics) {
	errs, warns := ds.Count()
	files := map[string]bool{}
	for _, d := range set.Docs {
		files[d.File.Name] = true
	}
	verdict := "valid"
	switch {
	case slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Code == load.CodeIO }):
		verdict = "cannot read" // exit 2: not a verdict on the documents
	case errs > 0:
		verdict = "invalid"
	}
	fmt.Fprintf(w, "%s: %s in %s, %s, %s\n", verdict,
		Plural(len(set.Docs), "document"), Plural(len(files), "file"), Plural(errs, "error"), Plural(warns, "warning"))
}

// DiagnosticsJSON writes the diagnostics as a JSON array indented by two
// spaces, [] when there are none.
func DiagnosticsJSON(w io.Writer, ds diag.Diagnostics) error {
	out := make([]api.Diagnostic, 0, len(ds))
	for _, d := range ds {
		out = append(out, api.NewDiagnostic(d))
	}
	return indentedJSON(w, out, true)
}
