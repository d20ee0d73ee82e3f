package signing

import (
	"fmt"
	"unicode/utf8"
)

// TextError is a character a signed document cannot carry, at a 1-based
// line (lines end at LF only) and column (in characters) of its text.
// `backstop sign` and Open refuse with the same TextError, so the signer
// and the server say the same thing.
type TextError struct {
	Line, Column int
	Reason       string
}

func (e *TextError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Reason)
}

// CheckText refuses a signed document's text unless every line of it is
// what an editor shows. The text must be UTF-8 and break lines with LF
// only: YAML also breaks lines at CR, NEL (U+0085), LS (U+2028) and PS
// (U+2029), which editors show as nothing or as one line, so
// "# harmless comment<U+2028>revision: 7" would sign a revision nobody
// saw. It refuses:
//
//   - every control character but LF: C0 (TAB and CR included; a note
//     cannot carry them either), DEL and C1 (NEL included);
//   - the line and paragraph separators U+2028 and U+2029;
//   - invisible characters that change what a line shows: the byte order
//     mark U+FEFF (PrepareText drops one at the start of a file) and the
//     bidirectional embeddings, overrides and isolates U+202A–U+202E and
//     U+2066–U+2069, which show text in another order than it is read
//     ("Trojan Source").
//
// Other invisible characters (zero-width space and joiners, the
// left-to-right and right-to-left marks) are allowed: scripts and emoji
// need them, they cannot hide a line or reorder one, and in a key or an
// id they make an unknown field or an invalid id that validation reports.
func CheckText(text []byte) error {
	line, col := 1, 1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if reason := refused(r, size); reason != "" {
			return &TextError{Line: line, Column: col, Reason: reason}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return nil
}

// refused says why a signed document cannot carry r, or "".
func refused(r rune, size int) string {
	const lf = "signed documents break lines with LF only"
	switch {
	case r == utf8.RuneError && size == 1:
		return "not UTF-8 (convert the file to UTF-8 before signing it)"
	case r == '\n':
		return ""
	case r == '\t':
		return "a tab; signed documents cannot carry control characters (use spaces)"
	case r == '\r':
		return "control character U+000D (carriage return), a line break in YAML that editors may not show; " + lf
	case r == 0x85:
		return "control character U+0085 (next line, NEL), a line break in YAML that editors do not show; " + lf
	case r == 0x2028:
		return "U+2028 (line separator), a line break in YAML that editors do not show; " + lf
	case r == 0x2029:
		return "U+2029 (paragraph separator), a line break in YAML that editors do not show; " + lf
	case r < 0x20 || r >= 0x7f && r <= 0x9f:
		return fmt.Sprintf("control character %U; signed documents cannot carry it", r)
	case r == 0xfeff:
		return "U+FEFF (byte order mark), an invisible character; signed documents cannot carry it"
	case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
		return fmt.Sprintf("%U (a bidirectional control), an invisible character that shows text in another order than it is read; signed documents cannot carry it", r)
	}
	return ""
}
