package importer

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		path  string
		stdin bool
		want  string // the diagnostic, "" for none
	}{
		{"-", true, ""},
		{"-", false, "<stdin>: error: no standard input to read"},
		{dir, false, dir + ": error: is a folder; give the CSV file"},
		{filepath.Join(dir, "missing.csv"), false, filepath.Join(dir, "missing.csv") + ": error: no such file"},
	} {
		var stdin io.Reader // nil: no standard input
		if c.stdin {
			stdin = strings.NewReader("x")
		}
		r, name, closeFn, ds := Open(c.path, stdin)
		if closeFn != nil {
			defer closeFn()
		}
		got := ""
		if len(ds) > 0 {
			got = ds[0].String()
		}
		if got != c.want || (c.want == "") != (r != nil && closeFn != nil) {
			t.Errorf("Open(%q): %q, reader %v; want %q", c.path, got, r != nil, c.want)
		}
		if c.want == "" && name != "<stdin>" {
			t.Errorf("Open(%q) is named %q", c.path, name)
		}
	}
}
