package load

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
)

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// snippets returns the YAML code blocks of a Markdown file.
func snippets(t *testing.T, path string) [][]byte {
	t.Helper()
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range yamlBlock.FindAllSubmatch(md, -1) {
		out = append(out, m[1])
	}
	if len(out) == 0 {
		t.Fatalf("%s has no yaml blocks", path)
	}
	return out
}

func errorsOf(ds diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range ds {
		if d.Severity == diag.Error {
			out = append(out, d)
		}
	}
	return out
}

// TestLanguageReferenceSnippets validates every example of
// docs/language.md, loaded together, so the reference cannot drift from
// the code.
func TestLanguageReferenceSnippets(t *testing.T) {
	l := &Loader{}
	for i, s := range snippets(t, "../../docs/language.md") {
		l.AddBytes(filepath.Join("docs/language.md", "snippet-"+string(rune('a'+i))+".yaml"), s)
	}
	set, ds := l.Finish()
	if errs := errorsOf(ds); len(errs) > 0 {
		t.Errorf("docs/language.md examples do not validate:\n%s", render(errs))
	}
	if n := len(set.Docs); n != 10 {
		t.Errorf("loaded %d documents from docs/language.md, want one of each kind, the Scenario additions, a Corroboration, a Finding, an Action, a declaration of commitments and a TerritorialOption (10)", n)
	}
}

// TestSpecSnippets validates the examples of the contract, SPEC.md, which
// lives outside the repository in ../shared. Its framework example names
// two responses it does not define (reinforce, consult-72h), which its
// own rules make an error; the test pins exactly those two errors, so a
// corrected SPEC.md or any other error fails it. The other examples are
// validated with the bundled framework, whose id they name.
func TestSpecSnippets(t *testing.T) {
	spec := filepath.Join("..", "..", "..", "shared", "SPEC.md")
	if _, err := os.Stat(spec); err != nil {
		t.Skipf("SPEC.md not found at %s (the shared folder sits beside the repository in CI): %v", spec, err)
	}
	blocks := snippets(t, spec)
	framework := blocks[0]
	l := &Loader{}
	l.AddBytes("SPEC.md/framework.yaml", framework)
	_, ds := l.Finish()
	var codes []string
	for _, d := range errorsOf(ds) {
		codes = append(codes, d.Code+": "+d.Summary)
	}
	want := []string{
		`unknown-response: trigger "sustained-shelling" names unknown response "consult-72h"; did you mean "consult-24h"?`,
		`unknown-response: trigger "territorial-incursion" names unknown response "reinforce"`,
	}
	slices.Sort(codes)
	if !slices.Equal(codes, want) {
		t.Errorf("SPEC.md framework example: got errors\n%q\nwant exactly\n%q", codes, want)
	}

	l = &Loader{}
	l.AddPath("../../examples/ukraine-2025/framework.yaml")
	for i, b := range blocks[1:] {
		l.AddBytes(filepath.Join("SPEC.md", "snippet-"+string(rune('b'+i))+".yaml"), b)
	}
	set, ds := l.Finish()
	if errs := errorsOf(ds); len(errs) > 0 {
		t.Errorf("SPEC.md examples do not validate with the bundled framework:\n%s", render(errs))
	}
	if n := len(set.Docs); n != len(blocks) {
		t.Errorf("loaded %d documents, want %d", n, len(blocks))
	}
}

// TestExample validates the bundled example: no errors, and the warnings
// it is meant to show (red lines crossed by NATO members' troops).
func TestExample(t *testing.T) {
	set, ds := Paths([]string{"../../examples/ukraine-2025"}, nil)
	if errs := errorsOf(ds); len(errs) > 0 {
		t.Fatalf("the example does not validate:\n%s", render(errs))
	}
	for _, d := range ds {
		if d.Code != "red-line-crossed" {
			t.Errorf("unexpected warning: %s", d)
		}
	}
	if len(ds) == 0 {
		t.Error("the example should show RU's red line being crossed")
	}
	f := set.Framework("ukraine-2025")
	if f == nil {
		t.Fatal("framework ukraine-2025 not loaded")
	}
	latest := set.Latest("ukraine-2025")
	for _, id := range f.PartiesWithRole("guarantor") {
		if latest[id] == nil {
			t.Errorf("guarantor %s has no declaration", id)
		}
	}
	if got := len(set.Declarations("ukraine-2025")); got <= len(latest) {
		t.Errorf("want at least one superseded declaration, got %d declarations for %d parties", got, len(latest))
	}
	for _, tr := range f.Triggers {
		if set.When(f.ID, tr.ID) == nil {
			t.Errorf("trigger %s: no compiled expression", tr.ID)
		}
	}
}
