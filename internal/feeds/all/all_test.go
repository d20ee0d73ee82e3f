package all

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/backstop-dev/backstop/internal/feeds"
)

// TestDetectRealFiles checks that every shipped data set is recognised as
// its own format, and as exactly one.
func TestDetectRealFiles(t *testing.T) {
	const data = "../../../../shared/data"
	if _, err := os.Stat(data); err != nil {
		t.Skipf("%s not found (../shared sits beside the repository in CI): %v", data, err)
	}
	for _, tc := range []struct{ file, format string }{
		{"acled-ukraine-sample/ACLED-Ukraine.csv", "acled"},
		{"ucdp-ged-ukraine/UCDP-Ukraine.csv", "ucdp"},
		{"ucdp-ged-ukraine/UCDP-Ukraine_2022-2023_excel-edited.csv", "ucdp"},
		{"missile-attacks/missile_attacks_daily.csv", "missile"},
		{"air-raid-alerts/official_data_en_2024-01-01_to_2024-04-23.csv", "alerts"},
		{"viina/viina_incidents_202401.csv.gz", "viina"},
		{"firms/ukr_fire_data_2022.csv", "firms"},
		{"firms/economist_viirs_2025-08-28.csv", "firms"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src, err := feeds.Open(filepath.Join(data, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Detect(src)
			if err != nil {
				t.Fatal(err)
			}
			if r.Format() != tc.format {
				t.Errorf("detected %s, want %s", r.Format(), tc.format)
			}
		})
	}
}

func TestDetectUnknown(t *testing.T) {
	src, err := feeds.NewSource("x.csv", []byte("a,b,c\n1,2,3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Detect(src); err == nil {
		t.Error("a CSV of no known format must not be detected")
	}
	if _, err := ByFormat("acled"); err != nil {
		t.Error(err)
	}
	if _, err := ByFormat("gdelt"); err == nil {
		t.Error("unknown format accepted")
	}
}
