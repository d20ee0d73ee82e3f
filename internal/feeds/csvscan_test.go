package feeds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
)

// scanDiff reads data with a Scanner and with encoding/csv as NewCSV and
// the readers set it up, and describes the first difference: in a
// record, an error or a field's position. "" means none.
func scanDiff(data []byte, comma rune, fieldsPerRecord int) string {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = fieldsPerRecord
	cr.ReuseRecord = true
	sc := NewTextScanner(string(data), comma)
	sc.FieldsPerRecord = fieldsPerRecord
	for n := 1; ; n++ {
		want, wantErr := cr.Read()
		got, gotErr := sc.Read()
		if !slices.Equal(got, want) {
			return fmt.Sprintf("record %d: %q, encoding/csv %q", n, got, want)
		}
		if fmt.Sprintf("%#v", unwrapParse(gotErr)) != fmt.Sprintf("%#v", unwrapParse(wantErr)) {
			return fmt.Sprintf("record %d: error %v, encoding/csv %v", n, gotErr, wantErr)
		}
		if errors.Is(wantErr, io.EOF) {
			return ""
		}
		for i := range want {
			wl, wc := cr.FieldPos(i)
			gl, gc := sc.FieldPos(i)
			if wl != gl || wc != gc {
				return fmt.Sprintf("record %d field %d at %d:%d, encoding/csv %d:%d", n, i, gl, gc, wl, wc)
			}
		}
		if n > len(data)+1 {
			return "more records than bytes"
		}
	}
}

func unwrapParse(err error) any {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return *pe
	}
	return err
}

func TestScannerAgainstEncodingCSV(t *testing.T) {
	tests := []string{
		"",
		"\n",
		"\r",
		"\r\n\r\n",
		"a",
		"a,b,c\n1,2,3\n",
		"a,b,c\r\n1,2,3\r\n",
		"a,b\r",
		"a,b\rc\n",
		"a,\n,\n,,\n",
		"a,b\n\n\nc,d\n",
		"a,b\n\r\n\r\nc,d",
		`"a","b"` + "\n" + `"x ""y"" z",2` + "\n",
		`"multi` + "\nline\r\nfield\",2\n3,4\n",
		`"a""",b` + "\r\n" + `"""",""` + "\r\n",
		"a,b\"c,d\n1,2\n",
		"a,\"b\"c,d\n1,2\n",
		"\"a\"\rb\n1\n",
		"\"unterminated",
		"\"unterminated\n",
		"\"unterminated\r",
		"\"un\nterminated\r",
		"\"un\n\r",
		"\"un\n\n",
		"x,\"",
		"a,",
		"a,b,",
		// Fields longer than the words splitPlain reads, and than
		// shortField.
		"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH,1,22,333,4444,55555,666666,7777777,88888888,x\n",
		"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij\"k,l\n",
		"1234567,12345678,123456789,abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ,\"q\"\r\n",
		"a,\r",
		"a,\r\n",
		"\"ab\"\"",
		"\"ab\"\"\n",
		"1,2,3\n4,5\n6,7,8,9\n",
		"a,\"b\nc\"d\ne,f\n",
		"\xff,\xfe\"\n\"\xff\",a\n",
		"a;b;\"c;d\"\n1;2;3\n",
		"a§b§\"c§d\"§\n1§2\n",
		"\"a\"§b\n",
	}
	for _, data := range tests {
		for _, comma := range []rune{',', ';', '§', '\t'} {
			for _, fpr := range []int{-1, 0, 3} {
				if d := scanDiff([]byte(data), comma, fpr); d != "" {
					t.Errorf("%q (comma %q, FieldsPerRecord %d): %s", data, comma, fpr, d)
				}
			}
		}
	}
}

func TestScannerOnRealData(t *testing.T) {
	for _, path := range []string{
		"../../../shared/data/acled-ukraine-sample/ACLED-Ukraine.csv",
		"../../../shared/data/ucdp-ged-ukraine/UCDP-Ukraine.csv",
		"../../../shared/data/ucdp-ged-ukraine/UCDP-Ukraine_2022-2023_excel-edited.csv",
		"../../../shared/data/viina/viina_incidents_202401.csv.gz",
	} {
		src, err := Open(path)
		if err != nil {
			t.Skip(err)
		}
		if d := scanDiff(src.Data, ',', 0); d != "" {
			t.Errorf("%s: %s", path, d)
		}
	}
}

// FuzzScanner compares Scanner with encoding/csv on arbitrary text.
func FuzzScanner(f *testing.F) {
	f.Add([]byte("a,b,c\n1,\"2\"\"x\",3\r\n\n\"multi\r\nline\",5,6\n"), uint8(0))
	f.Add([]byte("\"a\"b,c\n\"x"), uint8(1))
	f.Add([]byte("a§\"b§c\"§d\r"), uint8(2))
	f.Add([]byte("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF,1,22,333,4444,55555\n1234567,\"x\"\"y\",abcdefghijklmnopqrstuvwxyz0123456789;\n"), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		comma := []rune{',', ';', '§', '\t'}[mode%4]
		fpr := []int{-1, 0, 2}[mode/4%3]
		if d := scanDiff(data, comma, fpr); d != "" {
			t.Errorf("%q (comma %q, FieldsPerRecord %d): %s", data, comma, fpr, d)
		}
	})
}

func BenchmarkScanner(b *testing.B) {
	b.Run("viina", func(b *testing.B) { benchScanner(b, "../../../shared/data/viina/viina_incidents_202401.csv.gz") })
	// UCDP's rows have long quoted fields, some with doubled quotes.
	b.Run("ucdp", func(b *testing.B) { benchScanner(b, "../../../shared/data/ucdp-ged-ukraine/UCDP-Ukraine.csv") })
}

func benchScanner(b *testing.B, path string) {
	src, err := Open(path)
	if err != nil {
		b.Skip(err)
	}
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(src.Data)))
		for b.Loop() {
			sc := NewTextScanner(src.Text(), ',')
			for _, err := sc.Read(); err != io.EOF; _, err = sc.Read() {
			}
		}
	})
	b.Run("encoding/csv", func(b *testing.B) {
		b.SetBytes(int64(len(src.Data)))
		for b.Loop() {
			cr := csv.NewReader(bytes.NewReader(src.Data))
			cr.ReuseRecord = true
			for _, err := cr.Read(); err != io.EOF; _, err = cr.Read() {
			}
		}
	})
}
