package geo

import (
	"math"
	"slices"
)

// Expr is a boolean expression over shapes — the union, difference or
// intersection of leaves that are prepared shapes (read with the even–odd
// rule) or bands (read with the non-zero rule, for unions of many
// overlapping pieces such as a buffer's capsules) — measured by the same
// scanlines as Overlay: on each line, every leaf's crossings give its
// intervals, and the expression combines them with exact 1-D arithmetic.
// Points are tested leaf by leaf (Shape.Contains, or a leaf's own test)
// and combined by the same expression. An Expr is read-only once built.
type Expr struct {
	op   exprOp
	leaf *Shape
	band *Band
	args []*Expr
}

type exprOp int

const (
	opLeaf exprOp = iota
	opUnion
	opDifference
	opIntersection
)

// Leaf is the expression of one prepared shape.
func Leaf(s *Shape) *Expr { return &Expr{op: opLeaf, leaf: s} }

// BandLeaf is the expression of a band.
func BandLeaf(b *Band) *Expr { return &Expr{op: opLeaf, band: b} }

// Union is the union of its arguments (empty when there are none).
func Union(args ...*Expr) *Expr { return &Expr{op: opUnion, args: args} }

// Difference is the first argument minus all the others.
func Difference(args ...*Expr) *Expr { return &Expr{op: opDifference, args: args} }

// Intersection is the intersection of its arguments (empty when there are
// none).
func Intersection(args ...*Expr) *Expr { return &Expr{op: opIntersection, args: args} }

// Contains reports whether (lon, lat) is in the expression's area: each
// shape leaf decides as Shape.Contains (so as Contains) does, a band as
// Band.Contains, and the expression combines the answers.
func (e *Expr) Contains(lon, lat float64) bool {
	switch e.op {
	case opLeaf:
		if e.band != nil {
			return e.band.Contains(lon, lat)
		}
		return e.leaf.Contains(lon, lat)
	case opUnion:
		return slices.ContainsFunc(e.args, func(a *Expr) bool { return a.Contains(lon, lat) })
	case opIntersection:
		if len(e.args) == 0 {
			return false
		}
		for _, a := range e.args {
			if !a.Contains(lon, lat) {
				return false
			}
		}
		return true
	case opDifference:
		if len(e.args) == 0 || !e.args[0].Contains(lon, lat) {
			return false
		}
		return !slices.ContainsFunc(e.args[1:], func(a *Expr) bool { return a.Contains(lon, lat) })
	}
	return false
}

// leaves appends the expression's leaves (shapes and bands' shapes) in
// order of a depth-first walk.
func (e *Expr) leaves(out []*Expr) []*Expr {
	if e.op == opLeaf {
		return append(out, e)
	}
	for _, a := range e.args {
		out = a.leaves(out)
	}
	return out
}

// box is a bounding box of the expression's area.
func (e *Expr) box() rect {
	switch e.op {
	case opLeaf:
		return e.leafBox()
	case opDifference:
		if len(e.args) == 0 {
			return emptyRect()
		}
		return e.args[0].box()
	case opIntersection:
		if len(e.args) == 0 {
			return emptyRect()
		}
		b := e.args[0].box()
		for _, a := range e.args[1:] {
			o := a.box()
			b = rect{max(b.minX, o.minX), max(b.minY, o.minY), min(b.maxX, o.maxX), min(b.maxY, o.maxY)}
		}
		return b
	}
	b := emptyRect()
	for _, a := range e.args {
		o := a.box()
		if o.minY <= o.maxY {
			b.add(xy{o.minX, o.minY})
			b.add(xy{o.maxX, o.maxY})
		}
	}
	return b
}

// lineSource gives a leaf's intervals on lines of increasing northing.
type lineSource interface {
	intervalsAt(y float64, out []float64) []float64
}

func (s *sweeper) intervalsAt(y float64, out []float64) []float64 {
	return normalize(s.at(y, out))
}

// exprSweep evaluates an expression line by line: one sweeper per leaf.
type exprSweep struct {
	order  []*Expr
	leaves map[*Expr]lineSource
	bufs   map[*Expr][]float64
}

func newExprSweep(es ...*Expr) *exprSweep {
	s := &exprSweep{leaves: map[*Expr]lineSource{}, bufs: map[*Expr][]float64{}}
	for _, e := range es {
		for _, l := range e.leaves(nil) {
			if _, ok := s.leaves[l]; ok {
				continue
			}
			s.order = append(s.order, l)
			if l.band != nil {
				s.leaves[l] = &windSweeper{edges: l.band.edges}
			} else {
				s.leaves[l] = newSweeper(l.leaf)
			}
		}
	}
	return s
}

// advance computes every leaf's intervals on the line of northing y (y
// must not decrease from one call to the next).
func (s *exprSweep) advance(y float64) {
	for _, l := range s.order {
		s.bufs[l] = s.leaves[l].intervalsAt(y, s.bufs[l][:0])
	}
}

// leafYs returns the leaf's distinct vertex northings, ascending.
func (e *Expr) leafYs() []float64 {
	if e.band != nil {
		return e.band.ys
	}
	return e.leaf.ys
}

func (e *Expr) leafBox() rect {
	if e.band != nil {
		return e.band.box
	}
	return e.leaf.box
}

// intervals returns e's intervals on the current line.
func (s *exprSweep) intervals(e *Expr) []float64 {
	switch e.op {
	case opLeaf:
		return s.bufs[e]
	case opUnion:
		var out []float64
		for _, a := range e.args {
			out = unionIv(out, s.intervals(a))
		}
		return out
	case opIntersection:
		if len(e.args) == 0 {
			return nil
		}
		out := s.intervals(e.args[0])
		for _, a := range e.args[1:] {
			if len(out) == 0 {
				return nil
			}
			out = intersectIv(out, s.intervals(a))
		}
		return out
	case opDifference:
		if len(e.args) == 0 {
			return nil
		}
		out := s.intervals(e.args[0])
		for _, a := range e.args[1:] {
			if len(out) == 0 {
				return nil
			}
			out = subtract(out, s.intervals(a), nil)
		}
		return out
	}
	return nil
}

// normalize drops the empty intervals of an even–odd list in place.
func normalize(iv []float64) []float64 {
	k := 0
	for i := 0; i+1 < len(iv); i += 2 {
		if iv[i+1] > iv[i] {
			iv[k], iv[k+1] = iv[i], iv[i+1]
			k += 2
		}
	}
	return iv[:k]
}

// unionIv returns the union of two sets of disjoint sorted intervals.
func unionIv(a, b []float64) []float64 {
	if len(a) == 0 {
		return slices.Clone(b)
	}
	if len(b) == 0 {
		return a
	}
	out := make([]float64, 0, len(a)+len(b))
	i, j := 0, 0
	for i+1 < len(a) || j+1 < len(b) {
		var s, e float64
		if j+1 >= len(b) || (i+1 < len(a) && a[i] <= b[j]) {
			s, e = a[i], a[i+1]
			i += 2
		} else {
			s, e = b[j], b[j+1]
			j += 2
		}
		if n := len(out); n > 0 && s <= out[n-1] {
			out[n-1] = max(out[n-1], e)
		} else {
			out = append(out, s, e)
		}
	}
	return out
}

// intersectIv returns the intersection of two sets of disjoint sorted
// intervals.
func intersectIv(a, b []float64) []float64 {
	var out []float64
	i, j := 0, 0
	for i+1 < len(a) && j+1 < len(b) {
		if lo, hi := max(a[i], b[j]), min(a[i+1], b[j+1]); hi > lo {
			out = append(out, lo, hi)
		}
		if a[i+1] < b[j+1] {
			i += 2
		} else {
			j += 2
		}
	}
	return out
}

// ExprMeasures are the areas, in km², of an overlay of two expressions:
// A \ B, B \ A and A ∩ B, the two differences per region, and A's area
// per region.
type ExprMeasures struct {
	AOnly, BOnly, Both float64
	// AOnlyIn, BOnlyIn and AIn are the areas of A \ B, B \ A and A inside
	// each region; nil when no regions were given.
	AOnlyIn, BOnlyIn, AIn []float64
}

// OverlayExpr measures two expressions and their differences inside each
// region, in one pass of scanlines placed as Overlay places them (between
// consecutive vertex northings of every leaf, at most Spacing apart). b
// may be nil (the empty set).
func OverlayExpr(a, b *Expr, regions []*Shape) ExprMeasures {
	return overlayExpr(a, b, regions, Spacing)
}

func overlayExpr(a, b *Expr, regions []*Shape, spacing float64) ExprMeasures {
	m := ExprMeasures{}
	if regions != nil {
		m.AOnlyIn = make([]float64, len(regions))
		m.BOnlyIn = make([]float64, len(regions))
		m.AIn = make([]float64, len(regions))
	}
	if b == nil {
		b = Union()
	}
	box := a.box()
	if o := b.box(); o.minY <= o.maxY {
		box.add(xy{o.minX, o.minY})
		box.add(xy{o.maxX, o.maxY})
	}
	lo, hi := box.minY, box.maxY
	if !(lo < hi) {
		return m
	}
	sw := newExprSweep(a, b)
	events := []float64{lo, hi}
	for _, l := range sw.order {
		ys := l.leafYs()
		i, _ := slices.BinarySearch(ys, lo)
		for ; i < len(ys) && ys[i] < hi; i++ {
			if ys[i] > lo {
				events = append(events, ys[i])
			}
		}
	}
	slices.Sort(events)
	events = slices.Compact(events)
	sr := make([]*sweeper, len(regions))
	for i, r := range regions {
		sr[i] = newSweeper(r)
	}
	var xr []float64
	for k := 0; k+1 < len(events); k++ {
		d := events[k+1] - events[k]
		n := math.Ceil(d / spacing)
		step := d / n
		for i := 0.0; i < n; i++ {
			y := events[k] + (i+0.5)*step
			sw.advance(y)
			xa, xb := sw.intervals(a), sw.intervals(b)
			la, lb, both := length(xa), length(xb), intersectLength(xa, xb)
			m.AOnly += step * (la - both)
			m.BOnly += step * (lb - both)
			m.Both += step * both
			if len(regions) == 0 {
				continue
			}
			if la > 0 {
				xr = measureIn(xa, y, step, regions, sr, m.AIn, xr)
			}
			if la-both > 0 {
				if da := subtract(xa, xb, nil); len(da) > 0 {
					xr = measureIn(da, y, step, regions, sr, m.AOnlyIn, xr)
				}
			}
			if lb-both > 0 {
				if db := subtract(xb, xa, nil); len(db) > 0 {
					xr = measureIn(db, y, step, regions, sr, m.BOnlyIn, xr)
				}
			}
		}
	}
	m.AOnly, m.BOnly, m.Both = m.AOnly/1e6, m.BOnly/1e6, m.Both/1e6
	for i := range m.AOnlyIn {
		m.AOnlyIn[i] /= 1e6
		m.BOnlyIn[i] /= 1e6
		m.AIn[i] /= 1e6
	}
	return m
}

// ExprArea returns the area of an expression in km².
func ExprArea(e *Expr) float64 { return OverlayExpr(e, nil, nil).AOnly }

// Row is one line of an expression's area in the projected plane: the
// northing Y and the intervals of easting [X[0], X[1]], [X[2], X[3]], …, in
// metres.
type Row struct {
	Y float64
	X []float64
}

// Rows returns the expression's intervals on lines step metres apart
// (for drawing), from the bottom of its bounding box up.
func Rows(e *Expr, step float64) []Row {
	box := e.box()
	if !(box.minY < box.maxY) || step <= 0 {
		return nil
	}
	sw := newExprSweep(e)
	var rows []Row
	for y := box.minY + step/2; y < box.maxY; y += step {
		sw.advance(y)
		if iv := sw.intervals(e); len(iv) > 0 {
			rows = append(rows, Row{Y: y, X: slices.Clone(iv)})
		}
	}
	return rows
}

// windEdge is an edge of a band's rings with its direction: +1 upwards,
// −1 downwards.
type windEdge struct {
	edge
	dir int
}

// windSweeper is sweeper for rings read with the non-zero rule.
type windSweeper struct {
	edges  []windEdge
	next   int
	active []windEdge
	cs     []windCross
}

type windCross struct {
	x   float64
	dir int
}

// intervalsAt appends the intervals of the line of northing y where the
// winding number of the rings is not zero: the union of the pieces.
func (s *windSweeper) intervalsAt(y float64, out []float64) []float64 {
	k := 0
	for _, e := range s.active {
		if e.yhi > y {
			s.active[k] = e
			k++
		}
	}
	s.active = s.active[:k]
	for s.next < len(s.edges) && s.edges[s.next].ylo <= y {
		if e := s.edges[s.next]; e.yhi > y {
			s.active = append(s.active, e)
		}
		s.next++
	}
	s.cs = s.cs[:0]
	for i := range s.active {
		e := &s.active[i]
		s.cs = append(s.cs, windCross{e.xAt(y), e.dir})
	}
	slices.SortFunc(s.cs, func(a, b windCross) int {
		switch {
		case a.x < b.x:
			return -1
		case a.x > b.x:
			return 1
		}
		return 0
	})
	w := 0
	for _, c := range s.cs {
		was := w
		w += c.dir
		switch {
		case was == 0 && w != 0:
			out = append(out, c.x)
		case was != 0 && w == 0:
			if n := len(out); out[n-1] < c.x {
				out = append(out, c.x)
			} else {
				out = out[:n-1]
			}
		}
	}
	return out
}
