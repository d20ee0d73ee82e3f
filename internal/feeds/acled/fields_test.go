package acled

import (
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/internal/fieldcheck"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestRealFields: the fields of every incident of the real file (kept as
// Columns) are what the map of each row held before: the columns not
// interpreted, the precision as a word and admin1 as written when it was
// normalised.
func TestRealFields(t *testing.T) {
	src := openReal(t)
	res, _ := Reader{}.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
	added, fromMap := fieldcheck.Check(t, fieldcheck.File{
		Data: src.Data,
		Interpreted: []string{ColID, ColDate, ColSubEvent, ColPrecision, ColActor, ColCountry,
			ColAdmin1, ColLocation, ColLatitude, ColLongitude, ColFatalities},
		Added: []string{feeds.FieldTimePrecision, ColAdmin1},
		Valid: func(inc *model.Incident, k, v string) bool {
			if k == ColAdmin1 {
				return v != inc.Admin1
			}
			return v == "day" || v == "week" || v == "month"
		},
		Key: func(header, rec []string, _ int) string {
			return strings.TrimSpace(rec[feeds.NewHeader(header).Index(ColID)])
		},
	}, res.Incidents)
	if len(res.Incidents) != 1000 || added != len(res.Incidents) || fromMap != 0 {
		t.Errorf("%d incidents, %d with fields added, %d with a map", len(res.Incidents), added, fromMap)
	}
}
