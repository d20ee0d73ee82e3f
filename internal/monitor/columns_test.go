package monitor

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestFieldsFromColumns: the fields of an incident a CSV reader read
// (Columns, no map) are seen by triggers that read incident.fields or
// number(), by the episode's measure and by the mission counts, exactly
// as a map of them is.
func TestFieldsFromColumns(t *testing.T) {
	names := []string{"weapon", "launched", "weapon_class"}
	run := func(columns bool, when string) *Report {
		var incs []model.Incident
		for d := range 4 {
			inc := incident(fmt.Sprint("d", d), fmt.Sprintf("2025-09-%02dT20:00:00Z", d+1), "drone_strike")
			values := []string{"Shahed", fmt.Sprint(100 + d), "attack UAV"}
			if d == 3 {
				values[0] = ""
			}
			if columns {
				inc.Columns = model.Columns{Names: names, Values: values}
			} else {
				inc.Fields = map[string]string{}
				for i, v := range values {
					if v != "" {
						inc.Fields[names[i]] = v
					}
				}
			}
			incs = append(incs, inc)
		}
		l := &load.Loader{}
		l.AddBytes("fw.yaml", []byte(strings.Replace(framework,
			`when: territory.gained_km2 >= 1.0 || (incident.type == "ground_assault" && incident.beyond_line)`,
			"when: "+when, 1)))
		l.AddBytes("decl.yaml", []byte(declarations))
		set, ds := l.Finish()
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		set.Framework("fw").Triggers[0].Measure = "launched"
		r, err := Run(set, "fw", incs, nil, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	summary := func(r *Report) []string {
		var got []string
		for _, e := range r.Episodes {
			got = append(got, fmt.Sprintf("%s ×%d sum %g %v", e.Trigger, e.Firings, e.Sum, e.Incidents))
		}
		return got
	}
	for _, when := range []string{
		// reads the map: the monitor builds it from the columns
		`'"weapon" in incident.fields && incident.fields.weapon == "Shahed" && incident.number("launched") >= 101.0'`,
		// number() alone reads the columns themselves
		`'incident.number("launched") >= 101.0 && window("12h").map(i, i.number("launched")).sum() >= 101.0'`,
	} {
		fromMap, fromColumns := summary(run(false, when)), summary(run(true, when))
		want := []string{"strike ×3 sum 303 [d0 d1 d2]", "strike ×1 sum 103 [d3]", "incursion ×1 sum 0 [d1]", "incursion ×1 sum 0 [d2]"}
		if !strings.Contains(when, "weapon") {
			want = append(want[:2], "incursion ×1 sum 0 [d1]", "incursion ×1 sum 0 [d2]", "incursion ×1 sum 0 [d3]")
		}
		slices.Sort(want)
		slices.Sort(fromMap)
		slices.Sort(fromColumns)
		if !slices.Equal(fromMap, want) || !slices.Equal(fromColumns, want) {
			t.Errorf("%s: episodes\nfrom a map     %v\nfrom columns   %v\nwant           %v", when, fromMap, fromColumns, want)
		}
	}
}
