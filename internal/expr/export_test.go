package expr

import (
	"fmt"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Rewritten returns the source p evaluates: its trigger's, with the counted
// and summed windows replaced.
func (p *Program) Rewritten() string { return p.src }

// EvalValue evaluates p and returns its value, whatever its type (a test
// may build an Expression of another type than bool).
func (p *Program) EvalValue(a *Activation) (ref.Val, error) {
	out, _, err := p.prg.Eval(a)
	return out, err
}

// EvalCEL evaluates p with CEL alone, as it did before the native path.
func (p *Program) EvalCEL(a *Activation) (bool, error) {
	out, _, err := p.prg.Eval(a)
	return result(out, err)
}

// EvalNative evaluates p's native program; compiled is false when p has
// none.
func (p *Program) EvalNative(a *Activation) (value, ok, compiled bool) {
	if p.native == nil {
		return false, false, false
	}
	value, ok = p.native(a.Incident, a.Territory)
	return value, ok, true
}

// MatchCEL evaluates c's predicate with CEL alone.
func (c *Counter) MatchCEL(inc *Incident) (bool, error) {
	out, _, err := c.pred.Eval(varActivation{name: c.variable, value: inc})
	return result(out, err)
}

// MatchNative evaluates c's native predicate, as EvalNative.
func (c *Counter) MatchNative(inc *Incident) (value, ok, compiled bool) {
	if c.native == nil {
		return false, false, false
	}
	value, ok = c.native(inc, nil)
	return value, ok, true
}

// MatchCEL evaluates s's predicate with CEL alone (true without one).
func (s *Sum) MatchCEL(inc *Incident) (bool, error) {
	if s.pred == nil {
		return true, nil
	}
	out, _, err := s.pred.Eval(varActivation{name: s.predVar, value: inc})
	return result(out, err)
}

// MatchNative evaluates s's native predicate, as EvalNative.
func (s *Sum) MatchNative(inc *Incident) (value, ok, compiled bool) {
	if s.predNative == nil {
		return false, false, false
	}
	value, ok = s.predNative(inc, nil)
	return value, ok, true
}

// ValueCEL evaluates s's value with CEL alone; ValueNative natively
// (compiled false when s's value is not compiled).
func (s *Sum) ValueCEL(inc *Incident) (float64, error) {
	out, _, err := s.value.Eval(varActivation{name: s.valueVar, value: inc})
	if err != nil {
		return 0, err
	}
	switch v := out.(type) {
	case types.Double:
		return float64(v), nil
	case types.Int:
		return float64(v), nil
	}
	return 0, fmt.Errorf("a %s, not a number", out.Type())
}

// ValueNative is the native counterpart of ValueCEL.
func (s *Sum) ValueNative(inc *Incident) (value float64, ok, compiled bool) {
	if s.valueNative == nil {
		return 0, false, false
	}
	value, ok = s.valueNative(inc, nil)
	return value, ok, true
}
