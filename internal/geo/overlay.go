package geo

import (
	"math"
	"slices"
)

// Spacing is the greatest distance between two scanlines of Overlay, in
// metres of projected northing (docs/territory.md shows how the results
// converge as it shrinks).
const Spacing = 25.0

// Measures are the areas, in km², of the parts of the overlay of two
// shapes a and b.
type Measures struct {
	// AOnly is the area of a \ b, BOnly of b \ a, Both of a ∩ b.
	AOnly, BOnly, Both float64
	// AOnlyIn[i] and BOnlyIn[i] are the areas of a \ b and b \ a inside
	// region i; nil when no regions were given.
	AOnlyIn, BOnlyIn []float64
}

// Overlay measures a \ b, b \ a and a ∩ b, and the two differences inside
// each region, in one pass of scanlines (see the package documentation for
// the method and its error). regions may be nil.
func Overlay(a, b *Shape, regions []*Shape) Measures {
	return overlay(a, b, regions, min(a.box.minY, b.box.minY), max(a.box.maxY, b.box.maxY), Spacing)
}

// DifferenceArea returns the area of a \ b in km².
func DifferenceArea(a, b MultiPolygon) float64 {
	pa := Prepare(a)
	return overlay(pa, Prepare(b), nil, pa.box.minY, pa.box.maxY, Spacing).AOnly
}

// IntersectionArea returns the area of a ∩ b in km².
func IntersectionArea(a, b MultiPolygon) float64 {
	pa, pb := Prepare(a), Prepare(b)
	return overlay(pa, pb, nil, max(pa.box.minY, pb.box.minY), min(pa.box.maxY, pb.box.maxY), Spacing).Both
}

// DifferenceAreaWithin returns, for each region, the area of
// (a \ b) ∩ region in km², in one pass. The regions should not overlap one
// another; where they do, the area is counted in each.
func DifferenceAreaWithin(a, b MultiPolygon, regions []MultiPolygon) []float64 {
	pa := Prepare(a)
	rs := make([]*Shape, len(regions))
	for i, r := range regions {
		rs[i] = Prepare(r)
	}
	return overlay(pa, Prepare(b), rs, pa.box.minY, pa.box.maxY, Spacing).AOnlyIn
}

// sweeper yields a shape's crossings with horizontal lines taken in
// increasing northing: an active-edge table over the edges sorted by their
// lowest northing, so each line costs the edges it meets, not all edges.
type sweeper struct {
	edges  []edge
	next   int
	active []edge
}

func newSweeper(s *Shape) *sweeper { return &sweeper{edges: s.edges} }

// at appends to xs the sorted abscissas where the line of northing y
// crosses the shape; y must not decrease from one call to the next.
func (s *sweeper) at(y float64, xs []float64) []float64 {
	k := 0
	for _, e := range s.active {
		if e.yhi > y {
			s.active[k] = e
			k++
		}
	}
	s.active = s.active[:k]
	for s.next < len(s.edges) && s.edges[s.next].ylo <= y {
		if e := s.edges[s.next]; e.yhi > y {
			s.active = append(s.active, e)
		}
		s.next++
	}
	start := len(xs)
	for i := range s.active {
		xs = append(xs, s.active[i].xAt(y))
	}
	slices.Sort(xs[start:])
	return xs
}

// overlay measures the lines of northing in [lo, hi]. They are placed
// slab by slab between consecutive vertex northings of a and b, in
// sub-slabs at most spacing tall, each line at its sub-slab's middle and
// weighted by its height.
func overlay(a, b *Shape, regions []*Shape, lo, hi, spacing float64) Measures {
	m := Measures{}
	if regions != nil {
		m.AOnlyIn = make([]float64, len(regions))
		m.BOnlyIn = make([]float64, len(regions))
	}
	if !(lo < hi) {
		return m
	}
	events := mergeEvents(a.ys, b.ys, lo, hi)
	sa, sb := newSweeper(a), newSweeper(b)
	sr := make([]*sweeper, len(regions))
	for i, r := range regions {
		sr[i] = newSweeper(r)
	}
	var xa, xb, xr, da, db []float64
	for k := 0; k+1 < len(events); k++ {
		d := events[k+1] - events[k]
		n := math.Ceil(d / spacing)
		step := d / n
		for i := 0.0; i < n; i++ {
			y := events[k] + (i+0.5)*step
			xa, xb = sa.at(y, xa[:0]), sb.at(y, xb[:0])
			la, lb, both := length(xa), length(xb), intersectLength(xa, xb)
			m.AOnly += step * (la - both)
			m.BOnly += step * (lb - both)
			m.Both += step * both
			if len(regions) == 0 {
				continue
			}
			if la-both > 0 {
				if da = subtract(xa, xb, da[:0]); len(da) > 0 {
					xr = measureIn(da, y, step, regions, sr, m.AOnlyIn, xr)
				}
			}
			if lb-both > 0 {
				if db = subtract(xb, xa, db[:0]); len(db) > 0 {
					xr = measureIn(db, y, step, regions, sr, m.BOnlyIn, xr)
				}
			}
		}
	}
	m.AOnly, m.BOnly, m.Both = m.AOnly/1e6, m.BOnly/1e6, m.Both/1e6
	for i := range m.AOnlyIn {
		m.AOnlyIn[i] /= 1e6
		m.BOnlyIn[i] /= 1e6
	}
	return m
}

// measureIn adds, for each region the line meets, the length of the
// intervals iv inside it times the line's weight; buf is scratch space,
// returned for reuse.
func measureIn(iv []float64, y, weight float64, regions []*Shape, sweeps []*sweeper, sums []float64, buf []float64) []float64 {
	left, right := iv[0], iv[len(iv)-1]
	for r, s := range regions {
		if y < s.box.minY || y > s.box.maxY || right < s.box.minX || left > s.box.maxX {
			continue
		}
		buf = sweeps[r].at(y, buf[:0])
		sums[r] += weight * intersectLength(iv, buf)
	}
	return buf
}

// mergeEvents returns lo, hi and the northings of ys1 and ys2 strictly
// between them, ascending and distinct.
func mergeEvents(ys1, ys2 []float64, lo, hi float64) []float64 {
	ev := make([]float64, 0, len(ys1)+len(ys2)+2)
	ev = append(ev, lo)
	for _, ys := range [][]float64{ys1, ys2} {
		i, _ := slices.BinarySearch(ys, lo)
		for ; i < len(ys) && ys[i] < hi; i++ {
			if ys[i] > lo {
				ev = append(ev, ys[i])
			}
		}
	}
	ev = append(ev, hi)
	slices.Sort(ev)
	return slices.Compact(ev)
}

// The functions below work on sets of intervals of a line written as
// sorted abscissas x0 ≤ x1 ≤ x2 ≤ …, the intervals being [x0, x1],
// [x2, x3], …: the even–odd reading of a line's crossings.

// length returns the total length of the intervals.
func length(iv []float64) float64 {
	var l float64
	for i := 0; i+1 < len(iv); i += 2 {
		l += iv[i+1] - iv[i]
	}
	return l
}

// intersectLength returns the length of the intersection of two sets.
func intersectLength(a, b []float64) float64 {
	var l float64
	i, j := 0, 0
	for i+1 < len(a) && j+1 < len(b) {
		if lo, hi := max(a[i], b[j]), min(a[i+1], b[j+1]); hi > lo {
			l += hi - lo
		}
		if a[i+1] < b[j+1] {
			i += 2
		} else {
			j += 2
		}
	}
	return l
}

// subtract appends the intervals of a \ b to out.
func subtract(a, b, out []float64) []float64 {
	j := 0
	for i := 0; i+1 < len(a); i += 2 {
		s, e := a[i], a[i+1]
		for j+1 < len(b) && b[j+1] <= s {
			j += 2
		}
		for k := j; k+1 < len(b) && b[k] < e; k += 2 {
			if b[k] > s {
				out = append(out, s, b[k])
			}
			s = max(s, b[k+1])
		}
		if s < e {
			out = append(out, s, e)
		}
	}
	return out
}
