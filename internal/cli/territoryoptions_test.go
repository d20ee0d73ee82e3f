package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/golden"
)

const (
	terrDir         = "../shared/data/deepstate"
	terrSettlements = "../shared/data/ua-settlements/settlements.csv"
	terrPlants      = "../shared/data/power-plants/global_power_plant_database_ukraine.csv"
)

// TestTerritoryOptions measures the example options on the shipped
// snapshots against the map of 2026-08-22 (table and JSON).
func TestTerritoryOptions(t *testing.T) {
	goldenDir, _ := territoryAtRoot(t)
	datatest.Need(t, terrDir, terrSettlements, terrPlants)
	base := []string{"options", "examples/ukraine-2025/options", "examples/ukraine-2025/framework.yaml",
		"--territory", terrDir, "--oblasts", terrOblasts, "--settlements", terrSettlements,
		"--power-plants", terrPlants, "--date", "2026-08-22"}
	for _, c := range []struct{ name, format string }{{"territory-options", "table"}, {"territory-options-json", "json"}} {
		t.Run(c.format, func(t *testing.T) {
			exit, out, errOut := runTerritoryT(append(base, "--format", c.format)...)
			if exit != ExitOK {
				t.Fatalf("exit %d: %s", exit, errOut)
			}
			golden.Compare(t, filepath.Join(goldenDir, c.name+".golden"), out)
		})
	}
}

func TestTerritoryOptionsUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"options"}, "no documents given"},
		{[]string{"options", "x.yaml"}, "--territory, --oblasts and --settlements are required"},
		{[]string{"options", "x.yaml", "--territory", "d", "--oblasts", "o", "--settlements", "s", "--format", "csv"}, `unknown format "csv"`},
		{[]string{"options", "x.yaml", "--territory", "d", "--oblasts", "o", "--settlements", "s", "--date", "2025-13-01"}, "--date"},
	} {
		exit, _, errOut := runTerritoryT(c.args...)
		if exit != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, exit, errOut, c.want)
		}
	}
}

// TestTerritoryOptionsPages checks the Markdown and HTML views of one
// option: the sections, and a map for each option in the page.
func TestTerritoryOptionsPages(t *testing.T) {
	territoryAtRoot(t)
	datatest.Need(t, terrDir, terrSettlements)
	base := []string{"options", "examples/ukraine-2025/options/freeze-2025-09-01.yaml", "examples/ukraine-2025/framework.yaml",
		"--territory", terrDir, "--oblasts", terrOblasts, "--settlements", terrSettlements, "--date", "2026-08-22"}
	for _, c := range []struct {
		format string
		want   []string
	}{
		{"markdown", []string{"# Territorial options", "## Freeze at the contact line of 2025-09-01 (freeze-2025-09-01)", "| Pokrovsk (68,263)"}},
		{"html", []string{"<svg", `fill="#b2182b"`, "to Ukraine</text>", "Pokrovsk (68,263)"}},
	} {
		exit, out, errOut := runTerritoryT(append(base, "--format", c.format)...)
		if exit != ExitOK {
			t.Fatalf("%s: exit %d: %s", c.format, exit, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in the output", c.format, w)
			}
		}
	}
}
