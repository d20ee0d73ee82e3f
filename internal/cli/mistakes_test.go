package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserMistakes: the mistakes a new user makes (issue 21's list), each
// with the exit code docs/cli.md gives it and the first line of what
// backstop says on standard error. Run from the repository root, as the
// README's commands are.
func TestUserMistakes(t *testing.T) {
	tmp := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(tmp, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	csv := write("gdp.csv", "Country Name,Country Code,Year,Value\nUkraine,UKR,2024,190\n")
	geojson := write("map.geojson", `{"type":"FeatureCollection","features":[]}`)
	empty := write("empty.yaml", "")
	comments := write("comments.yaml", "# a draft\n# nothing yet\n")
	emptyDir := filepath.Join(tmp, "no-snapshots")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	gb, err := os.ReadFile("../../examples/ukraine-2025/declarations/gb.yaml")
	if err != nil {
		t.Fatal(err)
	}
	huge := write("gb.yaml", strings.Replace(string(gb), "quantity: 4000\n", "quantity: 99999999999999999999999999999999999999\n", 1))
	t.Chdir("../..")
	const (
		fw  = "examples/ukraine-2025"
		inc = "internal/cli/testdata/incidents.jsonl"
	)
	cases := []struct {
		name  string
		args  []string
		exit  int
		first string // the first line on stderr, or its start when it ends in …
		out   string // in the report on standard output, when given
	}{
		{"two incident files after one flag", []string{"monitor", fw, "--incidents", inc, inc, "--quiet"}, ExitOK, "", ""},
		{"corroborate: a second incident file", []string{"corroborate", "--rules", "examples/corroboration/viina-artillery.yaml", "--incidents", inc, "no-such.csv"}, ExitUsage,
			"backstop corroborate: --incidents internal/cli/testdata/incidents.jsonl, no-such.csv: no such file or folder", ""},
		{"corroborate: an argument it does not take", []string{"corroborate", "--rules", "examples/corroboration/viina-artillery.yaml", "--incidents", inc, fw}, ExitUsage, "backstop corroborate: unexpected argument…", ""},
		{"a missing file", []string{"validate", "no-such.yaml"}, ExitUsage, "cannot read: 0 documents in 0 files, 1 error, 0 warnings", ""},
		{"a CSV given to assess", []string{"assess", csv}, ExitUsage, csv + ": error: this looks like a CSV file, not a backstop document (YAML); did you mean --incidents FILE, --gdp FILE or import?", ""},
		{"a GeoJSON given to validate", []string{"validate", geojson}, ExitUsage, "cannot read: 0 documents in 0 files, 1 error, 0 warnings",
			"error: this looks like a GeoJSON file, not a backstop document (YAML)"},
		{"an empty file", []string{"validate", empty}, ExitInvalid, "backstop validate: " + empty + " holds no document (empty, or comments only)", ""},
		{"comments only", []string{"validate", comments}, ExitInvalid, "backstop validate: " + comments + " holds no document (empty, or comments only)", ""},
		{"a folder without snapshots", []string{"territory", "area", emptyDir}, ExitUsage, "backstop territory area: no map snapshot (deepstatemap_data_YYYYMMDD.geojson) in " + emptyDir, ""},
		{"--since after --until", []string{"monitor", fw, "--incidents", inc, "--since", "2025-10-01", "--until", "2025-09-01"}, ExitUsage, "backstop monitor: --since 2025-10-01 is not before --until 2025-09-01", ""},
		{"--since in words", []string{"monitor", fw, "--incidents", inc, "--since", "yesterday"}, ExitUsage, `backstop monitor: --since "yesterday": expected YYYY-MM-DD or RFC 3339, such as 2025-09-14 or 2025-09-14T03:10:00Z`, ""},
		{"zero runs", []string{"simulate", "examples/ukraine-2025/scenario-b-reassurance.yaml", fw, "--runs", "0"}, ExitUsage, "backstop simulate: --runs must be between 1 and 10000000", ""},
		{"an implausible quantity", []string{"validate", "examples/ukraine-2025/framework.yaml", huge}, ExitOK, "valid: 3 documents in 2 files, 0 errors, 13 warnings",
			"gb.yaml:127:15: warning: quantity 1e+38 troops is beyond the plausible bound of 3,000,000 troops"},
		{"validate's text is table", []string{"validate", "--format", "table", "examples/ukraine-2025/framework.yaml"}, ExitOK, "valid: 1 document in 1 file, 0 errors, 1 warning", "warning: no declarations to framework ukraine-2025 were loaded"},
		{"assess has no text format", []string{"assess", "--format", "text", fw}, ExitUsage, `backstop assess: unknown format "text"; use table, json, markdown or html`, ""},
		{"a flag without its value", []string{"assess", fw, "--at"}, ExitUsage, "backstop assess: --at needs a value", ""},
		{"a misspelt flag", []string{"assess", fw, "--colour", "never"}, ExitUsage, "backstop assess: unknown flag --colour; did you mean --color?", ""},
		{"a misspelt command", []string{"valdate", fw}, ExitUsage, `backstop: unknown command "valdate"`, ""},
		{"help --help", []string{"help", "--help"}, ExitOK, "", "Usage: backstop help"},
		{"an impossible date", []string{"assess", fw, "--at", "2026-02-30"}, ExitUsage, `backstop assess: --at: invalid date "2026-02-30"; expected YYYY-MM-DD or RFC 3339 (for example 2025-09-01 or 2025-09-01T12:00:00Z)`, ""},
		{"a day as an RFC 3339 time", []string{"assess", fw, "--at", "2026-03-01T10:00:00+02:00", "--quiet"}, ExitOK, "", ""},
		{"diff with one snapshot", []string{"territory", "diff", geojson}, ExitUsage, "backstop territory: diff needs two snapshots, FROM and TO; 1 given", ""},
		{"import: a reversed period", []string{"import", "incidents", inc, "--since", "2025-10-01", "--until", "2025-09-01"}, ExitUsage, "backstop import incidents: --since 2025-10-01 is not before --until 2025-09-01", ""},
		{"init over a framework", []string{"init", fw}, ExitUsage, "backstop init: will not overwrite: examples/ukraine-2025/framework.yaml already exists; nothing written", ""},
		{"an unknown shell", []string{"completion", "tcsh"}, ExitUsage, `backstop completion: unknown shell "tcsh"; one of bash, zsh, fish, powershell`, ""},
		{"an unknown kind", []string{"schema", "treaty"}, ExitUsage, `backstop schema: unknown document kind "treaty"…`, ""},
		{"keygen without a party", []string{"keygen"}, ExitUsage, "backstop keygen: --party is required, such as --party GB", ""},
		{"record with no feed", []string{"record", fw}, ExitUsage, "backstop record: nothing to monitor: give --incidents FILE or --territory DIR", ""},
		{"simulate a folder of scenarios", []string{"simulate", fw}, ExitUsage, "backstop simulate: examples/ukraine-2025 holds several scenarios (ukraine-a-layer1, ukraine-b-reassurance, ukraine-c-air); give one scenario file first", ""},
		{"an incident file as the framework", []string{"monitor", inc, "--incidents", inc}, ExitUsage, "backstop monitor: internal/cli/testdata/incidents.jsonl looks like an incident file, not a framework document…", ""},
		{"a plain file to verify", []string{"verify", "--server", "http://127.0.0.1:1", "--document", "examples/ukraine-2025/declarations/fi.yaml"}, ExitUsage, "backstop verify: --document examples/ukraine-2025/declarations/fi.yaml: give the signed document as submitted…", ""},
		{"serve on a bad address", []string{"serve", "--listen", "127.0.0.1:99999", "--data", filepath.Join(tmp, "data")}, ExitUsage, "backstop serve: --listen: listen tcp: address 99999: invalid port", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Main(tc.args, strings.NewReader(""), &out, &errOut)
			first, _, _ := strings.Cut(errOut.String(), "\n")
			match := first == tc.first
			if prefix, ok := strings.CutSuffix(tc.first, "…"); ok {
				match = strings.HasPrefix(first, prefix)
			}
			if code != tc.exit || !match || !strings.Contains(out.String(), tc.out) {
				t.Errorf("backstop %s\nexit %d, first line %q\nwant %d, %q (and %q in the report)", strings.Join(tc.args, " "), code, first, tc.exit, tc.first, tc.out)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(tmp, "data")); err == nil {
		t.Error("serve made its data folder before it could listen")
	}
}
