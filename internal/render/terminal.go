package render

import (
	"io"
	"os"
	"strconv"

	xterm "golang.org/x/term"
)

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// TerminalWidth is the width tables are laid out to on w, when w is the
// process's own output (an *os.File): $COLUMNS when it is a number of at
// least 40, else the terminal's width when w is a terminal, else
// DefaultWidth (a file, a pipe, a buffer in a test).
func TerminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return DefaultWidth
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		return n
	}
	if IsTerminal(w) {
		if n, _, err := xterm.GetSize(int(f.Fd())); err == nil && n >= 40 {
			return n
		}
	}
	return DefaultWidth
}
