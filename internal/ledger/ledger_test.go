package ledger

import (
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

func newKey(tb testing.TB, name string) signing.KeyPair {
	tb.Helper()
	skey, _, err := signing.GenerateKey(name)
	if err != nil {
		tb.Fatal(err)
	}
	k, err := signing.ParsePrivate(skey)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// mth is RFC 6962's Merkle tree hash, written from the RFC (section 2.1)
// rather than through tlog's stored hashes.
func mth(leaves []tlog.Hash) tlog.Hash {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return tlog.NodeHash(mth(leaves[:k]), mth(leaves[k:]))
}

// memTree is a tree in memory: its leaves and tlog's stored hashes.
type memTree struct {
	leaves []tlog.Hash
	stored []tlog.Hash
}

func (m *memTree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(m.stored)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = m.stored[x]
	}
	return out, nil
}

func (m *memTree) add(tb testing.TB, record []byte) {
	tb.Helper()
	hs, err := tlog.StoredHashes(int64(len(m.leaves)), record, m)
	if err != nil {
		tb.Fatal(err)
	}
	m.leaves = append(m.leaves, tlog.RecordHash(record))
	m.stored = append(m.stored, hs...)
}

func buildTree(tb testing.TB, n int) *memTree {
	m := &memTree{}
	for i := range n {
		m.add(tb, fmt.Appendf(nil, "record %d\n", i))
	}
	return m
}

func (m *memTree) checkpoint(tb testing.TB, size int) Checkpoint {
	tb.Helper()
	root, err := tlog.TreeHash(int64(size), m)
	if err != nil {
		tb.Fatal(err)
	}
	return Checkpoint{Origin: "log", Size: int64(size), Root: root}
}

func TestRootOf(t *testing.T) {
	m := buildTree(t, 70)
	for n := 1; n <= 70; n++ {
		got, err := RootOf(m.leaves[:n])
		if err != nil {
			t.Fatalf("RootOf(%d leaves): %v", n, err)
		}
		want, err := tlog.TreeHash(int64(n), m)
		if err != nil {
			t.Fatal(err)
		}
		if got != want || got != mth(m.leaves[:n]) {
			t.Errorf("RootOf(%d leaves) = %v; tlog.TreeHash %v, RFC 6962 %v", n, got, want, mth(m.leaves[:n]))
		}
	}
	if _, err := RootOf(nil); err != nil {
		t.Errorf("RootOf(nil): %v", err)
	}
	// One leaf changed changes the root.
	leaves := append([]tlog.Hash(nil), m.leaves[:9]...)
	leaves[4][0] ^= 1
	if a, _ := RootOf(leaves); a == mth(m.leaves[:9]) {
		t.Error("a changed leaf leaves the root as it was")
	}
}

func TestVerifyInclusion(t *testing.T) {
	m := buildTree(t, 21)
	for size := 1; size <= 21; size++ {
		c := m.checkpoint(t, size)
		for i := range size {
			p, err := tlog.ProveRecord(int64(size), int64(i), m)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(c, int64(i), m.leaves[i], p); err != nil {
				t.Errorf("entry %d of %d: %v", i, size, err)
			}
			other := m.leaves[(i+1)%len(m.leaves)]
			if size > 1 && VerifyInclusion(c, int64(i), other, p) == nil {
				t.Errorf("entry %d of %d: another leaf verifies", i, size)
			}
			forged := c
			forged.Root[31] ^= 1
			if VerifyInclusion(forged, int64(i), m.leaves[i], p) == nil {
				t.Errorf("entry %d of %d: verifies against a forged root", i, size)
			}
		}
		for _, i := range []int64{-1, int64(size)} {
			if VerifyInclusion(c, i, m.leaves[0], nil) == nil {
				t.Errorf("entry %d of %d verifies", i, size)
			}
		}
	}
}

func TestVerifyConsistency(t *testing.T) {
	m := buildTree(t, 40)
	for _, tt := range [][2]int{{1, 1}, {1, 2}, {1, 40}, {2, 3}, {3, 7}, {4, 8}, {7, 8}, {8, 9}, {13, 32}, {16, 33}, {31, 40}, {39, 40}} {
		older, newer := m.checkpoint(t, tt[0]), m.checkpoint(t, tt[1])
		p, err := tlog.ProveTree(newer.Size, older.Size, m)
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyConsistency(older, newer, p); err != nil {
			t.Errorf("%d → %d: %v", older.Size, newer.Size, err)
		}
		forged := older
		forged.Root[0] ^= 1
		if VerifyConsistency(forged, newer, p) == nil {
			t.Errorf("%d → %d: a forged older root verifies", older.Size, newer.Size)
		}
		forgedNewer := newer
		forgedNewer.Root[0] ^= 1
		if VerifyConsistency(older, forgedNewer, p) == nil {
			t.Errorf("%d → %d: a forged newer root verifies", older.Size, newer.Size)
		}
		// A fork: another history of the older size.
		fork := buildTree(t, 0)
		for i := range tt[0] {
			fork.add(t, fmt.Appendf(nil, "rewritten %d\n", i))
		}
		if older.Size < newer.Size && VerifyConsistency(fork.checkpoint(t, tt[0]), newer, p) == nil {
			t.Errorf("%d → %d: a rewritten history verifies", older.Size, newer.Size)
		}
	}
	a, b := m.checkpoint(t, 5), m.checkpoint(t, 6)
	if err := VerifyConsistency(b, a, nil); err == nil || !strings.Contains(err.Error(), "shrank") {
		t.Errorf("a shrinking log: %v", err)
	}
	other := a
	other.Root[0] ^= 1
	if err := VerifyConsistency(a, other, nil); err == nil {
		t.Error("two roots of one size verify as consistent")
	}
}

// signText signs a checkpoint body as it is, well-formed or not.
func signText(tb testing.TB, k signing.KeyPair, text string) []byte {
	tb.Helper()
	b, err := note.Sign(&note.Note{Text: text}, k.Signer)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestParseCheckpoint(t *testing.T) {
	k := newKey(t, "backstop.example")
	root := tlog.RecordHash([]byte("x"))
	c := Checkpoint{Origin: k.Name(), Size: 42, Root: root}
	signed, err := c.Sign(k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(root[:])
	tests := []struct {
		name string
		msg  []byte
		err  string // part of the error; "" for success
	}{
		{"as signed", signed, ""},
		{"with extension lines", signText(t, k, c.Text()+"extension line\n"), ""},
		{"signed by another key of the same name", mustSign(t, c, newKey(t, k.Name())), "not signed by the log key"},
		{"signed by another key", mustSign(t, c, newKey(t, "other")), "not signed by the log key"},
		{"size line changed", []byte(strings.Replace(string(signed), "\n42\n", "\n43\n", 1)), "bad checkpoint"},
		{"root changed", []byte(strings.Replace(string(signed), b64[:4], "AAAA", 1)), "bad checkpoint"},
		{"another origin", signText(t, k, "elsewhere\n42\n"+b64+"\n"), "origin"},
		{"two lines", signText(t, k, k.Name()+"\n42\n"), "root"},
		{"one line", signText(t, k, k.Name()+"\n"), "bad checkpoint"},
		{"negative size", signText(t, k, k.Name()+"\n-1\n"+b64+"\n"), "size"},
		{"size not a number", signText(t, k, k.Name()+"\nforty-two\n"+b64+"\n"), "size"},
		{"root not base64", signText(t, k, k.Name()+"\n42\n!!!\n"), "root"},
		{"root too short", signText(t, k, k.Name()+"\n42\nAAAA\n"), "root"},
		{"unsigned", []byte(c.Text()), "bad checkpoint"},
		{"empty", nil, "bad checkpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCheckpoint(tt.msg, k.Verifier)
			if tt.err == "" {
				if err != nil || got != c {
					t.Fatalf("ParseCheckpoint = %+v, %v; want %+v", got, err, c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("ParseCheckpoint = %+v, %v; want an error with %q", got, err, tt.err)
			}
		})
	}
}

func mustSign(tb testing.TB, c Checkpoint, k signing.KeyPair) []byte {
	tb.Helper()
	b, err := c.Sign(k.Signer)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestLog appends to a log over a SQLite store and audits it from its
// checkpoints and proofs, then reopens it.
func TestLog(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "log.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k := newKey(t, "log.example")
	l, err := Open(ctx, st, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if l.Size() != 0 || l.Origin() != "log.example" {
		t.Fatalf("new log: size %d, origin %s", l.Size(), l.Origin())
	}
	if _, err := l.ProveInclusion(0, 0); err == nil {
		t.Error("an inclusion proof in an empty log")
	}

	var checkpoints []Checkpoint
	var leaves []tlog.Hash
	n := 0
	for _, batch := range []int{1, 2, 5, 1, 8, 3} {
		var entries []store.Entry
		for range batch {
			entries = append(entries, store.Entry{Note: fmt.Appendf(nil, "document %d\n", n), Kind: "Incidents", Framework: "fw", Received: time.Now()})
			n++
		}
		var published []store.Entry
		got, err := l.Append(ctx, entries, func(es []store.Entry) { published = es })
		if err != nil {
			t.Fatal(err)
		}
		if len(published) != batch || published[0].Index != int64(len(leaves)) {
			t.Fatalf("published %d entries from %d, want %d from %d", len(published), published[0].Index, batch, len(leaves))
		}
		for _, e := range got {
			if e.Index != int64(len(leaves)) || e.LeafHash != tlog.RecordHash(e.Note) {
				t.Fatalf("appended entry %d at %d with leaf %v", e.Index, len(leaves), e.LeafHash)
			}
			leaves = append(leaves, e.LeafHash)
		}
		signed, c, err := l.Checkpoint()
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := ParseCheckpoint(signed, k.Verifier)
		if err != nil || parsed != c || c.Size != int64(n) {
			t.Fatalf("checkpoint %+v (parsed %+v, %v), want size %d", c, parsed, err, n)
		}
		if again, _, _ := l.Checkpoint(); string(again) != string(signed) {
			t.Error("the checkpoint of one size was signed twice")
		}
		if root, err := RootOf(leaves); err != nil || root != c.Root {
			t.Errorf("RootOf = %v, %v; want %v", root, err, c.Root)
		}
		checkpoints = append(checkpoints, c)
	}
	cur := checkpoints[len(checkpoints)-1]
	for i, leaf := range leaves {
		if h, err := l.LeafHash(int64(i)); err != nil || h != leaf {
			t.Errorf("LeafHash(%d) = %v, %v", i, h, err)
		}
		for _, c := range checkpoints {
			if int64(i) >= c.Size {
				continue
			}
			p, err := l.ProveInclusion(int64(i), c.Size)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(c, int64(i), leaf, p); err != nil {
				t.Errorf("entry %d in %d: %v", i, c.Size, err)
			}
		}
	}
	for _, older := range checkpoints {
		p, err := l.ProveConsistency(older.Size, cur.Size)
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyConsistency(older, cur, p); err != nil {
			t.Errorf("%d → %d: %v", older.Size, cur.Size, err)
		}
	}
	for _, bad := range [][2]int64{{0, 1}, {2, 1}, {1, cur.Size + 1}, {-1, 3}} {
		if _, err := l.ProveConsistency(bad[0], bad[1]); err == nil {
			t.Errorf("ProveConsistency(%d, %d) succeeded", bad[0], bad[1])
		}
	}
	for _, bad := range [][2]int64{{-1, 3}, {3, 3}, {0, cur.Size + 1}, {0, 0}} {
		if _, err := l.ProveInclusion(bad[0], bad[1]); err == nil {
			t.Errorf("ProveInclusion(%d, %d) succeeded", bad[0], bad[1])
		}
	}
	if _, err := l.LeafHash(cur.Size); err == nil {
		t.Error("LeafHash past the end succeeded")
	}

	// Reopened, the log is the same tree.
	l2, err := Open(ctx, st, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, c, err := l2.Checkpoint(); err != nil || c != cur {
		t.Errorf("reopened: %+v, %v; want %+v", c, err, cur)
	}
}
