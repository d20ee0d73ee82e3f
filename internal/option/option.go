package option

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/territory"
)

// PieceM is the longest piece, in metres, a boundary is cut into to
// decide which parts of it are a contact line (and to measure it).
const PieceM = 1000.0

// probeNearM and probeFarM are the distances from a piece's midpoint at
// which its two sides are tested: ±probeNearM says which side is held,
// and a point probeFarM beyond it on the other side must lie in an oblast
// for the piece to be a line inside Ukraine. 2 km clears the slivers
// where DeepStateMap's border and Minregion's differ (a few hundred metres
// wide).
const (
	probeNearM = 10.0
	probeFarM  = 2000.0
)

// Env holds what options are evaluated against: the snapshots (the maps
// an area names by date), the oblasts with their polygons, the map of
// today, the settlements and the power plants. It caches the shapes it
// builds; it is not safe for concurrent use.
type Env struct {
	Snapshots []*territory.Snapshot
	Oblasts   *oblast.Table
	// Today is the map the options are measured against.
	Today       *territory.Snapshot
	Settlements []Place
	// Plants is nil when no power-plant file was given.
	Plants []Plant

	shapes map[string]*geo.Shape
	fronts map[string][]geo.Segment
	bands  map[string]*geo.Band
	maps   map[string]string // date asked → date of the snapshot used
}

// NewEnv returns an environment; today is the snapshot of date (or the
// latest before it), the latest snapshot when date is zero.
func NewEnv(snaps []*territory.Snapshot, oblasts *oblast.Table, date model.Date, settlements []Place, plants []Plant) (*Env, error) {
	if len(snaps) == 0 {
		return nil, fmt.Errorf("no snapshots")
	}
	if oblasts == nil || !oblasts.HasPolygons() {
		return nil, fmt.Errorf("the oblasts' polygons are needed")
	}
	e := &Env{Snapshots: snaps, Oblasts: oblasts, Settlements: settlements, Plants: plants,
		shapes: map[string]*geo.Shape{}, fronts: map[string][]geo.Segment{}, bands: map[string]*geo.Band{}, maps: map[string]string{}}
	if date.IsZero() {
		e.Today = snaps[0]
		for _, s := range snaps {
			if s.Date.After(e.Today.Date.Time) {
				e.Today = s
			}
		}
	} else {
		var ok bool
		if e.Today, ok = territory.Baseline(snaps, date); !ok {
			return nil, fmt.Errorf("no snapshot on or before %s", date)
		}
	}
	return e, nil
}

// snapshot returns the map of a date: the snapshot of that date, or else
// the latest before it.
func (e *Env) snapshot(d model.Date) (*territory.Snapshot, error) {
	s, ok := territory.Baseline(e.Snapshots, d)
	if !ok {
		return nil, fmt.Errorf("no snapshot on or before %s among the maps given (--territory)", d)
	}
	e.maps[d.String()] = s.Date.String()
	return s, nil
}

func (e *Env) prepared(key string, mp func() geo.MultiPolygon) *geo.Shape {
	if s, ok := e.shapes[key]; ok {
		return s
	}
	s := geo.Prepare(mp())
	e.shapes[key] = s
	return s
}

func (e *Env) snapshotShape(s *territory.Snapshot) *geo.Shape {
	return e.prepared("snapshot "+s.Date.String(), func() geo.MultiPolygon { return s.Shape })
}

// inUkraine reports whether a point lies in one of the 27 units.
func (e *Env) inUkraine(p geo.Point) bool {
	_, ok := e.Oblasts.Index().Locate(p.Lon, p.Lat)
	return ok
}

// onLine reports whether a piece of boundary is on the boundary of the
// area `in` and is a line inside Ukraine: the points probeNearM on either
// side of its midpoint differ (one held, one not), and the point probeFarM
// on the side not held lies in an oblast. A boundary along the state
// border or the coast is not a line inside Ukraine: beyond it is Russia,
// Belarus or the sea.
func (e *Env) onLine(in func(lon, lat float64) bool, s geo.Segment) bool {
	m := s.Mid()
	θ := geo.Bearing(s.A, s.B)
	l, r := geo.Offset(m, θ-90, probeNearM), geo.Offset(m, θ+90, probeNearM)
	inL, inR := in(l.Lon, l.Lat), in(r.Lon, r.Lat)
	if inL == inR {
		return false
	}
	out := θ + 90
	if inR {
		out = θ - 90
	}
	return e.inUkraine(geo.Offset(m, out, probeFarM))
}

// lineOf returns the pieces of the outlines that are on the boundary of
// `in` and inside Ukraine (onLine), each piece once.
func (e *Env) lineOf(in func(lon, lat float64) bool, outlines []geo.MultiPolygon) []geo.Segment {
	var out []geo.Segment
	seen := map[[2]float64]bool{}
	for _, mp := range outlines {
		for _, s := range geo.Pieces(mp, PieceM) {
			m := s.Mid()
			k := [2]float64{math.Round(m.Lon * 1e7), math.Round(m.Lat * 1e7)}
			if seen[k] || !e.onLine(in, s) {
				continue
			}
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}

// Front returns the contact line of a snapshot: the pieces of its boundary
// that lie inside Ukraine (onLine).
func (e *Env) Front(s *territory.Snapshot) []geo.Segment {
	key := s.Date.String()
	if f, ok := e.fronts[key]; ok {
		return f
	}
	sh := e.snapshotShape(s)
	f := e.lineOf(sh.Contains, []geo.MultiPolygon{s.Shape})
	e.fronts[key] = f
	return f
}

// LengthKm returns the total length of segments in km.
func LengthKm(segs []geo.Segment) float64 {
	var l float64
	for _, s := range segs {
		l += s.Length()
	}
	return l / 1000
}

// Compiled is an area built: its expression and the outlines of its
// leaves (for the line walk).
type Compiled struct {
	Expr     *geo.Expr
	Outlines []geo.MultiPolygon
}

// Build turns an area into an expression over the environment's maps and
// oblasts.
func (e *Env) Build(a model.Area) (Compiled, error) {
	var c Compiled
	x, err := e.build(a, &c.Outlines)
	c.Expr = x
	return c, err
}

func (e *Env) build(a model.Area, outlines *[]geo.MultiPolygon) (*geo.Expr, error) {
	switch {
	case !a.Snapshot.IsZero():
		s, err := e.snapshot(a.Snapshot)
		if err != nil {
			return nil, err
		}
		*outlines = append(*outlines, s.Shape)
		return geo.Leaf(e.snapshotShape(s)), nil
	case len(a.Oblasts) > 0:
		regions := e.Oblasts.Polygons()
		var args []*geo.Expr
		for _, code := range a.Oblasts {
			i := slices.IndexFunc(regions, func(r oblast.Region) bool { return r.Code == code })
			if i < 0 {
				return nil, fmt.Errorf("unknown oblast code %q", code)
			}
			*outlines = append(*outlines, regions[i].Shape)
			args = append(args, geo.Leaf(e.Oblasts.Index().Shapes()[i]))
		}
		return geo.Union(args...), nil
	case len(a.Polygon) > 0:
		var poly geo.Polygon
		for _, ring := range a.Polygon {
			var r geo.Ring
			for _, p := range ring {
				if len(p) < 2 {
					return nil, fmt.Errorf("a position needs a longitude and a latitude")
				}
				r = append(r, geo.Point{Lon: p[0], Lat: p[1]})
			}
			poly = append(poly, r)
		}
		mp := geo.MultiPolygon{poly}
		*outlines = append(*outlines, mp)
		return geo.Leaf(geo.Prepare(mp)), nil
	case a.Buffer != nil:
		s, err := e.snapshot(a.Buffer.Line)
		if err != nil {
			return nil, err
		}
		key := fmt.Sprintf("%s %g", s.Date, a.Buffer.Km)
		b, ok := e.bands[key]
		if !ok {
			b = geo.NewBand(e.Front(s), a.Buffer.Km*1000)
			e.bands[key] = b
		}
		*outlines = append(*outlines, b.Capsules())
		return geo.BandLeaf(b), nil
	}
	var parts []model.Area
	var op func(...*geo.Expr) *geo.Expr
	switch {
	case len(a.Union) > 0:
		parts, op = a.Union, geo.Union
	case len(a.Difference) > 0:
		parts, op = a.Difference, geo.Difference
	case len(a.Intersection) > 0:
		parts, op = a.Intersection, geo.Intersection
	default:
		return nil, fmt.Errorf("an empty area")
	}
	args := make([]*geo.Expr, len(parts))
	for i, p := range parts {
		x, err := e.build(p, outlines)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	return op(args...), nil
}

// MapsUsed returns, for each date an area asked for, the date of the
// snapshot used ("2025-09-01 → 2025-09-01"), sorted.
func (e *Env) MapsUsed() []string {
	var out []string
	for asked, used := range e.maps {
		if asked == used {
			out = append(out, asked)
		} else {
			out = append(out, asked+" (map of "+used+")")
		}
	}
	slices.Sort(out)
	return out
}

// describe writes an area in one line: "union(snapshot 2025-08-18, oblasts
// UA-14 UA-09)".
func describe(a model.Area) string {
	switch {
	case !a.Snapshot.IsZero():
		return "snapshot " + a.Snapshot.String()
	case len(a.Oblasts) > 0:
		return "oblasts " + strings.Join(a.Oblasts, " ")
	case len(a.Polygon) > 0:
		n := 0
		for _, r := range a.Polygon {
			n += len(r)
		}
		return fmt.Sprintf("polygon (%d positions)", n)
	case a.Buffer != nil:
		return fmt.Sprintf("buffer %g km along the line of %s", a.Buffer.Km, a.Buffer.Line)
	}
	var name string
	var parts []model.Area
	switch {
	case len(a.Union) > 0:
		name, parts = "union", a.Union
	case len(a.Difference) > 0:
		name, parts = "difference", a.Difference
	case len(a.Intersection) > 0:
		name, parts = "intersection", a.Intersection
	}
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = describe(p)
	}
	return name + "(" + strings.Join(s, ", ") + ")"
}

// Describe writes an area in one line.
func Describe(a model.Area) string { return describe(a) }
