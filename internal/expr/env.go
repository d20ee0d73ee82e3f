package expr

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"time"
	"unicode"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"
)

// Kind selects an expression environment.
type Kind int

const (
	// Trigger is the environment of a trigger's `when`.
	Trigger Kind = iota + 1
	// Gate is the environment of a sequence step's `gate`.
	Gate
)

func (k Kind) String() string {
	switch k {
	case Trigger:
		return "trigger"
	case Gate:
		return "gate"
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Incident is what a trigger sees of an incident, as the CEL variable
// `incident` and as the elements of window(). Field names are the
// language's (see docs/language.md).
type Incident struct {
	ID         string            `cel:"id"`
	Time       time.Time         `cel:"time"`
	Type       string            `cel:"type"`
	Subtype    string            `cel:"subtype"`
	Actor      string            `cel:"actor"`
	Country    string            `cel:"country"`
	Admin1     string            `cel:"admin1"`
	Location   string            `cel:"location"`
	Lat        float64           `cel:"lat"`
	Lon        float64           `cel:"lon"`
	Fatalities int64             `cel:"fatalities"`
	BeyondLine bool              `cel:"beyond_line"`
	Source     string            `cel:"source"`
	Fields     map[string]string `cel:"fields"`
	// Confidence is the corroboration level (0: none, or not scored; then
	// 1, 2… in the order of the rules' levels), ConfidenceLevel its name and
	// ConfidencePoints the points (docs/corroborate.md).
	Confidence       int64   `cel:"confidence"`
	ConfidenceLevel  string  `cel:"confidence_level"`
	ConfidencePoints float64 `cel:"confidence_points"`

	// colNames and colValues are the fields of an incident that holds
	// them as a CSV reader's columns (model.Columns), when Fields is not
	// filled with them (SetColumns). Unexported: CEL does not see them.
	colNames, colValues []string
}

// SetColumns gives the incident the fields of a CSV reader's columns
// (names and values, parallel; an empty value is no field), for an
// incident whose Fields are left empty because no program reads
// `fields`: number() reads them, without a map built per incident.
func (i *Incident) SetColumns(names, values []string) {
	i.colNames, i.colValues = names, values
}

// field is the value of the field name: Fields', else the columns'; ""
// when absent.
func (i *Incident) field(name string) string {
	if v, ok := i.Fields[name]; ok {
		return v
	}
	for k, v := range i.colValues {
		if v != "" && i.colNames[k] == name {
			return v
		}
	}
	return ""
}

// Territory is the change of the adversary-held area against the
// ceasefire snapshot, as the CEL variable `territory`.
type Territory struct {
	GainedKm2 float64   `cel:"gained_km2"`
	LostKm2   float64   `cel:"lost_km2"`
	NetKm2    float64   `cel:"net_km2"`
	AsOf      time.Time `cel:"as_of"`
}

// Cost assumptions. The estimate is a worst case over these sizes; the
// evaluating packages enforce the same limit at run time.
const (
	// CostLimit is the largest estimated cost an expression may have.
	// One unit is roughly one elementary operation: 100 million is a
	// fraction of a second, and only a worst case (a full window of
	// incidents with long strings) comes near it.
	CostLimit = 100_000_000
	// MaxWindowIncidents is the most incidents window() returns.
	MaxWindowIncidents = 100_000
	// MaxFields is the most entries of incident.fields.
	MaxFields = 1_000
	// MaxStringBytes bounds, for the estimate, every string the expression
	// reads from its input (incident fields, parties, ids).
	MaxStringBytes = 1_024
)

var (
	incidentType  = cel.ObjectType("expr.Incident")
	territoryType = cel.ObjectType("expr.Territory")
)

// Env is a compiled CEL environment of one Kind. It is safe for
// concurrent use.
type Env struct {
	kind Kind
	cel  *cel.Env
}

// NewEnv builds the environment of the given kind.
func NewEnv(kind Kind) (*Env, error) {
	opts := []cel.EnvOption{
		cel.CrossTypeNumericComparisons(true),
		ext.Strings(),
		// Keep the macro calls (filter, exists…) in the source info, so that
		// a checked expression can be printed back and its windows counted.
		cel.EnableMacroCallTracking(),
	}
	switch kind {
	case Trigger:
		opts = append(opts,
			ext.NativeTypes(reflect.TypeFor[Incident](), reflect.TypeFor[Territory](), ext.ParseStructTags(true)),
			cel.Variable("incident", incidentType),
			cel.Variable("territory", territoryType),
			cel.Function("window",
				cel.Overload("window_string", []*cel.Type{cel.StringType}, cel.ListType(incidentType)),
				cel.Overload("window_duration", []*cel.Type{cel.DurationType}, cel.ListType(incidentType))),
			// [backstop] number() and sum() carry their bindings: they need
			// nothing of the monitor.
			numberFunction(),
			listSumFunction(),
		)
	case Gate:
		opts = append(opts,
			cel.Function("coverage", cel.Overload("coverage_string", []*cel.Type{cel.StringType}, cel.DoubleType)),
			cel.Function("covered", cel.Overload("covered", nil, cel.BoolType)),
			cel.Function("signed", cel.Overload("signed_string", []*cel.Type{cel.StringType}, cel.BoolType)),
			cel.Function("signed_guarantors", cel.Overload("signed_guarantors", nil, cel.IntType)),
			cel.Function("approved_share", cel.Overload("approved_share", nil, cel.DoubleType)),
			cel.Function("done", cel.Overload("done_string", []*cel.Type{cel.StringType}, cel.BoolType)),
			// [backstop] accepts(party, option): the party's declaration in
			// force accepts that territorial option.
			cel.Function("accepts", cel.Overload("accepts_string_string", []*cel.Type{cel.StringType, cel.StringType}, cel.BoolType)),
		)
	default:
		return nil, fmt.Errorf("expr: unknown environment kind %d", int(kind))
	}
	env, err := cel.NewEnv(opts...)
	if err != nil {
		return nil, fmt.Errorf("expr: building the %s environment: %w", kind, err)
	}
	return &Env{kind: kind, cel: env}, nil
}

// The shared environments, built on first use: building one costs more
// than validating a declaration, and an Env is safe for concurrent use.
var (
	sharedTrigger = sync.OnceValues(func() (*Env, error) { return NewEnv(Trigger) })
	sharedGate    = sync.OnceValues(func() (*Env, error) { return NewEnv(Gate) })
)

// Shared returns the environment of the given kind, built once per
// process and shared by every caller. Callers must not rely on it being
// distinct from another's; they extend it (NewTriggers, NewGates) rather
// than change it.
func Shared(kind Kind) (*Env, error) {
	switch kind {
	case Trigger:
		return sharedTrigger()
	case Gate:
		return sharedGate()
	}
	return NewEnv(kind)
}

// Kind returns the environment's kind.
func (e *Env) Kind() Kind { return e.kind }

// CEL returns the underlying cel.Env, for the packages that build programs.
func (e *Env) CEL() *cel.Env { return e.cel }

// Expression is a compiled, type-checked expression whose cost is within
// CostLimit.
type Expression struct {
	Source string
	AST    *cel.Ast
	// MaxCost is the estimated worst-case cost.
	MaxCost uint64
}

// Issue is a problem in an expression. Line is 1-based and Column 0-based
// within the expression's source, as CEL reports them; a Line of 0 means
// the whole expression.
type Issue struct {
	Code    string
	Line    int
	Column  int
	Message string
}

// Compile parses, type-checks and cost-checks src. It returns the
// expression, or nil and every issue found.
func (e *Env) Compile(src string) (*Expression, []Issue) {
	parsed, iss := e.cel.Parse(src)
	if iss.Err() != nil {
		return nil, issuesOf("expression-syntax", iss)
	}
	checked, iss := e.cel.Check(parsed)
	if iss.Err() != nil {
		return nil, issuesOf("expression-type", iss)
	}
	if !checked.OutputType().IsExactType(types.BoolType) {
		return nil, []Issue{{Code: "expression-type", Message: fmt.Sprintf("expression must evaluate to a bool, not %s", checked.OutputType())}}
	}
	est, err := e.cel.EstimateCost(checked, estimator{})
	if err != nil {
		return nil, []Issue{{Code: "expression-cost", Message: fmt.Sprintf("cannot estimate the cost: %v", err)}}
	}
	switch {
	case est.Max == math.MaxUint64:
		return nil, []Issue{{Code: "expression-cost", Message: fmt.Sprintf("estimated cost is unbounded (the limit is %d)", CostLimit)}}
	case est.Max > CostLimit:
		return nil, []Issue{{Code: "expression-cost", Message: fmt.Sprintf("estimated cost %d exceeds the limit %d (a loop over window() inside another is the usual cause)", est.Max, CostLimit)}}
	}
	return &Expression{Source: src, AST: checked, MaxCost: est.Max}, nil
}

func issuesOf(code string, iss *cel.Issues) []Issue {
	var out []Issue
	for _, err := range iss.Errors() {
		out = append(out, Issue{Code: code, Line: err.Location.Line(), Column: err.Location.Column(), Message: err.Message})
	}
	return out
}

// estimator bounds the sizes CEL cannot know from the expression alone.
type estimator struct{}

func (e estimator) EstimateCallCost(function, overload string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	switch {
	case function == "window":
		size := cost.RangedSizeEstimate(0, MaxWindowIncidents)
		return &cost.CallEstimate{CostEstimate: cost.FixedCostEstimate(1), ResultSize: &size}
	case overload == numberOverload:
		return estimateNumber(e, target, args)
	case overload == sumDoubleOverload || overload == sumIntOverload:
		return estimateSum(e, target, args)
	}
	return nil
}

func (estimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if p := n.Path(); len(p) == 2 && p[0] == "incident" && p[1] == "fields" {
		size := cost.RangedSizeEstimate(0, MaxFields)
		return &size
	}
	if n.ComputedSize() == nil && n.Type() != nil && (n.Type().IsExactType(types.StringType) || n.Type().IsExactType(types.BytesType)) {
		size := cost.RangedSizeEstimate(0, MaxStringBytes)
		return &size
	}
	return nil
}

// Call is a call of a function with a constant string as first argument,
// such as coverage("land"), kept so that the loader can check the
// argument against the document (a known domain, party or step).
type Call struct {
	Function string
	// Arg is the constant argument; Constant is false when the argument
	// is computed.
	Arg      string
	Constant bool
	// Offset is the argument's character offset in the source.
	Offset int
}

// Calls returns every call of the named functions, in source order.
func (x *Expression) Calls(names ...string) []Call {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	nav := ast.NavigateAST(x.AST.NativeRep())
	info := x.AST.NativeRep().SourceInfo()
	var calls []Call
	for _, n := range ast.MatchDescendants(nav, func(e ast.NavigableExpr) bool {
		return e.Kind() == ast.CallKind && want[e.AsCall().FunctionName()]
	}) {
		args := n.AsCall().Args()
		if len(args) == 0 {
			continue
		}
		c := Call{Function: n.AsCall().FunctionName()}
		arg := args[0]
		// duration("24h") is as constant as "24h": look through it.
		if arg.Kind() == ast.CallKind && arg.AsCall().FunctionName() == "duration" && len(arg.AsCall().Args()) == 1 &&
			arg.AsCall().Args()[0].Kind() == ast.LiteralKind {
			arg = arg.AsCall().Args()[0]
		}
		if arg.Kind() == ast.LiteralKind {
			if s, ok := arg.AsLiteral().Value().(string); ok {
				c.Arg, c.Constant = s, true
			}
		}
		if c.Constant {
			l := info.GetStartLocation(arg.ID())
			c.Offset = offsetOf(x.Source, l.Line(), l.Column())
		} else {
			// CEL locates a computed argument at its operator ("." or "+");
			// the argument starts after the call's "(".
			l := info.GetStartLocation(n.ID())
			c.Offset = argumentStart(x.Source, offsetOf(x.Source, l.Line(), l.Column()))
		}
		calls = append(calls, c)
	}
	// CEL visits children before parents; report in source order.
	slices.SortStableFunc(calls, func(a, b Call) int { return a.Offset - b.Offset })
	return calls
}

// argumentStart returns the character offset of the first argument of the
// call whose "(" is at character offset paren.
func argumentStart(src string, paren int) int {
	runes := []rune(src)
	if paren < 0 || paren >= len(runes) || runes[paren] != '(' {
		return paren
	}
	i := paren + 1
	for i < len(runes) && unicode.IsSpace(runes[i]) {
		i++
	}
	return i
}

// offsetOf converts a 1-based line and 0-based column of src into a
// character offset.
func offsetOf(src string, line, col int) int {
	off, l := 0, 1
	for _, r := range src {
		if l == line {
			break
		}
		off++
		if r == '\n' {
			l++
		}
	}
	return off + col
}
