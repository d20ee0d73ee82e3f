package feeds

import (
	"maps"
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// TestExtra: the fields Extra gives a row are those Header.Fields gives
// it, plus the extra names the reader set (a later non-empty value of a
// name wins): as Columns when the names are distinct, as Fields when
// they repeat.
func TestExtra(t *testing.T) {
	tests := []struct {
		name     string
		header   []string
		extra    []string
		rec      []string
		set      map[int]string // extra index → value
		want     map[string]string
		distinct bool
	}{
		{"distinct", []string{"id", "a", "b", "c"}, []string{"p"}, []string{"1", "x", "", "z"}, map[int]string{0: "day"},
			map[string]string{"a": "x", "c": "z", "p": "day"}, true},
		{"extra empty", []string{"id", "a", "b"}, []string{"p", "q"}, []string{"1", "x", "y"}, nil,
			map[string]string{"a": "x", "b": "y"}, true},
		{"short row", []string{"id", "a", "b"}, nil, []string{"1", "x"}, nil, map[string]string{"a": "x"}, true},
		{"repeated column", []string{"id", "a", "A", "a"}, []string{"p"}, []string{"1", "x", "y", ""}, nil,
			map[string]string{"a": "x", "A": "y"}, false},
		{"extra overrides a column", []string{"id", "admin1 ", "b"}, []string{"admin1"}, []string{"1", "Kyiv", "y"}, map[int]string{0: "Kyiv City"},
			map[string]string{"admin1": "Kyiv City", "b": "y"}, false},
		{"extra unset keeps the column", []string{"id", "admin1", "b"}, []string{"admin1"}, []string{"1", "Kyiv", "y"}, nil,
			map[string]string{"admin1": "Kyiv", "b": "y"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHeader(tt.header)
			cols := h.Others("id")
			e := h.Extra(cols, tt.extra...)
			if e.Distinct() != tt.distinct {
				t.Errorf("Distinct() = %v", e.Distinct())
			}
			var incs []model.Incident
			for range 2*extraBlock + 1 { // across blocks
				v := e.Row(tt.rec)
				for k, s := range tt.set {
					v[e.At(k)] = s
				}
				incs = append(incs, model.Incident{})
				e.Set(&incs[len(incs)-1], v)
			}
			old := h.Fields(tt.rec, cols) // the map readers built before Columns
			for k, s := range tt.set {
				old[tt.extra[k]] = s
			}
			if !maps.Equal(old, tt.want) {
				t.Fatalf("the old map %v, want %v", old, tt.want)
			}
			for i := range incs {
				inc := &incs[i]
				if got := inc.FieldMap(); !maps.Equal(got, tt.want) || inc.FieldCount() != len(tt.want) {
					t.Fatalf("row %d: FieldMap() = %v (%d), want %v", i, got, inc.FieldCount(), tt.want)
				}
				if (inc.Fields == nil) != tt.distinct {
					t.Errorf("row %d: Fields %v with distinct names %v", i, inc.Fields, tt.distinct)
				}
			}
		})
	}
}
