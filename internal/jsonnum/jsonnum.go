// Package jsonnum scans a number in JSON's grammar (RFC 8259 §6) in
// place. The hand-written decoders of backstop's compact and JSON Lines
// incident forms (internal/load, internal/feeds/incidents) share it, so
// that the two accept exactly the same numbers.
package jsonnum

// Scan returns the length of the number at the start of b, 0 when b does
// not start with one, and whether it is an integer (no fraction, no
// exponent). It reads the longest number there: what follows it is the
// caller's to check.
func Scan(b []byte) (n int, integer bool) {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - start
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return 0, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return 0, false
		}
		integer = false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0, false
		}
		integer = false
	}
	return i, integer
}
