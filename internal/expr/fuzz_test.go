package expr_test

import (
	"testing"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/expr"
)

func FuzzCompile(f *testing.F) {
	for _, src := range validTriggers {
		f.Add(src)
	}
	for _, src := range validGates {
		f.Add(src)
	}
	for _, src := range []string{
		`incident.location.lowerAscii().contains("kyiv")`,
		`incident.type ==`,
		`incident.kind == "x"`,
		`coverage("land") > 1`,
		`incident.type == "x"`,
		`coverage("land")`,
		`window("24h").all(a, window("24h").all(b, a.id != b.id))`,
		`done("a" + "b")`,
		`signed(("US"))`,
		`"é" == "é" && coverage("land") > 1.0`,
		"",
	} {
		f.Add(src)
	}
	envs := []*expr.Env{newEnv(f, expr.Trigger), newEnv(f, expr.Gate)}
	codes := map[string]bool{"expression-syntax": true, "expression-type": true, "expression-cost": true}
	f.Fuzz(func(t *testing.T, src string) {
		for _, env := range envs {
			x, issues := env.Compile(src)
			if x != nil {
				if len(issues) != 0 {
					t.Fatalf("%v Compile(%q) returned an expression and issues %+v", env.Kind(), src, issues)
				}
				if x.AST == nil {
					t.Fatalf("%v Compile(%q): nil AST", env.Kind(), src)
				}
				if x.MaxCost > expr.CostLimit {
					t.Fatalf("%v Compile(%q): MaxCost %d over CostLimit", env.Kind(), src, x.MaxCost)
				}
				if x.Source != src {
					t.Fatalf("%v Compile(%q): Source = %q", env.Kind(), src, x.Source)
				}
				n := utf8.RuneCountInString(src)
				for _, c := range x.Calls("window", "coverage", "signed", "done") {
					if c.Offset < 0 || c.Offset > n {
						t.Errorf("%v Compile(%q): call %+v offset outside the source", env.Kind(), src, c)
					}
				}
				continue
			}
			if len(issues) == 0 {
				t.Fatalf("%v Compile(%q) = nil with no issue", env.Kind(), src)
			}
			for _, is := range issues {
				if is.Code == "" || !codes[is.Code] {
					t.Errorf("%v Compile(%q): issue %+v has no known Code", env.Kind(), src, is)
				}
			}
		}
	})
}
