package geo

import (
	"math"
	"strconv"
)

// Simplify returns mp with every ring simplified by the Douglas–Peucker
// rule: a vertex is dropped when it lies within tolerance metres of the
// line its kept neighbours make. It is for drawing, never for measuring: a
// map at country scale needs a few thousand of the oblasts' 82,090
// vertices, and the areas come from the full shapes.
//
// Distances are measured in the equal-area projection (Project), which at
// Ukraine's latitudes stretches east–west distances by at most 1/cos φ
// against north–south ones; a tolerance is therefore exact north–south and
// up to 1.6× finer east–west at 52° N, which only keeps a few more
// vertices. Every ring keeps at least three distinct vertices (four
// positions, closed), so no polygon disappears, however small; rings stay
// closed; the input is not changed.
func Simplify(mp MultiPolygon, toleranceM float64) MultiPolygon {
	out := make(MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(Polygon, len(poly))
		for j, ring := range poly {
			out[i][j] = simplifyRing(ring, toleranceM)
		}
	}
	return out
}

func simplifyRing(r Ring, tol float64) Ring {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n-- // the closing position is the first one again
	}
	if n <= 3 {
		return append(Ring(nil), r...)
	}
	pts := make([]xy, n)
	for i := range n {
		pts[i].x, pts[i].y = Project(r[i].Lon, r[i].Lat)
	}
	// A closed ring has no natural chord: split it at the first vertex and
	// the vertex farthest from it, and simplify the two halves.
	far := 1
	for i := 2; i < n; i++ {
		if dist2(pts[0], pts[i]) > dist2(pts[0], pts[far]) {
			far = i
		}
	}
	keep := make([]bool, n+1)
	keep[0], keep[far], keep[n] = true, true, true
	closed := append(pts, pts[0])
	douglasPeucker(closed, 0, far, tol*tol, keep)
	douglasPeucker(closed, far, n, tol*tol, keep)
	kept := 0
	for i := range n {
		if keep[i] {
			kept++
		}
	}
	if kept < 3 {
		// Everything lay within the tolerance of the chord: keep the vertex
		// farthest from it as well, so that the ring still has an area.
		best, bestD := -1, -1.0
		for i := 1; i < n; i++ {
			if i == far {
				continue
			}
			if d := segDist2(pts[i], pts[0], pts[far]); d > bestD {
				best, bestD = i, d
			}
		}
		keep[best] = true
	}
	out := make(Ring, 0, kept+2)
	for i := range n {
		if keep[i] {
			out = append(out, r[i])
		}
	}
	return append(out, r[0])
}

// douglasPeucker marks in keep the vertices strictly between lo and hi
// that the rule keeps, with an explicit stack: rings of tens of thousands
// of vertices would recurse deeply.
func douglasPeucker(pts []xy, lo, hi int, tol2 float64, keep []bool) {
	type span struct{ lo, hi int }
	stack := []span{{lo, hi}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		best, bestD := -1, tol2
		for i := s.lo + 1; i < s.hi; i++ {
			if d := segDist2(pts[i], pts[s.lo], pts[s.hi]); d > bestD {
				best, bestD = i, d
			}
		}
		if best < 0 {
			continue
		}
		keep[best] = true
		stack = append(stack, span{s.lo, best}, span{best, s.hi})
	}
}

func dist2(a, b xy) float64 { return (a.x-b.x)*(a.x-b.x) + (a.y-b.y)*(a.y-b.y) }

// segDist2 is the squared distance from p to the segment ab.
func segDist2(p, a, b xy) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return dist2(p, a)
	}
	t := ((p.x-a.x)*dx + (p.y-a.y)*dy) / l2
	t = math.Max(0, math.Min(1, t))
	return dist2(p, xy{a.x + t*dx, a.y + t*dy})
}

// AppendGeometry appends mp as a GeoJSON MultiPolygon geometry object with
// coordinates rounded to decimals places (5 places are about a metre).
func AppendGeometry(b []byte, mp MultiPolygon, decimals int) []byte {
	b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
	for i, poly := range mp {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, ring := range poly {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for k, p := range ring {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				b = strconv.AppendFloat(b, round(p.Lon, decimals), 'f', -1, 64)
				b = append(b, ',')
				b = strconv.AppendFloat(b, round(p.Lat, decimals), 'f', -1, 64)
				b = append(b, ']')
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

func round(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(v*p) / p
}
