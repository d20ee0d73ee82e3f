package geo

import (
	"math"
	"testing"
)

// circle is a ring of n vertices around (lon, lat), radius r degrees of
// latitude, wide enough in longitude to stay round on the ground.
func circle(lon, lat, r float64, n int) Ring {
	ring := make(Ring, 0, n+1)
	k := 1 / math.Cos(lat*math.Pi/180)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, Point{lon + r*k*math.Cos(a), lat + r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// containsShapes are the shapes of TestContains and FuzzContains.
var containsShapes = map[string]MultiPolygon{
	"square":            {{box(30, 50, 32, 52, false)}},
	"square, clockwise": {{box(30, 50, 32, 52, true)}},
	"holed, RFC 7946":   {{box(30, 50, 32, 52, false), box(30.5, 50.5, 31.5, 51.5, true)}},
	"holed, DeepState":  {{box(30, 50, 32, 52, true), box(30.5, 50.5, 31.5, 51.5, false)}},
	"island in a hole":  {{box(30, 50, 32, 52, false), box(30.5, 50.5, 31.5, 51.5, true)}, {box(30.75, 50.75, 31.25, 51.25, false)}},
	"circle":            {{circle(35, 48, 1, 2000)}},
	"holed circle":      {{circle(35, 48, 1, 2000), circle(35, 48, 0.5, 500)}},
}

// boxInside is the analytic membership of the box shapes above: 0 outside,
// 1 inside, -1 within margin of an edge (undecided).
func boxInside(name string, lon, lat float64) int {
	const margin = 1e-9
	in := func(lon1, lat1, lon2, lat2 float64) int {
		if lon > lon1+margin && lon < lon2-margin && lat > lat1+margin && lat < lat2-margin {
			return 1
		}
		if lon < lon1-margin || lon > lon2+margin || lat < lat1-margin || lat > lat2+margin {
			return 0
		}
		return -1
	}
	outer, hole, island := in(30, 50, 32, 52), in(30.5, 50.5, 31.5, 51.5), in(30.75, 50.75, 31.25, 51.25)
	if outer < 0 || hole < 0 || island < 0 {
		return -1
	}
	switch name {
	case "square", "square, clockwise":
		return outer
	case "holed, RFC 7946", "holed, DeepState":
		return outer &^ hole
	case "island in a hole":
		return outer&^hole | island
	}
	return -1
}

// circleInside decides the circles in the coordinates where their
// vertices lie on a circle, (lon − 35)·cos 48°, lat − 48, leaving out a
// band around each ring where chords (straight in the projection) and the
// circle differ.
func circleInside(name string, lon, lat float64) int {
	u, v := (lon-35)*math.Cos(48*math.Pi/180), lat-48
	r := math.Hypot(u, v)
	band := func(radius float64) int {
		switch {
		case r < radius*(1-1e-4):
			return 1
		case r > radius*(1+1e-4):
			return 0
		}
		return -1
	}
	outer, hole := band(1), band(0.5)
	if outer < 0 || (name == "holed circle" && hole < 0) {
		return -1
	}
	if name == "holed circle" {
		return outer &^ hole
	}
	return outer
}

func want(name string, lon, lat float64) int {
	if name == "circle" || name == "holed circle" {
		return circleInside(name, lon, lat)
	}
	return boxInside(name, lon, lat)
}

func TestContains(t *testing.T) {
	points := []Point{
		{31, 51}, {30.6, 50.6}, {30.25, 51}, {31.75, 51}, {31, 50.25}, {31, 51.75},
		{29, 51}, {33, 51}, {31, 49}, {31, 53}, {-31, -51}, {180, 90}, {-180, -90},
		{35, 48}, {35, 48.7}, {35, 47.2}, {36.2, 48}, {33.6, 48}, {35, 49.2}, {35, 46.5},
	}
	for name, mp := range containsShapes {
		s := Prepare(mp)
		ix := NewIndex([]MultiPolygon{{{box(0, 0, 1, 1, false)}}, mp})
		for _, p := range points {
			w := want(name, p.Lon, p.Lat)
			if w < 0 {
				t.Fatalf("%s: test point %v is on an edge", name, p)
			}
			if got := Contains(mp, p.Lon, p.Lat); got != (w == 1) {
				t.Errorf("%s: Contains(%v) = %v, want %v", name, p, got, w == 1)
			}
			if got := s.Contains(p.Lon, p.Lat); got != (w == 1) {
				t.Errorf("%s: Shape.Contains(%v) = %v, want %v", name, p, got, w == 1)
			}
			i, ok := ix.Locate(p.Lon, p.Lat)
			if ok != (w == 1) || (ok && i != 1) {
				t.Errorf("%s: Locate(%v) = %d, %v; want 1, %v", name, p, i, ok, w == 1)
			}
		}
	}
}

func TestContainsEmpty(t *testing.T) {
	for _, mp := range []MultiPolygon{nil, {}, {{}}, {{{}}}} {
		if Contains(mp, 0, 0) || Prepare(mp).Contains(0, 0) {
			t.Errorf("an empty shape %v contains a point", mp)
		}
	}
	if _, ok := NewIndex(nil).Locate(0, 0); ok {
		t.Error("an empty index located a point")
	}
}

// FuzzContains checks the three point queries against the analytic answer
// for the hand-made shapes, wherever that answer is decided.
func FuzzContains(f *testing.F) {
	for _, p := range [][2]float64{{31, 51}, {30.5, 50.5}, {30.75, 51}, {35, 48}, {35.99, 48}, {0, 0}, {32, 52}, {30, 51}} {
		f.Add(p[0], p[1])
	}
	prepared := map[string]*Shape{}
	indexes := map[string]*Index{}
	for name, mp := range containsShapes {
		prepared[name] = Prepare(mp)
		indexes[name] = NewIndex([]MultiPolygon{mp})
	}
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		if math.IsNaN(lon) || math.IsNaN(lat) || math.Abs(lon) > 180 || math.Abs(lat) > 90 {
			t.Skip()
		}
		for name, mp := range containsShapes {
			w := want(name, lon, lat)
			if w < 0 {
				continue
			}
			a, b := Contains(mp, lon, lat), prepared[name].Contains(lon, lat)
			_, c := indexes[name].Locate(lon, lat)
			if a != (w == 1) || b != (w == 1) || c != (w == 1) {
				t.Errorf("%s at (%v, %v): Contains %v, Shape.Contains %v, Locate %v; want %v", name, lon, lat, a, b, c, w == 1)
			}
		}
	})
}
