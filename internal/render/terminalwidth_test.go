package render

import (
	"bytes"
	"os"
	"testing"
)

// TestTerminalWidth: $COLUMNS sets the width of tables written to the
// process's output; a buffer (or a file given with --out) keeps the
// default, so output that is kept does not depend on the terminal.
func TestTerminalWidth(t *testing.T) {
	t.Setenv("COLUMNS", "72")
	if w := TerminalWidth(os.Stdout); w != 72 {
		t.Errorf("stdout with COLUMNS=72: width %d", w)
	}
	if w := TerminalWidth(&bytes.Buffer{}); w != DefaultWidth {
		t.Errorf("a buffer: width %d, want %d", w, DefaultWidth)
	}
	t.Setenv("COLUMNS", "12")
	if w := TerminalWidth(os.Stdout); w == 12 {
		t.Error("COLUMNS=12 taken: below 40 columns a table cannot be laid out")
	}
}
