package store

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

func TestCheckpoints(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		if _, ok, err := s.LastCheckpoint(ctx); ok || err != nil {
			t.Fatalf("a new store's last checkpoint: %v, %v", ok, err)
		}
		at := time.Date(2026, 3, 1, 12, 0, 0, 5, time.UTC)
		a := SignedCheckpoint{Size: 3, Root: tlog.RecordHash([]byte("a")), Note: []byte("note a\n"), Signed: at}
		b := SignedCheckpoint{Size: 7, Root: tlog.RecordHash([]byte("b")), Note: []byte("note b\n"), Signed: at.Add(time.Second)}
		for _, c := range []SignedCheckpoint{b, a, a} { // again: nothing changes
			if err := s.SaveCheckpoint(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		last, ok, err := s.LastCheckpoint(ctx)
		if err != nil || !ok || last.Size != 7 || last.Root != b.Root || !bytes.Equal(last.Note, b.Note) || !last.Signed.Equal(b.Signed) {
			t.Fatalf("LastCheckpoint = %+v, %v, %v; want %+v", last, ok, err, b)
		}
		fork := a
		fork.Root[0] ^= 1
		if err := s.SaveCheckpoint(ctx, fork); !errors.Is(err, ErrForkedCheckpoint) {
			t.Errorf("a second root for size 3: %v", err)
		}
		if all, err := s.Checkpoints(ctx); err != nil || len(all) != 2 || all[0].Size != 3 {
			t.Errorf("Checkpoints = %+v, %v", all, err)
		}
		if err := s.DeleteCheckpoint(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if last, _, _ := s.LastCheckpoint(ctx); last.Size != 3 {
			t.Errorf("after deleting 7, the last is %d", last.Size)
		}
	})
}

func TestRewriteTree(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		l := newMemLog()
		appendBatch(t, s, l, 5)
		appendBatch(t, s, l, 4)
		// Damage a row, then rewrite the tree as recomputed.
		if _, err := s.DB().ExecContext(ctx, `UPDATE tree_hashes SET hash = $1 WHERE idx = 3`, make([]byte, 32)); err != nil {
			t.Fatal(err)
		}
		var hashes []StoredHash
		for i, h := range l.hashes {
			hashes = append(hashes, StoredHash{Index: int64(i), Hash: h})
		}
		if err := s.RewriteTree(ctx, nil, hashes[:len(hashes)-1]); err == nil {
			t.Error("a tree one hash short was written")
		}
		if err := s.RewriteTree(ctx, nil, hashes); err != nil {
			t.Fatal(err)
		}
		got, err := s.Hashes(ctx, 0, 1000)
		if err != nil || len(got) != len(hashes) || got[3] != hashes[3] {
			t.Fatalf("after the rewrite: %d hashes, %v", len(got), err)
		}
		raw, err := s.RawHashes(ctx, 3, 1)
		if err != nil || len(raw) != 1 || !bytes.Equal(raw[0].Hash, hashes[3].Hash[:]) {
			t.Errorf("RawHashes = %v, %v", raw, err)
		}
		p, err := s.Path(ctx)
		switch {
		case err != nil:
			t.Fatal(err)
		case s.Dialect() == SQLite && filepath.Base(p) == "":
			t.Errorf("Path = %q", p)
		case s.Dialect() == Postgres && p != "":
			t.Errorf("PostgreSQL Path = %q", p)
		}
	})
}
