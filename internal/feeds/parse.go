package feeds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/iso3166"
	"github.com/backstop-dev/backstop/internal/model"
)

// Time layouts (Go reference-time notation) that data sets use.
const (
	// LayoutDate is ISO 8601's YYYY-MM-DD (ACLED's native form, UCDP).
	LayoutDate = "2006-01-02"
	// LayoutDayMonthTime is DD/MM/YYYY HH:MM:SS, as ACLED's export tool writes
	// event_date ("14/08/2020 00:00:00").
	LayoutDayMonthTime = "02/01/2006 15:04:05"
	// LayoutExcelUS is M/D/YYYY h:mm:ss AM, as Excel in a US locale writes a
	// date and time ("8/31/2022 12:00:00 AM"). Go's "1" and "2" accept one
	// or two digits, so it also reads "08/31/2022 12:00:00 AM".
	LayoutExcelUS = "1/2/2006 3:04:05 PM"
	// LayoutExcelUSShort is M/D/YYYY H:MM, Excel's short US form
	// ("09/01/2022 00:00", "9/1/2022 0:00").
	LayoutExcelUSShort = "1/2/2006 15:04"
)

// ISOLayouts are the layouts ParseTime tries when given none: RFC 3339
// and the ISO 8601 forms without a zone (read as UTC, or in the location
// of ParseTimeIn). Forms with slashes are never tried by default: whether
// 01/02 is the 1st of February or the 2nd of January depends on the
// source, so a reader names the one its source uses.
var ISOLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	LayoutDate,
}

// The years ParseTime accepts: a date outside them is a typo or a
// placeholder (0001-01-01), not an event.
const (
	MinYear = 1900
	MaxYear = 2999
)

// ParseTime parses s (surrounding spaces ignored) with the first of the
// layouts that fits, ISOLayouts when none are given. A time without a zone
// is UTC; the result is always in UTC. The error names the layouts tried;
// a year outside MinYear…MaxYear is an error too.
func ParseTime(s string, layouts ...string) (time.Time, error) {
	return ParseTimeIn(s, time.UTC, layouts...)
}

// ParseTimeIn is ParseTime with times that carry no zone read in loc.
func ParseTimeIn(s string, loc *time.Location, layouts ...string) (time.Time, error) {
	if len(layouts) == 0 {
		layouts = ISOLayouts
	}
	s = TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("no time given")
	}
	if t, ok := QuickTime(s, loc, layouts...); ok {
		return checkYear(s, t)
	}
	if t, ok := quickUS(s, loc, layouts...); ok {
		return checkYear(s, t)
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return checkYear(s, t)
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time in any of the layouts %s", s, quoteAll(layouts))
}

// checkYear returns t in UTC, or an error when its year is outside
// MinYear…MaxYear.
func checkYear(s string, t time.Time) (time.Time, error) {
	if y := t.Year(); y < MinYear || y > MaxYear {
		return time.Time{}, fmt.Errorf("%q: the year %d is outside %d…%d", s, y, MinYear, MaxYear)
	}
	return t.UTC(), nil
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// missingValues are the spellings of "unknown" that data sets write in
// number columns; they are refused rather than read as absent, because
// the right reading depends on the source: leave the field empty instead.
var missingValues = []string{"NA", "N/A", "#N/A", "NaN", "null", "None", "nil", "-", "--", "?", "unknown"}

// ParseFloat parses a decimal number. An empty s (after trimming spaces)
// is absent: ok is false and err nil. "NA" and similar markers, a decimal
// comma ("1,5"), thousands separators, hexadecimal, NaN and infinities are
// errors with a message that says what to write instead.
func ParseFloat(s string) (v float64, ok bool, err error) {
	s = TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	if err := numberSyntax(s); err != nil {
		return 0, false, err
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, fmt.Errorf("%q is not a number in range", s)
	}
	return v, true, nil
}

// ParseInt parses a whole number, with the rules of ParseFloat. A number
// with a zero fraction ("3.0", as pandas writes integer columns that have
// gaps) is accepted; "3.5" is not.
func ParseInt(s string) (v int, ok bool, err error) {
	s = TrimSpace(s)
	if s == "" {
		return 0, false, nil
	}
	if err := numberSyntax(s); err != nil {
		return 0, false, err
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false, fmt.Errorf("%q is not a whole number", s)
	}
	return int(f), true, nil
}

// numberByte reports whether b is one of "0123456789+-.eE".
func numberByte(b byte) bool {
	return b >= '0' && b <= '9' || b == '+' || b == '-' || b == '.' || b == 'e' || b == 'E'
}

var decimalComma = regexp.MustCompile(`^[+-]?[0-9]+,[0-9]+$`)

// numberSyntax refuses what strconv would accept or misread but a data
// set should not contain, with a message naming the fix.
func numberSyntax(s string) error {
	plain := s != "-" && s != "--"
	for i := 0; i < len(s) && plain; i++ {
		plain = numberByte(s[i])
	}
	if plain {
		return nil // strconv decides
	}
	for _, m := range missingValues {
		if strings.EqualFold(s, m) {
			return fmt.Errorf("%q is not a number; leave the field empty when the value is unknown", s)
		}
	}
	if decimalComma.MatchString(s) {
		return fmt.Errorf("%q is not a number: write a decimal point (%s)", s, strings.Replace(s, ",", ".", 1))
	}
	if strings.ContainsAny(s, ", '_") {
		return fmt.Errorf("%q is not a number: write it without thousands separators", s)
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789+-.eE", r) {
			return fmt.Errorf("%q is not a number", s)
		}
	}
	return nil
}

// ---- header --------------------------------------------------------------

// Header maps the column names of a header line to their indexes. Names
// are matched ignoring case, surrounding spaces, a byte order mark and
// runs of inner spaces ("Date  Time" is "date time"); the first of two
// equal names wins.
type Header struct {
	names []string
	index map[string]int
}

// NewHeader indexes a header record.
func NewHeader(record []string) *Header {
	h := &Header{names: make([]string, len(record)), index: make(map[string]int, len(record))}
	for i, name := range record {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
		h.names[i] = name
		k := HeaderKey(name)
		if _, dup := h.index[k]; !dup && k != "" {
			h.index[k] = i
		}
	}
	return h
}

// HeaderKey is the form in which Header compares column names.
func HeaderKey(name string) string {
	name = strings.TrimPrefix(strings.TrimSpace(name), "\ufeff")
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

// HeaderOf reads the first line of the start of a file as a header, for
// Reader.Detect; nil when it is not CSV with the given delimiter.
func HeaderOf(head []byte, comma rune) *Header {
	head = bytes.TrimPrefix(head, bomUTF8)
	r := csv.NewReader(bytes.NewReader(head))
	r.Comma = comma
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	rec, err := r.Read()
	if err != nil {
		return nil
	}
	return NewHeader(rec)
}

// Columns maps a header record's column names (as HeaderKey spells them)
// to their first index, for readers that look columns up by name.
func Columns(record []string) map[string]int { return NewHeader(record).index }

// Len is the number of columns.
func (h *Header) Len() int { return len(h.names) }

// Names returns the column names as written (trimmed, without a BOM).
func (h *Header) Names() []string { return append([]string(nil), h.names...) }

// Index returns the index of a column, or -1.
func (h *Header) Index(name string) int {
	if i, ok := h.index[HeaderKey(name)]; ok {
		return i
	}
	return -1
}

// Has reports whether every one of names is a column.
func (h *Header) Has(names ...string) bool {
	for _, n := range names {
		if h.Index(n) < 0 {
			return false
		}
	}
	return true
}

// Require returns a *MissingColumnsError naming every one of names that is
// not a column, or nil.
func (h *Header) Require(names ...string) error {
	var missing []string
	for _, n := range names {
		if h.Index(n) < 0 {
			missing = append(missing, n)
		}
	}
	if missing == nil {
		return nil
	}
	return &MissingColumnsError{Missing: missing}
}

// Get returns the value of a column in rec, "" when there is no such
// column.
func Get(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return rec[i]
}

// Others returns the indexes of the columns not among names (the columns
// a reader does not map to an incident field), in header order.
func (h *Header) Others(names ...string) []int {
	used := map[int]bool{}
	for _, n := range names {
		if i := h.Index(n); i >= 0 {
			used[i] = true
		}
	}
	var out []int
	for i, n := range h.names {
		if !used[i] && n != "" {
			out = append(out, i)
		}
	}
	return out
}

// Fields returns the non-empty values of the columns cols of rec, keyed
// by column name as written: the map of an incident's fields (the
// readers give them as Columns, through Extra, which has the same rule).
func (h *Header) Fields(rec []string, cols []int) map[string]string {
	m := make(map[string]string, len(cols))
	for _, i := range cols {
		if i < len(rec) && rec[i] != "" {
			m[h.names[i]] = rec[i]
		}
	}
	return m
}

// Extra fills an incident's model.Columns from the rows of a file: the
// columns cols of its header (names as written), then names the reader
// gives values to itself (a time precision, a column as written before
// normalisation), in that order. The incidents get the same fields as
// Fields would give them, without a map per row: the values of a row
// are carved from a block shared by many rows.
type Extra struct {
	names []string
	cols  []int
	// distinct is false when two names are equal: then rows get Fields,
	// the last non-empty value of a name winning, as Fields does.
	distinct bool
	block    []string
}

// extraBlock is the number of rows whose values one allocation holds.
const extraBlock = 256

// Extra returns the Extra of the columns cols and the names extra.
func (h *Header) Extra(cols []int, extra ...string) *Extra {
	return NewExtra(h.names, cols, extra...)
}

// NewExtra returns the Extra of the columns cols of a header whose
// column names (as written) are names, and the names extra.
func NewExtra(names []string, cols []int, extra ...string) *Extra {
	e := &Extra{names: make([]string, 0, len(cols)+len(extra)), cols: cols, distinct: true}
	seen := make(map[string]bool, len(cols)+len(extra))
	for _, i := range cols {
		e.names = append(e.names, names[i])
	}
	e.names = append(e.names, extra...)
	for _, n := range e.names {
		if seen[n] {
			e.distinct = false
		}
		seen[n] = true
	}
	return e
}

// Row returns the values of the next row: those of the columns of rec,
// then an empty value for each extra name, for the reader to set
// (Values[Extra.At(k)] is the k-th extra name's).
func (e *Extra) Row(rec []string) []string {
	n := len(e.names)
	if len(e.block) < n {
		e.block = make([]string, n*extraBlock)
	}
	v := e.block[:n:n]
	e.block = e.block[n:]
	for k, i := range e.cols {
		if i < len(rec) {
			v[k] = rec[i]
		}
	}
	return v
}

// Distinct reports whether the names are distinct: whether Set gives
// the incidents Columns.
func (e *Extra) Distinct() bool { return e.distinct }

// Columns returns the Columns of values (from Row), for Distinct names.
func (e *Extra) Columns(values []string) model.Columns {
	return model.Columns{Names: e.names, Values: values}
}

// At returns the index in a row's values of the k-th extra name.
func (e *Extra) At(k int) int { return len(e.cols) + k }

// Set gives inc the fields of values (from Row): as Columns, or as
// Fields when names repeat.
func (e *Extra) Set(inc *model.Incident, values []string) {
	if e.distinct {
		inc.Columns = e.Columns(values)
		return
	}
	m := make(map[string]string, len(values))
	for i, v := range values {
		if v != "" {
			m[e.names[i]] = v
		}
	}
	inc.Fields = m
}

// MissingColumnsError is returned by Header.Require.
type MissingColumnsError struct{ Missing []string }

func (e *MissingColumnsError) Error() string {
	s := "s"
	if len(e.Missing) == 1 {
		s = ""
	}
	return fmt.Sprintf("the header lacks the column%s %s", s, quoteAll(e.Missing))
}

// ---- rows ------------------------------------------------------------------

// Reasons for skipping a row shared by the readers: the keys of
// Summary.SkippedBy.
const (
	ReasonCSVSyntax      = "csv syntax"
	ReasonFieldCount     = "field count"
	ReasonMissingID      = "missing id"
	ReasonDuplicateID    = "duplicate id"
	ReasonBadDate        = "bad date"
	ReasonBadNumber      = "bad number"
	ReasonBadCoordinates = "bad coordinates"
	ReasonBadValue       = "bad value"
)

// NoCategory is the key of Summary.UnmappedBy for a row whose category
// is empty.
const NoCategory = "(none)"

// FieldTimePrecision is the key of Incident.Fields that says how precise
// Time is, in the words "minute", "hour", "day", "week", "month" or
// "year". A source's own precision code stays in its own column, except
// ACLED's, whose column has this very name: its codes 1–3 become words.
const FieldTimePrecision = "time_precision"

// CodeMissingColumn is the code of the error for a file whose header lacks
// a column the reader needs (or has no header at all); such a file is not
// read.
const CodeMissingColumn = "missing-column"

// Row collects the problems of one row, so that a row with several is
// reported in full and still counted once.
type Row struct {
	problems []problem
}

type problem struct {
	at              diag.Range
	reason, message string
}

// Problem records a problem of the row.
func (r *Row) Problem(at diag.Range, reason, format string, args ...any) {
	r.problems = append(r.problems, problem{at, reason, fmt.Sprintf(format, args...)})
}

// Bad reports whether a problem was recorded.
func (r *Row) Bad() bool { return len(r.problems) > 0 }

// Flush reports the recorded problems: the row is counted as skipped once,
// under the reason of its first problem, and every problem is a
// diagnostic. It resets the Row and reports whether the row was skipped.
func (r *Row) Flush(sum *Summary, opts Options) (diag.Diagnostics, bool) {
	if len(r.problems) == 0 {
		return nil, false
	}
	ds := make(diag.Diagnostics, 0, len(r.problems))
	for i, p := range r.problems {
		if i == 0 {
			ds = append(ds, sum.Skip(opts, p.at, p.reason, p.message))
			continue
		}
		d := diag.Warningf(p.at, "skipped-row", "%s; row skipped", p.message)
		if opts.Strict {
			d.Severity = diag.Error
		}
		ds = append(ds, d)
	}
	r.problems = r.problems[:0]
	return ds, true
}

// CSV reads the rows of a CSV source for a reader, locating every field
// for diagnostics (through internal/csvpos) and accounting for the rows
// it cannot hand over (CSV syntax errors, a wrong number of fields) in
// the Summary.
type CSV struct {
	Header *Header
	pos    *Positions
	r      *Scanner
	sum    *Summary
	opts   Options
	row    Row
	coords Coordinates
	// rows is the row loop; it holds the diagnostics of the rows read.
	rows *records
}

// NewCSV reads the header line of src; required are the columns the
// reader cannot do without. A file without a header, or whose header lacks
// a required column, is an error diagnostic (whatever Options.Strict) and
// a nil *CSV.
func NewCSV(src *Source, comma rune, sum *Summary, opts Options, required ...string) (*CSV, diag.Diagnostics) {
	pos := NewPositions(src.Name, src.Data)
	if !ValidDelimiter(comma) {
		// encoding/csv words the error.
		cr := csv.NewReader(bytes.NewReader(src.Data))
		cr.Comma = comma
		_, err := cr.Read()
		d := pos.Error(cr, err, nil)
		d.Summary = "header: " + d.Summary
		return nil, diag.Diagnostics{d}
	}
	r := NewTextScanner(src.Text(), comma)
	r.FieldsPerRecord = -1 // counted here, to skip the row with the Summary
	rec, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, diag.Diagnostics{diag.Errorf(pos.Range(1, 1), CodeMissingColumn,
			"empty file; expected a header line with the columns %s", quoteAll(required))}
	}
	if err != nil {
		d := pos.ScanError(r, err, rec)
		d.Summary = "header: " + strings.TrimSuffix(d.Summary, "; row skipped")
		return nil, diag.Diagnostics{d}
	}
	h := NewHeader(rec)
	if err := h.Require(required...); err != nil {
		return nil, diag.Diagnostics{diag.Errorf(pos.Range(1, 1), CodeMissingColumn, "%v", err)}
	}
	return &CSV{Header: h, pos: pos, r: r, sum: sum, opts: opts,
		rows: &records{pos: pos, r: r, sum: sum, opts: opts, fields: h.Len()}}, nil
}

// Rows yields every data row that is CSV and has as many fields as the
// header, after counting it in Summary.Read. The others are counted,
// skipped and reported. The record is reused: copy it to keep it (its
// strings may be kept).
func (c *CSV) Rows() iter.Seq[[]string] { return c.rows.all }

// Field locates column i of the current row; a negative i, the row's start.
func (c *CSV) Field(i int) diag.Range {
	if i < 0 {
		i = 0
	}
	return c.pos.Field(c.r, i)
}

// Line returns the line on which the current row starts.
func (c *CSV) Line() int {
	line, _ := c.r.FieldPos(0)
	return line
}

// Problem records a problem of the current row at column i (negative:
// the row's start); see Skipped.
func (c *CSV) Problem(i int, reason, format string, args ...any) {
	c.row.Problem(c.Field(i), reason, format, args...)
}

// Skipped reports the current row's problems, if any, and counts it as
// skipped; true means the caller must drop the row.
func (c *CSV) Skipped() bool {
	ds, skipped := c.row.Flush(c.sum, c.opts)
	c.rows.diags = append(c.rows.diags, ds...)
	return skipped
}

// Diags returns the diagnostics of the rows read so far.
func (c *CSV) Diags() diag.Diagnostics { return c.rows.diags }

// Float parses column i of rec with ParseFloat, recording a problem
// (ReasonBadNumber) when it is not a number.
func (c *CSV) Float(rec []string, i int) (v float64, ok bool) {
	v, ok, err := ParseFloat(Get(rec, i))
	if err != nil {
		c.Problem(i, ReasonBadNumber, "%s: %v", c.Header.names[i], err)
	}
	return v, ok
}

// Count parses column i of rec as a count (a whole number ≥ 0; absent is
// 0), recording a problem (ReasonBadNumber) otherwise.
func (c *CSV) Count(rec []string, i int) int {
	v, _, err := ParseInt(Get(rec, i))
	switch {
	case err != nil:
		c.Problem(i, ReasonBadNumber, "%s: %v", c.Header.names[i], err)
	case v < 0:
		c.Problem(i, ReasonBadNumber, "%s: %d is negative", c.Header.names[i], v)
	}
	return max(v, 0)
}

// LatLon parses the coordinates in columns iLat and iLon of rec (either
// may be -1, absent): both or neither, in range, else a problem
// (ReasonBadCoordinates, or ReasonBadNumber for text that is no number).
func (c *CSV) LatLon(rec []string, iLat, iLon int) (lat, lon *float64) {
	before := len(c.row.problems)
	la, okLa := c.Float(rec, iLat)
	lo, okLo := c.Float(rec, iLon)
	switch {
	case len(c.row.problems) > before:
		return nil, nil
	case okLa && !okLo:
		c.Problem(iLon, ReasonBadCoordinates, "latitude given without longitude")
		return nil, nil
	case okLo && !okLa:
		c.Problem(iLat, ReasonBadCoordinates, "longitude given without latitude")
		return nil, nil
	case !okLa:
		return nil, nil
	case la < -90 || la > 90:
		c.Problem(iLat, ReasonBadCoordinates, "%s: latitude %g is outside -90..90", c.Header.names[iLat], la)
		return nil, nil
	case lo < -180 || lo > 180:
		c.Problem(iLon, ReasonBadCoordinates, "%s: longitude %g is outside -180..180", c.Header.names[iLon], lo)
		return nil, nil
	}
	return c.coords.Pair(la, lo)
}

// coordinateBlock is the number of pairs of coordinates Coordinates
// allocates at once.
const coordinateBlock = 512

// Coordinates hands out the *float64 of incidents' Lat and Lon from
// blocks of coordinateBlock pairs: one allocation per block instead of
// two per row. A block stays in memory while one of its incidents does.
// The zero value is ready to use.
type Coordinates struct{ block []float64 }

// Pair returns pointers to new variables holding lat and lon.
func (c *Coordinates) Pair(lat, lon float64) (*float64, *float64) {
	if len(c.block) < 2 {
		c.block = make([]float64, 2*coordinateBlock)
	}
	c.block[0], c.block[1] = lat, lon
	p, q := &c.block[0], &c.block[1]
	c.block = c.block[2:]
	return p, q
}

// IDs detects duplicate incident ids within a file: the line of each id
// kept so far.
type IDs map[string]int

// Check records a problem (ReasonDuplicateID) at column i when id was
// already kept; Keep it once the row is read.
func (ids IDs) Check(c *CSV, i int, id string) {
	if first, dup := ids[id]; dup {
		c.Problem(i, ReasonDuplicateID, "id %q already used on line %d", id, first)
	}
}

// ---- normalisation --------------------------------------------------------

// Admin1 normalises a first-level unit through opts.Oblasts: by name,
// else by the point (when given), else name as written (trimmed).
func Admin1(opts Options, name string, lat, lon *float64) string {
	name = TrimSpace(name)
	if opts.Oblasts == nil {
		return name
	}
	if name != "" {
		if code, ok := opts.Oblasts.ByName(name); ok {
			return code
		}
	}
	if lat != nil && lon != nil {
		if code, ok := opts.Oblasts.ByPoint(*lat, *lon); ok {
			return code
		}
	}
	return name
}

// countryAliases are names data sets give that are not ISO's short names.
var countryAliases = map[string]string{
	"russia":         "RU",
	"moldova":        "MD",
	"kosovo":         "XK",
	"united states":  "US",
	"usa":            "US",
	"uk":             "GB",
	"united kingdom": "GB",
}

var countryNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, c := range iso3166.Countries() {
		m[strings.ToLower(c.Name)] = c.Alpha2
	}
	for k, v := range countryAliases {
		m[k] = v
	}
	return m
})

// parenthetical matches a trailing " (…)", as in UCDP's "Russia (Soviet Union)".
var parenthetical = regexp.MustCompile(`\s*\([^()]*\)$`)

// CountryOf is the ISO 3166-1 alpha-2 code of the country s names, or s
// as written (spaces trimmed) when it names none.
func CountryOf(s string) string {
	if code, ok := CountryCode(s); ok {
		return code
	}
	return strings.TrimSpace(s)
}

// Countries remembers CountryOf's answers: a data set names a handful of
// countries over and over, and each answer costs a case conversion (an
// allocation) and map look-ups. The zero value is not ready; make one per
// file read.
type Countries map[string]string

// Of is CountryOf(s).
func (c Countries) Of(s string) string {
	code, ok := c[s]
	if !ok {
		code = CountryOf(s)
		// A copy: s is a piece of the file, far from the other keys
		// (every look-up compares with one).
		c[strings.Clone(s)] = code
	}
	return code
}

// CountryCode returns the ISO 3166-1 alpha-2 code of a country given as
// an alpha-2 or alpha-3 code or by name ("Ukraine", UCDP's "Russia (Soviet
// Union)"); ok is false when it is none of these.
func CountryCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	switch up := strings.ToUpper(s); {
	case s == "":
		return "", false
	case len(s) == 2 && iso3166.Name(up) != "":
		return up, true
	case len(s) == 3:
		if a2, ok := iso3166.Alpha2(up); ok {
			return a2, true
		}
	}
	names := countryNames()
	if c, ok := names[strings.ToLower(s)]; ok {
		return c, true
	}
	if c, ok := names[strings.ToLower(parenthetical.ReplaceAllString(s, ""))]; ok {
		return c, true
	}
	return "", false
}

// TrimSpace is strings.TrimSpace, without a call when s has nothing to
// trim (no space at either end), as most fields of a data set have not.
func TrimSpace(s string) string {
	if s == "" || notSpaceASCII(s[0]) && notSpaceASCII(s[len(s)-1]) {
		return s
	}
	return strings.TrimSpace(s)
}

// notSpaceASCII reports whether b is an ASCII byte other than a space:
// a string starting and ending with such a byte has no space to trim.
func notSpaceASCII(b byte) bool { return b > ' ' && b < utf8.RuneSelf }
