package model

import (
	"maps"
	"testing"
)

func TestFieldAccessors(t *testing.T) {
	names := []string{"a", "b", "c"}
	tests := []struct {
		name string
		inc  Incident
		want map[string]string // nil: no fields
	}{
		{"none", Incident{}, nil},
		{"map only", Incident{Fields: map[string]string{"a": "1", "e": ""}}, map[string]string{"a": "1", "e": ""}},
		{"empty map", Incident{Fields: map[string]string{}}, map[string]string{}},
		{"columns only", Incident{Columns: Columns{Names: names, Values: []string{"1", "2", "3"}}},
			map[string]string{"a": "1", "b": "2", "c": "3"}},
		{"columns, empty values", Incident{Columns: Columns{Names: names, Values: []string{"", "2", ""}}},
			map[string]string{"b": "2"}},
		{"columns, all empty", Incident{Columns: Columns{Names: names, Values: []string{"", "", ""}}}, nil},
		{"columns, no values", Incident{Columns: Columns{Names: names}}, nil},
		{"columns, a blank", Incident{Columns: Columns{Names: names, Values: []string{"", "2", ""}, Blank: 1 << 2}},
			map[string]string{"b": "2", "c": ""}},
		{"columns, only blanks", Incident{Columns: Columns{Names: names, Values: []string{"", "", ""}, Blank: 1<<0 | 1<<2}},
			map[string]string{"a": "", "c": ""}},
		{"columns, blank with a value", Incident{Columns: Columns{Names: names, Values: []string{"1", "", ""}, Blank: 1 << 0}},
			map[string]string{"a": "1"}},
		{"columns, blank past the columns", Incident{Columns: Columns{Names: names, Values: []string{"", "", ""}, Blank: 1 << 5}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := tt.inc
			got := inc.FieldMap()
			if (got == nil) != (tt.want == nil) || !maps.Equal(got, tt.want) {
				t.Errorf("FieldMap() = %v, want %v", got, tt.want)
			}
			if len(inc.Fields) > 0 {
				got["x"] = "y" // Fields itself, not a copy
				if inc.Fields["x"] != "y" {
					t.Error("FieldMap() copied Fields")
				}
				delete(got, "x")
			}
			if n := inc.FieldCount(); n != len(tt.want) {
				t.Errorf("FieldCount() = %d, want %d", n, len(tt.want))
			}
			all := map[string]string{}
			for k, v := range inc.AllFields() {
				if _, dup := all[k]; dup {
					t.Errorf("AllFields yields %q twice", k)
				}
				all[k] = v
			}
			if !maps.Equal(all, tt.want) {
				t.Errorf("AllFields = %v, want %v", all, tt.want)
			}
			for _, k := range []string{"a", "b", "c", "e", "x"} {
				v, ok := inc.Field(k)
				w, wok := tt.want[k]
				if v != w || ok != wok {
					t.Errorf("Field(%q) = %q, %v; want %q, %v", k, v, ok, w, wok)
				}
			}
			for range inc.AllFields() {
				break // stopping early is allowed
			}
			inc.DropFields()
			if inc.Fields != nil || inc.Columns.Names != nil || inc.Columns.Values != nil || inc.Columns.Blank != 0 || inc.FieldCount() != 0 || inc.FieldMap() != nil {
				t.Errorf("after DropFields: %+v", inc)
			}
		})
	}
}
