package feeds

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNewSource(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		want    string
		decoded string
		err     string
	}{
		{name: "utf8", data: []byte("a,b\n1,é\n"), want: "a,b\n1,é\n"},
		{name: "bom removed", data: []byte("\xEF\xBB\xBFa,b\n"), want: "a,b\n"},
		{name: "gzip by magic, not by name", data: gz(t, []byte("\xEF\xBB\xBFx\ny\n")), want: "x\ny\n"},
		{name: "windows-1252", data: []byte("NO\xCBL\r\n\x93its\x94 \x96 49\xB0\n"), want: "NOËL\r\n“its” – 49°\n", decoded: EncodingWindows1252},
		{name: "gzipped windows-1252", data: gz(t, []byte("caf\xE9\n")), want: "café\n", decoded: EncodingWindows1252},
		{name: "utf-16le", data: []byte("\xFF\xFEa\x00"), err: "x.csv: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"},
		{name: "utf-16be", data: []byte("\xFE\xFF\x00a"), err: "UTF-16"},
		{name: "bom but not utf-8", data: []byte("\xEF\xBB\xBFok\nab\xE9\n"), err: "x.csv:2:3: the file starts with a UTF-8 byte order mark but is not valid UTF-8 (byte 0xE9); save it as UTF-8"},
		{name: "broken gzip", data: []byte{0x1f, 0x8b, 0x08, 0x00}, err: "x.csv: reading gzip"},
		{name: "empty", data: nil, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSource("x.csv", tt.data)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(s.Data) != tt.want || s.Decoded != tt.decoded || s.Name != "x.csv" {
				t.Errorf("got %q (decoded %q), want %q (decoded %q)", s.Data, s.Decoded, tt.want, tt.decoded)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	if _, err := Open("testdata/does-not-exist.csv"); err == nil {
		t.Error("Open of a missing file: no error")
	}
	const path = "../../../shared/data/ucdp-ged-ukraine/UCDP-Ukraine_2022-2023_excel-edited.csv"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("%s not found: the UCDP data set (shared/data/ucdp-ged-ukraine) is not checked out beside the repository", path)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Decoded != EncodingWindows1252 {
		t.Errorf("Decoded = %q, want %q", s.Decoded, EncodingWindows1252)
	}
	if got, want := bytes.Count(s.Data, []byte("\n")), bytes.Count(raw, []byte("\n")); got != want {
		t.Errorf("decoding changed the number of lines: %d, was %d", got, want)
	}
	if !bytes.Contains(s.Data, []byte("NOËL Reports")) {
		t.Error("Ë (0xCB) not decoded")
	}
}

func TestHead(t *testing.T) {
	s := &Source{Data: bytes.Repeat([]byte("a"), HeadSize+10)}
	if len(s.Head()) != HeadSize {
		t.Errorf("len(Head()) = %d", len(s.Head()))
	}
	s = &Source{Data: []byte("abc")}
	if string(s.Head()) != "abc" {
		t.Errorf("Head() = %q", s.Head())
	}
}

// TestSourceText checks that Text shares Data's bytes only when the
// Source made the buffer: a caller's buffer changed after NewSource must
// not change a text already cut from it.
func TestSourceText(t *testing.T) {
	shares := func(src *Source) bool {
		text := src.Text()
		return len(text) > 0 && unsafe.StringData(text) == unsafe.SliceData(src.Data)
	}
	tests := []struct {
		name   string
		src    func(t *testing.T) *Source
		shares bool
	}{
		{"caller's buffer", func(t *testing.T) *Source { return must(t)(NewSource("x.csv", []byte("a,b\n"))) }, false},
		{"decompressed", func(t *testing.T) *Source { return must(t)(NewSource("x.csv.gz", gz(t, []byte("a,b\n")))) }, true},
		{"decoded", func(t *testing.T) *Source { return must(t)(NewSource("x.csv", []byte("caf\xE9\n"))) }, true},
		{"read by Open", func(t *testing.T) *Source {
			path := filepath.Join(t.TempDir(), "x.csv")
			if err := os.WriteFile(path, []byte("\xEF\xBB\xBFa,b\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return must(t)(Open(path))
		}, true},
		{"Data set again", func(t *testing.T) *Source {
			src := must(t)(NewSource("x.csv.gz", gz(t, []byte("a,b\n"))))
			src.Data = []byte("c,d\n")
			return src
		}, false},
		{"literal", func(*testing.T) *Source { return &Source{Name: "x.csv", Data: []byte("a,b\n")} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src(t)
			if got := src.Text(); got != string(src.Data) {
				t.Fatalf("Text() = %q, Data %q", got, src.Data)
			}
			if got := shares(src); got != tt.shares {
				t.Errorf("Text shares Data's bytes: %v, want %v", got, tt.shares)
			}
		})
	}
	// The caller keeps its buffer: changing it leaves the text alone.
	buf := []byte("a,b\n")
	src := must(t)(NewSource("x.csv", buf))
	text := src.Text()
	buf[0] = 'z'
	if text != "a,b\n" {
		t.Errorf("the text changed with the caller's buffer: %q", text)
	}
}

func must(t *testing.T) func(*Source, error) *Source {
	return func(src *Source, err error) *Source {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
}
