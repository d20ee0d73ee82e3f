package missile

import (
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
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

var realFile = filepath.Join(dataDir, "missile-attacks", "missile_attacks_daily.csv")

// readFile returns the contents of a shared data file, or skips the test
// when the data are not there.
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

// fakeOblasts knows the 27 units by the English names of
// ua-oblasts/oblast_crosswalk.csv (name_en), case-insensitively. It has no
// polygons.
type fakeOblasts map[string]string

var crosswalk = fakeOblasts{
	"vinnytsia oblast": "UA-05", "volyn oblast": "UA-07", "luhansk oblast": "UA-09",
	"dnipropetrovsk oblast": "UA-12", "donetsk oblast": "UA-14", "zhytomyr oblast": "UA-18",
	"zakarpattia oblast": "UA-21", "zaporizhzhia oblast": "UA-23", "ivano-frankivsk oblast": "UA-26",
	"kyiv city": "UA-30", "kyiv oblast": "UA-32", "kirovohrad oblast": "UA-35",
	"sevastopol city": "UA-40", "autonomous republic of crimea": "UA-43", "lviv oblast": "UA-46",
	"mykolaiv oblast": "UA-48", "odesa oblast": "UA-51", "poltava oblast": "UA-53",
	"rivne oblast": "UA-56", "sumy oblast": "UA-59", "ternopil oblast": "UA-61",
	"kharkiv oblast": "UA-63", "kherson oblast": "UA-65", "khmelnytskyi oblast": "UA-68",
	"cherkasy oblast": "UA-71", "chernihiv oblast": "UA-74", "chernivtsi oblast": "UA-77",
}

func (f fakeOblasts) ByName(name string) (string, bool) {
	code, ok := f[strings.ToLower(name)]
	return code, ok
}

func (fakeOblasts) ByPoint(lat, lon float64) (string, bool) { return "", false }

func readReal(t testing.TB, opts feeds.Options) *feeds.Result {
	t.Helper()
	data := readFile(t, realFile)
	res, ds := Reader{}.Read(&feeds.Source{Name: "missile_attacks_daily.csv", Data: data}, opts)
	if len(ds) != 0 {
		t.Fatalf("diagnostics reading the real file: %v", ds)
	}
	return res
}

func byID(t *testing.T, res *feeds.Result, id string) model.Incident {
	t.Helper()
	for _, inc := range res.Incidents {
		if inc.ID == id {
			return inc
		}
	}
	t.Fatalf("no incident %s", id)
	return model.Incident{}
}

func TestRealFile(t *testing.T) {
	res := readReal(t, feeds.Options{Oblasts: crosswalk})
	s := res.Summary
	if s.Read != 3468 || len(res.Incidents) != 3468 || s.Skipped != 0 {
		t.Errorf("read %d rows, %d incidents, %d skipped; want 3468, 3468, 0", s.Read, len(res.Incidents), s.Skipped)
	}
	if s.Mapped != 3467 || s.Unmapped != 1 || !maps.Equal(s.UnmappedBy, map[string]int{"Фенікс": 1}) {
		t.Errorf("mapped %d, unmapped %d %v; want 3467, 1 {Фенікс: 1}", s.Mapped, s.Unmapped, s.UnmappedBy)
	}

	byType := map[string]int{}
	first, last := res.Incidents[0].Time.Time, res.Incidents[0].Time.Time
	for _, inc := range res.Incidents {
		byType[inc.Type]++
		if inc.Time.Before(first) {
			first = inc.Time.Time
		}
		if inc.Time.After(last) {
			last = inc.Time.Time
		}
		if inc.Source != SourceName || inc.Country != "UA" || inc.Actor != "RU" || inc.Fatalities != 0 {
			t.Fatalf("%s: source %q country %q actor %q fatalities %d", inc.ID, inc.Source, inc.Country, inc.Actor, inc.Fatalities)
		}
	}
	wantTypes := map[string]int{
		feeds.TypeDroneStrike:   1440,
		feeds.TypeMissileStrike: 1228,
		feeds.TypeOther:         794, // 793 reconnaissance drones and Фенікс
		feeds.TypeAirStrike:     6,
	}
	if !maps.Equal(byType, wantTypes) {
		t.Errorf("counts per type %v, want %v", byType, wantTypes)
	}
	// The first row is a day report, 2022-09-28: midnight in Kyiv (EEST,
	// UTC+3) is 21:00 UTC the day before. The last starts 2026-02-28 18:00
	// in Kyiv (EET, UTC+2).
	if want := time.Date(2022, 9, 27, 21, 0, 0, 0, time.UTC); !first.Equal(want) {
		t.Errorf("first time %v, want %v", first, want)
	}
	if want := time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC); !last.Equal(want) {
		t.Errorf("last time %v, want %v", last, want)
	}
}

// TestKyivTime checks the conversion from Kyiv local time to UTC on both
// sides of the daylight-saving changes, with real rows.
func TestKyivTime(t *testing.T) {
	res := readReal(t, feeds.Options{})
	tests := []struct {
		id, local string
		want      time.Time
		end       string
		precision string
	}{
		// Summer (EEST, UTC+3): the 2025-07-08/09 attack, 728 Shaheds.
		{"missile_attacks_daily.csv:816", "2025-07-08 20:00", time.Date(2025, 7, 8, 17, 0, 0, 0, time.UTC), "2025-07-09T05:30:00Z", "minute"},
		// Winter (EET, UTC+2): the 2025-12-05/06 attack.
		{"missile_attacks_daily.csv:299", "2025-12-05 18:00", time.Date(2025, 12, 5, 16, 0, 0, 0, time.UTC), "2025-12-06T08:00:00Z", "minute"},
		// The evening of the spring change (2025-03-30, already UTC+3) …
		{"missile_attacks_daily.csv:1179", "2025-03-30 20:00", time.Date(2025, 3, 30, 17, 0, 0, 0, time.UTC), "2025-03-31T06:00:00Z", "minute"},
		// … and of the autumn change (2025-10-26, back to UTC+2).
		{"missile_attacks_daily.csv:438", "2025-10-26 18:30", time.Date(2025, 10, 26, 16, 30, 0, 0, time.UTC), "2025-10-27T07:00:00Z", "minute"},
		// A one-digit hour (2023-05-16 3:30, summer).
		{"missile_attacks_daily.csv:3244", "2023-05-16 3:30", time.Date(2023, 5, 16, 0, 30, 0, 0, time.UTC), "2023-05-16T04:00:00Z", "minute"},
		// A trailing space (2025-03-06 21:00 , winter).
		{"missile_attacks_daily.csv:1269", "2025-03-06 21:00 ", time.Date(2025, 3, 6, 19, 0, 0, 0, time.UTC), "2025-03-07T08:00:00Z", "minute"},
		// A day report in winter: the Kyiv day starts at 22:00 UTC.
		{"missile_attacks_daily.csv:2790", "2024-01-15", time.Date(2024, 1, 14, 22, 0, 0, 0, time.UTC), "2024-01-14T22:00:00Z", "day"},
	}
	for _, tt := range tests {
		t.Run(tt.local, func(t *testing.T) {
			inc := byID(t, res, tt.id)
			if !inc.Time.Equal(tt.want) || inc.Time.Location() != time.UTC {
				t.Errorf("time %v, want %v", inc.Time.Time, tt.want)
			}
			if inc.Fields["time_end"] != tt.end || inc.Fields[FieldPrecision] != tt.precision {
				t.Errorf("time_end %q precision %q, want %q %q", inc.Fields["time_end"], inc.Fields[FieldPrecision], tt.end, tt.precision)
			}
		})
	}
}

// TestTotals sums launched and destroyed over the file. The literal totals
// were computed once with awk, splitting fields on commas outside quotes
// (launch_place holds quoted commas; mawk has no FPAT):
//
//	awk 'NR>1{n=0;f="";q=0;for(i=1;i<=length($0);i++){c=substr($0,i,1);if(c=="\"")q=!q;else if(c==","&&!q){n++;if(n==7)l+=f;if(n==8)d+=f;f=""}else f=f c}} END{print NR-1,l,d}' missile_attacks_daily.csv
//	3468 89870 63810
func TestTotals(t *testing.T) {
	data := readFile(t, realFile)
	res := readReal(t, feeds.Options{})

	// Independently: encoding/csv and the columns by name.
	cr := csv.NewReader(strings.NewReader(string(data)))
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	li, di := slices.Index(header, "launched"), slices.Index(header, "destroyed")
	var wantL, wantD float64
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, sum := range map[int]*float64{li: &wantL, di: &wantD} {
			if rec[i] != "" {
				v, err := strconv.ParseFloat(rec[i], 64)
				if err != nil {
					t.Fatal(err)
				}
				*sum += v
			}
		}
	}

	var gotL, gotD float64
	for _, inc := range res.Incidents {
		gotL += field(t, inc, "launched")
		gotD += field(t, inc, "destroyed")
	}
	if gotL != wantL || gotD != wantD {
		t.Errorf("launched %v destroyed %v, encoding/csv says %v %v", gotL, gotD, wantL, wantD)
	}
	if gotL != 89870 || gotD != 63810 {
		t.Errorf("launched %v destroyed %v, awk says 89870 63810", gotL, gotD)
	}
}

// field returns a count field, 0 when absent (3 launched and 6 destroyed
// cells are empty).
func field(t testing.TB, inc model.Incident, key string) float64 {
	t.Helper()
	s, ok := inc.Fields[key]
	if !ok {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.Contains(s, ".") {
		t.Fatalf("%s: %s %q is not a whole number", inc.ID, key, s)
	}
	return v
}

// TestLargestAttacks finds the three days (Kyiv calendar day of
// time_start) with the most weapons launched: the combined attacks of
// 2025-09-06/07 (810 Shaheds and more), 2025-07-08/09 (728 Shaheds,
// Kinzhals, X-101s and Iskander-Ks) and 2025-12-05/06 (653 Shaheds and 14
// Iskander-M/KN-23 in the night attack, 706 on the day).
func TestLargestAttacks(t *testing.T) {
	res := readReal(t, feeds.Options{})
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	perDay := map[string]float64{}
	for _, inc := range res.Incidents {
		perDay[inc.Time.In(loc).Format("2006-01-02")] += field(t, inc, "launched")
	}
	days := slices.Collect(maps.Keys(perDay))
	sort.Slice(days, func(i, j int) bool { return perDay[days[i]] > perDay[days[j]] })
	type day struct {
		date     string
		launched float64
	}
	var got []day
	for _, d := range days[:3] {
		got = append(got, day{d, perDay[d]})
	}
	want := []day{{"2025-09-06", 832}, {"2025-07-08", 811}, {"2025-12-05", 706}}
	if !slices.Equal(got, want) {
		t.Errorf("largest days %v, want %v", got, want)
	}
	// The single largest row: 810 Shahed-136/131 launched 2025-09-06 17:00 Kyiv.
	var top model.Incident
	for _, inc := range res.Incidents {
		if field(t, inc, "launched") > field(t, top, "launched") {
			top = inc
		}
	}
	if top.Subtype != "Shahed-136/131" || top.Fields["launched"] != "810" || !top.Time.Equal(time.Date(2025, 9, 6, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("largest row %s %s launched %s at %v", top.ID, top.Subtype, top.Fields["launched"], top.Time.Time)
	}
}

func TestRealRegions(t *testing.T) {
	res := readReal(t, feeds.Options{Oblasts: crosswalk})
	withAdmin1, none := 0, 0
	for _, inc := range res.Incidents {
		codes, ok := inc.Fields[FieldTargetOblasts]
		if !ok {
			t.Fatalf("%s: no %s", inc.ID, FieldTargetOblasts)
		}
		if inc.Admin1 == "" {
			none++
			if codes != "" {
				t.Errorf("%s: no admin1 but target_oblasts %q", inc.ID, codes)
			}
			continue
		}
		withAdmin1++
		if !strings.HasPrefix(codes, inc.Admin1) {
			t.Errorf("%s: admin1 %s is not the first of %q", inc.ID, inc.Admin1, codes)
		}
	}
	// 1,427 "Ukraine", 915 "south", 91 "east", 30 empty, 2 "Kursk oblast", …
	// name no oblast of Ukraine.
	if withAdmin1 != 970 || none != 2498 {
		t.Errorf("%d rows with an oblast, %d without; want 970, 2498", withAdmin1, none)
	}
}

func TestRegions(t *testing.T) {
	tests := []struct {
		target string
		codes  string // with the crosswalk's names
		names  string // without Oblasts
	}{
		{"Kyiv oblast", "UA-32", "Kyiv oblast"},
		{"Kyiv", "UA-30", "Kyiv City"},
		{"Odesa oblast and Mykolaiv oblast", "UA-51,UA-48", "Odesa oblast,Mykolaiv oblast"},
		{"Odesa and Mykolaiv oblasts", "UA-51,UA-48", "Odesa oblast,Mykolaiv oblast"},
		{"Dnipropetrovsk oblast, Dnipro Raion", "UA-12", "Dnipropetrovsk oblast"},
		{"Dnipropetrovsk oblast, Dnipro Raion and Dnipropetrovsk oblast, Kryvyi Rih Raion", "UA-12", "Dnipropetrovsk oblast"},
		{"Kyiv oblast (south)", "UA-32", "Kyiv oblast"},
		{"Odesa oblast, Black Sea", "UA-51", "Odesa oblast"},
		{"Kryvyi Rih", "UA-12", "Dnipropetrovsk Oblast"},
		{"Dnipro and Sumy oblast", "UA-12,UA-59", "Dnipropetrovsk Oblast,Sumy oblast"},
		{"Kyiv and Starokostiantyniv", "UA-30,UA-68", "Kyiv City,Khmelnytskyi Oblast"},
		{"Sumy oblast and Kursk oblast", "UA-59", "Sumy oblast,Kursk oblast"},
		{"Kursk oblast", "", "Kursk oblast"},
		{"Odesa oblast and north", "UA-51", "Odesa oblast"},
		{"Snake Island", "UA-51", "Odesa Oblast"},
		{"Kharkiv oblast and Kyiv oblast and Sumy oblast", "UA-63,UA-32,UA-59", "Kharkiv oblast,Kyiv oblast,Sumy oblast"},
		{"Ukraine", "", ""},
		{"south", "", ""},
		{"south and east and center", "", ""},
		{"front line", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			if got := strings.Join(resolveTarget(tt.target, crosswalk).all, ","); got != tt.codes {
				t.Errorf("with Oblasts: %q, want %q", got, tt.codes)
			}
			if got := strings.Join(resolveTarget(tt.target, nil).all, ","); got != tt.names {
				t.Errorf("without Oblasts: %q, want %q", got, tt.names)
			}
		})
	}
}

func TestCategories(t *testing.T) {
	tests := []struct {
		model     string
		overrides map[string]string
		typ       string
		class     string
		mapped    bool
	}{
		{"Shahed-136/131", nil, feeds.TypeDroneStrike, ClassLoitering, true},
		{"Iskander-M", nil, feeds.TypeMissileStrike, ClassBallistic, true},
		{"X-47 Kinzhal", nil, feeds.TypeMissileStrike, ClassAeroballistic, true},
		{"C-300", nil, feeds.TypeMissileStrike, ClassSurfaceToAir, true},
		{"GBU", nil, feeds.TypeAirStrike, ClassBomb, true},
		{"Orlan-10", nil, feeds.TypeOther, ClassReconnaissance, true},
		{"Unknown UAV", nil, feeds.TypeDroneStrike, ClassUAV, true},
		// Compound models: the first part the table knows.
		{"X-101/X-555 and Kalibr", nil, feeds.TypeMissileStrike, ClassCruise, true},
		{"C-300 and Iskander-M", nil, feeds.TypeMissileStrike, ClassSurfaceToAir, true},
		{"Shahed-136/131 and Lancet", nil, feeds.TypeDroneStrike, ClassLoitering, true},
		{"Orlan-10 and ZALA and Supercam", nil, feeds.TypeOther, ClassReconnaissance, true},
		{"Фенікс and Kalibr", nil, feeds.TypeMissileStrike, ClassCruise, true},
		{"Фенікс", nil, feeds.TypeOther, "", false},
		{"", nil, feeds.TypeOther, "", false},
		// Overrides come first, for a whole model or a part.
		{"Orlan-10", map[string]string{"Orlan-10": feeds.TypeDroneStrike}, feeds.TypeDroneStrike, ClassReconnaissance, true},
		{"Фенікс", map[string]string{"Фенікс": feeds.TypeDroneStrike}, feeds.TypeDroneStrike, "", true},
		{"Orlan-10 and Lancet", map[string]string{"Orlan-10": feeds.TypeDroneStrike}, feeds.TypeDroneStrike, ClassReconnaissance, true},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			src := "time_start,time_end,model,target,launched,destroyed\n2024-01-15,2024-01-15," + tt.model + ",south,1,1\n"
			opts := feeds.Options{Categories: map[string]map[string]string{Format: tt.overrides}}
			res, ds := Reader{}.Read(&feeds.Source{Name: "t.csv", Data: []byte(src)}, opts)
			if len(ds) != 0 || len(res.Incidents) != 1 {
				t.Fatalf("diagnostics %v, %d incidents", ds, len(res.Incidents))
			}
			inc := res.Incidents[0]
			if inc.Type != tt.typ || inc.Fields[FieldWeaponClass] != tt.class || inc.Subtype != tt.model {
				t.Errorf("type %q class %q subtype %q, want %q %q %q", inc.Type, inc.Fields[FieldWeaponClass], inc.Subtype, tt.typ, tt.class, tt.model)
			}
			if got := res.Summary.Mapped == 1; got != tt.mapped {
				t.Errorf("mapped %v, want %v (%+v)", got, tt.mapped, res.Summary)
			}
		})
	}
	if d := DefaultCategories(); d["Shahed-136/131"] != feeds.TypeDroneStrike || len(d) != len(weapons) {
		t.Errorf("DefaultCategories: %d entries", len(d))
	}
}

// TestFields checks what a row keeps: every column not interpreted, as
// written (empty cells left out), the counts without decimals, time_end in
// UTC.
func TestFields(t *testing.T) {
	src := "time_start,time_end,model,launch_place,target,launched,destroyed,affected region,source\n" +
		"2024-01-15 03:30,2024-01-15 08:00,Kalibr,Black Sea,\"Odesa oblast, Black Sea\",10.0,8.0,,kpszsu/posts/1\n"
	res, ds := Reader{}.Read(&feeds.Source{Name: "dir/t.csv", Data: []byte(src)}, feeds.Options{Oblasts: crosswalk})
	if len(ds) != 0 || len(res.Incidents) != 1 {
		t.Fatalf("diagnostics %v, %d incidents", ds, len(res.Incidents))
	}
	got := res.Incidents[0]
	want := model.Incident{
		ID: "t.csv:2", Time: model.Timestamp{Time: time.Date(2024, 1, 15, 1, 30, 0, 0, time.UTC)},
		Type: feeds.TypeMissileStrike, Subtype: "Kalibr", Actor: "RU", Country: "UA", Admin1: "UA-51",
		Location: "Odesa oblast, Black Sea", Source: "missile-attacks",
		Fields: map[string]string{
			"time_end": "2024-01-15T06:00:00Z", "launch_place": "Black Sea", "target": "Odesa oblast, Black Sea",
			"launched": "10", "destroyed": "8", "source": "kpszsu/posts/1",
			"time_precision": "minute", "weapon_class": "cruise missile", "target_oblasts": "UA-51",
		},
	}
	if got.ID != want.ID || !got.Time.Equal(want.Time.Time) || got.Type != want.Type || got.Subtype != want.Subtype ||
		got.Actor != want.Actor || got.Country != want.Country || got.Admin1 != want.Admin1 ||
		got.Location != want.Location || got.Source != want.Source || !maps.Equal(got.Fields, want.Fields) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

// badFile has one good row (line 2), one unmapped good row (line 9) and a
// bad row of each kind.
const badFile = "time_start,time_end,model,target,launched,destroyed,source\n" +
	"2024-01-15 03:30,2024-01-15 08:00,Shahed-136/131,Odesa oblast,10.0,8.0,a\n" + // 2 good
	"2024-13-01,2024-01-15,Kalibr,south,1.0,1.0,b\n" + // 3 bad month
	"2024-01-15,2024-01-15,Kalibr,south,many,1.0,c\n" + // 4 launched not a number
	"2024-01-15,2024-01-15,Kalibr,south,1.0\n" + // 5 too few fields
	"2024-01-15,2024-01-15,\"Kal\"ibr,south,1.0,1.0,d\n" + // 6 stray quote
	"2024-01-15,2024-01-16 25:00,X-59,south,1,1,e\n" + // 7 bad time_end
	"2024-01-15,2024-01-15,Фенікс,south,1,-1,f\n" + // 8 negative count
	"2024-01-16,,Фенікс,Kursk oblast,1,,g\n" + // 9 good, unmapped, no oblast
	"0001-01-01,0001-01-01,X-59,south,1,1,h\n" // 10 implausible year

func TestBadRows(t *testing.T) {
	want := []string{
		`bad.csv:3:1: %s: time_start "2024-13-01": not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM), Kyiv local time; row skipped`,
		`bad.csv:4:36: %s: launched "many" is not a count (a number such as 12 or 12.0, or empty); row skipped`,
		`bad.csv:5:1: %s: row has 5 fields, the header 7; row skipped`,
		`bad.csv:6:27: %s: CSV syntax: extraneous or missing " in quoted-field; row skipped`,
		`bad.csv:7:12: %s: time_end "2024-01-16 25:00": not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM), Kyiv local time; row skipped`,
		`bad.csv:8:38: %s: destroyed "-1" is not a count (a number such as 12 or 12.0, or empty); row skipped`,
		`bad.csv:10:1: %s: time_start "0001-01-01": year 1 is outside 1900…2999; row skipped`,
	}
	for _, strict := range []bool{false, true} {
		t.Run("strict="+strconv.FormatBool(strict), func(t *testing.T) {
			res, ds := Reader{}.Read(&feeds.Source{Name: "bad.csv", Data: []byte(badFile)}, feeds.Options{Strict: strict, Oblasts: crosswalk})
			sev := diag.Warning
			if strict {
				sev = diag.Error
			}
			var got []string
			for _, d := range ds {
				got = append(got, d.String())
				if d.Code != "skipped-row" {
					t.Errorf("code %q", d.Code)
				}
			}
			var wantS []string
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
			wantSkipped := map[string]int{ReasonDate: 3, ReasonNumber: 2, ReasonFieldCount: 1, ReasonCSV: 1}
			if s.Read != 9 || s.Mapped != 1 || s.Unmapped != 1 || s.Skipped != 7 ||
				!maps.Equal(s.SkippedBy, wantSkipped) || !maps.Equal(s.UnmappedBy, map[string]int{"Фенікс": 1}) {
				t.Errorf("summary %+v", s)
			}
			if len(res.Incidents) != 2 || res.Incidents[0].ID != "bad.csv:2" || res.Incidents[1].ID != "bad.csv:9" {
				t.Fatalf("incidents %+v", res.Incidents)
			}
			if inc := res.Incidents[1]; inc.Admin1 != "" || inc.Fields[FieldTargetOblasts] != "" || inc.Type != feeds.TypeOther {
				t.Errorf("unmapped row: %+v", inc)
			}
		})
	}
}

func TestHeader(t *testing.T) {
	tests := []struct {
		name, src string
		want      string
	}{
		{"empty", "", "h.csv:1:1: error: empty file; expected a header with the columns time_start, time_end, model, target, launched, destroyed"},
		{"no target", "time_start,time_end,model,launched,destroyed\n2024-01-15,2024-01-15,X-59,1,1\n",
			"h.csv:1:1: error: the header has no target column; expected the columns time_start, time_end, model, target, launched, destroyed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, ds := Reader{}.Read(&feeds.Source{Name: "h.csv", Data: []byte(tt.src)}, feeds.Options{})
			if len(ds) != 1 || ds[0].String() != tt.want || ds[0].Code != CodeMissingColumn {
				t.Errorf("diagnostics %v, want %s", ds, tt.want)
			}
			if len(res.Incidents) != 0 || res.Summary.Read != 0 {
				t.Errorf("result %+v", res)
			}
		})
	}
	// A BOM and CRLF line ends are read.
	src := "\ufefftime_start,time_end,model,target,launched,destroyed\r\n2024-01-15,2024-01-15,X-59,south,1,1\r\n"
	res, ds := Reader{}.Read(&feeds.Source{Name: "h.csv", Data: []byte(src)}, feeds.Options{})
	if len(ds) != 0 || len(res.Incidents) != 1 || res.Incidents[0].Fields["launched"] != "1" {
		t.Errorf("BOM and CRLF: %v %+v", ds, res.Incidents)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"time_start,time_end,model,launch_place,target,target_main,launched,destroyed,not_reach_goal\n2026-02-28 18:00,", true},
		{"\ufefftime_start,time_end,model,target,launched,destroyed\r\n", true},
		{"Time_Start, time_end ,MODEL,target,launched,destroyed", true},
		{"time_start,time_end,model,target,launched\n", false},
		{"oblast,raion,hromada,level,started_at,finished_at,source\n", false},
		{"\"datetime\",\"lon\",\"lat\",\"place_name\",\"event_type\",\"headline\"\n", false},
		{"", false},
		{"\"unterminated\n", false},
	}
	for _, tt := range tests {
		if got := (Reader{}).Detect([]byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
	if (Reader{}).Format() != "missile" {
		t.Error("Format")
	}
	data := readFile(t, realFile)
	if !(Reader{}).Detect(data[:min(len(data), 64<<10)]) {
		t.Error("the real file is not detected")
	}
}

func FuzzMissile(f *testing.F) {
	f.Add([]byte(badFile))
	f.Add([]byte("time_start,time_end,model,target,launched,destroyed\n2024-01-15,2024-01-15,X-59 and Kalibr,Odesa and Mykolaiv oblasts,1,1\n"))
	if data, err := os.ReadFile(realFile); err == nil {
		f.Add(data[:min(len(data), 4096)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, o := range []feeds.Oblasts{nil, crosswalk} {
			res, ds := Reader{}.Read(&feeds.Source{Name: "fuzz.csv", Data: data}, feeds.Options{Oblasts: o})
			s := res.Summary
			if ds.HasErrors() {
				continue
			}
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
	src := &feeds.Source{Name: "missile_attacks_daily.csv", Data: data}
	opts := feeds.Options{Oblasts: crosswalk}
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		res, _ := Reader{}.Read(src, opts)
		rows += res.Summary.Read
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
