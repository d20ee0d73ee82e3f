package incidents

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/csvpos"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// Format names.
const (
	FormatJSONL = "jsonl"
	FormatYAML  = "yaml"
)

// ReasonMissingType is the key of Summary.SkippedBy for an incident
// without a type.
const ReasonMissingType = "missing type"

// record is an incident as a JSON object (and as a YAML mapping when
// written): the fields of docs/language.md's Incidents kind.
type record struct {
	ID         string            `json:"id" yaml:"id"`
	Time       string            `json:"time" yaml:"time"`
	Type       string            `json:"type" yaml:"type"`
	Subtype    string            `json:"subtype,omitempty" yaml:"subtype,omitempty"`
	Actor      string            `json:"actor,omitempty" yaml:"actor,omitempty"`
	Country    string            `json:"country,omitempty" yaml:"country,omitempty"`
	Admin1     string            `json:"admin1,omitempty" yaml:"admin1,omitempty"`
	Location   string            `json:"location,omitempty" yaml:"location,omitempty"`
	Lat        *float64          `json:"lat,omitempty" yaml:"lat,omitempty"`
	Lon        *float64          `json:"lon,omitempty" yaml:"lon,omitempty"`
	Fatalities int               `json:"fatalities,omitempty" yaml:"fatalities,omitempty"`
	Source     string            `json:"source,omitempty" yaml:"source,omitempty"`
	Fields     map[string]string `json:"fields,omitempty" yaml:"fields,omitempty"`
}

// keys are the keys of a record, in the order they are written.
var keys = []string{"id", "time", "type", "subtype", "actor", "country", "admin1", "location",
	"lat", "lon", "fatalities", "source", "fields"}

func toRecord(inc model.Incident) record {
	return record{
		ID: inc.ID, Time: inc.Time.UTC().Format(time.RFC3339Nano), Type: inc.Type, Subtype: inc.Subtype,
		Actor: inc.Actor, Country: inc.Country, Admin1: inc.Admin1, Location: inc.Location,
		Lat: inc.Lat, Lon: inc.Lon, Fatalities: inc.Fatalities, Source: inc.Source, Fields: inc.FieldMap(),
	}
}

// WriteJSONL writes incidents as JSON Lines, one object per line, times
// in RFC 3339 (UTC), empty fields left out: what JSONL reads back.
func WriteJSONL(w io.Writer, incs []model.Incident) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, inc := range incs {
		if err := enc.Encode(toRecord(inc)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// JSONL reads backstop's JSON Lines: one incident per line as a JSON
// object with the fields of docs/language.md. The zero value is ready.
type JSONL struct{}

var _ feeds.Reader = JSONL{}

// Format returns "jsonl".
func (JSONL) Format() string { return FormatJSONL }

// Detect reports whether the first byte that is not white space is "{".
func (JSONL) Detect(head []byte) bool {
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && head[0] == '{'
}

// Read reads every non-blank line of src as one incident. A line that is
// not a JSON object with an id, an RFC 3339 time and a type, that has
// unknown or repeated keys, bad coordinates or negative fatalities, or an
// id already used is skipped with a diagnostic (a warning, an error under
// opts.Strict). A type outside the vocabulary becomes "other" (unless
// Options.Categories["jsonl"] maps it) and is counted as unmapped.
func (JSONL) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, FormatJSONL)}
	pos := lazyPos{name: src.Name, data: src.Data}
	var (
		ds  diag.Diagnostics
		row feeds.Row
		ids = map[string]int{}
	)
	data := src.Data
	for lineNo := 1; len(data) > 0; lineNo++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		res.Summary.Read++
		at := func(byteCol int) diag.Range { return pos.Range(lineNo, byteCol) }
		inc, ok := decodeLine(line, at, &row)
		if ok {
			if first, dup := ids[inc.ID]; dup {
				row.Problem(at(keyColumn(line, "id")), feeds.ReasonDuplicateID, "id %q already used on line %d", inc.ID, first)
			}
		}
		rowDiags, skipped := row.Flush(&res.Summary, opts)
		ds = append(ds, rowDiags...)
		if skipped {
			continue
		}
		ids[inc.ID] = lineNo
		mapType(&inc, opts, FormatJSONL, &res.Summary)
		res.Incidents = append(res.Incidents, inc)
	}
	return res, ds
}

// lazyPos indexes the lines of the data for diagnostics on the first
// one: a file without problems never pays for the index.
type lazyPos struct {
	name string
	data []byte
	pos  *csvpos.Source
}

func (l *lazyPos) Range(line, byteCol int) diag.Range {
	if l.pos == nil {
		l.pos = csvpos.New(l.name, l.data)
	}
	return l.pos.Range(line, byteCol)
}

// decodeLine decodes one line, recording its problems in row: in one
// pass (fastRecord) when the line is well formed, else with
// encoding/json, whose errors the diagnostics quote.
func decodeLine(line []byte, at func(byteCol int) diag.Range, row *feeds.Row) (model.Incident, bool) {
	r, ok := fastRecord(line)
	if !ok && !slowRecord(line, at, row, &r) {
		return model.Incident{}, false
	}
	return checkRecord(line, &r, at, row)
}

// slowRecord decodes line into r as json.Unmarshal does, after checking
// that it is one JSON object without unknown or repeated keys; it records
// every problem in row.
func slowRecord(line []byte, at func(byteCol int) diag.Range, row *feeds.Row, r *record) bool {
	offsets, err := topLevelKeys(line)
	if err != nil {
		col := 1
		var se *json.SyntaxError
		if errors.As(err, &se) {
			col = max(int(se.Offset), 1)
		}
		row.Problem(at(col), feeds.ReasonBadValue, "not a JSON object: %s", strings.TrimPrefix(err.Error(), "json: "))
		return false
	}
	for _, k := range offsets {
		switch {
		case !slices.Contains(keys, k.name):
			row.Problem(at(k.col), feeds.ReasonBadValue, "unknown key %q; expected %s", k.name, strings.Join(keys, ", "))
		case k.dup:
			row.Problem(at(k.col), feeds.ReasonBadValue, "key %q given twice", k.name)
		}
	}
	if row.Bad() {
		return false
	}
	if err := json.Unmarshal(line, r); err != nil {
		col := 1
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			col = keyColumn(line, strings.SplitN(te.Field, ".", 2)[0])
			row.Problem(at(col), feeds.ReasonBadValue, "%s: expected %s, got a JSON %s", te.Field, goType(te.Type.String()), te.Value)
		} else {
			row.Problem(at(col), feeds.ReasonBadValue, "%s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return false
	}
	return true
}

// checkRecord turns a decoded record into an incident, recording its
// missing and out-of-range values in row.
func checkRecord(line []byte, r *record, at func(byteCol int) diag.Range, row *feeds.Row) (model.Incident, bool) {
	inc := model.Incident{ID: strings.TrimSpace(r.ID), Type: strings.TrimSpace(r.Type), Subtype: r.Subtype,
		Actor: r.Actor, Country: r.Country, Admin1: r.Admin1, Location: r.Location, Lat: r.Lat, Lon: r.Lon,
		Fatalities: r.Fatalities, Source: r.Source, Fields: r.Fields}
	if inc.ID == "" {
		row.Problem(at(keyColumn(line, "id")), feeds.ReasonMissingID, "no id")
	}
	if strings.TrimSpace(r.Time) == "" {
		row.Problem(at(keyColumn(line, "time")), feeds.ReasonBadDate, "no time")
	} else if err := inc.Time.UnmarshalText([]byte(r.Time)); err != nil {
		row.Problem(at(keyColumn(line, "time")), feeds.ReasonBadDate, "%v", err)
	}
	if inc.Type == "" {
		row.Problem(at(keyColumn(line, "type")), ReasonMissingType, "no type")
	}
	switch {
	case (r.Lat == nil) != (r.Lon == nil):
		row.Problem(at(keyColumn(line, "lat", "lon")), feeds.ReasonBadCoordinates, "give both lat and lon, or neither")
	case r.Lat != nil && (*r.Lat < -90 || *r.Lat > 90):
		row.Problem(at(keyColumn(line, "lat")), feeds.ReasonBadCoordinates, "lat %g is outside -90..90", *r.Lat)
	case r.Lon != nil && (*r.Lon < -180 || *r.Lon > 180):
		row.Problem(at(keyColumn(line, "lon")), feeds.ReasonBadCoordinates, "lon %g is outside -180..180", *r.Lon)
	}
	if r.Fatalities < 0 {
		row.Problem(at(keyColumn(line, "fatalities")), feeds.ReasonBadNumber, "fatalities %d is negative", r.Fatalities)
	}
	return inc, !row.Bad()
}

func goType(t string) string {
	switch t {
	case "string":
		return "a string"
	case "int":
		return "a whole number"
	case "float64", "*float64":
		return "a number"
	case "map[string]string":
		return "an object of strings"
	case "incidents.record":
		return "an object"
	}
	return t
}

type keyAt struct {
	name string
	col  int // 1-based byte column of the key's opening quote
	dup  bool
}

// topLevelKeys checks that line is one JSON object and returns its keys
// with their columns, in order.
func topLevelKeys(line []byte) ([]keyAt, error) {
	if !json.Valid(line) {
		var v any
		return nil, json.Unmarshal(line, &v) // for the SyntaxError and its offset
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("got %s", describeToken(tok))
	}
	var out []keyAt
	seen := map[string]bool{}
	for dec.More() {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		col := bytes.IndexByte(line[start:], '"') + int(start) + 1
		out = append(out, keyAt{name: name, col: col, dup: seen[name]})
		seen[name] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func describeToken(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "a JSON array"
	case string:
		return "a JSON string"
	case nil:
		return "null"
	}
	return fmt.Sprintf("the value %v", tok)
}

// keyColumn returns the column of the first of names that is a key of
// the line's object, or 1.
func keyColumn(line []byte, names ...string) int {
	ks, err := topLevelKeys(line)
	if err != nil {
		return 1
	}
	for _, n := range names {
		for _, k := range ks {
			if k.name == n {
				return k.col
			}
		}
	}
	return 1
}

// identity is the default category table of backstop's own formats: the
// vocabulary maps to itself.
var identity = func() map[string]string {
	m := map[string]string{}
	for _, t := range feeds.Types() {
		m[t] = t
	}
	return m
}()

// mapType passes inc.Type through the category table (the vocabulary,
// then Options.Categories[format]); a type neither knows becomes "other",
// the type as written kept in Fields["type"].
func mapType(inc *model.Incident, opts feeds.Options, format string, sum *feeds.Summary) {
	t, ok := feeds.Category(opts, format, inc.Type, identity)
	if !ok {
		if inc.Fields == nil {
			inc.Fields = map[string]string{}
		}
		inc.Fields["type"] = inc.Type
		sum.Unmap(inc.Type)
		inc.Type = feeds.TypeOther
		return
	}
	sum.Mapped++
	inc.Type = t
}
