// Package all lists backstop's incident readers and picks the one for a
// file: by name (--input-format), or by looking at the file's start.
// It exists apart from internal/feeds so that the readers, which import
// feeds, can be listed without an import cycle.
package all

import (
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/acled"
	"github.com/backstop-dev/backstop/internal/feeds/alerts"
	"github.com/backstop-dev/backstop/internal/feeds/firms"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/feeds/missile"
	"github.com/backstop-dev/backstop/internal/feeds/ucdp"
	"github.com/backstop-dev/backstop/internal/feeds/viina"
)

// Readers returns every built-in reader, in the order detection tries
// them. The mapped-CSV reader is not among them: it needs its mapping file.
func Readers() []feeds.Reader {
	return []feeds.Reader{
		incidents.JSONL{}, incidents.YAML{},
		acled.Reader{}, ucdp.Reader{}, missile.Reader{}, alerts.Reader{}, viina.Reader{},
		firms.Reader{},
	}
}

// Formats returns the names of the built-in formats.
func Formats() []string {
	var names []string
	for _, r := range Readers() {
		names = append(names, r.Format())
	}
	return names
}

// ByFormat returns the reader of a format name.
func ByFormat(name string) (feeds.Reader, error) {
	for _, r := range Readers() {
		if r.Format() == name {
			return r, nil
		}
	}
	return nil, fmt.Errorf("unknown input format %q; the formats are %s, or any CSV with --mapping FILE", name, strings.Join(Formats(), ", "))
}

// headSize is how much of a file detection looks at.
const headSize = 64 << 10

// Detect picks the reader whose Detect accepts the start of src. Exactly
// one must: no match, or more than one, is an error that names them.
func Detect(src *feeds.Source) (feeds.Reader, error) {
	head := src.Data[:min(len(src.Data), headSize)]
	var found []feeds.Reader
	for _, r := range Readers() {
		if r.Detect(head) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("%s: not a format backstop recognises (%s); give --input-format, or --mapping FILE for another CSV",
			src.Name, strings.Join(Formats(), ", "))
	}
	var names []string
	for _, r := range found {
		names = append(names, r.Format())
	}
	return nil, fmt.Errorf("%s: matches several formats (%s); give --input-format", src.Name, strings.Join(names, ", "))
}
