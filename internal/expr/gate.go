package expr

import (
	"fmt"
	"strconv"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/parser"
)

// GateFuncs implement the gate functions for one assessment.
type GateFuncs struct {
	Coverage         func(domain string) float64
	Covered          func() bool
	Signed           func(party string) bool
	SignedGuarantors func() int
	ApprovedShare    func() float64
	Done             func(step string) bool
	// Accepts reports whether a party's declaration in force accepts a
	// territorial option ([backstop]).
	Accepts func(party, option string) bool
}

// Gates evaluates gate expressions against one set of GateFuncs.
type Gates struct {
	base  *Env
	env   *cel.Env
	funcs GateFuncs
}

// NewGates binds the gate functions. e must be a Gate environment.
func (e *Env) NewGates(f GateFuncs) (*Gates, error) {
	if e.kind != Gate {
		return nil, fmt.Errorf("expr: gate functions bound to a %s environment", e.kind)
	}
	str := func(fn func(string) ref.Val) cel.OverloadOpt {
		return cel.UnaryBinding(func(v ref.Val) ref.Val {
			s, ok := v.(types.String)
			if !ok {
				return types.NewErr("expected a string, got %s", v.Type())
			}
			return fn(string(s))
		})
	}
	env, err := e.cel.Extend(
		cel.Function("coverage", cel.Overload("coverage_string", []*cel.Type{cel.StringType}, cel.DoubleType,
			str(func(s string) ref.Val { return types.Double(f.Coverage(s)) }))),
		cel.Function("covered", cel.Overload("covered", nil, cel.BoolType,
			cel.FunctionBinding(func(...ref.Val) ref.Val { return types.Bool(f.Covered()) }))),
		cel.Function("signed", cel.Overload("signed_string", []*cel.Type{cel.StringType}, cel.BoolType,
			str(func(s string) ref.Val { return types.Bool(f.Signed(s)) }))),
		cel.Function("signed_guarantors", cel.Overload("signed_guarantors", nil, cel.IntType,
			cel.FunctionBinding(func(...ref.Val) ref.Val { return types.Int(f.SignedGuarantors()) }))),
		cel.Function("approved_share", cel.Overload("approved_share", nil, cel.DoubleType,
			cel.FunctionBinding(func(...ref.Val) ref.Val { return types.Double(f.ApprovedShare()) }))),
		cel.Function("done", cel.Overload("done_string", []*cel.Type{cel.StringType}, cel.BoolType,
			str(func(s string) ref.Val { return types.Bool(f.Done(s)) }))),
		cel.Function("accepts", cel.Overload("accepts_string_string", []*cel.Type{cel.StringType, cel.StringType}, cel.BoolType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				party, ok1 := a.(types.String)
				option, ok2 := b.(types.String)
				if !ok1 || !ok2 {
					return types.NewErr("accepts(party, option) takes two strings")
				}
				return types.Bool(f.Accepts != nil && f.Accepts(string(party), string(option)))
			}))),
	)
	if err != nil {
		return nil, fmt.Errorf("expr: binding gate functions: %w", err)
	}
	return &Gates{base: e, env: env, funcs: f}, nil
}

// Eval evaluates a compiled gate within CostLimit.
func (g *Gates) Eval(x *Expression) (bool, error) {
	prg, err := g.env.Program(x.AST, cel.CostLimit(CostLimit))
	if err != nil {
		return false, fmt.Errorf("gate %q: %w", x.Source, err)
	}
	out, _, err := prg.Eval(cel.NoVars())
	if err != nil {
		return false, fmt.Errorf("gate %q: %w", x.Source, err)
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("gate %q returned %s, not a bool", x.Source, out.Type())
	}
	return bool(b), nil
}

// Term is one top-level && term of a gate, with the value of every gate
// function call in it.
type Term struct {
	Source string
	Value  bool
	// Calls maps each gate function call, as written in canonical form
	// (coverage("land")), to its value.
	Calls map[string]string
}

// Terms splits a gate into its top-level && terms and evaluates each, so
// that a report can say which part of a gate fails and why.
func (g *Gates) Terms(x *Expression) ([]Term, error) {
	native := x.AST.NativeRep()
	var leaves []ast.Expr
	var split func(e ast.Expr)
	split = func(e ast.Expr) {
		if e.Kind() == ast.CallKind && e.AsCall().FunctionName() == operators.LogicalAnd {
			for _, a := range e.AsCall().Args() {
				split(a)
			}
			return
		}
		leaves = append(leaves, e)
	}
	split(native.Expr())
	var terms []Term
	for _, leaf := range leaves {
		src, err := parser.Unparse(leaf, native.SourceInfo())
		if err != nil {
			return nil, fmt.Errorf("gate %q: %w", x.Source, err)
		}
		sub, issues := g.base.Compile(src)
		if sub == nil {
			return nil, fmt.Errorf("gate term %q: %v", src, issues)
		}
		v, err := g.Eval(sub)
		if err != nil {
			return nil, err
		}
		t := Term{Source: src, Value: v, Calls: map[string]string{}}
		for _, c := range ast.MatchDescendants(ast.NavigateExpr(native, leaf), func(e ast.NavigableExpr) bool {
			return e.Kind() == ast.CallKind && gateFunctions[e.AsCall().FunctionName()]
		}) {
			call, err := parser.Unparse(c, native.SourceInfo())
			if err != nil {
				continue
			}
			if cx, _ := g.base.callExpression(call); cx != nil {
				if val, err := g.value(cx); err == nil {
					t.Calls[call] = val
				}
			}
		}
		terms = append(terms, t)
	}
	return terms, nil
}

var gateFunctions = map[string]bool{
	"coverage": true, "covered": true, "signed": true, "signed_guarantors": true, "approved_share": true, "done": true,
}

// callExpression compiles a single gate function call (not a bool, so it
// bypasses Compile's bool check).
func (e *Env) callExpression(src string) (*Expression, error) {
	checked, iss := e.cel.Compile(src)
	if iss.Err() != nil {
		return nil, iss.Err()
	}
	return &Expression{Source: src, AST: checked}, nil
}

func (g *Gates) value(x *Expression) (string, error) {
	prg, err := g.env.Program(x.AST, cel.CostLimit(CostLimit))
	if err != nil {
		return "", err
	}
	out, _, err := prg.Eval(cel.NoVars())
	if err != nil {
		return "", err
	}
	switch v := out.(type) {
	case types.Double:
		return strconv.FormatFloat(float64(v), 'f', 2, 64), nil
	case types.Int:
		return strconv.FormatInt(int64(v), 10), nil
	case types.Bool:
		return strconv.FormatBool(bool(v)), nil
	}
	return fmt.Sprint(out.Value()), nil
}
