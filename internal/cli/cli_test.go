package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/golden"
)

type invocation struct {
	name   string
	args   []string
	stdin  string
	exit   int
	golden bool // compare stdout with testdata/<name>.golden
	stderr string
}

// TestCommands runs backstop in-process from the repository root, so that
// paths in its output read as a user at the root would see them.
func TestCommands(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	goldenDir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	framework, err := os.ReadFile("examples/ukraine-2025/framework.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []invocation{
		{name: "validate-example", args: []string{"validate", "examples/ukraine-2025"}, exit: 0, golden: true,
			stderr: "valid: 32 documents in 20 files, 0 errors, 8 warnings\n"},
		{name: "validate-example-json", args: []string{"validate", "examples/ukraine-2025", "--format", "json"}, exit: 0, golden: true},
		{name: "validate-invalid", args: []string{"validate", "--format=text", "internal/load/testdata/invalid/caveat-violated"}, exit: 1, golden: true,
			stderr: "invalid: 3 documents in 3 files, 1 error, 1 warning\n"},
		{name: "validate-stdin", args: []string{"validate", "-"}, stdin: string(framework), exit: 0, golden: true},
		{name: "validate-missing", args: []string{"validate", "no/such/dir", "examples/ukraine-2025/framework.yaml"}, exit: 2, golden: true},
		{name: "validate-no-args", args: []string{"validate"}, exit: 2},
		{name: "validate-bad-format", args: []string{"validate", "--format", "xml", "examples"}, exit: 2,
			stderr: "backstop validate: unknown format \"xml\"; use text or json\n"},
		{name: "validate-bad-flag", args: []string{"validate", "--colour", "examples"}, exit: 2},
		{name: "validate-dash-dash", args: []string{"validate", "--", "--format"}, exit: 2, golden: true},
		{name: "help", args: []string{"help"}, exit: 0, golden: true},
		{name: "help-flag", args: []string{"--help"}, exit: 0, golden: true},
		{name: "no-args", args: nil, exit: 2},
		{name: "help-validate", args: []string{"help", "validate"}, exit: 0, golden: true},
		{name: "validate-help", args: []string{"validate", "--help"}, exit: 0, golden: true},
		{name: "version-help", args: []string{"version", "-h"}, exit: 0, golden: true},
		{name: "unknown-command", args: []string{"valdate"}, exit: 2,
			stderr: "backstop: unknown command \"valdate\"\nDid you mean \"validate\"?\nRun 'backstop help' for the list of commands.\n"},
		{name: "unknown-command-far", args: []string{"dashboard"}, exit: 2,
			stderr: "backstop: unknown command \"dashboard\"\nRun 'backstop help' for the list of commands.\n"},
		{name: "help-unknown", args: []string{"help", "dashboard"}, exit: 2},
		{name: "assess-table", args: []string{"assess", "examples/ukraine-2025", "--at", "2026-03-01"}, exit: 0, golden: true},
		{name: "assess-json", args: []string{"assess", "examples/ukraine-2025", "--at", "2026-03-01", "--format", "json"}, exit: 0, golden: true},
		{name: "assess-markdown", args: []string{"assess", "examples/ukraine-2025", "--at", "2026-03-01", "--format", "markdown"}, exit: 0, golden: true},
		{name: "assess-html", args: []string{"assess", "examples/ukraine-2025", "--at", "2026-03-01", "--format", "html"}, exit: 0, golden: true},
		{name: "assess-ceasefire", args: []string{"assess", "examples/ukraine-2025", "--at", "2025-09-01", "--color", "always"}, exit: 0, golden: true},
		{name: "assess-help", args: []string{"assess", "--help"}, exit: 0, golden: true},
		{name: "assess-invalid", args: []string{"assess", "internal/load/testdata/invalid/caveat-violated"}, exit: 1,
			stderr: "internal/load/testdata/invalid/caveat-violated/us.yaml:12:14: error: pledge \"us-brigade\" breaks US's own caveat \"no-ground-troops\" (forbids domain land, posture in-theatre)\nbackstop assess: the documents are invalid (1 error); nothing assessed\n"},
		{name: "assess-bad-date", args: []string{"assess", "examples/ukraine-2025", "--at", "2026-02-30"}, exit: 2,
			stderr: "backstop assess: --at: invalid date \"2026-02-30\"; expected YYYY-MM-DD or RFC 3339 (for example 2025-09-01 or 2025-09-01T12:00:00Z)\n"},
		{name: "assess-bad-format", args: []string{"assess", "examples/ukraine-2025", "--format", "pdf"}, exit: 2},
		{name: "assess-missing-gdp", args: []string{"assess", "examples/ukraine-2025", "--gdp", "no-such.csv"}, exit: 2,
			stderr: "backstop assess: --gdp no-such.csv: no such file\n"},
		{name: "assess-two-frameworks", args: []string{"assess", "examples/ukraine-2025", "internal/load/testdata/invalid/no-declarations"}, exit: 2,
			stderr: "backstop assess: 2 frameworks loaded ([ukraine-2025 fw]): name one with --framework\n"},
		{name: "monitor-json", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--format", "json"}, exit: 0, golden: true},
		{name: "monitor-table", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--quiet-period", "1h"}, exit: 0, golden: true},
		{name: "monitor-follow", args: []string{"monitor", "examples/ukraine-2025", "--follow"}, exit: 0, golden: true,
			stderr: "<stdin>:2:2: warning: not a JSON object: invalid character 'o' in literal null (expecting 'u'); row skipped\n" +
				"<stdin>:3:1: warning: monitor: events out of order: 2025-09-13T00:00:00Z after 2025-09-14T03:10:00Z; incident skipped\n" +
				"1 breach (1 on one source: reported, not confirmed): missile-strike ×1 (1 firing); latest missile-strike at 2025-09-14 03:10Z\n",
			stdin: "{\"id\": \"f-1\", \"time\": \"2025-09-14T03:10:00Z\", \"type\": \"missile_strike\", \"country\": \"UA\"}\nnot json\n{\"id\": \"f-2\", \"time\": \"2025-09-13T00:00:00Z\", \"type\": \"drone_strike\", \"country\": \"UA\"}\n"},
		{name: "monitor-help", args: []string{"monitor", "--help"}, exit: 0, golden: true},
		{name: "monitor-report", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--format", "report"}, exit: 0, golden: true},
		{name: "monitor-report-csv", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--format", "report-csv", "--by", "week"}, exit: 0, golden: true},
		{name: "monitor-reversed-period", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--since", "2025-10-01", "--until", "2025-09-01"}, exit: 2,
			stderr: "backstop monitor: --since 2025-10-01 is not before --until 2025-09-01\n"},
		{name: "monitor-until-before-ceasefire", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--until", "2025-08-01"}, exit: 2},
		{name: "monitor-bad-by", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--format", "report", "--by", "month"}, exit: 2,
			stderr: "backstop monitor: unknown --by \"month\"; use day or week\n"},
		{name: "validate-comments-only", args: []string{"validate", "internal/cli/testdata/comments-only.yaml"}, exit: 1,
			stderr: "backstop validate: internal/cli/testdata/comments-only.yaml holds no document (empty, or comments only)\n"},
		{name: "simulate-zero-runs", args: []string{"simulate", "examples/ukraine-2025/scenario-a-layer1.yaml", "examples/ukraine-2025", "--runs", "0"}, exit: 2,
			stderr: "backstop simulate: --runs must be between 1 and 10000000\n"},
		{name: "territory-area-empty-folder", args: []string{"territory", "area", "internal/cli/testdata"}, exit: 2,
			stderr: "backstop territory area: no map snapshot (deepstatemap_data_YYYYMMDD.geojson) in internal/cli/testdata\n"},
		{name: "validate-format-table", args: []string{"validate", "examples/ukraine-2025", "--format", "table"}, exit: 0,
			stderr: "valid: 32 documents in 20 files, 0 errors, 8 warnings\n"},
		{name: "assess-data-file", args: []string{"assess", "internal/cli/testdata/incidents.jsonl"}, exit: 2,
			stderr: "internal/cli/testdata/incidents.jsonl: error: this looks like a JSON Lines file, not a backstop document (YAML); did you mean --incidents FILE, --gdp FILE or import?\n" +
				"backstop assess: the documents could not be read (1 error); nothing assessed\n"},
		{name: "validate-missing", args: []string{"validate", "no/such.yaml"}, exit: 2,
			stderr: "cannot read: 0 documents in 0 files, 1 error, 0 warnings\n"},
		{name: "import-incidents-reversed", args: []string{"import", "incidents", "internal/cli/testdata/incidents.jsonl", "--since", "2025-10-01", "--until", "2025-09-01"}, exit: 2,
			stderr: "backstop import incidents: --since 2025-10-01 is not before --until 2025-09-01\n"},
		{name: "monitor-several-incidents", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "internal/cli/testdata/corroboration.jsonl", "--format", "json"}, exit: 0},
		{name: "monitor-stdin", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "-", "--format", "json"}, exit: 0,
			stdin: `{"id": "s-1", "time": "2025-09-14T03:10:00Z", "type": "missile_strike", "admin1": "UA-30", "source": "monitor"}` + "\n"},
		{name: "typo-command", args: []string{"monitr"}, exit: 2,
			stderr: "backstop: unknown command \"monitr\"\nDid you mean \"monitor\"?\nRun 'backstop help' for the list of commands.\n"},
		{name: "typo-command-swap", args: []string{"asses"}, exit: 2,
			stderr: "backstop: unknown command \"asses\"\nDid you mean \"assess\"?\nRun 'backstop help' for the list of commands.\n"},
		{name: "monitor-incidents-as-framework", args: []string{"monitor", "examples/ukraine-2025", "internal/cli/testdata/corroboration.jsonl", "--incidents", "internal/cli/testdata/incidents.jsonl"}, exit: 2,
			stderr: "backstop monitor: internal/cli/testdata/corroboration.jsonl looks like an incident file, not a framework document: give it with --incidents (--incidents A B, or --incidents A --incidents B)\n"},
		{name: "corroborate-extra-argument", args: []string{"corroborate", "--rules", "examples/corroboration/firms-ground.yaml", "--incidents", "internal/cli/testdata/corroboration.jsonl", "extra"}, exit: 2,
			stderr: "backstop corroborate: unexpected argument \"extra\": give every incident file with --incidents (--incidents A B, or --incidents A --incidents B)\n"},
		{name: "monitor-nothing", args: []string{"monitor", "examples/ukraine-2025"}, exit: 2,
			stderr: "backstop monitor: nothing to monitor: give --incidents FILE, --territory DIR or --follow\n"},
		{name: "monitor-missing", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "no/such.csv"}, exit: 2,
			stderr: "backstop monitor: --incidents no/such.csv: no such file or folder\n"},
		{name: "monitor-unknown-format", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--input-format", "gdelt"}, exit: 2},
		{name: "monitor-bad-quiet", args: []string{"monitor", "examples/ukraine-2025", "--follow", "--quiet-period", "0h"}, exit: 2},
		{name: "simulate-table", args: []string{"simulate", "examples/ukraine-2025/scenario-c-air.yaml", "examples/ukraine-2025", "--runs", "2000", "--workers", "2"}, exit: 0, golden: true},
		{name: "simulate-json", args: []string{"simulate", "examples/baltics-2016/scenario-2016.yaml", "examples/baltics-2016/framework.yaml", "examples/baltics-2016/declarations-2016.yaml", "--runs", "2000", "--format", "json", "--no-analysis"}, exit: 0, golden: true},
		{name: "simulate-help", args: []string{"simulate", "--help"}, exit: 0, golden: true},
		{name: "simulate-no-scenario", args: []string{"simulate", "examples/ukraine-2025/framework.yaml"}, exit: 2,
			stderr: "backstop simulate: examples/ukraine-2025/framework.yaml holds no Scenario document; give the scenario file first\n"},
		{name: "simulate-folder", args: []string{"simulate", "examples/ukraine-2025"}, exit: 2,
			stderr: "backstop simulate: examples/ukraine-2025 holds several scenarios (ukraine-a-layer1, ukraine-b-reassurance, ukraine-c-air); give one scenario file first\n"},
		{name: "simulate-bad-runs", args: []string{"simulate", "examples/ukraine-2025/scenario-a-layer1.yaml", "examples/ukraine-2025", "--runs", "-5"}, exit: 2},
		{name: "corroborate-table", args: []string{"corroborate", "--rules", "examples/corroboration/viina-artillery.yaml", "--incidents", "internal/cli/testdata/corroboration.jsonl"}, exit: 0, golden: true},
		{name: "corroborate-csv", args: []string{"corroborate", "--rules", "examples/corroboration/viina-artillery.yaml", "--incidents", "internal/cli/testdata/corroboration.jsonl", "--format", "csv"}, exit: 0, golden: true},
		{name: "corroborate-jsonl", args: []string{"corroborate", "--rules", "examples/corroboration/viina-artillery.yaml", "--incidents", "internal/cli/testdata/corroboration.jsonl", "--format", "jsonl"}, exit: 0, golden: true},
		{name: "corroborate-help", args: []string{"corroborate", "--help"}, exit: 0, golden: true},
		{name: "corroborate-no-rules", args: []string{"corroborate", "--incidents", "internal/cli/testdata/corroboration.jsonl"}, exit: 2,
			stderr: "backstop corroborate: no --rules FILE given\n"},
		{name: "corroborate-bad-shift", args: []string{"corroborate", "--rules", "examples/corroboration/viina-artillery.yaml", "--incidents", "internal/cli/testdata/corroboration.jsonl", "--shift", "firms"}, exit: 2,
			stderr: "backstop corroborate: --shift \"firms\": expected SOURCE=DURATION, such as firms=730d or viina=-7d\n"},
		{name: "monitor-corroborate", args: []string{"monitor", "examples/ukraine-2025", "--incidents", "internal/cli/testdata/incidents.jsonl", "--corroborate", "examples/corroboration/firms-ground.yaml", "--format", "jsonl"}, exit: 0, golden: true},
		{name: "import-incidents", args: []string{"import", "incidents", "internal/cli/testdata/incidents.jsonl", "--per-document", "3"}, exit: 0, golden: true,
			stderr: "internal/cli/testdata/incidents.jsonl: jsonl, 4 rows: 4 mapped, 0 of another type, 0 skipped; 4 kept\n" +
				"wrote 4 incidents in 2 documents, 2025-09-14 to 2025-09-21\n"},
		{name: "import-incidents-yaml", args: []string{"import", "incidents", "internal/cli/testdata/incidents.jsonl", "--per-document", "3", "--format", "yaml"}, exit: 0, golden: true,
			stderr: "internal/cli/testdata/incidents.jsonl: jsonl, 4 rows: 4 mapped, 0 of another type, 0 skipped; 4 kept\n" +
				"wrote 4 incidents in 2 documents, 2025-09-14 to 2025-09-21\n"},
		{name: "import-incidents-bad-format", args: []string{"import", "incidents", "internal/cli/testdata/incidents.jsonl", "--format", "json"}, exit: 2,
			stderr: "backstop import incidents: --format \"json\": expected compact or yaml\n"},
		{name: "import-incidents-since", args: []string{"import", "incidents", "internal/cli/testdata/incidents.jsonl", "internal/cli/testdata/incidents.jsonl", "--since", "2025-09-20"}, exit: 0,
			stderr: "internal/cli/testdata/incidents.jsonl: jsonl, 4 rows: 4 mapped, 0 of another type, 0 skipped; 2 kept\n" +
				"internal/cli/testdata/incidents.jsonl: warning: incident t-3 was read from internal/cli/testdata/incidents.jsonl already; kept once\n" +
				"internal/cli/testdata/incidents.jsonl: warning: incident t-4 was read from internal/cli/testdata/incidents.jsonl already; kept once\n" +
				"internal/cli/testdata/incidents.jsonl: jsonl, 4 rows: 4 mapped, 0 of another type, 0 skipped; 0 kept\n" +
				"wrote 2 incidents in 1 document, 2025-09-20 to 2025-09-21\n"},
		{name: "import-incidents-help", args: []string{"import", "incidents", "--help"}, exit: 0, golden: true},
		{name: "import-incidents-nothing", args: []string{"import", "incidents"}, exit: 2},
		{name: "import-incidents-bad-size", args: []string{"import", "incidents", "internal/cli/testdata/incidents.jsonl", "--per-document", "0"}, exit: 2,
			stderr: "backstop import incidents: --per-document must be at least 1, not 0\n"},
		{name: "import-incidents-order", args: []string{"import", "--out", "x.yaml", "incidents", "internal/cli/testdata/incidents.jsonl"}, exit: 2},
		{name: "assess-no-framework", args: []string{"assess", "internal/load/testdata/invalid/invalid-coordinates/../invalid-value--time/../../../../../examples/ukraine-2025/declarations/ua.yaml"}, exit: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			exit := Main(c.args, strings.NewReader(c.stdin), &out, &errOut)
			if exit != c.exit {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", exit, c.exit, out.String(), errOut.String())
			}
			if c.stderr != "" && errOut.String() != c.stderr {
				t.Errorf("stderr:\n%q\nwant:\n%q", errOut.String(), c.stderr)
			}
			if c.exit == ExitUsage && errOut.Len() == 0 && out.Len() == 0 {
				t.Error("a usage error must say what is wrong")
			}
			if c.golden {
				golden.Compare(t, filepath.Join(goldenDir, c.name+".golden"), out.String())
			}
		})
	}
}

// TestVersion checks the version line without pinning the toolchain.
func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if exit := Main([]string{"version"}, nil, &out, &out); exit != 0 {
		t.Fatalf("exit %d: %s", exit, out.String())
	}
	if !strings.HasPrefix(out.String(), "backstop dev (document language v1, go1.") {
		t.Errorf("version line %q", out.String())
	}
}

// TestJSONDiagnostics checks the JSON view's schema (docs/json.md): an
// array, never null, of objects with every field present.
func TestJSONDiagnostics(t *testing.T) {
	t.Chdir("../..")
	for _, dir := range []string{"examples/ukraine-2025", "internal/load/testdata/invalid/unknown-field"} {
		var out, errOut bytes.Buffer
		Main([]string{"validate", "--format", "json", dir}, nil, &out, &errOut)
		var ds []map[string]any
		if err := json.Unmarshal(out.Bytes(), &ds); err != nil {
			t.Fatalf("%s: output is not a JSON array: %v\n%s", dir, err, out.String())
		}
		if len(ds) == 0 {
			t.Fatalf("%s: no diagnostics", dir)
		}
		for _, d := range ds {
			for _, k := range []string{"severity", "code", "file", "line", "column", "end_line", "end_column", "message", "path"} {
				if _, ok := d[k]; !ok {
					t.Errorf("%s: diagnostic %v lacks %q", dir, d, k)
				}
			}
		}
		if errOut.Len() != 0 {
			t.Errorf("json mode wrote to stderr: %s", errOut.String())
		}
	}
	var out bytes.Buffer
	Main([]string{"validate", "--format", "json", "examples/ukraine-2025/framework.yaml"}, nil, &out, &out)
	if !strings.HasPrefix(out.String(), "[") {
		t.Errorf("want an array even with only warnings, got %q", out.String())
	}
}

// TestBinaryExitCodes builds the real binary and checks the exit codes the
// shell sees, which in-process tests of Main cannot prove.
func TestBinaryExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "backstop")
	build := exec.Command("go", "build", "-o", bin, "./cmd/backstop")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, c := range []struct {
		args []string
		exit int
	}{
		{[]string{"validate", "examples/ukraine-2025"}, 0},
		{[]string{"validate", "internal/load/testdata/invalid/sequence-cycle"}, 1},
		{[]string{"validate", "does-not-exist.yaml"}, 2},
		{[]string{"frobnicate"}, 2},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Dir = "../.."
		err := cmd.Run()
		got := 0
		if ee, ok := err.(*exec.ExitError); ok {
			got = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if got != c.exit {
			t.Errorf("backstop %s: exit %d, want %d", strings.Join(c.args, " "), got, c.exit)
		}
	}
}
