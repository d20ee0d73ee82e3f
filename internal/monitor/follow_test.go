package monitor

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// Follow over a stream gives the breaches a batch run gives over the
// same incidents, each seen as it starts.
func TestFollowMatchesExecute(t *testing.T) {
	incs := []model.Incident{
		incident("a", "2025-09-14T03:10:00Z", "missile_strike"),
		incident("b", "2025-09-14T04:00:00Z", "drone_strike"),
		incident("c", "2025-09-20T01:00:00Z", "drone_strike"),
	}
	var jsonl bytes.Buffer
	if err := incidents.WriteJSONL(&jsonl, incs); err != nil {
		t.Fatal(err)
	}
	batch, err := Execute(Inputs{Set: testSet(t), Incidents: incs})
	if err != nil {
		t.Fatal(err)
	}
	var started []string
	in := Inputs{Set: testSet(t), Options: Options{OnEpisode: func(e Episode) { started = append(started, e.Trigger) }}}
	prepared := false
	opts := feeds.Options{Oblasts: oblast.New()}
	r, err := Follow(in, Stream{Stdin: &jsonl, Options: opts, Report: func(ds diag.Diagnostics) {
		if len(ds) > 0 {
			t.Errorf("diagnostics: %v", ds)
		}
	}}, func(*Outcome) { prepared = true })
	if err != nil || !prepared {
		t.Fatalf("Follow: %v, prepared %v", err, prepared)
	}
	if len(r.Episodes) == 0 || len(r.Episodes) != len(batch.Report.Episodes) || len(started) != len(r.Episodes) {
		t.Errorf("follow: %d breaches, %d seen starting; batch: %d", len(r.Episodes), len(started), len(batch.Report.Episodes))
	}
}

func TestFollowInputErrors(t *testing.T) {
	_, err := Follow(Inputs{Set: testSet(t)}, Stream{}, nil)
	if !errors.Is(err, incidents.ErrNoInput) {
		t.Errorf("no standard input: %v, want ErrNoInput", err)
	}
	var ie *InputError
	_, err = Follow(Inputs{Set: testSet(t)}, Stream{Path: filepath.Join(t.TempDir(), "missing.jsonl")}, nil)
	if !errors.As(err, &ie) {
		t.Errorf("a missing file: %v, want an *InputError", err)
	}
}
