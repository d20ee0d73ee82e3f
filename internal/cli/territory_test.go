package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/golden"
)

// Paths as a user at the repository's root writes them.
const (
	terrSnap0815 = "../shared/data/deepstate/deepstatemap_data_20250815.geojson"
	terrSnap0901 = "../shared/data/deepstate/deepstatemap_data_20250901.geojson"
	terrSnap0822 = "../shared/data/deepstate/deepstatemap_data_20260822.geojson"
	terrOblasts  = "../shared/data/ua-oblasts/oblast.geojson"
)

// territoryAtRoot moves the test to the repository's root and skips it
// when the shared data sets are absent.
func territoryAtRoot(t *testing.T) (goldenDir, tmp string) {
	t.Helper()
	goldenDir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	tmp = t.TempDir()
	t.Chdir("../..")
	for _, p := range []string{terrSnap0901, terrOblasts} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s is absent: the territory tests need the shared data sets next to the repository", p)
		}
	}
	return goldenDir, tmp
}

func runTerritoryT(args ...string) (exit int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	exit = runTerritory(args, Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return exit, out.String(), errOut.String()
}

// territoryCase is a run of `backstop territory` and what it must give.
type territoryCase struct {
	name   string
	args   []string
	exit   int
	golden bool   // compare stdout with testdata/<name>.golden
	stdout string // a line stdout must hold
	stderr string // stderr, exactly, with tmp written TMP
}

// territorySeriesCases are the cases of diff's series forms, FOLDER and
// --pairs FILE, on the files territorySeries writes in tmp.
func territorySeriesCases(t *testing.T, tmp string) []territoryCase {
	series, pairs := territorySeries(t, tmp)
	return []territoryCase{
		{name: "territory-diff-pairs-by-oblast", args: []string{"diff", "--pairs", pairs, "--oblasts", terrOblasts}, golden: true},
		{name: "territory-diff-folder-json", args: []string{"diff", series, "--format", "json"}, golden: true},
		{name: "diff-pairs-reference", args: []string{"diff", "--pairs", "../shared/data/deepstate/changes_computed.csv"},
			stdout: "2025-09-01  2026-08-22      2,397.0        131.5     +2,265.5"},
		{name: "diff-pairs-bad-rows", args: []string{"diff", "--pairs", filepath.Join(tmp, "bad-rows.csv")}, exit: 1, stdout: "2025-08-15  2025-09-01",
			stderr: "TMP/bad-rows.csv:3:1: error: the row names no pair: from and to must both be given\n" +
				"TMP/occupied.geojson: error: no date in the file name; name it deepstatemap_data_YYYYMMDD.geojson to compare it in a series of pairs\n"},
		{name: "diff-pairs-missing-snapshot", args: []string{"diff", "--pairs", filepath.Join(tmp, "missing.csv")}, exit: 2,
			stderr: "TMP/deepstatemap_data_20240101.geojson: error: no such file or directory\n"},
		{name: "diff-pairs-no-columns", args: []string{"diff", "--pairs", filepath.Join(tmp, "no-columns.csv")}, exit: 2,
			stderr: "backstop territory: --pairs TMP/no-columns.csv: the first line must name the columns from and to (other columns are ignored)\n"},
		{name: "diff-pairs-absent", args: []string{"diff", "--pairs", "no-such.csv"}, exit: 2,
			stderr: "no-such.csv: error: --pairs: no such file or directory\nbackstop territory: nothing compared\n"},
		{name: "diff-pairs-and-files", args: []string{"diff", "--pairs", pairs, terrSnap0901}, exit: 2,
			stderr: "backstop territory: diff: --pairs FILE names the pairs; give no FROM, TO or FOLDER with it (1 given)\n"},
		{name: "diff-folder-from-date", args: []string{"diff", series, "--from-date", "2025-09-01"}, exit: 2,
			stderr: "backstop territory: diff: --from-date and --to-date date a single FROM and TO; the snapshots of a folder or of --pairs are dated by their names\n"},
		{name: "diff-folder-one-snapshot", args: []string{"diff", filepath.Join(series, "one")}, exit: 2,
			stderr: "backstop territory diff: no pair of snapshots to compare in TMP/series/one (a folder needs two snapshots, deepstatemap_data_YYYYMMDD.geojson)\n"},
		{name: "pairs-with-area", args: []string{"area", terrSnap0901, "--pairs", pairs}, exit: 2,
			stderr: "backstop territory: area takes no --pairs (it is diff's)\n"},
	}
}

func TestTerritoryCommand(t *testing.T) {
	goldenDir, tmp := territoryAtRoot(t)
	square := `{"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51], [30, 50]]]}`
	files := map[string]string{
		"occupied.geojson":                   square,
		"deepstatemap_data_20250101.geojson": `{"type": "Polygon", "coordinates": [[[30, 50], [31, 50]]]}`,
		"deepstatemap_data_20250102.geojson": square,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	undated, broken, dated := filepath.Join(tmp, "occupied.geojson"), filepath.Join(tmp, "deepstatemap_data_20250101.geojson"), filepath.Join(tmp, "deepstatemap_data_20250102.geojson")
	cases := []territoryCase{
		{name: "territory-help", args: []string{"--help"}, golden: true},
		{name: "area-help", args: []string{"area", "-h"}, stdout: "Usage: backstop territory area"},
		{name: "territory-area", args: []string{"area", terrSnap0815, terrSnap0901}, golden: true},
		{name: "territory-diff", args: []string{"diff", terrSnap0901, terrSnap0822}, golden: true},
		{name: "territory-diff-by-oblast", args: []string{"diff", terrSnap0815, terrSnap0901, "--by-oblast", "--oblasts", terrOblasts}, golden: true},
		{name: "territory-diff-json", args: []string{"diff", "--format=json", terrSnap0901, terrSnap0822, "--oblasts", terrOblasts}, golden: true},
		{name: "area-folder", args: []string{"area", "../shared/data/deepstate"}, stdout: "2026-08-22        116,995.5        21     2,953  ../shared/data/deepstate/deepstatemap_data_20260822.geojson"},
		{name: "area-undated", args: []string{"area", undated}, exit: 1,
			stderr: "TMP/occupied.geojson: error: no date in the file name; name the file deepstatemap_data_YYYYMMDD.geojson or give its date with --date\n"},
		{name: "area-date", args: []string{"area", undated, "--date", "2025-09-01"}, stdout: "2025-09-01          7,892.2         1         5  TMP/occupied.geojson"},
		{name: "area-broken", args: []string{"area", broken, dated}, exit: 1, stdout: "2025-01-02",
			stderr: "TMP/deepstatemap_data_20250101.geojson:1:37: error: a ring needs at least 4 positions; this one has 2\n"},
		{name: "area-missing", args: []string{"area", "no-such.geojson", terrSnap0901}, exit: 2, stdout: "2025-09-01",
			stderr: "no-such.geojson: error: no such file or directory\n"},
		{name: "diff-undated", args: []string{"diff", terrSnap0901, undated}, exit: 1,
			stderr: "TMP/occupied.geojson: error: no date in the file name; name the file deepstatemap_data_YYYYMMDD.geojson or give its date with --to-date\nbackstop territory: nothing compared\n"},
		{name: "diff-dated", args: []string{"diff", undated, dated, "--from-date", "2024-12-31"}, stdout: "from  2024-12-31"},
		{name: "diff-missing", args: []string{"diff", terrSnap0901, "no-such.geojson"}, exit: 2,
			stderr: "no-such.geojson: error: no such file or directory\nbackstop territory: nothing compared\n"},
		{name: "diff-oblasts-missing", args: []string{"diff", terrSnap0901, terrSnap0822, "--oblasts", "no-such.geojson"}, exit: 2,
			stderr: "no-such.geojson: error: --oblasts: no such file or directory\nbackstop territory: nothing compared\n"},
		{name: "diff-oblasts-invalid", args: []string{"diff", terrSnap0901, terrSnap0822, "--oblasts", terrSnap0815}, exit: 1,
			stderr: terrSnap0815 + ":6:1: error: the feature has no ADMIN_1 property naming its unit\n" +
				terrSnap0815 + ": error: no polygons for UA-05, UA-07, UA-09, UA-12, UA-14, UA-18, UA-21, UA-23, UA-26, UA-30, UA-32, UA-35, UA-40, UA-43, UA-46, UA-48, UA-51, UA-53, UA-56, UA-59, UA-61, UA-63, UA-65, UA-68, UA-71, UA-74, UA-77; the file must hold all 27 units\n" +
				"backstop territory: nothing compared\n"},
		{name: "by-oblast-without-oblasts", args: []string{"diff", terrSnap0901, terrSnap0822, "--by-oblast"}, exit: 2,
			stderr: "backstop territory: diff: --by-oblast needs --oblasts FILE, the polygons of the oblasts (for example ../shared/data/ua-oblasts/oblast.geojson)\n"},
		{name: "no-subcommand", args: nil, exit: 2},
		{name: "unknown-subcommand", args: []string{"areas", terrSnap0901}, exit: 2, stderr: "backstop territory: unknown subcommand \"areas\"; use area or diff\n"},
		{name: "area-no-files", args: []string{"area"}, exit: 2},
		{name: "diff-one-file", args: []string{"diff", terrSnap0901}, exit: 2},
		{name: "bad-format", args: []string{"area", terrSnap0901, "--format", "csv"}, exit: 2, stderr: "backstop territory: unknown format \"csv\"; use table or json\n"},
		{name: "bad-date", args: []string{"area", undated, "--date", "2025-02-30"}, exit: 2,
			stderr: "backstop territory: --date: invalid date \"2025-02-30\"; expected YYYY-MM-DD or RFC 3339 (for example 2025-09-01 or 2025-09-01T12:00:00Z)\n"},
		{name: "date-with-two-files", args: []string{"area", terrSnap0815, terrSnap0901, "--date", "2025-09-01"}, exit: 2,
			stderr: "backstop territory: area: --date dates a single FILE, and 2 are given\n"},
		{name: "date-with-diff", args: []string{"diff", terrSnap0815, terrSnap0901, "--date", "2025-09-01"}, exit: 2},
		{name: "oblasts-with-area", args: []string{"area", terrSnap0901, "--oblasts", terrOblasts}, exit: 2},
		{name: "bad-flag", args: []string{"area", terrSnap0901, "--by-oblasts"}, exit: 2},
	}
	for _, c := range append(cases, territorySeriesCases(t, tmp)...) {
		t.Run(c.name, func(t *testing.T) { c.check(t, goldenDir, tmp) })
	}
}

// check runs the case, the files it names in tmp and its golden file in
// goldenDir.
func (c territoryCase) check(t *testing.T, goldenDir, tmp string) {
	exit, stdout, stderr := runTerritoryT(c.args...)
	stdout = strings.ReplaceAll(stdout, tmp, "TMP")
	stderr = strings.ReplaceAll(stderr, tmp, "TMP")
	if exit != c.exit {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", exit, c.exit, stdout, stderr)
	}
	if c.exit == ExitUsage && stderr == "" {
		t.Error("a usage error must say what is wrong")
	}
	if c.stderr != "" && stderr != c.stderr {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, c.stderr)
	}
	if c.stdout != "" && !strings.Contains(stdout, c.stdout) {
		t.Errorf("stdout lacks %q:\n%s", c.stdout, stdout)
	}
	if c.golden {
		if stderr != "" {
			t.Errorf("stderr: %s", stderr)
		}
		golden.Compare(t, filepath.Join(goldenDir, c.name+".golden"), stdout)
	}
}

// territorySeries writes, in tmp, a folder of three shipped snapshots
// (linked) and one with a single snapshot in it, series/one; and pairs
// files: pairs.csv, whose cells are a date (a link in tmp) and absolute
// paths, and the broken bad-rows.csv, missing.csv and no-columns.csv.
func territorySeries(t *testing.T, tmp string) (series, pairs string) {
	t.Helper()
	series = filepath.Join(tmp, "series")
	if err := os.MkdirAll(filepath.Join(series, "one"), 0o755); err != nil {
		t.Fatal(err)
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	links := map[string]string{
		filepath.Join(series, filepath.Base(terrSnap0815)):        terrSnap0815,
		filepath.Join(series, filepath.Base(terrSnap0901)):        terrSnap0901,
		filepath.Join(series, filepath.Base(terrSnap0822)):        terrSnap0822,
		filepath.Join(series, "one", filepath.Base(terrSnap0901)): terrSnap0901,
		filepath.Join(tmp, filepath.Base(terrSnap0815)):           terrSnap0815,
	}
	for link, target := range links {
		if err := os.Symlink(abs(target), link); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"pairs.csv":      "kind,from,to\nbaseline,2025-08-15," + abs(terrSnap0901) + "\nbaseline," + abs(terrSnap0901) + "," + abs(terrSnap0822) + "\n",
		"bad-rows.csv":   "from,to\n2025-08-15," + abs(terrSnap0901) + "\n2025-08-15,\noccupied.geojson,2025-08-15\n",
		"missing.csv":    "from,to\n2024-01-01,2025-08-15\n",
		"no-columns.csv": "a,b\n2025-08-15,2025-09-01\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return series, filepath.Join(tmp, "pairs.csv")
}

// TestTerritoryJSON checks the JSON views' shapes (docs/territory.md):
// every field present, lists never null.
func TestTerritoryJSON(t *testing.T) {
	territoryAtRoot(t)
	exit, stdout, stderr := runTerritoryT("area", "../shared/data/deepstate", "--format", "json")
	var area struct {
		FormatVersion *int             `json:"format_version"`
		Snapshots     []map[string]any `json:"snapshots"`
	}
	if err := json.Unmarshal([]byte(stdout), &area); exit != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s", exit, err, stderr)
	}
	if area.FormatVersion == nil || *area.FormatVersion != 1 || len(area.Snapshots) != 86 {
		t.Errorf("format_version %v, %d snapshots", area.FormatVersion, len(area.Snapshots))
	}
	for _, k := range []string{"date", "file", "area_km2", "polygons", "vertices"} {
		if _, ok := area.Snapshots[0][k]; !ok {
			t.Errorf("a snapshot lacks %q: %v", k, area.Snapshots[0])
		}
	}
	if area.Snapshots[0]["date"] != "2024-07-08" || area.Snapshots[0]["area_km2"] != 109361.451 {
		t.Errorf("first snapshot %v, want 2024-07-08 of 109,361.451 km²", area.Snapshots[0])
	}

	_, stdout, _ = runTerritoryT("area", "no-such-file.geojson", "--format", "json")
	if !strings.Contains(stdout, `"snapshots": []`) {
		t.Errorf("no snapshots must be an empty list:\n%s", stdout)
	}

	// The 131 reference rows, in one process (docs/territory.md).
	exit, stdout, stderr = runTerritoryT("diff", "--pairs", "../shared/data/deepstate/changes_computed.csv", "--format", "json")
	var diffs struct {
		FormatVersion int              `json:"format_version"`
		Diffs         []map[string]any `json:"diffs"`
	}
	if err := json.Unmarshal([]byte(stdout), &diffs); exit != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s", exit, err, stderr)
	}
	if diffs.FormatVersion != 1 || len(diffs.Diffs) != 131 || diffs.Diffs[0]["gained_km2"] != 136.438 {
		t.Errorf("format_version %d, %d diffs, the first %v; want 131, the first gaining 136.438 km²", diffs.FormatVersion, len(diffs.Diffs), diffs.Diffs[0])
	}

	for _, byOblast := range []bool{false, true} {
		args := []string{"diff", terrSnap0815, terrSnap0901, "--format", "json"}
		if byOblast {
			args = append(args, "--oblasts", terrOblasts)
		}
		exit, stdout, stderr := runTerritoryT(args...)
		var diff map[string]any
		if err := json.Unmarshal([]byte(stdout), &diff); exit != 0 || err != nil {
			t.Fatalf("exit %d, %v\n%s", exit, err, stderr)
		}
		for _, k := range []string{"format_version", "from", "to", "gained_km2", "lost_km2", "net_km2", "by_oblast", "outside_oblasts"} {
			if _, ok := diff[k]; !ok {
				t.Errorf("diff lacks %q", k)
			}
		}
		list, isList := diff["by_oblast"].([]any)
		if !isList || (len(list) > 0) != byOblast || (diff["outside_oblasts"] != nil) != byOblast {
			t.Errorf("by oblast %v: by_oblast %v, outside_oblasts %v", byOblast, diff["by_oblast"], diff["outside_oblasts"])
		}
	}
}
