package sim

import (
	"reflect"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/load"
)

const testScenario = `backstop: v1
kind: Scenario
id: test
framework: ukraine-2025
start: 2026-03-01
trigger: territorial-incursion
attacker: {battalions: 60, quality: 1.0, air_defense: 0.6}
defender: {battalions: 30, quality: 0.9}
objective_km: 150
warning: 24h
horizon: 30d
runs: 4000
seed: 7
`

// plan loads the bundled framework with a scenario.
func plan(t testing.TB, scenario string) *Plan {
	t.Helper()
	l := &load.Loader{}
	l.AddPath("../../examples/ukraine-2025/framework.yaml")
	l.AddPath("../../examples/ukraine-2025/declarations")
	l.AddBytes("scenario.yaml", []byte(scenario))
	set, ds := l.Finish()
	if ds.HasErrors() {
		t.Fatalf("invalid documents: %v", ds)
	}
	p, err := Prepare(set, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDeterminism: same seed, any number of workers, same numbers.
func TestDeterminism(t *testing.T) {
	p := plan(t, testScenario)
	one := Simulate(p, Options{Workers: 1})
	two := Simulate(p, Options{Workers: 2})
	five := Simulate(p, Options{Workers: 5})
	if !reflect.DeepEqual(one, two) || !reflect.DeepEqual(one, five) {
		t.Errorf("results differ with the number of workers:\n1: %+v\n2: %+v", one, two)
	}
	other := Simulate(p, Options{Workers: 2, Seed: 8})
	if reflect.DeepEqual(one.Hours, other.Hours) && one.HoldP72 == other.HoldP72 {
		t.Error("another seed gave the very same numbers")
	}
}

// TestMoreForceHoldsLonger: the guarantors' forces and extra troops in
// theatre can only help.
func TestMoreForceHoldsLonger(t *testing.T) {
	alone := Simulate(plan(t, testScenario+"guarantors: []\n"), Options{Workers: 2})
	land := Simulate(plan(t, testScenario+"domains: [land]\nextra: {troops_in_theatre: 5700}\n"), Options{Workers: 2})
	all := Simulate(plan(t, testScenario+"extra: {troops_in_theatre: 5700}\n"), Options{Workers: 2})
	t.Logf("alone: %s", alone.Verdict)
	t.Logf("land: %s", land.Verdict)
	t.Logf("all: %s", all.Verdict)
	if !(alone.HoldP72 <= land.HoldP72 && land.HoldP72 <= all.HoldP72) {
		t.Errorf("P(hold 72 h): alone %.3f, +land %.3f, +all %.3f; want non-decreasing", alone.HoldP72, land.HoldP72, all.HoldP72)
	}
	if alone.Forces.Pledges != 0 || land.Forces.TroopsInTheatre < 15000 {
		t.Errorf("forces: alone %+v, land %+v", alone.Forces, land.Forces)
	}
}

// TestHubTransit: a pledge through a hub the scenario lists takes the
// hub's transit time instead of its posture's.
func TestHubTransit(t *testing.T) {
	base := plan(t, testScenario)
	hub := plan(t, testScenario+"model: {hubs: {Rzeszow: 6h}}\n")
	found := false
	for k, f := range base.Forces {
		if f.Pledge == "us-patriot" { // in-region, readiness 7d, hub Rzeszow
			found = true
			if base.Forces[k].Delay != 7*24+24 || hub.Forces[k].Delay != 7*24+6 {
				t.Errorf("us-patriot delay: %v h by posture, %v h through its hub; want 192 and 174", base.Forces[k].Delay, hub.Forces[k].Delay)
			}
		}
	}
	if !found {
		t.Fatal("us-patriot not among the forces")
	}
}

// TestWarningResponse: a coalition that acts on 48 h of warning decides
// earlier, and its forces from outside arrive before the attack gains.
func TestWarningResponse(t *testing.T) {
	// Every grave trigger: air is decided within 72 h, land within 7 d.
	base := strings.Replace(strings.Replace(testScenario, "warning: 24h", "warning: 48h", 1), "trigger: territorial-incursion\n", "", 1)
	ignored := Simulate(plan(t, base), Options{Workers: 2})
	acted := Simulate(plan(t, base+"model: {warning_response: 1}\n"), Options{Workers: 2})
	if !(acted.DecideLate < ignored.DecideLate) || acted.HoldP72 < ignored.HoldP72 {
		t.Errorf("acting on warning: decide late %.2f → %.2f, hold 72 h %.2f → %.2f; want earlier decisions and no worse hold",
			ignored.DecideLate, acted.DecideLate, ignored.HoldP72, acted.HoldP72)
	}
}
