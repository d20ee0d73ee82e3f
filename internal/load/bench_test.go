package load

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkValidateExample measures loading and validating the bundled
// example (13 documents, 12 files) from memory: parsing, decoding, every
// validation stage and the compilation of its 6 expressions.
func BenchmarkValidateExample(b *testing.B) {
	type file struct {
		name string
		src  []byte
	}
	var files []file
	paths, _ := filepath.Glob("../../examples/ukraine-2025/*.yaml")
	more, _ := filepath.Glob("../../examples/ukraine-2025/*/*.yaml")
	for _, p := range append(paths, more...) {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, file{p, src})
	}
	b.ReportAllocs()
	for b.Loop() {
		l := &Loader{}
		for _, f := range files {
			l.AddBytes(f.name, f.src)
		}
		if _, ds := l.Finish(); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}
