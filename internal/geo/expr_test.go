package geo

import (
	"math"
	"slices"
	"testing"
)

func box4(lon0, lat0, lon1, lat1 float64) MultiPolygon {
	return MultiPolygon{{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}
}

func TestExprIntervals(t *testing.T) {
	for _, c := range []struct {
		a, b, union, inter []float64
	}{
		{[]float64{0, 2, 4, 6}, []float64{1, 5}, []float64{0, 6}, []float64{1, 2, 4, 5}},
		{[]float64{0, 1}, []float64{1, 2}, []float64{0, 2}, nil},
		{nil, []float64{1, 2}, []float64{1, 2}, nil},
		{[]float64{0, 1, 3, 4}, []float64{5, 6}, []float64{0, 1, 3, 4, 5, 6}, nil},
	} {
		if got := unionIv(slices.Clone(c.a), c.b); !slices.Equal(got, c.union) {
			t.Errorf("union(%v, %v) = %v, want %v", c.a, c.b, got, c.union)
		}
		if got := intersectIv(c.a, c.b); !slices.Equal(got, c.inter) {
			t.Errorf("intersect(%v, %v) = %v, want %v", c.a, c.b, got, c.inter)
		}
	}
}

// TestExprArea checks the expression engine against the shoelace areas of
// shapes whose combinations are known.
func TestExprArea(t *testing.T) {
	a, b := box4(30, 50, 32, 52), box4(31, 51, 33, 53)
	left, right := box4(30, 50, 31, 52), box4(31, 50, 32, 52)
	pa, pb := Leaf(Prepare(a)), Leaf(Prepare(b))
	areaA, areaB := Area(a), Area(b)
	inter := Area(box4(31, 51, 32, 52))
	for _, c := range []struct {
		name string
		e    *Expr
		want float64
	}{
		{"leaf", pa, areaA},
		{"union", Union(pa, pb), areaA + areaB - inter},
		{"intersection", Intersection(pa, pb), inter},
		{"difference", Difference(pa, pb), areaA - inter},
		{"difference of three", Difference(pa, pb, Leaf(Prepare(left))), Area(right) - inter},
		{"halves", Union(Leaf(Prepare(left)), Leaf(Prepare(right))), areaA},
		{"empty union", Union(), 0},
	} {
		if got := ExprArea(c.e); math.Abs(got-c.want) > 1e-3 {
			t.Errorf("%s: %.4f km², want %.4f", c.name, got, c.want)
		}
	}
	regions := []*Shape{Prepare(left), Prepare(right)}
	m := OverlayExpr(Union(pa, pb), pa, regions)
	if math.Abs(m.AOnly-(areaB-inter)) > 1e-3 || m.BOnly > 1e-9 {
		t.Errorf("overlay: %+v", m)
	}
	if math.Abs(m.AIn[0]-Area(left)) > 1e-3 || math.Abs(m.AIn[1]-Area(right)) > 1e-3 {
		t.Errorf("overlay by region: %v", m.AIn)
	}
}

// TestExprContainsBoundary pins the rule for points exactly on an edge:
// an expression's leaf decides as Contains does — with the ray towards
// +x and edges taken on [low, high) northings, a point on a western or
// southern edge is inside, one on an eastern or northern edge is not.
func TestExprContainsBoundary(t *testing.T) {
	sq := box4(30, 50, 31, 51)
	e := Union(Leaf(Prepare(sq)))
	for _, c := range []struct {
		lon, lat float64
		want     bool
	}{
		{30, 50.5, true},   // western edge
		{31, 50.5, false},  // eastern edge
		{30.5, 50, true},   // southern edge
		{30.5, 51, false},  // northern edge
		{30.5, 50.5, true}, // inside
	} {
		if got, ref := e.Contains(c.lon, c.lat), Contains(sq, c.lon, c.lat); got != c.want || got != ref {
			t.Errorf("(%g, %g): expression %v, Contains %v, want %v", c.lon, c.lat, got, ref, c.want)
		}
	}
}

// TestBand checks a band's area against the closed form of a capsule:
// 2·r·L for the rectangle and π·r² for the two half discs, the discs
// drawn as inscribed polygons of 2·(CapsuleArcPoints−1) sides.
func TestBand(t *testing.T) {
	a, b := Point{35, 48}, Point{35, 48.9}
	r := 10000.0
	l := Distance(a, b)
	sides := 2.0 * (CapsuleArcPoints - 1)
	disc := math.Pi * r * r * (sides / (2 * math.Pi) * math.Sin(2*math.Pi/sides))
	want := (2*r*l + disc) / 1e6
	band := NewBand([]Segment{{a, b}}, r)
	if got := ExprArea(BandLeaf(band)); math.Abs(got-want)/want > 2e-4 {
		t.Errorf("one capsule: %.3f km², want %.3f (L = %.1f m)", got, want, l)
	}
	// The same line cut into pieces: the capsules overlap and their union
	// is the same band.
	pieces := appendPieces(nil, Segment{a, b}, 1000)
	if got := ExprArea(BandLeaf(NewBand(pieces, r))); math.Abs(got-want)/want > 2e-4 {
		t.Errorf("%d capsules: %.3f km², want %.3f", len(pieces), got, want)
	}
	// A right angle: the rectangles overlap in an r×r square inside the
	// bend and a quarter disc fills the outer corner, so the union is
	// 2·r·(L1+L2) − r² + (5/4)·π·r².
	c := Point{36.2, 48.9}
	l2 := Distance(b, c)
	got := ExprArea(BandLeaf(NewBand([]Segment{{a, b}, {b, c}}, r)))
	wantBend := (2*r*(l+l2) - r*r + disc*5/4) / 1e6
	if math.Abs(got-wantBend)/wantBend > 1e-3 {
		t.Errorf("bend: %.3f km², want %.3f", got, wantBend)
	}
	for _, c := range []struct {
		p    Point
		want bool
	}{
		{Offset(Point{35, 48.45}, 90, 9990), true},
		{Offset(Point{35, 48.45}, 90, 10010), false},
		{Offset(b, 0, 9990), true},
		{Offset(a, 180, 10010), false},
	} {
		if got := band.Contains(c.p.Lon, c.p.Lat); got != c.want {
			t.Errorf("Contains(%v) = %v, want %v (distance %.1f m)", c.p, got, c.want, DistanceToSegment(c.p, Segment{a, b}))
		}
	}
}

func TestDistance(t *testing.T) {
	// One degree of latitude at 48°: 111,186 m on WGS84 (meridian arc).
	if d := Distance(Point{35, 47.5}, Point{35, 48.5}); math.Abs(d-111186) > 5 {
		t.Errorf("1° of latitude at 48°: %.1f m", d)
	}
	p := Point{35, 48}
	for _, br := range []float64{0, 45, 90, 200} {
		if d := Distance(p, Offset(p, br, 5000)); math.Abs(d-5000) > 1e-6 {
			t.Errorf("offset at %g°: %.3f m", br, d)
		}
	}
	if n := len(appendPieces(nil, Segment{Point{35, 48}, Point{35, 48.1}}, 1000)); n != 12 {
		t.Errorf("pieces of 11.1 km: %d, want 12", n)
	}
}
