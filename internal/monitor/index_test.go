package monitor

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/expr"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/acled"
	"github.com/backstop-dev/backstop/internal/feeds/viina"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// indexTriggers are the shapes of the fuzzed framework: guarded and not,
// with counted, summed (double and int) and general windows, a map
// lookup left to CEL, a territory term, and a guard of more types than
// the index scans (so its map is used).
var indexTriggers = []string{
	`incident.type == "shelling" && incident.fatalities >= 2`,
	`incident.type in ["missile_strike", "drone_strike"] && incident.country == "UA"`,
	`territory.gained_km2 >= 1.0 || (incident.type == "ground_assault" && incident.beyond_line)`,
	`"k" in incident.fields && incident.fields["k"] == "v" && incident.type == "battle"`,
	`window("24h").filter(i, i.type == "shelling").size() >= 3 && incident.type == "shelling"`,
	`window("12h").filter(i, i.type == "drone_strike").map(i, i.number("launched")).sum() >= 10.0`,
	`incident.type == "battle" && window("24h").map(i, i.fatalities).sum() >= 5`,
	`window("6h").filter(i, i.type == "shelling" && incident.country == "UA").size() >= 2 && incident.type == "protest"`,
	`incident.confidence >= 2 && incident.lat > 49.5`,
	`incident.type in ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"] && incident.fatalities > 3`,
	`incident.type == "t9" || incident.type == "t0" && incident.lat > 48.0`,
}

var indexTypes = []string{"shelling", "missile_strike", "drone_strike", "ground_assault", "battle", "protest",
	"t0", "t3", "t8", "t9", "riot", ""}

// indexSet is a framework of indexTriggers.
func indexSet(t testing.TB) *load.Set {
	t.Helper()
	return triggerSet(t, indexTriggers)
}

// triggerSet is a framework "ix" of the triggers whens.
func triggerSet(t testing.TB, whens []string) *load.Set {
	t.Helper()
	var b strings.Builder
	b.WriteString("backstop: v1\nkind: Framework\nid: ix\nbeneficiary: UA\nparties:\n  UA: {name: Ukraine, role: beneficiary}\ntriggers:\n")
	for i, when := range whens {
		fmt.Fprintf(&b, "  - id: t%02d\n    when: '%s'\n    respond: [consult]\n", i, when)
	}
	b.WriteString("responses:\n  - {id: consult, mode: consultation, within: 24h}\n")
	set, ds := load.Bytes("ix.yaml", []byte(b.String()))
	if ds.HasErrors() {
		t.Fatalf("invalid test framework: %v\n%s", ds, b.String())
	}
	return set
}

// fuzzEvents draws n incidents of indexTypes, minutes apart, with fields
// and coordinates near the triggers' constants, and a territory state now
// and then.
func fuzzEvents(seed uint64, n int) ([]model.Incident, []Territory) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e37))
	clock := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	incs := make([]model.Incident, n)
	var ters []Territory
	for i := range incs {
		clock = clock.Add(time.Duration(rng.IntN(30)) * time.Minute) // some at the same instant
		lat, lon := 47+rng.Float64()*4, 35+rng.Float64()*3
		inc := model.Incident{ID: fmt.Sprint(i), Time: model.Timestamp{Time: clock}, Type: indexTypes[rng.IntN(len(indexTypes))],
			Country: []string{"UA", "RU"}[rng.IntN(2)], Fatalities: rng.IntN(5), Source: []string{"viina", "acled", ""}[rng.IntN(3)]}
		if rng.IntN(4) > 0 {
			inc.Lat, inc.Lon = &lat, &lon
		}
		switch rng.IntN(4) {
		case 0:
			inc.Fields = map[string]string{"k": []string{"v", "w"}[rng.IntN(2)], "launched": fmt.Sprint(rng.IntN(6))}
		case 1:
			inc.Fields = map[string]string{"launched": fmt.Sprint(rng.IntN(6))}
		}
		if rng.IntN(2) == 0 {
			inc.Confidence = &model.Confidence{Level: rng.IntN(4), Name: "x", Points: rng.Float64() * 3, Sources: []string{"acled"}}
		}
		incs[i] = inc
		if rng.IntN(50) == 0 {
			ters = append(ters, Territory{Snapshot: clock.Format(time.DateOnly), AsOf: clock, GainedKm2: rng.Float64() * 2})
		}
	}
	return incs, ters
}

// outcome is all a run shows: its report, every firing and every
// breach in the order the callbacks saw them, or its error.
type outcome struct {
	report   *Report
	firings  []Firing
	episodes []string
	err      string
}

// runBoth runs the same inputs with and without the index.
func runBoth(t *testing.T, set *load.Set, id string, incs []model.Incident, ters []Territory, opts Options) (indexed, plain outcome) {
	t.Helper()
	run := func(guards bool) outcome {
		var o outcome
		opts := opts
		opts.OnFiring = func(f Firing) { o.firings = append(o.firings, f) }
		opts.OnEpisode = func(e Episode) { o.episodes = append(o.episodes, e.ID) }
		m, err := New(set, id, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !guards {
			m.plan(false)
		}
		if o.report, err = m.run(slices.Clone(incs), ters); err != nil {
			o.err = err.Error()
		}
		return o
	}
	return run(true), run(false)
}

func sameOutcome(t *testing.T, indexed, plain outcome) {
	t.Helper()
	if indexed.err != plain.err {
		t.Fatalf("error with the index %q, without %q", indexed.err, plain.err)
	}
	if !slices.Equal(indexed.firings, plain.firings) {
		t.Fatalf("%d firings with the index, %d without", len(indexed.firings), len(plain.firings))
	}
	if !slices.Equal(indexed.episodes, plain.episodes) {
		t.Fatalf("breaches started with the index %v, without %v", indexed.episodes, plain.episodes)
	}
	if !reflect.DeepEqual(indexed.report, plain.report) {
		t.Fatalf("reports differ:\nwith the index %+v\nwithout %+v", indexed.report, plain.report)
	}
}

// TestIndexChangesNothing: the monitor's report, its firings (in order)
// and its breaches are the same with and without the index of triggers
// by type, on the examples, on real data and on fuzzed incidents.
func TestIndexChangesNothing(t *testing.T) {
	beyond := func(lat, lon float64) bool { return lat > 49 }
	ceasefire := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	example := exampleSet(t)
	fuzzed, ters := fuzzEvents(1, 20_000)
	synthetic := benchIncidents(20_000)
	for i := range synthetic {
		synthetic[i].Fields = map[string]string{"launched": fmt.Sprint(i % 40)}
	}
	tests := []struct {
		name      string
		set       *load.Set
		framework string
		incidents func(t *testing.T) []model.Incident
		territory []Territory
		opts      Options
		firings   bool // some trigger must fire
	}{
		{"example, bench mix", example, "ukraine-2025", func(*testing.T) []model.Incident { return synthetic }, ters,
			Options{BeyondLine: beyond}, true},
		{"example, fuzzed", example, "ukraine-2025", func(*testing.T) []model.Incident { return fuzzed }, ters,
			Options{BeyondLine: beyond, InForce: Period{From: ceasefire}}, true},
		{"baltics, fuzzed", examplePath(t, "baltics-2016"), "",
			func(*testing.T) []model.Incident { return fuzzed }, ters, Options{}, false},
		{"fuzzed framework", indexSet(t), "ix", func(*testing.T) []model.Incident { return fuzzed }, ters,
			Options{BeyondLine: beyond, InForce: Period{From: ceasefire}}, true},
		{"VIINA 2025-07 and 08", example, "ukraine-2025", viinaMonths("202507", "202508"), nil, Options{BeyondLine: beyond}, true},
		{"VIINA 2025-07, fuzzed framework", indexSet(t), "ix", viinaMonths("202507"), nil, Options{BeyondLine: beyond}, true},
		{"ACLED", example, "ukraine-2025", acledFile, nil, Options{BeyondLine: beyond}, true},
		{"ACLED, fuzzed framework", indexSet(t), "ix", acledFile, nil, Options{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			incs := tt.incidents(t)
			indexed, plain := runBoth(t, tt.set, tt.framework, incs, tt.territory, tt.opts)
			sameOutcome(t, indexed, plain)
			if indexed.err != "" {
				t.Fatal(indexed.err)
			}
			if tt.firings && len(indexed.firings) == 0 {
				t.Error("no trigger fired: the comparison proves little")
			}
			t.Logf("%d incidents, %d evaluations, %d firings", indexed.report.Incidents, indexed.report.Evaluations, len(indexed.firings))
		})
	}
}

func viinaMonths(months ...string) func(t *testing.T) []model.Incident {
	return func(t *testing.T) []model.Incident {
		var out []model.Incident
		for _, mo := range months {
			src, err := feeds.Open(indexData(t, "viina/viina_incidents_"+mo+".csv.gz"))
			if err != nil {
				t.Fatal(err)
			}
			res, _ := viina.Reader{}.Read(src, feeds.Options{Oblasts: oblast.New()})
			out = append(out, res.Incidents...)
		}
		return out
	}
}

func acledFile(t *testing.T) []model.Incident {
	src, err := feeds.Open(indexData(t, "acled-ukraine-sample/ACLED-Ukraine.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res, _ := acled.Reader{}.Read(src, feeds.Options{Oblasts: oblast.New()})
	return res.Incidents
}

func examplePath(t *testing.T, name string) *load.Set {
	t.Helper()
	set, ds := load.Paths([]string{"../../examples/" + name}, nil)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return set
}

// indexData is a path under the shared data, skipping the test without it.
func indexData(t *testing.T, path string) string {
	t.Helper()
	p := filepath.Join("../../../shared/data", path)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not found (../shared sits beside the repository in CI): %v", p, err)
	}
	return p
}

// TestIndexPlan: the index gives each type the triggers whose guards
// admit it, in the triggers' order, and the unguarded ones to any other.
func TestIndexPlan(t *testing.T) {
	m, err := New(indexSet(t), "ix", Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		typ  string
		want []int
	}{
		{"shelling", []int{0, 4, 5, 8}},
		{"missile_strike", []int{1, 5, 8}},
		{"drone_strike", []int{1, 5, 8}},
		{"ground_assault", []int{2, 5, 8}},
		{"battle", []int{3, 5, 6, 8}},
		{"protest", []int{5, 7, 8}},
		{"t0", []int{5, 8, 9, 10}},
		{"t9", []int{5, 8, 10}},
		{"t4", []int{5, 8, 9}},
		{"riot", []int{5, 8}},
		{"", []int{5, 8}},
	}
	if m.index.byType == nil {
		t.Errorf("%d guarded types are scanned, not looked up", len(m.index.types))
	}
	for _, tt := range tests {
		if got, _ := m.index.find(tt.typ); !slices.Equal(got, tt.want) {
			t.Errorf("%q: triggers %v, want %v", tt.typ, got, tt.want)
		}
	}
	if !m.feed {
		t.Error("the framework counts and sums windows, yet its incidents are not fed")
	}
	// the example: no trigger reads a general window, two count or sum
	ex, err := New(exampleSet(t), "ukraine-2025", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ex.index.find("protest"); len(got) != 1 || ex.triggers[got[0]].t.ID != "sustained-shelling" {
		t.Errorf("a protest meets %v, want the shelling count alone", got)
	}
}

// FuzzIndex compares the monitor with and without the index on a fuzzed
// stream of the fuzzed framework's incidents.
func FuzzIndex(f *testing.F) {
	f.Add(uint64(1), uint16(500))
	f.Add(uint64(7), uint16(3000))
	set := indexSet(f)
	f.Fuzz(func(t *testing.T, seed uint64, n uint16) {
		incs, ters := fuzzEvents(seed, int(n))
		indexed, plain := runBoth(t, set, "ix", incs, ters, Options{BeyondLine: func(lat, lon float64) bool { return lat > 49 }})
		sameOutcome(t, indexed, plain)
	})
}

// TestPlaceChangesNothing: a monitor whose triggers read no incident's
// place leaves the trigger views' Lat, Lon and BeyondLine unfilled (see
// expr.Uses.Place), and its outcome is that of one that fills them.
func TestPlaceChangesNothing(t *testing.T) {
	var whens []string
	for _, when := range indexTriggers {
		if !strings.Contains(when, ".lat") && !strings.Contains(when, ".beyond_line") {
			whens = append(whens, when)
		}
	}
	set := triggerSet(t, whens)
	beyond := func(lat, lon float64) bool { return lat > 49 }
	run := func(incs []model.Incident, ters []Territory, place bool) outcome {
		var o outcome
		opts := Options{BeyondLine: beyond}
		opts.OnFiring = func(f Firing) { o.firings = append(o.firings, f) }
		opts.OnEpisode = func(e Episode) { o.episodes = append(o.episodes, e.ID) }
		m, err := New(set, "ix", opts)
		if err != nil {
			t.Fatal(err)
		}
		if m.place {
			t.Fatal("the triggers read no place, yet the monitor fills it")
		}
		m.place = place
		if o.report, err = m.run(slices.Clone(incs), ters); err != nil {
			o.err = err.Error()
		}
		return o
	}
	for seed := range uint64(20) {
		incs, ters := fuzzEvents(seed, 2000)
		sameOutcome(t, run(incs, ters, false), run(incs, ters, true))
	}
}

// TestFillExprOverwrites: filling the trigger view of an incident over
// that of another leaves nothing of the first (fillExpr assigns field by
// field, so a field it forgot would leak from one incident to the next).
func TestFillExprOverwrites(t *testing.T) {
	lat, lon := 50.5, 36.0
	full := model.Incident{ID: "a", Time: model.Timestamp{Time: time.Unix(1e9, 0)}, Type: "shelling", Subtype: "s",
		Actor: "x", Country: "UA", Admin1: "Kharkiv", Location: "l", Lat: &lat, Lon: &lon, Fatalities: 3, Source: "viina",
		Fields: map[string]string{"k": "v"}, Confidence: &model.Confidence{Level: 2, Name: "moderate", Points: 1.5}}
	beyond := func(lat, lon float64) bool { return true }
	columns := full
	columns.Fields, columns.Columns = nil, model.Columns{Names: []string{"k"}, Values: []string{"v"}}
	tests := []struct {
		name        string
		first, then model.Incident
	}{
		{"full then empty", full, model.Incident{}},
		{"empty then full", model.Incident{}, full},
		{"full then full", full, full},
		{"columns then empty", columns, model.Incident{}},
		{"columns then full", columns, full},
		{"full then columns", full, columns},
	}
	for _, fields := range []bool{true, false} {
		for _, place := range []bool{true, false} {
			for _, tt := range tests {
				var x expr.Incident
				fillExpr(&x, &tt.first, beyond, fields, place)
				fillExpr(&x, &tt.then, beyond, fields, place)
				var want expr.Incident
				fillExpr(&want, &tt.then, beyond, fields, place)
				if !reflect.DeepEqual(x, want) {
					t.Errorf("%s (fields %v, place %v): %+v, want %+v", tt.name, fields, place, x, want)
				}
			}
		}
	}
	// every field of the view is written: a full incident sets them all
	var x expr.Incident
	fillExpr(&x, &full, beyond, true, true)
	v := reflect.ValueOf(x)
	for i := range v.NumField() {
		if v.Type().Field(i).IsExported() && v.Field(i).IsZero() { // the columns are set only without Fields
			t.Errorf("expr.Incident.%s is not filled from a full incident", v.Type().Field(i).Name)
		}
	}
}
