package geo

import (
	"math"
	"slices"
)

// CapsuleArcPoints is the number of vertices on each end of a capsule (a
// half disc drawn as a polygon inscribed in the circle): its edges depart
// from the circle by at most r·(1 − cos(π/(2·(CapsuleArcPoints−1)))),
// 0.12 % of the radius.
const CapsuleArcPoints = 33

// Band is the set of points within a distance of a set of segments — a
// demilitarised zone along a contact line. Its area is the union of one
// capsule per segment (the rectangle along the segment and a half disc at
// each end, as polygons), read with the non-zero rule; a point is in the
// band when its distance to the nearest segment (DistanceToSegment) is at
// most the band's half-width.
type Band struct {
	segs  []Segment
	halfM float64
	// capsules are the pieces of the band's area, each wound
	// counter-clockwise in the projected plane.
	capsules MultiPolygon
	edges    []windEdge // sorted by ylo
	box      rect
	ys       []float64
	// grid buckets the segments by cells of cell degrees, each segment in
	// every cell its box widened by halfM meets.
	cell float64
	grid map[[2]int][]int32
}

// NewBand makes the band of halfM metres on each side of the segments.
func NewBand(segs []Segment, halfM float64) *Band {
	b := &Band{segs: segs, halfM: halfM, box: emptyRect(), cell: 0.25, grid: map[[2]int][]int32{}}
	for i, s := range segs {
		ring := capsule(s, halfM)
		pts := projectRing(ring)
		if signedArea(pts) < 0 {
			slices.Reverse(ring)
			slices.Reverse(pts)
		}
		b.capsules = append(b.capsules, Polygon{ring})
		for j, p := range pts {
			b.box.add(p)
			b.ys = append(b.ys, p.y)
			q := pts[(j+1)%len(pts)]
			if e, ok := newEdge(p, q); ok {
				dir := 1
				if p.y > q.y {
					dir = -1
				}
				b.edges = append(b.edges, windEdge{e, dir})
			}
		}
		bb := Bounds{min(s.A.Lon, s.B.Lon), min(s.A.Lat, s.B.Lat), max(s.A.Lon, s.B.Lon), max(s.A.Lat, s.B.Lat)}
		dLat := halfM / 110000 * 1.05
		dLon := dLat / math.Max(0.1, math.Cos(max(math.Abs(bb.MinLat), math.Abs(bb.MaxLat))*math.Pi/180+dLat*math.Pi/180))
		for x := b.cellOf(bb.MinLon - dLon); x <= b.cellOf(bb.MaxLon+dLon); x++ {
			for y := b.cellOf(bb.MinLat - dLat); y <= b.cellOf(bb.MaxLat+dLat); y++ {
				b.grid[[2]int{x, y}] = append(b.grid[[2]int{x, y}], int32(i))
			}
		}
	}
	slices.SortFunc(b.edges, func(p, q windEdge) int {
		switch {
		case p.ylo < q.ylo:
			return -1
		case p.ylo > q.ylo:
			return 1
		}
		return 0
	})
	slices.Sort(b.ys)
	b.ys = slices.Compact(b.ys)
	return b
}

func (b *Band) cellOf(deg float64) int { return int(math.Floor(deg / b.cell)) }

// capsule returns the ring of the points within r metres of the segment,
// as a polygon: a half disc at each end joined by the two sides.
func capsule(s Segment, r float64) Ring {
	θ := Bearing(s.A, s.B)
	n := CapsuleArcPoints
	ring := make(Ring, 0, 2*n+1)
	for k := range n {
		ring = append(ring, Offset(s.B, θ-90+180*float64(k)/float64(n-1), r))
	}
	for k := range n {
		ring = append(ring, Offset(s.A, θ+90+180*float64(k)/float64(n-1), r))
	}
	return append(ring, ring[0])
}

// Contains reports whether (lon, lat) is within the band's half-width of
// one of its segments.
func (b *Band) Contains(lon, lat float64) bool {
	p := Point{lon, lat}
	for _, i := range b.grid[[2]int{b.cellOf(lon), b.cellOf(lat)}] {
		if DistanceToSegment(p, b.segs[i]) <= b.halfM {
			return true
		}
	}
	return false
}

// Capsules returns the band's pieces as polygons (they overlap: read them
// as a union, not with the even–odd rule). The caller must not modify
// them.
func (b *Band) Capsules() MultiPolygon { return b.capsules }

// Segments returns the segments the band is drawn around.
func (b *Band) Segments() []Segment { return b.segs }
