package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/viina"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/server"
)

// kielCSV is a small tracker file: two donors, three months.
const kielCSV = `"country","iso","year","month","total","financial","humanitarian","military","commitments","to_be_allocated","gdp","pct_gdp"
"Austria","AUT",2022,3,0.1,0.05,0.05,0,0.1,0,406.1,0.02
"United Kingdom","GBR",2022,3,0.9,0.1,0.2,0.6,1.2,0.3,2647.5,0.03
"United Kingdom","GBR",2022,4,0.5,0,0,0.5,0.4,-0.1,2647.5,0.02
`

// kielCSVBad has one row with an unknown code.
const kielCSVBad = `"country","iso","year","month","total","financial","humanitarian","military","commitments","to_be_allocated","gdp","pct_gdp"
"Austria","AUT",2022,3,0.1,0.05,0.05,0,0.1,0,406.1,0.02
"Nowhere","XXX",2022,3,0.1,0.05,0.05,0,0.1,0,1,0.01
`

func TestRunImport(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	for path, src := range map[string]string{good: kielCSV, bad: kielCSVBad} {
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name     string
		args     []string
		stdin    string
		exit     int
		stderr   string // exact, when given
		inStderr string // a part of stderr, when given
		yaml     bool   // stdout is YAML that loads without error
	}{
		{name: "ok", args: []string{"kiel", good, "--framework", "ukraine-2025", "--with-framework"}, exit: ExitOK, yaml: true,
			stderr: "imported 2 donors from 3 rows: 3 used, 0 skipped; 0 errors, 0 warnings\n"},
		{name: "flags first", args: []string{"--with-framework", "--framework=ukraine-2025", "kiel", good}, exit: ExitOK, yaml: true,
			stderr: "imported 2 donors from 3 rows: 3 used, 0 skipped; 0 errors, 0 warnings\n"},
		{name: "stdin", args: []string{"kiel", "-", "--framework", "ukraine-2025", "--with-framework"}, stdin: kielCSV, exit: ExitOK, yaml: true,
			stderr: "imported 2 donors from 3 rows: 3 used, 0 skipped; 0 errors, 0 warnings\n"},
		{name: "row error", args: []string{"kiel", bad, "--framework", "ukraine-2025", "--with-framework"}, exit: ExitInvalid, yaml: true,
			stderr: bad + `:3:11: error: unknown country code "XXX": neither an ISO 3166-1 alpha-3 code nor EU; row skipped` + "\n" +
				"imported 1 donor from 2 rows: 1 used, 1 skipped (1 unknown-code); 1 error, 0 warnings\n"},
		{name: "no arguments", args: nil, exit: ExitUsage, inStderr: "backstop import: no source given; known sources: kiel, incidents\n\nUsage: backstop import"},
		{name: "unknown source", args: []string{"acled", good, "--framework", "f"}, exit: ExitUsage,
			stderr: "backstop import: unknown source \"acled\"; known sources: kiel, incidents\nRun 'backstop import --help' for usage.\n"},
		{name: "no file", args: []string{"kiel", "--framework", "f"}, exit: ExitUsage,
			stderr: "backstop import: no FILE given for kiel\nRun 'backstop import --help' for usage.\n"},
		{name: "too many", args: []string{"kiel", good, good, "--framework", "f"}, exit: ExitUsage,
			stderr: "backstop import: too many arguments: " + good + "\nRun 'backstop import --help' for usage.\n"},
		{name: "no framework", args: []string{"kiel", good}, exit: ExitUsage,
			stderr: "backstop import: --framework ID is required: the framework the declarations are made to\nRun 'backstop import --help' for usage.\n"},
		{name: "bad framework id", args: []string{"kiel", good, "--framework", "Ukraine"}, exit: ExitUsage,
			stderr: "backstop import: --framework \"Ukraine\" is not a framework id (lower-case letters, digits and single dashes, such as ukraine-2025)\nRun 'backstop import --help' for usage.\n"},
		{name: "bad flag", args: []string{"kiel", good, "--framework", "f", "--format", "json"}, exit: ExitUsage,
			inStderr: "backstop import: unknown flag --format"},
		{name: "missing file", args: []string{"kiel", filepath.Join(dir, "nope.csv"), "--framework", "f"}, exit: ExitUsage,
			stderr: filepath.Join(dir, "nope.csv") + ": error: no such file\n"},
		{name: "folder", args: []string{"kiel", dir, "--framework", "f"}, exit: ExitUsage,
			stderr: dir + ": error: is a folder; give the CSV file\n"},
		{name: "unwritable out", args: []string{"kiel", good, "--framework", "f", "--out", filepath.Join(dir, "no", "such", "dir.yaml")}, exit: ExitUsage,
			inStderr: "backstop import: open " + filepath.Join(dir, "no", "such", "dir.yaml")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			exit := runImport(tc.args, Streams{In: strings.NewReader(tc.stdin), Out: &out, Err: &errOut})
			if exit != tc.exit {
				t.Errorf("exit %d, want %d\nstderr:\n%s", exit, tc.exit, errOut.String())
			}
			if tc.stderr != "" && errOut.String() != tc.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", errOut.String(), tc.stderr)
			}
			if !strings.Contains(errOut.String(), tc.inStderr) {
				t.Errorf("stderr:\n%s\nwant it to contain:\n%s", errOut.String(), tc.inStderr)
			}
			if !tc.yaml {
				if out.Len() > 0 {
					t.Errorf("stdout: %s", out.String())
				}
				return
			}
			l := &load.Loader{}
			l.AddBytes("out.yaml", out.Bytes())
			if _, ds := l.Finish(); len(ds) > 0 || out.Len() == 0 {
				t.Errorf("stdout does not load cleanly: %v\n%s", ds, out.String())
			}
		})
	}
}

func TestRunImportHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if exit := runImport([]string{"--help"}, Streams{Out: &out, Err: &errOut}); exit != ExitOK || out.String() != importUsage {
		t.Errorf("exit %d, stdout:\n%s", exit, out.String())
	}
}

// TestRunImportOut writes to --out: the file must load with the framework
// given in the same run, and the summary names it.
func TestRunImportOut(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "kiel.csv"), filepath.Join(dir, "kiel.yaml")
	if err := os.WriteFile(in, []byte(kielCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	exit := runImport([]string{"kiel", in, "--framework", "kiel-test", "--with-framework", "--out", out}, Streams{Out: &stdout, Err: &stderr})
	if exit != ExitOK || stdout.Len() > 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", exit, stdout.String(), stderr.String())
	}
	if want := "imported 2 donors from 3 rows: 3 used, 0 skipped; 0 errors, 0 warnings; written to " + out + "\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	set, ds := load.Paths([]string{out}, nil)
	if len(ds) > 0 {
		t.Fatalf("%s does not load cleanly: %v", out, ds)
	}
	latest := set.Latest("kiel-test")
	if len(latest) != 2 || latest["AT"] == nil || latest["GB"] == nil {
		t.Fatalf("declarations = %v, want AT and GB", latest)
	}
	// GB: military 1.1, financial + humanitarian 0.3, to be allocated 0.2:
	// 1.6 committed, 1.4 allocated.
	var q, del float64
	for _, p := range latest["GB"].Pledges {
		q += p.Quantity
		del += p.Delivered
	}
	if q < 1.6-1e-9 || q > 1.6+1e-9 || del < 1.4-1e-9 || del > 1.4+1e-9 {
		t.Errorf("GB pledges %v EUR bn, delivered %v; want 1.6 and 1.4", q, del)
	}
}

// TestRunImportRealFile imports the tracker itself: three donors allocated
// more than they committed, so the command warns three times, exits 0 and
// writes all 42.
func TestRunImportRealFile(t *testing.T) {
	const path = "../../../shared/data/kiel-ust/data_explorer.csv"
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not found: the Kiel Ukraine Support Tracker data (shared/data/kiel-ust) is not checked out beside the repository", path)
	}
	var out, errOut bytes.Buffer
	exit := runImport([]string{"kiel", path, "--framework", "ukraine-2025", "--with-framework"}, Streams{Out: &out, Err: &errOut})
	if exit != ExitOK {
		t.Errorf("exit %d, want %d", exit, ExitOK)
	}
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	if want := "imported 42 donors from 1,079 rows: 1,079 used, 0 skipped; 0 errors, 3 warnings"; len(lines) != 4 || lines[3] != want {
		t.Errorf("stderr:\n%s\nwant three warnings and the summary\n%s", errOut.String(), want)
	}
	l := &load.Loader{}
	l.AddBytes("kiel.yaml", out.Bytes())
	set, ds := l.Finish()
	if len(ds) > 0 || len(set.Latest("ukraine-2025")) != 42 {
		t.Errorf("output: %d declarations, diagnostics %v", len(set.Latest("ukraine-2025")), ds)
	}
}

func TestThousands(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {1079, "1,079"}, {13979, "13,979"}, {1234567, "1,234,567"}, {-1079, "-1,079"}} {
		if got := thousands(tc.n); got != tc.want {
			t.Errorf("thousands(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestImportIncidentsRoundTrip imports a month of real VIINA reports and
// loads the output as the server would: every incident read is in it once,
// in documents of the default 1,000 incidents, each under the server's
// default body limit (headlines included), and the documents validate
// next to the example framework.
func TestImportIncidentsRoundTrip(t *testing.T) {
	const month = "../../../shared/data/viina/viina_incidents_202407.csv.gz"
	if _, err := os.Stat(month); err != nil {
		t.Skipf("%s is absent: this test needs the shared data sets next to the repository (%v)", month, err)
	}
	out := filepath.Join(t.TempDir(), "july.yaml")
	var stdout, stderr bytes.Buffer
	if exit := Main([]string{"import", "incidents", month, "--out", out}, nil, &stdout, &stderr); exit != ExitOK {
		t.Fatalf("exit %d: %s", exit, stderr.String())
	}
	src, err := feeds.Open(month)
	if err != nil {
		t.Fatal(err)
	}
	read, _ := viina.Reader{}.Read(src, feeds.Options{Oblasts: oblast.New()})
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	docs := load.SplitDocuments(data)
	if want := (len(read.Incidents) + 999) / 1000; len(docs) != want {
		t.Errorf("%d documents for %d incidents, want %d", len(docs), len(read.Incidents), want)
	}
	for i, d := range docs {
		if len(d) > server.DefaultMaxBody {
			t.Errorf("document %d is %d bytes, over the server's default --max-body", i+1, len(d))
		}
	}
	set, ds := load.Paths([]string{"../../examples/ukraine-2025", out}, nil)
	if ds.HasErrors() {
		t.Fatalf("the output does not validate: %v", ds)
	}
	got := map[string]bool{}
	for _, inc := range set.Incidents() {
		got[inc.ID] = true
	}
	if len(got) != len(read.Incidents) || len(set.Incidents()) != len(read.Incidents) {
		t.Errorf("%d incidents (%d ids) in the output, %d read", len(set.Incidents()), len(got), len(read.Incidents))
	}
}
