package render

import (
	"bytes"
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
	return indentedJSON(w, r, false)
}

// indentedJSON writes v as JSON indented by two spaces with a trailing
// newline, the form of every JSON view; escapeHTML keeps encoding/json's
// \u003c escapes for the views that always had them (the others write
// gate expressions and titles as they are).
func indentedJSON(w io.Writer, v any, escapeHTML bool) error {
	return encodeJSON(w, v, "  ", escapeHTML)
}

// encodeJSON writes v as one JSON document and a newline, indented by
// indent ("" for a JSON Lines line), its numbers rounded by roundJSON:
// every JSON view goes through it so that none prints float noise.
func encodeJSON(w io.Writer, v any, indent string, escapeHTML bool) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", indent)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(roundJSON(buf.Bytes()))
	return err
}
