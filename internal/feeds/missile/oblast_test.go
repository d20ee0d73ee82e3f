package missile

import (
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// TestOblastPackage extracts the regions of real targets with the project's
// own table, internal/oblast, which reads "Kyiv" alone as the oblast (as
// ACLED does): the places table must turn the city into "Kyiv City" first.
func TestOblastPackage(t *testing.T) {
	o := oblast.New()
	tests := []struct{ target, codes string }{
		{"Kyiv", "UA-30"},
		{"Kyiv oblast", "UA-32"},
		{"Kyiv and Starokostiantyniv", "UA-30,UA-68"},
		{"Odesa oblast and Mykolaiv oblast and Kherson oblast", "UA-51,UA-48,UA-65"},
		{"Odesa and Mykolaiv oblasts", "UA-51,UA-48"},
		{"Dnipropetrovsk oblast, Kryvyi Rih Raion", "UA-12"},
		{"Zaporizhzhia", "UA-23"},
		{"Kharkiv oblast and Donetsk oblast", "UA-63,UA-14"},
		{"Sumy oblast and Kursk oblast", "UA-59"},
		{"Kolomyia", "UA-26"},
		{"south", ""},
		{"Ukraine", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(resolveTarget(tt.target, o).all, ","); got != tt.codes {
			t.Errorf("%q: %q, want %q", tt.target, got, tt.codes)
		}
	}
	res := readReal(t, feeds.Options{Oblasts: o})
	fake := readReal(t, feeds.Options{Oblasts: crosswalk})
	for i, inc := range res.Incidents {
		if inc.Admin1 != fake.Incidents[i].Admin1 || inc.Fields[FieldTargetOblasts] != fake.Incidents[i].Fields[FieldTargetOblasts] {
			t.Errorf("%s %q: %q (%s) with internal/oblast, %q (%s) with the crosswalk's names", inc.ID, inc.Location,
				inc.Admin1, inc.Fields[FieldTargetOblasts], fake.Incidents[i].Admin1, fake.Incidents[i].Fields[FieldTargetOblasts])
		}
	}
}
