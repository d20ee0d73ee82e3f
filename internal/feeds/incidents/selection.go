package incidents

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
)

// NamedDuplicates is how many incident ids given twice a Selection
// names, one warning each; the rest are only counted.
const NamedDuplicates = 10

// Selection gathers the incidents an import keeps: those within
// [From, Until) (either bound zero for none), each id once, the first
// file's, without the source's extra columns when NoFields.
type Selection struct {
	From, Until time.Time
	NoFields    bool

	parts      [][]model.Incident // kept, a slice per Add
	seen       map[string]string  // id → the file that gave it first
	duplicates int
}

// Add keeps what it should of the incidents read from path, and returns
// how many; the first NamedDuplicates ids given twice are warnings. It
// keeps them in incs itself (moved to its start), which the caller then
// leaves alone: incidents are copied once, by Incidents, rather than each
// time a growing list of them would be.
func (s *Selection) Add(path string, incs []model.Incident) (kept int, ds diag.Diagnostics) {
	if s.seen == nil {
		s.seen = make(map[string]string, len(incs))
	}
	out := incs[:0]
	for _, inc := range incs {
		if (!s.From.IsZero() && inc.Time.Before(s.From)) || (!s.Until.IsZero() && !inc.Time.Before(s.Until)) {
			continue
		}
		if first, dup := s.seen[inc.ID]; dup {
			s.duplicates++
			if s.duplicates <= NamedDuplicates {
				ds = ds.Append(diag.Warningf(diag.Range{File: path}, "duplicate-id", "incident %s was read from %s already; kept once", inc.ID, first))
			}
			continue
		}
		s.seen[inc.ID] = path
		if s.NoFields {
			inc.DropFields()
		}
		out = append(out, inc)
	}
	s.parts = append(s.parts, out)
	return len(out), ds
}

// Duplicates counts the incident ids given twice.
func (s *Selection) Duplicates() int { return s.duplicates }

// Incidents are the incidents kept, in time order (those at the same time
// in the order they were added).
func (s *Selection) Incidents() []model.Incident {
	var incs []model.Incident
	if len(s.parts) == 1 {
		incs = s.parts[0]
	} else {
		n := 0
		for _, p := range s.parts {
			n += len(p)
		}
		incs = make([]model.Incident, 0, n)
		for _, p := range s.parts {
			incs = append(incs, p...)
		}
		s.parts = [][]model.Incident{incs}
	}
	slices.SortStableFunc(incs, func(a, b model.Incident) int { return a.Time.Compare(b.Time.Time) })
	return incs
}

// Documents writes incs as YAML Incidents documents of at most
// perDocument each, separated by "---", and says how many.
func Documents(incs []model.Incident, perDocument int) ([]byte, int, error) {
	return DocumentsAs(FormYAML, incs, perDocument)
}

// DocumentsAs is Documents in the given form, FormCompact or FormYAML
// (anything else is an error).
func DocumentsAs(form string, incs []model.Incident, perDocument int) ([]byte, int, error) {
	var buf bytes.Buffer
	if form == FormCompact {
		buf.Grow(compactSize * len(incs))
	}
	docs, err := WriteDocuments(&buf, form, incs, perDocument)
	if err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), docs, nil
}

// WriteDocuments writes incs to w as DocumentsAs makes them, a document
// at a time, and says how many.
func WriteDocuments(w io.Writer, form string, incs []model.Incident, perDocument int) (int, error) {
	if form != FormCompact && form != FormYAML {
		return 0, fmt.Errorf("unknown form %q; expected %s", form, strings.Join(Forms, " or "))
	}
	if perDocument < 1 {
		return 0, fmt.Errorf("%d incidents per document", perDocument)
	}
	var out []byte // a compact document, reused
	docs := 0
	for start := 0; start < len(incs); start += perDocument {
		part := incs[start:min(start+perDocument, len(incs))]
		out = out[:0]
		if docs > 0 {
			out = append(out, "---\n"...)
		}
		docs++
		if form == FormYAML {
			if _, err := w.Write(out); err != nil {
				return 0, err
			}
			if err := WriteYAML(w, part); err != nil {
				return 0, err
			}
			continue
		}
		if cap(out) == 0 {
			out = make([]byte, 0, compactSize*len(part))
		}
		out = AppendCompact(out, part)
		if _, err := w.Write(out); err != nil {
			return 0, err
		}
	}
	return docs, nil
}

// compactSize is about the bytes of an incident's line in the compact
// form (VIINA's, with their headlines, are about 480; ACLED's and
// UCDP's, with their notes, 870 to 1,370).
const compactSize = 512
