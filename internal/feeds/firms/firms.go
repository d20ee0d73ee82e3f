package firms

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// Format is the name users give to --input-format and the Source of every
// incident.
const Format = "firms"

// TypeThermalAnomaly is the type of every FIRMS incident: a satellite
// detection of a hot spot (a fire, a burning strike site, a flare).
const TypeThermalAnomaly = "thermal_anomaly"

// The columns Read interprets, matched in any case. Every other column
// goes to the incident's fields (Incident.Columns) under its own name.
const (
	ColLatitude  = "latitude"
	ColLongitude = "longitude"
	ColDate      = "acq_date"
	ColTime      = "acq_time"
)

// required are the columns without which a file is not FIRMS's; Detect
// looks for them.
var required = []string{ColLatitude, ColLongitude, ColDate}

// Reader reads FIRMS CSV files. The zero value is ready to use.
type Reader struct{}

var _ feeds.Reader = Reader{}

// Format returns "firms".
func (Reader) Format() string { return Format }

// Detect reports whether head starts with a header that has the columns
// latitude, longitude and acq_date (in any case).
func (Reader) Detect(head []byte) bool {
	h := feeds.HeaderOf(head, ',')
	return h != nil && h.Has(required...)
}

// Read reads every row of src: one incident of type thermal_anomaly per
// detection, with id FILE:LINE. Coordinates are required: a row without
// them, with one only, out of range or exactly 0,0 is skipped as "bad
// coordinates". A row that cannot be read is a diagnostic (a warning, an
// error under opts.Strict); a header without the required columns stops
// the reading.
func (Reader) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, Format)}
	c, ds := feeds.NewCSV(src, ',', &res.Summary, opts, required...)
	if c == nil {
		return res, ds
	}
	h := c.Header
	iLat, iLon, iDate, iTime := h.Index(ColLatitude), h.Index(ColLongitude), h.Index(ColDate), h.Index(ColTime)
	rest := h.Others(ColLatitude, ColLongitude, ColDate, ColTime)
	extra := h.Extra(rest, feeds.FieldTimePrecision)
	xPrec := extra.At(0)
	base := filepath.Base(src.Name)
	for rec := range c.Rows() {
		t, err := feeds.ParseTime(rec[iDate], feeds.LayoutDate)
		if err != nil {
			c.Problem(iDate, feeds.ReasonBadDate, "%s: %v", h.Names()[iDate], err)
		}
		precision := "day"
		if s := strings.TrimSpace(feeds.Get(rec, iTime)); s != "" {
			if d, err := clock(s); err != nil {
				c.Problem(iTime, feeds.ReasonBadDate, "%s: %v", h.Names()[iTime], err)
			} else {
				t = t.Add(d)
				precision = "minute"
			}
		}
		lat, lon := coordinates(c, rec, iLat, iLon)
		if c.Skipped() {
			continue
		}
		res.Summary.Mapped++

		fields := extra.Row(rec)
		fields[xPrec] = precision
		var admin1, country string
		if opts.Oblasts != nil {
			if code, ok := opts.Oblasts.ByPoint(*lat, *lon); ok {
				admin1, country = code, "UA"
			}
		}
		res.Incidents = append(res.Incidents, model.Incident{
			ID:      base + ":" + strconv.Itoa(c.Line()),
			Time:    model.Timestamp{Time: t},
			Type:    TypeThermalAnomaly,
			Country: country,
			Admin1:  admin1,
			Lat:     lat,
			Lon:     lon,
			Source:  Format,
		})
		extra.Set(&res.Incidents[len(res.Incidents)-1], fields)
	}
	return res, append(ds, c.Diags()...)
}

// coordinates reads the required point of a row: feeds.CSV.LatLon, and a
// problem (ReasonBadCoordinates) when both are empty or the point is 0,0,
// the placeholder of a missing position.
func coordinates(c *feeds.CSV, rec []string, iLat, iLon int) (lat, lon *float64) {
	lat, lon = c.LatLon(rec, iLat, iLon)
	switch {
	case lat == nil:
		if strings.TrimSpace(rec[iLat]) == "" && strings.TrimSpace(rec[iLon]) == "" {
			c.Problem(iLat, feeds.ReasonBadCoordinates, "no coordinates: %s and %s are empty",
				c.Header.Names()[iLat], c.Header.Names()[iLon])
		}
		return nil, nil
	case *lat == 0 && *lon == 0:
		c.Problem(iLat, feeds.ReasonBadCoordinates, "the point 0,0 is a placeholder, not a position")
		return nil, nil
	}
	return lat, lon
}

// clock reads acq_time, the time of day in UTC: HH:MM:SS or HH:MM as the
// Economist's and FIRMS's web exports write it, or FIRMS's HHMM, which
// spreadsheets and pandas often shorten to H:MM digits ("26" is 00:26).
func clock(s string) (time.Duration, error) {
	var hh, mm, ss int
	var err error
	switch parts := strings.Split(s, ":"); {
	case len(parts) == 1:
		if len(s) > 4 || !digits(s) {
			return 0, fmt.Errorf("%q is not a time of day: write HH:MM:SS or HHMM", s)
		}
		n, _ := strconv.Atoi(s)
		hh, mm = n/100, n%100
	case len(parts) <= 3:
		for i, p := range parts {
			if len(p) < 1 || len(p) > 2 || !digits(p) {
				return 0, fmt.Errorf("%q is not a time of day: write HH:MM:SS or HHMM", s)
			}
			n, _ := strconv.Atoi(p)
			switch i {
			case 0:
				hh = n
			case 1:
				mm = n
			case 2:
				ss = n
			}
		}
	default:
		return 0, fmt.Errorf("%q is not a time of day: write HH:MM:SS or HHMM", s)
	}
	if hh > 23 || mm > 59 || ss > 59 {
		err = fmt.Errorf("%q is not a time of day: hours 0–23, minutes and seconds 0–59", s)
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second, err
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
