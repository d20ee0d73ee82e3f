package assess

import (
	"fmt"
	"slices"

	"github.com/backstop-dev/backstop/internal/expr"
	"github.com/backstop-dev/backstop/internal/model"
)

// sequence evaluates every step: open when every step it comes after is
// open and its gate holds (a step without a gate needs only the former).
// done(step) in a gate is that step being open.
func (a *assessment) sequence(r *Report) ([]StepStatus, error) {
	env, err := expr.Shared(expr.Gate)
	if err != nil {
		return nil, err
	}
	st := &stepStates{a: a, steps: map[string]*model.Step{}, state: map[string]int{}}
	for i := range a.f.Sequence {
		st.steps[a.f.Sequence[i].ID] = &a.f.Sequence[i]
	}
	if st.gates, err = env.NewGates(a.gateFuncs(r, st.isOpen)); err != nil {
		return nil, err
	}
	out := make([]StepStatus, 0, len(a.f.Sequence))
	for _, s := range a.f.Sequence {
		status, err := st.status(s)
		if err != nil {
			return nil, err
		}
		out = append(out, status)
	}
	if st.evalErr != nil {
		return nil, st.evalErr
	}
	return out, nil
}

// The states of a step while the sequence is evaluated.
const (
	stepUnknown = iota
	stepEvaluating
	stepOpen
	stepBlocked
)

// stepStates decides, once each, which steps of the sequence are open.
type stepStates struct {
	a     *assessment
	steps map[string]*model.Step
	state map[string]int
	gates *expr.Gates
	// evalErr is the first error evaluating a gate.
	evalErr error
}

// isOpen reports whether step id is open: every step it comes after is
// open and its gate, if any, holds.
func (st *stepStates) isOpen(id string) bool {
	s := st.steps[id]
	switch {
	case s == nil:
		return false
	case st.state[id] == stepEvaluating:
		return false // a cycle through done(): none of its steps can open
	case st.state[id] != stepUnknown:
		return st.state[id] == stepOpen
	}
	st.state[id] = stepEvaluating
	ok := true
	for _, after := range s.After {
		ok = st.isOpen(after) && ok
	}
	if x := st.a.set.Gate(st.a.f.ID, id); x != nil && ok {
		v, err := st.gates.Eval(x)
		if err != nil && st.evalErr == nil {
			st.evalErr = err
		}
		ok = v
	}
	st.state[id] = stepBlocked
	if ok {
		st.state[id] = stepOpen
	}
	return ok
}

// status is the StepStatus of s: its state, the steps that block it and
// the terms of its gate that fail.
func (st *stepStates) status(s model.Step) (StepStatus, error) {
	out := StepStatus{ID: s.ID, Title: s.Title, After: append([]string{}, s.After...), Gate: s.Gate,
		State: "blocked", BlockedBy: []string{}, Failing: []Condition{}}
	if st.isOpen(s.ID) {
		out.State = "open"
	}
	for _, after := range s.After {
		if !st.isOpen(after) {
			out.BlockedBy = append(out.BlockedBy, after)
		}
	}
	if x := st.a.set.Gate(st.a.f.ID, s.ID); x != nil {
		terms, err := st.gates.Terms(x)
		if err != nil {
			return StepStatus{}, fmt.Errorf("step %s: %w", s.ID, err)
		}
		for _, t := range terms {
			if !t.Value {
				out.Failing = append(out.Failing, Condition{Expression: t.Source, Values: t.Calls})
			}
		}
	}
	return out, nil
}

// gateFuncs binds the gate functions to the report r; done is done().
func (a *assessment) gateFuncs(r *Report, done func(string) bool) expr.GateFuncs {
	signed := func(p string) bool { return a.latest[p] != nil }
	var points, approvedPoints float64
	for _, rc := range r.Requirements {
		points += rc.Pledged / rc.Required
		approvedPoints += rc.Approved / rc.Required
	}
	return expr.GateFuncs{
		Coverage: func(d string) float64 { return coverageOf(r.Domains, d) },
		Covered: func() bool {
			for _, rc := range r.Requirements {
				if !rc.Met {
					return false
				}
			}
			return true
		},
		Signed: signed,
		Accepts: func(party, option string) bool {
			d := a.latest[party]
			return d != nil && slices.Contains(d.AcceptsOptions, option)
		},
		SignedGuarantors: func() int {
			n := 0
			for _, id := range a.f.PartiesWithRole(model.Guarantor) {
				if signed(id) {
					n++
				}
			}
			return n
		},
		ApprovedShare: func() float64 {
			if points == 0 {
				return 0
			}
			return approvedPoints / points
		},
		Done: done,
	}
}
