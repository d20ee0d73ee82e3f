package witness

import (
	"bytes"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// FuzzParseRequest: the body of an add-checkpoint request, as a hostile
// log (or anyone who reaches the witness) may send it. It never panics,
// and what it accepts writes back to the same bytes (Request).
func FuzzParseRequest(f *testing.F) {
	cp := []byte("backstop-log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— backstop-log AAAA\n")
	f.Add(Request(0, nil, cp))
	f.Add(Request(2, tlog.TreeProof{{1}, {2}}, cp))
	for _, s := range []string{"", "old 01\n\n", "old 1\nnot base64\n\n", "new 1\n\n", "old -1\n\n", "old 9223372036854775808\n\n", "old 1\n\n\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		old, proof, checkpoint, err := ParseRequest(body)
		if err != nil {
			return
		}
		if old < 0 {
			t.Fatalf("accepted a negative old size %d", old)
		}
		if again := Request(old, proof, checkpoint); !bytes.Equal(again, body) {
			t.Fatalf("%q parses to (%d, %d hashes, %q), which writes %q", body, old, len(proof), checkpoint, again)
		}
	})
}

// FuzzNewVerifier: a witness key as a reader lists it in --witnesses.
func FuzzNewVerifier(f *testing.F) {
	f.Add("w1+00000000+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")
	f.Add("w1+1234abcd+AQ==")
	f.Add("+++")
	f.Fuzz(func(t *testing.T, vkey string) {
		v, err := NewVerifier(vkey)
		if err != nil {
			return
		}
		if v.String() != vkey {
			t.Fatalf("%q reads as %q", vkey, v.String())
		}
	})
}
