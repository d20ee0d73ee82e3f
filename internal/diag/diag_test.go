package diag

import (
	"slices"
	"testing"
)

func at(file string, line, col int) Range {
	return Range{File: file, Start: Pos{Line: line, Column: col}, End: Pos{Line: line, Column: col}}
}

func TestSortAndString(t *testing.T) {
	ds := Diagnostics{
		Warningf(at("b.yaml", 1, 1), "w", "later file"),
		Errorf(at("a.yaml", 10, 2), "e", "line ten"),
		Warningf(at("a.yaml", 3, 7), "w", "same place, warning"),
		Errorf(at("a.yaml", 3, 7), "e", "same place, error"),
		Errorf(Range{File: "c.yaml"}, "io", "unreadable"),
		Errorf(at("a.yaml", 3, 1), "e", "earlier column"),
	}
	ds.Sort()
	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	want := []string{
		"a.yaml:3:1: error: earlier column",
		"a.yaml:3:7: error: same place, error",
		"a.yaml:3:7: warning: same place, warning",
		"a.yaml:10:2: error: line ten",
		"b.yaml:1:1: warning: later file",
		"c.yaml: error: unreadable",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sorted:\n%q\nwant:\n%q", got, want)
	}
	if e, w := ds.Count(); e != 4 || w != 2 {
		t.Errorf("Count() = %d errors, %d warnings; want 4, 2", e, w)
	}
	if !ds.HasErrors() {
		t.Error("HasErrors() = false")
	}
	if (Diagnostics{Warningf(at("a", 1, 1), "w", "x")}).HasErrors() {
		t.Error("warnings alone are not errors")
	}
	var none Diagnostics
	if none.HasErrors() {
		t.Error("nil Diagnostics has errors")
	}
}
