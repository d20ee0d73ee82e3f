package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/record"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/backstop-dev/backstop/internal/sim"
)

const simulateUsage = `Usage: backstop simulate SCENARIO_PATH [FRAMEWORK_PATH...] [flags]

A seeded, replayable Monte Carlo of a renewed offensive against the
beneficiary: the attacker advances as its force ratio allows; the guarantors'
forces come from their latest declarations — in theatre from hour 0, the
others after their party decides (the framework's own response chain, with
political delay and the chance of not deciding at all), readiness and
transit; aircraft attrit the attacker. Reports the chance and timing of the
objective falling, the forces in place in time, what each pledge adds, and
the smallest extra force that holds 72 hours in 90 % of runs.

The same seed gives the same numbers, whatever the number of workers.
The model and every assumption are described in docs/simulate.md.

Flags:
  --runs N            runs (default: the scenario's)
  --seed S            seed (default: the scenario's)
  --workers K         goroutines (default: the number of CPUs)
  --no-analysis       skip the sensitivity to each pledge and the search for
                      the smallest extra force
  --record FILE       take each guarantor's chance of acting and its delay from
                      its record (backstop record --format json) where the
                      record holds 3 responses or more; the report says which
                      parties' behaviour came from it
  --format FORMAT     table (default), json or html
  --out FILE          write the report to FILE
  --color WHEN        auto, always or never

Examples:
  backstop simulate examples/ukraine-2025/scenario-a-layer1.yaml examples/ukraine-2025
  backstop simulate examples/baltics-2016/scenario-2016.yaml examples/baltics-2016/framework.yaml examples/baltics-2016/declarations-2016.yaml
  backstop simulate examples/ukraine-2025/scenario-c-air.yaml examples/ukraine-2025 --format html --out stress-test.html

` + exitCodesHelp + "\n"

func runSimulate(args []string, s Streams) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	var runs, workers int
	var seed int64
	var noAnalysis bool
	var format, out, color, recordFile string
	fs.IntVar(&runs, "runs", 0, "runs")
	fs.StringVar(&recordFile, "record", "", "record JSON")
	fs.Int64Var(&seed, "seed", 0, "seed")
	fs.IntVar(&workers, "workers", runtime.NumCPU(), "workers")
	fs.BoolVar(&noAnalysis, "no-analysis", false, "skip sensitivity")
	fs.StringVar(&format, "format", string(render.SimulateFormats.Default()), "format")
	fs.StringVar(&out, "out", "", "output file")
	fs.StringVar(&color, "color", "auto", "auto, always or never")
	paths, exit, ok := parseFlags(fs, args, simulateUsage, s)
	if !ok {
		return exit
	}
	usage := func(f string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop simulate: "+f+"\n", a...)
		return ExitUsage
	}
	f, ferr := render.SimulateFormats.Parse(format)
	switch {
	case len(paths) == 0:
		return usage("no scenario given\n\n%s", simulateUsage)
	case ferr != nil:
		return usage("%v", ferr)
	case runs < 0 || runs > load.MaxRuns || runsGiven(fs) && runs == 0:
		return usage("--runs must be between 1 and %d", load.MaxRuns)
	case workers < 1:
		return usage("--workers must be at least 1")
	}
	set, ds := load.Paths(paths, nil)
	if ds.HasErrors() {
		writeDiagnosticsText(s.Err, ds.Errors())
		fmt.Fprintf(s.Err, "backstop simulate: the documents %s; nothing simulated\n", problemWith(ds))
		return exitCode(ds)
	}
	id, err := scenarioOf(set, paths[0])
	if err != nil {
		return usage("%v", err)
	}
	plan, err := sim.Prepare(set, id)
	if err != nil {
		return usage("%v", err)
	}
	if recordFile != "" {
		measured, err := measuredPolitics(recordFile)
		if err != nil {
			return usage("--record %s: %v", recordFile, err)
		}
		for _, src := range plan.UseMeasured(measured) {
			if src.Source != "scenario" {
				fmt.Fprintf(s.notes(), "politics of %s from its %s: decides in %.0f %% of runs, %.2f× the deadline\n", src.Party, src.Source, 100*src.Decide, src.Delay)
			}
		}
	}
	bar := render.NewProgress(s.notes())
	res := sim.Simulate(plan, sim.Options{Runs: runs, Seed: seed, Workers: workers, Analysis: !noAnalysis, Progress: bar.Update})
	bar.Finish()

	view := func(w io.Writer, opts render.TableOptions) error { return render.Simulate(w, f, res, opts) }
	return writeView(s, "simulate", out, color, view, func() string { return res.Verdict })
}

// scenarioOf returns the id of the scenario in the first path given: the
// other paths bring its framework and declarations, and may hold other
// scenarios (a whole example folder).
func scenarioOf(set *load.Set, first string) (string, error) {
	var ids []string
	for _, d := range set.Docs {
		if d.Scenario == nil {
			continue
		}
		name := filepath.Clean(d.File.Name)
		if name == filepath.Clean(first) || strings.HasPrefix(name, filepath.Clean(first)+string(filepath.Separator)) {
			ids = append(ids, d.Scenario.ID)
		}
	}
	switch len(ids) {
	case 0:
		return "", fmt.Errorf("%s holds no Scenario document; give the scenario file first", first)
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%s holds several scenarios (%s); give one scenario file first", first, strings.Join(ids, ", "))
}

// measuredPolitics reads a party record (backstop record --format json)
// into what the simulation takes from it.
func measuredPolitics(path string) (map[string]sim.Measured, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.New(ioMessage(err))
	}
	defer f.Close()
	rec, err := record.ReadJSON(f)
	if err != nil {
		return nil, err
	}
	out := map[string]sim.Measured{}
	for _, p := range rec.Parties {
		if p.ActedShare == nil {
			continue
		}
		m := sim.Measured{Acted: *p.ActedShare, Samples: p.Samples}
		if p.MedianDelayRatio != nil {
			m.DelayRatio = *p.MedianDelayRatio
		}
		out[p.Party] = m
	}
	return out, nil
}

// runsGiven reports whether --runs was given: --runs 0 is a mistake, not
// a way to ask for the scenario's runs (leave the flag out for that).
func runsGiven(fs *flag.FlagSet) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "runs" })
	return given
}
