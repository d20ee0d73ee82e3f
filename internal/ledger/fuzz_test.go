package ledger

import (
	"bytes"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// FuzzParseCheckpoint parses arbitrary bytes as a checkpoint of one log
// key: it never panics, and a checkpoint it accepts is one the key signed,
// whose body starts with exactly what Checkpoint.Text writes.
func FuzzParseCheckpoint(f *testing.F) {
	k := newKey(f, "log.example")
	for _, size := range []int64{0, 1, 42, 1 << 40} {
		c := Checkpoint{Origin: k.Name(), Size: size, Root: tlog.RecordHash([]byte{byte(size)})}
		f.Add(mustSign(f, c, k))
	}
	c := Checkpoint{Origin: k.Name(), Size: 7, Root: tlog.RecordHash([]byte("x"))}
	f.Add(signText(f, k, c.Text()+"extension\n"))
	f.Add(signText(f, k, "other\n7\nAAAA\n"))
	f.Add(signText(f, k, k.Name()+"\n-7\n\n"))
	f.Add(mustSign(f, c, newKey(f, k.Name())))
	f.Add([]byte(c.Text()))
	f.Add([]byte{})
	f.Add([]byte("\n\n— log.example AAAA\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		got, err := ParseCheckpoint(msg, k.Verifier)
		if err != nil {
			return
		}
		if got.Origin != k.Name() || got.Size < 0 {
			t.Fatalf("accepted %+v", got)
		}
		if !bytes.HasPrefix(msg, []byte(got.Text())) {
			t.Fatalf("accepted %+v from a note that does not start with its text:\n%s", got, msg)
		}
		// What was accepted round-trips.
		again, err := ParseCheckpoint(mustSign(t, got, k), k.Verifier)
		if err != nil || again != got {
			t.Fatalf("re-signed %+v parses as %+v, %v", got, again, err)
		}
	})
}
