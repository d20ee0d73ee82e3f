package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/territory"
)

// TestMonitorCLIAndServerAgree runs the README's monitor command and asks
// a server for the same monitoring: the bundled example seeded, the same
// daily missile reports submitted by the monitor (as `backstop import
// incidents` writes them), the same DeepState snapshots. Both faces call
// monitor.Execute, so they must give the same breaches, to the firing.
func TestMonitorCLIAndServerAgree(t *testing.T) {
	const missileFile = "../../../shared/data/missile-attacks/missile_attacks_daily.csv"
	const deepstate = "../../../shared/data/deepstate"
	datatest.Need(t, missileFile, deepstate)

	exit, stdout, stderr := runCLI("monitor", "../../examples/ukraine-2025", "--incidents", missileFile, "--territory", deepstate, "--format", "json")
	if exit != ExitOK {
		t.Fatalf("monitor: exit %d: %s", exit, stderr)
	}
	var cli struct {
		Episodes []any `json:"episodes"`
		Period   any   `json:"period"`
		Before   int   `json:"incidents_before"`
	}
	if err := json.Unmarshal([]byte(stdout), &cli); err != nil {
		t.Fatal(err)
	}

	imported := filepath.Join(t.TempDir(), "incidents.yaml")
	if exit, _, stderr := runCLI("import", "incidents", missileFile, "--out", imported); exit != ExitOK {
		t.Fatalf("import incidents: exit %d: %s", exit, stderr)
	}
	snaps, ds := territory.LoadDir(deepstate)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	ctx := context.Background()
	rig := newLogRigWith(t, server.Config{Territory: snaps})
	c, err := client.New(rig.url(), nil)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(imported)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range load.SplitDocuments(text) {
		signed, err := signing.Sign(doc, demoKey(t, "MON").Signer)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Submit(ctx, exampleFramework, signed); err != nil {
			t.Fatalf("submitting the incidents: %v", err)
		}
	}
	resp, err := http.Get(rig.url() + "/v1/frameworks/" + exampleFramework + "/monitoring")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET monitoring: %s", resp.Status)
	}
	var served struct {
		Episodes []any `json:"episodes"`
		Period   any   `json:"period"`
		Before   int   `json:"incidents_before"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&served); err != nil {
		t.Fatal(err)
	}
	if len(cli.Episodes) == 0 {
		t.Fatal("the CLI found no breach")
	}
	if !reflect.DeepEqual(cli.Period, served.Period) || cli.Before != served.Before {
		t.Errorf("period: CLI %v (%d before), server %v (%d before)", cli.Period, cli.Before, served.Period, served.Before)
	}
	if len(cli.Episodes) != len(served.Episodes) {
		t.Fatalf("the CLI finds %d breaches, the server %d", len(cli.Episodes), len(served.Episodes))
	}
	for i := range cli.Episodes {
		if !reflect.DeepEqual(cli.Episodes[i], served.Episodes[i]) {
			a, _ := json.Marshal(cli.Episodes[i])
			b, _ := json.Marshal(served.Episodes[i])
			t.Fatalf("breach %d differs:\nCLI    %s\nserver %s", i, a, b)
		}
	}
}
