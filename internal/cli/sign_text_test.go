package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/signing"
)

// TestSignRefusesHiddenText runs `backstop sign` on the documents of
// issue 16 and on each character signed documents cannot carry: it exits
// 1 with the message signing.CheckText gives (the one the server gives),
// at the line of the file, also for the second document of a file.
func TestSignRefusesHiddenText(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := Main([]string{"keygen", "--party", "FI", "--out", dir}, nil, &out, &errOut); code != ExitOK {
		t.Fatalf("keygen: %d %s", code, errOut.String())
	}
	key := filepath.Join(dir, "FI.key")
	tests := []struct {
		name, file string
		args       []string
		text       string // the document as CheckText sees it
		line       int    // in the file
	}{
		{"U+2028", "backstop: v1\nkind: Declaration\n# harmless comment\u2028revision: 7\n", nil,
			"backstop: v1\nkind: Declaration\n# harmless comment\u2028revision: 7\n", 3},
		{"NEL", "a: 1 # x\u0085b: 2\n", nil, "a: 1 # x\u0085b: 2\n", 1},
		{"U+2029", "a: 1 # x\u2029b: 2\n", nil, "a: 1 # x\u2029b: 2\n", 1},
		{"lone CR", "a: 1\rb: 2\n", nil, "a: 1\rb: 2\n", 1},
		{"DEL", "a: 1\x7f\n", nil, "a: 1\x7f\n", 1},
		{"C1", "a: \u009b1m\n", nil, "a: \u009b1m\n", 1},
		{"second document", "a: 1\n---\nb: 2\nc: x\u2028d: 3\n", []string{"--document", "2"}, "b: 2\nc: x\u2028d: 3\n", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "doc.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			var want *signing.TextError
			if !errors.As(signing.CheckText([]byte(tt.text)), &want) {
				t.Fatalf("CheckText accepts %q", tt.text)
			}
			want.Line = tt.line
			var out, errOut bytes.Buffer
			code := Main(append([]string{"sign", path, "--key", key}, tt.args...), nil, &out, &errOut)
			if code != ExitInvalid || out.Len() != 0 {
				t.Errorf("exit %d, output %q; want %d and nothing signed", code, out.String(), ExitInvalid)
			}
			if got, msg := errOut.String(), "backstop sign: "+path+": "+want.Error()+"\n"; got != msg {
				t.Errorf("stderr\n%q\nwant\n%q", got, msg)
			}
			if !strings.Contains(errOut.String(), "line "+string(rune('0'+tt.line))+",") {
				t.Errorf("not at line %d of the file: %s", tt.line, errOut.String())
			}
		})
	}
}
