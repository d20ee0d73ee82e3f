package oblast

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/geo"
)

// crosswalkCSV names the 27 units and the spellings data sets use.
// © Мінрегіон (Minregion), CC BY-SA, via peacerep/ukraine-map; crosswalk
// columns by the backstop project. See ATTRIBUTION.md.
//
//go:embed crosswalk.csv
var crosswalkCSV string

// Unit is one of the 27 first-level units.
type Unit struct {
	// Code is the ISO 3166-2:UA code, "UA-14".
	Code string
	// Name is the English name, "Donetsk Oblast".
	Name string
	// Admin1 is the official Ukrainian name, "Донецька область".
	Admin1 string
	// AreaKm2 is the unit's area computed from the Minregion polygons.
	AreaKm2 float64
}

// Region is a unit with its polygons.
type Region struct {
	Unit
	Shape geo.MultiPolygon
}

// Table maps names, and points when polygons are loaded, to units. It is
// read-only once built and safe for concurrent use.
type Table struct {
	units  []Unit            // in the crosswalk's order, by code
	byKey  map[string]string // normalised spelling → code; "" when ambiguous
	shapes []geo.MultiPolygon
	index  *geo.Index
}

// New returns a table of names only: ByPoint finds nothing.
func New() *Table {
	t, err := parseCrosswalk(crosswalkCSV)
	if err != nil {
		// The embedded file is checked by the tests; this cannot happen in
		// a released binary.
		panic("oblast: the embedded crosswalk is invalid: " + err.Error())
	}
	return t
}

// Priorities of the sources of spellings, strongest first; a spelling
// known without its suffix ("Kharkiv region" → "kharkiv") ranks after all
// full spellings.
const (
	fromAlias = iota
	fromOfficial
	fromFirstObserved
	fromOtherObserved
	stripped = 10
)

var codeSyntax = regexp.MustCompile(`^UA-\d\d$`)

func parseCrosswalk(src string) (*Table, error) {
	r := csv.NewReader(strings.NewReader(src))
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	want := []string{"ADMIN_1", "iso3166_2", "name_en", "area_km2_computed", "acled_admin1_observed", "ucdp_adm_1_observed", "air_raid_alerts_oblast"}
	if len(rows) == 0 || !slices.Equal(rows[0], want) {
		return nil, fmt.Errorf("the header is not %v", want)
	}
	t := &Table{byKey: map[string]string{}}
	n := namer{t: t, level: map[string]int{}}
	for _, a := range aliases {
		n.add(a.name, a.code, fromAlias)
	}
	for _, row := range rows[1:] {
		code := row[1]
		if !codeSyntax.MatchString(code) || slices.ContainsFunc(t.units, func(u Unit) bool { return u.Code == code }) {
			return nil, fmt.Errorf("bad or repeated code %q", code)
		}
		area, err := strconv.ParseFloat(row[3], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: area: %v", code, err)
		}
		t.units = append(t.units, Unit{Code: code, Name: row[2], Admin1: row[0], AreaKm2: area})
		for _, s := range []string{row[0], row[1], row[2]} {
			n.add(s, code, fromOfficial)
		}
		for _, col := range row[4:] {
			for i, s := range strings.Split(col, "|") {
				n.add(s, code, min(fromFirstObserved+i, fromOtherObserved))
			}
		}
	}
	if len(t.units) != 27 {
		return nil, fmt.Errorf("%d units, want 27", len(t.units))
	}
	for _, a := range aliases {
		if !slices.ContainsFunc(t.units, func(u Unit) bool { return u.Code == a.code }) {
			return nil, fmt.Errorf("alias %q names unknown code %s", a.name, a.code)
		}
	}
	if len(n.conflicts) > 0 {
		return nil, fmt.Errorf("spellings of several units: %s", strings.Join(n.conflicts, ", "))
	}
	return t, nil
}

// namer fills Table.byKey, keeping for each spelling its strongest
// source; two units claiming a spelling with the same strength make it
// ambiguous, an error unless the spelling is a minority observation or a
// stripped form.
type namer struct {
	t         *Table
	level     map[string]int
	conflicts []string
}

func (n *namer) add(name, code string, level int) {
	k := key(name)
	if k == "" {
		return
	}
	n.put(name, k, code, level)
	if s, ok := strip(k); ok {
		n.put(name, s, code, level+stripped)
	}
}

func (n *namer) put(name, k, code string, level int) {
	old, known := n.t.byKey[k]
	switch {
	case !known || level < n.level[k]:
		n.t.byKey[k], n.level[k] = code, level
	case level == n.level[k] && old != code && old != "":
		n.t.byKey[k] = ""
		if level < fromOtherObserved {
			n.conflicts = append(n.conflicts, fmt.Sprintf("%q (%s, %s)", name, old, code))
		}
	}
}

// key normalises a spelling: lower case, letters and digits only, so that
// case, spaces, hyphens, apostrophes and dots do not matter.
func key(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// strip removes a suffix such as "oblast" from a key.
func strip(k string) (string, bool) {
	for _, s := range suffixes {
		if rest, ok := strings.CutSuffix(k, s); ok && rest != "" {
			return rest, true
		}
	}
	return "", false
}

// ByName maps a spelling to its unit's code: the official Ukrainian and
// English names, the code itself, the spellings observed in ACLED, UCDP
// and the air-raid alerts, and the aliases of aliases.go, ignoring case,
// spaces and punctuation, with or without a suffix such as "oblast" or
// "region".
func (t *Table) ByName(name string) (code string, ok bool) {
	k := key(name)
	if c, known := t.byKey[k]; known {
		return c, c != ""
	}
	if s, stripped := strip(k); stripped {
		if c, known := t.byKey[s]; known {
			return c, c != ""
		}
	}
	return "", false
}

// ByPoint returns the unit holding the point, when the table was loaded
// with polygons (Load); a point outside Ukraine's units, or any point in a
// names-only table, is not found.
func (t *Table) ByPoint(lat, lon float64) (code string, ok bool) {
	if t.index == nil {
		return "", false
	}
	i, ok := t.index.Locate(lon, lat)
	if !ok {
		return "", false
	}
	return t.units[i].Code, true
}

// HasPolygons reports whether the table was loaded with polygons.
func (t *Table) HasPolygons() bool { return t.index != nil }

// Units returns the 27 units, by code.
func (t *Table) Units() []Unit { return slices.Clone(t.units) }

// Unit returns the unit of a code.
func (t *Table) Unit(code string) (Unit, bool) {
	i := slices.IndexFunc(t.units, func(u Unit) bool { return u.Code == code })
	if i < 0 {
		return Unit{}, false
	}
	return t.units[i], true
}

// Polygons returns the 27 units with their polygons, by code, in the order
// of Index; nil for a names-only table.
func (t *Table) Polygons() []Region {
	if t.shapes == nil {
		return nil
	}
	out := make([]Region, len(t.units))
	for i, u := range t.units {
		out[i] = Region{Unit: u, Shape: t.shapes[i]}
	}
	return out
}

// Index returns the prepared polygons, region i being Polygons()[i]; nil
// for a names-only table.
func (t *Table) Index() *geo.Index { return t.index }

// Load reads the polygons of the 27 units from a GeoJSON file such as
// ../shared/data/ua-oblasts/oblast.geojson (Minregion's, one feature per
// unit with its Ukrainian name in the property ADMIN_1) and returns a table
// that also answers ByPoint.
func Load(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(path, f)
}

// Error lists the problems of a file of oblast polygons, each positioned
// in the file when it can be.
type Error struct {
	Diagnostics diag.Diagnostics
}

// Error returns one line per problem, FILE:LINE:COL: message.
func (e *Error) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = strings.Replace(d.String(), ": error: ", ": ", 1)
	}
	return strings.Join(lines, "\n")
}

// Diagnostic codes of Error.
const (
	CodeGeoJSON = "geojson"
	CodeUnit    = "oblast-unit"
)

// Read is Load for a file already open; name is the file name errors
// carry. A feature is matched to its unit by ADMIN_1 (or, failing that, a
// name_en or name property) through ByName. Problems with the file are an
// *Error, every feature checked before giving up; a failure to read r is
// returned as it is.
func Read(name string, r io.Reader) (*Table, error) {
	fs, err := geo.ReadGeoJSON(r)
	if err != nil {
		var ge *geo.Error
		if !errors.As(err, &ge) {
			return nil, err
		}
		return nil, &Error{diag.Diagnostics{diag.Errorf(diagRange(name, ge.Pos), CodeGeoJSON, "%s", ge.Msg)}}
	}
	t := New()
	t.shapes = make([]geo.MultiPolygon, len(t.units))
	found := make([]geo.Pos, len(t.units))
	var ds diag.Diagnostics
	at := func(p geo.Pos, format string, args ...any) {
		ds = ds.Append(diag.Errorf(diagRange(name, p), CodeUnit, format, args...))
	}
	for _, f := range fs {
		code, label := "", ""
		for _, prop := range []string{"ADMIN_1", "name_en", "name"} {
			if s, ok := f.Properties[prop].(string); ok && label == "" {
				label = s
				code, _ = t.ByName(s)
			}
		}
		i := slices.IndexFunc(t.units, func(u Unit) bool { return u.Code == code })
		switch {
		case label == "":
			at(f.Pos, "the feature has no ADMIN_1 property naming its unit")
		case i < 0:
			at(f.Pos, "ADMIN_1 %q is not one of Ukraine's 27 first-level units", label)
		case found[i].Line > 0:
			at(f.Pos, "%s (%s) appears twice; first at line %d", t.units[i].Name, code, found[i].Line)
		default:
			found[i] = f.Pos
			t.shapes[i] = f.Geometry
		}
	}
	var missing []string
	for i, p := range found {
		if p.Line == 0 {
			missing = append(missing, t.units[i].Code)
		}
	}
	if len(missing) > 0 {
		at(geo.Pos{}, "no polygons for %s; the file must hold all 27 units", strings.Join(missing, ", "))
	}
	if len(ds) > 0 {
		return nil, &Error{ds}
	}
	t.index = geo.NewIndex(t.shapes)
	return t, nil
}

func diagRange(file string, p geo.Pos) diag.Range {
	r := diag.Range{File: file}
	if p.Line > 0 {
		r.Start = diag.Pos{Line: p.Line, Column: p.Column, Byte: p.Offset}
		r.End = r.Start
	}
	return r
}
