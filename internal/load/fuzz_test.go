package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader, seeded with the bundled
// example and every broken document of testdata/invalid. Whatever the
// input, loading must not panic, and every diagnostic must point inside
// the file it names.
func FuzzLoad(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{"../../examples/ukraine-2025/*.yaml", "../../examples/ukraine-2025/*/*.yaml", "testdata/invalid/*/*.yaml"} {
		m, _ := filepath.Glob(pattern)
		seeds = append(seeds, m...)
	}
	if len(seeds) == 0 {
		f.Fatal("no seed files")
	}
	for _, p := range seeds {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	// A framework and a declaration in one input, so that cross-document
	// rules run on mutated input too.
	fw, _ := os.ReadFile("../../examples/ukraine-2025/framework.yaml")
	gb, _ := os.ReadFile("../../examples/ukraine-2025/declarations/gb.yaml")
	f.Add([]byte(string(fw) + "\n---\n" + string(gb)))
	// The alias attacks of issue 16 (limits_test.go).
	f.Add(aliasAttack(f, 100, 1000, false, 7992))
	f.Add(aliasAttack(f, 500, 8000, true, 37092))
	f.Add(aliasAttack(f, 3, 40, false, 0))

	f.Fuzz(func(t *testing.T, src []byte) {
		l := &Loader{}
		l.AddBytes("fuzz.yaml", src)
		_, ds := l.Finish()
		// YAML's line breaks: LF, CR LF, a lone CR, NEL, LS, PS.
		breaks := strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")
		lines := strings.Count(breaks.Replace(string(src)), "\n") + 1
		for _, d := range ds {
			if d.Range.File != "fuzz.yaml" {
				t.Errorf("diagnostic for another file: %s", d)
			}
			if d.Range.Start.Line < 0 || d.Range.Start.Line > lines {
				t.Errorf("line %d outside the input's %d lines: %s", d.Range.Start.Line, lines, d)
			}
			if d.Range.Start.Byte < 0 || d.Range.Start.Byte > len(src) {
				t.Errorf("byte offset %d outside the input's %d bytes: %s", d.Range.Start.Byte, len(src), d)
			}
			if d.Summary == "" || d.Code == "" {
				t.Errorf("diagnostic without message or code: %#v", d)
			}
		}
	})
}
