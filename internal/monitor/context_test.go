package monitor

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// A run whose Options.Context ends stops within contextCheckEvents events,
// with an error wrapping ErrStopped and the context's cause (issue 16: a
// monitoring ran on for 90 s after its request's 503).
func TestContextStopsRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m, err := New(testSet(t), "fw", Options{Context: ctx, OnFiring: func(Firing) { cancel() }})
	if err != nil {
		t.Fatal(err)
	}
	start := at("2025-09-14T00:00:00Z")
	added := 0
	for i := range 10 * contextCheckEvents {
		typ := "protest"
		if i == 10 {
			typ = "missile_strike" // fires: the run's context ends
		}
		inc := model.Incident{ID: fmt.Sprint(i), Time: model.Timestamp{Time: start.Add(time.Duration(i) * time.Minute)}, Type: typ, Country: "UA"}
		if err = m.Add(Event{Incident: &inc}); err != nil {
			break
		}
		added++
	}
	if !errors.Is(err, ErrStopped) || !errors.Is(err, context.Canceled) {
		t.Fatalf("after %d events: %v, want ErrStopped and context.Canceled", added, err)
	}
	if added > 10+contextCheckEvents {
		t.Errorf("%d events taken after the context ended, want at most %d", added-11, contextCheckEvents)
	}
	// Execute says so before the triggers when the context has ended.
	_, err = Execute(Inputs{Set: testSet(t), Framework: "fw", Options: Options{Context: ctx}})
	if !errors.Is(err, ErrStopped) {
		t.Errorf("Execute with an ended context: %v", err)
	}
	// Without a context nothing changes.
	if _, err := Run(testSet(t), "fw", []model.Incident{incident("a", "2025-09-14T03:10:00Z", "missile_strike")}, nil, Options{}); err != nil {
		t.Error(err)
	}
}
