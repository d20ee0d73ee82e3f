package territory

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestReadPairs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	abs := filepath.Join(dir, "elsewhere", "x.geojson")
	p := write("pairs.csv", "\ufeffkind, From ,to\nk,2025-09-01,sub/a.geojson\nk,"+abs+",2025-02-30\nk,,2025-09-01\nk,2025-09-01\n")
	pairs, ds, err := ReadPairs(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{
		{From: filepath.Join(dir, "deepstatemap_data_20250901.geojson"), To: filepath.Join(dir, "sub", "a.geojson"), Line: 2},
		// Not a date (no 30 February): a path like any other.
		{From: abs, To: filepath.Join(dir, "2025-02-30"), Line: 3},
	}
	if len(pairs) != len(want) || pairs[0] != want[0] || pairs[1] != want[1] {
		t.Errorf("pairs %+v\nwant %+v", pairs, want)
	}
	if len(ds) != 2 || ds[0].Range.Start.Line != 4 || ds[1].Range.Start.Line != 5 || ds[0].Code != CodePairs {
		t.Errorf("diagnostics %v, want rows 4 and 5", ds)
	}
	for _, content := range []string{"", "from,too\n"} {
		if _, _, err := ReadPairs(write("bad.csv", content)); !errors.Is(err, ErrNoPairColumns) {
			t.Errorf("%q: error %v, want ErrNoPairColumns", content, err)
		}
	}
	if _, _, err := ReadPairs(filepath.Join(dir, "absent.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// TestDiffPairsLoadsOnce: a snapshot named by several pairs, under
// different spellings of its path, is read once, and a missing file is
// reported once.
func TestDiffPairsLoadsOnce(t *testing.T) {
	a, b := snapshotPath("2025-08-15"), snapshotPath("2025-09-01")
	snapshot(t, "2025-09-01") // skips the test without the data
	missing := filepath.Join(t.TempDir(), "deepstatemap_data_20240101.geojson")
	pairs := []Pair{{From: a, To: b}, {From: b, To: "./" + a}, {From: missing, To: a}, {From: a, To: missing}}
	var cache Cache
	changes, ds := DiffPairs(pairs, &cache, nil)
	if len(changes) != 2 || len(ds) != 1 || ds[0].Code != CodeIO {
		t.Fatalf("%d changes, diagnostics %v; want 2 and one CodeIO", len(changes), ds)
	}
	if changes[0].From != changes[1].To || changes[0].To != changes[1].From {
		t.Error("a file named twice was read twice")
	}
	if c := changes[1].Change; math.Abs(c.GainedKm2-changes[0].LostKm2) > 1e-6 || math.Abs(c.NetKm2+changes[0].NetKm2) > 1e-6 {
		t.Errorf("reversed pair: %v against %v", c, changes[0].Change)
	}
}
