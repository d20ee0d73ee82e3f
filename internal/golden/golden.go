// Package golden compares test output with golden files. It is imported
// only by tests; `go test ./... -update` rewrites the files from the
// current output, to be reviewed with git diff before committing.
package golden

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// Compare fails t when got differs from the contents of the file at path,
// or rewrites the file when the test runs with -update.
func Compare(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s\n--- got:\n%s--- want:\n%s", path, got, want)
	}
}
