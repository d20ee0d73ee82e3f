package monitor_test

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/missile"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/oblast"
)

// mInc is a hand-made incident: kv are field key, value pairs.
func mInc(id, when, typ, actor, admin1 string, level int, kv ...string) model.Incident {
	t, err := time.Parse(time.RFC3339, when)
	if err != nil {
		panic(err)
	}
	inc := model.Incident{ID: id, Time: model.Timestamp{Time: t}, Type: typ, Actor: actor, Country: "UA", Admin1: admin1}
	if level >= 0 {
		// a level above 0 here stands for a match with another source
		inc.Confidence = &model.Confidence{Level: level}
		if level > 0 {
			inc.Confidence.Sources = []string{"firms"}
		}
	}
	if len(kv) > 0 {
		inc.Fields = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			inc.Fields[kv[i]] = kv[i+1]
		}
	}
	return inc
}

func periodKeys(r *monitor.MissionReport) []string {
	var ks []string
	for _, p := range r.Periods {
		ks = append(ks, fmt.Sprintf("%s:%d", p.Period, p.Incidents))
	}
	return ks
}

func TestMissionPeriods(t *testing.T) {
	for _, tc := range []struct {
		name string
		by   string
		when []string
		want []string // period:incidents
		// start of the first period
		start string
	}{
		{"days, unsorted input", "", []string{"2025-10-02T00:00:00Z", "2025-10-01T23:59:59Z", "2025-10-02T23:59:59Z", "2025-10-05T12:00:00Z"},
			[]string{"2025-10-01:1", "2025-10-02:2", "2025-10-05:1"}, "2025-10-01T00:00:00Z"},
		{"unknown By means day", "month", []string{"2025-10-02T10:00:00Z"}, []string{"2025-10-02:1"}, "2025-10-02T00:00:00Z"},
		{"a time in another zone falls on its UTC day", "day", []string{"2025-10-03T01:30:00+03:00"}, []string{"2025-10-02:1"}, "2025-10-02T00:00:00Z"},
		{"weeks", "week", []string{"2025-09-29T00:00:00Z", "2025-10-05T23:59:59Z", "2025-10-06T00:00:00Z"},
			[]string{"2025-W40:2", "2025-W41:1"}, "2025-09-29T00:00:00Z"},
		{"week across the year boundary", "week", []string{"2024-12-29T12:00:00Z", "2024-12-30T00:00:00Z", "2025-01-01T09:00:00Z", "2025-01-05T23:00:00Z", "2025-01-06T00:00:00Z"},
			[]string{"2024-W52:1", "2025-W01:3", "2025-W02:1"}, "2024-12-23T00:00:00Z"},
		{"week 53 belongs to the year before", "week", []string{"2021-01-03T12:00:00Z", "2020-12-28T00:00:00Z"},
			[]string{"2020-W53:2"}, "2020-12-28T00:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var incs []model.Incident
			for i, w := range tc.when {
				incs = append(incs, mInc(strconv.Itoa(i), w, "shelling", "", "", -1))
			}
			r := monitor.Mission(&monitor.Report{Framework: "fw"}, incs, monitor.MissionOptions{By: tc.by})
			if got := periodKeys(r); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("periods %v, want %v", got, tc.want)
			}
			p := r.Periods[0]
			length := 24 * time.Hour
			if r.By == monitor.ByWeek {
				length *= 7
			}
			if got := p.Start.Format(time.RFC3339); got != tc.start || p.End.Sub(p.Start) != length {
				t.Errorf("first period %s … %s, want from %s, %s long", got, p.End.Format(time.RFC3339), tc.start, length)
			}
			if r.Totals.Incidents != len(tc.when) || r.Totals.Periods != len(tc.want) {
				t.Errorf("totals %d incidents in %d periods", r.Totals.Incidents, r.Totals.Periods)
			}
			if r.From != r.Periods[0].Period || r.To != r.Periods[len(r.Periods)-1].Period || r.Framework != "fw" {
				t.Errorf("from %s to %s of %s", r.From, r.To, r.Framework)
			}
		})
	}
}

func TestMissionCounts(t *testing.T) {
	incs := []model.Incident{
		// attributed, corroborated at level 2, launched 100
		mInc("a", "2025-10-02T17:00:00Z", "drone_strike", "RU", "UA-32", 2, "launched", "100", "weapon_class", "loitering munition"),
		// attributed, confidence level 0: a single-source report; launched with decimals
		mInc("b", "2025-10-02T17:00:00Z", "missile_strike", "RU", "UA-32", 0, "launched", " 7.5 ", "weapon_class", "cruise missile"),
		// not attributed, never corroborated; garbage launched
		mInc("c", "2025-10-02T18:00:00Z", "missile_strike", "", "UA-46", -1, "launched", "many", "weapon_class", "cruise missile"),
		// not attributed, corroborated at level 1, no Admin1, launched NaN, negative are garbage
		mInc("d", "2025-10-02T19:00:00Z", "shelling", "", "", 1, "launched", "NaN"),
		mInc("e", "2025-10-02T19:30:00Z", "shelling", "", "", -1, "launched", "-3"),
		// empty launched is no figure at all, not garbage
		mInc("f", "2025-10-02T20:00:00Z", "shelling", "", "UA-46", -1, "launched", ""),
		// another day
		mInc("g", "2025-10-03T01:00:00Z", "drone_strike", "RU", "UA-63", -1, "launched", "1e2"),
	}
	r := monitor.Mission(nil, incs, monitor.MissionOptions{})
	if len(r.Periods) != 2 {
		t.Fatalf("periods %v", periodKeys(r))
	}
	p := r.Periods[0].MissionCounts
	want := monitor.MissionCounts{
		Incidents:     6,
		ByType:        []monitor.MissionTally{{"shelling", 3}, {"missile_strike", 2}, {"drone_strike", 1}},
		ByWeaponClass: []monitor.MissionTally{{"cruise missile", 2}, {"loitering munition", 1}},
		ByOblast:      []monitor.MissionTally{{"UA-32", 2}, {"UA-46", 2}, {"unknown", 2}},
		Attributed:    2, NotAttributed: 4,
		Corroborated: 2, Reported: 4,
		Launched: 107.5, LaunchedIncidents: 2, LaunchedUnreadable: 3,
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("2025-10-02:\n got %+v\nwant %+v", p, want)
	}
	tot := r.Totals.MissionCounts
	if tot.Incidents != 7 || tot.Launched != 207.5 || tot.LaunchedIncidents != 3 || tot.LaunchedUnreadable != 3 ||
		tot.Attributed != 3 || tot.NotAttributed != 4 || tot.Corroborated != 2 || tot.Reported != 5 {
		t.Errorf("totals %+v", tot)
	}
	if !reflect.DeepEqual(tot.ByType, []monitor.MissionTally{{"shelling", 3}, {"drone_strike", 2}, {"missile_strike", 2}}) {
		t.Errorf("totals by type %+v (count descending, then name)", tot.ByType)
	}
}

func TestMissionOblastLimit(t *testing.T) {
	var incs []model.Incident
	for i := range monitor.MissionCategoryLimit + 5 {
		// oblast i has i+1 incidents
		for j := 0; j <= i; j++ {
			incs = append(incs, mInc(fmt.Sprint(i, j), "2025-10-02T10:00:00Z", "shelling", "", fmt.Sprintf("X-%02d", i), -1))
		}
	}
	r := monitor.Mission(nil, incs, monitor.MissionOptions{})
	obs := r.Periods[0].ByOblast
	if len(obs) != monitor.MissionCategoryLimit {
		t.Fatalf("%d oblasts listed, want %d", len(obs), monitor.MissionCategoryLimit)
	}
	if obs[0].Category != "X-34" || obs[0].Count != 35 {
		t.Errorf("first %+v", obs[0])
	}
	// The six smallest (X-00 … X-05: 1+…+6 = 21) are folded.
	if last := obs[len(obs)-1]; last.Category != monitor.MissionOther || last.Count != 21 {
		t.Errorf("last %+v", last)
	}
	sum := 0
	for _, o := range obs {
		sum += o.Count
	}
	if sum != len(incs) {
		t.Errorf("the oblasts sum to %d of %d incidents", sum, len(incs))
	}
}

func TestMissionBreachesAndResponses(t *testing.T) {
	start := time.Date(2025, 10, 2, 17, 0, 0, 0, time.UTC)
	rep := &monitor.Report{Framework: "fw", Episodes: []monitor.Episode{
		{Trigger: "strike", Title: "Strike", Severity: "grave", Start: start, Responses: []monitor.ResponseDue{
			{Response: "snapback", Title: "Sanctions", Mode: "automatic", Due: start},
			{Response: "surge", Mode: "decision", Due: start.Add(72 * time.Hour)},
			{Response: "consult-24h", Mode: "consultation", Due: start.Add(24 * time.Hour)},
		}},
		{Trigger: "massive", Severity: "grave", Start: start, Responses: []monitor.ResponseDue{
			{Response: "consult-24h", Mode: "consultation", Due: start.Add(24 * time.Hour)},
		}},
	}}
	incs := []model.Incident{mInc("a", "2025-10-02T17:00:00Z", "missile_strike", "RU", "UA-32", -1)}
	r := monitor.Mission(rep, incs, monitor.MissionOptions{})
	// A period with a response due and no incident is listed.
	if got, want := periodKeys(r), []string{"2025-10-02:1", "2025-10-03:0", "2025-10-05:0"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("periods %v, want %v", got, want)
	}
	d := r.Periods[0]
	if len(d.Breaches) != 2 || d.Breaches[0].Trigger != "massive" || d.Breaches[1].Trigger != "strike" || d.Breaches[1].Title != "Strike" {
		t.Errorf("breaches %+v (by start, then trigger)", d.Breaches)
	}
	if len(d.ResponsesDue) != 1 || d.ResponsesDue[0] != (monitor.MissionResponse{Response: "snapback", Title: "Sanctions",
		Mode: "automatic", Trigger: "strike", BreachStart: start, Due: start}) {
		t.Errorf("responses due on the day %+v", d.ResponsesDue)
	}
	next := r.Periods[1].ResponsesDue
	if len(next) != 2 || next[0].Trigger != "massive" || next[1].Trigger != "strike" || next[0].Response != "consult-24h" {
		t.Errorf("responses due the next day %+v", next)
	}
	if got := r.Totals.Breaches; !reflect.DeepEqual(got, []monitor.MissionTally{{"massive", 1}, {"strike", 1}}) {
		t.Errorf("total breaches %+v", got)
	}
	if got := r.Totals.ResponsesDue; !reflect.DeepEqual(got, []monitor.MissionTally{{"consult-24h", 2}, {"snapback", 1}, {"surge", 1}}) {
		t.Errorf("total responses %+v", got)
	}
	w := monitor.Mission(rep, incs, monitor.MissionOptions{By: "week"})
	if got := periodKeys(w); !reflect.DeepEqual(got, []string{"2025-W40:1"}) || len(w.Periods[0].ResponsesDue) != 4 {
		t.Errorf("weeks %v, responses %+v", got, w.Periods[0].ResponsesDue)
	}
}

// TestMissionEmptyJSON: no incident, no breach; no list is null.
func TestMissionEmptyJSON(t *testing.T) {
	r := monitor.Mission(&monitor.Report{Framework: "fw"}, nil, monitor.MissionOptions{By: "week"})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "null") || !strings.Contains(s, `"periods":[]`) || !strings.Contains(s, `"by":"week"`) ||
		!strings.Contains(s, `"format_version":1`) {
		t.Errorf("JSON %s", s)
	}
}

// TestMissionMissileData cuts the monitoring of the daily missile and
// drone reports with the bundled framework into days and weeks, and checks
// the figures against the CSV read on its own here: per UTC day, the rows
// (one incident each) and the sum of launched; the breaches of the
// massive-strike trigger on their days.
func TestMissionMissileData(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "missile-attacks", "missile_attacks_daily.csv")
	datatest.Need(t, path)
	src, err := feeds.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	res, ds := missile.Reader{}.Read(src, feeds.Options{Oblasts: oblast.New()})
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	set, lds := load.Paths([]string{"../../examples/ukraine-2025"}, nil)
	if lds.HasErrors() {
		t.Fatal(lds)
	}
	rep, err := monitor.Run(set, "ukraine-2025", res.Incidents, nil, monitor.Options{})
	if err != nil {
		t.Fatal(err)
	}
	days := monitor.Mission(rep, res.Incidents, monitor.MissionOptions{By: "day"})

	// The CSV, read independently: time_start is Kyiv local time, a date
	// alone meaning local midnight; a report day is a UTC day.
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	rows := datatest.ReadCSV(t, path, "time_start", "launched", "model")
	type dayFig struct {
		rows     int
		launched float64
	}
	want := map[string]*dayFig{}
	var totalLaunched float64
	for _, row := range rows {
		s := strings.TrimSpace(row["time_start"])
		var at time.Time
		var err error
		if len(s) == 10 {
			at, err = time.ParseInLocation("2006-01-02", s, kyiv)
		} else {
			s = strings.Replace(s, "T", " ", 1)
			if at, err = time.ParseInLocation("2006-01-02 15:04", s, kyiv); err != nil {
				at, err = time.ParseInLocation("2006-01-02 15:04:05", s, kyiv)
			}
		}
		if err != nil {
			t.Fatalf("time_start %q: %v", row["time_start"], err)
		}
		day := at.UTC().Format("2006-01-02")
		f := want[day]
		if f == nil {
			f = &dayFig{}
			want[day] = f
		}
		f.rows++
		if l := strings.TrimSpace(row["launched"]); l != "" {
			v := datatest.Num(t, l)
			f.launched += v
			totalLaunched += v
		}
	}
	if res.Summary.Skipped != 0 {
		t.Fatalf("the reader skipped %d rows: the comparison assumes it reads them all", res.Summary.Skipped)
	}
	got := map[string]monitor.MissionPeriod{}
	for _, p := range days.Periods {
		got[p.Period] = p
		if p.Incidents > 0 && want[p.Period] == nil {
			t.Errorf("%s: %d incidents, none in the CSV", p.Period, p.Incidents)
		}
	}
	mismatches := 0
	for day, f := range want {
		p := got[day]
		if p.Incidents != f.rows || math.Abs(p.Launched-f.launched) > 1e-6 {
			if mismatches++; mismatches <= 10 {
				t.Errorf("%s: %d incidents, %g launched; the CSV has %d rows, %g launched", day, p.Incidents, p.Launched, f.rows, f.launched)
			}
		}
	}
	if days.Totals.Incidents != len(rows) || math.Abs(days.Totals.Launched-totalLaunched) > 1e-6 {
		t.Errorf("totals %d incidents, %g launched; the CSV has %d rows, %g launched", days.Totals.Incidents, days.Totals.Launched, len(rows), totalLaunched)
	}
	t.Logf("%d days with activity, %d CSV rows, %g weapons launched, %d breaches", len(days.Periods), len(rows), totalLaunched, len(rep.Episodes))

	// 2025-10-02 (UTC), as the file has it: the attack of the evening of
	// 2 October (lines 515–518, 20:00 Kyiv = 17:00 UTC) — Shahed-136/131
	// 381, Iskander-K 21, X-59/X-69 7, Iskander-M/KN-23 7 — and the
	// day-only rows of 3 October (Kyiv midnight = 21:00 UTC on the 2nd):
	// Молнія 5 and ZALA 1, a reconnaissance drone (type other). The
	// day-only row of 2 October (Молнія 4) falls on 1 October UTC.
	oct2 := got["2025-10-02"]
	if oct2.Incidents != 6 || oct2.Launched != 422 || oct2.Attributed != 6 || oct2.Reported != 6 {
		t.Errorf("2025-10-02: %+v", oct2.MissionCounts)
	}
	strikes := 0
	for _, ty := range oct2.ByType {
		if ty.Category == "missile_strike" || ty.Category == "drone_strike" {
			strikes += ty.Count
		}
	}
	if strikes != 5 {
		t.Errorf("2025-10-02: %d strikes (%+v), want 5 (the ZALA is reconnaissance)", strikes, oct2.ByType)
	}
	if want := want["2025-10-02"]; want == nil || want.launched != 422 {
		t.Errorf("the CSV's 2025-10-02 (UTC) launched %+v, want 422", want)
	}

	// The massive-strike breaches of realdata_test.go, on their days, each
	// with consult-24h due the day after.
	for _, day := range []string{"2025-07-08", "2025-09-06", "2025-12-05"} {
		p := got[day]
		found := false
		for _, b := range p.Breaches {
			found = found || b.Trigger == "massive-strike"
		}
		if !found {
			t.Errorf("%s: no massive-strike breach among %+v", day, p.Breaches)
		}
		next, _ := time.Parse("2006-01-02", day)
		q := got[next.AddDate(0, 0, 1).Format("2006-01-02")]
		due := false
		for _, r := range q.ResponsesDue {
			due = due || (r.Trigger == "massive-strike" && r.Response == "consult-24h")
		}
		if !due {
			t.Errorf("the day after %s: no consult-24h due for massive-strike among %+v", day, q.ResponsesDue)
		}
	}
	nb := 0
	for _, tl := range days.Totals.Breaches {
		nb += tl.Count
	}
	if nb != len(rep.Episodes) {
		t.Errorf("%d breaches in the totals, the monitoring has %d", nb, len(rep.Episodes))
	}

	// Weeks hold the same incidents and weapons as the days they cover.
	weeks := monitor.Mission(rep, res.Incidents, monitor.MissionOptions{By: "week"})
	byWeek := map[string]*dayFig{}
	for _, p := range days.Periods {
		at, _ := time.Parse("2006-01-02", p.Period)
		y, w := at.ISOWeek()
		k := fmt.Sprintf("%04d-W%02d", y, w)
		if byWeek[k] == nil {
			byWeek[k] = &dayFig{}
		}
		byWeek[k].rows += p.Incidents
		byWeek[k].launched += p.Launched
	}
	for _, p := range weeks.Periods {
		f := byWeek[p.Period]
		if f == nil || f.rows != p.Incidents || math.Abs(f.launched-p.Launched) > 1e-6 {
			t.Errorf("week %s: %d incidents, %g launched; its days %+v", p.Period, p.Incidents, p.Launched, f)
		}
	}
	if len(weeks.Periods) != len(byWeek) || weeks.Totals.Incidents != days.Totals.Incidents {
		t.Errorf("%d weeks, %d from the days", len(weeks.Periods), len(byWeek))
	}
}
