// Package datatest serves the tests that read the project's shared data
// sets (../shared/data, beside the repository: CI always has it, a clone
// may not): it skips a test that needs them when they are absent, saying
// why, and reads their CSV tables of expected values. It is imported by
// tests only.
package datatest

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Need skips the test, saying why, when any of the paths is absent.
func Need(tb testing.TB, paths ...string) {
	tb.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			tb.Skipf("%s is absent: this test needs the shared data sets next to the repository (%v)", p, err)
		}
	}
}

// ReadCSV reads a CSV file with a header into one map per row, failing
// the test when the file cannot be read, has no rows, or lacks one of the
// columns the test reads.
func ReadCSV(tb testing.TB, path string, columns ...string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	if len(rows) < 2 {
		tb.Fatalf("%s: no rows", path)
	}
	for _, c := range columns {
		if !strings.Contains(","+strings.Join(rows[0], ",")+",", ","+c+",") {
			tb.Fatalf("%s: no column %q in the header %v", path, c, rows[0])
		}
	}
	out := make([]map[string]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// Num parses a number of a CSV table, failing the test when it is not one.
func Num(tb testing.TB, s string) float64 {
	tb.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
