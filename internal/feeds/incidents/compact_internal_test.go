package incidents

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// yamlOnly are the characters appendJSONString escapes and
// encoding/json does not: YAML refuses them raw, or breaks lines at them.
func yamlOnly(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r == 0x7F || r >= 0x80 && r <= 0x9F || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF
	})
}

// checkJSONString fails unless appendJSONString writes s as
// encoding/json does (but for yamlOnly characters), as valid JSON that
// decodes to s (invalid UTF-8 as U+FFFD, as encoding/json does).
func checkJSONString(t *testing.T, s string) {
	t.Helper()
	got := appendJSONString(nil, s)
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !yamlOnly(s) && string(got) != string(want) {
		t.Fatalf("%q: wrote %s, encoding/json %s", s, got, want)
	}
	var back string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("%q: wrote %s, not JSON: %v", s, got, err)
	}
	var viaJSON string // s, or with U+FFFD for each byte of invalid UTF-8
	if err := json.Unmarshal(want, &viaJSON); err != nil {
		t.Fatal(err)
	}
	if back != viaJSON || utf8.ValidString(s) && back != s {
		t.Fatalf("%q: wrote %s, which reads %q", s, got, back)
	}
	for _, c := range got {
		if c == '\n' || c == '\r' {
			t.Fatalf("%q: wrote %q, on more than one line", s, got)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted" \ back`, "<a href='x'>&amp;</a>", "line\nbreak\r\ttab\b\f\x00\x1f",
		"\u2028\u2029", "Вибух стався в районі Слов'янська", "😀", "\x7f\u0080\u0085\u009f\u00a0",
		"\ufeff\ufffe\uffff\ufffd", "bad \xff utf-8 \xc3", "\xed\xa0\x80",
	} {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"plain", "<&>\u2028", "\x7f\u0085\ufeff", "\xff", "Вибух"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkJSONString(t, s) })
}

// BenchmarkAppendJSONString compares appendJSONString with json.Marshal
// on a VIINA headline.
func BenchmarkAppendJSONString(b *testing.B) {
	const s = "На Оріхівському напрямку сьогодні бойові дії поблизу Новоданилівки, Малої Токмачки, - повідомляє Генштаб ЗСУ"
	b.Run("append", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = appendJSONString(buf[:0], s)
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
