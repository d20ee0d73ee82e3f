package viina

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/internal/fieldcheck"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestRealFields: the fields of every incident of a real month (kept as
// Columns, a report without labels with its labels Blank) are what the
// map of each row held before: the columns not interpreted (the headline), the
// labels and the precision.
func TestRealFields(t *testing.T) {
	src := gunzip(t, "202401", true)
	res, _ := Reader{}.Read(src, feeds.Options{})
	base := filepath.Base(src.Name)
	added, fromMap := fieldcheck.Check(t, fieldcheck.File{
		Data:        src.Data,
		Interpreted: []string{"datetime", "lon", "lat", "place_name", "event_type"},
		Added:       []string{FieldLabels, FieldPrecision},
		Valid: func(inc *model.Incident, k, v string) bool {
			return k == FieldLabels || v == "day" || v == "minute"
		},
		Key: func(_, _ []string, line int) string { return base + ":" + strconv.Itoa(line) },
	}, res.Incidents)
	if len(res.Incidents) < 10000 || added != len(res.Incidents) {
		t.Errorf("%d incidents, %d with fields added", len(res.Incidents), added)
	}
	// A report without labels used to get a map; now none does.
	if fromMap != 0 {
		t.Errorf("%d incidents with their fields in a map", fromMap)
	}
}
