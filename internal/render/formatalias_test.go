package render

import "testing"

// TestFormatTableAlias: `--format table` names the terminal view of every
// command, validate's text view included; other names stay refused.
func TestFormatTableAlias(t *testing.T) {
	for _, tt := range []struct {
		fs   Formats
		in   string
		want Format
		ok   bool
	}{
		{ValidateFormats, "table", FormatText, true},
		{ValidateFormats, "text", FormatText, true},
		{AssessFormats, "table", FormatTable, true},
		{AssessFormats, "text", "", false},
		{ValidateFormats, "html", "", false},
	} {
		got, err := tt.fs.Parse(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("%v.Parse(%q) = %q, %v; want %q, ok %v", tt.fs, tt.in, got, err, tt.want, tt.ok)
		}
	}
}
