package model_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/model"
)

// durationCases are the valid inputs of ParseDuration and the exact value
// each one stands for.
var durationCases = []struct {
	in   string
	want time.Duration
}{
	{"90m", 90 * time.Minute},
	{"24h", 24 * time.Hour},
	{"30d", 30 * 24 * time.Hour},
	{"1d12h", 36 * time.Hour},
	{"0h", 0},
	{"1h30m", 90 * time.Minute},
	{"0", 0},
	{"1d", 24 * time.Hour},
	{"2d", 48 * time.Hour},
	{"1d0s", 24 * time.Hour},
	{"1h0m", time.Hour},
	{"10m", 10 * time.Minute},
	{"30s", 30 * time.Second},
	{"1.5h", 90 * time.Minute},
	{"1d1ns", 24*time.Hour + time.Nanosecond},
	{"36600d", 36600 * 24 * time.Hour},
}

// invalidDurations are refused by ParseDuration.
var invalidDurations = []string{
	"", "24hours", "-1h", "d", "1 day", "+5h", "30dd",
	"1d-1h", "1d+1h", "-1d", "h", "24", "36601d", "1D", " 24h", "24h ",
	"36600d1h", "36600d2562047h", // past a century; the second once overflowed into a negative duration
}

// roundTripDurations are inputs whose String() must parse back to the
// same value, beyond those of durationCases.
var roundTripDurations = []string{
	"1µs", "59.999999999s", "1d23h59m59.999999999s", "36599d2h", "49h30s", "10m", "30s", "1.5s", "1d1m",
}

func TestParseDuration(t *testing.T) {
	for _, tc := range durationCases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := model.ParseDuration(tc.in)
			if err != nil {
				t.Fatalf("ParseDuration(%q) error: %v", tc.in, err)
			}
			if time.Duration(got) != tc.want {
				t.Errorf("ParseDuration(%q) = %v, want %v", tc.in, time.Duration(got), tc.want)
			}
			var u model.Duration
			if err := u.UnmarshalText([]byte(tc.in)); err != nil || u != got {
				t.Errorf("UnmarshalText(%q) = %v, %v; want %v, nil", tc.in, time.Duration(u), err, tc.want)
			}
		})
	}
}

func TestParseDurationInvalid(t *testing.T) {
	for _, in := range invalidDurations {
		t.Run(in, func(t *testing.T) {
			got, err := model.ParseDuration(in)
			if err == nil {
				t.Fatalf("ParseDuration(%q) = %v, want an error", in, time.Duration(got))
			}
			if got != 0 {
				t.Errorf("ParseDuration(%q) returned %v with its error, want 0", in, time.Duration(got))
			}
			if !strings.Contains(err.Error(), `"`+in+`"`) || !strings.Contains(err.Error(), "24h") {
				t.Errorf("error %q should quote the input and give an example", err)
			}
			u := model.Duration(time.Hour)
			if err := u.UnmarshalText([]byte(in)); err == nil {
				t.Errorf("UnmarshalText(%q) succeeded", in)
			}
			if u != model.Duration(time.Hour) {
				t.Errorf("UnmarshalText(%q) changed the value to %v on error", in, time.Duration(u))
			}
		})
	}
}

// TestDurationString checks the documented format: a whole number of days
// is written in days. Other values are only required to round-trip
// (TestDurationRoundTrip), so their exact spelling is not pinned here.
func TestDurationString(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{24 * time.Hour, "1d"},
		{48 * time.Hour, "2d"},
		{30 * 24 * time.Hour, "30d"},
		{366 * 24 * time.Hour, "366d"},
		{36600 * 24 * time.Hour, "36600d"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := model.Duration(tc.d).String(); got != tc.want {
				t.Errorf("Duration(%v).String() = %q, want %q", tc.d, got, tc.want)
			}
			b, err := model.Duration(tc.d).MarshalText()
			if err != nil || string(b) != tc.want {
				t.Errorf("MarshalText = %q, %v; want %q", b, err, tc.want)
			}
		})
	}
}

func TestDurationRoundTrip(t *testing.T) {
	inputs := slices.Clone(roundTripDurations)
	for _, tc := range durationCases {
		inputs = append(inputs, tc.in)
	}
	for _, in := range inputs {
		t.Run(in, func(t *testing.T) {
			d, err := model.ParseDuration(in)
			if err != nil {
				t.Fatalf("ParseDuration(%q): %v", in, err)
			}
			s := d.String()
			back, err := model.ParseDuration(s)
			if err != nil {
				t.Fatalf("ParseDuration(%q) (String of %q): %v", s, in, err)
			}
			if back != d {
				t.Errorf("%q -> %v -> %q -> %v", in, time.Duration(d), s, time.Duration(back))
			}
		})
	}
}

// validDates parse, and String() gives them back.
var validDates = []string{
	"2025-09-01", "2024-02-29", "2000-02-29", "2025-12-31", "1999-01-01", "9999-12-31",
}

var invalidDates = []string{
	"", "2025-02-30", "2023-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-00-10",
	"2025-01-00", "2025-9-1", "2025-09-1", "25-09-01", "01/09/2025", "2025/09/01",
	"2025-09-01T00:00:00Z", " 2025-09-01", "2025-09-01 ", "now", "20250901",
	"0001-01-01", "1899-12-31", // before 1900; the first once read as the zero Date, "not given"
}

func TestParseDate(t *testing.T) {
	for _, in := range validDates {
		t.Run(in, func(t *testing.T) {
			d, err := model.ParseDate(in)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", in, err)
			}
			if got := d.String(); got != in {
				t.Errorf("String() = %q, want %q", got, in)
			}
			if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Nanosecond() != 0 {
				t.Errorf("ParseDate(%q) = %v, want UTC midnight", in, d.Time)
			}
			b, err := d.MarshalText()
			if err != nil || string(b) != in {
				t.Errorf("MarshalText = %q, %v", b, err)
			}
			var u model.Date
			if err := u.UnmarshalText([]byte(in)); err != nil || !u.Equal(d.Time) {
				t.Errorf("UnmarshalText(%q) = %v, %v", in, u, err)
			}
		})
	}
	t.Run("exact value", func(t *testing.T) {
		d := model.MustDate("2024-02-29")
		if want := time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC); !d.Equal(want) {
			t.Errorf("MustDate(2024-02-29) = %v, want %v", d.Time, want)
		}
	})
	for _, in := range invalidDates {
		t.Run("invalid/"+in, func(t *testing.T) {
			d, err := model.ParseDate(in)
			if err == nil {
				t.Fatalf("ParseDate(%q) = %v, want an error", in, d)
			}
			if !d.IsZero() {
				t.Errorf("ParseDate(%q) returned %v with its error", in, d)
			}
			if !strings.Contains(err.Error(), "YYYY-MM-DD") {
				t.Errorf("error %q does not give the expected syntax", err)
			}
		})
	}
}

func TestMustDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustDate(2025-02-30) did not panic")
		}
	}()
	model.MustDate("2025-02-30")
}

func TestZeroDate(t *testing.T) {
	var d model.Date
	if d.String() != "" {
		t.Errorf("zero Date String() = %q", d.String())
	}
	if b, err := d.MarshalText(); err != nil || len(b) != 0 {
		t.Errorf("zero Date MarshalText = %q, %v", b, err)
	}
}

func TestAvailabilityUnmarshalText(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    model.Availability
		wantErr bool
	}{
		{in: "now", want: model.Availability{Now: true}},
		{in: "2026-01-15", want: model.Availability{Date: model.MustDate("2026-01-15")}},
		{in: "2024-02-29", want: model.Availability{Date: model.MustDate("2024-02-29")}},
		{in: "soon", wantErr: true},
		{in: "Now", wantErr: true},
		{in: "", wantErr: true},
		{in: "2025-02-30", wantErr: true},
		{in: "15/01/2026", wantErr: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var a model.Availability
			err := a.UnmarshalText([]byte(tc.in))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("UnmarshalText(%q) = %+v, want an error", tc.in, a)
				}
				if !strings.Contains(err.Error(), "now") || !strings.Contains(err.Error(), "YYYY-MM-DD") {
					t.Errorf("error %q should name both accepted forms", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("UnmarshalText(%q): %v", tc.in, err)
			}
			if a.Now != tc.want.Now || !a.Date.Equal(tc.want.Date.Time) {
				t.Errorf("UnmarshalText(%q) = %+v, want %+v", tc.in, a, tc.want)
			}
			b, err := a.MarshalText()
			if err != nil || string(b) != tc.in {
				t.Errorf("MarshalText = %q, %v; want %q", b, err, tc.in)
			}
		})
	}
}

func TestAvailabilityAvailableBy(t *testing.T) {
	on := model.MustDate("2026-01-15")
	for _, tc := range []struct {
		name string
		a    model.Availability
		day  string
		want bool
	}{
		{"now", model.Availability{Now: true}, "2025-01-01", true},
		{"zero means now", model.Availability{}, "2025-01-01", true},
		{"day before", model.Availability{Date: on}, "2026-01-14", false},
		{"same day", model.Availability{Date: on}, "2026-01-15", true},
		{"day after", model.Availability{Date: on}, "2026-01-16", true},
		{"year before", model.Availability{Date: on}, "2025-01-15", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.AvailableBy(model.MustDate(tc.day)); got != tc.want {
				t.Errorf("%+v.AvailableBy(%s) = %v, want %v", tc.a, tc.day, got, tc.want)
			}
		})
	}
}

func TestTimestampUnmarshalText(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "2025-09-14T03:10:00Z", want: time.Date(2025, 9, 14, 3, 10, 0, 0, time.UTC)},
		{in: "2025-09-14T03:10:00+03:00", want: time.Date(2025, 9, 14, 0, 10, 0, 0, time.UTC)},
		{in: "2025-09-14T01:30:00-02:00", want: time.Date(2025, 9, 14, 3, 30, 0, 0, time.UTC)},
		{in: "2025-09-14T03:10:00.5Z", want: time.Date(2025, 9, 14, 3, 10, 0, 500_000_000, time.UTC)},
		{in: "2025-09-14T03:10:00.123456789Z", want: time.Date(2025, 9, 14, 3, 10, 0, 123456789, time.UTC)},
		{in: "2025-09-14", want: time.Date(2025, 9, 14, 0, 0, 0, 0, time.UTC)},
		{in: "14/09/2025", wantErr: true},
		{in: "2025-09-14T03:10:00", wantErr: true},
		{in: "2025-09-14 03:10:00Z", wantErr: true},
		{in: "2025-02-30", wantErr: true},
		{in: "", wantErr: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			var ts model.Timestamp
			err := ts.UnmarshalText([]byte(tc.in))
			if tc.wantErr {
				if err == nil {
					t.Fatalf("UnmarshalText(%q) = %v, want an error", tc.in, ts.Time)
				}
				if !strings.Contains(err.Error(), "RFC 3339") {
					t.Errorf("error %q does not name RFC 3339", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("UnmarshalText(%q): %v", tc.in, err)
			}
			if !ts.Equal(tc.want) {
				t.Errorf("UnmarshalText(%q) = %v, want %v", tc.in, ts.Time, tc.want)
			}
			if ts.Location() != time.UTC {
				t.Errorf("UnmarshalText(%q) location = %v, want UTC", tc.in, ts.Location())
			}
			b, err := ts.MarshalText()
			if err != nil || string(b) != tc.want.Format(time.RFC3339Nano) {
				t.Errorf("MarshalText = %q, %v; want %q", b, err, tc.want.Format(time.RFC3339Nano))
			}
		})
	}
}

func TestValidPartyID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"US", true},
		{"UA", true},
		{"EU", true},
		{"UK", true},
		{"EU-27", true},
		{"NATO_HQ", true},
		{"ABCDEFGH", true},
		{"A1", true},
		{"U", false},
		{"ABCDEFGHI", false},
		{"us", false},
		{"Us", false},
		{"1US", false},
		{"-US", false},
		{"U S", false},
		{"US.", false},
		{"", false},
		{"US\n", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := model.ValidPartyID(tc.in); got != tc.want {
				t.Errorf("ValidPartyID(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestValidSlug(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"guarantees-agreed", true},
		{"a", true},
		{"step1", true},
		{"1", true},
		{"ukraine-2025", true},
		{"no-nato-troops", true},
		{"", false},
		{"-a", false},
		{"a-", false},
		{"a--b", false},
		{"A", false},
		{"Guarantees", false},
		{"a_b", false},
		{"a b", false},
		{"a.b", false},
		{"ä", false},
		{"a\n", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := model.ValidSlug(tc.in); got != tc.want {
				t.Errorf("ValidSlug(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestForbid(t *testing.T) {
	usCaveat := model.Forbid{Domains: []model.Domain{model.Land}, Postures: []model.Posture{model.InTheatre}}
	ruRedLine := model.Forbid{Postures: []model.Posture{model.InTheatre}, Tags: []string{"nato"}}
	layer2 := model.Forbid{Layers: []model.Layer{2}}
	pledge := func(d model.Domain, p model.Posture, l model.Layer) *model.Pledge {
		return &model.Pledge{ID: "p", Domain: d, Posture: p, Layer: l}
	}
	for _, tc := range []struct {
		name   string
		forbid model.Forbid
		pledge *model.Pledge
		tags   []string
		want   bool
	}{
		{"US caveat/land in-theatre", usCaveat, pledge(model.Land, model.InTheatre, 2), nil, true},
		{"US caveat/land in-region", usCaveat, pledge(model.Land, model.InRegion, 2), nil, false},
		{"US caveat/air in-theatre", usCaveat, pledge(model.Air, model.InTheatre, 2), nil, false},
		{"US caveat/land no posture", usCaveat, pledge(model.Land, "", 2), nil, false},
		{"US caveat/tags do not matter", usCaveat, pledge(model.Land, model.InTheatre, 2), []string{"nato"}, true},
		{"RU red line/nato in-theatre", ruRedLine, pledge(model.Land, model.InTheatre, 2), []string{"nato"}, true},
		{"RU red line/eu in-theatre", ruRedLine, pledge(model.Land, model.InTheatre, 2), []string{"eu"}, false},
		{"RU red line/eu and nato", ruRedLine, pledge(model.Air, model.InTheatre, 2), []string{"eu", "nato"}, true},
		{"RU red line/no tags", ruRedLine, pledge(model.Land, model.InTheatre, 2), nil, false},
		{"RU red line/nato in-region", ruRedLine, pledge(model.Land, model.InRegion, 2), []string{"nato"}, false},
		{"layers/layer 2", layer2, pledge(model.Funding, "", 2), nil, true},
		{"layers/layer 1", layer2, pledge(model.Funding, "", 1), nil, false},
		{"layers and domain/both", model.Forbid{Domains: []model.Domain{model.Air}, Layers: []model.Layer{1}}, pledge(model.Air, "", 1), nil, true},
		{"layers and domain/wrong layer", model.Forbid{Domains: []model.Domain{model.Air}, Layers: []model.Layer{1}}, pledge(model.Air, "", 2), nil, false},
		{"any of several domains", model.Forbid{Domains: []model.Domain{model.Land, model.Air}}, pledge(model.Air, model.OverTheHorizon, 2), nil, true},
		{"empty/land in-theatre", model.Forbid{}, pledge(model.Land, model.InTheatre, 2), []string{"nato"}, false},
		{"empty slices", model.Forbid{Domains: []model.Domain{}, Tags: []string{}}, pledge(model.Land, model.InTheatre, 1), []string{"nato"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.forbid.Matches(tc.pledge, tc.tags); got != tc.want {
				t.Errorf("%+v.Matches(%+v, %v) = %v, want %v", tc.forbid, *tc.pledge, tc.tags, got, tc.want)
			}
		})
	}
}

func TestForbidIsEmpty(t *testing.T) {
	for _, tc := range []struct {
		name   string
		forbid model.Forbid
		want   bool
	}{
		{"zero", model.Forbid{}, true},
		{"empty slices", model.Forbid{Domains: []model.Domain{}, Postures: []model.Posture{}, Tags: []string{}, Layers: []model.Layer{}}, true},
		{"domains", model.Forbid{Domains: []model.Domain{model.Land}}, false},
		{"postures", model.Forbid{Postures: []model.Posture{model.InTheatre}}, false},
		{"tags", model.Forbid{Tags: []string{"nato"}}, false},
		{"layers", model.Forbid{Layers: []model.Layer{1}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.forbid.IsEmpty(); got != tc.want {
				t.Errorf("IsEmpty() = %v, want %v", got, tc.want)
			}
		})
	}
}
