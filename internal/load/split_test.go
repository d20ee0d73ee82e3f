package load

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSplitDocuments(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"one", "a: 1\n", []string{"a: 1\n"}},
		{"leading marker", "---\na: 1\n", []string{"a: 1\n"}},
		{"two", "a: 1\n---\nb: 2\n", []string{"a: 1\n", "b: 2\n"}},
		{"comment header kept with its document", "# head\na: 1\n--- # second\nb: 2\n", []string{"# head\na: 1\n", "b: 2\n"}},
		{"trailing marker", "a: 1\n---\n", []string{"a: 1\n"}},
		{"end marker", "a: 1\n...\n---\nb: 2\n", []string{"a: 1\n", "b: 2\n"}},
		{"comments only", "# nothing\n\n", nil},
		{"marker-like text is not a marker", "a: ---x\nb: |\n  ---\n", []string{"a: ---x\nb: |\n  ---\n"}},
		{"CRLF", "a: 1\r\n---\r\nb: 2\r\n", []string{"a: 1\r\n", "b: 2\r\n"}},
		{"inline document", "--- {a: 1}\n", []string{"--- {a: 1}\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitDocuments([]byte(tt.src))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d documents %q, want %d", len(got), got, len(tt.want))
			}
			for i := range got {
				if string(got[i]) != tt.want[i] {
					t.Errorf("document %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// Every document of the bundled example, cut apart and loaded again one by
// one, decodes to the same kinds as the whole files do.
func TestSplitDocumentsExample(t *testing.T) {
	files, _ := filepath.Glob("../../examples/ukraine-2025/declarations/*.yaml")
	files = append(files, "../../examples/ukraine-2025/framework.yaml")
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		whole := &Loader{}
		whole.AddBytes(path, src)
		parts := SplitDocuments(src)
		if len(parts) != len(whole.docs) {
			t.Errorf("%s: %d parts, but the file holds %d documents", path, len(parts), len(whole.docs))
			continue
		}
		for i, part := range parts {
			l := &Loader{}
			l.AddBytes(path, part)
			if len(l.docs) != 1 || l.docs[0].Kind != whole.docs[i].Kind {
				t.Errorf("%s: part %d does not load as the file's document %d", path, i, i)
			}
		}
	}
}

// A parsed file added to two loaders gives each the same documents, and
// neither sees the other's: the server adds its framework's parse to the
// loader of every submission.
func TestAddParsedTwice(t *testing.T) {
	src, err := os.ReadFile("../../examples/ukraine-2025/framework.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := Parse("framework.yaml", src)
	var sets []*Set
	for range 2 {
		l := &Loader{}
		l.AddParsed(p)
		set, ds := l.Finish()
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		sets = append(sets, set)
	}
	whole, _ := Paths([]string{"../../examples/ukraine-2025/framework.yaml"}, nil)
	for i, set := range sets {
		if len(set.Docs) != 1 || set.Frameworks()[0].ID != whole.Frameworks()[0].ID || len(set.Frameworks()[0].Parties) != len(whole.Frameworks()[0].Parties) {
			t.Errorf("loader %d: not the framework AddBytes gives", i)
		}
	}
	if sets[0].Docs[0] == sets[1].Docs[0] || sets[0].Frameworks()[0] == sets[1].Frameworks()[0] {
		t.Error("the two loaders share a decoded document")
	}
	bad := Parse("bad.yaml", []byte("a: [1,\n"))
	l := &Loader{}
	l.AddParsed(bad)
	if _, ds := l.Finish(); !ds.HasErrors() {
		t.Error("a syntax error found by Parse is not reported by the loader")
	}
}
