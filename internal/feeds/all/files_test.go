package all

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/oblast"
)

func TestReadFiles(t *testing.T) {
	_, _, err := ReadFiles([]string{filepath.Join(t.TempDir(), "missing")}, "", nil, feeds.Options{}, nil)
	var ee *ExpandError
	if !errors.As(err, &ee) {
		t.Errorf("a missing path: %v, want an *ExpandError", err)
	}
	file := "../../cli/testdata/incidents.jsonl"
	var seen []string
	incs, sums, err := ReadFiles([]string{file, file}, "", nil, feeds.Options{Oblasts: oblast.New()}, func(path string, _ diag.Diagnostics, sum feeds.Summary) {
		seen = append(seen, path+" "+sum.Format)
	})
	if err != nil || len(sums) != 2 || len(seen) != 2 || len(incs) != sums[0].Mapped+sums[1].Mapped || len(incs) == 0 {
		t.Errorf("ReadFiles: %d incidents, summaries %+v, seen %v, %v", len(incs), sums, seen, err)
	}
}
