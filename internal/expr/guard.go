package expr

import (
	"slices"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
)

// Guard is the set of incident types a trigger can fire on. Most triggers
// open with a type test (`incident.type == "shelling" && …`,
// `incident.type in ["missile_strike", "drone_strike"] && …`): on an
// incident of another type they are false, whatever else they read, so a
// monitor that indexes its triggers by their guards never evaluates them
// on it.
//
// A Guard is sound, not tight: when the incident's type is not admitted,
// evaluating the trigger on that incident, with the territory all zero (as
// a monitor evaluates incidents), gives false and no error; when it is
// admitted the trigger may still be false.
type Guard struct {
	// All is true when the trigger may fire on an incident of any type
	// (no type test at the top, or one under a `!`, a window…).
	All bool
	// Types are the admitted types, sorted and distinct, when not All. An
	// empty list: the trigger never fires on an incident (it reads only
	// the territory, which incidents leave at zero).
	Types []string
}

// Admits reports whether the trigger can fire on an incident of type t.
func (g Guard) Admits(t string) bool {
	return g.All || slices.Contains(g.Types, t)
}

var allTypes = Guard{All: true}

// guardOf derives the guard of a checked trigger expression e, where
// incVar and terVar name the incident and the territory. It follows CEL's
// commutative logic: `a && b` is false without error as soon as one term
// is, whatever errors the other gives, so a conjunction is guarded by the
// intersection of its terms' guards; `a || b` is false without error only
// when both are, so a disjunction is guarded by their union.
func guardOf(e ast.Expr, incVar, terVar string) Guard {
	if e.Kind() != ast.CallKind {
		return territoryOnly(e, terVar)
	}
	call := e.AsCall()
	args := call.Args()
	switch fn := call.FunctionName(); {
	case fn == operators.LogicalAnd && len(args) == 2:
		g := allTypes
		for _, t := range flatten(fn, args) {
			g = intersect(g, guardOf(t, incVar, terVar))
		}
		return g
	case fn == operators.LogicalOr && len(args) == 2:
		g := Guard{Types: []string{}}
		for _, t := range flatten(fn, args) {
			if g = union(g, guardOf(t, incVar, terVar)); g.All {
				return g
			}
		}
		return g
	case fn == operators.Equals && len(args) == 2:
		for _, pair := range [][2]ast.Expr{{args[0], args[1]}, {args[1], args[0]}} {
			if isTypeField(pair[0], incVar) {
				if s, ok := stringLiteral(pair[1]); ok {
					return Guard{Types: []string{s}}
				}
			}
		}
	case fn == operators.In && len(args) == 2 && isTypeField(args[0], incVar) && args[1].Kind() == ast.ListKind:
		list := args[1].AsList()
		if len(list.OptionalIndices()) > 0 {
			break
		}
		types := []string{}
		for _, el := range list.Elements() {
			s, ok := stringLiteral(el)
			if !ok {
				return territoryOnly(e, terVar)
			}
			types = append(types, s)
		}
		slices.Sort(types)
		return Guard{Types: slices.Compact(types)}
	}
	return territoryOnly(e, terVar)
}

// territoryOnly is the guard of a term that is no type test: none (it
// never fires on an incident) when it reads only the territory and
// constants and is false, without error, on the all-zero territory an
// incident event sees (`territory.gained_km2 >= 1.0`); every type
// otherwise. The term is compiled natively with no incident variable and
// no windows, so that compiling at all proves it reads nothing else.
func territoryOnly(e ast.Expr, terVar string) Guard {
	if terVar == "" {
		return allTypes
	}
	nc := nativeCompiler{terVar: terVar}
	x, err := nc.compileNative(e)
	if err != nil {
		return allTypes
	}
	if v, ok := x(&Incident{}, &Territory{}); ok && !v {
		return Guard{Types: []string{}}
	}
	return allTypes
}

func isTypeField(e ast.Expr, incVar string) bool {
	if e.Kind() != ast.SelectKind || incVar == "" {
		return false
	}
	sel := e.AsSelect()
	return !sel.IsTestOnly() && sel.FieldName() == "type" && sel.Operand().Kind() == ast.IdentKind &&
		sel.Operand().AsIdent() == incVar
}

func stringLiteral(e ast.Expr) (string, bool) {
	if e.Kind() != ast.LiteralKind {
		return "", false
	}
	s, ok := e.AsLiteral().Value().(string)
	return s, ok
}

func intersect(a, b Guard) Guard {
	switch {
	case a.All:
		return b
	case b.All:
		return a
	}
	out := []string{}
	for _, t := range a.Types {
		if slices.Contains(b.Types, t) {
			out = append(out, t)
		}
	}
	return Guard{Types: out}
}

func union(a, b Guard) Guard {
	if a.All || b.All {
		return allTypes
	}
	out := append(slices.Clone(a.Types), b.Types...)
	slices.Sort(out)
	return Guard{Types: slices.Compact(out)}
}
