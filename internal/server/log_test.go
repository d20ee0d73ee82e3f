package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/ledger"
)

// checkpoint reads and verifies the server's checkpoint with v.
func (e *testEnv) checkpoint(v note.Verifier) ledger.Checkpoint {
	e.tb.Helper()
	r := e.get("/v1/log/checkpoint", nil)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		e.tb.Fatalf("checkpoint: %v", r)
	}
	c, err := ledger.ParseCheckpoint(r.body, v)
	if err != nil {
		e.tb.Fatalf("checkpoint: %v\n%s", err, r.body)
	}
	return c
}

// TestLogProofs audits the log as a client that trusts only the server's
// public key: checkpoints, every entry's inclusion, consistency between
// checkpoints, and the root recomputed from every leaf.
func TestLogProofs(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	v, err := note.NewVerifier(string(e.get("/v1/log/key", nil).body[:len(e.key.Public)]))
	if err != nil {
		t.Fatal(err)
	}
	checkpoints := []ledger.Checkpoint{e.checkpoint(v)} // after seeding
	for i := range 12 {
		party := []string{"GB", "FR"}[i%2]
		acc := e.mustSubmit(testFW, e.sign(party, declaration(testFW, party, fmt.Sprintf("2025-09-%02d", i+1), 0, 10)))
		c := e.checkpoint(v)
		if c.Size != acc.Entry.Index+1 || acc.Checkpoint.Size != c.Size || acc.Checkpoint.Root != c.Root {
			t.Fatalf("after entry %d: checkpoint %+v, accepted with %+v", acc.Entry.Index, c, acc.Checkpoint)
		}
		if _, err := ledger.ParseCheckpoint([]byte(acc.Checkpoint.Note), v); err != nil {
			t.Errorf("the checkpoint of the 201: %v", err)
		}
		checkpoints = append(checkpoints, c)
	}
	cur := checkpoints[len(checkpoints)-1]
	if cur.Size != 13 || cur.Origin != e.key.Name() {
		t.Fatalf("checkpoint %+v, want 13 entries from %s", cur, e.key.Name())
	}
	// The JSON form says the same.
	if js := decodeJSON[api.Checkpoint](t, e.do(http.MethodGet, "/v1/log/checkpoint", nil, http.Header{"Accept": {"application/json"}})); js.Size != cur.Size || js.Root != cur.Root {
		t.Errorf("JSON checkpoint %+v, text %+v", js, cur)
	}

	// Every entry is in the current tree and in every tree since it.
	var leaves []tlog.Hash
	page := decodeJSON[api.Page[api.Entry]](t, e.get("/v1/log/entries", nil))
	for _, en := range page.Items {
		if en.Note == nil || tlog.RecordHash([]byte(*en.Note)) != en.LeafHash {
			t.Fatalf("entry %d: the leaf hash is not the hash of its note", en.Index)
		}
		leaves = append(leaves, en.LeafHash)
		for _, c := range []ledger.Checkpoint{cur, checkpoints[en.Index]} {
			inc := decodeJSON[api.Inclusion](t, e.get(fmt.Sprintf("/v1/log/proof/inclusion?index=%d&size=%d", en.Index, c.Size), nil))
			if inc.LeafHash != en.LeafHash || inc.Index != en.Index || inc.Size != c.Size {
				t.Errorf("inclusion of %d: %+v", en.Index, inc)
			}
			if err := ledger.VerifyInclusion(c, en.Index, en.LeafHash, inc.Proof); err != nil {
				t.Errorf("inclusion of %d in %d: %v", en.Index, c.Size, err)
			}
		}
		// By hash, too.
		inc := decodeJSON[api.Inclusion](t, e.get("/v1/log/proof/inclusion?hash="+url.QueryEscape(en.LeafHash.String()), nil))
		if inc.Index != en.Index || ledger.VerifyInclusion(cur, inc.Index, en.LeafHash, inc.Proof) != nil {
			t.Errorf("inclusion of %d by hash: %+v", en.Index, inc)
		}
		// A proof does not prove another leaf.
		other := en.LeafHash
		other[0] ^= 1
		if ledger.VerifyInclusion(cur, en.Index, other, inc.Proof) == nil {
			t.Errorf("entry %d's proof proves a changed leaf", en.Index)
		}
	}
	if len(leaves) != int(cur.Size) {
		t.Fatalf("%d leaves, want %d", len(leaves), cur.Size)
	}
	root, err := ledger.RootOf(leaves)
	if err != nil || root != cur.Root {
		t.Errorf("RootOf every leaf = %v, %v; want the checkpoint's root %v", root, err, cur.Root)
	}

	// Each earlier checkpoint is consistent with the current one and with
	// each later one.
	for i, older := range checkpoints {
		for _, newer := range checkpoints[i:] {
			cons := decodeJSON[api.Consistency](t, e.get(fmt.Sprintf("/v1/log/proof/consistency?from=%d&to=%d", older.Size, newer.Size), nil))
			if err := ledger.VerifyConsistency(older, newer, cons.Proof); err != nil {
				t.Errorf("consistency %d → %d: %v", older.Size, newer.Size, err)
			}
		}
		if i == len(checkpoints)-1 {
			continue
		}
		forged := older
		forged.Root[0] ^= 1
		cons := decodeJSON[api.Consistency](t, e.get(fmt.Sprintf("/v1/log/proof/consistency?from=%d", older.Size), nil))
		if cons.To != cur.Size {
			t.Errorf("consistency to defaults to %d, want %d", cons.To, cur.Size)
		}
		if ledger.VerifyConsistency(forged, cur, cons.Proof) == nil {
			t.Errorf("a forged root of %d entries passes as consistent", older.Size)
		}
	}

	// Another server's key does not verify this checkpoint.
	if _, err := ledger.ParseCheckpoint(e.get("/v1/log/checkpoint", nil).body, newKey(t, e.key.Name()).Verifier); err == nil {
		t.Error("the checkpoint verifies with another key")
	}
}

// TestRestart checks that a server reopened on the same store rebuilds
// the same record: size, root, who is in force, and what is a duplicate.
func TestRestart(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	gb1 := e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 10))
	e.mustSubmit(testFW, gb1)
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-02", 0, 20)))
	before := e.checkpoint(e.key.Verifier)

	e.ts.Close()
	e.srv.Close()
	srv, err := New(t.Context(), e.st, Config{Key: e.key})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	e.srv, e.ts = srv, httptest.NewServer(srv.Handler())
	defer e.ts.Close()

	if after := e.checkpoint(e.key.Verifier); after != before {
		t.Errorf("checkpoint after a restart %+v, before %+v", after, before)
	}
	if n, err := srv.Seed(t.Context(), nil); err != ErrNotEmpty || n != 0 {
		t.Errorf("Seed on a record = %d, %v; want ErrNotEmpty", n, err)
	}
	checkProblem(t, e.submit(testFW, gb1), http.StatusConflict, "duplicate")
	checkProblem(t, e.submit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 3, 10))), http.StatusConflict, "stale")
	page := decodeJSON[api.Page[api.Entry]](t, e.get("/v1/frameworks/"+testFW+"/declarations", nil))
	if len(page.Items) != 2 || page.Items[0].SupersededBy == nil || *page.Items[0].SupersededBy != 2 {
		t.Errorf("declarations after a restart: %+v", page.Items)
	}
}
