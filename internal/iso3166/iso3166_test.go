package iso3166_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/backstop-dev/backstop/internal/iso3166"
)

func TestAlpha2(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"UKR", "UA", true},
		{"GBR", "GB", true},
		{"USA", "US", true},
		{"TWN", "TW", true},
		{"DEU", "DE", true},
		{"KOR", "KR", true},
		{"TUR", "TR", true},
		{"CHE", "CH", true},
		{"XXX", "", false},
		{"EUU", "", false}, // the World Bank's EU aggregate is not ISO
		{"EU", "", false},  // nor is Kiel's EU
		{"ukr", "", false}, // codes are upper case
		{"UK", "", false},
		{" UKR", "", false},
		{"", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := iso3166.Alpha2(tc.in)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("Alpha2(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestAlpha3(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"UA", "UKR", true},
		{"GB", "GBR", true},
		{"US", "USA", true},
		{"TW", "TWN", true},
		{"FR", "FRA", true},
		{"UK", "", false}, // the United Kingdom is GB
		{"EU", "", false},
		{"ua", "", false},
		{"UKR", "", false},
		{"", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := iso3166.Alpha3(tc.in)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("Alpha3(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"UA", "Ukraine"},
		{"GB", "United Kingdom"},
		{"US", "United States"},
		{"TW", "Taiwan"},      // common_name, not "Taiwan, Province of China"
		{"KR", "South Korea"}, // common_name, not "Korea, Republic of"
		{"TR", "Türkiye"},
		{"EU", ""},
		{"XX", ""},
		{"UKR", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := iso3166.Name(tc.in); got != tc.want {
				t.Errorf("Name(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestPartyID(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"UKR", "UA", true},
		{"GBR", "GB", true},
		{"TWN", "TW", true},
		{"EU", "EU", true},  // Kiel: the EU institutions
		{"EUU", "EU", true}, // World Bank: the EU aggregate
		{"EMU", "", false},  // the euro area is no party
		{"WLD", "", false},
		{"XXX", "", false},
		{"UA", "", false}, // alpha-2 codes are not source codes
		{"eu", "", false},
		{"", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := iso3166.PartyID(tc.in)
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("PartyID(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestCodes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"UA", []string{"UKR"}},
		{"US", []string{"USA"}},
		{"EU", []string{"EU", "EUU"}},
		{"XX", nil},
		{"UKR", nil},
		{"", nil},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := iso3166.Codes(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("Codes(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestRoundTrip checks every entry both ways, and that the table is sorted
// and has no code twice.
func TestRoundTrip(t *testing.T) {
	cs := iso3166.Countries()
	if len(cs) < 240 {
		t.Fatalf("only %d countries", len(cs))
	}
	for i, c := range cs {
		if i > 0 && cs[i-1].Alpha2 >= c.Alpha2 {
			t.Errorf("entry %d: %s after %s: not sorted by alpha-2 or given twice", i, c.Alpha2, cs[i-1].Alpha2)
		}
		if a2, ok := iso3166.Alpha2(c.Alpha3); !ok || a2 != c.Alpha2 {
			t.Errorf("Alpha2(%q) = %q, %v; want %q", c.Alpha3, a2, ok, c.Alpha2)
		}
		if a3, ok := iso3166.Alpha3(c.Alpha2); !ok || a3 != c.Alpha3 {
			t.Errorf("Alpha3(%q) = %q, %v; want %q", c.Alpha2, a3, ok, c.Alpha3)
		}
		if p, ok := iso3166.PartyID(c.Alpha3); !ok || p != c.Alpha2 {
			t.Errorf("PartyID(%q) = %q, %v; want %q", c.Alpha3, p, ok, c.Alpha2)
		}
		if got := iso3166.Name(c.Alpha2); got != c.Name || got == "" {
			t.Errorf("Name(%q) = %q, want %q", c.Alpha2, got, c.Name)
		}
	}
}

// TestNonISO checks that the non-ISO codes stay out of the ISO table and
// round-trip through PartyID and Codes.
func TestNonISO(t *testing.T) {
	for _, n := range iso3166.NonISO() {
		if _, ok := iso3166.Alpha2(n.Code); ok {
			t.Errorf("non-ISO code %q is also an ISO alpha-3 code", n.Code)
		}
		if p, ok := iso3166.PartyID(n.Code); !ok || p != n.Party {
			t.Errorf("PartyID(%q) = %q, %v; want %q", n.Code, p, ok, n.Party)
		}
		if !slices.Contains(iso3166.Codes(n.Party), n.Code) {
			t.Errorf("Codes(%q) = %q, missing %q", n.Party, iso3166.Codes(n.Party), n.Code)
		}
		if n.Source == "" || n.Means == "" {
			t.Errorf("non-ISO code %q is not documented: %+v", n.Code, n)
		}
	}
}

// TestTableMatchesSource compares the generated table with the iso-codes
// JSON it was generated from, when that file is installed: a difference
// means countries.go is stale (run go generate ./internal/iso3166).
func TestTableMatchesSource(t *testing.T) {
	const path = "/usr/share/iso-codes/json/iso_3166-1.json"
	src, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("%s not installed (Debian package iso-codes); the table cannot be compared with its source", path)
	}
	var doc map[string][]struct {
		Alpha2     string `json:"alpha_2"`
		Alpha3     string `json:"alpha_3"`
		Name       string `json:"name"`
		CommonName string `json:"common_name"`
	}
	if err := json.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	entries := doc["3166-1"]
	if len(entries) != len(iso3166.Countries()) {
		t.Errorf("%s has %d entries, the table %d: run go generate ./internal/iso3166", path, len(entries), len(iso3166.Countries()))
	}
	for _, e := range entries {
		want := e.Name
		if e.CommonName != "" {
			want = e.CommonName
		}
		if a3, _ := iso3166.Alpha3(e.Alpha2); a3 != e.Alpha3 || iso3166.Name(e.Alpha2) != want {
			t.Errorf("%s: table has %q %q, source %q %q: run go generate ./internal/iso3166", e.Alpha2, a3, iso3166.Name(e.Alpha2), e.Alpha3, want)
		}
	}
}
