// Package scaffold writes the smallest guarantee that validate, assess and
// simulate accept — a framework, one declaration and a scenario — for
// `backstop init`, so a new user edits a working example instead of
// starting from the language reference.
package scaffold

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/backstop-dev/backstop/internal/schema"
)

//go:embed template
var template embed.FS

// SchemaFile is the JSON Schema Write puts beside the documents, which
// name it on their first line so that an editor's YAML language server
// completes and checks them offline.
const SchemaFile = "backstop.schema.json"

// Files are the paths Write creates, relative to its folder, in order.
func Files() []string {
	out := []string{SchemaFile}
	_ = fs.WalkDir(template, "template", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, strings.TrimPrefix(path, "template/"))
		}
		return err
	})
	return out
}

// ExistsError says that Write found files it would have overwritten; it
// writes nothing then, so that init never destroys work.
type ExistsError struct{ Paths []string }

func (e *ExistsError) Error() string {
	verb := "exists"
	if len(e.Paths) > 1 {
		verb = "exist"
	}
	return fmt.Sprintf("%s already %s; nothing written", strings.Join(e.Paths, ", "), verb)
}

// Write creates dir (and its parents) and the scaffold's files in it, and
// returns their paths. It writes nothing when any of them exists.
func Write(dir string) ([]string, error) {
	files := Files()
	var existing []string
	for _, f := range files {
		if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
			existing = append(existing, filepath.Join(dir, f))
		}
	}
	if len(existing) > 0 {
		return nil, &ExistsError{Paths: existing}
	}
	var written []string
	for _, f := range files {
		data, err := read(f)
		if err != nil {
			return written, err
		}
		path := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

func read(name string) ([]byte, error) {
	if name == SchemaFile {
		return schema.All()
	}
	return template.ReadFile("template/" + name)
}
