package geo

import (
	"math"
	"testing"
)

// ellipsoidArea integrates the WGS84 area element M(φ)·N(φ)·cos φ over a
// latitude–longitude quadrangle with Simpson's rule, independently of the
// authalic-latitude formulas under test; km².
func ellipsoidArea(lat1, lat2, dLon float64) float64 {
	a, e2 := SemiMajor, Eccentricity2
	f := func(phi float64) float64 {
		w := 1 - e2*math.Sin(phi)*math.Sin(phi)
		m := a * (1 - e2) / math.Pow(w, 1.5)
		n := a / math.Sqrt(w)
		return m * n * math.Cos(phi)
	}
	const steps = 2000
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	h := (p2 - p1) / steps
	s := f(p1) + f(p2)
	for i := 1; i < steps; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(p1+float64(i)*h)
	}
	return s * h / 3 * dLon * math.Pi / 180 / 1e6
}

// box is a lon–lat rectangle as a ring, counter-clockwise unless cw.
func box(lon1, lat1, lon2, lat2 float64, cw bool) Ring {
	r := Ring{{lon1, lat1}, {lon2, lat1}, {lon2, lat2}, {lon1, lat2}, {lon1, lat1}}
	if cw {
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
	}
	return r
}

func TestAuthalicRadius(t *testing.T) {
	// The radius of the sphere with the area of the WGS84 ellipsoid (Moritz,
	// Geodetic Reference System 1980: 6,371,007.1810 m).
	if got := AuthalicRadius(); math.Abs(got-6371007.181) > 0.01 {
		t.Errorf("AuthalicRadius() = %.3f m, want 6,371,007.181 m", got)
	}
}

func TestAuthalicLatitude(t *testing.T) {
	// The inverse series of Snyder (1987), eq. 3-18, an independent route
	// back from β to φ (its truncation error is below 1e-8°).
	geodetic := func(beta float64) float64 {
		e2 := Eccentricity2
		e4, e6 := e2*e2, e2*e2*e2
		b := beta * math.Pi / 180
		phi := b + (e2/3+31*e4/180+517*e6/5040)*math.Sin(2*b) +
			(23*e4/360+251*e6/3780)*math.Sin(4*b) + 761*e6/45360*math.Sin(6*b)
		return phi * 180 / math.Pi
	}
	for _, lat := range []float64{-90, -60, -1, 0, 10, 30, 45, 48.5, 60, 89.9, 90} {
		beta := AuthalicLatitude(lat)
		if got := geodetic(beta); math.Abs(got-lat) > 1e-7 {
			t.Errorf("AuthalicLatitude(%v) = %.9f°, which maps back to %.9f°", lat, beta, got)
		}
		if lat != 0 && math.Abs(lat) != 90 && !(math.Abs(beta) < math.Abs(lat)) {
			t.Errorf("AuthalicLatitude(%v) = %v: the authalic latitude lies nearer the equator", lat, beta)
		}
	}
}

func TestAreaAnalytic(t *testing.T) {
	for _, tc := range []struct {
		name string
		mp   MultiPolygon
		want float64
	}{
		{"1°×1° at the equator", MultiPolygon{{box(30, 0, 31, 1, false)}}, ellipsoidArea(0, 1, 1)},
		{"1°×1° at 60°N", MultiPolygon{{box(30, 60, 31, 61, false)}}, ellipsoidArea(60, 61, 1)},
		{"1°×1° at 60°N, clockwise", MultiPolygon{{box(30, 60, 31, 61, true)}}, ellipsoidArea(60, 61, 1)},
		{"Ukraine-sized box", MultiPolygon{{box(22, 44, 40, 52, false)}}, ellipsoidArea(44, 52, 18)},
		{"southern hemisphere", MultiPolygon{{box(-60, -35, -58, -34, true)}}, ellipsoidArea(-35, -34, 2)},
		{"unclosed ring", MultiPolygon{{box(30, 0, 31, 1, false)[:4]}}, ellipsoidArea(0, 1, 1)},
		{"hole, RFC 7946 winding", MultiPolygon{{box(30, 50, 32, 52, false), box(30.5, 50.5, 31.5, 51.5, true)}},
			ellipsoidArea(50, 52, 2) - ellipsoidArea(50.5, 51.5, 1)},
		{"hole, DeepStateMap winding", MultiPolygon{{box(30, 50, 32, 52, true), box(30.5, 50.5, 31.5, 51.5, false)}},
			ellipsoidArea(50, 52, 2) - ellipsoidArea(50.5, 51.5, 1)},
		{"hole, same winding as the shell", MultiPolygon{{box(30, 50, 32, 52, false), box(30.5, 50.5, 31.5, 51.5, false)}},
			ellipsoidArea(50, 52, 2) - ellipsoidArea(50.5, 51.5, 1)},
		{"hole listed first", MultiPolygon{{box(30.5, 50.5, 31.5, 51.5, true), box(30, 50, 32, 52, false)}},
			ellipsoidArea(50, 52, 2) - ellipsoidArea(50.5, 51.5, 1)},
		{"hole as a polygon of its own", MultiPolygon{{box(30, 50, 32, 52, false)}, {box(30.5, 50.5, 31.5, 51.5, false)}},
			ellipsoidArea(50, 52, 2) - ellipsoidArea(50.5, 51.5, 1)},
		{"island in a hole", MultiPolygon{{box(30, 50, 32, 52, false), box(30.5, 50.5, 31.5, 51.5, true)}, {box(30.75, 50.75, 31.25, 51.25, false)}},
			ellipsoidArea(50, 52, 2) - ellipsoidArea(50.5, 51.5, 1) + ellipsoidArea(50.75, 51.25, 0.5)},
		{"hole touching its shell at a corner", MultiPolygon{{box(30, 50, 32, 52, false), box(30, 50, 31, 51, true)}},
			ellipsoidArea(50, 52, 2) - ellipsoidArea(50, 51, 1)},
		{"two disjoint polygons", MultiPolygon{{box(30, 50, 31, 51, false)}, {box(33, 50, 34, 51, true)}}, 2 * ellipsoidArea(50, 51, 1)},
		{"empty", nil, 0},
		{"degenerate ring", MultiPolygon{{Ring{{30, 50}, {31, 50}, {30, 50}}}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Area(tc.mp)
			if math.Abs(got-tc.want) > 1e-6*max(1, tc.want) {
				t.Errorf("Area = %.6f km², want %.6f km²", got, tc.want)
			}
			// The scanline measure agrees with the shoelace: lon–lat boxes
			// have no slanted edges, so both are exact.
			s := Prepare(tc.mp)
			if sw := Overlay(s, Prepare(nil), nil).AOnly; math.Abs(sw-tc.want) > 1e-6*max(1, tc.want) {
				t.Errorf("scanline area = %.6f km², want %.6f km²", sw, tc.want)
			}
		})
	}
}

func TestBooleanAreasOfBoxes(t *testing.T) {
	a := MultiPolygon{{box(30, 50, 32, 52, false)}}
	b := MultiPolygon{{box(31, 51, 33, 53, true)}} // overlaps a's north-east quarter
	holed := MultiPolygon{{box(30, 50, 32, 52, true), box(30.5, 50.5, 31.5, 51.5, false)}}
	q := func(lat1, lat2, dLon float64) float64 { return ellipsoidArea(lat1, lat2, dLon) }
	for _, tc := range []struct {
		name             string
		a, b             MultiPolygon
		diff, rdiff, and float64
	}{
		{"overlapping squares", a, b, q(50, 52, 2) - q(51, 52, 1), q(51, 53, 2) - q(51, 52, 1), q(51, 52, 1)},
		{"identical", a, a, 0, 0, q(50, 52, 2)},
		{"disjoint", a, MultiPolygon{{box(40, 50, 41, 51, false)}}, q(50, 52, 2), q(50, 51, 1), 0},
		{"against empty", a, nil, q(50, 52, 2), 0, 0},
		{"square minus holed square", a, holed, q(50.5, 51.5, 1), 0, q(50, 52, 2) - q(50.5, 51.5, 1)},
		{"holed square and b", holed, b, q(50, 52, 2) - q(50.5, 51.5, 1) - (q(51, 52, 1) - q(51, 51.5, 0.5)),
			q(51, 53, 2) - q(51, 52, 1) + q(51, 51.5, 0.5), q(51, 52, 1) - q(51, 51.5, 0.5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			check := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > 1e-6*max(1, want) {
					t.Errorf("%s = %.6f km², want %.6f km²", what, got, want)
				}
			}
			check("DifferenceArea(a, b)", DifferenceArea(tc.a, tc.b), tc.diff)
			check("DifferenceArea(b, a)", DifferenceArea(tc.b, tc.a), tc.rdiff)
			check("IntersectionArea(a, b)", IntersectionArea(tc.a, tc.b), tc.and)
			check("IntersectionArea(b, a)", IntersectionArea(tc.b, tc.a), tc.and)
			m := Overlay(Prepare(tc.a), Prepare(tc.b), nil)
			check("Overlay.AOnly", m.AOnly, tc.diff)
			check("Overlay.BOnly", m.BOnly, tc.rdiff)
			check("Overlay.Both", m.Both, tc.and)
		})
	}
}

func TestDifferenceAreaWithin(t *testing.T) {
	a := MultiPolygon{{box(30, 50, 34, 52, false)}}
	// b has a vertex at 51°N (on a straight edge), so that the regions'
	// edges at 51°N fall between two slabs of scanlines.
	b := MultiPolygon{{Ring{{31, 50}, {33, 50}, {33, 51}, {33, 52}, {31, 52}, {31, 51}, {31, 50}}}}
	// a \ b is two strips: 30–31 and 33–34.
	regions := []MultiPolygon{
		{{box(29, 49, 30.5, 53, false)}},   // half of the west strip
		{{box(30.5, 49, 32, 53, true)}},    // the other half, and part of b
		{{box(32, 51, 35, 53, false)}},     // the north half of the east strip
		{{box(40, 40, 41, 41, false)}},     // elsewhere
		{{box(33, 50, 34, 51, false)}, {}}, // the south half of the east strip, and an empty polygon
	}
	q := ellipsoidArea
	want := []float64{q(50, 52, 0.5), q(50, 52, 0.5), q(51, 52, 1), 0, q(50, 51, 1)}
	got := DifferenceAreaWithin(a, b, regions)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-6*max(1, want[i]) {
			t.Errorf("region %d: %.6f km², want %.6f km²", i, got[i], want[i])
		}
	}
	if got := DifferenceAreaWithin(b, a, regions); got[0]+got[1]+got[2]+got[3]+got[4] != 0 {
		t.Errorf("b \\ a is empty, got %v", got)
	}
	// Without the vertex, 51°N falls inside a slab: the line nearest the
	// regions' edge puts a strip at most Spacing/2 tall on the wrong side.
	b = MultiPolygon{{box(31, 50, 33, 52, false)}}
	got = DifferenceAreaWithin(a, b, regions)
	width := projectX(34) - projectX(33)
	for i := range want {
		if tol := Spacing / 2 * width / 1e6; math.Abs(got[i]-want[i]) > tol {
			t.Errorf("region %d: %.6f km², want %.6f ± %.3f km²", i, got[i], want[i], tol)
		}
	}
}

// clipConvex is Sutherland–Hodgman: the part of the convex polygon subj
// inside the convex, counter-clockwise polygon clip, in the projected plane.
func clipConvex(subj, clip []xy) []xy {
	out := subj
	for i := range clip {
		a, b := clip[i], clip[(i+1)%len(clip)]
		side := func(p xy) float64 { return (b.x-a.x)*(p.y-a.y) - (b.y-a.y)*(p.x-a.x) }
		in := out
		out = nil
		for j := range in {
			p, q := in[j], in[(j+1)%len(in)]
			sp, sq := side(p), side(q)
			if sp >= 0 {
				out = append(out, p)
			}
			if (sp >= 0) != (sq >= 0) {
				t := sp / (sp - sq)
				out = append(out, xy{p.x + t*(q.x-p.x), p.y + t*(q.y-p.y)})
			}
		}
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// TestBooleanAreasOfTriangles checks shapes whose edges cross inside
// slabs, where the scanlines are approximate, against exact clipping.
func TestBooleanAreasOfTriangles(t *testing.T) {
	// The tolerance is the midpoint rule's error at a crossing: up to h²/8
	// times the change of slope dx/dy there, h the height of the line's
	// strip (at most Spacing). That is a few hundred m² for edges crossing
	// at a fair angle, more for edges nearly horizontal and nearly parallel:
	// the sliver's bottom edges cross in the middle of an 11 m slab with
	// slopes of about 670 and 2,000, which bounds the error by 0.041 km².
	for _, tc := range []struct {
		name string
		a, b Ring
		tol  float64 // km²
	}{
		{"star of David", Ring{{30, 50}, {31, 50}, {30.5, 50.8}}, Ring{{30, 50.55}, {30.5, 49.75}, {31, 50.55}}, 0.001},
		{"slanted overlap", Ring{{30, 50}, {30.3, 50.02}, {30.1, 50.3}}, Ring{{30.05, 50.1}, {30.4, 50.05}, {30.2, 50.4}}, 0.001},
		{"thin sliver", Ring{{35, 47}, {35.2, 47.0003}, {35.1, 47.2}}, Ring{{35, 47.0001}, {35.2, 47.0002}, {35.1, 47.21}}, 0.041},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proj := func(r Ring) []xy {
				pts := projectRing(r)
				if signedArea(pts) < 0 {
					for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
						pts[i], pts[j] = pts[j], pts[i]
					}
				}
				return pts
			}
			pa, pb := proj(tc.a), proj(tc.b)
			and := math.Abs(signedArea(append(clipConvex(pa, pb), clipConvex(pa, pb)[:1]...))) / 1e6
			a, b := MultiPolygon{{tc.a}}, MultiPolygon{{tc.b}}
			tol := tc.tol
			if got := IntersectionArea(a, b); math.Abs(got-and) > tol {
				t.Errorf("IntersectionArea = %.6f km², want %.6f km²", got, and)
			}
			if got, want := DifferenceArea(a, b), Area(a)-and; math.Abs(got-want) > tol {
				t.Errorf("DifferenceArea = %.6f km², want %.6f km²", got, want)
			}
			if got, want := DifferenceArea(b, a), Area(b)-and; math.Abs(got-want) > tol {
				t.Errorf("DifferenceArea(b, a) = %.6f km², want %.6f km²", got, want)
			}
		})
	}
}

func TestIntervals(t *testing.T) {
	for _, tc := range []struct {
		a, b, diff []float64
		and        float64
	}{
		{[]float64{0, 10}, []float64{2, 3, 5, 6}, []float64{0, 2, 3, 5, 6, 10}, 2},
		{[]float64{0, 1, 2, 3}, []float64{0.5, 2.5}, []float64{0, 0.5, 2.5, 3}, 1},
		{[]float64{0, 1}, nil, []float64{0, 1}, 0},
		{nil, []float64{0, 1}, nil, 0},
		{[]float64{0, 1}, []float64{-1, 2}, nil, 1},
		{[]float64{0, 1, 4, 5}, []float64{1, 4}, []float64{0, 1, 4, 5}, 0},
		{[]float64{0, 4}, []float64{-2, 1, 3, 7}, []float64{1, 3}, 2},
	} {
		if got := subtract(tc.a, tc.b, nil); !equalFloats(got, tc.diff) {
			t.Errorf("subtract(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.diff)
		}
		if got := intersectLength(tc.a, tc.b); got != tc.and {
			t.Errorf("intersectLength(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.and)
		}
		if got := length(tc.a) - intersectLength(tc.a, tc.b); got != length(subtract(tc.a, tc.b, nil)) {
			t.Errorf("|a| − |a∩b| = %v ≠ |a \\ b| for %v, %v", got, tc.a, tc.b)
		}
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
