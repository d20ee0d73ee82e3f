// Package audit measures how well a reader's category table maps a
// source's labels to backstop incident types, on a hand-labelled sample of
// real rows: it reads the sample files (testdata/audit_sample.csv of the
// readers), counts per assigned type the rows that are right, wrong or
// doubtful, and formats the table. The samples hold row references and
// the labeller's verdict, never the rows' text (the data sets' licences do
// not allow copying them); the tests read the rows from ../shared/data.
// docs/feeds-audit.md describes the method and the measured tables.
package audit

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// Doubtful is the verdict of a row whose event cannot be told from its text.
const Doubtful = "doubtful"

// Grave are the types the triggers fire on.
var Grave = []string{feeds.TypeGroundAssault, feeds.TypeMissileStrike, feeds.TypeDroneStrike, feeds.TypeShelling, feeds.TypeAirStrike}

// IsGrave reports whether typ is one of Grave.
func IsGrave(typ string) bool { return slices.Contains(Grave, typ) }

// Types are the verdicts a sample may give: the backstop types and Doubtful.
var Types = []string{
	feeds.TypeMissileStrike, feeds.TypeDroneStrike, feeds.TypeAirStrike, feeds.TypeShelling,
	feeds.TypeGroundAssault, feeds.TypeBattle, feeds.TypeExplosion, feeds.TypeAirRaidAlert,
	feeds.TypeCivilianHarm, feeds.TypeProtest, feeds.TypeStrategicChange, feeds.TypeOther, Doubtful,
}

// Row is one labelled row of a sample: where it is (file name, 1-based
// line of the file as the readers number them, the source's id if any),
// the true type the labeller gave it (several, |-separated, when the row
// reports several kinds of event; or Doubtful), and a note in the
// labeller's words.
type Row struct {
	File  string
	Line  int
	ID    string
	Truth string
	Note  string
}

// ReadSample reads a sample: CSV with the header file,line,id,truth,note;
// lines starting with # are comments (the labelling rule).
func ReadSample(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	cr.FieldsPerRecord = 5
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if strings.Join(header, ",") != "file,line,id,truth,note" {
		return nil, fmt.Errorf("%s: header %q, want file,line,id,truth,note", path, header)
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		n, err := strconv.Atoi(rec[1])
		if err != nil || n < 2 {
			return nil, fmt.Errorf("%s: line %q is not a data line number", path, rec[1])
		}
		for v := range strings.SplitSeq(rec[3], "|") {
			if !slices.Contains(Types, v) || (v == Doubtful && rec[3] != Doubtful) {
				return nil, fmt.Errorf("%s: %s:%d: verdict %q is not a type (nor %q alone)", path, rec[0], n, rec[3], Doubtful)
			}
		}
		rows = append(rows, Row{File: rec[0], Line: n, ID: rec[2], Truth: rec[3], Note: rec[4]})
	}
	return rows, nil
}

// Count is one line of the table: the rows of the sample the reader gave
// a type, and of those the rows whose verdict is that type (Right),
// another type (Wrong), or Doubtful.
type Count struct {
	Type                           string
	Assigned, Right, Wrong, Unsure int
}

// Precision is Right/(Right+Wrong), 1 when both are 0.
func (c Count) Precision() float64 {
	if c.Right+c.Wrong == 0 {
		return 1
	}
	return float64(c.Right) / float64(c.Right+c.Wrong)
}

// Table counts pairs of (assigned type, verdict), one line per assigned
// type, in the order of Types.
type Table map[string]*Count

// Add counts one row: right when assigned is the verdict or one of its
// |-separated types.
func (t Table) Add(assigned, truth string) {
	c := t[assigned]
	if c == nil {
		c = &Count{Type: assigned}
		t[assigned] = c
	}
	c.Assigned++
	if slices.Contains(strings.Split(truth, "|"), assigned) {
		truth = assigned
	}
	switch truth {
	case Doubtful:
		c.Unsure++
	case assigned:
		c.Right++
	default:
		c.Wrong++
	}
}

// String formats the table as Markdown.
func (t Table) String() string {
	var b strings.Builder
	b.WriteString("| type | assigned | right | wrong | doubtful | precision |\n|---|--:|--:|--:|--:|--:|\n")
	for _, typ := range Types {
		c, ok := t[typ]
		if !ok {
			continue
		}
		grave := ""
		if IsGrave(typ) {
			grave = " *"
		}
		fmt.Fprintf(&b, "| %s%s | %d | %d | %d | %d | %.2f |\n", typ, grave, c.Assigned, c.Right, c.Wrong, c.Unsure, c.Precision())
	}
	return b.String()
}
