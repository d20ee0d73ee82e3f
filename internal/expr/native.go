package expr

import (
	"errors"
	"math"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
)

// Native is a trigger condition compiled to Go closures over the incident
// and territory structs. CEL's interpreter spends most of a simple
// trigger's time resolving fields through reflection and boxing values;
// the common shapes (comparisons of fields with constants, `in` a constant
// list, &&, ||, !, counted and summed windows) need none of it.
//
// ok is false when CEL's answer is an error (a NaN compared, a missing
// map key…): the caller then evaluates the CEL program, which gives the
// error exactly as it always did. Errors are rare, so this costs nothing
// in practice and keeps the two paths from disagreeing on messages.
type Native func(inc *Incident, ter *Territory) (value, ok bool)

// errUnsupported says an expression has a shape the native compiler does
// not handle: the caller keeps CEL.
var errUnsupported = errors.New("expr: shape not compiled natively")

// nativeCompiler compiles one checked expression. incVar and terVar are
// the names bound to the incident and the territory ("" when unbound, as
// in a counted window's predicate).
type nativeCompiler struct {
	incVar, terVar string
	count          func(int) int64
	sum            func(int) float64
}

// valKind is the CEL type of a compiled operand.
type valKind uint8

const (
	kBool valKind = iota + 1
	kString
	kInt
	kDouble
)

// operand is a compiled non-boolean (or boolean leaf) expression: either a
// constant (isConst) or a getter. Constants are kept apart so that a
// comparison with one captures the value instead of calling a closure.
type operand struct {
	kind    valKind
	isConst bool
	s       string
	i       int64
	d       float64
	b       bool
	gs      func(*Incident, *Territory) (string, bool)
	gi      func(*Incident, *Territory) (int64, bool)
	gd      func(*Incident, *Territory) (float64, bool)
	gb      Native
	// fs, fd and fi read a plain incident field (never failing): set
	// beside gs, gd and gi, they let the commonest comparisons call one
	// closure instead of a getter wrapping another, a third of a simple
	// trigger's time.
	fs func(*Incident) string
	fd func(*Incident) float64
	fi func(*Incident) int64
}

// compileNative compiles e, or returns errUnsupported.
func (c *nativeCompiler) compileNative(e ast.Expr) (Native, error) {
	switch e.Kind() {
	case ast.CallKind:
		return c.call(e.AsCall())
	case ast.LiteralKind, ast.SelectKind:
		o, err := c.operand(e)
		if err != nil || o.kind != kBool {
			return nil, errUnsupported
		}
		return o.asBool(), nil
	}
	return nil, errUnsupported
}

func (o operand) asBool() Native {
	if o.isConst {
		b := o.b
		return func(*Incident, *Territory) (bool, bool) { return b, true }
	}
	return o.gb
}

func (c *nativeCompiler) call(call ast.CallExpr) (Native, error) {
	args := call.Args()
	switch fn := call.FunctionName(); {
	case (fn == operators.LogicalAnd || fn == operators.LogicalOr) && len(args) == 2:
		var terms []Native
		for _, e := range flatten(fn, args) {
			x, err := c.compileNative(e)
			if err != nil {
				return nil, err
			}
			terms = append(terms, x)
		}
		return logical(terms, fn == operators.LogicalOr), nil
	case fn == operators.LogicalNot && len(args) == 1:
		x, err := c.compileNative(args[0])
		if err != nil {
			return nil, err
		}
		return func(i *Incident, t *Territory) (bool, bool) { v, ok := x(i, t); return !v, ok }, nil
	case fn == operators.In && len(args) == 2:
		return c.in(args[0], args[1])
	case len(args) == 2 && !call.IsMemberFunction():
		if cmp, ok := comparisons[fn]; ok {
			l, err := c.operand(args[0])
			if err != nil {
				return nil, err
			}
			r, err := c.operand(args[1])
			if err != nil {
				return nil, err
			}
			return compare(cmp, l, r)
		}
	}
	return nil, errUnsupported
}

// flatten lists the operands of a chain of one logical operator (the
// parser builds `a && b && c` as a tree): one loop over the terms costs
// less than a closure call per level.
func flatten(fn string, args []ast.Expr) []ast.Expr {
	var out []ast.Expr
	for _, a := range args {
		if a.Kind() == ast.CallKind && a.AsCall().FunctionName() == fn && len(a.AsCall().Args()) == 2 {
			out = append(out, flatten(fn, a.AsCall().Args())...)
			continue
		}
		out = append(out, a)
	}
	return out
}

// logical is the && (or, with or, the ||) of terms, with CEL's
// commutative error handling: a false (true) term decides, whatever the
// errors of the others; otherwise an error in any term is the result (ok
// false: ask CEL).
func logical(terms []Native, or bool) Native {
	// Chains of two and three terms (most triggers) are unrolled: the
	// loop's bookkeeping cost a tenth of a trigger that passes its guard.
	switch len(terms) {
	case 2:
		a, b := terms[0], terms[1]
		return func(i *Incident, t *Territory) (bool, bool) {
			va, oka := a(i, t)
			if oka && va == or {
				return or, true
			}
			vb, okb := b(i, t)
			if okb && vb == or {
				return or, true
			}
			return !or, oka && okb
		}
	case 3:
		a, b, c := terms[0], terms[1], terms[2]
		return func(i *Incident, t *Territory) (bool, bool) {
			va, oka := a(i, t)
			if oka && va == or {
				return or, true
			}
			vb, okb := b(i, t)
			if okb && vb == or {
				return or, true
			}
			vc, okc := c(i, t)
			if okc && vc == or {
				return or, true
			}
			return !or, oka && okb && okc
		}
	}
	return func(i *Incident, t *Territory) (bool, bool) {
		all := true
		for _, x := range terms {
			v, ok := x(i, t)
			if ok && v == or {
				return or, true
			}
			all = all && ok
		}
		return !or, all
	}
}

// in compiles `x in [constants]`, the list's elements of x's type.
func (c *nativeCompiler) in(x, list ast.Expr) (Native, error) {
	if list.Kind() != ast.ListKind || len(list.AsList().OptionalIndices()) > 0 {
		return nil, errUnsupported
	}
	o, err := c.operand(x)
	if err != nil || o.isConst || o.kind != kString {
		return nil, errUnsupported
	}
	var set []string
	for _, el := range list.AsList().Elements() {
		if el.Kind() != ast.LiteralKind {
			return nil, errUnsupported
		}
		s, ok := el.AsLiteral().Value().(string)
		if !ok {
			return nil, errUnsupported
		}
		set = append(set, s)
	}
	// A linear scan: trigger lists are a handful of strings, where a map
	// lookup (hashing the string) costs more than a few comparisons.
	if f := o.fs; f != nil {
		return func(i *Incident, _ *Territory) (bool, bool) {
			v := f(i)
			for _, s := range set {
				if v == s {
					return true, true
				}
			}
			return false, true
		}, nil
	}
	get := o.gs
	return func(i *Incident, t *Territory) (bool, bool) {
		v, ok := get(i, t)
		if !ok {
			return false, false
		}
		for _, s := range set {
			if v == s {
				return true, true
			}
		}
		return false, true
	}, nil
}

// operand compiles a field of the incident or territory, a constant, or
// a counted or summed window's value.
func (c *nativeCompiler) operand(e ast.Expr) (operand, error) {
	switch e.Kind() {
	case ast.LiteralKind:
		switch v := e.AsLiteral().Value().(type) {
		case bool:
			return operand{kind: kBool, isConst: true, b: v}, nil
		case string:
			return operand{kind: kString, isConst: true, s: v}, nil
		case int64:
			return operand{kind: kInt, isConst: true, i: v}, nil
		case float64:
			return operand{kind: kDouble, isConst: true, d: v}, nil
		}
	case ast.SelectKind:
		sel := e.AsSelect()
		if sel.IsTestOnly() || sel.Operand().Kind() != ast.IdentKind {
			break
		}
		switch v := sel.Operand().AsIdent(); {
		case v != "" && v == c.incVar:
			return incidentField(sel.FieldName())
		case v != "" && v == c.terVar:
			return territoryField(sel.FieldName())
		}
	case ast.CallKind:
		if call := e.AsCall(); call.FunctionName() == "number" {
			return c.number(call)
		}
		return c.window(e.AsCall())
	}
	return operand{}, errUnsupported
}

// number compiles `v.number("field")` on the incident variable: a sum's
// usual value (`i.number("launched")`), read as numberFunction reads it.
func (c *nativeCompiler) number(call ast.CallExpr) (operand, error) {
	args := call.Args()
	if !call.IsMemberFunction() || len(args) != 1 || args[0].Kind() != ast.LiteralKind ||
		call.Target().Kind() != ast.IdentKind || c.incVar == "" || call.Target().AsIdent() != c.incVar {
		return operand{}, errUnsupported
	}
	field, ok := args[0].AsLiteral().Value().(string)
	if !ok {
		return operand{}, errUnsupported
	}
	return operand{kind: kDouble, gd: func(i *Incident, _ *Territory) (float64, bool) {
		return Number(i.field(field)), true
	}}, nil
}

// compileValue compiles a number-valued expression (a summed window's
// value) to a getter of its value as a float64, as Sum.Value reports it.
func (c *nativeCompiler) compileValue(e ast.Expr) (func(*Incident, *Territory) (float64, bool), error) {
	o, err := c.operand(e)
	switch {
	case err != nil || o.isConst:
		return nil, errUnsupported
	case o.kind == kDouble:
		return o.gd, nil
	case o.kind == kInt:
		g := o.gi
		return func(i *Incident, t *Territory) (float64, bool) { v, ok := g(i, t); return float64(v), ok }, nil
	}
	return nil, errUnsupported
}

// window compiles the functions the counted and summed windows were
// rewritten to. An int-valued sum (`window("24h").map(i, i.fatalities).sum()`)
// can fail, when its total is no int: its getter then says so (ok false)
// and CEL gives the error, as for a NaN compared.
func (c *nativeCompiler) window(call ast.CallExpr) (operand, error) {
	args := call.Args()
	if call.IsMemberFunction() || len(args) != 1 || args[0].Kind() != ast.LiteralKind {
		return operand{}, errUnsupported
	}
	index, ok := args[0].AsLiteral().Value().(int64)
	if !ok {
		return operand{}, errUnsupported
	}
	switch call.FunctionName() {
	case countFunction:
		if count := c.count; count != nil {
			return operand{kind: kInt, gi: func(*Incident, *Territory) (int64, bool) { return count(int(index)), true }}, nil
		}
	case sumFunction:
		if sum := c.sum; sum != nil {
			return operand{kind: kDouble, gd: func(*Incident, *Territory) (float64, bool) { return sum(int(index)), true }}, nil
		}
	case sumIntFunction:
		if sum := c.sum; sum != nil {
			return operand{kind: kInt, gi: func(*Incident, *Territory) (int64, bool) { return intTotal(sum(int(index))) }}, nil
		}
	}
	return operand{}, errUnsupported
}

// incidentField is the getter of one incident field; time and fields (a
// timestamp and a map) are left to CEL.
func incidentField(name string) (operand, error) {
	str := func(f func(*Incident) string) (operand, error) {
		return operand{kind: kString, fs: f, gs: func(i *Incident, _ *Territory) (string, bool) { return f(i), true }}, nil
	}
	dbl := func(f func(*Incident) float64) (operand, error) {
		return operand{kind: kDouble, fd: f, gd: func(i *Incident, _ *Territory) (float64, bool) { return f(i), true }}, nil
	}
	integer := func(f func(*Incident) int64) (operand, error) {
		return operand{kind: kInt, fi: f, gi: func(i *Incident, _ *Territory) (int64, bool) { return f(i), true }}, nil
	}
	switch name {
	case "id":
		return str(func(i *Incident) string { return i.ID })
	case "type":
		return str(func(i *Incident) string { return i.Type })
	case "subtype":
		return str(func(i *Incident) string { return i.Subtype })
	case "actor":
		return str(func(i *Incident) string { return i.Actor })
	case "country":
		return str(func(i *Incident) string { return i.Country })
	case "admin1":
		return str(func(i *Incident) string { return i.Admin1 })
	case "location":
		return str(func(i *Incident) string { return i.Location })
	case "source":
		return str(func(i *Incident) string { return i.Source })
	case "confidence_level":
		return str(func(i *Incident) string { return i.ConfidenceLevel })
	case "lat":
		return dbl(func(i *Incident) float64 { return i.Lat })
	case "lon":
		return dbl(func(i *Incident) float64 { return i.Lon })
	case "confidence_points":
		return dbl(func(i *Incident) float64 { return i.ConfidencePoints })
	case "fatalities":
		return integer(func(i *Incident) int64 { return i.Fatalities })
	case "confidence":
		return integer(func(i *Incident) int64 { return i.Confidence })
	case "beyond_line":
		return operand{kind: kBool, gb: func(i *Incident, _ *Territory) (bool, bool) { return i.BeyondLine, true }}, nil
	}
	return operand{}, errUnsupported
}

func territoryField(name string) (operand, error) {
	dbl := func(f func(*Territory) float64) (operand, error) {
		return operand{kind: kDouble, gd: func(_ *Incident, t *Territory) (float64, bool) { return f(t), true }}, nil
	}
	switch name {
	case "gained_km2":
		return dbl(func(t *Territory) float64 { return t.GainedKm2 })
	case "lost_km2":
		return dbl(func(t *Territory) float64 { return t.LostKm2 })
	case "net_km2":
		return dbl(func(t *Territory) float64 { return t.NetKm2 })
	}
	return operand{}, errUnsupported
}

// cmpOp is a comparison, as the signs of a three-way comparison it accepts.
type cmpOp struct{ lt, eq, gt bool }

var comparisons = map[string]cmpOp{
	operators.Equals:        {eq: true},
	operators.NotEquals:     {lt: true, gt: true},
	operators.Less:          {lt: true},
	operators.LessEquals:    {lt: true, eq: true},
	operators.Greater:       {gt: true},
	operators.GreaterEquals: {gt: true, eq: true},
}

// ordering is false for == and != (which accept either both or neither
// of < and >), true for <, <=, > and >=.
func (op cmpOp) ordering() bool { return op.lt != op.gt }

// accept maps a three-way comparison (-1, 0, 1) to op's result.
func (op cmpOp) accept(c int) bool {
	switch {
	case c < 0:
		return op.lt
	case c > 0:
		return op.gt
	}
	return op.eq
}

// nanResult is what CEL gives for a comparison with a NaN: == is false
// and != true, and an ordering is an error.
func (op cmpOp) nanResult() (bool, bool) {
	if op.ordering() {
		return false, false
	}
	return op.lt, true
}

// compare compiles l op r. Both sides are of one type, or numbers of two
// (CEL's cross-type numeric comparisons, which this environment enables);
// bools are only compared for equality.
func compare(op cmpOp, l, r operand) (Native, error) {
	if l.isConst && r.isConst {
		return nil, errUnsupported // constant folding is not worth a shape
	}
	switch {
	case l.kind == kString && r.kind == kString:
		return compareStrings(op, l, r), nil
	case l.kind == kBool && r.kind == kBool && !op.ordering():
		lb, rb := l.asBool(), r.asBool()
		return func(i *Incident, t *Territory) (bool, bool) {
			a, aok := lb(i, t)
			b, bok := rb(i, t)
			return (a == b) == op.eq, aok && bok
		}, nil
	case isNumber(l.kind) && isNumber(r.kind):
		return compareNumbers(op, l, r), nil
	}
	return nil, errUnsupported
}

func isNumber(k valKind) bool { return k == kInt || k == kDouble }

func compareStrings(op cmpOp, l, r operand) Native {
	three := func(a, b string) int {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	switch {
	case r.isConst && !op.ordering() && l.fs != nil:
		// The commonest shape of all (`incident.type == "shelling"`).
		f, c, eq := l.fs, r.s, op.eq
		return func(i *Incident, _ *Territory) (bool, bool) { return (f(i) == c) == eq, true }
	case r.isConst && !op.ordering():
		get, c, eq := l.gs, r.s, op.eq
		return func(i *Incident, t *Territory) (bool, bool) {
			v, ok := get(i, t)
			return (v == c) == eq, ok
		}
	case r.isConst:
		get, c := l.gs, r.s
		return func(i *Incident, t *Territory) (bool, bool) {
			v, ok := get(i, t)
			return op.accept(three(v, c)), ok
		}
	}
	lg, rg := l.stringGetter(), r.gs
	return func(i *Incident, t *Territory) (bool, bool) {
		a, aok := lg(i, t)
		b, bok := rg(i, t)
		return op.accept(three(a, b)), aok && bok
	}
}

func (o operand) stringGetter() func(*Incident, *Territory) (string, bool) {
	if o.isConst {
		s := o.s
		return func(*Incident, *Territory) (string, bool) { return s, true }
	}
	return o.gs
}

// number is a CEL int or double, compared as CEL compares them.
type number struct {
	isInt bool
	i     int64
	d     float64
}

func (o operand) numberGetter() func(*Incident, *Territory) (number, bool) {
	switch {
	case o.isConst:
		n := number{isInt: o.kind == kInt, i: o.i, d: o.d}
		return func(*Incident, *Territory) (number, bool) { return n, true }
	case o.kind == kInt:
		g := o.gi
		return func(i *Incident, t *Territory) (number, bool) { v, ok := g(i, t); return number{isInt: true, i: v}, ok }
	}
	g := o.gd
	return func(i *Incident, t *Territory) (number, bool) { v, ok := g(i, t); return number{d: v}, ok }
}

// compareNumbers compiles a numeric comparison. A getter against a
// constant (`incident.confidence_points >= 0.8`, `incident.confidence >=
// 2`) has its own closure: it is most triggers' shape, and the general
// one converts both sides to a number first.
func compareNumbers(op cmpOp, l, r operand) Native {
	switch {
	case r.isConst && l.fd != nil && r.kind == kDouble && !math.IsNaN(r.d):
		// `incident.confidence_points >= 0.8`: a plain field never fails
		f, c := l.fd, r.d
		nv, nok := op.nanResult()
		return func(i *Incident, _ *Territory) (bool, bool) {
			v := f(i)
			if v != v { // NaN
				return nv, nok
			}
			return op.accept(threeDouble(v, c)), true
		}
	case r.isConst && l.fi != nil && r.kind == kInt:
		f, c := l.fi, r.i
		return func(i *Incident, _ *Territory) (bool, bool) { return op.accept(threeInt(f(i), c)), true }
	case r.isConst && l.kind == kDouble && r.kind == kDouble && !math.IsNaN(r.d):
		get, c := l.gd, r.d
		return func(i *Incident, t *Territory) (bool, bool) {
			v, ok := get(i, t)
			if v != v { // NaN
				nv, nok := op.nanResult()
				return nv, nok && ok
			}
			return op.accept(threeDouble(v, c)), ok
		}
	case r.isConst && l.kind == kInt && r.kind == kDouble && !math.IsNaN(r.d):
		// `incident.confidence >= 0.8`: an int field, a double constant
		get, c := l.gi, r.d
		return func(i *Incident, t *Territory) (bool, bool) {
			v, ok := get(i, t)
			three, _ := threeDoubleInt(c, v) // c is not a NaN
			return op.accept(-three), ok
		}
	case r.isConst && l.kind == kInt && r.kind == kInt:
		get, c := l.gi, r.i
		return func(i *Incident, t *Territory) (bool, bool) {
			v, ok := get(i, t)
			return op.accept(threeInt(v, c)), ok
		}
	}
	lg, rg := l.numberGetter(), r.numberGetter()
	return func(i *Incident, t *Territory) (bool, bool) {
		a, aok := lg(i, t)
		b, bok := rg(i, t)
		c, cok := threeNumber(a, b)
		if !cok {
			nv, nok := op.nanResult()
			return nv, nok && aok && bok
		}
		return op.accept(c), aok && bok
	}
}

func threeInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func threeDouble(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// threeNumber compares two numbers as cel-go's compareDoubleInt does: a
// double beyond the int range is beyond every int, otherwise the int is
// converted. false: a NaN is involved.
func threeNumber(a, b number) (int, bool) {
	switch {
	case a.isInt && b.isInt:
		return threeInt(a.i, b.i), true
	case !a.isInt && !b.isInt:
		if a.d != a.d || b.d != b.d {
			return 0, false
		}
		return threeDouble(a.d, b.d), true
	case a.isInt:
		c, ok := threeDoubleInt(b.d, a.i)
		return -c, ok
	}
	return threeDoubleInt(a.d, b.i)
}

func threeDoubleInt(d float64, i int64) (int, bool) {
	switch {
	case d != d:
		return 0, false
	case d < math.MinInt64:
		return -1, true
	case d > math.MaxInt64:
		return 1, true
	}
	return threeDouble(d, float64(i)), true
}
