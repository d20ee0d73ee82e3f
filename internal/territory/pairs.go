package territory

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// CodePairs is the diagnostic code of a row of a pairs file that names no
// pair.
const CodePairs = "pairs"

// Pair is two snapshot files to compare, FROM and TO. Line is the line of
// the pairs file that names it (0 for a pair of a folder).
type Pair struct {
	From, To string
	Line     int
}

// PairChange is what changed hands between the two snapshots of a pair.
type PairChange struct {
	From, To *Snapshot
	Change
}

// ErrNoPairColumns says a pairs file has no header naming its from and to
// columns.
var ErrNoPairColumns = errors.New("the first line must name the columns from and to (other columns are ignored)")

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ReadPairs reads a CSV of pairs: a header naming the columns from and to
// (others, such as the expected values of changes_computed.csv, are
// ignored), then one pair a row. A cell is a snapshot's path, relative to
// the CSV's folder unless absolute, so that a pairs file moves with the
// snapshots it names; or a date, YYYY-MM-DD, which names
// deepstatemap_data_YYYYMMDD.geojson in that folder, so that the reference
// rows of ../shared/data/deepstate/changes_computed.csv are read as they
// are. A row without both cells, or text that is not CSV, is a diagnostic
// of code CodePairs, and the rows before it (and, for a short row, after
// it) are still read. The error is that of a file that cannot be opened,
// or ErrNoPairColumns.
func ReadPairs(path string) ([]Pair, diag.Diagnostics, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // a short row is reported by its line, below
	header, err := r.Read()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, diag.Diagnostics{csvDiagnostic(path, err)}, nil
	}
	from, to := -1, -1
	for i, name := range header {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))) {
		case "from":
			from = i
		case "to":
			to = i
		}
	}
	if from < 0 || to < 0 {
		return nil, nil, ErrNoPairColumns
	}
	pairs, ds := readPairRows(path, r, from, to)
	return pairs, ds, nil
}

// readPairRows reads the rows of a pairs file after its header; from and
// to are the columns' indexes.
func readPairRows(path string, r *csv.Reader, from, to int) ([]Pair, diag.Diagnostics) {
	dir := filepath.Dir(path)
	var pairs []Pair
	var ds diag.Diagnostics
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return pairs, ds
		}
		if err != nil {
			// The reader cannot resynchronise after a quote gone wrong.
			return pairs, ds.Append(csvDiagnostic(path, err))
		}
		line, _ := r.FieldPos(0)
		if max(from, to) >= len(row) || strings.TrimSpace(row[from]) == "" || strings.TrimSpace(row[to]) == "" {
			ds = ds.Append(diag.Errorf(lineRange(path, line, 1), CodePairs, "the row names no pair: from and to must both be given"))
			continue
		}
		pairs = append(pairs, Pair{From: pairPath(dir, row[from]), To: pairPath(dir, row[to]), Line: line})
	}
}

func lineRange(path string, line, column int) diag.Range {
	p := diag.Pos{Line: line, Column: column}
	return diag.Range{File: path, Start: p, End: p}
}

// csvDiagnostic reports a CSV syntax error at its position.
func csvDiagnostic(path string, err error) diag.Diagnostic {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return diag.Errorf(lineRange(path, pe.Line, pe.Column), CodePairs, "not CSV: %v", pe.Err)
	}
	return diag.Errorf(diag.Range{File: path}, CodeIO, "%v", unwrapPath(err))
}

// pairPath resolves a cell of a pairs file (ReadPairs).
func pairPath(dir, cell string) string {
	cell = strings.TrimSpace(cell)
	if isoDate.MatchString(cell) {
		if _, err := model.ParseDate(cell); err == nil {
			return filepath.Join(dir, "deepstatemap_data_"+strings.ReplaceAll(cell, "-", "")+".geojson")
		}
	}
	if filepath.IsAbs(cell) {
		return cell
	}
	return filepath.Join(dir, cell)
}

// ConsecutivePairs pairs each snapshot with the next (snaps in date
// order, as LoadDir returns them).
func ConsecutivePairs(snaps []*Snapshot) []Pair {
	var pairs []Pair
	for i := 1; i < len(snaps); i++ {
		pairs = append(pairs, Pair{From: snaps[i-1].File, To: snaps[i].File})
	}
	return pairs
}

// Cache loads each snapshot file once however many pairs name it: reading
// and preparing a snapshot costs several times a diff, and in a series of
// pairs most files appear twice or more. A file that cannot be read is
// remembered too, so its problem is reported once. The zero Cache is
// ready; it is not safe for concurrent use.
type Cache struct {
	files map[string]cached
}

type cached struct {
	snap *Snapshot
	d    diag.Diagnostic
	ok   bool
}

// Add puts snapshots already loaded (a folder's, by LoadDir) in the cache.
func (c *Cache) Add(snaps ...*Snapshot) {
	if c.files == nil {
		c.files = map[string]cached{}
	}
	for _, s := range snaps {
		c.files[filepath.Clean(s.File)] = cached{snap: s, ok: true}
	}
}

// Load is LoadFile dated by the file's name, once per file (by its
// cleaned path). reported is true the first time a file fails, so that
// the caller reports its diagnostic once.
func (c *Cache) Load(path string) (snap *Snapshot, d diag.Diagnostic, ok, reported bool) {
	key := filepath.Clean(path)
	if e, hit := c.files[key]; hit {
		return e.snap, e.d, e.ok, false
	}
	snap, d, ok = LoadFile(path, model.Date{}, "--from-date")
	if !ok && d.Code == CodeNoDate {
		// --from-date and --to-date date a single pair, not a series.
		d.Summary = "no date in the file name; name it deepstatemap_data_YYYYMMDD.geojson to compare it in a series of pairs"
	}
	c.Add()
	c.files[key] = cached{snap, d, ok}
	return snap, d, ok, !ok
}

// DiffPairs compares each pair whose two snapshots could be read, in
// order, split by oblast as Diff; each file is loaded once through cache.
// The problems of the files that could not be read come back as
// diagnostics, each file's once, and their pairs are left out.
func DiffPairs(pairs []Pair, cache *Cache, oblasts *oblast.Table) ([]PairChange, diag.Diagnostics) {
	var out []PairChange
	var ds diag.Diagnostics
	for _, p := range pairs {
		from, d1, ok1, new1 := cache.Load(p.From)
		to, d2, ok2, new2 := cache.Load(p.To)
		if new1 {
			ds = ds.Append(d1)
		}
		if new2 {
			ds = ds.Append(d2)
		}
		if ok1 && ok2 {
			out = append(out, PairChange{From: from, To: to, Change: Diff(from, to, oblasts)})
		}
	}
	return out, ds
}
