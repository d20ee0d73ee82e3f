package expr

import "testing"

// TestGateAccepts: accepts(party, option) answers from the assessment's
// declarations, and a gate built from it type-checks and evaluates.
func TestGateAccepts(t *testing.T) {
	env, err := NewEnv(Gate)
	if err != nil {
		t.Fatal(err)
	}
	accepted := map[[2]string]bool{{"UA", "freeze"}: true, {"RU", "donbas"}: true}
	gates, err := env.NewGates(GateFuncs{Accepts: func(p, o string) bool { return accepted[[2]string{p, o}] }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{`accepts("UA", "freeze")`, true},
		{`accepts("UA", "freeze") && accepts("RU", "freeze")`, false},
		{`accepts("RU", "donbas") || accepts("RU", "freeze")`, true},
	} {
		x, issues := env.Compile(tt.src)
		if len(issues) > 0 {
			t.Fatalf("%s: %v", tt.src, issues)
		}
		got, err := gates.Eval(x)
		if err != nil || got != tt.want {
			t.Errorf("%s = %v, %v; want %v", tt.src, got, err, tt.want)
		}
	}
	if _, issues := env.Compile(`accepts("UA")`); len(issues) == 0 {
		t.Error(`accepts("UA") type-checked; it takes a party and an option`)
	}
}
