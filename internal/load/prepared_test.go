package load

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
)

// parseFile parses a file as Paths would load it, under its path.
func parseFile(t *testing.T, path string) *Parsed {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(path, src)
}

// samePrepared checks that loading files next to the prepared framework
// gives what Files gives for the framework followed by the files: the
// same documents in the same order, and the same diagnostics but for the
// framework's own, which the full load also gives alone for the framework.
func samePrepared(t *testing.T, fw *Parsed, files ...*Parsed) {
	t.Helper()
	pr := Prepare(fw)
	if pr == nil {
		t.Fatalf("%s does not prepare", fw.Name())
	}
	full, fullDs := Files(append([]*Parsed{fw}, files...)...)
	set, ds := pr.Files(files...)
	var want diag.Diagnostics
	for _, d := range fullDs {
		if d.Range.File != fw.Name() {
			want = append(want, d)
		}
	}
	if got, want := render(ds), render(want); got != want {
		t.Errorf("diagnostics next to the prepared %s:\n%s\nwant (the full load's):\n%s", fw.Name(), got, want)
	}
	if !slices.EqualFunc(ds, want, func(a, b diag.Diagnostic) bool { return a.Doc == b.Doc && a.Path == b.Path && a.Range == b.Range }) {
		t.Errorf("the diagnostics' documents, paths or ranges differ from the full load's")
	}
	if len(set.Docs) != len(full.Docs) {
		t.Fatalf("%d documents, want %d", len(set.Docs), len(full.Docs))
	}
	for i, d := range set.Docs {
		if w := full.Docs[i]; d.Key != w.Key || d.Kind != w.Kind || d.File.Name != w.File.Name {
			t.Errorf("document %d is %s %s (key %d), want %s %s (key %d)", i, d.Kind, d.File.Name, d.Key, w.Kind, w.File.Name, w.Key)
		}
	}
	if len(set.exprs) != len(full.exprs) {
		t.Errorf("%d compiled expressions, want %d", len(set.exprs), len(full.exprs))
	}
	for k := range full.exprs {
		if set.exprs[k] == nil {
			t.Errorf("expression %v missing", k)
		}
	}
	// The framework's own diagnostics are those it has alone.
	_, alone := Files(fw)
	if got, want := render(pr.Diagnostics()), render(alone); got != want {
		t.Errorf("the prepared framework's diagnostics:\n%s\nwant:\n%s", got, want)
	}
}

// TestPreparedExample: each of the example's declarations, options and
// scenarios, alone and all together, gives next to the prepared
// framework the diagnostics of the full load.
func TestPreparedExample(t *testing.T) {
	dir := "../../examples/ukraine-2025"
	fw := parseFile(t, filepath.Join(dir, "framework.yaml"))
	var all []*Parsed
	for _, pattern := range []string{"declarations/*.yaml", "options/*.yaml", "scenario-*.yaml"} {
		paths, _ := filepath.Glob(filepath.Join(dir, pattern))
		if len(paths) == 0 {
			t.Fatalf("no %s", pattern)
		}
		for _, p := range paths {
			parsed := parseFile(t, p)
			all = append(all, parsed)
			t.Run(filepath.Base(p), func(t *testing.T) { samePrepared(t, fw, parsed) })
		}
	}
	samePrepared(t, fw, all...)
}

// TestPreparedInvalid: in every invalid case with one framework, the
// other documents give next to the prepared framework the diagnostics of
// the full load, one by one and together.
func TestPreparedInvalid(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/invalid/*")
	cases := 0
	for _, dir := range dirs {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		var fw *Parsed
		var others []*Parsed
		for _, p := range paths {
			parsed := parseFile(t, p)
			if k := parsed.Kinds(); len(k) == 1 && k[0] == "Framework" && Prepare(parsed) != nil {
				if fw != nil {
					fw = nil // two frameworks: not a case for a prepared one
					break
				}
				fw = parsed
				continue
			}
			others = append(others, parsed)
		}
		if fw == nil || len(others) == 0 {
			continue
		}
		cases++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			for _, o := range others {
				samePrepared(t, fw, o)
			}
			samePrepared(t, fw, others...)
		})
	}
	if cases < 40 {
		t.Fatalf("only %d invalid cases with one framework and other documents", cases)
	}
}

// TestPreparedOnce: Parsed.Prepared prepares a framework once, and
// nothing that is not one framework document.
func TestPreparedOnce(t *testing.T) {
	fw := parseFile(t, "../../examples/ukraine-2025/framework.yaml")
	if a, b := fw.Prepared(), fw.Prepared(); a == nil || a != b {
		t.Errorf("Prepared gave %p then %p", a, b)
	}
	decl := parseFile(t, "../../examples/ukraine-2025/declarations/gb.yaml")
	if decl.Prepared() != nil {
		t.Error("a declaration prepared as a framework")
	}
	two := Parse("two.yaml", []byte("backstop: v1\nkind: Framework\nid: a\n---\nbackstop: v1\nkind: Framework\nid: b\n"))
	if two.Prepared() != nil {
		t.Error("two frameworks prepared as one")
	}
}

// TestPreparedConcurrent: documents load next to one prepared framework
// from many goroutines at once (run with -race: the framework is only
// read), invalid ones included.
func TestPreparedConcurrent(t *testing.T) {
	fw := parseFile(t, "../../examples/ukraine-2025/framework.yaml").Prepared()
	good := parseFile(t, "../../examples/ukraine-2025/declarations/gb.yaml")
	bad := Parse("bad.yaml", []byte("backstop: v1\nkind: Declaration\nframework: ukraine-2025\nparty: XX\ndate: 2025-13-01\npledges:\n  - {id: a, layer: 3, domain: air, quantity: -1, unit: aircraft}\n"))
	_, wantGood := fw.Files(good)
	_, wantBad := fw.Files(bad)
	if !wantBad.HasErrors() {
		t.Fatal("the bad declaration has no errors")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, ds := fw.Files(good); render(ds) != render(wantGood) {
					t.Error("the good declaration's diagnostics changed")
				}
				if _, ds := fw.Files(bad); render(ds) != render(wantBad) {
					t.Error("the bad declaration's diagnostics changed")
				}
			}
		})
	}
	wg.Wait()
}
