package viina

import (
	"maps"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// confirm reads every headline of a file: with strings.ToLower and one
// strings.Contains per stem it was most of the reader's time (the Unicode
// case tables are searched per rune, and Cyrillic stems all start with
// the bytes D0 or D1, so every search stops at almost every letter).
// mentioned gives the same answers in one pass over the headline as
// written, without lowering a copy: an Aho-Corasick automaton over the
// lowered runes, each rune reduced to its class (the runes of the stems
// have one each, every other rune shares class 0).

// stemBits are the bits of the types of evidence, in confirmOrder then
// battle.
var stemBits = func() map[string]uint8 {
	m := map[string]uint8{}
	for i, t := range append(confirmOrder[:len(confirmOrder):len(confirmOrder)], feeds.TypeBattle) {
		m[t] = 1 << i
	}
	return m
}()

// twoByteRunes is the number of runes below U+0800: those UTF-8 writes
// in one or two bytes (ASCII, Latin, Greek, Cyrillic), which have their
// class in a table.
const twoByteRunes = 0x800

// slowClass marks, in stemAutomaton.pair, the bytes that are no
// two-byte rune: longClassAt decodes them.
const slowClass = 255

// stemAutomaton finds the stems of evidence in a headline.
type stemAutomaton struct {
	// class is the class of unicode.ToLower(r) for every r below
	// twoByteRunes; bigClass that of the (lowered) runes above it that
	// stems have.
	class    [twoByteRunes]uint8
	bigClass map[rune]uint8
	// pair is the class of the two-byte rune b0 b1 at (b0&0x7F)<<8|b1
	// (b0 a lead byte, 0xC2–0xDF, b1 a continuation byte), and
	// slowClass for any other pair of bytes b0 ≥ 0x80, b1.
	pair    [128 << 8]uint8
	classes int
	// step is the transition table: step[state+class] is the next
	// state, a multiple of classes, shifted left by 8, its low byte the
	// mask of the types whose stems end there. One load a rune.
	step []uint32
}

var stems = newStemAutomaton(evidence)

func newStemAutomaton(evidence map[string][]string) *stemAutomaton {
	a := &stemAutomaton{bigClass: map[rune]uint8{}, classes: 1}
	classOf := map[rune]uint8{}
	for _, typ := range slices.Sorted(maps.Keys(evidence)) { // the same classes on every run
		for _, s := range evidence[typ] {
			for _, r := range s {
				if _, ok := classOf[r]; !ok {
					classOf[r] = uint8(a.classes)
					a.classes++
				}
			}
		}
	}
	if a.classes >= slowClass {
		panic("viina: too many distinct letters in the evidence stems")
	}
	for r := range rune(twoByteRunes) {
		a.class[r] = classOf[unicode.ToLower(r)]
	}
	for r, c := range classOf {
		if r >= twoByteRunes {
			a.bigClass[r] = c
		}
	}
	for i := range a.pair {
		a.pair[i] = slowClass
	}
	for b0 := 0xC2; b0 < 0xE0; b0++ {
		for b1 := 0x80; b1 < 0xC0; b1++ {
			a.pair[(b0&0x7F)<<8|b1] = a.class[rune(b0&0x1F)<<6|rune(b1&0x3F)]
		}
	}

	// The trie of the stems, as sequences of classes.
	type node struct {
		child map[uint8]int
		out   uint8
	}
	nodes := []node{{child: map[uint8]int{}}}
	for typ, list := range evidence {
		for _, s := range list {
			n := 0
			for _, r := range s {
				c := classOf[r]
				next, ok := nodes[n].child[c]
				if !ok {
					next = len(nodes)
					nodes = append(nodes, node{child: map[uint8]int{}})
					nodes[n].child[c] = next
				}
				n = next
			}
			nodes[n].out |= stemBits[typ]
		}
	}
	if len(nodes)*a.classes >= 1<<24 {
		panic("viina: too many evidence stems")
	}

	// Breadth first, each state's transitions are its children's, else
	// those of its failure state (already complete), as in Aho-Corasick.
	next := make([]int, len(nodes)*a.classes)
	out := make([]uint8, len(nodes))
	fail := make([]int, len(nodes))
	queue := []int{0}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		out[n] = nodes[n].out | out[fail[n]]
		for c := range a.classes {
			child, ok := nodes[n].child[uint8(c)]
			switch {
			case ok && n == 0:
				fail[child] = 0
			case ok:
				fail[child] = next[fail[n]*a.classes+c]
			case n == 0:
				continue // back to the root
			default:
				next[n*a.classes+c] = next[fail[n]*a.classes+c]
				continue
			}
			next[n*a.classes+c] = child
			queue = append(queue, child)
		}
	}
	a.step = make([]uint32, len(next))
	for i, n := range next {
		a.step[i] = uint32(n*a.classes)<<8 | uint32(out[n])
	}
	return a
}

// mentioned returns the mask of the types whose evidence h contains: bit
// stemBits[t] is set when mentions(strings.ToLower(h), t) would be true.
// It stops as soon as one of the bits of stop is found (0: never), so
// the mask is then partial.
func (a *stemAutomaton) mentioned(h string, stop uint8) uint8 {
	var mask uint8
	state := 0
	for i := 0; i < len(h); {
		// The class of an ASCII byte and that of a two-byte rune are both
		// looked up, and one chosen without a branch: a headline switches
		// between Cyrillic and ASCII (spaces, digits) at every word.
		b := h[i]
		next := byte(0)
		if i+1 < len(h) {
			next = h[i+1]
		}
		c, n := a.class[b&0x7F], 1
		if pair := a.pair[int(b&0x7F)<<8|int(next)]; b >= utf8.RuneSelf {
			c, n = pair, 2
		}
		if c == slowClass {
			c, n = a.longClassAt(h, i)
		}
		i += n
		step := a.step[state+int(c)]
		state = int(step >> 8)
		if o := uint8(step); o != 0 {
			mask |= o
			if mask&stop != 0 {
				break
			}
		}
	}
	return mask
}

// longClassAt returns the class of the lowered rune that starts at h[i]
// and its length, decoding it as strings.ToLower would: for runes of
// three and four bytes, and invalid UTF-8 (U+FFFD, in no stem).
func (a *stemAutomaton) longClassAt(h string, i int) (class uint8, size int) {
	r, size := utf8.DecodeRuneInString(h[i:])
	if r < twoByteRunes {
		return a.class[r], size
	}
	return a.bigClass[unicode.ToLower(r)], size
}
