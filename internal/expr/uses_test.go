package expr_test

import (
	"testing"
)

// TestUsesFields: a program reads the fields map when it selects
// `fields` on any incident (the monitor then fills Incident.Fields), and
// only then: number() also reads the columns of SetColumns.
func TestUsesFields(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{`incident.type == "shelling"`, false},
		{`incident.fatalities >= 3 && incident.country == "UA"`, false},
		{`window("24h").filter(i, i.type == "shelling").size() >= 5`, false},
		{`incident.fields["weapon"] == "Kh-101"`, true},
		{`"launched" in incident.fields`, true},
		{`has(incident.fields.launched)`, true},
		{`incident.number("launched") >= 100.0`, false},
		{`window("6h").map(i, i.number("launched")).sum() >= 100.0`, false},
		{`window("6h").exists(i, i.fields.type == "x")`, true},
		{`window("6h").filter(i, "labels" in i.fields).size() > 2`, true},
	}
	program := triggerPrograms(t)
	for _, tt := range tests {
		p := program(tt.src)
		if p.Uses.Fields != tt.want {
			t.Errorf("%s: Uses.Fields %v, want %v", tt.src, p.Uses.Fields, tt.want)
		}
	}
}

// TestUsesPlace: a program reads where an incident is when it selects
// lat, lon or beyond_line on any incident (the monitor then fills them
// and calls its BeyondLine test), and only then.
func TestUsesPlace(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{`incident.type == "missile_strike" && incident.confidence_points >= 0.8`, false},
		{`incident.fields["lat"] == "x"`, false},
		{`incident.beyond_line`, true},
		{`incident.type == "ground_assault" && incident.lat > 49.0`, true},
		{`has(incident.lon)`, true},
		{`window("24h").exists(i, i.beyond_line)`, true},
		{`window("24h").filter(i, i.lon > 30.0).size() >= 5`, true},
		{`window("24h").filter(i, i.type == "shelling").size() >= 50`, false},
	}
	program := triggerPrograms(t)
	for _, tt := range tests {
		p := program(tt.src)
		if p.Uses.Place != tt.want {
			t.Errorf("%s: Uses.Place %v, want %v", tt.src, p.Uses.Place, tt.want)
		}
	}
}
