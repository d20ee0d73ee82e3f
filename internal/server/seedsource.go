package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/backstop-dev/backstop/examples"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
)

// SeedSource reads the files to seed an empty record with: the documents
// of paths, or the bundled example when paths is empty. When the paths'
// documents do not load, the diagnostics have errors and nothing is read.
func SeedSource(paths []string) (map[string][]byte, diag.Diagnostics, error) {
	if len(paths) == 0 {
		files, err := bundledExample()
		return files, nil, err
	}
	set, ds := load.Paths(paths, nil)
	if ds.HasErrors() {
		return nil, ds, nil
	}
	files := map[string][]byte{}
	for _, d := range set.Docs {
		if _, seen := files[d.File.Name]; !seen {
			b, err := os.ReadFile(d.File.Name)
			if err != nil {
				return nil, ds, err
			}
			files[d.File.Name] = b
		}
	}
	return files, ds, nil
}

// bundledExample reads the example embedded in the binary, named as it is
// in the repository.
func bundledExample() (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(examples.Ukraine2025, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := examples.Ukraine2025.ReadFile(p)
		files["examples/"+p] = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("the bundled example: %v", err)
	}
	return files, nil
}

// SeedError is SeedPaths' error: Diagnostics hold the errors of
// documents that do not load (nothing is seeded); Invalid says the
// documents loaded but could not be seeded (an input problem rather than
// a path that cannot be read).
type SeedError struct {
	Diagnostics diag.Diagnostics
	Invalid     bool
	Err         error
}

func (e *SeedError) Error() string {
	if e.Err == nil {
		return "the documents to seed are invalid; nothing served"
	}
	return e.Err.Error()
}

func (e *SeedError) Unwrap() error { return e.Err }

// SeedPaths seeds an empty record with the documents of paths, or the
// bundled example when there are none (SeedSource, SeedFiles, Seed). A
// record that has entries is left as it is: ErrNotEmpty, with n 0.
func (s *Server) SeedPaths(ctx context.Context, paths []string) (n int, err error) {
	files, ds, err := SeedSource(paths)
	switch {
	case ds.HasErrors():
		return 0, &SeedError{Diagnostics: ds.Errors()}
	case err != nil:
		return 0, &SeedError{Err: err}
	}
	docs, err := SeedFiles(files)
	if err != nil {
		return 0, &SeedError{Invalid: true, Err: err}
	}
	n, err = s.Seed(ctx, docs)
	if err != nil && !errors.Is(err, ErrNotEmpty) {
		return n, &SeedError{Invalid: true, Err: fmt.Errorf("seeding: %w", err)}
	}
	return n, err
}
