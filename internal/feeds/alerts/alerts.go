package alerts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

const (
	// Format is the name users give to --input-format, and the key of
	// feeds.Options.Categories for this reader.
	Format = "alerts"
	// SourceName is the source of every incident read.
	SourceName = "air-raid-alerts"
	// Country is the country of every incident.
	Country = "UA"
)

// CodeMissingColumn: the header lacks a column Read needs.
const CodeMissingColumn = "missing-column"

// The columns Read interprets; every other column goes to Fields as written.
const (
	colOblast   = "oblast"
	colRaion    = "raion"
	colHromada  = "hromada"
	colLevel    = "level"
	colStarted  = "started_at"
	colFinished = "finished_at"
)

var required = []string{colOblast, colLevel, colStarted, colFinished}

// Keys Read adds to Fields.
const (
	// FieldEnd is the end of the alert, RFC 3339 in UTC; absent while an
	// alert has no end.
	FieldEnd = "end"
	// FieldDuration is the alert's length in whole seconds with the unit
	// ("1606s"), which Go's time.ParseDuration and CEL's duration() read;
	// absent while an alert has no end.
	FieldDuration = "duration"
)

// Reasons of skipped rows (the keys of feeds.Summary.SkippedBy).
const (
	ReasonCSV        = feeds.ReasonCSVSyntax
	ReasonFieldCount = feeds.ReasonFieldCount
	ReasonDate       = "bad date"
	ReasonValue      = "bad value" // the end is before the start
)

// NoCategory is the key of Summary.UnmappedBy for a row with an empty level.
const NoCategory = "(none)"

// defaults maps each level of the file to the incident type: every alert
// is an air_raid_alert; the level becomes the subtype.
var defaults = map[string]string{
	"oblast":  feeds.TypeAirRaidAlert,
	"raion":   feeds.TypeAirRaidAlert,
	"hromada": feeds.TypeAirRaidAlert,
}

// DefaultCategories returns a copy of the default table, level → type.
func DefaultCategories() map[string]string { return maps.Clone(defaults) }

// Reader reads official_data_en.csv. The zero value is ready to use.
type Reader struct{}

var _ feeds.Reader = Reader{}

// Format returns "alerts".
func (Reader) Format() string { return Format }

// Detect reports whether head starts with a header that has the columns
// oblast, level, started_at and finished_at.
func (Reader) Detect(head []byte) bool {
	h := feeds.HeaderOf(head, ',')
	return h != nil && h.Has(required...)
}

// Read reads every row of src: one incident per alert; a row that cannot
// be read is skipped with a diagnostic (a warning, an error under
// opts.Strict). A header without the required columns stops the reading
// with an error.
func (Reader) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, Format)}
	var ds diag.Diagnostics
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
	cols := feeds.Columns(header)
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			return res, ds.Append(diag.Errorf(f.Range(1, 1), CodeMissingColumn,
				"the header has no %s column; expected the columns %s", c, strings.Join(required, ", ")))
		}
	}
	r := &reading{opts: opts, cr: cr, sum: &res.Summary, base: filepath.Base(src.Name), cols: cols,
		names: make([]string, len(header)), interpreted: make([]bool, len(header)), admin1: map[string]string{}}
	for i, h := range header {
		r.names[i] = strings.TrimSpace(h)
	}
	for _, c := range []string{colOblast, colRaion, colHromada, colLevel, colStarted, colFinished} {
		if i, ok := cols[c]; ok {
			r.interpreted[i] = true
		}
	}
	// One incident per line at most (records may span lines).
	res.Incidents = make([]model.Incident, 0, bytes.Count(data, []byte{'\n'}))
	ds = ds.Append(feeds.ReadRows(f, cr, res, opts, r.row)...)
	return res, ds
}

type reading struct {
	opts        feeds.Options
	cr          *csv.Reader
	sum         *feeds.Summary
	base        string
	cols        map[string]int
	names       []string
	interpreted []bool
	admin1      map[string]string // oblast column → admin1, cached
}

// problem is why a row is skipped.
type problem = feeds.Problem

func (r *reading) get(rec []string, col string) string {
	if i, ok := r.cols[col]; ok {
		return strings.TrimSpace(rec[i])
	}
	return ""
}

func (r *reading) row(rec []string) (model.Incident, *problem) {
	line, _ := r.cr.FieldPos(0)
	start, err := parseUTC(rec[r.cols[colStarted]])
	if err != nil {
		return model.Incident{}, &problem{Col: r.cols[colStarted], Reason: ReasonDate, Message: fmt.Sprintf("%s %q: %v", colStarted, rec[r.cols[colStarted]], err)}
	}
	var end time.Time
	if raw := rec[r.cols[colFinished]]; strings.TrimSpace(raw) != "" {
		if end, err = parseUTC(raw); err != nil {
			return model.Incident{}, &problem{Col: r.cols[colFinished], Reason: ReasonDate, Message: fmt.Sprintf("%s %q: %v", colFinished, raw, err)}
		}
		if end.Before(start) {
			return model.Incident{}, &problem{Col: r.cols[colFinished], Reason: ReasonValue, Message: fmt.Sprintf("%s %s is before %s %s", colFinished, strings.TrimSpace(raw), colStarted, strings.TrimSpace(rec[r.cols[colStarted]]))}
		}
	}

	fields := make(map[string]string, len(rec)+2)
	for i, v := range rec {
		if v == "" || r.interpreted[i] {
			continue
		}
		if _, dup := fields[r.names[i]]; !dup {
			fields[r.names[i]] = v
		}
	}
	oblast, raion, hromada := r.get(rec, colOblast), r.get(rec, colRaion), r.get(rec, colHromada)
	for _, kv := range [...][2]string{{colOblast, oblast}, {colRaion, raion}, {colHromada, hromada}} {
		if kv[1] != "" {
			fields[kv[0]] = kv[1]
		}
	}
	if !end.IsZero() {
		fields[FieldEnd] = end.Format(time.RFC3339)
		fields[FieldDuration] = strconv.FormatInt(int64(end.Sub(start)/time.Second), 10) + "s"
	}

	level := r.get(rec, colLevel)
	typ, ok := feeds.Category(r.opts, Format, level, defaults)
	if ok {
		r.sum.Mapped++
	} else {
		typ = feeds.TypeOther
		if level == "" {
			r.sum.Unmap(NoCategory)
		} else {
			r.sum.Unmap(level)
		}
	}

	location := oblast
	if hromada != "" {
		location = hromada
	} else if raion != "" {
		location = raion
	}
	return model.Incident{
		ID:       fmt.Sprintf("%s:%d", r.base, line),
		Time:     model.Timestamp{Time: start},
		Type:     typ,
		Subtype:  level,
		Country:  Country,
		Admin1:   r.normalise(oblast),
		Location: location,
		Source:   SourceName,
		Fields:   fields,
	}, nil
}

// normalise maps the oblast column to an ISO 3166-2:UA code through
// opts.Oblasts ("" when it does not know the name), or keeps it as written
// without Oblasts.
func (r *reading) normalise(oblast string) string {
	if r.opts.Oblasts == nil || oblast == "" {
		return oblast
	}
	code, seen := r.admin1[oblast]
	if !seen {
		code, _ = r.opts.Oblasts.ByName(oblast)
		r.admin1[oblast] = code
	}
	return code
}

// parseUTC parses a time with its offset, as the file writes it
// ("2024-01-01 00:20:05+00:00"; "T" instead of the space and "Z" are
// accepted), and returns it in UTC. A time without an offset is refused
// rather than guessed.
func parseUTC(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse("2006-01-02 15:04:05Z07:00", s)
	if err != nil {
		t, err = time.Parse(time.RFC3339, s)
	}
	if err != nil {
		return time.Time{}, errors.New("not a time with its offset such as 2024-01-01 00:20:05+00:00")
	}
	if y := t.UTC().Year(); y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("year %d is outside %d…%d", y, minYear, maxYear)
	}
	return t.UTC(), nil
}

const (
	minYear = 1900
	maxYear = 2999
)

var bom = []byte("\ufeff")
