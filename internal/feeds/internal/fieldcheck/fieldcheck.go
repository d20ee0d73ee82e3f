// Package fieldcheck checks, for the tests of the CSV readers, that the
// fields of the incidents a reader read from a file (model.Columns since
// issue 23) are what the map each row used to get held: the row's
// columns the reader does not interpret, names as written, empty values
// left out, plus the keys the reader adds itself. The rows are read
// again with encoding/csv, independently of the reader.
package fieldcheck

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/model"
)

// File describes a file for Check.
type File struct {
	Data []byte
	// Interpreted are the columns the reader does not keep as fields
	// (any case).
	Interpreted []string
	// Added are the keys the reader may add to a row's fields (their
	// values are taken from the incident, checked by Valid when set).
	Added []string
	Valid func(inc *model.Incident, key, value string) bool
	// Key is the key of a row for the incident's ID: its id column, or
	// its line.
	Key func(header, rec []string, line int) string
}

// Check fails unless every incident's FieldMap is the map its row
// gives, and Field, FieldCount and AllFields agree with it. It returns
// the number of incidents with a field added, and of those whose fields
// are a map (Fields) rather than Columns.
func Check(t testing.TB, f File, incs []model.Incident) (added, fromMap int) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(f.Data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(header))
	for i, n := range header {
		names[i] = strings.TrimSpace(n)
	}
	rows := map[string][]string{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		line, _ := r.FieldPos(0)
		rows[f.Key(header, rec, line)] = rec
	}
	for i := range incs {
		inc := &incs[i]
		rec, ok := rows[inc.ID]
		if !ok {
			t.Fatalf("incident %s: no row of that key", inc.ID)
		}
		if inc.Fields != nil {
			fromMap++
		}
		want := map[string]string{}
		for c, v := range rec {
			if v != "" && !slices.ContainsFunc(f.Interpreted, func(n string) bool { return strings.EqualFold(n, names[c]) }) {
				want[names[c]] = v
			}
		}
		n := 0
		for _, k := range f.Added {
			if v, ok := inc.Field(k); ok {
				if f.Valid != nil && !f.Valid(inc, k, v) {
					t.Errorf("%s: added %s = %q", inc.ID, k, v)
				}
				want[k] = v
				n = 1
			}
		}
		added += n
		if got := inc.FieldMap(); !maps.Equal(got, want) {
			t.Fatalf("%s: fields\n%v\nwant\n%v", inc.ID, got, want)
		}
		if inc.FieldCount() != len(want) {
			t.Errorf("%s: FieldCount %d, want %d", inc.ID, inc.FieldCount(), len(want))
		}
		all := map[string]string{}
		for k, v := range inc.AllFields() {
			if _, dup := all[k]; dup {
				t.Errorf("%s: AllFields yields %s twice", inc.ID, k)
			}
			all[k] = v
		}
		if !maps.Equal(all, want) {
			t.Errorf("%s: AllFields %v, want %v", inc.ID, all, want)
		}
		for k, v := range want {
			if got, ok := inc.Field(k); !ok || got != v {
				t.Errorf("%s: Field(%q) = %q, %v; want %q", inc.ID, k, got, ok, v)
			}
		}
		for c, v := range rec {
			if v == "" {
				if _, ok := want[names[c]]; !ok {
					if _, ok := inc.Field(names[c]); ok {
						t.Errorf("%s: Field(%q) of an empty column is set", inc.ID, names[c])
					}
				}
			}
		}
	}
	return added, fromMap
}
