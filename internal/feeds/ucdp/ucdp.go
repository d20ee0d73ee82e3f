package ucdp

import (
	"bytes"
	"maps"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// Format is the name users give to --input-format, the key of
// feeds.Options.Categories and the Source of every incident.
const Format = "ucdp"

// The columns Read interprets. Every other column goes to the incident's
// fields (Incident.Columns) under its own name.
const (
	ColID         = "id"
	ColStart      = "date_start"
	ColEnd        = "date_end"
	ColPrecision  = "date_prec"
	ColViolence   = "type_of_violence"
	ColSideA      = "side_a"
	ColCountry    = "country"
	ColAdmin1     = "adm_1"
	ColWhere      = "where_coordinates"
	ColWherePrec  = "where_prec"
	ColLatitude   = "latitude"
	ColLongitude  = "longitude"
	ColFatalities = "best"
)

var required = []string{ColID, ColStart, ColViolence, ColFatalities}

// Layouts are the forms of date_start and date_end Read accepts: UCDP's
// YYYY-MM-DD (also with a time, as the API gives it), and the US forms
// Excel writes when it saves the file again: month first, always, since
// UCDP's own files have no day-first dates.
var Layouts = []string{
	feeds.LayoutDate,
	"2006-01-02 15:04:05",
	feeds.LayoutExcelUSShort,
	feeds.LayoutExcelUS,
	"1/2/2006",
}

// The categories of type_of_violence (the keys of the category table and
// of Options.Categories["ucdp"], and the incidents' Subtype).
const (
	StateBased = "state-based"
	NonState   = "non-state"
	OneSided   = "one-sided"
)

// violence names the codes of type_of_violence.
var violence = map[string]string{"1": StateBased, "2": NonState, "3": OneSided}

var defaults = map[string]string{
	StateBased: feeds.TypeBattle,
	NonState:   feeds.TypeBattle,
	OneSided:   feeds.TypeCivilianHarm,
}

// Defaults returns a copy of the default category table.
func Defaults() map[string]string { return maps.Clone(defaults) }

// precisions are the words of date_prec (UCDP GED codebook: 1 exact day,
// 2 a span of 2–6 days, 3 a week, 4 a month, 5 more than a month within
// a year).
var precisions = map[string]string{"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}

// Reader reads UCDP GED CSV files. The zero value is ready to use.
type Reader struct{}

var _ feeds.Reader = Reader{}

// Format returns "ucdp".
func (Reader) Format() string { return Format }

// Detect reports whether head starts with a header that has the columns
// id, date_start, type_of_violence and best.
func (Reader) Detect(head []byte) bool {
	h := feeds.HeaderOf(head, ',')
	return h != nil && h.Has(required...)
}

// Read reads every row of src: one incident per event, at date_start
// (00:00 UTC), with date_end and the precision in Fields. A row that
// cannot be read is skipped with a diagnostic (a warning, an error under
// opts.Strict); a header without the required columns stops the reading.
func (Reader) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, Format)}
	c, ds := feeds.NewCSV(src, ',', &res.Summary, opts, required...)
	if c == nil {
		return res, ds
	}
	h := c.Header
	var (
		iID, iStart, iEnd, iPrec = h.Index(ColID), h.Index(ColStart), h.Index(ColEnd), h.Index(ColPrecision)
		iViolence, iSideA        = h.Index(ColViolence), h.Index(ColSideA)
		iCountry, iAdmin1        = h.Index(ColCountry), h.Index(ColAdmin1)
		iWhere, iLat, iLon, iFat = h.Index(ColWhere), h.Index(ColLatitude), h.Index(ColLongitude), h.Index(ColFatalities)
		iWherePrec               = h.Index(ColWherePrec)
	)
	rest := h.Others(ColID, ColStart, ColEnd, ColViolence, ColSideA, ColCountry,
		ColAdmin1, ColWhere, ColLatitude, ColLongitude, ColFatalities)
	endName := feeds.Get(h.Names(), iEnd)
	// The extra columns: the others, then date_end as a date, the
	// precision as a word and admin1 as written when it was normalised.
	extra := h.Extra(rest, endName, feeds.FieldTimePrecision, ColAdmin1)
	xEnd, xPrec, xAdmin1 := extra.At(0), extra.At(1), extra.At(2)
	// One incident per line at most (records may span lines); the ids
	// map is sized for them too, not grown a row at a time.
	lines := bytes.Count(src.Data, []byte{'\n'})
	ids, countries := make(feeds.IDs, lines), feeds.Countries{}
	dates := newDates()
	res.Incidents = make([]model.Incident, 0, lines)
	for rec := range c.Rows() {
		id := feeds.TrimSpace(rec[iID])
		if id == "" {
			c.Problem(iID, feeds.ReasonMissingID, "%s is empty", ColID)
		} else {
			ids.Check(c, iID, id)
		}
		start, err := dates.parse(rec[iStart])
		if err != nil {
			c.Problem(iStart, feeds.ReasonBadDate, "%s: %v", ColStart, err)
		}
		end, endWritten := parseEnd(c, dates, rec, iEnd, start)
		lat, lon := c.LatLon(rec, iLat, iLon)
		fatalities := c.Count(rec, iFat)
		if c.Skipped() {
			continue
		}
		ids[id] = c.Line()

		code := feeds.TrimSpace(rec[iViolence])
		category, known := violence[code]
		if !known {
			category = code
		}
		typ, _ := res.Summary.Classify(opts, Format, category, defaults)

		fields := extra.Row(rec)
		if !end.IsZero() {
			fields[xEnd] = dates.format(endWritten, end)
		}
		if p := feeds.TrimSpace(feeds.Get(rec, iPrec)); p != "" {
			if w, ok := precisions[p]; ok {
				fields[xPrec] = w
			}
		}
		written := feeds.TrimSpace(feeds.Get(rec, iAdmin1))
		pLat, pLon := lat, lon
		if !pointInAdmin1(feeds.Get(rec, iWherePrec)) {
			pLat, pLon = nil, nil
		}
		admin1 := feeds.Admin1(opts, written, pLat, pLon)
		if admin1 != written && written != "" {
			fields[xAdmin1] = written
		}
		res.Incidents = append(res.Incidents, model.Incident{
			ID:         id,
			Time:       model.Timestamp{Time: start},
			Type:       typ,
			Subtype:    category,
			Actor:      feeds.TrimSpace(feeds.Get(rec, iSideA)),
			Country:    countries.Of(feeds.Get(rec, iCountry)),
			Admin1:     admin1,
			Location:   feeds.TrimSpace(feeds.Get(rec, iWhere)),
			Lat:        lat,
			Lon:        lon,
			Fatalities: fatalities,
			Source:     Format,
		})
		extra.Set(&res.Incidents[len(res.Incidents)-1], fields)
	}
	return res, append(ds, c.Diags()...)
}

// parseEnd parses the date_end column (iEnd, -1 when absent) of rec: the
// zero time when empty; a problem of the row when it is no date or
// before start. written is the column, spaces trimmed.
func parseEnd(c *feeds.CSV, d *dates, rec []string, iEnd int, start time.Time) (end time.Time, written string) {
	s := feeds.TrimSpace(feeds.Get(rec, iEnd))
	if s == "" {
		return time.Time{}, s
	}
	end, err := d.parse(s)
	switch {
	case err != nil:
		c.Problem(iEnd, feeds.ReasonBadDate, "%s: %v", ColEnd, err)
	case !start.IsZero() && end.Before(start):
		c.Problem(iEnd, feeds.ReasonBadDate, "%s %s is before %s %s",
			ColEnd, end.Format(feeds.LayoutDate), ColStart, start.Format(feeds.LayoutDate))
	}
	return end, s
}

// pointInAdmin1 reports whether a where_prec says the coordinates lie in
// the event's first-level unit: 1 exact, 2 within 25 km, 3 the
// second-level unit, 4 the first-level unit. From 5 on (a larger region
// such as "Donbas", the country, waters or airspace) UCDP gives the
// centroid of that area — (49, 32), Ukraine's, lies in Cherkasy oblast —
// so the point does not tell the unit. An absent where_prec trusts the
// point.
func pointInAdmin1(wherePrec string) bool {
	p, ok, err := feeds.ParseInt(wherePrec)
	return err == nil && (!ok || p <= 4)
}

// dates parses the dates of the rows with Layouts and formats date_end
// for Fields (formatDate). It remembers the date it parsed last (a row's
// date_end is mostly its date_start, and rows come in date order), and
// the dates not in UCDP's own form: Excel's files repeat a few dozen
// (74 in 894 rows), which are slower to parse than UCDP's.
type dates struct {
	last  string // the date parsed last, as written
	lastP parsedDate
	known map[string]parsedDate // by the date as written
	// formatted maps date_end as written to formatDate's text: files
	// repeat a few hundred dates, each formatted once.
	formatted map[string]string
}

type parsedDate struct {
	t   time.Time
	err error
}

func newDates() *dates {
	return &dates{known: map[string]parsedDate{}, formatted: map[string]string{}}
}

// parse is feeds.ParseTime(s, Layouts...).
func (d *dates) parse(s string) (time.Time, error) {
	if s == d.last && s != "" {
		return d.lastP.t, d.lastP.err
	}
	p, ok := parsedDate{}, false
	if isDate(s) {
		p.t, p.err = feeds.ParseTime(s, Layouts...)
	} else if p, ok = d.known[s]; !ok {
		p.t, p.err = feeds.ParseTime(s, Layouts...)
		d.known[strings.Clone(s)] = p
	}
	d.last, d.lastP = s, p
	return p.t, p.err
}

// format returns formatDate(end) for end parsed from written.
func (d *dates) format(written string, end time.Time) string {
	if isDate(written) {
		// Of Layouts only LayoutDate reads it, every digit at a fixed
		// place: written is already how formatDate writes end.
		return written
	}
	f, ok := d.formatted[written]
	if !ok {
		f = formatDate(end)
		d.formatted[strings.Clone(written)] = f
	}
	return f
}

// isDate reports whether s may be a date in UCDP's own form,
// YYYY-MM-DD: ten bytes with these dashes.
func isDate(s string) bool {
	return len(s) == len(feeds.LayoutDate) && s[4] == '-' && s[7] == '-'
}

// formatDate writes a date as YYYY-MM-DD, or RFC 3339 when it has a time
// of day.
func formatDate(t time.Time) string {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(feeds.LayoutDate)
	}
	return t.Format(time.RFC3339)
}
