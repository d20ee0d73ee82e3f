package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Feature is a GeoJSON Feature with a polygonal geometry.
type Feature struct {
	// Properties are the feature's properties, decoded by encoding/json;
	// never nil.
	Properties map[string]any
	// Geometry holds the feature's polygons; a Polygon becomes a
	// MultiPolygon of one polygon, a null geometry an empty MultiPolygon.
	Geometry MultiPolygon
	// GeometryType is "Polygon", "MultiPolygon", or "" for a null geometry.
	GeometryType string
	// Pos is where the feature starts in the file.
	Pos Pos
}

// Pos is a position in a file: Line and Column are 1-based, Column counts
// characters; Offset is the 0-based byte offset.
type Pos struct {
	Line, Column int
	Offset       int
}

// Error is a problem at a position of a GeoJSON file.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
}

// ReadGeoJSON reads a GeoJSON FeatureCollection, Feature, Polygon or
// MultiPolygon and returns its features (a bare geometry becomes one
// feature without properties). Foreign members, such as the legacy crs of
// DeepStateMap files, and bbox are ignored; geometries other than Polygon,
// MultiPolygon and null are refused. Coordinates are checked: positions of
// at least two numbers (longitude, latitude; an altitude is ignored),
// longitudes in [−180, 180], latitudes in [−90, 90], closed rings of at
// least four positions. The error, an *Error, is the
// first problem found, at its line and column.
func ReadGeoJSON(r io.Reader) ([]Feature, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return parseGeoJSON(data)
}

func parseGeoJSON(data []byte) ([]Feature, error) {
	p := &parser{data: data}
	start := 0
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		start = 3
	}
	if err := p.valid(start); err != nil {
		return nil, err
	}
	i := p.ws(start)
	if p.data[i] != '{' {
		return nil, p.errorf(i, "a GeoJSON file is an object; found %s", p.what(i))
	}
	var (
		typ           string
		typAt         = i
		featuresAt    = -1
		geometryAt    = -1
		propertiesAt  = -1
		coordinatesAt = -1
	)
	err := p.object(i, func(key string, vs, _ int) error {
		switch key {
		case "type":
			typAt = vs
			return p.unmarshal(vs, &typ, "type")
		case "features":
			featuresAt = vs
		case "geometry":
			geometryAt = vs
		case "properties":
			propertiesAt = vs
		case "coordinates":
			coordinatesAt = vs
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch typ {
	case "FeatureCollection":
		return p.featureCollection(i, featuresAt)
	case "Feature":
		f, err := p.featureMembers(i, geometryAt, propertiesAt)
		if err != nil {
			return nil, err
		}
		return []Feature{f}, nil
	case "Polygon", "MultiPolygon":
		mp, err := p.geometry(i, typ, coordinatesAt)
		if err != nil {
			return nil, err
		}
		return []Feature{{Properties: map[string]any{}, Geometry: mp, GeometryType: typ, Pos: p.pos(i)}}, nil
	case "":
		return nil, p.errorf(typAt, "the object has no GeoJSON \"type\"")
	}
	return nil, p.errorf(typAt, "GeoJSON type %q is not supported; want FeatureCollection, Feature, Polygon or MultiPolygon", typ)
}

// valid returns the error locating the first syntax error of the JSON
// from offset start, nil for valid JSON.
func (p *parser) valid(start int) error {
	if json.Valid(p.data[start:]) {
		return nil
	}
	var se *json.SyntaxError
	if err := json.Unmarshal(p.data[start:], new(json.RawMessage)); errors.As(err, &se) {
		off := start + int(se.Offset)
		if off > start {
			off-- // Offset counts the offending byte
		}
		return p.errorf(off, "invalid JSON: %v", se)
	}
	return p.errorf(start, "invalid JSON")
}

// featureCollection reads the features of the FeatureCollection at
// offset i, whose "features" member is at featuresAt (-1 when absent).
func (p *parser) featureCollection(i, featuresAt int) ([]Feature, error) {
	if featuresAt < 0 {
		return nil, p.errorf(i, "FeatureCollection has no \"features\" member")
	}
	if p.data[featuresAt] != '[' {
		return nil, p.errorf(featuresAt, "\"features\" must be an array; found %s", p.what(featuresAt))
	}
	features := []Feature{}
	err := p.array(featuresAt, func(vs, _ int) error {
		f, err := p.feature(vs)
		if err != nil {
			return err
		}
		features = append(features, f)
		return nil
	})
	return features, err
}

// parser walks JSON that json.Valid accepted, so it needs no syntax
// checks of its own; it keeps byte offsets to position every error.
type parser struct {
	data       []byte
	lineStarts []int // offsets of the lines' starts, built on the first call of pos
}

func (p *parser) pos(off int) Pos {
	off = min(max(off, 0), len(p.data))
	if p.lineStarts == nil {
		p.lineStarts = []int{0}
		for i, c := range p.data {
			if c == '\n' {
				p.lineStarts = append(p.lineStarts, i+1)
			}
		}
	}
	line, _ := slices.BinarySearch(p.lineStarts, off+1)
	lineStart := p.lineStarts[line-1]
	return Pos{Line: line, Column: utf8.RuneCount(p.data[lineStart:off]) + 1, Offset: off}
}

func (p *parser) errorf(off int, format string, args ...any) *Error {
	return &Error{Pos: p.pos(off), Msg: fmt.Sprintf(format, args...)}
}

// what names the kind of the value at i, for messages.
func (p *parser) what(i int) string {
	if i >= len(p.data) {
		return "the end of the file"
	}
	switch c := p.data[i]; {
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	}
	return "a number"
}

func (p *parser) ws(i int) int {
	for i < len(p.data) {
		switch p.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skip returns the offset just after the value starting at i.
func (p *parser) skip(i int) int {
	switch p.data[i] {
	case '"':
		for i++; i < len(p.data); i++ {
			switch p.data[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return i
	case '{', '[':
		depth := 0
		for ; i < len(p.data); i++ {
			switch p.data[i] {
			case '"':
				i = p.skip(i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for ; i < len(p.data); i++ {
		switch p.data[i] {
		case ',', ']', '}', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}

// object calls fn with each member of the object at i: its key and the
// span of its value.
func (p *parser) object(i int, fn func(key string, vs, ve int) error) error {
	i = p.ws(i + 1)
	for i < len(p.data) && p.data[i] != '}' {
		ke := p.skip(i)
		var key string
		if err := json.Unmarshal(p.data[i:ke], &key); err != nil {
			return p.errorf(i, "reading a key: %v", err)
		}
		i = p.ws(ke)
		i = p.ws(i + 1) // the colon
		ve := p.skip(i)
		if err := fn(key, i, ve); err != nil {
			return err
		}
		i = p.ws(ve)
		if i < len(p.data) && p.data[i] == ',' {
			i = p.ws(i + 1)
		}
	}
	return nil
}

// array calls fn with the span of each element of the array at i.
func (p *parser) array(i int, fn func(vs, ve int) error) error {
	i = p.ws(i + 1)
	for i < len(p.data) && p.data[i] != ']' {
		ve := p.skip(i)
		if err := fn(i, ve); err != nil {
			return err
		}
		i = p.ws(ve)
		if i < len(p.data) && p.data[i] == ',' {
			i = p.ws(i + 1)
		}
	}
	return nil
}

func (p *parser) unmarshal(vs int, v any, member string) error {
	if err := json.Unmarshal(p.data[vs:p.skip(vs)], v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return p.errorf(vs, "%q must be %s; found %s", member, jsonKind(te.Type.Kind().String()), p.what(vs))
		}
		return p.errorf(vs, "%q: %v", member, err)
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "map":
		return "an object"
	}
	return goKind
}

// feature reads the Feature object at i.
func (p *parser) feature(i int) (Feature, error) {
	if p.data[i] != '{' {
		return Feature{}, p.errorf(i, "a feature is an object; found %s", p.what(i))
	}
	typ, typAt, geometryAt, propertiesAt := "", i, -1, -1
	err := p.object(i, func(key string, vs, _ int) error {
		switch key {
		case "type":
			typAt = vs
			return p.unmarshal(vs, &typ, "type")
		case "geometry":
			geometryAt = vs
		case "properties":
			propertiesAt = vs
		}
		return nil
	})
	if err != nil {
		return Feature{}, err
	}
	if typ != "Feature" {
		return Feature{}, p.errorf(typAt, "an element of \"features\" must have \"type\": \"Feature\"; found %q", typ)
	}
	return p.featureMembers(i, geometryAt, propertiesAt)
}

func (p *parser) featureMembers(at, geometryAt, propertiesAt int) (Feature, error) {
	f := Feature{Properties: map[string]any{}, Pos: p.pos(at)}
	if propertiesAt >= 0 && p.data[propertiesAt] != 'n' {
		if err := p.unmarshal(propertiesAt, &f.Properties, "properties"); err != nil {
			return Feature{}, err
		}
	}
	if geometryAt < 0 {
		return Feature{}, p.errorf(at, "the feature has no \"geometry\" member (null is allowed)")
	}
	if p.data[geometryAt] == 'n' {
		return f, nil
	}
	if p.data[geometryAt] != '{' {
		return Feature{}, p.errorf(geometryAt, "\"geometry\" must be an object or null; found %s", p.what(geometryAt))
	}
	typ, typAt, coordinatesAt := "", geometryAt, -1
	err := p.object(geometryAt, func(key string, vs, _ int) error {
		switch key {
		case "type":
			typAt = vs
			return p.unmarshal(vs, &typ, "type")
		case "coordinates":
			coordinatesAt = vs
		}
		return nil
	})
	if err != nil {
		return Feature{}, err
	}
	switch typ {
	case "Polygon", "MultiPolygon":
	case "":
		return Feature{}, p.errorf(geometryAt, "the geometry has no \"type\"")
	default:
		return Feature{}, p.errorf(typAt, "geometry type %q is not supported; want Polygon or MultiPolygon", typ)
	}
	f.GeometryType = typ
	f.Geometry, err = p.geometry(geometryAt, typ, coordinatesAt)
	return f, err
}

// geometry reads the coordinates of a Polygon or MultiPolygon.
func (p *parser) geometry(at int, typ string, coordinatesAt int) (MultiPolygon, error) {
	if coordinatesAt < 0 {
		return nil, p.errorf(at, "the %s has no \"coordinates\"", typ)
	}
	if typ == "Polygon" {
		poly, err := p.polygon(coordinatesAt)
		if err != nil {
			return nil, err
		}
		return MultiPolygon{poly}, nil
	}
	mp := MultiPolygon{}
	err := p.list(coordinatesAt, "the coordinates of a MultiPolygon (an array of polygons)", func(vs, _ int) error {
		poly, err := p.polygon(vs)
		mp = append(mp, poly)
		return err
	})
	return mp, err
}

// list is array for an array the grammar requires, what naming it.
func (p *parser) list(i int, what string, fn func(vs, ve int) error) error {
	if p.data[i] != '[' {
		return p.errorf(i, "expected %s; found %s", what, p.what(i))
	}
	return p.array(i, fn)
}

func (p *parser) polygon(i int) (Polygon, error) {
	poly := Polygon{}
	err := p.list(i, "a polygon (an array of rings)", func(vs, _ int) error {
		r, err := p.ring(vs)
		poly = append(poly, r)
		return err
	})
	return poly, err
}

func (p *parser) ring(i int) (Ring, error) {
	r := Ring{}
	err := p.list(i, "a ring (an array of positions)", func(vs, _ int) error {
		pt, err := p.position(vs)
		r = append(r, pt)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(r) < 4 {
		return nil, p.errorf(i, "a ring needs at least 4 positions; this one has %d", len(r))
	}
	if r[0] != r[len(r)-1] {
		return nil, p.errorf(i, "the ring is not closed: its last position (%v, %v) differs from its first (%v, %v)",
			r[len(r)-1].Lon, r[len(r)-1].Lat, r[0].Lon, r[0].Lat)
	}
	return r, nil
}

func (p *parser) position(i int) (Point, error) {
	var nums [2]float64
	n := 0
	err := p.list(i, "a position (an array of numbers)", func(vs, ve int) error {
		c := p.data[vs]
		if c != '-' && (c < '0' || c > '9') {
			return p.errorf(vs, "expected a number in a position; found %s", p.what(vs))
		}
		v, err := strconv.ParseFloat(string(p.data[vs:ve]), 64)
		if err != nil || math.IsInf(v, 0) {
			return p.errorf(vs, "number %s is out of range", p.data[vs:ve])
		}
		if n < len(nums) {
			nums[n] = v
		}
		n++
		return nil
	})
	if err != nil {
		return Point{}, err
	}
	switch {
	case n < 2:
		return Point{}, p.errorf(i, "a position needs a longitude and a latitude; this one has %d numbers", n)
	case nums[0] < -180 || nums[0] > 180:
		return Point{}, p.errorf(i, "longitude %v is outside [-180, 180] (positions are longitude, latitude)", nums[0])
	case nums[1] < -90 || nums[1] > 90:
		return Point{}, p.errorf(i, "latitude %v is outside [-90, 90] (positions are longitude, latitude)", nums[1])
	}
	return Point{Lon: nums[0], Lat: nums[1]}, nil
}
