package incidents

import (
	"bytes"
	"slices"
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

	incs       []model.Incident
	seen       map[string]string // id → the file that gave it first
	duplicates int
}

// Add keeps what it should of the incidents read from path, and returns
// how many; the first NamedDuplicates ids given twice are warnings.
func (s *Selection) Add(path string, incs []model.Incident) (kept int, ds diag.Diagnostics) {
	if s.seen == nil {
		s.seen = map[string]string{}
	}
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
			inc.Fields = nil
		}
		s.incs = append(s.incs, inc)
		kept++
	}
	return kept, ds
}

// Duplicates counts the incident ids given twice.
func (s *Selection) Duplicates() int { return s.duplicates }

// Incidents are the incidents kept, in time order (those at the same time
// in the order they were added).
func (s *Selection) Incidents() []model.Incident {
	slices.SortStableFunc(s.incs, func(a, b model.Incident) int { return a.Time.Compare(b.Time.Time) })
	return s.incs
}

// Documents writes incs as YAML Incidents documents of at most
// perDocument each, separated by "---", and says how many.
func Documents(incs []model.Incident, perDocument int) ([]byte, int, error) {
	var buf bytes.Buffer
	docs := 0
	for start := 0; start < len(incs); start += perDocument {
		if docs > 0 {
			buf.WriteString("---\n")
		}
		if err := WriteYAML(&buf, incs[start:min(start+perDocument, len(incs))]); err != nil {
			return nil, 0, err
		}
		docs++
	}
	return buf.Bytes(), docs, nil
}
