package expr_test

import (
	"strings"
	"testing"

	"cel.dev/cel-go/common/types"

	"github.com/backstop-dev/backstop/internal/expr"
)

func newEnv(t testing.TB, k expr.Kind) *expr.Env {
	t.Helper()
	env, err := expr.NewEnv(k)
	if err != nil {
		t.Fatalf("NewEnv(%v): %v", k, err)
	}
	if env.Kind() != k {
		t.Fatalf("NewEnv(%v).Kind() = %v", k, env.Kind())
	}
	if env.CEL() == nil {
		t.Fatalf("NewEnv(%v).CEL() is nil", k)
	}
	return env
}

// The three triggers of examples/ukraine-2025/framework.yaml.
const (
	exampleStrike   = `incident.type in ["missile_strike", "drone_strike"] && incident.country == "UA"`
	exampleAdvance  = `territory.gained_km2 >= 1.0 || (incident.type == "ground_assault" && incident.beyond_line)`
	exampleShelling = `window("24h").filter(i, i.type == "shelling").size() >= 50`
	plainTrigger    = `incident.type == "x"`
)

var validTriggers = []string{
	exampleStrike,
	exampleAdvance,
	exampleShelling,
	plainTrigger,
	`incident.fields["sub_event_type"] == "Shelling/artillery/missile attack"`,
	`incident.fatalities >= 1.5`,
	`incident.time > timestamp("2025-09-01T00:00:00Z")`,
	`window(duration("6h")).size() > 3`,
	`window(incident.type).size() > 1`,
	`territory.net_km2 < -5.0 && territory.as_of > incident.time`,
	`incident.lat > 50 && incident.lon < 40.5`,
	`incident.type.startsWith("missile")`,
	`window("24h").map(a, window("1h").size()).size() > 0`,
	`incident.fields.exists(k, incident.fields[k] == "x")`,
	`incident.location.lowerAscii().contains("kyiv")`,
	`incident.type.matches("^missile") || incident.type + "a" == "b"`,
	`incident.fields["notes"].contains("shelling")`,
	`window("24h").filter(i, i.location.contains("Kharkiv")).size() >= 10`,
}

var validGates = []string{
	`coverage("land") >= 1.0 && signed_guarantors() >= 10`,
	`covered()`,
	`approved_share() > 0.5 && done("guarantees-agreed") && signed("US")`,
	`coverage("land") >= 1`,
	`coverage("land") >= 1.0 && coverage("air-defense") >= 1.0 && signed_guarantors() >= 10`,
	`signed("UA")`,
	`done("territorial-talks") && signed("US")`,
	"coverage(\"land\") >= 1.0 &&\n  signed(\"US\")",
}

func TestNewEnv(t *testing.T) {
	for _, tc := range []struct {
		kind    expr.Kind
		name    string
		wantErr bool
	}{
		{expr.Trigger, "trigger", false},
		{expr.Gate, "gate", false},
		{expr.Kind(0), "kind(0)", true},
		{expr.Kind(3), "kind(3)", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.kind.String(); got != tc.name {
				t.Errorf("Kind(%d).String() = %q, want %q", int(tc.kind), got, tc.name)
			}
			env, err := expr.NewEnv(tc.kind)
			if tc.wantErr {
				if err == nil || env != nil {
					t.Errorf("NewEnv(%v) = %v, %v; want nil and an error", tc.kind, env, err)
				}
				return
			}
			if err != nil || env == nil {
				t.Fatalf("NewEnv(%v) = %v, %v", tc.kind, env, err)
			}
			if env.Kind() != tc.kind {
				t.Errorf("Kind() = %v, want %v", env.Kind(), tc.kind)
			}
		})
	}
}

func TestCompileValid(t *testing.T) {
	envs := map[expr.Kind]*expr.Env{expr.Trigger: newEnv(t, expr.Trigger), expr.Gate: newEnv(t, expr.Gate)}
	for kind, srcs := range map[expr.Kind][]string{expr.Trigger: validTriggers, expr.Gate: validGates} {
		for _, src := range srcs {
			t.Run(kind.String()+"/"+src, func(t *testing.T) {
				x, issues := envs[kind].Compile(src)
				if len(issues) > 0 {
					t.Fatalf("Compile(%q) issues: %+v", src, issues)
				}
				if x == nil {
					t.Fatalf("Compile(%q) = nil with no issue", src)
				}
				if x.Source != src {
					t.Errorf("Source = %q, want %q", x.Source, src)
				}
				if x.AST == nil || !x.AST.OutputType().IsExactType(types.BoolType) {
					t.Errorf("AST = %v, want a checked bool expression", x.AST)
				}
				if x.MaxCost == 0 || x.MaxCost > expr.CostLimit {
					t.Errorf("MaxCost = %d, want in (0, %d]", x.MaxCost, expr.CostLimit)
				}
			})
		}
	}
}

// anyCol marks an Issue whose Column is not checked.
const anyCol = -1

func TestCompileIssues(t *testing.T) {
	trigger, gate := newEnv(t, expr.Trigger), newEnv(t, expr.Gate)
	for _, tc := range []struct {
		name string
		env  *expr.Env
		src  string
		code string
		// line and col are checked when pos is set; col anyCol is not checked.
		pos       bool
		line, col int
		// msg is a substring of the first issue's message.
		msg string
	}{
		{name: "syntax", env: trigger, src: `incident.type ==`, code: "expression-syntax", pos: true, line: 1, col: 16, msg: "Syntax error"},
		{name: "syntax in gate", env: gate, src: `coverage("land" >= 1.0`, code: "expression-syntax", pos: true, line: 1, col: anyCol},
		{name: "syntax on line 2", env: gate, src: "signed(\"US\") &&\n  && done(\"x\")", code: "expression-syntax", pos: true, line: 2, col: anyCol},
		{name: "unclosed string", env: gate, src: `signed("US)`, code: "expression-syntax", pos: true, line: 1, col: anyCol},
		{name: "empty", env: trigger, src: ``, code: "expression-syntax"},
		{name: "undefined field", env: trigger, src: `incident.kind == "x"`, code: "expression-type", pos: true, line: 1, col: 8, msg: "undefined field 'kind'"},
		{name: "undefined field on line 2", env: trigger, src: "incident.type == \"x\" &&\n  incident.kind == \"y\"", code: "expression-type", pos: true, line: 2, col: 10, msg: "undefined field 'kind'"},
		{name: "gate function in trigger env", env: trigger, src: `coverage("land") > 1`, code: "expression-type", pos: true, line: 1, col: anyCol, msg: "coverage"},
		{name: "incident in gate env", env: gate, src: `incident.type == "x"`, code: "expression-type", pos: true, line: 1, col: 0, msg: "incident"},
		{name: "window in gate env", env: gate, src: `window("24h").size() > 1`, code: "expression-type", pos: true, line: 1, col: anyCol, msg: "window"},
		{name: "wrong argument type", env: gate, src: `coverage(1) >= 1.0`, code: "expression-type", pos: true, line: 1, col: anyCol},
		{name: "wrong window argument", env: trigger, src: `window(24).size() > 1`, code: "expression-type", pos: true, line: 1, col: anyCol},
		{name: "string vs number", env: trigger, src: `incident.type > 1`, code: "expression-type", pos: true, line: 1, col: anyCol},
		{name: "non-bool double", env: gate, src: `coverage("land")`, code: "expression-type", msg: "must evaluate to a bool"},
		{name: "non-bool int", env: gate, src: `signed_guarantors()`, code: "expression-type", msg: "must evaluate to a bool"},
		{name: "non-bool string", env: trigger, src: `incident.type`, code: "expression-type", msg: "must evaluate to a bool"},
		{name: "non-bool list", env: trigger, src: `window("24h")`, code: "expression-type", msg: "must evaluate to a bool"},
		{name: "nested windows", env: trigger, src: `window("24h").all(a, window("24h").all(b, a.id != b.id))`, code: "expression-cost", msg: "window()"},
		{name: "nested windows exists", env: trigger, src: `window("24h").exists(a, window("24h").exists(b, a.id == b.id))`, code: "expression-cost"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, issues := tc.env.Compile(tc.src)
			if x != nil {
				t.Fatalf("Compile(%q) = %+v, want nil", tc.src, x)
			}
			if len(issues) == 0 {
				t.Fatalf("Compile(%q): no issues", tc.src)
			}
			for _, is := range issues {
				if is.Code != tc.code {
					t.Errorf("issue %+v: Code = %q, want %q", is, is.Code, tc.code)
				}
				if is.Message == "" {
					t.Errorf("issue %+v has no message", is)
				}
			}
			first := issues[0]
			if tc.pos {
				if first.Line != tc.line || (tc.col != anyCol && first.Column != tc.col) {
					t.Errorf("issue at line %d column %d, want line %d column %d", first.Line, first.Column, tc.line, tc.col)
				}
				if first.Column < 0 {
					t.Errorf("issue column %d is negative", first.Column)
				}
			} else if tc.code != "expression-syntax" && (first.Line != 0 || first.Column != 0) {
				// Type and cost issues of the whole expression have no position.
				t.Errorf("whole-expression issue at line %d column %d, want 0, 0", first.Line, first.Column)
			}
			if !strings.Contains(first.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", first.Message, tc.msg)
			}
		})
	}
}

func TestMaxCost(t *testing.T) {
	env := newEnv(t, expr.Trigger)
	compile := func(src string) *expr.Expression {
		x, issues := env.Compile(src)
		if x == nil {
			t.Fatalf("Compile(%q): %+v", src, issues)
		}
		return x
	}
	plain, filter := compile(plainTrigger), compile(exampleShelling)
	if plain.MaxCost == 0 || filter.MaxCost > expr.CostLimit {
		t.Errorf("costs %d and %d, want within (0, %d]", plain.MaxCost, filter.MaxCost, expr.CostLimit)
	}
	if filter.MaxCost <= plain.MaxCost {
		t.Errorf("filter over window costs %d, not more than plain comparison %d", filter.MaxCost, plain.MaxCost)
	}
	// A loop over a window runs once per incident: at least MaxWindowIncidents.
	if filter.MaxCost < expr.MaxWindowIncidents {
		t.Errorf("filter over window costs %d, less than MaxWindowIncidents %d", filter.MaxCost, expr.MaxWindowIncidents)
	}
	if plain.MaxCost > 100 {
		t.Errorf("plain comparison costs %d, want a small constant", plain.MaxCost)
	}
}

func TestCalls(t *testing.T) {
	trigger, gate := newEnv(t, expr.Trigger), newEnv(t, expr.Gate)
	gateNames := []string{"coverage", "signed", "done"}
	const three = `coverage("land") >= 1.0 && signed("US") && done("guarantees-agreed")`
	const multi = "coverage(\"land\") >= 1.0 &&\n  signed(\"US\")"
	for _, tc := range []struct {
		name  string
		env   *expr.Env
		src   string
		names []string
		want  []expr.Call
	}{
		{"coverage offset 9", gate, `coverage("land") >= 1.0`, gateNames,
			[]expr.Call{{Function: "coverage", Arg: "land", Constant: true, Offset: 9}}},
		{"three gate calls in source order", gate, three, gateNames, []expr.Call{
			{Function: "coverage", Arg: "land", Constant: true, Offset: 9},
			{Function: "signed", Arg: "US", Constant: true, Offset: strings.Index(three, `"US"`)},
			{Function: "done", Arg: "guarantees-agreed", Constant: true, Offset: strings.Index(three, `"guarantees-agreed"`)},
		}},
		{"only the named function", gate, three, []string{"signed"},
			[]expr.Call{{Function: "signed", Arg: "US", Constant: true, Offset: strings.Index(three, `"US"`)}}},
		{"no names", gate, three, nil, nil},
		{"unused name", gate, three, []string{"covered"}, nil},
		{"no-argument functions are skipped", gate, `covered() && signed_guarantors() > 3`, []string{"covered", "signed_guarantors"}, nil},
		{"multi-line", gate, multi, gateNames, []expr.Call{
			{Function: "coverage", Arg: "land", Constant: true, Offset: 9},
			{Function: "signed", Arg: "US", Constant: true, Offset: strings.Index(multi, `"US"`)},
		}},
		{"same function twice", gate, `coverage("land") >= 1.0 && coverage("air-defense") >= 0.5`, []string{"coverage"}, []expr.Call{
			{Function: "coverage", Arg: "land", Constant: true, Offset: 9},
			{Function: "coverage", Arg: "air-defense", Constant: true, Offset: 36},
		}},
		{"character offset after non-ASCII", gate, `"é" == "é" && coverage("land") > 1.0`, gateNames,
			// 23 characters precede "land"; é takes two bytes, so its byte offset is 25.
			[]expr.Call{{Function: "coverage", Arg: "land", Constant: true, Offset: 23}}},
		{"parenthesised constant", gate, `signed(("US"))`, gateNames,
			[]expr.Call{{Function: "signed", Arg: "US", Constant: true, Offset: 8}}},
		{"computed gate argument", gate, `done("a" + "b")`, gateNames,
			[]expr.Call{{Function: "done", Constant: false, Offset: 5}}},
		{"window constant", trigger, exampleShelling, []string{"window"},
			[]expr.Call{{Function: "window", Arg: "24h", Constant: true, Offset: 7}}},
		{"window computed string", trigger, `window(incident.type).size() > 1`, []string{"window"},
			[]expr.Call{{Function: "window", Constant: false, Offset: 7}}},
		{"window duration is as constant as its literal", trigger, `window(duration("6h")).size() > 3`, []string{"window"},
			[]expr.Call{{Function: "window", Arg: "6h", Constant: true, Offset: 16}}},
		{"window of a computed duration", trigger, `window(duration(incident.type)).size() > 3`, []string{"window"},
			[]expr.Call{{Function: "window", Constant: false, Offset: 7}}},
		{"windows in a loop", trigger, `window("24h").map(a, window("1h").size()).size() > 0`, []string{"window"}, []expr.Call{
			{Function: "window", Arg: "24h", Constant: true, Offset: 7},
			{Function: "window", Arg: "1h", Constant: true, Offset: 28},
		}},
		{"nested calls in source order", trigger, `window(duration(incident.type)).size() > 3 && duration("1h") > duration("2h")`, []string{"window", "duration"}, []expr.Call{
			{Function: "window", Constant: false, Offset: 7},
			{Function: "duration", Constant: false, Offset: 16},
			{Function: "duration", Arg: "1h", Constant: true, Offset: 55},
			{Function: "duration", Arg: "2h", Constant: true, Offset: 72},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, issues := tc.env.Compile(tc.src)
			if x == nil {
				t.Fatalf("Compile(%q): %+v", tc.src, issues)
			}
			got := x.Calls(tc.names...)
			if len(got) != len(tc.want) {
				t.Fatalf("Calls(%v) = %+v, want %+v", tc.names, got, tc.want)
			}
			for i, w := range tc.want {
				g := got[i]
				if g != w {
					t.Errorf("Calls(%v)[%d] = %+v, want %+v", tc.names, i, got[i], w)
				}
			}
		})
	}
}
