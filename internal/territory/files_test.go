package territory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	undated := filepath.Join(dir, "occupied.geojson")
	if err := os.WriteFile(undated, []byte(`{"type":"FeatureCollection","features":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, d, ok := LoadFile(undated, model.Date{}, "--from-date")
	if ok || !strings.HasSuffix(d.Summary, "give its date with --from-date") {
		t.Errorf("an undated file: ok %v, %q; want the flag that dates it named", ok, d.Summary)
	}
	_, d, ok = LoadFile(filepath.Join(dir, "missing.geojson"), model.Date{}, "--date")
	if ok || d.Code != CodeIO {
		t.Errorf("a missing file: ok %v, code %q; want %q", ok, d.Code, CodeIO)
	}
	date, err := model.ParseDate("2025-09-01")
	if err != nil {
		t.Fatal(err)
	}
	_, d, ok = LoadFile(filepath.Join(dir, "missing.geojson"), date, "--date")
	if ok || d.Code != CodeIO || d.Summary != "no such file or directory" {
		t.Errorf("a missing dated file: ok %v, %q %q; want io, no such file or directory", ok, d.Code, d.Summary)
	}
	snaps, ds := LoadPaths([]string{filepath.Join(dir, "missing.geojson"), dir}, model.Date{})
	if len(snaps) != 0 || len(ds) == 0 || ds[0].Code != CodeIO {
		t.Errorf("LoadPaths: %d snapshots, %v; want none and an io error first", len(snaps), ds)
	}
}
