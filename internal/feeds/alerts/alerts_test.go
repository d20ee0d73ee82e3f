package alerts

import (
	"encoding/csv"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// dataDir holds the shared data sets, outside the repository.
const dataDir = "../../../../shared/data"

var (
	realFile      = filepath.Join(dataDir, "air-raid-alerts", "official_data_en_2024-01-01_to_2024-04-23.csv")
	crosswalkFile = filepath.Join(dataDir, "ua-oblasts", "oblast_crosswalk.csv")
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent (the shared data sets are not checked out); skipping", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeOblasts knows names case-insensitively; it has no polygons.
type fakeOblasts map[string]string

func (f fakeOblasts) ByName(name string) (string, bool) {
	code, ok := f[strings.ToLower(name)]
	return code, ok
}

func (fakeOblasts) ByPoint(lat, lon float64) (string, bool) { return "", false }

// crosswalk reads the English names and the alert data set's spellings of
// ua-oblasts/oblast_crosswalk.csv.
func crosswalk(t testing.TB) fakeOblasts {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(string(readFile(t, crosswalkFile)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	code, en, alerts := slices.Index(recs[0], "iso3166_2"), slices.Index(recs[0], "name_en"), slices.Index(recs[0], "air_raid_alerts_oblast")
	f := fakeOblasts{}
	for _, r := range recs[1:] {
		for _, n := range []string{r[en], r[alerts]} {
			if n != "" {
				f[strings.ToLower(n)] = r[code]
			}
		}
	}
	return f
}

// small is a crosswalk for the fixtures, which need no data files.
var small = fakeOblasts{"kyivska oblast": "UA-32", "kyiv city": "UA-30", "dnipropetrovska oblast": "UA-12"}

func readReal(t testing.TB, opts feeds.Options) *feeds.Result {
	t.Helper()
	data := readFile(t, realFile)
	res, ds := Reader{}.Read(&feeds.Source{Name: filepath.Base(realFile), Data: data}, opts)
	if len(ds) != 0 {
		t.Fatalf("diagnostics reading the real file: %v", ds)
	}
	return res
}

func TestRealFile(t *testing.T) {
	res := readReal(t, feeds.Options{Oblasts: crosswalk(t)})
	s := res.Summary
	if s.Read != 8176 || len(res.Incidents) != 8176 || s.Mapped != 8176 || s.Skipped != 0 || s.Unmapped != 0 {
		t.Errorf("summary %+v, %d incidents; want 8176 rows, all mapped", s, len(res.Incidents))
	}
	levels := map[string]int{}
	admin1 := map[string]bool{}
	first, last := res.Incidents[0].Time.Time, res.Incidents[0].Time.Time
	var total time.Duration
	for _, inc := range res.Incidents {
		levels[inc.Subtype]++
		admin1[inc.Admin1] = true
		if inc.Type != feeds.TypeAirRaidAlert || inc.Source != SourceName || inc.Country != "UA" || !strings.HasPrefix(inc.Admin1, "UA-") {
			t.Fatalf("%s: type %q source %q country %q admin1 %q", inc.ID, inc.Type, inc.Source, inc.Country, inc.Admin1)
		}
		if inc.Time.Before(first) {
			first = inc.Time.Time
		}
		if inc.Time.After(last) {
			last = inc.Time.Time
		}
		d, err := time.ParseDuration(inc.Fields[FieldDuration])
		if err != nil {
			t.Fatalf("%s: duration %q: %v", inc.ID, inc.Fields[FieldDuration], err)
		}
		total += d
	}
	if want := map[string]int{"oblast": 6661, "hromada": 1514, "raion": 1}; !maps.Equal(levels, want) {
		t.Errorf("levels %v, want %v", levels, want)
	}
	// 24 units: the file lists no alerts for Luhansk oblast, Crimea or
	// Sevastopol (their alerts are permanent).
	if len(admin1) != 24 || admin1["UA-09"] || admin1["UA-43"] || admin1["UA-40"] {
		t.Errorf("%d units: %v", len(admin1), slices.Sorted(maps.Keys(admin1)))
	}
	if want := time.Date(2024, 1, 1, 0, 20, 5, 0, time.UTC); !first.Equal(want) {
		t.Errorf("first start %v, want %v", first, want)
	}
	if want := time.Date(2024, 4, 22, 22, 33, 56, 0, time.UTC); !last.Equal(want) {
		t.Errorf("last start %v, want %v", last, want)
	}
	// Computed independently with Python's datetime.fromisoformat over the
	// file: 45,854,499 s of alerts (about 12,737 hours).
	if total != 45854499*time.Second {
		t.Errorf("total duration %v", total)
	}
}

func TestRealAlerts(t *testing.T) {
	res := readReal(t, feeds.Options{Oblasts: crosswalk(t)})
	base := filepath.Base(realFile)
	tests := []struct {
		line                      int
		start, end, dur           string
		level, admin1, location   string
		raion, hromada, oblastRaw string
	}{
		// The first row: Kyiv oblast, 00:20:05 UTC (02:20 in Kyiv).
		{2, "2024-01-01T00:20:05Z", "2024-01-01T00:46:51Z", "1606s", "oblast", "UA-32", "Kyivska oblast", "", "", "Kyivska oblast"},
		// The only raion-level alert, 22 s long.
		{1575, "2024-01-26T11:30:42Z", "2024-01-26T11:31:04Z", "22s", "raion", "UA-12", "Nikopolskyi raion", "Nikopolskyi raion", "", "Dnipropetrovska oblast"},
		// The longest alert: Marhanets hromada, 23 h 2 min 4 s.
		{1212, "2024-01-20T19:30:03Z", "2024-01-21T18:32:07Z", "82924s", "hromada", "UA-12", "m. Marhanets ta Marhanetska terytorialna hromada",
			"Nikopolskyi raion", "m. Marhanets ta Marhanetska terytorialna hromada", "Dnipropetrovska oblast"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.line), func(t *testing.T) {
			id := base + ":" + strconv.Itoa(tt.line)
			i := slices.IndexFunc(res.Incidents, func(inc model.Incident) bool { return inc.ID == id })
			if i < 0 {
				t.Fatalf("no incident %s", id)
			}
			inc := res.Incidents[i]
			if got := inc.Time.Format(time.RFC3339); got != tt.start || inc.Time.Location() != time.UTC {
				t.Errorf("start %s, want %s", got, tt.start)
			}
			want := map[string]string{FieldEnd: tt.end, FieldDuration: tt.dur, "oblast": tt.oblastRaw, "source": "official"}
			if tt.raion != "" {
				want["raion"] = tt.raion
			}
			if tt.hromada != "" {
				want["hromada"] = tt.hromada
			}
			if !maps.Equal(inc.Fields, want) {
				t.Errorf("fields %v, want %v", inc.Fields, want)
			}
			if inc.Subtype != tt.level || inc.Admin1 != tt.admin1 || inc.Location != tt.location {
				t.Errorf("subtype %q admin1 %q location %q", inc.Subtype, inc.Admin1, inc.Location)
			}
		})
	}
}

// badFile has good rows on lines 2, 8 and 9 and a bad row of each kind.
const badFile = "oblast,raion,hromada,level,started_at,finished_at,source\n" +
	"Kyivska oblast,,,oblast,2024-01-01 00:20:05+00:00,2024-01-01 00:46:51+00:00,official\n" + // 2 good
	"Kyivska oblast,,,oblast,2024-01-01 00:20:05,2024-01-01 00:46:51+00:00,official\n" + // 3 no offset
	"Kyivska oblast,,,oblast,2024-01-01 00:20:05+00:00,yesterday,official\n" + // 4 bad end
	"Kyivska oblast,,,oblast,2024-01-01 00:20:05+00:00,2024-01-01 00:10:00+00:00,official\n" + // 5 end before start
	"Kyivska oblast,,,oblast,2024-01-01 00:20:05+00:00\n" + // 6 too few fields
	"Kyivska oblast,,,oblast,2024-01-01 00:20:05+00:00,2024-01-01 00:46:51+00:00,\"off\"icial\n" + // 7 stray quote
	"Kyiv City,,,district,2024-01-01 02:20:05+02:00,,official\n" + // 8 good: unknown level, no end, offset +02:00
	"Atlantis,,,,2024-01-01T00:20:05Z,2024-01-01T00:20:05Z,official\n" // 9 good: unknown oblast, no level

func TestBadRows(t *testing.T) {
	want := []string{
		`bad.csv:3:25: %s: started_at "2024-01-01 00:20:05": not a time with its offset such as 2024-01-01 00:20:05+00:00; row skipped`,
		`bad.csv:4:51: %s: finished_at "yesterday": not a time with its offset such as 2024-01-01 00:20:05+00:00; row skipped`,
		`bad.csv:5:51: %s: finished_at 2024-01-01 00:10:00+00:00 is before started_at 2024-01-01 00:20:05+00:00; row skipped`,
		`bad.csv:6:1: %s: row has 5 fields, the header 7; row skipped`,
		`bad.csv:7:81: %s: CSV syntax: extraneous or missing " in quoted-field; row skipped`,
	}
	for _, strict := range []bool{false, true} {
		t.Run("strict="+strconv.FormatBool(strict), func(t *testing.T) {
			res, ds := Reader{}.Read(&feeds.Source{Name: "bad.csv", Data: []byte(badFile)}, feeds.Options{Strict: strict, Oblasts: small})
			sev := diag.Warning
			if strict {
				sev = diag.Error
			}
			var got, wantS []string
			for _, d := range ds {
				got = append(got, d.String())
			}
			for _, w := range want {
				wantS = append(wantS, strings.Replace(w, "%s", sev.String(), 1))
			}
			if !slices.Equal(got, wantS) {
				t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantS, "\n"))
			}
			if ds.HasErrors() != strict {
				t.Errorf("HasErrors %v under strict=%v", ds.HasErrors(), strict)
			}
			s := res.Summary
			wantSkipped := map[string]int{ReasonDate: 2, ReasonValue: 1, ReasonFieldCount: 1, ReasonCSV: 1}
			if s.Read != 8 || s.Mapped != 1 || s.Unmapped != 2 || s.Skipped != 5 || !maps.Equal(s.SkippedBy, wantSkipped) ||
				!maps.Equal(s.UnmappedBy, map[string]int{"district": 1, NoCategory: 1}) {
				t.Errorf("summary %+v", s)
			}
			if len(res.Incidents) != 3 {
				t.Fatalf("incidents %+v", res.Incidents)
			}
			type row struct{ id, typ, sub, admin1, time, end string }
			var rows []row
			for _, inc := range res.Incidents {
				rows = append(rows, row{inc.ID, inc.Type, inc.Subtype, inc.Admin1, inc.Time.Format(time.RFC3339), inc.Fields[FieldEnd]})
			}
			wantRows := []row{
				{"bad.csv:2", "air_raid_alert", "oblast", "UA-32", "2024-01-01T00:20:05Z", "2024-01-01T00:46:51Z"},
				{"bad.csv:8", "other", "district", "UA-30", "2024-01-01T00:20:05Z", ""},
				{"bad.csv:9", "other", "", "", "2024-01-01T00:20:05Z", "2024-01-01T00:20:05Z"},
			}
			if !slices.Equal(rows, wantRows) {
				t.Errorf("incidents\n%v\nwant\n%v", rows, wantRows)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	src := []byte("oblast,level,started_at,finished_at\nKyivska oblast,oblast,2024-01-01 00:20:05+00:00,\n")
	// Without Oblasts, admin1 is as written; overrides replace the defaults.
	opts := feeds.Options{Categories: map[string]map[string]string{Format: {"oblast": feeds.TypeOther}}}
	res, ds := Reader{}.Read(&feeds.Source{Name: "o.csv", Data: src}, opts)
	if len(ds) != 0 || len(res.Incidents) != 1 {
		t.Fatalf("%v %+v", ds, res)
	}
	if inc := res.Incidents[0]; inc.Admin1 != "Kyivska oblast" || inc.Type != feeds.TypeOther || inc.Location != "Kyivska oblast" {
		t.Errorf("%+v", inc)
	}
	if _, ok := res.Incidents[0].Fields[FieldDuration]; ok {
		t.Error("an alert without an end has a duration")
	}
}

func TestHeader(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "", "h.csv:1:1: error: empty file; expected a header with the columns oblast, level, started_at, finished_at"},
		{"no level", "oblast,started_at,finished_at\n", "h.csv:1:1: error: the header has no level column; expected the columns oblast, level, started_at, finished_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := Reader{}.Read(&feeds.Source{Name: "h.csv", Data: []byte(tt.src)}, feeds.Options{})
			if len(ds) != 1 || ds[0].String() != tt.want {
				t.Errorf("diagnostics %v, want %s", ds, tt.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"oblast,raion,hromada,level,started_at,finished_at,source\nKyivska oblast,", true},
		{"\ufeffOblast,Level,Started_At,Finished_At\r\n", true},
		{"oblast,raion,hromada,started_at,finished_at,source\n", false},
		{"time_start,time_end,model,target,launched,destroyed\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := (Reader{}).Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
	if (Reader{}).Format() != "alerts" || DefaultCategories()["hromada"] != feeds.TypeAirRaidAlert {
		t.Error("Format or DefaultCategories")
	}
}

func FuzzAlerts(f *testing.F) {
	f.Add([]byte(badFile))
	if data, err := os.ReadFile(realFile); err == nil {
		f.Add(data[:min(len(data), 2048)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, o := range []feeds.Oblasts{nil, small} {
			res, ds := Reader{}.Read(&feeds.Source{Name: "fuzz.csv", Data: data}, feeds.Options{Oblasts: o})
			if ds.HasErrors() {
				continue
			}
			s := res.Summary
			if s.Read != s.Mapped+s.Unmapped+s.Skipped || len(res.Incidents) != s.Mapped+s.Unmapped {
				t.Fatalf("summary %+v does not account for %d incidents", s, len(res.Incidents))
			}
			for _, inc := range res.Incidents {
				if inc.ID == "" || inc.Time.IsZero() || inc.Type == "" {
					t.Fatalf("incomplete incident %+v", inc)
				}
			}
		}
	})
}

func BenchmarkRead(b *testing.B) {
	data := readFile(b, realFile)
	src := &feeds.Source{Name: filepath.Base(realFile), Data: data}
	opts := feeds.Options{Oblasts: crosswalk(b)}
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		res, _ := Reader{}.Read(src, opts)
		rows += res.Summary.Read
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
