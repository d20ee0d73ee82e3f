package signing

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// signRaw signs text as a note without any check, as a hostile client
// would (note.Sign itself refuses some of these characters): the text, a
// blank line and "— NAME BASE64(KEYHASH SIGNATURE)".
func signRaw(tb testing.TB, key KeyPair, text string) []byte {
	tb.Helper()
	sig, err := key.Sign([]byte(text))
	if err != nil {
		tb.Fatal(err)
	}
	b := binary.BigEndian.AppendUint32(nil, key.KeyHash())
	return []byte(text + "\n— " + key.Name() + " " + base64.StdEncoding.EncodeToString(append(b, sig...)) + "\n")
}

// hiddenLineAttack is the document of issue 16: a comment that hides a
// line, revision 7, behind U+2028.
const hiddenLineAttack = "backstop: v1\nkind: Declaration\n# harmless comment\u2028revision: 7\n"

// TestCheckText: every character a signed document cannot carry is
// refused by `backstop sign` (Sign, through PrepareText) and by the
// server (Open) with the same TextError, at the same line and column.
func TestCheckText(t *testing.T) {
	gb := newKey(t, "GB")
	k := keyring(nil, gb)
	tests := []struct {
		name, text string
		line, col  int
		reason     string // a part of the reason
	}{
		{"U+2028 hides a line", hiddenLineAttack, 3, 19, "U+2028 (line separator)"},
		{"U+2029", "a: 1 # x\u2029b: 2\n", 1, 9, "U+2029 (paragraph separator)"},
		{"NEL", "a: 1 # x\u0085b: 2\n", 1, 9, "control character U+0085 (next line, NEL)"},
		{"lone CR", "a: 1 # x\rb: 2\n", 1, 9, "control character U+000D (carriage return)"},
		{"tab", "a: 1\nb:\t2\n", 2, 3, "a tab"},
		{"NUL", "a: \x00\n", 1, 4, "control character U+0000"},
		{"ESC", "a: \x1b[8mhidden\x1b[0m\n", 1, 4, "control character U+001B"},
		{"DEL", "a: 1\x7f\n", 1, 5, "control character U+007F"},
		{"C1 U+0080", "a: \u0080\n", 1, 4, "control character U+0080"},
		{"C1 U+009F", "é: \u009f\n", 1, 4, "control character U+009F"},
		{"BOM inside", "a: 1\nb: \ufeff2\n", 2, 4, "U+FEFF (byte order mark)"},
		{"right-to-left override", "a: \u202e7 :noisiver\n", 1, 4, "U+202E (a bidirectional control)"},
		{"isolate", "a: \u2067x\u2069\n", 1, 4, "U+2067 (a bidirectional control)"},
		{"not UTF-8", "a: caf\xe9\n", 1, 7, "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckText([]byte(tt.text))
			var want *TextError
			if !errors.As(err, &want) || want.Line != tt.line || want.Column != tt.col || !strings.Contains(want.Reason, tt.reason) {
				t.Fatalf("CheckText = %v; want line %d, column %d: …%s…", err, tt.line, tt.col, tt.reason)
			}
			// backstop sign
			signed, err := Sign([]byte(tt.text), gb.Signer)
			var bySign *TextError
			if !errors.As(err, &bySign) || signed != nil {
				t.Fatalf("Sign = %q, %v; want a TextError", signed, err)
			}
			// the server, sent a note signed without the check
			s, err := k.Open(signRaw(t, gb, tt.text))
			var byOpen *TextError
			if !errors.As(err, &byOpen) || !errors.Is(err, ErrMalformed) || s != nil {
				t.Fatalf("Open = %+v, %v; want ErrMalformed with a TextError", s, err)
			}
			if *bySign != *want || *byOpen != *want {
				t.Errorf("different refusals:\nCheckText %v\nsign      %v\nOpen      %v", want, bySign, byOpen)
			}
			if tt.name == "U+2028 hides a line" {
				t.Logf("backstop sign: FILE: %v\nserver: %v", bySign, err)
			}
		})
	}
}

// TestCheckTextAllows: what documents do carry passes, CRLF is normalised
// by sign, and Open refuses a CR a hostile client left in.
func TestCheckTextAllows(t *testing.T) {
	for _, text := range []string{
		"a: 1\n",
		"title: Україна — ü, ß, 日本\n",
		"note: \"zero\u200bwidth, join\u200d, marks \u200e\u200f, no-break\u00a0space\"\n",
		"flag: 🇺🇦 👩‍👩‍👧\n",
		"",
	} {
		if err := CheckText([]byte(text)); err != nil {
			t.Errorf("CheckText(%q) = %v", text, err)
		}
	}
	gb := newKey(t, "GB")
	if _, err := Sign([]byte("a: 1\r\nb: 2\r\n"), gb.Signer); err != nil {
		t.Errorf("Sign with CRLF: %v", err)
	}
	if _, err := keyring(nil, gb).Open(signRaw(t, gb, "a: 1\r\nb: 2\r\n")); !errors.Is(err, ErrMalformed) ||
		!strings.Contains(err.Error(), "line 1, column 5: control character U+000D") {
		t.Errorf("Open of a CRLF text: %v", err)
	}
}

// TestCoSignHidden: co-signing a note that carries a hidden line break
// is refused too.
func TestCoSignHidden(t *testing.T) {
	gb, fr := newKey(t, "GB"), newKey(t, "FR")
	msg := signRaw(t, gb, hiddenLineAttack)
	if out, err := Sign(msg, fr.Signer); err == nil || !bytes.Contains([]byte(err.Error()), []byte("line 3, column 19: U+2028")) {
		t.Errorf("co-signing: %q, %v", out, err)
	}
}
