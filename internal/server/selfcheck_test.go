package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/store"
)

// stoppedRecord is a server's record of five entries (the framework and
// four declarations of GB), with its checkpoint signed, and the server
// stopped: what the start-up check then finds in the store.
func stoppedRecord(t *testing.T) (*testEnv, ledger.Checkpoint) {
	t.Helper()
	e := newTestServerWith(t, envConfig{anonymous: true})
	for i, date := range []string{"2025-09-01", "2025-09-02", "2025-09-03", "2025-09-04"} {
		e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", date, 0, 10+i)))
	}
	c := e.checkpoint(e.key.Verifier)
	e.ts.Close()
	e.srv.Close()
	return e, c
}

func (e *testEnv) exec(query string, args ...any) {
	e.tb.Helper()
	if _, err := e.st.DB().ExecContext(context.Background(), query, args...); err != nil {
		e.tb.Fatalf("%s: %v", query, err)
	}
}

// restart opens a server on the env's store; the caller closes it.
func restart(t *testing.T, st *store.Store, cfg Config) (*Server, error) {
	t.Helper()
	srv, err := New(context.Background(), st, cfg)
	if err == nil {
		t.Cleanup(srv.Close)
	}
	return srv, err
}

func wantRefusal(t *testing.T, err error, parts ...string) {
	t.Helper()
	if !errors.Is(err, ErrSelfCheck) {
		t.Fatalf("New = %v; want the self-check's refusal", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("the refusal does not say %q:\n%v", p, err)
		}
	}
	t.Logf("%v", err)
}

func TestSelfCheckRecordsCheckpoint(t *testing.T) {
	e, c := stoppedRecord(t)
	file := filepath.Join(filepath.Dir(dbPath(t, e.st)), "backstop.db"+CheckpointFileSuffix)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no checkpoint file beside the database: %v", err)
	}
	if got, err := ledger.ParseCheckpoint(b, e.key.Verifier); err != nil || got != c {
		t.Errorf("the file holds %+v, %v; want %+v", got, err, c)
	}
	if last, ok, err := e.st.LastCheckpoint(context.Background()); err != nil || !ok || last.Size != c.Size || last.Root != c.Root {
		t.Errorf("the store's last checkpoint %+v, %v, %v; want %+v", last, ok, err, c)
	}
	if _, err := restart(t, e.st, Config{Key: e.key}); err != nil {
		t.Fatalf("an untouched store is refused: %v", err)
	}
}

func dbPath(t *testing.T, st *store.Store) string {
	t.Helper()
	p, err := st.Path(context.Background())
	if err != nil || p == "" {
		t.Fatalf("Path = %q, %v", p, err)
	}
	return p
}

// TestSelfCheckZeroedHash: one tree-hash row zeroed (SQLite's integrity
// check still ok) is refused, naming the checkpoint expected, the root the
// store gives and the hash that differs.
func TestSelfCheckZeroedHash(t *testing.T) {
	for _, c := range []struct {
		idx  int64
		what string
	}{
		// Hashes the checkpoint's root is made of: the root differs.
		{6, "stored tree hash 6 (the node of level 2 over entries 0–3)"},
		// Hashes below them: only the recomputation from the documents
		// sees them (and proofs would serve them).
		{2, "stored tree hash 2 (the node of level 1 over entries 0–1)"},
		{3, "entry 2: stored tree hash 3 (the leaf of entry 2)"},
	} {
		t.Run(c.what, func(t *testing.T) {
			e, cp := stoppedRecord(t)
			e.exec(`UPDATE tree_hashes SET hash = $1 WHERE idx = $2`, make([]byte, 32), c.idx)
			var ok string
			if err := e.st.DB().QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
				t.Fatalf("integrity_check = %q, %v", ok, err)
			}
			_, err := restart(t, e.st, Config{Key: e.key})
			want := []string{c.what, "has 5 entries, root " + cp.Root.String(), "backstop repair"}
			if c.idx == 6 {
				want = append(want, "the store's tree hashes give root")
			}
			wantRefusal(t, err, want...)
		})
	}
}

// TestSelfCheckOlderBackup: the database restored from an older copy
// while the checkpoint file beside it says the log was larger.
func TestSelfCheckOlderBackup(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 10)))
	e.checkpoint(e.key.Verifier)
	backup := filepath.Join(t.TempDir(), "backup.db")
	e.exec(`VACUUM INTO '` + backup + `'`)
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-02", 0, 20)))
	e.mustSubmit(testFW, e.sign("FR", declaration(testFW, "FR", "2025-09-02", 0, 20)))
	cp := e.checkpoint(e.key.Verifier)
	e.ts.Close()
	e.srv.Close()

	old, err := store.Open(context.Background(), backup)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	file := dbPath(t, e.st) + CheckpointFileSuffix
	_, err = restart(t, old, Config{Key: e.key, CheckpointFile: file})
	wantRefusal(t, err, "the checkpoint file "+file+") has 4 entries, root "+cp.Root.String()+"; the store holds only 2", "restored from an older copy")
}

// TestSelfCheckEditedColumns: a declaration's date and revision edited in
// the database, which would make the party's next real declaration stale.
func TestSelfCheckEditedColumns(t *testing.T) {
	e, _ := stoppedRecord(t)
	e.exec(`UPDATE entries SET doc_date = '2026-12-31', revision = 9 WHERE idx = 2`)
	_, err := restart(t, e.st, Config{Key: e.key})
	wantRefusal(t, err, `entry 2: its date is "2026-12-31" in the log but "2025-09-02" in the document`,
		`entry 2: its revision is "9" in the log but "0" in the document`)

	// Over the limit, the columns are not recomputed: the server starts,
	// and `backstop verify` is what catches them.
	if _, err := restart(t, e.st, Config{Key: e.key, SelfCheckLimit: -1}); err != nil {
		t.Errorf("with SelfCheckLimit -1: %v", err)
	}
}

// TestSelfCheckForeignFile: a checkpoint file signed by another key is
// refused, not overwritten.
func TestSelfCheckForeignFile(t *testing.T) {
	e, c := stoppedRecord(t)
	other := newKey(t, e.key.Signer.Name())
	signed, err := c.Sign(other.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dbPath(t, e.st)+CheckpointFileSuffix, signed, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = restart(t, e.st, Config{Key: e.key})
	wantRefusal(t, err, "does not verify with this server's key")
}
