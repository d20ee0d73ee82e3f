package feeds

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Kyiv wherever the tests run

	"github.com/backstop-dev/backstop/internal/diag"
)

func TestParseTime(t *testing.T) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(y int, m time.Month, d, h, min, s int) time.Time {
		return time.Date(y, m, d, h, min, s, 0, time.UTC)
	}
	tests := []struct {
		in      string
		loc     *time.Location
		layouts []string
		want    time.Time
		err     string
	}{
		{in: "2024-04-05", want: utc(2024, 4, 5, 0, 0, 0)},
		{in: " 2024-04-05 ", want: utc(2024, 4, 5, 0, 0, 0)},
		{in: "2025-09-14T03:10:00Z", want: utc(2025, 9, 14, 3, 10, 0)},
		{in: "2025-09-14T06:10:00+03:00", want: utc(2025, 9, 14, 3, 10, 0)},
		{in: "2025-09-14 06:10:00", want: utc(2025, 9, 14, 6, 10, 0)},
		{in: "2025-09-14 06:10", loc: kyiv, want: utc(2025, 9, 14, 3, 10, 0)},
		{in: "2025-01-14", loc: kyiv, want: utc(2025, 1, 13, 22, 0, 0)},
		{in: "14/08/2020 00:00:00", layouts: []string{LayoutDate, LayoutDayMonthTime}, want: utc(2020, 8, 14, 0, 0, 0)},
		{in: "09/01/2022 00:00", layouts: []string{LayoutExcelUSShort, LayoutExcelUS}, want: utc(2022, 9, 1, 0, 0, 0)},
		{in: "8/31/2022 12:00:00 AM", layouts: []string{LayoutExcelUSShort, LayoutExcelUS}, want: utc(2022, 8, 31, 0, 0, 0)},
		{in: "8/31/2022 1:30:00 PM", layouts: []string{LayoutExcelUSShort, LayoutExcelUS}, want: utc(2022, 8, 31, 13, 30, 0)},
		{in: "", err: "no time given"},
		{in: "0001-01-01", err: `"0001-01-01": the year 1 is outside 1900…2999`},
		{in: "1/1/3000 0:00", layouts: []string{LayoutExcelUSShort}, err: `"1/1/3000 0:00": the year 3000 is outside 1900…2999`},
		{in: "14/08/2020", err: `"14/08/2020" is not a time in any of the layouts "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"`},
		{in: "31/02/2024 00:00:00", layouts: []string{LayoutDayMonthTime}, err: `"31/02/2024 00:00:00" is not a time in any of the layouts "02/01/2006 15:04:05"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			loc := tt.loc
			if loc == nil {
				loc = time.UTC
			}
			got, err := ParseTimeIn(tt.in, loc, tt.layouts...)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseNumbers(t *testing.T) {
	tests := []struct {
		in       string
		f        float64
		i        int
		ok       bool
		floatErr string
		intErr   string
	}{
		{in: "", ok: false},
		{in: "  ", ok: false},
		{in: "3", f: 3, i: 3, ok: true},
		{in: " -12 ", f: -12, i: -12, ok: true},
		{in: "3.0", f: 3, i: 3, ok: true},
		{in: "1e3", f: 1000, i: 1000, ok: true},
		{in: "48.6543", f: 48.6543, intErr: `"48.6543" is not a whole number`, ok: true},
		{in: "NA", floatErr: `"NA" is not a number; leave the field empty when the value is unknown`},
		{in: "n/a", floatErr: `"n/a" is not a number; leave the field empty when the value is unknown`},
		{in: "NaN", floatErr: `"NaN" is not a number; leave the field empty when the value is unknown`},
		{in: "1,5", floatErr: `"1,5" is not a number: write a decimal point (1.5)`},
		{in: "1,234.5", floatErr: `"1,234.5" is not a number: write it without thousands separators`},
		{in: "1 234", floatErr: `"1 234" is not a number: write it without thousands separators`},
		{in: "0x10", floatErr: `"0x10" is not a number`},
		{in: "Inf", floatErr: `"Inf" is not a number`},
		{in: "1e999", floatErr: `"1e999" is not a number in range`, intErr: `"1e999" is not a whole number`},
		{in: "abc", floatErr: `"abc" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, ok, err := ParseFloat(tt.in)
			if msg(err) != tt.floatErr || (err == nil && (f != tt.f || ok != tt.ok)) {
				t.Errorf("ParseFloat = %v, %v, %v; want %v, %v, %q", f, ok, err, tt.f, tt.ok, tt.floatErr)
			}
			wantIntErr := tt.intErr
			if wantIntErr == "" {
				wantIntErr = tt.floatErr
			}
			i, ok, err := ParseInt(tt.in)
			if msg(err) != wantIntErr || (err == nil && (i != tt.i || ok != tt.ok)) {
				t.Errorf("ParseInt = %v, %v, %v; want %v, %v, %q", i, ok, err, tt.i, tt.ok, wantIntErr)
			}
		})
	}
}

func msg(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestHeader(t *testing.T) {
	h := NewHeader([]string{"\ufeffReport ID", " Date  Time ", "category", "Category", "", "killed"})
	tests := []struct {
		name string
		want int
	}{
		{"report id", 0},
		{"REPORT ID", 0},
		{"Date Time", 1},
		{" date   time", 1},
		{"category", 2}, // the first of two equal names
		{"killed", 5},
		{"missing", -1},
		{"", -1},
	}
	for _, tt := range tests {
		if got := h.Index(tt.name); got != tt.want {
			t.Errorf("Index(%q) = %d, want %d", tt.name, got, tt.want)
		}
	}
	if err := h.Require("Report ID", "date time"); err != nil {
		t.Errorf("Require: %v", err)
	}
	err := h.Require("Report ID", "lat", "lon")
	if err == nil || err.Error() != `the header lacks the columns "lat", "lon"` {
		t.Errorf("Require = %v", err)
	}
	if err := h.Require("lat"); err == nil || err.Error() != `the header lacks the column "lat"` {
		t.Errorf("Require = %v", err)
	}
	if got, want := h.Names(), []string{"Report ID", "Date  Time", "category", "Category", "", "killed"}; !slices.Equal(got, want) {
		t.Errorf("Names = %q, want %q", got, want)
	}
	if got, want := h.Others("report id", "date time"), []int{2, 3, 5}; !slices.Equal(got, want) {
		t.Errorf("Others = %v, want %v", got, want)
	}
	f := h.Fields([]string{"r1", "t", "Artillery", "", "x", "2"}, h.Others("report id", "date time"))
	if len(f) != 2 || f["category"] != "Artillery" || f["killed"] != "2" {
		t.Errorf("Fields = %v", f)
	}
	if HeaderOf([]byte("\ufeffa;b;\"c d\"\n1;2;3"), ';').Index("c d") != 2 {
		t.Error("HeaderOf with ';'")
	}
	if HeaderOf(nil, ',') != nil {
		t.Error("HeaderOf(nil) is not nil")
	}
}

func TestCountryCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"UA", "UA"}, {"ua", "UA"}, {"UKR", "UA"}, {"Ukraine", "UA"}, {" ukraine ", "UA"},
		{"Russia (Soviet Union)", "RU"}, {"Russian Federation", "RU"}, {"Russia", "RU"},
		{"804", ""}, {"Atlantis", ""}, {"", ""}, {"EU", ""},
	}
	for _, tt := range tests {
		got, ok := CountryCode(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("CountryCode(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

type fakeOblasts struct{}

func (fakeOblasts) ByName(name string) (string, bool) {
	code, ok := map[string]string{"Donetsk": "UA-14", "Donetsk oblast": "UA-14"}[name]
	return code, ok
}

func (fakeOblasts) ByPoint(lat, lon float64) (string, bool) {
	if lat > 47 && lat < 49 && lon > 36 && lon < 39 {
		return "UA-14", true
	}
	return "", false
}

func TestAdmin1(t *testing.T) {
	p := func(f float64) *float64 { return &f }
	tests := []struct {
		opts     Options
		name     string
		lat, lon *float64
		want     string
	}{
		{Options{}, " Donetsk ", nil, nil, "Donetsk"},
		{Options{Oblasts: fakeOblasts{}}, "Donetsk oblast", nil, nil, "UA-14"},
		{Options{Oblasts: fakeOblasts{}}, "Donezk", p(48), p(37.5), "UA-14"},
		{Options{Oblasts: fakeOblasts{}}, "", p(48), p(37.5), "UA-14"},
		{Options{Oblasts: fakeOblasts{}}, "Rostov oblast", p(48.3), p(39.9), "Rostov oblast"},
		{Options{Oblasts: fakeOblasts{}}, "", nil, nil, ""},
	}
	for _, tt := range tests {
		if got := Admin1(tt.opts, tt.name, tt.lat, tt.lon); got != tt.want {
			t.Errorf("Admin1(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCSV(t *testing.T) {
	src := &Source{Name: "t.csv", Data: []byte("id,when,n\n" +
		"a,2024-01-01,1\n" +
		"b,\"2024-01-02\nnext line\",2\n" +
		"c,2024-01-03\n" +
		"d,2024-01-04,4,extra\n" +
		"e,x\"y,5\n" +
		"f,2024-01-06,NA\n")}
	tests := []struct {
		strict bool
		sev    diag.Severity
	}{{false, diag.Warning}, {true, diag.Error}}
	for _, tt := range tests {
		sum := NewSummary("t.csv", "test")
		c, ds := NewCSV(src, ',', &sum, Options{Strict: tt.strict}, "id", "when")
		if c == nil {
			t.Fatal(ds)
		}
		var ids []string
		var lines []int
		for rec := range c.Rows() {
			c.Count(rec, 2)
			if c.Skipped() {
				continue
			}
			ids = append(ids, rec[0])
			lines = append(lines, c.Line())
		}
		if !slices.Equal(ids, []string{"a", "b"}) || !slices.Equal(lines, []int{2, 3}) {
			t.Errorf("rows %v on lines %v", ids, lines)
		}
		want := []string{
			"t.csv:5:1: SEV: row has 2 fields, the header 3; row skipped",
			"t.csv:6:16: SEV: row has 4 fields, the header 3; row skipped",
			`t.csv:7:4: SEV: CSV syntax: bare " in non-quoted-field; row skipped`,
			`t.csv:8:14: SEV: n: "NA" is not a number; leave the field empty when the value is unknown; row skipped`,
		}
		got := c.Diags()
		if len(got) != len(want) {
			t.Fatalf("diagnostics:\n%v", got)
		}
		for i, d := range got {
			if w := strings.Replace(want[i], "SEV", tt.sev.String(), 1); d.String() != w {
				t.Errorf("diagnostic %d:\n got %s\nwant %s", i, d, w)
			}
		}
		if sum.Read != 6 || sum.Skipped != 4 || sum.SkippedBy[ReasonFieldCount] != 2 ||
			sum.SkippedBy[ReasonCSVSyntax] != 1 || sum.SkippedBy[ReasonBadNumber] != 1 {
			t.Errorf("summary %+v", sum)
		}
	}

	sum := NewSummary("t.csv", "test")
	if _, ds := NewCSV(src, ',', &sum, Options{}, "id", "lat", "lon"); len(ds) != 1 ||
		ds[0].String() != `t.csv:1:1: error: the header lacks the columns "lat", "lon"` {
		t.Errorf("missing columns: %v", ds)
	}
	if _, ds := NewCSV(&Source{Name: "e.csv"}, ',', &sum, Options{}, "id"); len(ds) != 1 ||
		ds[0].String() != `e.csv:1:1: error: empty file; expected a header line with the columns "id"` {
		t.Errorf("empty file: %v", ds)
	}
}

func TestTrimSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a", "a ", "\ta\n", "Київ", " Київ ", "\u00a0x\u00a0", "x\u2003", "\u0085", "\x7f", "a b"} {
		if got, want := TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("TrimSpace(%q) = %q, strings.TrimSpace %q", s, got, want)
		}
	}
}

func TestCoordinatesAreDistinct(t *testing.T) {
	var c Coordinates
	seen := map[*float64]bool{}
	for i := range 3 * coordinateBlock {
		lat, lon := c.Pair(float64(i), -float64(i))
		if *lat != float64(i) || *lon != -float64(i) || seen[lat] || seen[lon] || lat == lon {
			t.Fatalf("pair %d: %v %v, shared with an earlier one", i, *lat, *lon)
		}
		seen[lat], seen[lon] = true, true
	}
}
