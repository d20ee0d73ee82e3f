package corroborate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/firms"
	"github.com/backstop-dev/backstop/internal/feeds/viina"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// BenchmarkRealJoin scores every VIINA report (191,675, 2023-04 … 2025-08)
// against every FIRMS detection of 2022 and 2023 (232,266), and the
// detections against the reports: the scoring join, without the chance
// estimate. The files are read once, outside the timing.
func BenchmarkRealJoin(b *testing.B) {
	const data = "../../../shared/data"
	if _, err := os.Stat(data); err != nil {
		b.Skipf("%s not found: %v", data, err)
	}
	var incs []model.Incident
	read := func(r feeds.Reader, path string) {
		src, err := feeds.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		res, ds := r.Read(src, feeds.Options{})
		if ds.HasErrors() {
			b.Fatal(ds)
		}
		incs = append(incs, res.Incidents...)
	}
	months, _ := filepath.Glob(filepath.Join(data, "viina", "*.csv.gz"))
	for _, m := range months {
		read(viina.Reader{}, m)
	}
	read(firms.Reader{}, filepath.Join(data, "firms", "ukr_fire_data_2022.csv"))
	read(firms.Reader{}, filepath.Join(data, "firms", "ukr_fire_data_2023.csv"))
	set, ds := load.Paths([]string{"../../examples/corroboration/firms-ground.yaml"}, nil)
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	rules := corroborate.Compile(set.Corroborations()[0])
	b.ResetTimer()
	for b.Loop() {
		corroborate.Corroborate(rules, incs, corroborate.Options{SkipChance: true})
	}
	b.ReportMetric(float64(len(incs)), "incidents")
}
