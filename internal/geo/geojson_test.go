package geo

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

const square = `[[30, 50], [31, 50], [31, 51], [30, 51], [30, 50]]`

func TestReadGeoJSON(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		features int
		types    []string
		polygons []int // per feature
		prop     string
	}{
		{"DeepStateMap layout", `{
"type": "FeatureCollection",
"name": "deepstatemap_data_20250901",
"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },
"features": [
{ "type": "Feature", "properties": { }, "geometry": { "type": "MultiPolygon", "coordinates": [ [ ` + square + ` ], [ ` + square + ` ] ] } }
]
}`, 1, []string{"MultiPolygon"}, []int{2}, ""},
		{"members in any order", `{"features": [{"geometry": {"coordinates": [` + square + `], "type": "Polygon"}, "properties": {"ADMIN_1": "Місто Київ"}, "type": "Feature"}], "type": "FeatureCollection"}`,
			1, []string{"Polygon"}, []int{1}, "Місто Київ"},
		{"a bare Feature", `{"type": "Feature", "properties": null, "geometry": {"type": "Polygon", "coordinates": [` + square + `]}}`,
			1, []string{"Polygon"}, []int{1}, ""},
		{"a bare MultiPolygon", `{"type": "MultiPolygon", "coordinates": [[` + square + `]], "bbox": [30, 50, 31, 51]}`,
			1, []string{"MultiPolygon"}, []int{1}, ""},
		{"null geometry, altitude, escaped key", `{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"n\u0061me": "x"}, "geometry": null},
  {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[30, 50, 100], [31, 50, 100], [31, 51, 0], [30, 50, 100]]]}}]}`,
			2, []string{"", "Polygon"}, []int{0, 1}, ""},
		{"empty collection, byte order mark", "\uFEFF{\"type\": \"FeatureCollection\", \"features\": []}", 0, nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := ReadGeoJSON(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != tc.features {
				t.Fatalf("%d features, want %d", len(fs), tc.features)
			}
			for i, f := range fs {
				if f.GeometryType != tc.types[i] || len(f.Geometry) != tc.polygons[i] {
					t.Errorf("feature %d: %s with %d polygons, want %s with %d", i, f.GeometryType, len(f.Geometry), tc.types[i], tc.polygons[i])
				}
				if f.Properties == nil {
					t.Errorf("feature %d: nil properties", i)
				}
				if f.Pos.Line == 0 {
					t.Errorf("feature %d: no position", i)
				}
			}
			if tc.prop != "" && fs[0].Properties["ADMIN_1"] != tc.prop {
				t.Errorf("ADMIN_1 = %v, want %q", fs[0].Properties["ADMIN_1"], tc.prop)
			}
			if tc.name == "null geometry, altitude, escaped key" {
				if fs[0].Properties["name"] != "x" {
					t.Errorf("properties %v", fs[0].Properties)
				}
				if got := fs[1].Geometry[0][0][2]; got != (Point{31, 51}) {
					t.Errorf("third position %v, want {31 51}", got)
				}
			}
		})
	}
}

func TestReadGeoJSONErrors(t *testing.T) {
	fc := func(geometry string) string {
		return "{\"type\": \"FeatureCollection\", \"features\": [\n  {\"type\": \"Feature\", \"properties\": {},\n   \"geometry\": " + geometry + "}]}"
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"not JSON", "{\"type\": \"FeatureCollection\",\n \"features\": [}", "2:15: invalid JSON: invalid character '}' looking for beginning of value"},
		{"truncated", `{"type": "Feature"`, "1:18: invalid JSON: unexpected end of JSON input"},
		{"empty", ``, "1:1: invalid JSON: unexpected end of JSON input"},
		{"an array", `[1, 2]`, "1:1: a GeoJSON file is an object; found an array"},
		{"no type", `{"features": []}`, "1:1: the object has no GeoJSON \"type\""},
		{"type not a string", `{"type": 7}`, "1:10: \"type\" must be a string; found a number"},
		{"unsupported type", `{"type": "GeometryCollection", "geometries": []}`, "1:10: GeoJSON type \"GeometryCollection\" is not supported; want FeatureCollection, Feature, Polygon or MultiPolygon"},
		{"no features", `{"type": "FeatureCollection"}`, "1:1: FeatureCollection has no \"features\" member"},
		{"features not an array", `{"type": "FeatureCollection", "features": {}}`, "1:43: \"features\" must be an array; found an object"},
		{"feature not an object", `{"type": "FeatureCollection", "features": [3]}`, "1:44: a feature is an object; found a number"},
		{"feature without type", `{"type": "FeatureCollection", "features": [{"geometry": null}]}`, "1:44: an element of \"features\" must have \"type\": \"Feature\"; found \"\""},
		{"no geometry", `{"type": "Feature", "properties": {}}`, "1:1: the feature has no \"geometry\" member (null is allowed)"},
		{"properties not an object", `{"type": "Feature", "properties": [1], "geometry": null}`, "1:35: \"properties\" must be an object; found an array"},
		{"point", fc(`{"type": "Point", "coordinates": [30, 50]}`), "3:25: geometry type \"Point\" is not supported; want Polygon or MultiPolygon"},
		{"geometry without type", fc(`{"coordinates": []}`), "3:16: the geometry has no \"type\""},
		{"no coordinates", fc(`{"type": "Polygon"}`), "3:16: the Polygon has no \"coordinates\""},
		{"polygon depth", fc(`{"type": "MultiPolygon", "coordinates": [` + square + `]}`), "3:59: expected a position (an array of numbers); found a number"},
		{"string coordinate", fc(`{"type": "Polygon", "coordinates": [[[30, 50], [31, "50"], [31, 51], [30, 50]]]}`), "3:68: expected a number in a position; found a string"},
		{"one number", fc(`{"type": "Polygon", "coordinates": [[[30, 50], [31], [31, 51], [30, 50]]]}`), "3:63: a position needs a longitude and a latitude; this one has 1 numbers"},
		{"latitude first", fc(`{"type": "Polygon", "coordinates": [[[50, 30], [50, 31], [51, 31], [50, 30]], [[50.1, 130], [50, 31], [51, 31], [50.1, 130]]]}`),
			"3:95: latitude 130 is outside [-90, 90] (positions are longitude, latitude)"},
		{"longitude", fc(`{"type": "Polygon", "coordinates": [[[181, 50], [31, 50], [31, 51], [181, 50]]]}`), "3:53: longitude 181 is outside [-180, 180] (positions are longitude, latitude)"},
		{"huge number", fc(`{"type": "Polygon", "coordinates": [[[1e999, 50], [31, 50], [31, 51], [30, 50]]]}`), "3:54: number 1e999 is out of range"},
		{"short ring", fc(`{"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [30, 50]]]}`), "3:52: a ring needs at least 4 positions; this one has 3"},
		{"open ring", fc(`{"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51]]]}`), "3:52: the ring is not closed: its last position (30, 51) differs from its first (30, 50)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGeoJSON(strings.NewReader(tc.in))
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error\n%s\nwant\n%s", err, tc.want)
			}
			var ge *Error
			if !errors.As(err, &ge) || ge.Pos.Line == 0 {
				t.Errorf("error %v carries no position", err)
			}
		})
	}
}

func TestReadGeoJSONReadError(t *testing.T) {
	boom := errors.New("boom")
	if _, err := ReadGeoJSON(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
}

func TestErrorWithoutPosition(t *testing.T) {
	if got := (&Error{Msg: "m"}).Error(); got != "m" {
		t.Errorf("%q", got)
	}
}

func FuzzReadGeoJSON(f *testing.F) {
	f.Add(`{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [` + square + `]}}]}`)
	f.Add(`{"type": "MultiPolygon", "coordinates": [[` + square + `]]}`)
	f.Add(`{"type": "Feature", "geometry": null}`)
	f.Fuzz(func(t *testing.T, in string) {
		fs, err := ReadGeoJSON(strings.NewReader(in))
		if err != nil {
			var ge *Error
			if !errors.As(err, &ge) || ge.Pos.Line < 1 || ge.Pos.Column < 1 || ge.Pos.Offset > len(in) {
				t.Fatalf("error %#v is not positioned within the input", err)
			}
			return
		}
		for _, f := range fs {
			for _, p := range f.Geometry {
				for _, r := range p {
					if len(r) < 4 || r[0] != r[len(r)-1] {
						t.Fatalf("accepted a bad ring %v", r)
					}
				}
			}
			_ = Area(f.Geometry)
		}
	})
}
