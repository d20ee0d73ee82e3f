package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/store"
	"github.com/backstop-dev/backstop/internal/store/storetest"
)

// withConsulted changes the env's framework (signed by its secretariat)
// to add RU, a consulted party with a key of its own: a listed key that
// may submit nothing.
func withConsulted(t *testing.T, e *testEnv) {
	t.Helper()
	e.keys["RU"] = newKey(t, "RU")
	fw := e.framework(testFW, "With a consulted party", false)
	fw = strings.Replace(fw, "requirements:\n",
		fmt.Sprintf("  RU: {name: Party RU, role: consulted, keys: [%s]}\nrequirements:\n", e.keys["RU"].Public), 1)
	e.mustSubmit(testFW, e.sign("SEC", fw))
}

// largeInvalid is a document of about size bytes whose every pledge is
// wrong (an unknown field, a unit that does not exist): validated, it
// gives thousands of diagnostics.
func largeInvalid(kind, party string, size int) string {
	var b strings.Builder
	switch kind {
	case "Declaration":
		fmt.Fprintf(&b, "backstop: v1\nkind: Declaration\nframework: %s\nparty: %s\ndate: 2025-09-01\npledges:\n", testFW, party)
	case "Framework":
		fmt.Fprintf(&b, "backstop: v1\nkind: Framework\nid: %s\ntitle: Taken over\nbeneficiary: UA\nstatus: draft\nparties:\n  RU: {name: R, role: guarantor}\nrequirements:\n", testFW)
	}
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "  - {id: p-%d, layer: 7, domain: nowhere, quantity: -1, unit: parsecs, bogus: %d}\n", i, i)
	}
	return b.String()
}

// allocated measures the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Issue 16, finding 1: RU, a consulted party (a listed key that may submit
// nothing), sent large invalid documents, and the server decoded and
// validated each of them before deciding that RU may not submit it, and
// answered with the diagnostics. Now RU is refused from its signature and
// the document's header, before any validation: a 403 without
// diagnostics, for a small fraction of the work.
func TestAttackValidationBeforeAuthorisation(t *testing.T) {
	e := newTestServerWith(t, envConfig{maxBody: 4 << 20})
	withConsulted(t, e)
	for _, tt := range []struct{ name, doc string }{
		{"declaration of the consulted party", largeInvalid("Declaration", "RU", 900<<10)},
		{"declaration of a guarantor", largeInvalid("Declaration", "GB", 900<<10)},
		{"change of the framework", largeInvalid("Framework", "", 900<<10)},
		// No header to read: refused for the signer alone.
		{"flow-style document", "{backstop: v1, kind: Declaration, framework: fw, party: RU, date: 2025-09-01, pledges: [" +
			strings.Repeat("{id: x, layer: 7, unit: parsecs},", 20000) + "]}\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := e.sign("RU", tt.doc)
			r := e.submit(testFW, body)
			p := checkProblem(t, r, http.StatusForbidden, "not-allowed")
			if len(p.Diagnostics) != 0 {
				t.Errorf("the refusal carries %d diagnostics: the document was validated", len(p.Diagnostics))
			}
			start := time.Now()
			alloc := allocated(func() {
				if _, p := e.srv.check(testFW, body, false); p == nil || p.Status != http.StatusForbidden {
					t.Errorf("check: %+v", p)
				}
			})
			took := time.Since(start)
			if signed, err := e.srv.rec.framework(testFW).keyring.Open(body); err == nil {
				fwParsed := e.srv.rec.framework(testFW).parsed
				vstart := time.Now()
				valloc := allocated(func() { _, _, _ = decode(signed.Text, fwParsed) })
				t.Logf("validating it, as before the fix: %v, %d bytes allocated", time.Since(vstart), valloc)
			}
			t.Logf("%d-byte body: refused in %v, %d bytes allocated (%.1f per body byte)", len(body), took, alloc, float64(alloc)/float64(len(body)))
			// Opening the note copies the text once or twice; validating it
			// allocated ~100 bytes per byte of body.
			if alloc > uint64(8*len(body)) {
				t.Errorf("refusing RU allocated %d bytes for a %d-byte body: the document was decoded", alloc, len(body))
			}
		})
	}
	// The same document from a party that may submit it is still
	// validated, with its diagnostics.
	p := checkProblem(t, e.submit(testFW, e.sign("GB", largeInvalid("Declaration", "GB", 4<<10))), http.StatusUnprocessableEntity, "invalid-document")
	if len(p.Diagnostics) == 0 {
		t.Errorf("GB's invalid declaration got no diagnostics")
	}
	// And RU's valid-looking declaration is refused for its role.
	checkProblem(t, e.submit(testFW, e.sign("RU", declaration(testFW, "RU", "2025-09-01", 0, 10))), http.StatusForbidden, "not-allowed")
}

func TestPeekHeader(t *testing.T) {
	for _, tt := range []struct {
		text string
		want header
		ok   bool
	}{
		{"backstop: v1\nkind: Declaration\nframework: fw\nparty: GB # us\ndate: 2025-01-01\n", header{kind: "Declaration", framework: "fw", party: "GB"}, true},
		{"---\n# c\nkind: 'Framework'\nid: \"fw\"\nparties:\n  kind: nested\n", header{kind: "Framework", id: "fw"}, true},
		{"kind: Incidents\nincidents: [\n  {id: a}]\n", header{}, false},                            // a flow value over lines
		{"kind: Declaration\nnote: \"x\nparty: GB\"\n", header{}, false},                            // a quoted value over lines
		{"kind: Declaration\nparty: GB\nparty: RU\n", header{}, false},                              // twice
		{"kind: Declaration\nparty: *who\n", header{}, false},                                       // an alias
		{"{kind: Declaration, party: GB}\n", header{}, false},                                       // flow style
		{"kind: Declaration\n\"party\": GB\n", header{}, false},                                     // a quoted key
		{"backstop: v1\nnote: |\n  kind: Framework\n", header{}, false},                             // no kind at column 0
		{"kind: Declaration\nnote: |\nparty: GB\n", header{kind: "Declaration", party: "GB"}, true}, // as YAML reads it
	} {
		got, ok := peekHeader([]byte(tt.text))
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("peekHeader(%q) = %+v, %t; want %+v, %t", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

// failCommits makes the store report the next n appends as failed after
// they committed: the reply to COMMIT lost.
func failCommits(st *store.Store, n int64) *atomic.Int64 {
	var left atomic.Int64
	left.Store(n)
	st.SetAfterCommit(func() error {
		if left.Add(-1) >= 0 {
			return errors.New("read tcp: connection reset by peer (the COMMIT's reply was lost)")
		}
		return nil
	})
	return &left
}

// checkInStep checks that the server's log, record and checkpoint are the
// store's.
func checkInStep(t *testing.T, e *testEnv) {
	t.Helper()
	ctx := context.Background()
	size, err := e.st.Size(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.srv.log.Size(); got != size {
		t.Fatalf("the server's log has %d entries, the store %d", got, size)
	}
	e.srv.rec.mu.RLock()
	n := int64(len(e.srv.rec.entries))
	e.srv.rec.mu.RUnlock()
	if n != size {
		t.Fatalf("the record has %d entries, the store %d", n, size)
	}
	entries, err := e.st.Entries(ctx, 0, int(size))
	if err != nil {
		t.Fatal(err)
	}
	var leaves []tlog.Hash
	for _, en := range entries {
		leaves = append(leaves, en.LeafHash)
		e.srv.rec.mu.RLock()
		got := e.srv.rec.entries[en.Index]
		e.srv.rec.mu.RUnlock()
		if got.LeafHash != en.LeafHash || got.Index != en.Index {
			t.Errorf("entry %d differs between the record and the store", en.Index)
		}
	}
	root, err := ledger.RootOf(leaves)
	if err != nil {
		t.Fatal(err)
	}
	if _, c, err := e.srv.log.Checkpoint(); err != nil || c.Size != size || c.Root != root {
		t.Errorf("checkpoint %+v (%v), want %d entries with the store's root", c, err, size)
	}
}

// Issue 16, finding 2: on PostgreSQL a batch was stored while the driver
// reported its COMMIT as failed; the server told the clients nothing was
// stored, kept the old size in memory, and refused every later append as
// a duplicate until restarted. Now it reads the store back, publishes the
// batch and answers its clients with their entries.
func TestAttackLostCommitReply(t *testing.T) {
	// As the attack was run: on PostgreSQL (when .ci/run gives one), and on
	// SQLite.
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		t.Run(db.name, func(t *testing.T) { lostCommitReply(t, db.dsn(t)) })
	}
}

func lostCommitReply(t *testing.T, dsn string) {
	e := newTestServerWith(t, envConfig{dsn: dsn})
	failCommits(e.st, 1)
	var batch []*submission
	for _, p := range []string{"GB", "FR", "UA"} {
		doc := declaration(testFW, p, "2025-09-01", 0, 10)
		if p == "UA" {
			doc = strings.Replace(doc, "layer: 2", "layer: 1", 1)
		}
		sub, pr := e.srv.check(testFW, e.sign(p, doc), false)
		if pr != nil {
			t.Fatalf("check: %+v", pr)
		}
		sub.done = make(chan submitResult, 1)
		batch = append(batch, sub)
	}
	e.srv.commit(batch)
	for i, sub := range batch {
		if res := <-sub.done; res.problem != nil || res.entry.Index != int64(1+i) {
			t.Errorf("submission %d of the batch whose COMMIT reply was lost: %+v, want entry %d", i, res, 1+i)
		}
	}
	if at, err := e.srv.storeHealth(); err != nil || !at.IsZero() {
		t.Errorf("storeHealth after the batch was found stored: %v at %v", err, at)
	}
	checkInStep(t, e)
	// Later submissions are accepted, over HTTP.
	acc := e.mustSubmit(testFW, e.sign("MON", incidents("i-1")))
	if acc.Entry.Index != 4 || acc.Checkpoint.Size != 5 {
		t.Errorf("the next submission: entry %d, checkpoint %d; want 4 and 5", acc.Entry.Index, acc.Checkpoint.Size)
	}
	checkInStep(t, e)
}

// The same over HTTP, with clients submitting at once: every commit's
// reply is lost for a while. Every client is told its document was
// accepted, and the log holds each at the entry it was told.
func TestAttackLostCommitRepliesUnderLoad(t *testing.T) {
	e := newTestServer(t)
	failCommits(e.st, 20)
	const n = 60
	var wg sync.WaitGroup
	results := make([]response, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.submit(testFW, e.sign("MON", incidents(fmt.Sprintf("i-%d", i))))
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.status != http.StatusCreated {
			t.Errorf("submission %d: %v", i, r)
		}
	}
	checkInStep(t, e)
	if got := e.srv.log.Size(); got != n+1 {
		t.Errorf("log of %d entries, want %d", got, n+1)
	}
}

// The store holds an entry the server never published (a commit that
// landed after its failure was answered): the next append fails as a
// duplicate, the server catches up with the store and appends the batch
// after it, rather than refusing every later append.
func TestAttackStoreAheadOfTheRecord(t *testing.T) {
	e := newTestServer(t)
	ctx := context.Background()
	other, err := ledger.Open(ctx, e.st, e.key.Signer)
	if err != nil {
		t.Fatal(err)
	}
	gb := e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 10))
	if _, err := other.Append(ctx, []store.Entry{{Note: gb, Kind: "Declaration", Framework: testFW, Signer: "GB",
		Key: e.keys["GB"].ID(), Subject: "GB", Date: "2025-09-01", Received: time.Now().UTC()}}, nil); err != nil {
		t.Fatal(err)
	}
	// GB's client retries (its first attempt was answered store-failed):
	// the append fails (entry 1 is taken), the server finds GB's document
	// stored there and answers with it.
	acc := e.mustSubmit(testFW, gb)
	if acc.Entry.Index != 1 || acc.Checkpoint.Size != 2 {
		t.Errorf("retry of the stored declaration: entry %d, checkpoint %d; want 1 and 2", acc.Entry.Index, acc.Checkpoint.Size)
	}
	checkProblem(t, e.submit(testFW, gb), http.StatusConflict, "duplicate")
	if _, err := e.srv.storeHealth(); err != nil {
		t.Errorf("storeHealth: %v", err)
	}
	// Another entry lands behind the server's back; the next batch is
	// appended after it.
	mon := e.sign("MON", incidents("i-0"))
	if _, err := other.Append(ctx, []store.Entry{{Note: mon, Kind: "Incidents", Framework: testFW, Signer: "MON",
		Key: e.keys["MON"].ID(), Received: time.Now().UTC()}}, nil); err != nil {
		t.Fatal(err)
	}
	acc = e.mustSubmit(testFW, e.sign("FR", declaration(testFW, "FR", "2025-09-01", 0, 10)))
	if acc.Entry.Index != 3 {
		t.Errorf("FR's declaration is entry %d, want 3", acc.Entry.Index)
	}
	checkInStep(t, e)
}

// A failure that stored nothing is still answered store-failed, and shows
// in storeHealth until an append succeeds.
func TestStoreHealthAfterAFailedAppend(t *testing.T) {
	e := newTestServer(t)
	// The database refuses the write: nothing of the batch is stored.
	db := e.st.DB()
	if _, err := db.Exec(`CREATE TRIGGER refuse BEFORE INSERT ON entries BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	checkProblem(t, e.submit(testFW, e.sign("MON", incidents("i-1"))), http.StatusServiceUnavailable, "store-failed")
	if at, err := e.srv.storeHealth(); err == nil || at.IsZero() {
		t.Errorf("storeHealth after a failed append: %v at %v", err, at)
	}
	if _, err := db.Exec(`DROP TRIGGER refuse`); err != nil {
		t.Fatal(err)
	}
	e.mustSubmit(testFW, e.sign("MON", incidents("i-1")))
	if _, err := e.srv.storeHealth(); err != nil {
		t.Errorf("storeHealth after a successful append: %v", err)
	}
	checkInStep(t, e)
}
