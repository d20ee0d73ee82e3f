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
	for _, c := range []struct {
		name   string
		args   []string
		exit   int
		golden bool   // compare stdout with testdata/<name>.golden
		stdout string // a line stdout must hold
		stderr string // stderr, exactly, with tmp written TMP
	}{
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
	} {
		t.Run(c.name, func(t *testing.T) {
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
		})
	}
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
