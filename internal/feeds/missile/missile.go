package missile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Kyiv: many systems only have the old name Europe/Kiev

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

const (
	// Format is the name users give to --input-format, and the key of
	// feeds.Options.Categories for this reader.
	Format = "missile"
	// SourceName is the source of every incident read.
	SourceName = "missile-attacks"
	// Country is the country of every incident: the reports are the
	// Ukrainian Air Force's, of attacks on Ukraine.
	Country = "UA"
	// Actor is the actor of every incident: the reports are of Russian
	// launches.
	Actor = "RU"
	// Zone is the time zone the file's times are written in.
	Zone = "Europe/Kyiv"
)

// Diagnostic codes of Read besides feeds.Summary.Skip's "skipped-row".
const (
	CodeMissingColumn = "missing-column"
	CodeTimeZone      = "time-zone"
)

// The columns Read interprets; every other column goes to Fields as written.
const (
	colStart     = "time_start"
	colEnd       = "time_end"
	colModel     = "model"
	colTarget    = "target"
	colLaunched  = "launched"
	colDestroyed = "destroyed"
)

var required = []string{colStart, colEnd, colModel, colTarget, colLaunched, colDestroyed}

// Keys Read adds to Fields besides the columns.
const (
	FieldPrecision     = "time_precision" // "minute" or "day"
	FieldWeaponClass   = "weapon_class"   // "cruise missile", "loitering munition", …
	FieldTargetOblasts = "target_oblasts" // comma-separated codes, "" when none
)

// Reasons of skipped rows (the keys of feeds.Summary.SkippedBy).
const (
	ReasonCSV        = feeds.ReasonCSVSyntax
	ReasonFieldCount = feeds.ReasonFieldCount
	ReasonDate       = "bad date"
	ReasonNumber     = "bad number"
)

// NoCategory is the key of Summary.UnmappedBy for a row with an empty model.
const NoCategory = "(none)"

// Reader reads missile_attacks_daily.csv. The zero value is ready to use.
type Reader struct{}

var _ feeds.Reader = Reader{}

// Format returns "missile".
func (Reader) Format() string { return Format }

// Detect reports whether head starts with a header that has the columns
// time_start, time_end, model, target, launched and destroyed.
func (Reader) Detect(head []byte) bool {
	h := feeds.HeaderOf(head, ',')
	return h != nil && h.Has(required...)
}

var kyiv = sync.OnceValues(func() (*time.Location, error) { return time.LoadLocation(Zone) })

// Read reads every row of src: one incident per row; a row that cannot be
// read is skipped with a diagnostic (a warning, an error under
// opts.Strict). A header without the required columns stops the reading
// with an error.
func (Reader) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, Format)}
	var ds diag.Diagnostics
	loc, err := kyiv()
	if err != nil {
		return res, ds.Append(diag.Errorf(diag.Range{File: src.Name}, CodeTimeZone, "loading the time zone %s: %v", Zone, err))
	}
	data := bytes.TrimPrefix(src.Data, bom)
	f := feeds.NewPositions(src.Name, data)
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return res, ds.Append(diag.Errorf(f.Range(1, 1), CodeMissingColumn,
			"empty file; expected a header with the columns %s", strings.Join(required, ", ")))
	}
	if err != nil {
		return res, ds.Append(f.Error(cr, err, nil))
	}
	header = append([]string(nil), header...)
	cols := feeds.Columns(header)
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			return res, ds.Append(diag.Errorf(f.Range(1, 1), CodeMissingColumn,
				"the header has no %s column; expected the columns %s", c, strings.Join(required, ", ")))
		}
	}
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = strings.TrimSpace(h)
	}
	interpreted := make([]bool, len(header))
	for _, c := range []string{colStart, colEnd, colModel, colLaunched, colDestroyed} {
		interpreted[cols[c]] = true
	}
	r := &reading{
		opts: opts, loc: loc, cr: cr, sum: &res.Summary, base: filepath.Base(src.Name),
		names: names, cols: cols, interpreted: interpreted, regions: map[string]targetRegions{},
	}
	// One incident per line at most (records may span lines).
	res.Incidents = make([]model.Incident, 0, bytes.Count(data, []byte{'\n'}))
	ds = ds.Append(feeds.ReadRows(f, cr, res, opts, r.row)...)
	return res, ds
}

// reading is the state of one Read.
type reading struct {
	opts  feeds.Options
	loc   *time.Location
	cr    *csv.Reader
	sum   *feeds.Summary
	base  string
	names []string
	cols  map[string]int
	// interpreted marks the columns Read converts; the others go to
	// Fields as written.
	interpreted []bool
	regions     map[string]targetRegions // target text → its oblasts, cached
}

// problem is why a row is skipped: the column at fault and the message.
type problem = feeds.Problem

func (r *reading) row(rec []string) (model.Incident, *problem) {
	line, _ := r.cr.FieldPos(0)
	startRaw := rec[r.cols[colStart]]
	start, day, err := parseLocal(startRaw, r.loc)
	if err != nil {
		return model.Incident{}, &problem{Col: r.cols[colStart], Reason: ReasonDate, Message: fmt.Sprintf("%s %q: %v", colStart, startRaw, err)}
	}
	var end time.Time
	if endRaw := rec[r.cols[colEnd]]; strings.TrimSpace(endRaw) != "" {
		if end, _, err = parseLocal(endRaw, r.loc); err != nil {
			return model.Incident{}, &problem{Col: r.cols[colEnd], Reason: ReasonDate, Message: fmt.Sprintf("%s %q: %v", colEnd, endRaw, err)}
		}
	}
	counts, bad := r.counts(rec)
	if bad != nil {
		return model.Incident{}, bad
	}

	fields := make(map[string]string, len(rec)+3)
	for i, v := range rec {
		if v == "" || r.interpreted[i] {
			continue
		}
		if _, dup := fields[r.names[i]]; !dup {
			fields[r.names[i]] = v
		}
	}
	if !end.IsZero() {
		fields[colEnd] = end.Format(time.RFC3339)
	}
	if counts[0] != "" {
		fields[colLaunched] = counts[0]
	}
	if counts[1] != "" {
		fields[colDestroyed] = counts[1]
	}
	fields[FieldPrecision] = "minute"
	if day {
		fields[FieldPrecision] = "day"
	}

	weaponModel := strings.TrimSpace(rec[r.cols[colModel]])
	typ, class := r.classify(weaponModel)
	if class != "" {
		fields[FieldWeaponClass] = class
	}

	target := strings.TrimSpace(rec[r.cols[colTarget]])
	tr := r.target(target)
	fields[FieldTargetOblasts] = strings.Join(tr.all, ",")

	return model.Incident{
		ID:       fmt.Sprintf("%s:%d", r.base, line),
		Time:     model.Timestamp{Time: start},
		Type:     typ,
		Subtype:  weaponModel,
		Actor:    Actor,
		Country:  Country,
		Admin1:   tr.first(),
		Location: target,
		Source:   SourceName,
		Fields:   fields,
	}, nil
}

// counts reads the launched and destroyed columns of rec: each a count
// as written, or "" when empty; a problem when either is no count.
func (r *reading) counts(rec []string) ([2]string, *problem) {
	counts := [2]string{}
	for i, c := range [2]string{colLaunched, colDestroyed} {
		raw := rec[r.cols[c]]
		n, err := count(raw)
		if err != nil {
			return counts, &problem{Col: r.cols[c], Reason: ReasonNumber, Message: fmt.Sprintf("%s %q is not a count (a number such as 12 or 12.0, or empty)", c, raw)}
		}
		counts[i] = n
	}
	return counts, nil
}

// classify is category's type and weapon class of a model, TypeOther when
// no table knows it; the Summary counts it as mapped or unmapped.
func (r *reading) classify(weaponModel string) (typ, class string) {
	typ, class, ok := r.category(weaponModel)
	switch {
	case ok:
		r.sum.Mapped++
		return typ, class
	case weaponModel == "":
		r.sum.Unmap(NoCategory)
	default:
		r.sum.Unmap(weaponModel)
	}
	return feeds.TypeOther, class
}

// target resolves a target as written to its oblasts, once per spelling.
func (r *reading) target(target string) targetRegions {
	tr, cached := r.regions[target]
	if !cached {
		tr = resolveTarget(target, r.opts.Oblasts)
		r.regions[target] = tr
	}
	return tr
}

// category maps a model to a type and weapon class: the whole model
// through the override table and the defaults first; then, for a compound
// model "A and B and …", the first part either table knows.
func (r *reading) category(m string) (typ, class string, ok bool) {
	if typ, ok := feeds.Category(r.opts, Format, m, defaults); ok {
		return typ, weapons[m].class, true
	}
	if !strings.Contains(m, " and ") {
		return "", "", false
	}
	for part := range strings.SplitSeq(m, " and ") {
		part = strings.TrimSpace(part)
		if typ, ok := feeds.Category(r.opts, Format, part, defaults); ok {
			return typ, weapons[part].class, true
		}
	}
	return "", "", false
}

// parseLocal parses a time written in loc: YYYY-MM-DD (day reports start
// at local midnight; day is true), or a date and a time HH:MM[:SS] with
// the hour in one or two digits, separated by a space or T. Surrounding
// spaces are ignored. The result is UTC.
func parseLocal(s string, loc *time.Location) (t time.Time, day bool, err error) {
	s = strings.TrimSpace(s)
	switch {
	case len(s) == len(dateLayout):
		t, err = time.ParseInLocation(dateLayout, s, loc)
		day = true
	case len(s) > len(dateLayout) && (s[len(dateLayout)] == ' ' || s[len(dateLayout)] == 'T'):
		s = s[:len(dateLayout)] + " " + s[len(dateLayout)+1:]
		t, err = time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02 15:04:05", s, loc)
		}
	default:
		err = errors.New("not a date")
	}
	if err != nil {
		return time.Time{}, false, errors.New("not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM), Kyiv local time")
	}
	if y := t.Year(); y < minYear || y > maxYear {
		return time.Time{}, false, fmt.Errorf("year %d is outside %d…%d", y, minYear, maxYear)
	}
	return t.UTC(), day, nil
}

const (
	dateLayout = "2006-01-02"
	minYear    = 1900
	maxYear    = 2999
)

// count parses a launched or destroyed count: empty, or a finite,
// non-negative number (the file writes 12.0); a whole number is returned
// without its decimals ("12").
func count(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return "", errors.New("not a count")
	}
	if v == math.Trunc(v) && v < 1e15 {
		return strconv.FormatInt(int64(v), 10), nil
	}
	return strconv.FormatFloat(v, 'f', -1, 64), nil
}

var bom = []byte("\ufeff")
