package csvpos

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestRangeAndErrors(t *testing.T) {
	src := "a,b,c\n\"Київ\",x,1\n1,2\n\"unterminated,3,4\n"
	s := New("f.csv", []byte(src))
	cr := csv.NewReader(strings.NewReader(src))
	cr.FieldsPerRecord = 3
	if _, err := cr.Read(); err != nil { // header
		t.Fatal(err)
	}
	if _, err := cr.Read(); err != nil {
		t.Fatal(err)
	}
	// Field 1 of line 2 starts after "Київ", (6 characters, 10 bytes).
	if r := s.Field(cr, 1); r.Start.Line != 2 || r.Start.Column != 8 || r.Start.Byte != 6+11 {
		t.Errorf("field 1 of line 2 at %+v, want line 2, column 8 (characters), byte 17", r.Start)
	}
	rec, err := cr.Read()
	d := s.Error(cr, err, rec)
	if d.Code != CodeFieldCount || d.String() != "f.csv:3:1: error: row has 2 fields, the header 3; row skipped" {
		t.Errorf("short row: %s (%s)", d, d.Code)
	}
	rec, err = cr.Read()
	d = s.Error(cr, err, rec)
	if d.Code != CodeCSV || d.Range.Start.Line != 4 {
		t.Errorf("unterminated quote: %s (%s)", d, d.Code)
	}
	if r := s.Range(99, 1); r.Start.Line != 5 {
		t.Errorf("a line past the end is clamped to the last: %+v", r.Start)
	}
}
