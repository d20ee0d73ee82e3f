package viina

import (
	"unicode"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// confirm reads every headline of a file: with strings.ToLower and one
// strings.Contains per stem it was most of the reader's time (the Unicode
// case tables are searched per rune, and Cyrillic stems all start with
// the bytes D0 or D1, so every search stops at almost every letter). The
// helpers here give the same answers in one pass.

// lowerTable is unicode.ToLower of the runes below its length: ASCII,
// Latin and Cyrillic, what headlines are written in.
var lowerTable = func() []rune {
	t := make([]rune, 0x530)
	for r := range t {
		t[r] = unicode.ToLower(rune(r))
	}
	return t
}()

// appendLower appends strings.ToLower(s) to dst: rune by rune, invalid
// UTF-8 becoming U+FFFD, as strings.Map does.
func appendLower(dst []byte, s string) []byte {
	for _, r := range s {
		if r < rune(len(lowerTable)) {
			r = lowerTable[r]
		} else {
			r = unicode.ToLower(r)
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

type stem struct {
	s   string
	bit uint8 // the type's bit in a mask of mentioned types
}

// stemBits are the bits of the types of evidence, in confirmOrder then
// battle.
var stemBits = func() map[string]uint8 {
	m := map[string]uint8{}
	for i, t := range append(confirmOrder[:len(confirmOrder):len(confirmOrder)], feeds.TypeBattle) {
		m[t] = 1 << i
	}
	return m
}()

// stemIndex holds the stems of evidence by a hash of their first two
// bytes (every stem has two at least), so that a scan of a headline
// tries at each byte only the few stems that can start there.
var stemIndex = func() (ix [1024][]stem) {
	for typ, stems := range evidence {
		for _, s := range stems {
			h := pairHash(s[0], s[1])
			ix[h] = append(ix[h], stem{s, stemBits[typ]})
		}
	}
	return ix
}()

func pairHash(a, b byte) int { return (int(a)*31 + int(b)) & 1023 }

// mentioned returns the mask of the types whose evidence h contains:
// bit stemBits[t] is set when mentions(h, t) would be true, since a stem
// is contained in h exactly when it is a prefix of h at some byte.
func mentioned(h []byte) uint8 {
	var mask uint8
	for i := 0; i+1 < len(h); i++ {
		for _, st := range stemIndex[pairHash(h[i], h[i+1])] {
			if mask&st.bit == 0 && len(h)-i >= len(st.s) && string(h[i:i+len(st.s)]) == st.s {
				mask |= st.bit
			}
		}
	}
	return mask
}
