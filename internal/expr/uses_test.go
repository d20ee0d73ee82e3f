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
