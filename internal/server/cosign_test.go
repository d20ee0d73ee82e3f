package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
	"github.com/backstop-dev/backstop/internal/witness"
)

// testWitness is a witness served over HTTP, with its state.
type testWitness struct {
	w     *witness.Witness
	state *witness.State
	ts    *httptest.Server
}

func newTestWitnesses(t *testing.T, n int, logKey note.Verifier) []*testWitness {
	t.Helper()
	var out []*testWitness
	for i := range n {
		skey, _, err := signing.GenerateKey(fmt.Sprintf("witness-%d", i+1))
		if err != nil {
			t.Fatal(err)
		}
		signer, err := witness.ParsePrivate(skey)
		if err != nil {
			t.Fatal(err)
		}
		st, err := witness.OpenState(filepath.Join(t.TempDir(), "state.json"))
		if err != nil {
			t.Fatal(err)
		}
		w, err := witness.New(signer, []note.Verifier{logKey}, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(w.Handler())
		t.Cleanup(func() {
			ts.Close()
			st.Close()
		})
		out = append(out, &testWitness{w: w, state: st, ts: ts})
	}
	return out
}

// newEnvWithKey starts a server with the given key, party keys and
// framework, asking the witnesses to cosign: two such servers with the
// same key are one log shown with two histories.
func newEnvWithKey(t *testing.T, key signing.KeyPair, keys map[string]signing.KeyPair, fwText string, ws []Witness) *testEnv {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(ctx, st, Config{Key: key, Timeout: time.Minute, Witnesses: ws})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
		st.Close()
	})
	e := &testEnv{tb: t, srv: srv, ts: ts, st: st, key: key, keys: keys, cfg: envConfig{guarantors: []string{"GB", "FR"}}}
	if fwText == "" {
		for _, id := range e.parties() {
			e.keys[id] = newKey(t, id)
		}
		fwText = e.framework(testFW, "Test framework", false)
	}
	e.fwText = fwText
	if n, err := srv.Seed(ctx, []SeedDocument{{Name: "framework.yaml", Text: []byte(fwText)}}); err != nil || n != 1 {
		t.Fatalf("Seed = %d, %v", n, err)
	}
	return e
}

// waitCosigned waits until the server serves its checkpoint of size with n
// cosignatures.
func waitCosigned(t *testing.T, e *testEnv, size int64, n int) []byte {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := e.do(http.MethodGet, "/v1/log/checkpoint", nil, http.Header{"Accept": {"application/json"}})
		cp := decodeJSON[api.Checkpoint](t, r)
		if cp.Size == size && len(cp.Cosignatures) == n {
			return []byte(cp.Note)
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s the checkpoint has %d entries and %d cosignatures, want %d and %d", cp.Size, len(cp.Cosignatures), size, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCosigning(t *testing.T) {
	key := newKey(t, "test-log")
	tws := newTestWitnesses(t, 3, key.Verifier)
	var ws []Witness
	var keys []*witness.Verifier
	for i, tw := range tws {
		w := Witness{URL: tw.ts.URL}
		if i == 0 {
			w.Key = tw.w.Key() // pinned; the others are asked for theirs
		}
		ws = append(ws, w)
		keys = append(keys, tw.w.Key())
	}

	// The honest log grows; every witness cosigns each checkpoint.
	honest := newEnvWithKey(t, key, map[string]signing.KeyPair{}, "", ws)
	waitCosigned(t, honest, 1, 3)
	honest.mustSubmit(testFW, honest.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 100)))
	waitCosigned(t, honest, 2, 3)
	honest.mustSubmit(testFW, honest.sign("MON", incidents("strike-1")))
	note3 := waitCosigned(t, honest, 3, 3)
	cp3, err := ledger.ParseCheckpoint(note3, key.Verifier)
	if err != nil {
		t.Fatalf("a client that knows no witness cannot read the cosigned checkpoint: %v", err)
	}
	if got, err := witness.Cosignatures(note3, keys); err != nil || len(got) != 3 {
		t.Fatalf("the served checkpoint carries %d valid cosignatures (%v), want 3:\n%s", len(got), err, note3)
	}
	if r := honest.get("/v1/log/checkpoint", nil); string(r.body) != string(note3) {
		t.Errorf("the text checkpoint differs from the JSON one:\n%s", r.body)
	}
	if last, n := honest.srv.witnessHealth(); n != 3 || time.Since(last) > time.Minute {
		t.Errorf("witnessHealth = %v, %d", last, n)
	}

	// A fork: a second server with the same key, another document at
	// index 1. At the honest size, every witness refuses (409).
	fork := newEnvWithKey(t, key, honest.keys, honest.fwText, ws)
	fork.mustSubmit(testFW, fork.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 999)))
	fork.mustSubmit(testFW, fork.sign("MON", incidents("strike-1")))
	ctx := context.Background()
	checkRefused := func(size int64, want string) []byte {
		t.Helper()
		fork.srv.cosign.cosignAll(ctx)
		_, cp, err := fork.srv.log.Checkpoint()
		if err != nil || cp.Size != size {
			t.Fatalf("fork checkpoint: %+v, %v", cp, err)
		}
		if cp.Root == cp3.Root {
			t.Fatal("the fork has the honest root")
		}
		for i, w := range fork.srv.cosign.ws {
			w.mu.Lock()
			lastErr, line := w.lastErr, w.line
			w.mu.Unlock()
			if line != "" || !strings.Contains(lastErr, want) {
				t.Errorf("witness %d on the fork of %d entries: cosignature %q, error %q; want an error with %q", i+1, size, line, lastErr, want)
			}
		}
		for i, tw := range tws {
			if rec, _ := tw.state.Get(key.Name()); rec.Size != 3 || rec.Root != cp3.Root {
				t.Errorf("witness %d's state moved to %d entries", i+1, rec.Size)
			}
		}
		served := fork.get("/v1/log/checkpoint", nil).body
		if got, err := witness.Cosignatures(served, keys); err != nil || len(got) != 0 {
			t.Errorf("the fork serves %d cosignatures (%v)", len(got), err)
		}
		if _, err := ledger.ParseCheckpoint(served, key.Verifier); err != nil {
			t.Errorf("the fork's checkpoint is not signed by the log key: %v", err)
		}
		return served
	}
	checkRefused(3, "same size")
	// Grown past the honest size, its consistency proof fails (422).
	fork.mustSubmit(testFW, fork.sign("MON", incidents("strike-2")))
	checkRefused(4, "422")

	// The honest log still grows, cosigned.
	honest.mustSubmit(testFW, honest.sign("MON", incidents("strike-3")))
	waitCosigned(t, honest, 4, 3)
	honest.mustSubmit(testFW, honest.sign("MON", incidents("strike-4")))
	note5 := waitCosigned(t, honest, 5, 3)
	if got, _ := witness.Cosignatures(note5, keys); len(got) != 3 {
		t.Errorf("after the fork, the honest checkpoint has %d cosignatures", len(got))
	}
}
