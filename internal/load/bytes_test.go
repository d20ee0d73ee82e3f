package load

import "testing"

func TestFilesReusesParsed(t *testing.T) {
	fw := Parse("fw.yaml", []byte("backstop: v1\nkind: Framework\nid: fw\nbeneficiary: UA\nparties:\n  UA: {name: Ukraine, role: beneficiary}\n"))
	decl := []byte("backstop: v1\nkind: Declaration\nframework: fw\nparty: XX\ndate: 2026-01-01\npledges: []\n")
	set1, ds1 := Files(fw, Parse("decl.yaml", decl))
	set2, ds2 := Files(fw, Parse("decl.yaml", decl))
	if len(set1.Docs) != 2 || len(set2.Docs) != 2 {
		t.Fatalf("loaded %d and %d documents, want 2", len(set1.Docs), len(set2.Docs))
	}
	if set1.Docs[0].Framework == set2.Docs[0].Framework {
		t.Error("two sets share a decoded framework")
	}
	if len(ds1) != len(ds2) || len(ds1) == 0 {
		t.Fatalf("diagnostics differ or are missing: %v / %v", ds1, ds2)
	}
	for i := range ds1 {
		if ds1[i].Summary != ds2[i].Summary || ds1[i].Range != ds2[i].Range {
			t.Errorf("diagnostic %d: %v, then %v", i, ds1[i], ds2[i])
		}
	}
	set, ds := Bytes("decl.yaml", decl)
	if len(set.Docs) != 1 || !ds.HasErrors() {
		t.Errorf("Bytes alone: %d documents, %v", len(set.Docs), ds)
	}
}

func TestRenamed(t *testing.T) {
	p := Parse("a.yaml", []byte("backstop: v1\nkind: Nope\n"))
	q := p.Renamed("b.yaml")
	if p.Name() != "a.yaml" || q.Name() != "b.yaml" {
		t.Fatalf("names %q, %q", p.Name(), q.Name())
	}
	_, ds := Files(q)
	if len(ds) == 0 {
		t.Fatal("no diagnostics for an unknown kind")
	}
	for _, d := range ds {
		if d.Range.File != "b.yaml" {
			t.Errorf("diagnostic in %q, want b.yaml: %v", d.Range.File, d)
		}
	}
	bad := Parse("c.yaml", []byte("a: [\n")).Renamed("d.yaml")
	if _, ds := Files(bad); len(ds) == 0 || ds[0].Range.File != "d.yaml" {
		t.Errorf("syntax error renamed: %v", ds)
	}
}
