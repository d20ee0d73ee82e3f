package load

import (
	"cmp"
	"slices"

	"github.com/backstop-dev/backstop/internal/expr"
	"github.com/backstop-dev/backstop/internal/model"
)

// Set is every document loaded together, validated as one, with the
// compiled expressions of its frameworks.
type Set struct {
	// Docs are the documents in load order (files sorted by path within a folder).
	Docs  []*Document
	exprs map[exprKey]*expr.Expression
}

type exprKey struct {
	framework string
	kind      expr.Kind
	id        string
}

// Frameworks returns the loaded frameworks in load order.
func (s *Set) Frameworks() []*model.Framework {
	var out []*model.Framework
	for _, d := range s.Docs {
		if d.Framework != nil {
			out = append(out, d.Framework)
		}
	}
	return out
}

// Framework returns the framework with the given id, or nil.
func (s *Set) Framework(id string) *model.Framework {
	for _, f := range s.Frameworks() {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// Declarations returns every declaration made to framework id, ordered
// by party, then date and revision, superseded ones included.
func (s *Set) Declarations(framework string) []*model.Declaration {
	var out []*model.Declaration
	for _, d := range s.Docs {
		if d.Declaration != nil && d.Declaration.Framework == framework {
			out = append(out, d.Declaration)
		}
	}
	slices.SortStableFunc(out, func(a, b *model.Declaration) int {
		return cmp.Or(cmp.Compare(a.Party, b.Party), a.Date.Compare(b.Date.Time), cmp.Compare(a.Revision, b.Revision))
	})
	return out
}

// Latest returns, per party, the declaration to framework id that counts:
// the latest by date and revision. Earlier ones are superseded but kept in Declarations.
func (s *Set) Latest(framework string) map[string]*model.Declaration {
	latest := map[string]*model.Declaration{}
	for _, d := range s.Declarations(framework) {
		latest[d.Party] = d // ordered by date and revision within a party
	}
	return latest
}

// Scenarios returns the loaded scenarios in load order.
func (s *Set) Scenarios() []*model.Scenario {
	var out []*model.Scenario
	for _, d := range s.Docs {
		if d.Scenario != nil {
			out = append(out, d.Scenario)
		}
	}
	return out
}

// Incidents returns the incidents of every Incidents document in load order.
func (s *Set) Incidents() []model.Incident {
	var out []model.Incident
	for _, d := range s.Docs {
		if d.Incidents != nil {
			out = append(out, d.Incidents.Incidents...)
		}
	}
	return out
}

// Corroborations returns the loaded corroboration rules in load order.
func (s *Set) Corroborations() []*model.Corroboration {
	var out []*model.Corroboration
	for _, d := range s.Docs {
		if d.Corroboration != nil {
			out = append(out, d.Corroboration)
		}
	}
	return out
}

// Findings returns the loaded findings in load order.
func (s *Set) Findings() []*model.Finding {
	var out []*model.Finding
	for _, d := range s.Docs {
		if d.Finding != nil {
			out = append(out, d.Finding)
		}
	}
	return out
}

// Actions returns the loaded actions in load order.
func (s *Set) Actions() []*model.Action {
	var out []*model.Action
	for _, d := range s.Docs {
		if d.Action != nil {
			out = append(out, d.Action)
		}
	}
	return out
}

// Options returns the loaded territorial options in load order.
func (s *Set) Options() []*model.TerritorialOption {
	var out []*model.TerritorialOption
	for _, d := range s.Docs {
		if d.Option != nil {
			out = append(out, d.Option)
		}
	}
	return out
}

// When returns the compiled `when` of a framework's trigger, or nil.
func (s *Set) When(framework, trigger string) *expr.Expression {
	return s.exprs[exprKey{framework, expr.Trigger, trigger}]
}

// Gate returns the compiled `gate` of a framework's sequence step, or nil
// (also for a step without a gate).
func (s *Set) Gate(framework, step string) *expr.Expression {
	return s.exprs[exprKey{framework, expr.Gate, step}]
}
