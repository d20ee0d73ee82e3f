package geo

import (
	"math"
	"slices"
)

// Point is a position: longitude and latitude in degrees (WGS84), in the
// order GeoJSON writes them.
type Point struct{ Lon, Lat float64 }

// Ring is a closed line: the last point may repeat the first (as GeoJSON
// requires) or not; either way the ring closes from its last point back to
// its first.
type Ring []Point

// Polygon is a list of rings, conventionally the outer ring first and then
// the holes; nothing in this package relies on that order or on winding.
type Polygon []Ring

// MultiPolygon is a list of polygons that should not overlap (GeoJSON's
// rule); all its rings together are read with the even–odd rule.
type MultiPolygon []Polygon

// Vertices returns the number of positions, as written (a ring's closing
// position included).
func (mp MultiPolygon) Vertices() int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// Bounds is a longitude–latitude bounding box.
type Bounds struct{ MinLon, MinLat, MaxLon, MaxLat float64 }

// Empty reports whether the box holds no point (the bounds of an empty
// shape).
func (b Bounds) Empty() bool { return b.MinLon > b.MaxLon || b.MinLat > b.MaxLat }

// Bounds returns the smallest box holding every vertex; an empty
// MultiPolygon has Empty bounds.
func (mp MultiPolygon) Bounds() Bounds {
	b := Bounds{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range mp {
		for _, r := range p {
			for _, pt := range r {
				b.MinLon, b.MaxLon = min(b.MinLon, pt.Lon), max(b.MaxLon, pt.Lon)
				b.MinLat, b.MaxLat = min(b.MinLat, pt.Lat), max(b.MaxLat, pt.Lat)
			}
		}
	}
	return b
}

// xy is a projected point, in metres.
type xy struct{ x, y float64 }

// rect is a projected bounding box.
type rect struct{ minX, minY, maxX, maxY float64 }

func emptyRect() rect {
	return rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func (r *rect) add(p xy) {
	r.minX, r.maxX = min(r.minX, p.x), max(r.maxX, p.x)
	r.minY, r.maxY = min(r.minY, p.y), max(r.maxY, p.y)
}

func (r rect) holds(o rect) bool {
	return r.minX <= o.minX && r.minY <= o.minY && o.maxX <= r.maxX && o.maxY <= r.maxY
}

func projectRing(r Ring) []xy {
	pts := make([]xy, len(r))
	for i, p := range r {
		pts[i] = xy{projectX(p.Lon), projectY(p.Lat)}
	}
	return pts
}

// signedArea is the shoelace area of a projected ring in m², positive when
// counter-clockwise. Coordinates are taken relative to the first point,
// which keeps the products small and the sum exact to a few cm².
func signedArea(pts []xy) float64 {
	if len(pts) < 3 {
		return 0
	}
	o := pts[0]
	var s float64
	for i := 1; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		s += (a.x-o.x)*(b.y-o.y) - (b.x-o.x)*(a.y-o.y)
	}
	return s / 2
}

// ringInside reports whether the point p is inside the ring pts (even–odd,
// ray towards +x). Edges are counted on the half-open northing range
// [low, high), so a ray through a vertex counts once.
func ringInside(pts []xy, p xy) bool {
	in := false
	for i := range pts {
		a, b := pts[i], pts[(i+1)%len(pts)]
		if a.y > b.y {
			a, b = b, a
		}
		if a.y <= p.y && p.y < b.y {
			if x := a.x + (p.y-a.y)*(b.x-a.x)/(b.y-a.y); x > p.x {
				in = !in
			}
		}
	}
	return in
}

// Area returns the area of mp on the WGS84 ellipsoid, in km²: the shoelace
// areas of its projected rings, each counted positive or negative by the
// parity of the number of other rings it lies in (even–odd), whatever its
// winding and whichever polygon it belongs to.
func Area(mp MultiPolygon) float64 {
	type ring struct {
		pts  []xy
		box  rect
		area float64
	}
	var rings []ring
	for _, p := range mp {
		for _, r := range p {
			pts := projectRing(r)
			box := emptyRect()
			for _, q := range pts {
				box.add(q)
			}
			rings = append(rings, ring{pts, box, math.Abs(signedArea(pts))})
		}
	}
	var total float64
	for i, r := range rings {
		depth := 0
		for j, o := range rings {
			if i != j && o.area >= r.area && o.box.holds(r.box) && ringWithin(r.pts, o.pts) {
				depth++
			}
		}
		if depth%2 == 0 {
			total += r.area
		} else {
			total -= r.area
		}
	}
	return total / 1e6
}

// ringWithin reports whether ring r lies inside ring o, for rings that do
// not cross: by a majority of three of r's vertices, so that a vertex the
// rings share (a hole touching its shell) cannot decide alone.
func ringWithin(r, o []xy) bool {
	if len(r) == 0 {
		return false
	}
	votes := 0
	probes := []int{0, len(r) / 3, 2 * len(r) / 3}
	for _, i := range probes {
		if ringInside(o, r[i]) {
			votes++
		}
	}
	return votes >= 2
}

// Contains reports whether the point (lon, lat) lies inside mp under the
// even–odd rule. It needs no preparation and reads every edge once, but
// projects only the edges whose latitudes span the point's (a cheap
// per-edge box test); for many queries Prepare the shape or build an Index.
// It decides as Shape.Contains does, bar points within rounding error of
// an edge.
func Contains(mp MultiPolygon, lon, lat float64) bool {
	p := xy{projectX(lon), projectY(lat)}
	in := false
	for _, poly := range mp {
		for _, r := range poly {
			for i := range r {
				a, b := r[i], r[(i+1)%len(r)]
				if lat < min(a.Lat, b.Lat) || lat > max(a.Lat, b.Lat) || a.Lat == b.Lat {
					continue
				}
				e, _ := newEdge(xy{projectX(a.Lon), projectY(a.Lat)}, xy{projectX(b.Lon), projectY(b.Lat)})
				if e.ylo <= p.y && p.y < e.yhi && e.xAt(p.y) > p.x {
					in = !in
				}
			}
		}
	}
	return in
}

// edge is a non-horizontal edge of the projected plane, oriented upwards:
// on the northing y in [ylo, yhi) it crosses x = xlo + (y − ylo)·dxdy.
// Identical segments give bit-identical crossings whatever their direction
// in the file, so boundaries two shapes share cancel exactly.
type edge struct {
	ylo, yhi, xlo, dxdy float64
}

func newEdge(a, b xy) (edge, bool) {
	if a.y == b.y {
		return edge{}, false
	}
	if a.y > b.y {
		a, b = b, a
	}
	return edge{ylo: a.y, yhi: b.y, xlo: a.x, dxdy: (b.x - a.x) / (b.y - a.y)}, true
}

func (e *edge) xAt(y float64) float64 { return e.xlo + (y-e.ylo)*e.dxdy }

// ringTable is one projected ring prepared for point queries: its box and
// its edges bucketed by northing in equal bands (bandEdges[bandStart[i]:
// bandStart[i+1]] are the edges meeting band i).
type ringTable struct {
	box       rect
	edges     []edge
	bandH     float64
	bandStart []int32
	bandEdges []int32
}

// edgesPerBand is the average number of edges a band should hold.
const edgesPerBand = 4

func newRingTable(pts []xy) ringTable {
	t := ringTable{box: emptyRect()}
	for i, p := range pts {
		t.box.add(p)
		if e, ok := newEdge(p, pts[(i+1)%len(pts)]); ok {
			t.edges = append(t.edges, e)
		}
	}
	if len(t.edges) <= 2*edgesPerBand {
		return t
	}
	nb := len(t.edges) / edgesPerBand
	t.bandH = (t.box.maxY - t.box.minY) / float64(nb)
	counts := make([]int32, nb+1)
	for _, e := range t.edges {
		lo, hi := t.band(e.ylo, nb), t.band(e.yhi, nb)
		for b := lo; b <= hi; b++ {
			counts[b+1]++
		}
	}
	for b := 1; b <= nb; b++ {
		counts[b] += counts[b-1]
	}
	t.bandStart = counts
	t.bandEdges = make([]int32, counts[nb])
	fill := slices.Clone(counts[:nb])
	for i, e := range t.edges {
		lo, hi := t.band(e.ylo, nb), t.band(e.yhi, nb)
		for b := lo; b <= hi; b++ {
			t.bandEdges[fill[b]] = int32(i)
			fill[b]++
		}
	}
	return t
}

func (t *ringTable) band(y float64, nb int) int {
	return min(max(int((y-t.box.minY)/t.bandH), 0), nb-1)
}

// crossings returns the number of edges a ray from p towards +x crosses.
func (t *ringTable) crossings(p xy) int {
	if p.y < t.box.minY || p.y >= t.box.maxY || p.x >= t.box.maxX {
		return 0
	}
	n := 0
	if t.bandStart == nil {
		for i := range t.edges {
			e := &t.edges[i]
			if e.ylo <= p.y && p.y < e.yhi && e.xAt(p.y) > p.x {
				n++
			}
		}
		return n
	}
	b := t.band(p.y, len(t.bandStart)-1)
	for _, i := range t.bandEdges[t.bandStart[b]:t.bandStart[b+1]] {
		e := &t.edges[i]
		if e.ylo <= p.y && p.y < e.yhi && e.xAt(p.y) > p.x {
			n++
		}
	}
	return n
}

// Shape is a MultiPolygon projected and prepared once for many queries and
// measures: its bounding box, each ring's box and edges bucketed by
// northing (for Contains), every edge sorted by its lowest northing and the
// vertices' northings (for the scanlines of Overlay). A Shape is read-only
// and safe for concurrent use.
type Shape struct {
	box      rect
	rings    []ringTable
	edges    []edge    // sorted by ylo
	ys       []float64 // distinct vertex northings, ascending
	area     float64   // km²
	vertices int
}

// Prepare projects mp and builds its tables.
func Prepare(mp MultiPolygon) *Shape {
	s := &Shape{box: emptyRect(), area: Area(mp), vertices: mp.Vertices()}
	for _, p := range mp {
		for _, r := range p {
			if len(r) == 0 {
				continue
			}
			pts := projectRing(r)
			t := newRingTable(pts)
			s.rings = append(s.rings, t)
			s.edges = append(s.edges, t.edges...)
			for _, q := range pts {
				s.box.add(q)
				s.ys = append(s.ys, q.y)
			}
		}
	}
	slices.SortFunc(s.edges, func(a, b edge) int {
		switch {
		case a.ylo < b.ylo:
			return -1
		case a.ylo > b.ylo:
			return 1
		}
		return 0
	})
	slices.Sort(s.ys)
	s.ys = slices.Compact(s.ys)
	return s
}

// Area returns the shape's area in km² (as Area).
func (s *Shape) Area() float64 { return s.area }

// Vertices returns the number of positions of the MultiPolygon.
func (s *Shape) Vertices() int { return s.vertices }

// Contains reports whether (lon, lat) is inside the shape (even–odd), as
// Contains does, in time proportional to the edges near the point's
// latitude.
func (s *Shape) Contains(lon, lat float64) bool {
	return s.containsXY(xy{projectX(lon), projectY(lat)})
}

func (s *Shape) containsXY(p xy) bool {
	if p.x < s.box.minX || p.x > s.box.maxX || p.y < s.box.minY || p.y > s.box.maxY {
		return false
	}
	n := 0
	for i := range s.rings {
		n += s.rings[i].crossings(p)
	}
	return n%2 == 1
}
