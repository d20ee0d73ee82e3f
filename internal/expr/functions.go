package expr

import (
	"math"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// Overload ids of the functions this package adds to CEL; the estimator
// prices them.
const (
	numberOverload    = "incident_number_string"
	sumDoubleOverload = "list_double_sum"
	sumIntOverload    = "list_int_sum"
)

// numberFunction declares, with its binding, the member function
// `incident.number(field) -> double`: the field parsed as a number, 0.0 when
// it is absent, empty, not a number or not finite.
func numberFunction() cel.EnvOption {
	return cel.Function("number", cel.MemberOverload(numberOverload,
		[]*cel.Type{incidentType, cel.StringType}, cel.DoubleType,
		cel.BinaryBinding(func(inc, name ref.Val) ref.Val {
			n, ok := name.(types.String)
			if !ok {
				return types.NewErr("number: expected a field name, got %s", name.Type())
			}
			var value string
			switch v := inc.Value().(type) {
			case *Incident:
				if v != nil {
					value = v.field(string(n))
				}
			case Incident:
				value = v.field(string(n))
			default:
				return types.NewErr("number: expected an incident, got %s", inc.Type())
			}
			return types.Double(Number(value))
		})))
}

// Number is number()'s reading of a field value: s, spaces trimmed, parsed
// by strconv.ParseFloat; 0 when s is empty, not a number, or not finite.
func Number(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// listSumFunction declares, with its bindings, the member function `sum()` of
// list(double) (a double) and list(int) (an int, an error on overflow). An
// empty list sums to 0.
func listSumFunction() cel.EnvOption {
	return cel.Function("sum",
		cel.MemberOverload(sumDoubleOverload, []*cel.Type{cel.ListType(cel.DoubleType)}, cel.DoubleType,
			cel.UnaryBinding(func(v ref.Val) ref.Val { return sumList(v, false) })),
		cel.MemberOverload(sumIntOverload, []*cel.Type{cel.ListType(cel.IntType)}, cel.IntType,
			cel.UnaryBinding(func(v ref.Val) ref.Val { return sumList(v, true) })))
}

// sumList adds the elements of a list. With ints it sums in int64 and
// reports an overflow as CEL's int arithmetic does; a double among the
// elements (only possible through dyn) turns the sum into a double.
func sumList(v ref.Val, ints bool) ref.Val {
	l, ok := v.(traits.Lister)
	if !ok {
		return types.NewErr("sum: expected a list, got %s", v.Type())
	}
	var (
		total  int64
		dtotal float64
	)
	it := l.Iterator()
	for it.HasNext() == types.True {
		switch e := it.Next().(type) {
		case types.Int:
			if ints {
				s := total + int64(e)
				if (s > total) != (e > 0) {
					return types.NewErr("sum: integer overflow")
				}
				total = s
			} else {
				dtotal += float64(e)
			}
		case types.Double:
			if ints { // dyn elements: continue as a double
				ints, dtotal = false, float64(total)
			}
			dtotal += float64(e)
		case types.Uint:
			if ints {
				ints, dtotal = false, float64(total)
			}
			dtotal += float64(e)
		case *types.Err:
			return e
		default:
			return types.NewErr("sum: cannot add a %s", e.Type())
		}
	}
	if ints {
		return types.Int(total)
	}
	return types.Double(dtotal)
}

// estimateNumber prices number(): a map lookup and a parse of a string of
// at most MaxStringBytes.
func estimateNumber(cost.Estimator, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	scan, _ := cost.EstimateStringScan(cost.RangedSizeEstimate(0, MaxStringBytes))
	return &cost.CallEstimate{CostEstimate: cost.FixedCostEstimate(1).Add(scan)}
}

// estimateSum prices sum(): one addition per element.
func estimateSum(e cost.Estimator, target *cost.AstNode, _ []cost.AstNode) *cost.CallEstimate {
	if target == nil {
		return nil
	}
	sz := cost.EstimateSize(e, *target)
	return &cost.CallEstimate{CostEstimate: cost.FixedCostEstimate(1).Add(sz.MultiplyByCostFactor(1))}
}
