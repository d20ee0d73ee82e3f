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
	"cel.dev/cel-go/interpreter"
	"cel.dev/cel-go/parser"

	"github.com/backstop-dev/backstop/internal/model"
)

// Counter is a `window(D).filter(v, P).size()` found in a trigger, whose
// predicate P reads only v: the monitor evaluates P once per incident, when
// the incident arrives, and keeps a sliding count over D, so the trigger
// costs O(1) per incident instead of O(incidents in D).
type Counter struct {
	// Index identifies the counter among all of a Triggers' counters.
	Index    int
	Duration time.Duration
	Source   string // the pattern as written, for messages
	variable string
	pred     cel.Program
	native   Native // pred compiled to Go, or nil (see Native)
}

// Match evaluates the predicate on one incident.
func (c *Counter) Match(inc *Incident) (bool, error) {
	if c.native != nil && inc != nil {
		if v, ok := c.native(inc, nil); ok {
			return v, nil
		}
	}
	out, _, err := c.pred.Eval(varActivation{name: c.variable, value: inc})
	if err != nil {
		return false, fmt.Errorf("%s: %w", c.Source, err)
	}
	b, ok := out.(types.Bool)
	return ok && bool(b), nil
}

type varActivation struct {
	name  string
	value *Incident
}

func (a varActivation) ResolveName(n string) (any, bool) {
	if n == a.name {
		return a.value, true
	}
	return nil, false
}

func (a varActivation) Parent() interpreter.Activation { return nil }

// countFunction is the function a counted pattern is replaced with; its
// argument is the counter's index.
const countFunction = "__backstop_window_count"

// findCounters finds the counted patterns of x and returns x's source with
// each replaced by a call of countFunction, and the counters (numbered
// from next). A pattern whose predicate reads anything but its own
// variable is left to the general window().
// root is x's source as parser.Unparse prints it, possibly with other
// patterns already replaced.
func (t *Triggers) findCounters(x *Expression, root string, next int) (string, []*Counter, error) {
	native := x.AST.NativeRep()
	info := native.SourceInfo()
	var found []*Counter
	seen := map[string]*Counter{}
	for _, e := range callsNamed(native.Expr(), "size") {
		call := e.AsCall()
		var target ast.Expr
		switch {
		case call.IsMemberFunction() && len(call.Args()) == 0:
			target = call.Target()
		case !call.IsMemberFunction() && len(call.Args()) == 1:
			target = call.Args()[0]
		default:
			continue
		}
		if target.Kind() != ast.ComprehensionKind {
			continue
		}
		macro, ok := info.GetMacroCall(target.ID())
		if !ok || macro.Kind() != ast.CallKind || macro.AsCall().FunctionName() != "filter" || len(macro.AsCall().Args()) != 2 {
			continue
		}
		window := macro.AsCall().Target()
		variable := macro.AsCall().Args()[0]
		pred := macro.AsCall().Args()[1]
		if window.Kind() != ast.CallKind || window.AsCall().FunctionName() != "window" || variable.Kind() != ast.IdentKind {
			continue
		}
		d, ok := constantDuration(window.AsCall())
		if !ok || !readsOnly(pred, variable.AsIdent(), info) {
			continue
		}
		pattern, err := unparse(e, info)
		if err != nil || !strings.Contains(root, pattern) {
			continue
		}
		if seen[pattern] != nil {
			continue
		}
		predSource, err := unparse(pred, info)
		if err != nil {
			continue
		}
		env, err := t.env.Extend(cel.Variable(variable.AsIdent(), incidentType))
		if err != nil {
			return "", nil, err
		}
		checked, iss := env.Compile(predSource)
		if iss.Err() != nil {
			continue
		}
		prg, err := env.Program(checked, cel.EvalOptions(cel.OptOptimize))
		if err != nil {
			return "", nil, err
		}
		c := &Counter{Index: next + len(found), Duration: d, Source: pattern, variable: variable.AsIdent(), pred: prg}
		nc := nativeCompiler{incVar: variable.AsIdent()}
		if native, err := nc.compileNative(checked.NativeRep().Expr()); err == nil {
			c.native = native
		}
		seen[pattern] = c
		found = append(found, c)
		root = strings.ReplaceAll(root, pattern, fmt.Sprintf("%s(%d)", countFunction, c.Index))
	}
	return root, found, nil
}

// unparse prints e on one line. (parser.Unparse wraps long lines after
// && and ||, at a column that depends on what precedes: a pattern would
// not print alone as it prints within its trigger.)
func unparse(e ast.Expr, info *ast.SourceInfo) (string, error) {
	return parser.Unparse(e, info, parser.WrapOnColumn(math.MaxInt32))
}

// callsNamed returns every call of the named function in e, outermost
// first. (parser.Unparse needs the plain expressions, not
// ast.NavigateAST's wrappers.)
func callsNamed(e ast.Expr, name string) []ast.Expr {
	var out []ast.Expr
	var walk func(ast.Expr)
	walk = func(x ast.Expr) {
		switch x.Kind() {
		case ast.CallKind:
			c := x.AsCall()
			if c.FunctionName() == name {
				out = append(out, x)
			}
			if c.IsMemberFunction() {
				walk(c.Target())
			}
			for _, a := range c.Args() {
				walk(a)
			}
		case ast.SelectKind:
			walk(x.AsSelect().Operand())
		case ast.ListKind:
			for _, el := range x.AsList().Elements() {
				walk(el)
			}
		case ast.ComprehensionKind:
			c := x.AsComprehension()
			walk(c.IterRange())
			walk(c.AccuInit())
			walk(c.LoopCondition())
			walk(c.LoopStep())
			walk(c.Result())
		}
	}
	walk(e)
	return out
}

func constantDuration(call ast.CallExpr) (time.Duration, bool) {
	if len(call.Args()) != 1 {
		return 0, false
	}
	arg := call.Args()[0]
	if arg.Kind() == ast.CallKind && arg.AsCall().FunctionName() == "duration" && len(arg.AsCall().Args()) == 1 {
		arg = arg.AsCall().Args()[0]
	}
	if arg.Kind() != ast.LiteralKind {
		return 0, false
	}
	s, ok := arg.AsLiteral().Value().(string)
	if !ok {
		return 0, false
	}
	d, err := model.ParseDuration(s)
	return time.Duration(d), err == nil && d > 0
}

// readsOnly reports whether e reads no variable but v and calls no window().
// e is a macro's argument as the source info keeps it, in which a nested
// macro (has(), exists()…) is a placeholder for its macro call: that call
// is read from info; a loop variable it declares is another variable, so
// a nested loop is refused.
func readsOnly(e ast.Expr, v string, info *ast.SourceInfo) bool {
	ok := true
	var walk func(ast.Expr)
	walk = func(x ast.Expr) {
		if !ok {
			return
		}
		switch x.Kind() {
		case ast.UnspecifiedExprKind:
			call, found := info.GetMacroCall(x.ID())
			if !found {
				ok = false
				return
			}
			walk(call)
		case ast.IdentKind:
			if x.AsIdent() != v {
				ok = false
			}
		case ast.SelectKind:
			walk(x.AsSelect().Operand())
		case ast.CallKind:
			c := x.AsCall()
			if c.FunctionName() == "window" {
				ok = false
				return
			}
			if c.IsMemberFunction() {
				walk(c.Target())
			}
			for _, a := range c.Args() {
				walk(a)
			}
		case ast.ListKind:
			for _, el := range x.AsList().Elements() {
				walk(el)
			}
		case ast.MapKind, ast.StructKind, ast.ComprehensionKind:
			ok = false // nested loops and constructions: leave to the general path
		}
	}
	walk(e)
	return ok
}

// countBinding is the CEL function that returns a counter's value.
func (t *Triggers) countBinding(count func(index int) int64) cel.EnvOption {
	return cel.Function(countFunction, cel.Overload(countFunction+"_int", []*cel.Type{cel.IntType}, cel.IntType,
		cel.UnaryBinding(func(v ref.Val) ref.Val {
			i, ok := v.(types.Int)
			if !ok {
				return types.NewErr("%s: expected an int", countFunction)
			}
			return types.Int(count(int(i)))
		})))
}
