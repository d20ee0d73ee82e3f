package monitor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/firms"
	"github.com/backstop-dev/backstop/internal/feeds/viina"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// shiftedReports reads real VIINA reports and FIRMS heat detections of
// July and August 2023, moved four years later (a leap day stays one) so
// that they fall after the example framework's ceasefire (2025-09-01) and
// its triggers are evaluated on them, in time order.
func shiftedReports(t *testing.T) []model.Incident {
	t.Helper()
	opts := feeds.Options{Oblasts: oblast.New()}
	from, until := time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 9, 1, 0, 0, 0, 0, time.UTC)
	var incs []model.Incident
	for _, p := range []string{"viina/viina_incidents_202307.csv.gz", "viina/viina_incidents_202308.csv.gz"} {
		src, err := feeds.Open(needData(t, p))
		if err != nil {
			t.Fatal(err)
		}
		res, ds := viina.Reader{}.Read(src, opts)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		incs = append(incs, res.Incidents...)
	}
	src, err := feeds.Open(needData(t, "firms/ukr_fire_data_2023.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res, ds := firms.Reader{}.Read(src, opts)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	for _, inc := range res.Incidents {
		if !inc.Time.Before(from) && inc.Time.Before(until) {
			incs = append(incs, inc)
		}
	}
	for i := range incs {
		incs[i].Time = model.Timestamp{Time: incs[i].Time.AddDate(4, 0, 0)}
	}
	slices.SortStableFunc(incs, func(a, b model.Incident) int { return a.Time.Compare(b.Time.Time) })
	return incs
}

// TestIncrementalMatchesExecute: an incremental run given real reports in
// daily batches, some of them late by up to five days, reports exactly
// what a full run over the same incidents in the same order reports (the
// report's JSON and every firing), at every check; an incident too late
// to add is refused, and a new run over everything matches again.
func TestIncrementalMatchesExecute(t *testing.T) {
	set := exampleWithTrigger(t, `  - id: corroborated
    title: A report a second source confirmed
    severity: serious
    when: incident.confidence >= 3
    respond: [consult-24h]
`)
	// examples/corroboration/viina-artillery.yaml, with VIINA's strikes
	// scored too: the example's missile-strike trigger fires on a VIINA
	// strike only when FIRMS corroborates it, so that a confidence
	// computed from too few neighbours would change the firings.
	rulesSet, ds := load.Bytes("rules.yaml", []byte(`backstop: v1
kind: Corroboration
id: viina-strikes
distance_km: 25
window: 6h
sources:
  - {source: viina, anchor: true, reliability: 1, types: [shelling, missile_strike, drone_strike]}
  - {source: firms, points: 2, precision: 24h}
levels:
  - {name: possible, points: 1}
  - {name: moderate, points: 2}
  - {name: high, points: 3}
`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	rules := rulesSet.Corroborations()[0]
	incs := shiftedReports(t)

	// Daily batches; a tenth of each day's reports arrive one to five days
	// late, in the batch of that later day.
	rng := rand.New(rand.NewPCG(2, 3))
	byDay := map[string][]model.Incident{}
	var days []string
	for _, inc := range incs {
		arrives := inc.Time.UTC()
		if rng.IntN(10) == 0 {
			arrives = arrives.AddDate(0, 0, 1+rng.IntN(5))
		}
		day := arrives.Format(time.DateOnly)
		if _, ok := byDay[day]; !ok {
			days = append(days, day)
		}
		byDay[day] = append(byDay[day], inc)
	}
	slices.Sort(days)

	var given []model.Incident
	var x *monitor.Incremental
	restart := func() {
		var err error
		if x, err = monitor.NewIncremental(monitor.Inputs{Set: set, Incidents: given, Rules: rules}, 0); err != nil {
			t.Fatal(err)
		}
	}
	restart()
	checks := 0
	for i, day := range days {
		batch := byDay[day]
		if i == len(days)/2 {
			// one report a month late: too late to add
			late := given[len(given)/3]
			late.ID += "-late-copy"
			if x.Add([]model.Incident{late}) {
				t.Fatalf("an incident of %s was added after %s", late.Time, day)
			}
			given = append(given, late)
			restart()
		}
		given = append(given, batch...)
		if !x.Add(batch) {
			t.Fatalf("the batch of %s (%d reports, at most five days late) was refused", day, len(batch))
		}
		if i%9 != 4 && i != len(days)-1 {
			continue
		}
		checks++
		got, gotFirings := incrementalReport(t, x)
		want, wantFirings := fullReport(t, set, rules, given)
		if !bytes.Equal(got, want) {
			t.Fatalf("after %s (%d incidents): the incremental report differs from a full run:\n%s", day, len(given), firstDifference(got, want))
		}
		if !slices.Equal(gotFirings, wantFirings) {
			t.Fatalf("after %s: %d firings incrementally, %d in a full run", day, len(gotFirings), len(wantFirings))
		}
		if x.Incidents() >= len(given)/2 && i > len(days)/2+9 {
			t.Errorf("after %s the run holds %d of %d incidents unsettled", day, x.Incidents(), len(given))
		}
	}
	t.Logf("%d incidents in %d daily batches, %d checks; %d unsettled at the end", len(given), len(days), checks, x.Incidents())
	if checks < 6 {
		t.Fatalf("only %d checks", checks)
	}
}

// exampleWithTrigger loads examples/ukraine-2025 with one more trigger,
// given as YAML list items.
func exampleWithTrigger(t *testing.T, trigger string) *load.Set {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../examples/ukraine-2025")); err != nil {
		t.Fatal(err)
	}
	fw := filepath.Join(dir, "framework.yaml")
	text, err := os.ReadFile(fw)
	if err != nil {
		t.Fatal(err)
	}
	text = bytes.Replace(text, []byte("\ntriggers:\n"), []byte("\ntriggers:\n"+trigger), 1)
	if err := os.WriteFile(fw, text, 0o600); err != nil {
		t.Fatal(err)
	}
	set, ds := load.Paths([]string{dir}, nil)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if set.Frameworks()[0].Triggers[0].ID != "corroborated" {
		t.Fatal("the trigger was not added")
	}
	return set
}

func incrementalReport(t *testing.T, x *monitor.Incremental) ([]byte, []monitor.Firing) {
	t.Helper()
	var firings []monitor.Firing
	out, fs, err := x.Report(context.Background())
	fs.Each(func(f monitor.Firing) { firings = append(firings, f) })
	if err != nil {
		t.Fatal(err)
	}
	return reportJSON(t, out.Report), firings
}

func fullReport(t *testing.T, set *load.Set, rules *model.Corroboration, incs []model.Incident) ([]byte, []monitor.Firing) {
	t.Helper()
	var firings []monitor.Firing
	in := monitor.Inputs{Set: set, Incidents: slices.Clone(incs), Rules: rules,
		Options: monitor.Options{OnFiring: func(f monitor.Firing) { firings = append(firings, f) }}}
	out, err := monitor.Execute(in)
	if err != nil {
		t.Fatal(err)
	}
	scored := 0
	for _, inc := range in.Incidents {
		if inc.Confidence != nil && inc.Confidence.Level > 0 {
			scored++
		}
	}
	t.Logf("full run: %d incidents evaluated, %d firings, %d breaches, %d corroborated", out.Report.Incidents, len(firings), len(out.Report.Episodes), scored)
	if out.Report.Incidents == 0 || len(firings) == 0 {
		t.Fatalf("a full run evaluated %d incidents with %d firings: nothing to compare", out.Report.Incidents, len(firings))
	}
	return reportJSON(t, out.Report), firings
}

func reportJSON(t *testing.T, r *monitor.Report) []byte {
	t.Helper()
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func firstDifference(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return fmt.Sprintf("line %d: got %s\nwant %s", i+1, la[i], lb[i])
		}
	}
	return "lengths differ"
}
