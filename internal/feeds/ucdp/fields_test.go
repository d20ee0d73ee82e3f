package ucdp

import (
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/internal/fieldcheck"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestRealFields: the fields of every incident of both real files (kept
// as Columns) are what the map of each row held before: the columns not
// interpreted, date_end as a date, the precision as a word and adm_1 as
// written when it was normalised.
func TestRealFields(t *testing.T) {
	for _, path := range []string{cleanFile, excelFile} {
		t.Run(path, func(t *testing.T) {
			src := openReal(t, path)
			res, _ := Reader{}.Read(src, feeds.Options{Oblasts: fakeOblasts{}})
			added, fromMap := fieldcheck.Check(t, fieldcheck.File{
				Data: src.Data,
				Interpreted: []string{ColID, ColStart, ColEnd, ColViolence, ColSideA, ColCountry,
					ColAdmin1, ColWhere, ColLatitude, ColLongitude, ColFatalities},
				Added: []string{ColEnd, feeds.FieldTimePrecision, ColAdmin1},
				Valid: func(inc *model.Incident, k, v string) bool {
					switch k {
					case ColAdmin1:
						return v != inc.Admin1
					case ColEnd:
						_, err := time.Parse(feeds.LayoutDate, v)
						return err == nil
					}
					return v != ""
				},
				Key: func(header, rec []string, _ int) string {
					return strings.TrimSpace(rec[feeds.NewHeader(header).Index(ColID)])
				},
			}, res.Incidents)
			if len(res.Incidents) < 800 || added != len(res.Incidents) || fromMap != 0 {
				t.Errorf("%d incidents, %d with fields added, %d with a map", len(res.Incidents), added, fromMap)
			}
		})
	}
}
