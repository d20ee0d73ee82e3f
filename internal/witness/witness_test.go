package witness

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/signing"
)

func newLogKey(t *testing.T, name string) signing.KeyPair {
	t.Helper()
	skey, _, err := signing.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	k, err := signing.ParsePrivate(skey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newSigner(t *testing.T, name string) *Signer {
	t.Helper()
	skey, _, err := signing.GenerateKey(name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParsePrivate(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tree is a log in memory.
type tree struct{ stored []tlog.Hash }

func (m *tree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m.stored[x]
	}
	return out, nil
}

func (m *tree) size() int64 {
	n := int64(0)
	for tlog.StoredHashCount(n+1) <= int64(len(m.stored)) {
		n++
	}
	return n
}

func (m *tree) add(t *testing.T, records ...string) {
	for _, r := range records {
		hs, err := tlog.StoredHashes(m.size(), []byte(r), m)
		if err != nil {
			t.Fatal(err)
		}
		m.stored = append(m.stored, hs...)
	}
}

func (m *tree) checkpoint(t *testing.T, k signing.KeyPair) ([]byte, ledger.Checkpoint) {
	t.Helper()
	root, err := tlog.TreeHash(m.size(), m)
	if err != nil {
		t.Fatal(err)
	}
	c := ledger.Checkpoint{Origin: k.Name(), Size: m.size(), Root: root}
	signed, err := c.Sign(k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	return signed, c
}

func (m *tree) proof(t *testing.T, from int64) tlog.TreeProof {
	t.Helper()
	if from == 0 || from == m.size() {
		return nil
	}
	p, err := tlog.ProveTree(m.size(), from, m)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestKeys(t *testing.T) {
	s := newSigner(t, "witness.example")
	v := s.Verifier()
	parsed, err := NewVerifier(v.String())
	if err != nil || parsed.ID() != v.ID() || parsed.String() != v.String() {
		t.Fatalf("NewVerifier(%s) = %v, %v", v, parsed, err)
	}
	// The key ID is tlog-cosignature's: SHA-256(name \n 0x04 key)[:4].
	raw, _ := base64.StdEncoding.DecodeString(strings.SplitN(v.String(), "+", 3)[2])
	if raw[0] != 0x04 || keyID("witness.example", ed25519.PublicKey(raw[1:])) != v.KeyHash() {
		t.Fatalf("key %s: type %#x", v, raw[0])
	}
	_, vkey01, _ := signing.GenerateKey("w")
	for _, bad := range []string{"", "w", "w+1234abcd", vkey01, strings.Replace(v.String(), "+", "+0", 1),
		v.String()[:len(v.String())-4] + "AAA=", "a b+00000000+BA=="} {
		if _, err := NewVerifier(bad); err == nil {
			t.Errorf("NewVerifier(%q) succeeded", bad)
		}
	}
	if _, err := NewVerifier(vkey01); err == nil || !strings.Contains(err.Error(), "0x01") {
		t.Errorf("an ordinary key: %v", err)
	}

	// A cosignature verifies over the text, at its time, and nothing else.
	s.Now = func() time.Time { return time.Unix(1_700_000_000, 0) }
	text := []byte("log\n5\n" + tlog.Hash{}.String() + "\n")
	line, err := signatureLine(s, text)
	if err != nil {
		t.Fatal(err)
	}
	msg := append(append(append([]byte{}, text...), '\n'), line...)
	got, err := Cosignatures(msg, []*Verifier{v})
	if err != nil || len(got) != 1 || got[0].Time.Unix() != 1_700_000_000 || got[0].Line != line {
		t.Fatalf("Cosignatures = %+v, %v", got, err)
	}
	sig, _ := base64.StdEncoding.DecodeString(strings.Fields(line)[2])
	if !v.Verify(text, sig[4:]) || v.Verify(append(text, 'x'), sig[4:]) {
		t.Error("Verify does not check the text")
	}
	// The signed message is "cosignature/v1\ntime T\n" + text.
	if !ed25519.Verify(v.pub, []byte("cosignature/v1\ntime 1700000000\n"+string(text)), sig[12:]) {
		t.Error("the signature is not over tlog-cosignature's message")
	}
	sig[5] ^= 1 // another time
	if v.Verify(text, sig[4:]) {
		t.Error("a changed timestamp verifies")
	}
	other := newSigner(t, "other")
	if got, err := Cosignatures(msg, []*Verifier{other.Verifier()}); err != nil || len(got) != 0 {
		t.Errorf("another witness's list: %+v, %v", got, err)
	}

	dir := t.TempDir()
	list := filepath.Join(dir, "witnesses")
	os.WriteFile(list, []byte("# witnesses\n"+v.String()+"\n\n"+other.Verifier().String()+"\n"), 0o644)
	if vs, err := ReadVerifiers(list); err != nil || len(vs) != 2 {
		t.Errorf("ReadVerifiers = %v, %v", vs, err)
	}
	os.WriteFile(list, []byte(v.String()+"\n"+v.String()+"\n"), 0o644)
	if _, err := ReadVerifiers(list); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a key listed twice: %v", err)
	}
}

func TestWitness(t *testing.T) {
	logKey := newLogKey(t, "backstop-log")
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	st, err := OpenState(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenState(statePath); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("a second OpenState: %v", err)
	}
	w, err := New(newSigner(t, "w1"), []note.Verifier{logKey.Verifier}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	status := func(err error) int {
		var e *Error
		if errors.As(err, &e) {
			return e.Status
		}
		return 0
	}

	honest := &tree{}
	honest.add(t, "a", "b", "c")
	cp3, _ := honest.checkpoint(t, logKey)
	line, err := w.Add(0, nil, cp3)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Cosignatures(append(cp3, line...), []*Verifier{w.Key()}); err != nil || len(got) != 1 {
		t.Fatalf("the cosignature does not verify: %v, %v", got, err)
	}
	if _, err := ledger.ParseCheckpoint(append(cp3, line...), logKey.Verifier); err != nil {
		t.Errorf("a cosigned checkpoint no longer parses with the log key: %v", err)
	}
	// Again at the same size: cosigned again.
	if _, err := w.Add(3, nil, cp3); err != nil {
		t.Errorf("the same checkpoint again: %v", err)
	}
	// Growth with a proof.
	honest.add(t, "d", "e")
	cp5, c5 := honest.checkpoint(t, logKey)
	if _, err := w.Add(3, nil, cp5); status(err) != http.StatusUnprocessableEntity {
		t.Errorf("growth without a proof: %v", err)
	}
	if _, err := w.Add(0, nil, cp5); status(err) != http.StatusConflict || err.(*Error).Size != 3 {
		t.Errorf("old 0 after 3: %v", err)
	}
	if _, err := w.Add(3, honest.proof(t, 3), cp5); err != nil {
		t.Fatalf("growth 3 → 5: %v", err)
	}

	// A fork: same key, another record at index 1.
	fork := &tree{}
	fork.add(t, "a", "B", "c", "d", "e", "f")
	fcp, _ := fork.checkpoint(t, logKey)
	if _, err := w.Add(5, fork.proof(t, 5), fcp); status(err) != http.StatusUnprocessableEntity {
		t.Errorf("a fork with its own proof: %v", err)
	}
	fork5 := &tree{}
	fork5.add(t, "a", "B", "c", "d", "e")
	fcp5, _ := fork5.checkpoint(t, logKey)
	if _, err := w.Add(5, nil, fcp5); status(err) != http.StatusConflict {
		t.Errorf("a fork of the same size: %v", err)
	}
	if rec, _ := st.Get("backstop-log"); rec.Size != 5 || rec.Root != c5.Root {
		t.Errorf("the state moved after refusals: %+v", rec)
	}
	// Shrinking, other logs, other keys, bad bodies.
	if _, err := w.Add(5, nil, cp3); status(err) != http.StatusBadRequest {
		t.Errorf("old larger than the checkpoint: %v", err)
	}
	if _, err := w.Add(0, honest.proof(t, 3), cp3); status(err) != http.StatusBadRequest {
		t.Errorf("a proof from 0: %v", err)
	}
	impostor := newLogKey(t, "backstop-log")
	icp, _ := honest.checkpoint(t, impostor)
	if _, err := w.Add(5, nil, icp); status(err) != http.StatusForbidden {
		t.Errorf("another key of the same name: %v", err)
	}
	ocp, _ := honest.checkpoint(t, newLogKey(t, "elsewhere"))
	if _, err := w.Add(0, nil, ocp); status(err) != http.StatusNotFound {
		t.Errorf("an unknown origin: %v", err)
	}

	// The state survives a restart.
	st.Close()
	st2, err := OpenState(statePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	rec, ok := st2.Get("backstop-log")
	if !ok || rec.Size != 5 || rec.Root != c5.Root || rec.Checkpoint != string(cp5) {
		t.Errorf("reopened state: %+v", rec)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the state folder holds %d files, want the state and its lock", len(entries))
	}
}

func TestHTTP(t *testing.T) {
	logKey := newLogKey(t, "backstop-log")
	st, err := OpenState(filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := New(newSigner(t, "w1"), []note.Verifier{logKey.Verifier}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(w.Handler())
	defer ts.Close()
	ctx := context.Background()

	key, err := FetchKey(ctx, nil, ts.URL)
	if err != nil || key.String() != w.Key().String() {
		t.Fatalf("FetchKey = %v, %v", key, err)
	}
	m := &tree{}
	m.add(t, "a", "b")
	cp2, _ := m.checkpoint(t, logKey)
	lines, err := AddCheckpoint(ctx, nil, ts.URL, 0, nil, cp2)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Cosignatures(append(cp2, lines...), []*Verifier{key}); err != nil || len(got) != 1 {
		t.Fatalf("cosignatures %q: %v, %v", lines, got, err)
	}
	m.add(t, "c", "d", "e")
	cp5, _ := m.checkpoint(t, logKey)
	_, err = AddCheckpoint(ctx, nil, ts.URL, 0, nil, cp5)
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Size != 2 {
		t.Fatalf("old 0 after 2: %v", err)
	}
	if _, err := AddCheckpoint(ctx, nil, ts.URL, 2, m.proof(t, 2), cp5); err != nil {
		t.Fatalf("2 → 5: %v", err)
	}
	res, err := http.Get(ts.URL + "/checkpoint?origin=backstop-log")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /checkpoint: %v %v", res, err)
	}
	res.Body.Close()

	for _, body := range []string{"", "old 01\n\n", "old 1\nnot base64\n\n", "new 1\n\n", "old 1\n" + strings.Repeat(tlog.Hash{}.String()+"\n", 64) + "\n"} {
		res, err := http.Post(ts.URL+"/add-checkpoint", "text/plain", strings.NewReader(body+string(cp5)))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("body %q: %d", body, res.StatusCode)
		}
	}
	var se *StatusError
	if _, err := AddCheckpoint(ctx, nil, ts.URL, 5, nil, []byte("junk\n")); !errors.As(err, &se) || se.Status != http.StatusNotFound {
		t.Errorf("junk: %v", err)
	}
	old, proof, cp, err := ParseRequest(Request(2, m.proof(t, 2), cp5))
	if err != nil || old != 2 || len(proof) != len(m.proof(t, 2)) || string(cp) != string(cp5) {
		t.Errorf("ParseRequest(Request(...)) = %d, %v, %q, %v", old, proof, cp, err)
	}
}
