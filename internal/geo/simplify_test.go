package geo

import (
	"bytes"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
)

func TestSimplify(t *testing.T) {
	// About 111 m per 0.001° of latitude; tolerances are in metres.
	square := Ring{{30, 50}, {30.5, 50}, {31, 50}, {31, 50.5}, {31, 51}, {30.5, 51}, {30, 51}, {30, 50.5}, {30, 50}}
	wobbly := Ring{{30, 50}, {30.5, 50.0001}, {31, 50}, {31.0001, 50.5}, {31, 51}, {30, 51}, {30, 50}}
	tiny := Ring{{30, 50}, {30.00001, 50}, {30.00001, 50.00001}, {30.000005, 50.000012}, {30, 50.00001}, {30, 50}}
	tests := []struct {
		name string
		ring Ring
		tol  float64
		want int // positions, the closing one included
	}{
		{"collinear vertices go", square, 10, 5},
		{"a bump under the tolerance goes", wobbly, 100, 5},
		{"a bump over the tolerance stays", wobbly, 5, 7},
		{"a ring under the tolerance keeps a triangle", tiny, 1000, 4},
		{"a triangle is kept", Ring{{30, 50}, {31, 50}, {30, 51}, {30, 50}}, 1e6, 4},
		{"zero tolerance drops only exactly collinear vertices", square, 0, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.ring)
			got := Simplify(MultiPolygon{{tc.ring}}, tc.tol)[0][0]
			if len(got) != tc.want {
				t.Errorf("%d positions %v, want %d", len(got), got, tc.want)
			}
			if got[0] != got[len(got)-1] {
				t.Errorf("the ring is not closed: %v", got)
			}
			if !slices.Equal(in, tc.ring) {
				t.Error("Simplify changed its input")
			}
		})
	}
}

// TestSimplifyOblasts simplifies the real oblasts and checks the rule's
// promise: every dropped vertex lies within the tolerance of the kept
// segment that replaces it; and the areas hardly move.
func TestSimplifyOblasts(t *testing.T) {
	datatest.Need(t, oblastFile)
	f, err := os.Open(oblastFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	features, err := ReadGeoJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 500.0
	before, after := 0, 0
	for _, ft := range features {
		simple := Simplify(ft.Geometry, tol)
		before += ft.Geometry.Vertices()
		after += simple.Vertices()
		a, b := Area(ft.Geometry), Area(simple)
		if math.Abs(b-a)/a > 0.02 {
			t.Errorf("%v: area %.1f km² simplified to %.1f km²", ft.Properties["ADMIN_1"], a/1e6, b/1e6)
		}
		for i, poly := range ft.Geometry {
			for j, ring := range poly {
				checkWithinTolerance(t, ring, simple[i][j], tol)
			}
		}
	}
	t.Logf("%d vertices → %d at %.0f m", before, after, tol)
	if after*5 > before {
		t.Errorf("%d vertices → %d: expected at least a fivefold reduction at %.0f m", before, after, tol)
	}
}

// checkWithinTolerance walks the original ring along the simplified one:
// the kept vertices appear in order, and each dropped vertex is within tol
// metres of the segment between the kept vertices around it.
func checkWithinTolerance(t *testing.T, orig, simple Ring, tol float64) {
	t.Helper()
	k := 0
	for i := 0; i < len(orig) && k < len(simple)-1; {
		if orig[i] != simple[k] {
			t.Fatalf("kept vertex %v not found in order in the original ring", simple[k])
		}
		j := i + 1
		for j < len(orig) && orig[j] != simple[k+1] {
			j++
		}
		if j == len(orig) {
			t.Fatalf("kept vertex %v not found after %v", simple[k+1], simple[k])
		}
		ax, ay := Project(orig[i].Lon, orig[i].Lat)
		bx, by := Project(orig[j].Lon, orig[j].Lat)
		for m := i + 1; m < j; m++ {
			px, py := Project(orig[m].Lon, orig[m].Lat)
			if d := math.Sqrt(segDist2(xy{px, py}, xy{ax, ay}, xy{bx, by})); d > tol*1.000001 {
				t.Fatalf("dropped vertex %v is %.1f m from its segment, over the %.0f m tolerance", orig[m], d, tol)
			}
		}
		i, k = j, k+1
	}
}

func TestAppendGeometry(t *testing.T) {
	mp := MultiPolygon{
		{{{30.123456789, 50.1}, {31, 50}, {30, 51}, {30.123456789, 50.1}}},
		{{{32, 48}, {33, 48}, {33, 49}, {32, 48}}, {{32.5, 48.2}, {32.6, 48.2}, {32.6, 48.3}, {32.5, 48.2}}},
	}
	b := AppendGeometry(nil, mp, 5)
	want := `{"type":"MultiPolygon","coordinates":[[[[30.12346,50.1],[31,50],[30,51],[30.12346,50.1]]],` +
		`[[[32,48],[33,48],[33,49],[32,48]],[[32.5,48.2],[32.6,48.2],[32.6,48.3],[32.5,48.2]]]]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	back, err := ReadGeoJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("our own output does not read back: %v", err)
	}
	if len(back) != 1 || len(back[0].Geometry) != 2 || back[0].Geometry[1][1][2] != (Point{32.6, 48.3}) {
		t.Errorf("read back %+v", back)
	}
}
