package jsonnum

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	for _, tt := range []struct {
		in      string
		n       int
		integer bool
	}{
		{"0", 1, true},
		{"-0", 2, true},
		{"12,", 2, true},
		{"01", 1, true}, // a leading zero ends the number: "1" is the caller's
		{"1.5}", 3, false},
		{"-2.5e-3", 7, false},
		{"1E+9", 4, false},
		{"1.", 0, false},
		{"1e", 0, false},
		{".5", 0, false},
		{"-", 0, false},
		{"+1", 0, false},
		{"", 0, false},
		{"x", 0, false},
	} {
		n, integer := Scan([]byte(tt.in))
		if n != tt.n || integer != tt.integer {
			t.Errorf("Scan(%q) = %d, %t; want %d, %t", tt.in, n, integer, tt.n, tt.integer)
		}
	}
}

// FuzzScan: a whole input is one number exactly when encoding/json reads
// it as one.
func FuzzScan(f *testing.F) {
	for _, s := range []string{"0", "-1.5e3", "01", "1.", "1e+", "123456789012345678901234567890"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, _ := Scan([]byte(s))
		whole := n == len(s) && n > 0
		// JSON text that starts as a number and has no white space around
		// it is a number alone
		valid := len(s) > 0 && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && strings.TrimSpace(s) == s && json.Valid([]byte(s))
		if whole != valid {
			t.Fatalf("Scan(%q) = %d; encoding/json says a number: %t", s, n, valid)
		}
	})
}
