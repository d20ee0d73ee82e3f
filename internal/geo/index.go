package geo

// Index answers which of several regions (the 27 oblasts) holds a point.
// Each region is a prepared Shape: a query projects the point once, skips
// every region whose box misses it, then every ring whose box misses the
// ray, and reads only the edges bucketed at the point's northing. An Index
// is read-only and safe for concurrent use.
type Index struct {
	shapes []*Shape
}

// NewIndex prepares the regions; Locate returns positions in this slice.
func NewIndex(regions []MultiPolygon) *Index {
	ix := &Index{shapes: make([]*Shape, len(regions))}
	for i, r := range regions {
		ix.shapes[i] = Prepare(r)
	}
	return ix
}

// Len returns the number of regions.
func (ix *Index) Len() int { return len(ix.shapes) }

// Shapes returns the prepared regions, in the order given to NewIndex (for
// Overlay). The caller must not modify them.
func (ix *Index) Shapes() []*Shape { return ix.shapes }

// Locate returns the position of the first region holding (lon, lat), and
// false when none does.
func (ix *Index) Locate(lon, lat float64) (int, bool) {
	p := xy{projectX(lon), projectY(lat)}
	for i, s := range ix.shapes {
		if s.containsXY(p) {
			return i, true
		}
	}
	return -1, false
}
