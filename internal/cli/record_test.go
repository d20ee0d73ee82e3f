package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/golden"
)

// TestRecord runs backstop record in-process from the repository root, as
// TestCommands does, against testdata/record-*.golden.
func TestRecord(t *testing.T) {
	goldenDir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..")
	example := []string{"record", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl"}
	with := func(a ...string) []string { return append(slices.Clone(example), a...) }
	for _, c := range []struct {
		name   string
		args   []string
		exit   int
		golden bool
		stderr string
	}{
		{name: "record-table", args: example, golden: true},
		{name: "record-json", args: with("--format", "json"), golden: true},
		{name: "record-markdown", args: with("--format", "markdown"), golden: true},
		{name: "record-html", args: with("--format", "html"), golden: true},
		{name: "record-help", args: []string{"record", "--help"}, golden: true},
		{name: "record-bad-format", args: with("--format", "csv"), exit: 2,
			stderr: "backstop record: unknown format \"csv\"; use table, json, markdown or html\n"},
		{name: "record-nothing", args: []string{"record", "examples/ukraine-2025"}, exit: 2,
			stderr: "backstop record: nothing to monitor: give --incidents FILE or --territory DIR\n"},
		{name: "record-bad-color", args: with("--color", "blue"), exit: 2,
			stderr: "backstop record: unknown --color \"blue\"; use auto, always or never\n"},
		{name: "record-reversed", args: with("--since", "2025-10-01", "--until", "2025-09-01"), exit: 2},
		{name: "record-no-framework", args: []string{"record"}, exit: 2},
		{name: "record-missing", args: []string{"record", "no/such/dir", "--incidents", "internal/cli/testdata/incidents.jsonl"}, exit: 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			exit := Main(c.args, strings.NewReader(""), &out, &errOut)
			if exit != c.exit {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", exit, c.exit, out.String(), errOut.String())
			}
			if c.stderr != "" && errOut.String() != c.stderr {
				t.Errorf("stderr:\n%q\nwant:\n%q", errOut.String(), c.stderr)
			}
			if c.exit == ExitUsage && errOut.Len() == 0 {
				t.Error("a usage error must say what is wrong")
			}
			if c.golden {
				golden.Compare(t, filepath.Join(goldenDir, c.name+".golden"), out.String())
			}
		})
	}
}

// TestRecordJSONSchema checks the fields docs/record.md promises, lists
// never null.
func TestRecordJSONSchema(t *testing.T) {
	t.Chdir("../..")
	var out, errOut bytes.Buffer
	if exit := Main([]string{"record", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--format", "json"},
		nil, &out, &errOut); exit != 0 {
		t.Fatalf("exit %d: %s", exit, errOut.String())
	}
	var rec map[string]any
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"format_version", "framework", "as_of", "rule", "parties"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("record lacks %q", k)
		}
	}
	parties, _ := rec["parties"].([]any)
	if len(parties) == 0 {
		t.Fatal("no party in the record")
	}
	for _, p := range parties {
		p := p.(map[string]any)
		for _, k := range []string{"party", "name", "role", "due", "on_time", "late", "declined", "pending", "overdue", "not_due",
			"pledges_activated", "delivered", "acted_share", "median_delay_ratio", "score", "grade", "samples"} {
			if _, ok := p[k]; !ok {
				t.Errorf("party %v lacks %q", p["party"], k)
			}
		}
		if p["delivered"] == nil {
			t.Errorf("party %v: delivered is null", p["party"])
		}
	}
}
