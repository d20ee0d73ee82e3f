// Package geo measures and queries polygons on the WGS84 ellipsoid: the
// occupied-territory snapshots of internal/territory and the oblasts of
// internal/oblast. It owns the geometry types, an equal-area projection,
// areas, the areas of differences and intersections, point-in-polygon
// queries and a GeoJSON reader; internal/territory and internal/oblast take
// the next step (snapshots, diffs, names).
//
// # Why our own
//
// What backstop needs is small: the area of a multipolygon, the areas of
// a \ b and a ∩ b (what changed hands between two maps), split by oblast,
// and which polygon holds a point. No well-kept pure-Go library offers
// polygon boolean operations together with equal-area measures on the
// ellipsoid. The Go bindings of GEOS need cgo; simplefeatures, pure Go and
// maintained, has planar overlay operations, but measures only in the
// plane and builds the result polygons, which needs topologically valid
// input; orb has no boolean operations (and measures areas in the plane or
// on a sphere, 0.27 % off here; see TestMeanRadiusSphereFails). Measuring a
// boolean does not need its polygons, so a few hundred lines of
// standard-library Go, checked against values computed independently
// (docs/territory.md), do the job without a dependency.
//
// # Semantics
//
// Coordinates are longitude and latitude in degrees (WGS84, the order of
// GeoJSON). A Polygon's first ring is conventionally the outer ring and the
// rest holes, but nothing here relies on that, nor on winding (DeepStateMap
// files wind the "wrong" way): every operation uses the even–odd rule over
// all rings of a MultiPolygon. A point is inside when a ray from it crosses
// the rings an odd number of times. For valid GeoJSON (rings that do not
// cross, polygons that do not overlap) that is the usual meaning; where two
// polygons of one MultiPolygon overlap, the overlap counts as outside.
//
// # Projection
//
// Everything is measured in the Lambert cylindrical equal-area projection
// on the WGS84 authalic sphere (Project): areas there equal areas on the
// ellipsoid, with edges taken as straight lines in that projection. For
// edges of a few kilometres, as in the data, the difference from geodesic
// edges is tiny: 0.58 km² (5 ppm) on a whole DeepStateMap snapshot.
//
// # Areas of booleans
//
// DifferenceArea, IntersectionArea, DifferenceAreaWithin and Overlay do not
// build the boolean polygons. They cut both shapes with horizontal lines of
// the projected plane and measure each line exactly, by 1-D interval
// arithmetic on its sorted crossings (even–odd pairs), walking the edges
// with an active-edge table (edges sorted by their lowest northing), so a
// line costs the edges it meets. Lines are placed in the slabs between
// consecutive vertex northings of both shapes, at the middle of sub-slabs
// no taller than Spacing (25 m), each weighted by its sub-slab's height.
// Inside a slab where no edge of one shape crosses an edge of the other,
// the measure on a line is linear in the northing and this midpoint rule is
// exact; at a crossing, its error is at most h²/8 times the change of
// slope dx/dy there, h the sub-slab's height — a few hundred m² for edges
// crossing at a fair angle. Regions (DifferenceAreaWithin, Overlay's
// regions) add no slabs of their own, so a region's horizontal edge can put
// a strip up to Spacing/2 tall on the wrong side. On the DeepStateMap
// snapshots, refining the spacing from 25 m to 2 m moves no total by more
// than 0.003 km², and the results agree with the independently computed
// expected values within 0.06 km² in total and 0.08 km² per oblast
// (docs/territory.md). A diff of two snapshots takes about 2 ms.
package geo
