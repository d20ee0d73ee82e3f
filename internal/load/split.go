package load

import "bytes"

// SplitDocuments cuts a file's contents into its YAML documents, each with
// its own text as written (comments and layout kept), at the lines that
// start a document ("---") or end one ("..."). A signed record holds one
// document per entry, so multi-document files are cut before signing.
// Parts holding only comments or blank lines are dropped.
func SplitDocuments(src []byte) [][]byte {
	var docs [][]byte
	start := 0
	flush := func(end int) {
		part := src[start:end]
		if hasContent(part) {
			docs = append(docs, part)
		}
	}
	for i := 0; i < len(src); {
		end := bytes.IndexByte(src[i:], '\n')
		next := len(src)
		if end >= 0 {
			next = i + end + 1
		}
		line := bytes.TrimRight(src[i:next], "\r\n")
		if isMarker(line, "---") || isMarker(line, "...") {
			flush(i)
			start = next
			if rest := bytes.TrimSpace(line[3:]); isMarker(line, "---") && len(rest) > 0 && rest[0] != '#' {
				start = i // "--- {inline: document}" keeps its content
			}
		}
		i = next
	}
	flush(len(src))
	return docs
}

// isMarker reports whether line is the marker, alone or followed by a
// space (a comment, or content on the marker line).
func isMarker(line []byte, marker string) bool {
	return bytes.HasPrefix(line, []byte(marker)) && (len(line) == 3 || line[3] == ' ' || line[3] == '\t')
}

// hasContent reports whether a part holds more than comments and blank lines.
func hasContent(part []byte) bool {
	for _, line := range bytes.Split(part, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' && !bytes.HasPrefix(t, []byte("%")) {
			return true
		}
	}
	return false
}
