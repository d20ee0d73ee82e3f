package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/store/storetest"
)

// eachBackend runs f once per database, each time on a new, empty one:
// SQLite in a temporary folder, and PostgreSQL in a schema of its own when
// BACKSTOP_POSTGRES_DSN is set (skipped otherwise).
func eachBackend(t *testing.T, f func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run(SQLite, func(t *testing.T) { f(t, storetest.SQLite(t)) })
	t.Run(Postgres, func(t *testing.T) { f(t, storetest.Postgres(t)) })
}

// openStore opens dsn and closes it when tb ends.
func openStore(tb testing.TB, dsn string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// memLog is what the ledger will be, in memory: it numbers documents and
// computes their tree hashes with tlog, so that the tests feed Append what
// it will be fed in production. A batch does not change the log it was made
// from; accept it once Append succeeded.
type memLog struct {
	size   int64
	hashes []tlog.Hash // at tlog's storage indexes
	seq    int         // makes generated notes unique
	base   time.Time
}

func newMemLog() *memLog {
	// Not UTC, with nanoseconds: Received must come back as the same
	// instant, in UTC.
	return &memLog{base: time.Date(2026, 3, 1, 12, 30, 45, 123456789, time.FixedZone("EET", 2*3600))}
}

type batch struct {
	entries []Entry
	hashes  []StoredHash
	after   memLog
}

// note makes a signed-note-like document: text, then a signature line
// with arbitrary bytes, so that blobs are seen to round-trip exactly.
func (l *memLog) note(i int) []byte {
	b := fmt.Appendf(nil, "backstop declaration\nframework: ukraine-2025\nparty: GB\nrevision: %d\n\n— GB+1a2b3c4d ", i)
	return append(b, byte(i), 0, 0xff, 0xfe, '\n')
}

// batch makes k new documents.
func (l *memLog) batch(tb testing.TB, k int) batch {
	notes := make([][]byte, k)
	for i := range notes {
		notes[i] = l.note(l.seq + i)
	}
	bt := l.batchOf(tb, notes)
	bt.after.seq += k
	return bt
}

// batchOf makes a batch of the given documents.
func (l *memLog) batchOf(tb testing.TB, notes [][]byte) batch {
	tb.Helper()
	after := *l
	after.hashes = slices.Clip(after.hashes) // the next append copies
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = after.hashes[x]
		}
		return out, nil
	})
	var bt batch
	for _, n := range notes {
		i := after.size
		hs, err := tlog.StoredHashes(i, n, r)
		if err != nil {
			tb.Fatal(err)
		}
		for j, h := range hs {
			bt.hashes = append(bt.hashes, StoredHash{Index: int64(len(after.hashes) + j), Hash: h})
		}
		after.hashes = append(after.hashes, hs...)
		kind, subject, date, rev := "Declaration", "GB", "2026-02-27", i
		if i%5 == 0 {
			kind, subject, date, rev = "Framework", "ukraine-2025", "", 0
		}
		signer := "GB"
		if i == 0 {
			signer = "" // seeded by the operator
		}
		bt.entries = append(bt.entries, Entry{
			Index:     i,
			LeafHash:  tlog.RecordHash(n),
			Note:      n,
			Kind:      kind,
			Framework: "ukraine-2025",
			Signer:    signer,
			Key:       "GB+1a2b3c4d",
			Subject:   subject,
			Date:      date,
			Revision:  rev,
			Received:  l.base.Add(time.Duration(i)*time.Second + time.Duration(i)),
		})
		after.size++
	}
	bt.after = after
	return bt
}

// appendBatch appends k new documents to s and l, failing tb on error.
func appendBatch(tb testing.TB, s *Store, l *memLog, k int) batch {
	tb.Helper()
	bt := l.batch(tb, k)
	if err := s.Append(context.Background(), bt.entries, bt.hashes); err != nil {
		tb.Fatalf("append %d entries at %d: %v", k, l.size, err)
	}
	*l = bt.after
	return bt
}
