package expr

import (
	"fmt"
	"math"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Sum is a `window(D).map(v, Q).sum()`, `window(D).filter(v, P).map(w, Q).sum()`
// or `window(D).map(v, P, Q).sum()` found in a trigger, whose predicate P
// and value Q read only their own variable: the monitor evaluates them
// once per incident, when the incident arrives, and keeps a sliding total
// over D of the values of the incidents that match, so the trigger costs
// O(1) per incident instead of O(incidents in D).
type Sum struct {
	// Index identifies the sum among all of a Triggers' sums.
	Index    int
	Duration time.Duration
	Source   string // the pattern as written, for messages
	// Int is true when Q is an int: the pattern's value is then the total
	// rounded to an int (exact while the total stays within ±2^53).
	Int bool

	call    string // the call that replaces Source
	predVar string
	pred    cel.Program // nil without a predicate
	// predNative is pred compiled to Go, or nil (see Native): most
	// incidents fail the predicate, and then cost no CEL evaluation.
	predNative Native
	valueVar   string
	// valueNative is value compiled to Go, or nil: a matching incident
	// then costs no CEL evaluation either.
	valueNative func(*Incident, *Territory) (float64, bool)
	value       cel.Program
}

// Value evaluates the sum's predicate and value on one incident: the value
// of Q as a float64 and whether P matched (always true without P; the value
// is 0 when P did not match). Q's value may be any float64, infinities and
// NaN included, when Q computes them (number() never returns them).
func (s *Sum) Value(inc *Incident) (float64, bool, error) {
	matched := false // by the native predicate
	if s.predNative != nil && inc != nil {
		if v, ok := s.predNative(inc, nil); ok {
			if !v {
				return 0, false, nil
			}
			matched = true
		}
	}
	if s.pred != nil && !matched {
		out, _, err := s.pred.Eval(varActivation{name: s.predVar, value: inc})
		if err != nil {
			return 0, false, fmt.Errorf("%s: %w", s.Source, err)
		}
		if b, ok := out.(types.Bool); !ok || !bool(b) {
			return 0, false, nil
		}
	}
	if s.valueNative != nil && inc != nil {
		if v, ok := s.valueNative(inc, nil); ok {
			return v, true, nil
		}
	}
	out, _, err := s.value.Eval(varActivation{name: s.valueVar, value: inc})
	if err != nil {
		return 0, false, fmt.Errorf("%s: %w", s.Source, err)
	}
	switch v := out.(type) {
	case types.Double:
		return float64(v), true, nil
	case types.Int:
		return float64(v), true, nil
	}
	return 0, false, fmt.Errorf("%s: the value is a %s, not a number", s.Source, out.Type())
}

// The functions a summed pattern is replaced with, by the type of its
// value Q; their argument is the sum's index.
const (
	sumFunction    = "__backstop_window_sum"     // Q double: returns a double
	sumIntFunction = "__backstop_window_sum_int" // Q int: returns an int
)

// findSums finds the summed patterns of x and returns root (x's source as
// parser.Unparse prints it, possibly with other patterns already replaced)
// with each replaced by a call of sumFunction or sumIntFunction, and the
// sums (numbered from next). A pattern whose predicate or value reads
// anything but its own variable, or whose value is neither an int nor a
// double, is left to the general window().
func (t *Triggers) findSums(x *Expression, root string, next int) (string, []*Sum, error) {
	native := x.AST.NativeRep()
	info := native.SourceInfo()
	var found []*Sum
	for _, e := range callsNamed(native.Expr(), "sum") {
		call := e.AsCall()
		if !call.IsMemberFunction() || len(call.Args()) != 0 {
			continue
		}
		m, ok := matchSum(call.Target(), info)
		if !ok {
			continue
		}
		pattern, err := unparse(e, info)
		if err != nil || !strings.Contains(root, pattern) {
			continue
		}
		s := &Sum{Index: next + len(found), Duration: m.d, Source: pattern, predVar: m.predVar, valueVar: m.valueVar}
		if m.pred != nil {
			checked, prg, err := t.compileOn(m.predVar, m.pred, info)
			if err != nil {
				return "", nil, err
			}
			if checked == nil || !checked.OutputType().IsExactType(types.BoolType) {
				continue
			}
			s.pred = prg
			nc := nativeCompiler{incVar: m.predVar}
			if native, err := nc.compileNative(checked.NativeRep().Expr()); err == nil {
				s.predNative = native
			}
		}
		checked, prg, err := t.compileOn(m.valueVar, m.value, info)
		if err != nil {
			return "", nil, err
		}
		fn := sumFunction
		switch {
		case checked == nil:
			continue
		case checked.OutputType().IsExactType(types.DoubleType):
		case checked.OutputType().IsExactType(types.IntType):
			s.Int, fn = true, sumIntFunction
		default:
			continue
		}
		s.value, s.call = prg, fmt.Sprintf("%s(%d)", fn, s.Index)
		nc := nativeCompiler{incVar: m.valueVar}
		if native, err := nc.compileValue(checked.NativeRep().Expr()); err == nil {
			s.valueNative = native
		}
		found = append(found, s)
		root = strings.ReplaceAll(root, pattern, s.call)
	}
	return root, found, nil
}

// sumMatch is the parts of a summed pattern.
type sumMatch struct {
	d                 time.Duration
	predVar, valueVar string
	pred, value       ast.Expr // pred nil without a predicate
}

// matchSum matches the target of a sum() call, a map() macro, against the
// summed patterns.
func matchSum(target ast.Expr, info *ast.SourceInfo) (sumMatch, bool) {
	var m sumMatch
	if target.Kind() != ast.ComprehensionKind {
		return m, false
	}
	mapCall, ok := macroCall(target.ID(), "map", info)
	if !ok || mapCall.Args()[0].Kind() != ast.IdentKind {
		return m, false
	}
	args := mapCall.Args()
	m.valueVar = args[0].AsIdent()
	switch len(args) {
	case 2: // map(v, Q)
		m.value = args[1]
	case 3: // map(v, P, Q)
		m.predVar, m.pred, m.value = m.valueVar, args[1], args[2]
	default:
		return m, false
	}
	window := mapCall.Target()
	if window.Kind() == ast.UnspecifiedExprKind && m.pred == nil { // filter(v, P).map(w, Q)
		filter, ok := macroCall(window.ID(), "filter", info)
		if !ok || len(filter.Args()) != 2 || filter.Args()[0].Kind() != ast.IdentKind {
			return m, false
		}
		m.predVar, m.pred = filter.Args()[0].AsIdent(), filter.Args()[1]
		window = filter.Target()
	}
	if window.Kind() != ast.CallKind || window.AsCall().FunctionName() != "window" {
		return m, false
	}
	if m.d, ok = constantDuration(window.AsCall()); !ok {
		return m, false
	}
	if m.pred != nil && !readsOnly(m.pred, m.predVar, info) {
		return m, false
	}
	return m, readsOnly(m.value, m.valueVar, info)
}

// macroCall returns the member macro call of the given function recorded
// for the expression id.
func macroCall(id int64, function string, info *ast.SourceInfo) (ast.CallExpr, bool) {
	macro, ok := info.GetMacroCall(id)
	if !ok || macro.Kind() != ast.CallKind {
		return nil, false
	}
	c := macro.AsCall()
	if c.FunctionName() != function || !c.IsMemberFunction() || len(c.Args()) < 2 {
		return nil, false
	}
	return c, true
}

// compileOn compiles e, a macro argument, as an expression of the one
// incident variable v. It returns a nil AST when e does not compile.
func (t *Triggers) compileOn(v string, e ast.Expr, info *ast.SourceInfo) (*cel.Ast, cel.Program, error) {
	src, err := unparse(e, info)
	if err != nil {
		return nil, nil, nil
	}
	env, err := t.env.Extend(cel.Variable(v, incidentType))
	if err != nil {
		return nil, nil, err
	}
	checked, iss := env.Compile(src)
	if iss.Err() != nil {
		return nil, nil, nil
	}
	prg, err := env.Program(checked, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, nil, err
	}
	return checked, prg, nil
}

// sumBinding is the CEL functions that return a sum's value.
func sumBinding(sum func(index int) float64) []cel.EnvOption {
	total := func(v ref.Val) (float64, ref.Val) {
		i, ok := v.(types.Int)
		if !ok {
			return 0, types.NewErr("%s: expected an int", sumFunction)
		}
		return sum(int(i)), nil
	}
	return []cel.EnvOption{
		cel.Function(sumFunction, cel.Overload(sumFunction+"_of_index", []*cel.Type{cel.IntType}, cel.DoubleType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				f, err := total(v)
				if err != nil {
					return err
				}
				return types.Double(f)
			}))),
		cel.Function(sumIntFunction, cel.Overload(sumIntFunction+"_of_index", []*cel.Type{cel.IntType}, cel.IntType,
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				f, err := total(v)
				if err != nil {
					return err
				}
				n, ok := intTotal(f)
				if !ok {
					return types.NewErr("%s: the total %v is not an int", sumIntFunction, math.Round(f))
				}
				return types.Int(n)
			}))),
	}
}

// intTotal is an int-valued sum's total as an int: rounded (the total of
// ints kept as a float64 is exact within ±2^53, and rounding undoes the
// compensation's last bit), false when it is no int (a NaN, an infinity,
// beyond the int range). CEL's binding and the native program share it,
// so that they agree.
func intTotal(f float64) (int64, bool) {
	f = math.Round(f)
	if !(f >= math.MinInt64 && f < math.MaxInt64) {
		return 0, false
	}
	return int64(f), true
}

// Total is a running total of Sum values that values enter (Add) and leave
// (Remove) in any order, as a sliding window's do. It gives what adding
// the values present would: infinities and NaN count while they are
// present and stop counting once removed (a plain float64 total would stay
// NaN for ever after an infinity left it), and the finite part is kept
// with Neumaier's compensation, so that rounding errors do not pile up
// over a long stream. The zero Total is empty.
type Total struct {
	sum, comp           float64
	nan, posInf, negInf int
}

// Add brings v into the total.
func (t *Total) Add(v float64) { t.update(v, 1) }

// Remove takes out a v that Add brought in.
func (t *Total) Remove(v float64) { t.update(v, -1) }

func (t *Total) update(v float64, n int) {
	switch {
	case math.IsNaN(v):
		t.nan += n
	case math.IsInf(v, 1):
		t.posInf += n
	case math.IsInf(v, -1):
		t.negInf += n
	default:
		v *= float64(n)
		s := t.sum + v
		if math.Abs(t.sum) >= math.Abs(v) {
			t.comp += (t.sum - s) + v
		} else {
			t.comp += (v - s) + t.sum
		}
		t.sum = s
	}
}

// Value is the total of the values present.
func (t *Total) Value() float64 {
	switch {
	case t.nan > 0 || (t.posInf > 0 && t.negInf > 0):
		return math.NaN()
	case t.posInf > 0:
		return math.Inf(1)
	case t.negInf > 0:
		return math.Inf(-1)
	}
	return t.sum + t.comp
}
