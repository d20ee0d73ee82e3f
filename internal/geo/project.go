package geo

import "math"

// The WGS84 ellipsoid.
const (
	// SemiMajor is the equatorial radius a, in metres.
	SemiMajor = 6378137.0
	// Eccentricity2 is the first eccentricity squared, e².
	Eccentricity2 = 0.00669437999014
)

// eccentricity is e, qPolar is q at the pole (q_p) and authalicRadius is
// R_q = a·√(q_p/2): the radius of the sphere with the ellipsoid's area,
// 6,371,007.18 m. They are derived from a and e² once, at start-up.
var (
	eccentricity   = math.Sqrt(Eccentricity2)
	qPolar         = q(1)
	authalicRadius = SemiMajor * math.Sqrt(qPolar/2)
)

// q is the function of the authalic latitude (Snyder, Map Projections — A
// Working Manual, eq. 3-12), of sin φ:
//
//	q(φ) = (1 − e²) · [ sin φ / (1 − e² sin² φ) − 1/(2e) · ln((1 − e sin φ) / (1 + e sin φ)) ]
func q(sinPhi float64) float64 {
	e, e2 := eccentricity, Eccentricity2
	esin := e * sinPhi
	return (1 - e2) * (sinPhi/(1-esin*esin) - 1/(2*e)*math.Log((1-esin)/(1+esin)))
}

// AuthalicRadius returns R_q, the radius of the sphere whose area is the
// WGS84 ellipsoid's (about 6,371,007.18 m).
func AuthalicRadius() float64 { return authalicRadius }

// AuthalicLatitude returns the authalic latitude β, in degrees, of the
// geodetic latitude lat (degrees): the latitude on the authalic sphere
// below which lies the same share of the sphere's area as of the
// ellipsoid's below lat. sin β = q(φ) / q_p.
func AuthalicLatitude(lat float64) float64 {
	s := q(math.Sin(lat*math.Pi/180)) / qPolar
	return math.Asin(max(-1, min(1, s))) * 180 / math.Pi
}

// Project maps a longitude and latitude (degrees, WGS84) to the Lambert
// cylindrical equal-area projection on the authalic sphere, in metres:
//
//	x = R_q · λ        (λ the longitude in radians)
//	y = R_q · sin β = R_q · q(φ) / q_p
//
// A region's area in this plane equals its area on the ellipsoid.
func Project(lon, lat float64) (x, y float64) {
	return projectX(lon), projectY(lat)
}

// projectY is the northing of a latitude; it increases strictly with lat.
func projectY(lat float64) float64 {
	return authalicRadius * q(math.Sin(lat*math.Pi/180)) / qPolar
}

// projectX is the easting of a longitude.
func projectX(lon float64) float64 {
	return authalicRadius * lon * math.Pi / 180
}
