package expr

import "cel.dev/cel-go/common/types/ref"

// Rewritten returns the source p evaluates: its trigger's, with the counted
// and summed windows replaced.
func (p *Program) Rewritten() string { return p.src }

// EvalValue evaluates p and returns its value, whatever its type (a test
// may build an Expression of another type than bool).
func (p *Program) EvalValue(a *Activation) (ref.Val, error) {
	out, _, err := p.prg.Eval(a)
	return out, err
}
