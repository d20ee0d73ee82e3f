package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/store/storetest"
)

func TestRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		if got, want := s.Dialect(), t.Name()[strings.LastIndex(t.Name(), "/")+1:]; got != want {
			t.Errorf("Dialect() = %q, want %q", got, want)
		}
		l := newMemLog()
		var want []Entry
		var wantHashes []StoredHash
		for _, k := range []int{1, 3, 7} {
			bt := appendBatch(t, s, l, k)
			want = append(want, bt.entries...)
			wantHashes = append(wantHashes, bt.hashes...)
		}
		// An empty note and unusual text round-trip too.
		odd := l.batchOf(t, [][]byte{{}, []byte("\x00only\x00nul\x00")})
		odd.entries[0].Kind, odd.entries[0].Subject, odd.entries[0].Date = "Incidents", "Ωμέγα — 'quoted' \"dq\" ; --", "2026-13-99"
		odd.entries[1].Revision, odd.entries[1].Received = -1, time.Unix(0, 0).In(time.FixedZone("X", -3600))
		if err := s.Append(ctx, odd.entries, odd.hashes); err != nil {
			t.Fatal(err)
		}
		*l = odd.after
		want = append(want, odd.entries...)
		wantHashes = append(wantHashes, odd.hashes...)
		for i := range want {
			want[i].Received = want[i].Received.UTC()
		}

		if n, err := s.Size(ctx); err != nil || n != int64(len(want)) {
			t.Fatalf("Size() = %d, %v; want %d", n, err, len(want))
		}
		got, err := s.Entries(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		checkEntries(t, got, want)
		for _, w := range want {
			e, err := s.Entry(ctx, w.Index)
			if err != nil {
				t.Fatal(err)
			}
			checkEntries(t, []Entry{e}, []Entry{w})
		}
		hs, err := s.Hashes(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(hs, wantHashes) {
			t.Errorf("Hashes() = %v,\nwant %v", hs, wantHashes)
		}
		// The stored hashes are a valid tree: its hash from the database
		// equals the one computed in memory.
		th, err := tlog.TreeHash(l.size, storeReader(t, s))
		if err != nil {
			t.Fatal(err)
		}
		wth, _ := tlog.TreeHash(l.size, memReader(l))
		if th != wth {
			t.Errorf("tree hash from the store %s, from memory %s", th, wth)
		}
	})
}

// checkEntries compares entries exactly: bytes, strings, hashes, and the
// received time's instant and location (UTC).
func checkEntries(t *testing.T, got, want []Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Received.Location() != time.UTC {
			t.Errorf("entry %d: Received in %v, want UTC", g.Index, g.Received.Location())
		}
		if !g.Received.Equal(w.Received) {
			t.Errorf("entry %d: Received %v, want %v", g.Index, g.Received, w.Received)
		}
		if !bytes.Equal(g.Note, w.Note) || g.Note == nil {
			t.Errorf("entry %d: Note %q, want %q", g.Index, g.Note, w.Note)
		}
		g.Received, w.Received, g.Note, w.Note = time.Time{}, time.Time{}, nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func storeReader(t *testing.T, s *Store) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			hs, err := s.Hashes(context.Background(), x, 1)
			if err != nil {
				return nil, err
			}
			if len(hs) != 1 || hs[0].Index != x {
				t.Fatalf("Hashes(%d, 1) = %v", x, hs)
			}
			out[i] = hs[0].Hash
		}
		return out, nil
	})
}

func memReader(l *memLog) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = l.hashes[x]
		}
		return out, nil
	})
}

func TestAppendRefused(t *testing.T) {
	cases := []struct {
		name string
		// make builds the refused batch from the log's state (5
		// entries); tamper, if set, first alters the database.
		make    func(t *testing.T, l *memLog) batch
		tamper  func(t *testing.T, s *Store)
		wantErr error  // errors.Is, when set
		wantMsg string // a substring of the error
	}{
		{
			name: "3rd entry duplicates a logged leaf",
			make: func(t *testing.T, l *memLog) batch {
				return l.batchOf(t, [][]byte{l.note(100), l.note(101), l.note(2), l.note(103)})
			},
			wantErr: ErrDuplicate,
		},
		{
			name: "3rd entry duplicates the 1st",
			make: func(t *testing.T, l *memLog) batch {
				return l.batchOf(t, [][]byte{l.note(100), l.note(101), l.note(100)})
			},
			wantErr: ErrDuplicate,
		},
		{
			name: "index already present",
			make: func(t *testing.T, l *memLog) batch {
				old := *l
				old.size, old.hashes = 4, l.hashes[:tlog.StoredHashCount(4)]
				return old.batchOf(t, [][]byte{l.note(100)})
			},
			wantErr: ErrDuplicate,
		},
		{
			name: "index gap",
			make: func(t *testing.T, l *memLog) batch {
				bt := l.batch(t, 2)
				// As a caller that lost count would: everything
				// consistent, one index too far.
				for i := range bt.entries {
					bt.entries[i].Index++
				}
				lo := tlog.StoredHashCount(6)
				hi := tlog.StoredHashCount(8)
				bt.hashes = make([]StoredHash, hi-lo)
				for i := range bt.hashes {
					bt.hashes[i].Index = lo + int64(i)
				}
				return bt
			},
			wantErr: ErrGap,
		},
		{
			name: "indexes not consecutive",
			make: func(t *testing.T, l *memLog) batch {
				bt := l.batch(t, 3)
				bt.entries[2].Index++
				return bt
			},
			wantMsg: "consecutive",
		},
		{
			name: "negative index",
			make: func(t *testing.T, l *memLog) batch {
				bt := l.batch(t, 1)
				bt.entries[0].Index = -1
				return bt
			},
			wantMsg: "negative",
		},
		{
			name: "leaf hash not of the note",
			make: func(t *testing.T, l *memLog) batch {
				bt := l.batch(t, 2)
				bt.entries[1].LeafHash[0] ^= 1
				return bt
			},
			wantMsg: "tlog.RecordHash",
		},
		{
			name: "tree hash missing",
			make: func(t *testing.T, l *memLog) batch {
				bt := l.batch(t, 2)
				bt.hashes = bt.hashes[:len(bt.hashes)-1]
				return bt
			},
			wantMsg: "tree hashes",
		},
		{
			name: "tree hash at the wrong index",
			make: func(t *testing.T, l *memLog) batch {
				bt := l.batch(t, 2)
				bt.hashes[1].Index++
				return bt
			},
			wantMsg: "want index",
		},
		{
			name: "received time out of range",
			make: func(t *testing.T, l *memLog) batch {
				bt := l.batch(t, 1)
				bt.entries[0].Received = time.Time{}
				return bt
			},
			wantMsg: "unix nanoseconds",
		},
		{
			// The entries insert fine; the batch fails on its last
			// tree hash, after them, and must take them back.
			name: "tree hash already present",
			make: func(t *testing.T, l *memLog) batch { return l.batch(t, 3) },
			tamper: func(t *testing.T, s *Store) {
				next := tlog.StoredHashCount(8) - 1
				if _, err := s.DB().Exec(`INSERT INTO tree_hashes (idx, hash) VALUES ($1, $2)`, next, make([]byte, 32)); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: ErrDuplicate,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, dsn string) {
				ctx := context.Background()
				s := openStore(t, dsn)
				l := newMemLog()
				appendBatch(t, s, l, 5)
				if c.tamper != nil {
					c.tamper(t, s)
				}
				before := snapshot(t, s)
				bt := c.make(t, l)
				err := s.Append(ctx, bt.entries, bt.hashes)
				switch {
				case err == nil:
					t.Fatal("Append succeeded")
				case c.wantErr != nil && !errors.Is(err, c.wantErr):
					t.Errorf("Append: %v, want %v", err, c.wantErr)
				case c.wantErr == nil && (errors.Is(err, ErrDuplicate) || errors.Is(err, ErrGap)):
					t.Errorf("Append: %v, want no sentinel", err)
				case !strings.Contains(err.Error(), c.wantMsg):
					t.Errorf("Append: %v, want %q in it", err, c.wantMsg)
				}
				if after := snapshot(t, s); !reflect.DeepEqual(after, before) {
					t.Errorf("the refused batch changed the database:\nbefore %v\nafter  %v", before, after)
				}
				// The log goes on as if nothing had happened.
				if c.tamper == nil {
					appendBatch(t, s, l, 2)
				}
			})
		})
	}
}

// snapshot is the whole content of the database, read with plain SQL
// rather than the methods under test.
func snapshot(t *testing.T, s *Store) [][]string {
	t.Helper()
	var out [][]string
	for _, q := range []string{
		`SELECT idx, leaf_hash, note, received_ns FROM entries ORDER BY idx`,
		`SELECT idx, hash, 0, 0 FROM tree_hashes ORDER BY idx`,
	} {
		rows, err := s.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, d int64
			var b, c []byte
			if err := rows.Scan(&a, &b, &c, &d); err != nil {
				t.Fatal(err)
			}
			out = append(out, []string{q[:20], strconv.FormatInt(a, 10), string(b), string(c), strconv.FormatInt(d, 10)})
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}

func TestPagination(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		l := newMemLog()
		appendBatch(t, s, l, 10)
		nh := tlog.StoredHashCount(10) // 18
		cases := []struct {
			start    int64
			limit    int
			wantFrom int64 // first index expected
			wantN    int   // entries expected
			hashesN  int   // hashes expected from the same start and limit
			err      bool
		}{
			{start: 0, limit: 3, wantFrom: 0, wantN: 3, hashesN: 3},
			{start: 0, limit: 10, wantFrom: 0, wantN: 10, hashesN: 10},
			{start: 0, limit: 1000, wantFrom: 0, wantN: 10, hashesN: int(nh)},
			{start: 7, limit: 3, wantFrom: 7, wantN: 3, hashesN: 3},
			{start: 8, limit: 5, wantFrom: 8, wantN: 2, hashesN: 5},
			{start: 9, limit: 1, wantFrom: 9, wantN: 1, hashesN: 1},
			{start: 10, limit: 5, wantN: 0, hashesN: 5},
			{start: nh - 1, limit: 5, wantN: 0, hashesN: 1},
			{start: nh, limit: 5, wantN: 0, hashesN: 0},
			{start: 1 << 40, limit: 5},
			{start: 3, limit: 0},
			{start: -1, limit: 3, err: true},
			{start: 0, limit: -1, err: true},
		}
		for _, c := range cases {
			es, err := s.Entries(ctx, c.start, c.limit)
			hs, herr := s.Hashes(ctx, c.start, c.limit)
			if c.err {
				if err == nil || herr == nil {
					t.Errorf("Entries/Hashes(%d, %d): errors %v, %v; want errors", c.start, c.limit, err, herr)
				}
				continue
			}
			if err != nil || herr != nil {
				t.Fatalf("Entries/Hashes(%d, %d): %v, %v", c.start, c.limit, err, herr)
			}
			if len(es) != c.wantN {
				t.Errorf("Entries(%d, %d): %d entries, want %d", c.start, c.limit, len(es), c.wantN)
			}
			for i, e := range es {
				if e.Index != c.wantFrom+int64(i) {
					t.Errorf("Entries(%d, %d)[%d].Index = %d", c.start, c.limit, i, e.Index)
				}
			}
			if len(hs) != c.hashesN {
				t.Errorf("Hashes(%d, %d): %d hashes, want %d", c.start, c.limit, len(hs), c.hashesN)
			}
			for i, h := range hs {
				if h.Index != c.start+int64(i) || h.Hash != l.hashes[h.Index] {
					t.Errorf("Hashes(%d, %d)[%d] = %v, want index %d hash %v", c.start, c.limit, i, h, c.start+int64(i), l.hashes[c.start+int64(i)])
				}
			}
		}
	})
}

func TestLookup(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		l := newMemLog()
		bt := appendBatch(t, s, l, 6)
		for _, e := range bt.entries {
			if idx, err := s.Lookup(ctx, e.LeafHash); err != nil || idx != e.Index {
				t.Errorf("Lookup(%v) = %d, %v; want %d", e.LeafHash, idx, err, e.Index)
			}
		}
		missing := []tlog.Hash{{}, tlog.RecordHash([]byte("never logged")), l.hashes[len(l.hashes)-1]}
		for _, h := range missing {
			if idx, err := s.Lookup(ctx, h); !errors.Is(err, ErrNotFound) {
				t.Errorf("Lookup(%v) = %d, %v; want ErrNotFound", h, idx, err)
			}
		}
		for _, idx := range []int64{-1, 6, 1 << 50} {
			if e, err := s.Entry(ctx, idx); !errors.Is(err, ErrNotFound) {
				t.Errorf("Entry(%d) = %+v, %v; want ErrNotFound", idx, e, err)
			}
		}
	})
}

func TestReopen(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		l := newMemLog()
		s, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		appendBatch(t, s, l, 4)
		migs1 := migrationRows(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		for round := range 3 {
			s, err := Open(ctx, dsn)
			if err != nil {
				t.Fatalf("reopen %d: %v", round, err)
			}
			if got := migrationRows(t, s); !reflect.DeepEqual(got, migs1) {
				t.Errorf("reopen %d: schema_migrations %v, was %v", round, got, migs1)
			}
			if n, err := s.Size(ctx); err != nil || n != l.size {
				t.Errorf("reopen %d: Size() = %d, %v; want %d", round, n, err, l.size)
			}
			es, err := s.Entries(ctx, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range es {
				if e.Note == nil || !bytes.Equal(e.Note, l.note(i)) {
					t.Errorf("reopen %d: entry %d: %q", round, i, e.Note)
				}
			}
			appendBatch(t, s, l, 2)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}

		// A database from a newer build is refused, and left alone.
		s = openStore(t, dsn)
		if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, applied_ns) VALUES ($1, $2)`, 9999, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, dsn); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("Open of a newer schema: %v, want an error saying so", err)
		}
	})
}

func migrationRows(t *testing.T, s *Store) [][2]int64 {
	t.Helper()
	rows, err := s.DB().Query(`SELECT version, applied_ns FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var r [2]int64
		if err := rows.Scan(&r[0], &r[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	ms, _ := loadMigrations()
	if len(out) != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", len(out), len(ms))
	}
	return out
}

func TestConcurrentMigrators(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		const n = 4
		var wg sync.WaitGroup
		errs := make([]error, n)
		stores := make([]*Store, n)
		for i := range n {
			wg.Go(func() { stores[i], errs[i] = Open(context.Background(), dsn) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Errorf("migrator %d: %v", i, errs[i])
				continue
			}
			defer stores[i].Close()
		}
		if stores[0] != nil {
			migrationRows(t, stores[0])
		}
	})
}

// TestConcurrentReaders reads while one writer appends: a reader never
// sees a batch in part (its entries without its tree hashes, or some of
// its entries), nor a gap.
func TestConcurrentReaders(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		l := newMemLog()
		const batches, readers = 40, 4
		done := make(chan struct{})
		errc := make(chan error, readers+1)
		var wg sync.WaitGroup
		reads := make([]int, readers)
		for r := range readers {
			wg.Go(func() {
				for last := false; !last; {
					select {
					case <-done:
						last = true // one more read, of the final state
					default:
					}
					n, err := s.Size(ctx)
					if err == nil {
						err = checkPrefix(ctx, s, n)
					}
					if err != nil {
						errc <- err
						return
					}
					reads[r]++
				}
			})
		}
		wg.Go(func() {
			defer close(done)
			for i := range batches {
				bt := l.batch(t, 1+i%7)
				if err := s.Append(ctx, bt.entries, bt.hashes); err != nil {
					errc <- err
					return
				}
				*l = bt.after
			}
		})
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Error(err)
		}
		if n, _ := s.Size(ctx); n != l.size {
			t.Errorf("Size() = %d after the writer, want %d", n, l.size)
		}
		t.Logf("reads per reader: %v", reads)
	})
}

// checkPrefix checks that the first n entries and their tree hashes are all
// there, consistent, and make a tree whose stored hashes verify.
func checkPrefix(ctx context.Context, s *Store, n int64) error {
	es, err := s.Entries(ctx, 0, int(n))
	if err != nil {
		return err
	}
	if int64(len(es)) != n {
		return errors.New("fewer entries than Size said")
	}
	for i, e := range es {
		if e.Index != int64(i) || e.LeafHash != tlog.RecordHash(e.Note) {
			return errors.New("entry out of place or with a wrong leaf hash")
		}
	}
	want := tlog.StoredHashCount(n)
	hs, err := s.Hashes(ctx, 0, int(want))
	if err != nil {
		return err
	}
	if int64(len(hs)) != want {
		return errors.New("entries visible without their tree hashes")
	}
	for i, e := range es {
		if hs[tlog.StoredHashIndex(0, int64(i))].Hash != e.LeafHash {
			return errors.New("level-0 tree hash differs from the leaf hash")
		}
	}
	return nil
}

// TestConcurrentAppenders: two appenders racing for the same index (which
// the ledger prevents, but a second server on the same database would not)
// end with one batch written and ErrDuplicate for the other.
func TestConcurrentAppenders(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		s2 := openStore(t, dsn)
		l := newMemLog()
		appendBatch(t, s, l, 3)
		for round := range 10 {
			a := l.batch(t, 4)
			b := l.batchOf(t, [][]byte{[]byte("rival " + string(rune('a'+round))), []byte("rival 2 " + string(rune('a'+round)))})
			var wg sync.WaitGroup
			var errA, errB error
			wg.Go(func() { errA = s.Append(ctx, a.entries, a.hashes) })
			wg.Go(func() { errB = s2.Append(ctx, b.entries, b.hashes) })
			wg.Wait()
			switch {
			case errA == nil && errors.Is(errB, ErrDuplicate):
				*l = a.after
			case errB == nil && errors.Is(errA, ErrDuplicate):
				*l = b.after
			default:
				t.Fatalf("round %d: errors %v and %v; want exactly one ErrDuplicate", round, errA, errB)
			}
			n, err := s.Size(ctx)
			if err == nil {
				err = checkPrefix(ctx, s, n)
			}
			if err != nil || n != l.size {
				t.Fatalf("round %d: size %d (want %d): %v", round, n, l.size, err)
			}
		}
	})
}

func TestOpenSQLitePaths(t *testing.T) {
	dir := t.TempDir()
	cases := []string{
		filepath.Join(dir, "a", "b", "c", "log.db"), // folders created
		filepath.Join(dir, "odd ?name#with%41 chars.db"),
		filepath.Join(dir, "file:not-a-uri.db"),
	}
	for _, p := range cases {
		s, err := Open(context.Background(), p)
		if err != nil {
			t.Errorf("Open(%q): %v", p, err)
			continue
		}
		l := newMemLog()
		appendBatch(t, s, l, 1)
		s.Close()
		if _, err := os.Stat(p); err != nil {
			t.Errorf("Open(%q) did not create that file: %v", p, err)
		}
	}
	// Relative to the working directory.
	t.Chdir(dir)
	s, err := Open(context.Background(), "rel/log.db")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, "rel", "log.db")); err != nil {
		t.Error(err)
	}
}

func TestOpenErrorsRedactPassword(t *testing.T) {
	cases := []string{
		// Port 1 on loopback refuses at once.
		"postgres://backstop:s3cr3t-pw@127.0.0.1:1/db?connect_timeout=2",
		"postgresql://backstop@127.0.0.1:1/db?password=s3cr3t-pw&connect_timeout=2",
		"postgres://backstop:s3cr3t-pw@127.0.0.1:1/db?sslmode=nonsense",
		"postgres://backstop:s3cr3t-pw@[::1/db",
	}
	for _, dsn := range cases {
		_, err := Open(context.Background(), dsn)
		if err == nil {
			t.Errorf("Open(%q) succeeded", dsn)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("Open: the error shows the password: %v", err)
		}
		if !strings.Contains(err.Error(), "127.0.0.1") && !strings.Contains(err.Error(), "unparsable") {
			t.Errorf("Open: the error does not name the database: %v", err)
		}
	}
	// A SQLite path that cannot be created names the path.
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(blocker, "log.db")
	if _, err := Open(context.Background(), p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("Open(%q): %v, want an error naming it", p, err)
	}
}

func BenchmarkAppend(b *testing.B) {
	for _, backend := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{SQLite, storetest.SQLite}, {Postgres, storetest.Postgres}} {
		for _, k := range []int{1, 64} {
			b.Run(backend.name+"/batch="+strconv.Itoa(k), func(b *testing.B) {
				s := openStore(b, backend.dsn(b))
				l := newMemLog()
				// The tree hashes are the ledger's work, not the store's:
				// compute every batch first.
				bts := make([]batch, b.N)
				for i := range bts {
					bts[i] = l.batch(b, k)
					*l = bts[i].after
				}
				ctx := context.Background()
				b.ResetTimer()
				for i := range b.N {
					if err := s.Append(ctx, bts[i].entries, bts[i].hashes); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*k)/b.Elapsed().Seconds(), "entries/s")
			})
		}
	}
}

// TestSQLitePragmas: every connection of the pool has the settings Open's
// DSN asks for (they are per connection, and the DSN's pragmas run on each).
func TestSQLitePragmas(t *testing.T) {
	s := openStore(t, storetest.SQLite(t))
	ctx := context.Background()
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000", "foreign_keys": "1"}
	for i, c := range conns {
		for p, w := range want {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+p).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != w {
				t.Errorf("connection %d: PRAGMA %s = %s, want %s", i, p, got, w)
			}
		}
	}
}

// TestLargeBatch: a batch larger than one INSERT's parameters goes in
// several statements, still all or nothing.
func TestLargeBatch(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		l := newMemLog()
		appendBatch(t, s, l, 3)
		const k = 1000 // entries in 3 statements, their 1,994 tree hashes in 1
		if k*entryColumns <= 2*maxParams {
			t.Fatalf("k = %d no longer spans 3 statements", k)
		}
		notes := make([][]byte, k)
		for i := range notes {
			notes[i] = l.note(1000 + i)
		}
		notes[k-1] = l.note(1) // a duplicate in the last statement
		bad := l.batchOf(t, notes)
		before := snapshot(t, s)
		if err := s.Append(ctx, bad.entries, bad.hashes); !errors.Is(err, ErrDuplicate) {
			t.Fatalf("Append: %v, want ErrDuplicate", err)
		}
		if !reflect.DeepEqual(snapshot(t, s), before) {
			t.Fatal("a refused batch left rows behind")
		}
		good := appendBatch(t, s, l, k)
		got, err := s.Entries(ctx, 3, 2*k)
		if err != nil {
			t.Fatal(err)
		}
		for i := range good.entries {
			good.entries[i].Received = good.entries[i].Received.UTC()
		}
		checkEntries(t, got, good.entries)
		if err := checkPrefix(ctx, s, l.size); err != nil {
			t.Fatal(err)
		}
		th, err := tlog.TreeHash(l.size, storeReader(t, s))
		if err != nil {
			t.Fatal(err)
		}
		if wth, _ := tlog.TreeHash(l.size, memReader(l)); th != wth {
			t.Errorf("tree hash from the store %s, from memory %s", th, wth)
		}
	})
}
