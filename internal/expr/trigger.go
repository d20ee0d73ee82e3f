package expr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/backstop-dev/backstop/internal/model"
)

// Window returns the incidents of the given duration ending at the
// incident being evaluated, that one included, oldest first, as CEL values
// made once by Triggers.Value when each incident entered the monitor's
// buffer (so no evaluation converts an incident again). The slice is only
// read.
type Window func(d time.Duration) []ref.Val

// Activation is what one evaluation of a trigger sees. The monitor keeps
// one and overwrites its fields for each event, so evaluating allocates
// nothing for the variables.
type Activation struct {
	Incident  *Incident
	Territory *Territory
}

// ResolveName implements interpreter.Activation.
func (a *Activation) ResolveName(name string) (any, bool) {
	switch name {
	case "incident":
		return a.Incident, true
	case "territory":
		return a.Territory, true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (a *Activation) Parent() interpreter.Activation { return nil }

// Triggers evaluates compiled trigger expressions with window() bound to
// one monitor's buffer. It is not safe for concurrent use: a monitor
// evaluates its events in time order, one at a time.
type Triggers struct {
	env       *cel.Env
	durations sync.Map // window argument → time.Duration, parsed once
	counters  []*Counter
	sums      []*Sum
	summing   bool // a sum function was given: recognise summed windows
	// count and sum are the monitor's, for the natively compiled programs
	// (see Native) that read counted and summed windows.
	count func(index int) int64
	sum   func(index int) float64
}

// NewTriggers binds window() to w, the counted windows (see Counter) to
// count, which returns the current value of counter index, and the summed
// windows (see Sum) to sum, which returns the current total of sum index
// (the sum of Sum.Value over the incidents of the last Sum.Duration, this
// one included, whose predicate matched). A nil sum leaves every sum to
// the general window(). e must be a Trigger environment.
func (e *Env) NewTriggers(w Window, count func(index int) int64, sum func(index int) float64) (*Triggers, error) {
	if e.kind != Trigger {
		return nil, fmt.Errorf("expr: window bound to a %s environment", e.kind)
	}
	t := &Triggers{summing: sum != nil, count: count, sum: sum}
	if sum == nil {
		sum = func(int) float64 { return 0 } // never called: nothing is rewritten
	}
	list := func(d time.Duration) ref.Val {
		vals := w(d)
		if len(vals) > MaxWindowIncidents {
			vals = vals[len(vals)-MaxWindowIncidents:] // the newest: the bound the cost estimate assumes
		}
		return types.NewRefValList(t.env.CELTypeAdapter(), vals)
	}
	opts := []cel.EnvOption{cel.Function("window",
		cel.Overload("window_string", []*cel.Type{cel.StringType}, cel.ListType(incidentType),
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				s, ok := v.(types.String)
				if !ok {
					return types.NewErr("window: expected a duration string")
				}
				d, err := t.duration(string(s))
				if err != nil {
					return types.NewErr("window: %v", err)
				}
				return list(d)
			})),
		cel.Overload("window_duration", []*cel.Type{cel.DurationType}, cel.ListType(incidentType),
			cel.UnaryBinding(func(v ref.Val) ref.Val {
				d, ok := v.(types.Duration)
				if !ok {
					return types.NewErr("window: expected a duration")
				}
				return list(d.Duration)
			}))),
		t.countBinding(count)}
	env, err := e.cel.Extend(append(opts, sumBinding(sum)...)...)
	if err != nil {
		return nil, fmt.Errorf("expr: binding window: %w", err)
	}
	t.env = env
	return t, nil
}

// Value converts an incident to the CEL value window() lists. inc must not
// change afterwards.
func (t *Triggers) Value(inc *Incident) ref.Val { return t.env.CELTypeAdapter().NativeToValue(inc) }

func (t *Triggers) duration(s string) (time.Duration, error) {
	if d, ok := t.durations.Load(s); ok {
		return d.(time.Duration), nil
	}
	d, err := model.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	t.durations.Store(s, time.Duration(d))
	return time.Duration(d), nil
}

// Program is one compiled trigger, ready to evaluate many times.
type Program struct {
	prg cel.Program
	// native is the program compiled to Go (nil: a shape only CEL
	// evaluates); Eval tries it first and falls back to prg.
	native Native
	src    string // the source evaluated: x's, its windows rewritten (for tests)
	// Uses tells which inputs the expression reads.
	Uses Uses
	// Counters are the windows the program reads as sliding counts; the
	// monitor feeds them every incident (Counter.Match) before evaluating.
	Counters []*Counter
	// Sums are the windows the program reads as sliding totals; the
	// monitor feeds them every incident (Sum.Value) before evaluating.
	Sums []*Sum
	// Windowed is true when the program still calls window() (a window
	// neither counted nor summed): the monitor must then keep its buffer
	// of incidents, which nothing else reads.
	Windowed bool
	// Guard is the set of incident types the program can fire on (see
	// Guard): the monitor evaluates it on no other incident.
	Guard Guard
}

// Uses records which inputs an expression reads, so the monitor knows
// which events to evaluate it on.
type Uses struct {
	Incident  bool // incident or window()
	Territory bool
	// Fields: the expression reads the fields map of an incident
	// (`.fields`, of any incident), so Incident.Fields must be filled;
	// number() also reads the columns (Incident.SetColumns).
	Fields bool
	// Place: the expression reads where an incident is (`.lat`, `.lon`
	// or `.beyond_line`, of any incident), so Incident.Lat, Lon and
	// BeyondLine must be filled. Otherwise the monitor neither reads the
	// coordinates, each behind a pointer, nor calls the BeyondLine test.
	Place bool
}

// InterruptCheckFrequency is how many iterations of a comprehension
// (exists, filter, map… over window()) an evaluation under EvalContext
// runs between two looks at its context: a few microseconds of work.
const InterruptCheckFrequency = 256

// Program prepares x for evaluation. It runs without CEL's run-time cost
// tracking, which would cost a quarter of the evaluation time: Compile
// already refused every expression whose worst case exceeds CostLimit,
// and the bounds that estimate assumes hold at run time, because window()
// never returns more than MaxWindowIncidents incidents. That worst case
// is still seconds per evaluation (nested loops over a full window): a
// caller that must bound its time evaluates with EvalContext, which
// stops a comprehension within InterruptCheckFrequency iterations of the
// context's end, at no cost to Eval.
func (t *Triggers) Program(x *Expression) (*Program, error) {
	checked, src, counters, sums, err := t.rewrite(x)
	if err != nil {
		return nil, fmt.Errorf("trigger %q: %w", x.Source, err)
	}
	prg, err := t.env.Program(checked, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(InterruptCheckFrequency))
	if err != nil {
		return nil, fmt.Errorf("trigger %q: %w", x.Source, err)
	}
	t.counters = append(t.counters, counters...)
	t.sums = append(t.sums, sums...)
	p := &Program{prg: prg, src: src, Uses: uses(x), Counters: counters, Sums: sums,
		Windowed: len(callsNamed(checked.NativeRep().Expr(), "window")) > 0,
		Guard:    guardOf(checked.NativeRep().Expr(), "incident", "territory")}
	nc := nativeCompiler{incVar: "incident", terVar: "territory", count: t.count, sum: t.sum}
	if native, err := nc.compileNative(checked.NativeRep().Expr()); err == nil {
		p.native = native
	}
	return p, nil
}

// Native reports whether the program is compiled to Go.
func (p *Program) Native() bool { return p.native != nil }

// rewrite replaces x's counted and summed windows by the functions that
// read the monitor's sliding counts and totals. When the rewritten source
// does not type-check it tries the counters alone, then the sums alone,
// then keeps the general window(): correct, only slower.
func (t *Triggers) rewrite(x *Expression) (*cel.Ast, string, []*Counter, []*Sum, error) {
	native := x.AST.NativeRep()
	root, err := unparse(native.Expr(), native.SourceInfo())
	if err != nil {
		return nil, "", nil, nil, err
	}
	withCounters, counters, err := t.findCounters(x, root, len(t.counters))
	if err != nil {
		return nil, "", nil, nil, err
	}
	var (
		sums              []*Sum
		withSums, withAll string
	)
	if t.summing {
		if withSums, sums, err = t.findSums(x, root, len(t.sums)); err != nil {
			return nil, "", nil, nil, err
		}
		// The patterns do not overlap (a counted or summed window reads no
		// window()): the sums found in root are in withCounters too.
		withAll = withCounters
		for _, s := range sums {
			if !strings.Contains(withAll, s.Source) {
				withAll = ""
				break
			}
			withAll = strings.ReplaceAll(withAll, s.Source, s.call)
		}
	}
	type attempt struct {
		src      string
		counters []*Counter
		sums     []*Sum
	}
	var attempts []attempt
	if len(counters) > 0 && len(sums) > 0 && withAll != "" {
		attempts = append(attempts, attempt{withAll, counters, sums})
	}
	if len(counters) > 0 {
		attempts = append(attempts, attempt{withCounters, counters, nil})
	}
	if len(sums) > 0 {
		attempts = append(attempts, attempt{withSums, nil, sums})
	}
	for _, a := range attempts {
		if rewritten, iss := t.env.Compile(a.src); iss.Err() == nil {
			return rewritten, a.src, a.counters, a.sums, nil
		}
	}
	return x.AST, x.Source, nil, nil, nil
}

// placeFields are the fields of an incident that say where it is (see
// Uses.Place).
var placeFields = map[string]bool{"lat": true, "lon": true, "beyond_line": true}

func uses(x *Expression) Uses {
	var u Uses
	nav := ast.NavigateAST(x.AST.NativeRep())
	for _, e := range ast.MatchDescendants(nav, func(e ast.NavigableExpr) bool {
		return e.Kind() == ast.IdentKind || e.Kind() == ast.CallKind || e.Kind() == ast.SelectKind
	}) {
		switch {
		case e.Kind() == ast.IdentKind && e.AsIdent() == "incident":
			u.Incident = true
		case e.Kind() == ast.IdentKind && e.AsIdent() == "territory":
			u.Territory = true
		case e.Kind() == ast.CallKind && e.AsCall().FunctionName() == "window":
			u.Incident = true
		case e.Kind() == ast.SelectKind && e.AsSelect().FieldName() == "fields":
			u.Fields = true
		case e.Kind() == ast.SelectKind && placeFields[e.AsSelect().FieldName()]:
			u.Place = true
		}
	}
	return u
}

// Eval evaluates the trigger on one event.
func (p *Program) Eval(a *Activation) (bool, error) {
	if p.native != nil && a.Incident != nil && a.Territory != nil {
		if v, ok := p.native(a.Incident, a.Territory); ok {
			return v, nil
		}
	}
	out, _, err := p.prg.Eval(a)
	return result(out, err)
}

// EvalContext evaluates the trigger on one event, giving up when ctx
// ends: the error then wraps ErrInterrupted and ctx's cause (such as
// context.DeadlineExceeded). The context is looked at every
// InterruptCheckFrequency iterations of a comprehension, so an expression
// without one runs to its end (it is cheap: its cost is linear in its
// size).
func (p *Program) EvalContext(ctx context.Context, a *Activation) (bool, error) {
	// A native program has no loop: it ends as quickly as a context check.
	if p.native != nil && a.Incident != nil && a.Territory != nil {
		if v, ok := p.native(a.Incident, a.Territory); ok {
			return v, nil
		}
	}
	out, _, err := p.prg.ContextEval(ctx, a)
	if err != nil && ctx.Err() != nil {
		return false, fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx))
	}
	return result(out, err)
}

// ErrInterrupted is the error of an evaluation stopped by its context.
var ErrInterrupted = errors.New("evaluation interrupted")

func result(out ref.Val, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("trigger returned %s, not a bool", out.Type())
	}
	return bool(b), nil
}
