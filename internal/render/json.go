package render

import (
	"encoding/json"
	"io"

	"github.com/backstop-dev/backstop/internal/assess"
)

// JSON writes the report as JSON indented by two spaces, with a trailing
// newline (the schema is in docs/assess.md). Characters such as < and >
// in gate expressions are written as they are, not as \u003c escapes.
func JSON(w io.Writer, r *assess.Report) error {
	if r == nil {
		return errNilReport
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
