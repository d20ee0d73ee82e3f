package render

import (
	"fmt"
	"io"

	"github.com/backstop-dev/backstop/internal/api"
)

// SubmitAccepted says on out which entry the server made of the document
// name, and writes its warnings on diags.
func SubmitAccepted(out, diags io.Writer, name string, acc *api.Accepted) {
	e := acc.Entry
	what := e.Kind
	if e.Subject != "" {
		what += " " + e.Subject
	}
	if e.Date != "" {
		what += " " + e.Date
	}
	fmt.Fprintf(out, "%s: accepted as entry %d (%s, signed by %s); the log has %s\n", name, e.Index, what, e.Key, plural(int(acc.Checkpoint.Size), "entry", "entries"))
	for _, d := range acc.Warnings {
		fmt.Fprintf(diags, "  %s:%d:%d: warning: %s\n", name, d.Line, d.Column, d.Message)
	}
}

// SubmitRefused says on w why the server refused the document name, with
// the diagnostics it gave.
func SubmitRefused(w io.Writer, name string, p *api.Problem) {
	fmt.Fprintf(w, "%s: refused: %s\n", name, p.Error())
	for _, d := range p.Diagnostics {
		fmt.Fprintf(w, "  %s:%d:%d: %s: %s\n", name, d.Line, d.Column, d.Severity, d.Message)
	}
}
