package assess

import (
	"fmt"

	"github.com/backstop-dev/backstop/internal/expr"
	"github.com/backstop-dev/backstop/internal/model"
)

// sequence evaluates every step: open when every step it comes after is
// open and its gate holds (a step without a gate needs only the former).
// done(step) in a gate is that step being open.
func (a *assessment) sequence(r *Report) ([]StepStatus, error) {
	env, err := expr.NewEnv(expr.Gate)
	if err != nil {
		return nil, err
	}
	signed := func(p string) bool { return a.latest[p] != nil }
	var points, approvedPoints float64
	for _, rc := range r.Requirements {
		points += rc.Pledged / rc.Required
		approvedPoints += rc.Approved / rc.Required
	}
	steps := map[string]*model.Step{}
	for i := range a.f.Sequence {
		steps[a.f.Sequence[i].ID] = &a.f.Sequence[i]
	}
	const (
		unknown = iota
		evaluating
		open
		blocked
	)
	state := map[string]int{}
	var gates *expr.Gates
	var evalErr error
	var isOpen func(id string) bool
	isOpen = func(id string) bool {
		s := steps[id]
		switch {
		case s == nil:
			return false
		case state[id] == evaluating:
			return false // a cycle through done(): none of its steps can open
		case state[id] != unknown:
			return state[id] == open
		}
		state[id] = evaluating
		ok := true
		for _, after := range s.After {
			ok = isOpen(after) && ok
		}
		if x := a.set.Gate(a.f.ID, id); x != nil && ok {
			v, err := gates.Eval(x)
			if err != nil && evalErr == nil {
				evalErr = err
			}
			ok = v
		}
		state[id] = blocked
		if ok {
			state[id] = open
		}
		return ok
	}
	gates, err = env.NewGates(expr.GateFuncs{
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
		Done: isOpen,
	})
	if err != nil {
		return nil, err
	}
	out := make([]StepStatus, 0, len(a.f.Sequence))
	for _, s := range a.f.Sequence {
		st := StepStatus{ID: s.ID, Title: s.Title, After: append([]string{}, s.After...), Gate: s.Gate,
			State: "blocked", BlockedBy: []string{}, Failing: []Condition{}}
		if isOpen(s.ID) {
			st.State = "open"
		}
		for _, after := range s.After {
			if !isOpen(after) {
				st.BlockedBy = append(st.BlockedBy, after)
			}
		}
		if x := a.set.Gate(a.f.ID, s.ID); x != nil {
			terms, err := gates.Terms(x)
			if err != nil {
				return nil, fmt.Errorf("step %s: %w", s.ID, err)
			}
			for _, t := range terms {
				if !t.Value {
					st.Failing = append(st.Failing, Condition{Expression: t.Source, Values: t.Calls})
				}
			}
		}
		out = append(out, st)
	}
	if evalErr != nil {
		return nil, evalErr
	}
	return out, nil
}
