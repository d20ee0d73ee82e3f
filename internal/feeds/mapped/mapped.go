package mapped

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // timezone: names must resolve on systems without a zoneinfo database
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// The incident fields a mapping file's columns can fill.
const (
	FieldID         = "id"
	FieldTime       = "time"
	FieldType       = "type"
	FieldSubtype    = "subtype"
	FieldActor      = "actor"
	FieldCountry    = "country"
	FieldAdmin1     = "admin1"
	FieldLocation   = "location"
	FieldLat        = "lat"
	FieldLon        = "lon"
	FieldFatalities = "fatalities"
)

// Fields lists the keys of `columns`, in the order docs/feeds.md gives.
var Fields = []string{FieldID, FieldTime, FieldType, FieldSubtype, FieldActor, FieldCountry,
	FieldAdmin1, FieldLocation, FieldLat, FieldLon, FieldFatalities}

// requiredFields must be mapped to a column.
var requiredFields = []string{FieldTime, FieldType}

// topKeys are the keys of a mapping file.
var topKeys = []string{"format", "columns", "time_layouts", "timezone", "types", "country", "delimiter"}

// Mapping is a mapping file, validated.
type Mapping struct {
	// Format names the feed in summaries, in --input-format and in
	// Options.Categories; it is also the Source of its incidents.
	Format string
	// Columns maps incident fields (Fields) to the CSV's column names.
	Columns map[string]string
	// TimeLayouts are Go layouts tried in order (feeds.ISOLayouts when none).
	TimeLayouts []string
	// Location is where times without a zone are read (UTC by default).
	Location *time.Location
	// Types maps the source's categories (values of the type column) to
	// incident types.
	Types map[string]string
	// Country is the ISO alpha-2 code of incidents whose row gives none.
	Country string
	// Delimiter separates fields (',' by default).
	Delimiter rune
}

// Reader reads CSV files described by a Mapping.
type Reader struct {
	M Mapping
}

var _ feeds.Reader = (*Reader)(nil)

// New reads the mapping file at mappingPath. Every problem of the file is
// a diagnostic at its line and column; the reader is nil when there is an
// error.
func New(mappingPath string) (feeds.Reader, diag.Diagnostics) {
	data, err := os.ReadFile(mappingPath)
	if err != nil {
		return nil, diag.Diagnostics{diag.Errorf(diag.Range{File: mappingPath}, feeds.CodeIO, "reading the mapping file: %v", err)}
	}
	r, ds := Parse(mappingPath, data)
	if r == nil {
		return nil, ds
	}
	return r, ds
}

var formatName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Parse reads a mapping file's contents (name is for diagnostics).
func Parse(name string, data []byte) (*Reader, diag.Diagnostics) {
	c, root := feeds.ParseYAMLConfig(name, data)
	if root == nil {
		return nil, c.Diags
	}
	m := Mapping{Columns: map[string]string{}, Types: map[string]string{}, Location: time.UTC, Delimiter: ','}
	top := c.Mapping(root, "mapping file", topKeys...)

	if n, ok := top["format"]; !ok {
		c.Errorf(root, feeds.CodeMissingField, "missing `format`: the feed's name, such as my-feed")
	} else {
		parseFormat(c, n, &m)
	}
	if n, ok := top["columns"]; !ok {
		c.Errorf(root, feeds.CodeMissingField, "missing `columns`: incident field → column name, with at least %s", strings.Join(requiredFields, " and "))
	} else {
		parseColumns(c, n, &m)
	}
	for _, k := range []struct {
		key   string
		parse func(*feeds.YAMLConfig, *yaml.Node, *Mapping)
	}{
		{"time_layouts", parseTimeLayouts},
		{"timezone", parseTimezone},
		{"types", parseTypes},
		{"country", parseCountry},
		{"delimiter", parseDelimiter},
	} {
		if n, ok := top[k.key]; ok {
			k.parse(c, n, &m)
		}
	}

	c.Diags.Sort()
	if c.Diags.HasErrors() {
		return nil, c.Diags
	}
	return &Reader{M: m}, c.Diags
}

// parseFormat reads `format`, the feed's name.
func parseFormat(c *feeds.YAMLConfig, n *yaml.Node, m *Mapping) {
	if s, ok := c.String(n, "format"); ok {
		if !formatName.MatchString(s) {
			c.Errorf(n, feeds.CodeInvalidValue, "format %q: use lower-case letters, digits, - and _ (such as my-feed)", s)
		}
		m.Format = s
	}
}

// parseColumns reads `columns`, incident field → column name.
func parseColumns(c *feeds.YAMLConfig, n *yaml.Node, m *Mapping) {
	given := map[string]bool{}
	for _, p := range c.Pairs(n, "columns") {
		given[p.Key] = true
		if !slices.Contains(Fields, p.Key) {
			c.UnknownKey(p.KeyNode, "columns", Fields)
			continue
		}
		if col, ok := c.String(p.Value, "columns."+p.Key); ok {
			if strings.TrimSpace(col) == "" {
				c.Errorf(p.Value, feeds.CodeInvalidValue, "columns.%s: empty column name", p.Key)
				continue
			}
			m.Columns[p.Key] = col
		}
	}
	for _, f := range requiredFields {
		if !given[f] {
			c.Errorf(n, feeds.CodeMissingField, "columns: no column for %s (required: %s)", f, strings.Join(requiredFields, ", "))
		}
	}
	_, lat := m.Columns[FieldLat]
	_, lon := m.Columns[FieldLon]
	if lat != lon {
		c.Errorf(n, feeds.CodeMissingField, "columns: map both lat and lon, or neither")
	}
}

// parseTimeLayouts reads `time_layouts`, Go time layouts.
func parseTimeLayouts(c *feeds.YAMLConfig, n *yaml.Node, m *Mapping) {
	layouts, ok := c.Strings(n, "time_layouts")
	if !ok {
		return
	}
	for i, l := range layouts {
		if err := checkLayout(l); err != nil {
			item := n
			if i < len(n.Content) {
				item = n.Content[i]
			}
			c.Errorf(item, feeds.CodeInvalidValue, "time_layouts: %v", err)
		}
	}
	m.TimeLayouts = layouts
}

// parseTimezone reads `timezone`, an IANA time zone name.
func parseTimezone(c *feeds.YAMLConfig, n *yaml.Node, m *Mapping) {
	if s, ok := c.String(n, "timezone"); ok {
		loc, err := time.LoadLocation(s)
		if err != nil || s == "" || s == "Local" {
			c.Errorf(n, feeds.CodeInvalidValue, "timezone %q is not an IANA time zone name such as Europe/Kyiv or UTC", s)
		} else {
			m.Location = loc
		}
	}
}

// parseTypes reads `types`, category → incident type.
func parseTypes(c *feeds.YAMLConfig, n *yaml.Node, m *Mapping) {
	for _, p := range c.Pairs(n, "types") {
		if t, ok := c.Type(p.Value, fmt.Sprintf("types[%q]", p.Key)); ok {
			m.Types[p.Key] = t
		}
	}
}

// parseCountry reads `country`, the default country.
func parseCountry(c *feeds.YAMLConfig, n *yaml.Node, m *Mapping) {
	if s, ok := c.String(n, "country"); ok {
		if code, ok := feeds.CountryCode(s); ok {
			m.Country = code
		} else {
			c.Errorf(n, feeds.CodeInvalidValue, "country %q is not an ISO 3166-1 code or country name (such as UA)", s)
		}
	}
}

// parseDelimiter reads `delimiter`, one character.
func parseDelimiter(c *feeds.YAMLConfig, n *yaml.Node, m *Mapping) {
	if s, ok := c.String(n, "delimiter"); ok {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case s == "" || size != len(s):
			c.Errorf(n, feeds.CodeInvalidValue, "delimiter %q: give one character, such as \";\" or \"\\t\"", s)
		case r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError:
			c.Errorf(n, feeds.CodeInvalidValue, "delimiter %q cannot separate fields", s)
		default:
			m.Delimiter = r
		}
	}
}

// checkLayout refuses a time layout that does not give a date in Go's
// notation (a common mistake is writing DD/MM/YYYY).
func checkLayout(layout string) error {
	ref := time.Date(2024, time.November, 23, 17, 45, 31, 0, time.UTC)
	t, err := time.Parse(layout, ref.Format(layout))
	if err != nil || t.Year() != 2024 || t.Month() != time.November || t.Day() != 23 {
		return fmt.Errorf("%q does not give a year, month and day in Go's notation (write 2006 for the year, 01 for the month, 02 for the day, 15:04:05 for the time: 02/01/2006 15:04 is DD/MM/YYYY HH:MM)", layout)
	}
	return nil
}

// Format returns the mapping's format.
func (r *Reader) Format() string { return r.M.Format }

// columns returns the mapped column names, deduplicated, in field order.
func (r *Reader) columns() []string {
	var cols []string
	for _, f := range Fields {
		if c, ok := r.M.Columns[f]; ok && !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	return cols
}

// Detect reports whether head's header has every column the mapping names.
func (r *Reader) Detect(head []byte) bool {
	h := feeds.HeaderOf(head, r.M.Delimiter)
	return h != nil && h.Has(r.columns()...)
}

// Read reads every row of src as one incident. Columns are found by name
// (case, surrounding and repeated spaces do not matter); every mapped
// column must be in the header. The id is the id column's value or, with
// none mapped, FILE:LINE (the file's base name and the row's first line,
// as the other readers of files without ids do). The type column's value is the category:
// Options.Categories[format] first, then the mapping's types, else
// "other". Columns not mapped go to Fields.
func (r *Reader) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	m := r.M
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, m.Format)}
	cols := r.columns()
	c, ds := feeds.NewCSV(src, m.Delimiter, &res.Summary, opts, cols...)
	if c == nil {
		return res, ds
	}
	h := c.Header
	idx := func(field string) int {
		if col, ok := m.Columns[field]; ok {
			return h.Index(col)
		}
		return -1
	}
	var (
		iID, iTime, iType, iSubtype = idx(FieldID), idx(FieldTime), idx(FieldType), idx(FieldSubtype)
		iActor, iCountry, iAdmin1   = idx(FieldActor), idx(FieldCountry), idx(FieldAdmin1)
		iLocation, iLat, iLon, iFat = idx(FieldLocation), idx(FieldLat), idx(FieldLon), idx(FieldFatalities)
	)
	names := h.Names()
	rest := h.Others(cols...)
	// The extra columns: the others, then admin1 as written when it was
	// normalised.
	extra := h.Extra(rest, feeds.Get(names, iAdmin1))
	xAdmin1 := extra.At(0)
	base := filepath.Base(src.Name)
	ids := feeds.IDs{}
	for rec := range c.Rows() {
		id := fmt.Sprintf("%s:%d", base, c.Line())
		if iID >= 0 {
			id = strings.TrimSpace(rec[iID])
			if id == "" {
				c.Problem(iID, feeds.ReasonMissingID, "%s is empty", names[iID])
			}
		}
		if id != "" {
			ids.Check(c, max(iID, 0), id)
		}
		t, err := feeds.ParseTimeIn(rec[iTime], m.Location, m.TimeLayouts...)
		if err != nil {
			c.Problem(iTime, feeds.ReasonBadDate, "%s: %v", names[iTime], err)
		}
		lat, lon := c.LatLon(rec, iLat, iLon)
		fatalities := c.Count(rec, iFat)
		if c.Skipped() {
			continue
		}
		ids[id] = c.Line()

		category := strings.TrimSpace(rec[iType])
		typ, _ := res.Summary.Classify(opts, m.Format, category, m.Types)
		subtype := category
		if iSubtype >= 0 {
			subtype = strings.TrimSpace(rec[iSubtype])
		}

		fields := extra.Row(rec)
		written := strings.TrimSpace(feeds.Get(rec, iAdmin1))
		admin1 := feeds.Admin1(opts, written, lat, lon)
		if admin1 != written && written != "" {
			fields[xAdmin1] = written
		}
		country := r.country(feeds.Get(rec, iCountry))
		res.Incidents = append(res.Incidents, model.Incident{
			ID:         id,
			Time:       model.Timestamp{Time: t},
			Type:       typ,
			Subtype:    subtype,
			Actor:      strings.TrimSpace(feeds.Get(rec, iActor)),
			Country:    country,
			Admin1:     admin1,
			Location:   strings.TrimSpace(feeds.Get(rec, iLocation)),
			Lat:        lat,
			Lon:        lon,
			Fatalities: fatalities,
			Source:     m.Format,
		})
		extra.Set(&res.Incidents[len(res.Incidents)-1], fields)
	}
	return res, append(ds, c.Diags()...)
}

// country is the ISO code of the country column's value (written, as
// written, when it names no country), else the mapping's country.
func (r *Reader) country(written string) string {
	s := strings.TrimSpace(written)
	if s == "" {
		return r.M.Country
	}
	return feeds.CountryOf(s)
}
