package feeds

import "strings"

// SplitPoint returns where a reader of text may start a second part of
// its records, to read both parts at once: the start of a line near the
// middle of text[from:] (from: where the first part's records start)
// before which text[from:] holds an even number of quotes, so that the
// line does not start inside a quoted field; -1 when there is none.
//
// It is a guess when the quotes are not all well placed (a bare quote in
// a field): the reader of the first part must then check that it read
// no CSV syntax error, which would have taken it past the point, and
// read the whole text again in one part otherwise.
func SplitPoint(text string, from int) int {
	if from < 0 || from >= len(text) {
		return -1
	}
	nl := strings.IndexByte(text[from+(len(text)-from)/2:], '\n')
	if nl < 0 {
		return -1
	}
	at := from + (len(text)-from)/2 + nl + 1
	quotes := strings.Count(text[from:at], `"`)
	for quotes%2 != 0 {
		// Inside a quoted field that spans lines: the next line break
		// after an even count is past its end.
		nl := strings.IndexByte(text[at:], '\n')
		if nl < 0 {
			return -1
		}
		quotes += strings.Count(text[at:at+nl+1], `"`)
		at += nl + 1
	}
	if at >= len(text) {
		return -1
	}
	return at
}
