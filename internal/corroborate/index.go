package corroborate

import (
	"cmp"
	"math"
	"slices"
)

// Point is one record of a source in the index: a place and a time
// interval [Start, End) in Unix seconds (a day-only record spans its day).
type Point struct {
	Lat, Lon   float64
	Start, End int64
	// Ref is the caller's reference (an index into its records).
	Ref int
}

// Index finds the points within a distance and a time gap of a query.
// Points are stored in one array, grouped by grid cell and sorted by
// start time within a cell; their start times are kept apart in a compact
// array for the binary searches, which cache misses would otherwise
// dominate.
type Index struct {
	radiusKm float64
	cellDeg  float64 // cell height in degrees of latitude
	// The grid is dense over the cells the points occupy: cell (row, col)
	// is spans[(row-row0)*cols + col-col0], the range of its points.
	row0, col0, rows, cols int32
	spans                  [][2]int32
	scales                 []float64 // cos of each row's centre latitude
	points                 []Point
	starts                 []int64
	maxSpan                int64 // the longest End-Start, to widen time searches
}

type cell struct{ row, col int32 }

const kmPerDegree = 111.32 // at the equator; only sizes cells, never measures

// NewIndex indexes points for queries up to radiusKm.
func NewIndex(points []Point, radiusKm float64) *Index {
	x := &Index{radiusKm: radiusKm, cellDeg: radiusKm / kmPerDegree}
	if len(points) == 0 {
		return x
	}
	// Rows first, to size the grid; a row's scale is computed once.
	minRow, maxRow := int32(math.MaxInt32), int32(math.MinInt32)
	for _, p := range points {
		r := int32(math.Floor(p.Lat / x.cellDeg))
		minRow, maxRow = min(minRow, r), max(maxRow, r)
		x.maxSpan = max(x.maxSpan, p.End-p.Start)
	}
	x.row0, x.rows = minRow, maxRow-minRow+1
	x.scales = make([]float64, x.rows)
	for r := range x.scales {
		x.scales[r] = x.rowScale(minRow + int32(r))
	}
	cells := make([]cell, len(points))
	minCol, maxCol := int32(math.MaxInt32), int32(math.MinInt32)
	for i, p := range points {
		r := int32(math.Floor(p.Lat / x.cellDeg))
		c := int32(math.Floor(p.Lon * x.scales[r-minRow] / x.cellDeg))
		cells[i] = cell{r, c}
		minCol, maxCol = min(minCol, c), max(maxCol, c)
	}
	x.col0, x.cols = minCol, maxCol-minCol+1
	// Points in order of start time (a radix sort), then a stable counting
	// sort by cell: each cell comes out sorted by time, with no sort per cell.
	byStart := radixByStart(points)
	x.spans = make([][2]int32, int(x.rows)*int(x.cols))
	for _, c := range cells {
		x.spans[x.slot(c)][1]++
	}
	var at int32
	for i := range x.spans {
		n := x.spans[i][1]
		x.spans[i] = [2]int32{at, at}
		at += n
	}
	x.points = make([]Point, len(points))
	x.starts = make([]int64, len(points))
	for _, i := range byStart {
		s := &x.spans[x.slot(cells[i])]
		x.points[s[1]] = points[i]
		x.starts[s[1]] = points[i].Start
		s[1]++
	}
	return x
}

// radixByStart returns the indexes of points in order of Start: each
// point becomes one word (start offset << 32 | index) in a contiguous
// array, sorted by an LSD radix sort on 16-bit digits of the offset, so
// every pass reads memory in order.
func radixByStart(points []Point) []int32 {
	minStart, maxStart := int64(math.MaxInt64), int64(math.MinInt64)
	for _, p := range points {
		minStart, maxStart = min(minStart, p.Start), max(maxStart, p.Start)
	}
	keys := make([]uint64, len(points))
	if maxStart-minStart >= 1<<32 { // over 136 years apart: not worth a radix
		idx := make([]int32, len(points))
		for i := range idx {
			idx[i] = int32(i)
		}
		slices.SortStableFunc(idx, func(a, b int32) int { return cmp.Compare(points[a].Start, points[b].Start) })
		return idx
	}
	for i, p := range points {
		keys[i] = uint64(p.Start-minStart)<<32 | uint64(i)
	}
	tmp := make([]uint64, len(keys))
	var count [1 << 16]int32
	for shift := uint(32); shift < 64 && (uint64(maxStart-minStart)>>(shift-32)) != 0; shift += 16 {
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&0xffff]++
		}
		var sum int32
		for d := range count {
			count[d], sum = sum, sum+count[d]
		}
		for _, k := range keys {
			d := (k >> shift) & 0xffff
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	idx := make([]int32, len(keys))
	for i, k := range keys {
		idx[i] = int32(uint32(k))
	}
	return idx
}

func (x *Index) slot(c cell) int { return int(c.row-x.row0)*int(x.cols) + int(c.col-x.col0) }

// rowScale is how much a degree of longitude shrinks in a row of cells:
// cells are stretched in longitude by 1/cos(latitude) so that they stay
// about radiusKm wide (a degree of longitude is ~70 km at 50° N).
func (x *Index) rowScale(row int32) float64 {
	lat := (float64(row) + 0.5) * x.cellDeg
	return math.Max(math.Cos(lat*math.Pi/180), 0.01)
}

func (x *Index) cellOf(lat, lon float64) cell {
	row := int32(math.Floor(lat / x.cellDeg))
	return cell{row, int32(math.Floor(lon * x.scaleOf(row) / x.cellDeg))}
}

func (x *Index) scaleOf(row int32) float64 {
	if r := row - x.row0; r >= 0 && r < x.rows {
		return x.scales[r]
	}
	return x.rowScale(row)
}

// Query calls fn for every point within radiusKm of (lat, lon) whose
// interval is at most gap seconds from [start, end), with its distance.
func (x *Index) Query(lat, lon float64, start, end, gap int64, fn func(p Point, km float64)) {
	// A degree of latitude is at least 110.57 km (at the equator): the
	// radius reaches no further than this in latitude.
	dLat := x.radiusKm / 110.5
	r0 := int32(math.Floor((lat - dLat) / x.cellDeg))
	r1 := int32(math.Floor((lat + dLat) / x.cellDeg))
	// The widest longitude reach of the radius is at its poleward edge.
	poleward := math.Min(89, math.Abs(lat)+dLat)
	dLon := x.radiusKm / (kmPerDegree * math.Cos(poleward*math.Pi/180))
	lo, hi := start-gap-x.maxSpan, end+gap
	// A quick bound with the radii of curvature at the query's latitude:
	// only points near the radius need the exact distance.
	kx, ky := localScale(lat)
	near := x.radiusKm * 1.01
	for row := max(r0, x.row0); row <= min(r1, x.row0+x.rows-1); row++ {
		scale := x.scales[row-x.row0]
		c0 := max(int32(math.Floor((lon-dLon)*scale/x.cellDeg)), x.col0)
		c1 := min(int32(math.Floor((lon+dLon)*scale/x.cellDeg)), x.col0+x.cols-1)
		for col := c0; col <= c1; col++ {
			sp := x.spans[x.slot(cell{row, col})]
			if sp[0] == sp[1] {
				continue
			}
			starts := x.starts[sp[0]:sp[1]]
			ps := x.points[sp[0]:sp[1]]
			i := firstFrom(starts, lo)
			for ; i < len(ps) && starts[i] <= hi; i++ {
				p := ps[i]
				if timeGap(start, end, p.Start, p.End) > gap {
					continue
				}
				dx, dy := (p.Lon-lon)*kx, (p.Lat-lat)*ky
				if dx*dx+dy*dy > near*near {
					continue
				}
				if km := Distance(lat, lon, p.Lat, p.Lon); km <= x.radiusKm {
					fn(p, km)
				}
			}
		}
	}
}

// firstFrom is the index of the first start at or after t (starts are
// sorted): sort.Search, without its closure, on the hot path.
func firstFrom(starts []int64, t int64) int {
	lo, hi := 0, len(starts)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if starts[mid] < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// Join queries many points, grouped by cell so that neighbouring queries
// read the same memory (the order of fn's calls is by cell, not by input).
func (x *Index) Join(queries []Point, gap int64, fn func(q, p Point, km float64)) {
	order := make([]int, len(queries))
	keys := make([]cell, len(queries))
	for i, q := range queries {
		order[i] = i
		keys[i] = x.cellOf(q.Lat, q.Lon)
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(keys[a].row, keys[b].row), cmp.Compare(keys[a].col, keys[b].col))
	})
	for _, i := range order {
		q := queries[i]
		x.Query(q.Lat, q.Lon, q.Start, q.End, gap, func(p Point, km float64) { fn(q, p, km) })
	}
}

// timeGap is the gap in seconds between [as, ae) and [bs, be), 0 when
// they overlap.
func timeGap(as, ae, bs, be int64) int64 {
	return max(0, bs-ae, as-be)
}

// WGS84.
const (
	semiMajorKm = 6378.137
	flattening  = 1 / 298.257223563
)

// localScale returns km per degree of longitude and of latitude at a
// latitude, for the quick bound of Query (within 1 % of Distance for
// points a few tens of km apart).
func localScale(lat float64) (kx, ky float64) {
	e2 := flattening * (2 - flattening)
	phi := lat * math.Pi / 180
	s := math.Sin(phi)
	w := math.Sqrt(1 - e2*s*s)
	ky = semiMajorKm * (1 - e2) / (w * w * w) * math.Pi / 180
	kx = semiMajorKm / w * math.Cos(phi) * math.Pi / 180
	return kx, ky
}

// Distance is the distance in km between two points on the WGS84
// ellipsoid, from the meridional and prime-vertical radii of curvature at
// their mean latitude. It neglects terms of the order of
// (distance / 6,400 km)², so for points under 100 km apart its relative
// error is well under 0.1 % — unlike a mean-radius sphere, whose radius is
// off by up to 0.3 % at Ukraine's latitudes.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	e2 := flattening * (2 - flattening)
	phi := (lat1 + lat2) / 2 * math.Pi / 180
	s := math.Sin(phi)
	w := math.Sqrt(1 - e2*s*s)
	meridional := semiMajorKm * (1 - e2) / (w * w * w)
	primeVertical := semiMajorKm / w
	dy := (lat2 - lat1) * math.Pi / 180 * meridional
	dlon := lon2 - lon1
	if dlon > 180 {
		dlon -= 360
	} else if dlon < -180 {
		dlon += 360
	}
	dx := dlon * math.Pi / 180 * primeVertical * math.Cos(phi)
	return math.Hypot(dx, dy)
}
