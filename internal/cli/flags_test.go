package cli

import (
	"slices"
	"testing"
)

// TestSeveralValues: --incidents takes several data files after it, and
// leaves a framework folder or another flag where they are.
func TestSeveralValues(t *testing.T) {
	for _, tt := range []struct{ in, want []string }{
		{[]string{"fw", "--incidents", "a.csv", "b.jsonl", "c.csv.gz"}, []string{"fw", "--incidents", "a.csv", "--incidents", "b.jsonl", "--incidents", "c.csv.gz"}},
		{[]string{"--incidents", "a.csv", "examples/ukraine-2025"}, []string{"--incidents", "a.csv", "examples/ukraine-2025"}},
		{[]string{"--incidents", "dir", "b.csv", "--format", "json"}, []string{"--incidents", "dir", "--incidents", "b.csv", "--format", "json"}},
		{[]string{"--incidents=a.csv", "b.csv"}, []string{"--incidents=a.csv", "b.csv"}},
		{[]string{"--territory", "a.csv", "b.csv"}, []string{"--territory", "a.csv", "b.csv"}},
		{[]string{"--incidents"}, []string{"--incidents"}},
	} {
		if got := severalValues(tt.in, "incidents"); !slices.Equal(got, tt.want) {
			t.Errorf("severalValues(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
