package territory

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// Snapshot is one map of the occupied territory.
type Snapshot struct {
	// Date is the snapshot's date: for DeepStateMap files, the download
	// date of the file name (the state as of the previous evening, Kyiv
	// time).
	Date model.Date
	// Area is the occupied area in km².
	Area float64
	// Polygons and Vertices count the map's polygons and positions.
	Polygons, Vertices int
	// Shape is the occupied area: every polygon of every feature.
	Shape geo.MultiPolygon
	// File is the file the snapshot was read from.
	File string

	prepared *geo.Shape
}

// NewSnapshot makes a snapshot of a shape, measured and prepared for
// queries.
func NewSnapshot(date model.Date, file string, shape geo.MultiPolygon) *Snapshot {
	p := geo.Prepare(shape)
	return &Snapshot{
		Date: date, Area: p.Area(), Polygons: len(shape), Vertices: shape.Vertices(),
		Shape: shape, File: file, prepared: p,
	}
}

// shape returns the prepared shape, preparing it again for a Snapshot not
// made by NewSnapshot.
func (s *Snapshot) shape() *geo.Shape {
	if s.prepared != nil {
		return s.prepared
	}
	return geo.Prepare(s.Shape)
}

// Occupied reports whether the point lies in the snapshot's occupied area.
func (s *Snapshot) Occupied(lat, lon float64) bool {
	return s.shape().Contains(lon, lat)
}

// Diagnostic codes of the problems loading snapshots.
const (
	CodeIO      = "io"
	CodeGeoJSON = "geojson"
	CodeNoDate  = "snapshot-date"
	CodeEmpty   = "snapshot-empty"
)

// Error is a problem reading a snapshot file, at a position when known.
type Error struct {
	File string
	// Pos is the position in the file; zero for the whole file.
	Pos geo.Pos
	// Code is one of the Code constants.
	Code string
	Err  error
}

func (e *Error) Error() string {
	d := e.Diagnostic()
	if e.Pos.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Column, d.Summary)
	}
	return e.File + ": " + d.Summary
}

func (e *Error) Unwrap() error { return e.Err }

// Diagnostic returns the error as a diagnostic.
func (e *Error) Diagnostic() diag.Diagnostic {
	r := diag.Range{File: e.File}
	if e.Pos.Line > 0 {
		p := diag.Pos{Line: e.Pos.Line, Column: e.Pos.Column, Byte: e.Pos.Offset}
		r.Start, r.End = p, p
	}
	msg := unwrapPath(e.Err).Error()
	var ge *geo.Error
	if errors.As(e.Err, &ge) {
		msg = ge.Msg
	}
	return diag.Errorf(r, e.Code, "%s", msg)
}

// ErrNoDate says a file name does not carry the snapshot's date.
var ErrNoDate = errors.New("no date in the file name; name the file deepstatemap_data_YYYYMMDD.geojson or give its date (--date)")

var fileName = regexp.MustCompile(`^deepstatemap_data_(\d{4})(\d{2})(\d{2})\.geojson$`)

// DateFromName returns the date of a DeepStateMap file name,
// deepstatemap_data_YYYYMMDD.geojson (any folder).
func DateFromName(path string) (model.Date, bool) {
	m := fileName.FindStringSubmatch(filepath.Base(path))
	if m == nil {
		return model.Date{}, false
	}
	d, err := model.ParseDate(m[1] + "-" + m[2] + "-" + m[3])
	return d, err == nil
}

// LoadSnapshot reads a snapshot dated by its file name. A file whose name
// carries no date is an *Error wrapping ErrNoDate: name it so, or read it
// with ReadSnapshot and the date the user gives.
func LoadSnapshot(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Code: CodeIO, Err: err}
	}
	defer f.Close()
	date, ok := DateFromName(path)
	if !ok {
		return nil, &Error{File: path, Code: CodeNoDate, Err: ErrNoDate}
	}
	return ReadSnapshot(path, f, date)
}

// ReadSnapshot reads a snapshot from a GeoJSON FeatureCollection, Feature,
// Polygon or MultiPolygon; the occupied area is every polygon of every
// feature (DeepStateMap files hold one feature, a union, so nothing
// overlaps). name is the file name errors and the snapshot carry.
func ReadSnapshot(name string, r io.Reader, date model.Date) (*Snapshot, error) {
	features, err := geo.ReadGeoJSON(r)
	if err != nil {
		var ge *geo.Error
		if errors.As(err, &ge) {
			return nil, &Error{File: name, Pos: ge.Pos, Code: CodeGeoJSON, Err: err}
		}
		return nil, &Error{File: name, Code: CodeIO, Err: err}
	}
	var shape geo.MultiPolygon
	for _, f := range features {
		shape = append(shape, f.Geometry...)
	}
	if len(shape) == 0 {
		return nil, &Error{File: name, Code: CodeEmpty, Err: errors.New("the file holds no polygons")}
	}
	return NewSnapshot(date, name, shape), nil
}

// LoadDir reads every *.geojson file of a folder (not its subfolders),
// dated by their names, and returns them by date. A file that cannot be
// read, or whose name carries no date, is a diagnostic, and the others are
// still loaded. A folder that cannot be listed is a diagnostic with code
// CodeIO.
func LoadDir(dir string) ([]*Snapshot, diag.Diagnostics) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, diag.Diagnostics{diag.Errorf(diag.Range{File: dir}, CodeIO, "%v", unwrapPath(err))}
	}
	var snaps []*Snapshot
	var ds diag.Diagnostics
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".geojson" {
			continue
		}
		path := filepath.Join(dir, e.Name())
		s, err := LoadSnapshot(path)
		switch {
		case errors.Is(err, ErrNoDate):
			ds = ds.Append(diag.Errorf(diag.Range{File: path}, CodeNoDate,
				"no date in the file name; name it deepstatemap_data_YYYYMMDD.geojson to read it from a folder"))
			continue
		case err != nil:
			ds = ds.Append(diagnostic(err))
			continue
		}
		snaps = append(snaps, s)
	}
	// File names are unique and carry the date, so no two dates repeat.
	slices.SortFunc(snaps, func(a, b *Snapshot) int { return a.Date.Compare(b.Date.Time) })
	ds.Sort()
	return snaps, ds
}

// diagnostic turns an error of LoadSnapshot into a diagnostic.
func diagnostic(err error) diag.Diagnostic {
	var e *Error
	if errors.As(err, &e) {
		return e.Diagnostic()
	}
	return diag.Errorf(diag.Range{}, CodeIO, "%v", err)
}

// unwrapPath drops the path from an *fs.PathError, which diagnostics
// already carry.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Baseline returns the snapshot dated on date, or else the latest before
// it — the map of the line as it stood at a framework's ceasefire — and
// false when every snapshot is later.
func Baseline(snaps []*Snapshot, date model.Date) (*Snapshot, bool) {
	var best *Snapshot
	for _, s := range snaps {
		if !s.Date.After(date.Time) && (best == nil || s.Date.After(best.Date.Time)) {
			best = s
		}
	}
	return best, best != nil
}

// BeyondLine reports whether a point lies beyond the line of the baseline
// snapshot: outside its occupied area, that is in territory the
// beneficiary held at the baseline. Whether the point is in Ukraine at all
// is the caller's business (the monitor also checks that the incident's
// country is UA): a point in Moscow is "beyond the line" too.
func BeyondLine(baseline *Snapshot, lat, lon float64) bool {
	return !baseline.Occupied(lat, lon)
}

// Change is what changed hands between two snapshots.
type Change struct {
	// From and To are the snapshots' dates, YYYY-MM-DD.
	From, To string
	// GainedKm2 is the area occupied in To but not in From (newly
	// adversary-held), LostKm2 the area occupied in From but not in To,
	// NetKm2 = area(To) − area(From).
	GainedKm2, LostKm2, NetKm2 float64
	// ByOblast splits gained and lost by oblast, for the oblasts where
	// gained + lost is at least MinOblastChangeKm2, largest change first;
	// empty without oblast polygons.
	ByOblast []OblastChange
	// OutsideGainedKm2 and OutsideLostKm2 are the parts of gained and lost
	// outside the 27 units' polygons (at sea, beyond the state border, in
	// slivers where the map's edge and Minregion's border differ); zero
	// without oblast polygons.
	OutsideGainedKm2, OutsideLostKm2 float64
}

// OblastChange is the part of a Change in one oblast.
type OblastChange struct {
	Code, Name                 string
	GainedKm2, LostKm2, NetKm2 float64
}

// MinOblastChangeKm2 is the smallest change (gained + lost) for which an
// oblast is listed: one hectare. Below it are slivers where the edges of
// two maps drawn a few metres apart cross, mostly along coasts and rivers.
const MinOblastChangeKm2 = 0.01

// Diff measures what changed hands from one snapshot to the next, split by
// oblast when oblasts is a table loaded with polygons (nil, or a
// names-only table, gives totals only).
func Diff(from, to *Snapshot, oblasts *oblast.Table) Change {
	var regions []*geo.Shape
	if oblasts != nil && oblasts.HasPolygons() {
		regions = oblasts.Index().Shapes()
	}
	m := geo.Overlay(to.shape(), from.shape(), regions)
	c := Change{
		From: from.Date.String(), To: to.Date.String(),
		GainedKm2: m.AOnly, LostKm2: m.BOnly, NetKm2: to.Area - from.Area,
		ByOblast: []OblastChange{},
	}
	if regions == nil {
		return c
	}
	c.OutsideGainedKm2, c.OutsideLostKm2 = c.GainedKm2, c.LostKm2
	for i, r := range oblasts.Polygons() {
		g, l := m.AOnlyIn[i], m.BOnlyIn[i]
		c.OutsideGainedKm2 -= g
		c.OutsideLostKm2 -= l
		if g+l >= MinOblastChangeKm2 {
			c.ByOblast = append(c.ByOblast, OblastChange{Code: r.Code, Name: r.Name, GainedKm2: g, LostKm2: l, NetKm2: g - l})
		}
	}
	c.OutsideGainedKm2, c.OutsideLostKm2 = max(c.OutsideGainedKm2, 0), max(c.OutsideLostKm2, 0)
	slices.SortFunc(c.ByOblast, func(a, b OblastChange) int {
		return cmp.Or(cmp.Compare(b.GainedKm2+b.LostKm2, a.GainedKm2+a.LostKm2), cmp.Compare(a.Code, b.Code))
	})
	return c
}

// String summarises a change in one line.
func (c Change) String() string {
	return fmt.Sprintf("%s → %s: gained %.3f km², lost %.3f km², net %+.3f km²", c.From, c.To, c.GainedKm2, c.LostKm2, c.NetKm2)
}
