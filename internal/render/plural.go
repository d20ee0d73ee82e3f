package render

import "github.com/backstop-dev/backstop/internal/numfmt"

// Plural is n and word, with an s unless n is 1: "1 error", "3 errors".
// Nouns whose plural is not word+"s" go through plural.
func Plural(n int, word string) string { return numfmt.Plural(n, word, word+"s") }

// plural is n with one for exactly 1 and many otherwise ("1 breach",
// "2 breaches"): the one helper every count with a fixed noun goes
// through in this package.
func plural(n int, one, many string) string { return numfmt.Plural(n, one, many) }
