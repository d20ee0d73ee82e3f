package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/golden"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
)

// missionFixture is two days of a small feed: a combined strike on the
// evening of 2 October (two weapon classes, launched given), shelling
// reported without an actor, one incident corroborated, a garbage
// launched figure, and a breach whose responses fall due on 2, 3 and 5
// October.
func missionFixture(by string) *monitor.MissionReport {
	at := func(s string) model.Timestamp {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return model.Timestamp{Time: t}
	}
	incs := []model.Incident{
		{ID: "m:1", Time: at("2025-10-02T17:00:00Z"), Type: "drone_strike", Actor: "RU", Admin1: "UA-32",
			Fields: map[string]string{"launched": "381", "weapon_class": "loitering munition"}},
		{ID: "m:2", Time: at("2025-10-02T17:00:00Z"), Type: "missile_strike", Actor: "RU", Admin1: "UA-32",
			Fields: map[string]string{"launched": "21", "weapon_class": "cruise missile"}, Confidence: &model.Confidence{Level: 2, Name: "confirmed", Sources: []string{"firms"}}},
		{ID: "m:3", Time: at("2025-10-02T17:00:00Z"), Type: "missile_strike", Actor: "RU", Admin1: "UA-46",
			Fields: map[string]string{"launched": "7", "weapon_class": "ballistic missile"}},
		{ID: "s:1", Time: at("2025-10-02T08:15:00Z"), Type: "shelling", Admin1: "UA-14"},
		{ID: "s:2", Time: at("2025-10-02T09:40:00Z"), Type: "shelling", Admin1: "UA-14", Confidence: &model.Confidence{Level: 0}},
		{ID: "s:3", Time: at("2025-10-03T06:00:00Z"), Type: "shelling", Actor: "RU",
			Fields: map[string]string{"launched": "about 40"}},
		{ID: "m:4", Time: at("2025-10-03T21:00:00Z"), Type: "other", Actor: "RU", Admin1: "UA-63",
			Fields: map[string]string{"launched": "1", "weapon_class": "reconnaissance UAV"}},
	}
	start := at("2025-10-02T17:00:00Z").Time
	rep := &monitor.Report{Framework: "ukraine-2025", Episodes: []monitor.Episode{{
		Trigger: "missile-strike", Title: "Missile or drone strike on Ukraine", Severity: "grave", Start: start,
		Responses: []monitor.ResponseDue{
			{Response: "consult-24h", Title: "Guarantors convene within 24 hours", Mode: "consultation", Due: start.Add(24 * time.Hour)},
			{Response: "sanctions-snapback", Title: "Sanctions snap back", Mode: "automatic", Due: start},
			{Response: "air-defense-surge", Title: "Air, air-defence and ISR surge", Mode: "decision", Due: start.Add(72 * time.Hour)},
		},
	}}}
	return monitor.Mission(rep, incs, monitor.MissionOptions{By: by})
}

func TestMissionGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *monitor.MissionReport
	}{
		{"mission", missionFixture("day")},
		{"mission-week", missionFixture("week")},
		{"mission-empty", monitor.Mission(&monitor.Report{Framework: "ukraine-2025"}, nil, monitor.MissionOptions{})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tb, cb, hb bytes.Buffer
			if err := MissionTable(&tb, tc.r, TableOptions{}); err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", tc.name+".txt.golden"), tb.String())
			if err := MissionCSV(&cb, tc.r); err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", tc.name+".csv.golden"), cb.String())
			if tc.name == "mission" {
				if err := MissionHTML(&hb, tc.r); err != nil {
					t.Fatal(err)
				}
				golden.Compare(t, filepath.Join("testdata", tc.name+".html.golden"), hb.String())
			}
		})
	}
}

// TestMissionCSVMatchesReport reads the CSV back: the header, four fields
// a row, and every figure as the report has it.
func TestMissionCSVMatchesReport(t *testing.T) {
	r := missionFixture("day")
	var b bytes.Buffer
	if err := MissionCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0], MissionCSVHeader) || strings.Join(rows[0], ",") != "period,dimension,category,count" {
		t.Fatalf("header %v", rows[0])
	}
	got := map[string]string{}
	for _, row := range rows[1:] {
		if len(row) != 4 {
			t.Fatalf("row %v", row)
		}
		k := strings.Join(row[:3], "|")
		if _, dup := got[k]; dup {
			t.Errorf("row %v twice", row)
		}
		got[k] = row[3]
	}
	for k, v := range map[string]string{
		"2025-10-02|incidents|all":                   "5",
		"2025-10-02|type|missile_strike":             "2",
		"2025-10-02|weapon_class|loitering munition": "1",
		"2025-10-02|oblast|UA-32":                    "2",
		"2025-10-02|attribution|not_attributed":      "2",
		"2025-10-02|corroboration|corroborated":      "1",
		"2025-10-02|corroboration|reported":          "4",
		"2025-10-02|launched|weapons":                "409",
		"2025-10-02|breach|missile-strike":           "1",
		"2025-10-02|response_due|sanctions-snapback": "1",
		"2025-10-03|oblast|unknown":                  "1",
		"2025-10-03|launched|weapons":                "1",
		"2025-10-03|launched|unreadable":             "1",
		"2025-10-03|response_due|consult-24h":        "1",
		"2025-10-05|incidents|all":                   "0",
		"2025-10-05|response_due|air-defense-surge":  "1",
		"total|incidents|all":                        "7",
		"total|launched|weapons":                     "410",
		"total|response_due|consult-24h":             "1",
		"total|breach|missile-strike":                "1",
	} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// Every period's type rows sum to its incidents.
	sums := map[string]int{}
	for k, v := range got {
		if p := strings.Split(k, "|"); p[1] == "type" {
			n, _ := strconv.Atoi(v)
			sums[p[0]] += n
		}
	}
	for _, p := range r.Periods {
		if sums[p.Period] != p.Incidents {
			t.Errorf("%s: types sum to %d, %d incidents", p.Period, sums[p.Period], p.Incidents)
		}
	}
}

func TestMissionJSONRoundTrip(t *testing.T) {
	r := missionFixture("week")
	var b bytes.Buffer
	if err := MissionJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var back monitor.MissionReport
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Errorf("round trip differs:\n%s", b.String())
	}
	for _, key := range []string{`"format_version": 1`, `"by": "week"`, `"by_weapon_class"`, `"not_attributed"`, `"responses_due"`, `"breach_start"`} {
		if !strings.Contains(b.String(), key) {
			t.Errorf("no %s in the JSON", key)
		}
	}
}

func TestMissionTableWidthAndColor(t *testing.T) {
	r := missionFixture("day")
	for _, width := range []int{40, 60, 100} {
		var b bytes.Buffer
		if err := MissionTable(&b, r, TableOptions{Width: width}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "\x1b") {
			t.Errorf("width %d: escape sequence without colour", width)
		}
		for _, l := range strings.Split(b.String(), "\n") {
			if n := utf8.RuneCountInString(l); n > width {
				t.Errorf("width %d: line of %d: %q", width, n, l)
			}
		}
	}
	var b bytes.Buffer
	if err := MissionTable(&b, r, TableOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), ansiRed+"missile-strike") {
		t.Errorf("the grave breach is not red:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "410 weapons launched") {
		t.Errorf("no unit on the weapons launched:\n%s", b.String())
	}
}

func TestMissionHTMLSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := MissionHTML(&b, missionFixture("day")); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, bad := range []string{"<script", "<link", "src=", "http://", "https://", "@import"} {
		if strings.Contains(s, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	for _, want := range []string{`id="overview"`, `id="breaches"`, `id="responses"`, `id="totals"`, `id="periods"`,
		"Incidents of 2025-10-05", "a mission report in format version 1"} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

func TestMissionNil(t *testing.T) {
	var b bytes.Buffer
	for name, f := range map[string]func() error{
		"table": func() error { return MissionTable(&b, nil, TableOptions{}) },
		"csv":   func() error { return MissionCSV(&b, nil) },
		"json":  func() error { return MissionJSON(&b, nil) },
		"html":  func() error { return MissionHTML(&b, nil) },
	} {
		if f() == nil {
			t.Errorf("%s: no error on a nil report", name)
		}
	}
}
