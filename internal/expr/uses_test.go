package expr_test

import (
	"testing"
	"time"

	"cel.dev/cel-go/common/types/ref"

	"github.com/backstop-dev/backstop/internal/expr"
)

// TestUsesFields: a program reads the fields map when it selects
// `fields` on any incident (the monitor then fills Incident.Fields), and
// only then: number() also reads the columns of SetColumns.
func TestUsesFields(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{`incident.type == "shelling"`, false},
		{`incident.fatalities >= 3 && incident.country == "UA"`, false},
		{`window("24h").filter(i, i.type == "shelling").size() >= 5`, false},
		{`incident.fields["weapon"] == "Kh-101"`, true},
		{`"launched" in incident.fields`, true},
		{`has(incident.fields.launched)`, true},
		{`incident.number("launched") >= 100.0`, false},
		{`window("6h").map(i, i.number("launched")).sum() >= 100.0`, false},
		{`window("6h").exists(i, i.fields.type == "x")`, true},
		{`window("6h").filter(i, "labels" in i.fields).size() > 2`, true},
	}
	env := newEnv(t, expr.Trigger)
	tr, err := env.NewTriggers(func(time.Duration) []ref.Val { return nil }, func(int) int64 { return 0 }, func(int) float64 { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		x, issues := env.Compile(tt.src)
		if x == nil {
			t.Fatalf("Compile(%q): %v", tt.src, issues)
		}
		p, err := tr.Program(x)
		if err != nil {
			t.Fatalf("Program(%q): %v", tt.src, err)
		}
		if p.Uses.Fields != tt.want {
			t.Errorf("%s: Uses.Fields %v, want %v", tt.src, p.Uses.Fields, tt.want)
		}
	}
}
