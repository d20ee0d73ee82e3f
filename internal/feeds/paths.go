package feeds

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Expand expands the paths of incident files a command is given: a folder
// gives its files (not hidden ones, nor SOURCE.md and other Markdown),
// sorted.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == "-" {
			out = append(out, p) // standard input (Options.Stdin)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && !strings.EqualFold(d.Name(), "SOURCE.md") && !strings.HasSuffix(strings.ToLower(d.Name()), ".md") {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// IOMessage says why a path could not be read, without Go's wrapping:
// "no such file or folder", "permission denied", or PATH: the reason.
func IOMessage(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &pe):
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}
