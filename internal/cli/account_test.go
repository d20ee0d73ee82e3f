package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/golden"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/record"
)

// TestAccountOnRealData runs the README's monitoring of the shipped
// missile data with the example's illustrative history, as of 2025-09-12,
// and checks that every state of a finding and of a response appears in
// the monitor's and the record's output (golden files), and that the
// record's counts add up to what the monitor reports.
func TestAccountOnRealData(t *testing.T) {
	const missile = "../shared/data/missile-attacks/missile_attacks_daily.csv"
	goldenDir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	datatest.Need(t, missile)
	args := []string{"examples/ukraine-2025", "--incidents", missile, "--until", "2025-09-12"}
	run := func(cmd string, extra ...string) string {
		var out, errOut bytes.Buffer
		if exit := Main(append(append([]string{cmd}, args...), extra...), nil, &out, &errOut); exit != ExitOK {
			t.Fatalf("%s: exit %d: %s", cmd, exit, errOut.String())
		}
		return out.String()
	}
	golden.Compare(t, filepath.Join(goldenDir, "account-monitor.golden"), run("monitor"))
	golden.Compare(t, filepath.Join(goldenDir, "account-record.golden"), run("record"))

	var r monitor.Report
	if err := json.Unmarshal([]byte(run("monitor", "--format", "json")), &r); err != nil {
		t.Fatal(err)
	}
	statuses, states := map[string]bool{}, map[string]bool{}
	counted := map[string]int{}
	for _, e := range r.Episodes {
		statuses[e.Status] = true
		for _, d := range e.Responses {
			for _, p := range d.Parties {
				states[p.State] = true
				if p.State != monitor.StateNotDue {
					counted[p.Party]++
				}
			}
		}
	}
	for _, s := range []string{"detected", "reported", "verified", "attributed", "not-attributed", "closed", "rejected"} {
		if !statuses[s] {
			t.Errorf("no breach with status %s", s)
		}
	}
	for _, s := range monitor.ResponseStates {
		if !states[s] {
			t.Errorf("no response in state %s", s)
		}
	}
	if len(r.Account.Unmatched) != 0 {
		t.Errorf("filings that name no breach: %v", r.Account.Unmatched)
	}

	var rec record.Record
	if err := json.Unmarshal([]byte(run("record", "--format", "json")), &rec); err != nil {
		t.Fatal(err)
	}
	for _, p := range rec.Parties {
		if sum := p.OnTime + p.Late + p.Declined + p.Pending + p.Overdue; sum != p.Due || p.Due != counted[p.Party] {
			t.Errorf("%s: due %d, states add to %d, the monitor has %d", p.Party, p.Due, sum, counted[p.Party])
		}
	}
	i := slices.IndexFunc(rec.Parties, func(p record.Party) bool { return p.Party == "US" })
	if i < 0 || rec.Parties[i].Declined != 1 {
		t.Errorf("the US declined once in the example's history; record %+v", rec.Parties)
	}
	if !strings.Contains(run("monitor"), "attributed (MON → RU)") {
		t.Error("the monitor table does not show the attribution")
	}
}

// TestSimulateRecord: simulate --record takes a party's behaviour from a
// record with enough responses, says so, and leaves the others as the
// scenario has them; a file that is not a record is a usage error.
func TestSimulateRecord(t *testing.T) {
	t.Chdir("../..")
	args := []string{"simulate", "examples/ukraine-2025/scenario-c-air.yaml", "examples/ukraine-2025", "--runs", "500", "--no-analysis", "--format", "json"}
	var out, errOut bytes.Buffer
	if exit := Main(append(args, "--record", "internal/cli/testdata/record-measured.json"), nil, &out, &errOut); exit != ExitOK {
		t.Fatalf("exit %d: %s", exit, errOut.String())
	}
	if want := "politics of US from its record (6 responses): decides in 50 % of runs, 1.50× the deadline\n"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q, want it to say %q", errOut.String(), want)
	}
	if strings.Contains(errOut.String(), "politics of FR") {
		t.Error("FR's record holds one response: its behaviour must stay the scenario's")
	}
	var res struct {
		Politics []struct{ Party, Source string }
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Politics {
		if want := map[bool]string{true: "record (6 responses)", false: "scenario"}[p.Party == "US"]; p.Source != want {
			t.Errorf("%s: source %q, want %q", p.Party, p.Source, want)
		}
	}
	errOut.Reset()
	if exit := Main(append(args, "--record", "examples/ukraine-2025/framework.yaml"), nil, &out, &errOut); exit != ExitUsage ||
		!strings.Contains(errOut.String(), "not a record of `backstop record --format json`") {
		t.Errorf("exit %d, stderr %q", exit, errOut.String())
	}
}
