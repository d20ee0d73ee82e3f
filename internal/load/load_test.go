package load

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/golden"
)

// render formats diagnostics exactly as `backstop validate` prints them.
func render(ds diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// TestInvalid loads every folder of testdata/invalid and compares the
// diagnostics with the folder's want.txt. A folder is named after the
// diagnostic code it exists to trigger ("code" or "code--variant"), and
// that code must be among the diagnostics, so a case cannot pass by
// failing for another reason.
func TestInvalid(t *testing.T) {
	dirs, err := filepath.Glob("testdata/invalid/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			_, ds := Paths([]string{dir}, nil)
			code, _, _ := strings.Cut(name, "--")
			if !slices.ContainsFunc(ds, func(d diag.Diagnostic) bool { return d.Code == code }) {
				t.Errorf("no diagnostic with code %q; got:\n%s", code, render(ds))
			}
			for _, d := range ds {
				if d.Range.Start.Line == 0 {
					t.Errorf("diagnostic without a position: %s", d)
				}
			}
			golden.Compare(t, filepath.Join(dir, "want.txt"), render(ds))
		})
	}
}
