package expr_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/common/types/ref"

	"github.com/backstop-dev/backstop/internal/expr"
)

// EvalContext stops a loop over window() when its context ends (issue
// 16: a trigger under the cost limit ran for seconds per evaluation), and
// otherwise agrees with Eval.
func TestEvalContextInterrupts(t *testing.T) {
	env := newEnv(t, expr.Trigger)
	var vals []ref.Val
	tr, err := env.NewTriggers(func(time.Duration) []ref.Val { return vals }, func(int) int64 { return 0 }, nil)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 1000)
	now := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range expr.MaxWindowIncidents {
		vals = append(vals, tr.Value(&expr.Incident{ID: "i", Time: now.Add(-time.Duration(i) * time.Second), Location: long}))
	}
	x, iss := env.Compile(`window("30d").exists(a, a.location.matches("q$"))`)
	if x == nil {
		t.Fatal(iss)
	}
	prg, err := tr.Program(x)
	if err != nil {
		t.Fatal(err)
	}
	act := &expr.Activation{Incident: &expr.Incident{Time: now}, Territory: &expr.Territory{}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := prg.EvalContext(ctx, act); !errors.Is(err, expr.ErrInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("an evaluation whose context ended: %v, want ErrInterrupted and context.Canceled", err)
	}
	vals = vals[:1000]
	want, err := prg.Eval(act)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := prg.EvalContext(context.Background(), act); err != nil || got != want {
		t.Errorf("EvalContext = %t, %v; Eval = %t", got, err, want)
	}
}
