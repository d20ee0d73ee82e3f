package firms

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/internal/fieldcheck"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestRealFields: the fields of every incident of a real file (kept as
// Columns) are what the map of each row held before: the columns not
// interpreted and the precision.
func TestRealFields(t *testing.T) {
	src := openReal(t, "economist_viirs_2025-08-28.csv")
	res, _ := Reader{}.Read(src, feeds.Options{})
	base := filepath.Base(src.Name)
	added, fromMap := fieldcheck.Check(t, fieldcheck.File{
		Data:        src.Data,
		Interpreted: []string{ColLatitude, ColLongitude, ColDate, ColTime},
		Added:       []string{feeds.FieldTimePrecision},
		Valid:       func(_ *model.Incident, _, v string) bool { return v == "day" || v == "minute" },
		Key:         func(_, _ []string, line int) string { return base + ":" + strconv.Itoa(line) },
	}, res.Incidents)
	if len(res.Incidents) == 0 || added != len(res.Incidents) || fromMap != 0 {
		t.Errorf("%d incidents, %d with fields added, %d with a map", len(res.Incidents), added, fromMap)
	}
}
