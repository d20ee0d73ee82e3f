package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	"golang.org/x/mod/sumdb/tlog"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The dialects, as Dialect returns them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Entry is one leaf of the log: a signed document and what the server learnt
// from it when it accepted it.
type Entry struct {
	Index     int64     // position in the log, from 0
	LeafHash  tlog.Hash // tlog.RecordHash(Note)
	Note      []byte    // the signed note exactly as received
	Kind      string    // Framework, Declaration, Incidents, Scenario, Corroboration
	Framework string    // the framework the document belongs to
	Signer    string    // the party whose key signed it; "" when the server's operator key signed it (seeding)
	Key       string    // the signing key's name+hash, e.g. "GB+1a2b3c4d"
	Subject   string    // Declaration: the declaring party; Framework: its id; otherwise ""
	Date      string    // Declaration: its date YYYY-MM-DD; otherwise ""
	Revision  int64     // Declaration: its revision (0 if absent)
	Received  time.Time // when the server accepted it (stored as unix nanoseconds, returned in UTC)
}

// StoredHash is one node hash of the tree at tlog's storage index.
type StoredHash struct {
	Index int64
	Hash  tlog.Hash
}

var (
	// ErrDuplicate: Append was given a leaf hash or an index already
	// present (or present twice in the batch).
	ErrDuplicate = errors.New("duplicate entry")
	// ErrNotFound: no entry at that index or with that leaf hash.
	ErrNotFound = errors.New("not found")
	// ErrGap: Append's first entry is beyond the end of the log; writing
	// it would leave indexes no leaf can ever fill.
	ErrGap = errors.New("would leave a gap in the log")
)

// Store is the log's SQL database. It is safe for concurrent use; Append
// calls are expected to be serialised by the caller (the ledger computes
// the tree hashes from the size it read), and a concurrent one that loses
// the race fails with ErrDuplicate rather than corrupting the log.
type Store struct {
	db      *sql.DB
	dialect string
	// afterCommit, when set (SetAfterCommit, for tests), runs after an
	// Append's transaction committed; its error becomes Append's.
	afterCommit atomic.Pointer[func() error]
}

// SetAfterCommit makes every later Append run f once its transaction has
// committed, and return f's error as its own: the way a COMMIT whose reply
// was lost looks to the caller (the batch is stored, Append says it
// failed). For tests; nil removes it.
func (s *Store) SetAfterCommit(f func() error) {
	if f == nil {
		s.afterCommit.Store(nil)
		return
	}
	s.afterCommit.Store(&f)
}

type confirmKey struct{}

// ConfirmStored marks ctx so that an Append given it succeeds without
// writing when exactly its entries (index and leaf hash) and tree hashes
// are already stored: a retry of a batch whose commit succeeded although
// Append reported an error (the reply to COMMIT was lost). A batch that is
// not stored is appended as usual; one that differs from what is stored
// is still ErrDuplicate.
func ConfirmStored(ctx context.Context) context.Context {
	return context.WithValue(ctx, confirmKey{}, true)
}

func confirming(ctx context.Context) bool { v, _ := ctx.Value(confirmKey{}).(bool); return v }

// storedAlready reports whether entries and hashes are in the database
// exactly as given, read in tx.
func storedAlready(ctx context.Context, tx *sql.Tx, entries []Entry, hashes []StoredHash) (bool, error) {
	first, last := entries[0].Index, entries[len(entries)-1].Index
	rows, err := tx.QueryContext(ctx, `SELECT idx, leaf_hash FROM entries WHERE idx >= $1 AND idx <= $2 ORDER BY idx`, first, last)
	if err != nil {
		return false, err
	}
	n := 0
	for rows.Next() {
		var idx int64
		var leaf []byte
		if err := rows.Scan(&idx, &leaf); err != nil {
			rows.Close()
			return false, err
		}
		if n >= len(entries) || idx != entries[n].Index || string(leaf) != string(entries[n].LeafHash[:]) {
			rows.Close()
			return false, nil
		}
		n++
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil || n != len(entries) {
		return false, err
	}
	if len(hashes) == 0 {
		return true, nil
	}
	rows, err = tx.QueryContext(ctx, `SELECT idx, hash FROM tree_hashes WHERE idx >= $1 AND idx <= $2 ORDER BY idx`,
		hashes[0].Index, hashes[len(hashes)-1].Index)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	n = 0
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return false, err
		}
		if n >= len(hashes) || idx != hashes[n].Index || string(h) != string(hashes[n].Hash[:]) {
			return false, nil
		}
		n++
	}
	return n == len(hashes), rows.Err()
}

// Open connects to dsn and brings its schema up to date. A postgres:// or
// postgresql:// URL is PostgreSQL; anything else is the path of a SQLite
// file, created with its folder if missing.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", redact(dsn), err)
	}
	return s, nil
}

func open(ctx context.Context, dsn string) (*Store, error) {
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	var s Store
	if isPostgres(dsn) {
		s.dialect = Postgres
		if s.db, err = sql.Open("pgx", dsn); err != nil {
			return nil, err
		}
	} else {
		s.dialect = SQLite
		if s.db, err = openSQLite(dsn); err != nil {
			return nil, err
		}
	}
	// Two processes opening a new SQLite file at once can see SQLITE_BUSY
	// while one of them switches it to WAL: SQLite does not call the busy
	// handler for that lock, so the wait is ours.
	wait := 20 * time.Millisecond
	deadline := time.Now().Add(10 * time.Second)
	for {
		err = s.db.PingContext(ctx)
		if err == nil {
			err = migrate(ctx, s.db, s.dialect, ms)
		}
		if err == nil {
			return &s, nil
		}
		if s.dialect != SQLite || !isBusy(err) || time.Now().After(deadline) {
			s.db.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			s.db.Close()
			return nil, err
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Second)
	}
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	return strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked")
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqlitePragmas apply to every connection of the pool. WAL lets readers run
// while a write commits; synchronous=FULL because an acknowledged entry
// must survive a power cut (the server has handed out a signed checkpoint
// covering it); busy_timeout makes a second process wait for the write
// lock instead of failing. _txlock=immediate makes BEGIN take the write
// lock at once: Append reads the size and then writes, and a deferred
// transaction upgrading its lock could fail with SQLITE_BUSY whatever the
// timeout.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(on)&_txlock=immediate"

func openSQLite(path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+uriPath(abs)+"?"+sqlitePragmas)
	if err != nil {
		return nil, err
	}
	// Each connection holds its own page cache, and writes queue on one lock
	// whatever the pool size, so a pool about the size of the machine serves
	// concurrent readers without holding memory for nothing.
	n := min(max(runtime.GOMAXPROCS(0), 4), 16)
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	return db, nil
}

// uriPath escapes the characters a SQLite URI filename gives a meaning to
// (and that modernc's DSN parser would take for its query), so that any
// path names a file.
func uriPath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(p))
}

// redact hides a PostgreSQL password, which must not reach logs through an
// error message.
func redact(dsn string) string {
	if !isPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// url.Parse's error quotes the input; say nothing of it.
		return "postgres://(unparsable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect is SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect }

// DB is the underlying database, for tests that tamper with it on purpose.
func (s *Store) DB() *sql.DB { return s.db }

const (
	insertEntries = `INSERT INTO entries
    (idx, leaf_hash, note, kind, framework, signer, key_name, subject, doc_date, revision, received_ns) VALUES `
	entryColumns = 11
	insertHashes = `INSERT INTO tree_hashes (idx, hash) VALUES `
	hashColumns  = 2
	// maxParams bounds the parameters of one INSERT on PostgreSQL, well
	// below its 65,535: a batch goes in a few statements rather than one
	// round trip per row, which is most of the time an append takes.
	maxParams = 4096
)

// rowsPerInsert is how many rows one INSERT writes. SQLite has no round
// trips to save, and it looks up each $N parameter by name in a list,
// so a statement's cost grows with the square of its parameters: there,
// one prepared statement runs once per row.
func (s *Store) rowsPerInsert(cols int) int {
	if s.dialect == SQLite {
		return sqliteRowsPerInsert
	}
	return maxParams / cols
}

const sqliteRowsPerInsert = 1

// insertRows inserts rows of cols values each, taken in order from args,
// per rows to a statement; the statement for a full chunk is prepared
// once.
func insertRows(ctx context.Context, tx *sql.Tx, prefix string, cols, per int, args []any) error {
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for len(args) > 0 {
		n := min(len(args)/cols, per)
		var err error
		switch {
		case n < per || len(args) == n*cols && full == nil: // used once
			_, err = tx.ExecContext(ctx, valuesList(prefix, cols, n), args[:n*cols]...)
		default:
			if full == nil {
				if full, err = tx.PrepareContext(ctx, valuesList(prefix, cols, n)); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args[:n*cols]...)
		}
		if err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}

// valuesList is prefix followed by rows ($1, $2…), ($k, …)….
func valuesList(prefix string, cols, rows int) string {
	var q strings.Builder
	q.WriteString(prefix)
	for r := range rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range cols {
			if c > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('$')
			q.WriteString(strconv.Itoa(r*cols + c + 1))
		}
		q.WriteByte(')')
	}
	return q.String()
}

// Append writes entries, whose indexes must run on from the current size,
// and the tree hashes they add, in one transaction: all or nothing. The
// hashes must be exactly those tlog.StoredHashes gives for the entries, in
// order, so that the tree_hashes table can never have a hole a proof would
// fall into. A leaf hash or an index already present gives ErrDuplicate.
func (s *Store) Append(ctx context.Context, entries []Entry, hashes []StoredHash) (err error) {
	if len(entries) == 0 {
		if len(hashes) != 0 {
			return errors.New("store: append: tree hashes without entries")
		}
		return nil
	}
	if err := checkBatch(entries, hashes); err != nil {
		return fmt.Errorf("store: append: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: append: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, ignoreDone(tx.Rollback()))
		}
	}()
	size, err := size(ctx, tx)
	if err != nil {
		return fmt.Errorf("store: append: %w", err)
	}
	switch first := entries[0].Index; {
	case first < size && confirming(ctx):
		same, err := storedAlready(ctx, tx, entries, hashes)
		if err != nil {
			return fmt.Errorf("store: append: confirming entries %d–%d: %w", first, entries[len(entries)-1].Index, err)
		}
		if !same {
			return fmt.Errorf("store: append: entry %d: %w (the log has %d entries, not these)", first, ErrDuplicate, size)
		}
		return ignoreDone(tx.Rollback()) // nothing to write: they are stored
	case first < size:
		return fmt.Errorf("store: append: entry %d: %w (the log has %d entries)", first, ErrDuplicate, size)
	case first > size:
		return fmt.Errorf("store: append: entry %d: %w (the log has %d entries)", first, ErrGap, size)
	}
	args := make([]any, 0, len(entries)*entryColumns)
	for _, e := range entries {
		args = append(args, e.Index, e.LeafHash[:], nonNil(e.Note), e.Kind, e.Framework, e.Signer,
			e.Key, e.Subject, e.Date, e.Revision, e.Received.UnixNano())
	}
	if err := insertRows(ctx, tx, insertEntries, entryColumns, s.rowsPerInsert(entryColumns), args); err != nil {
		return fmt.Errorf("store: append: entries %d–%d: %w", entries[0].Index, entries[len(entries)-1].Index, s.classify(err))
	}
	args = make([]any, 0, len(hashes)*hashColumns)
	for _, h := range hashes {
		args = append(args, h.Index, h.Hash[:])
	}
	if err := insertRows(ctx, tx, insertHashes, hashColumns, s.rowsPerInsert(hashColumns), args); err != nil {
		return fmt.Errorf("store: append: tree hashes %d–%d: %w", hashes[0].Index, hashes[len(hashes)-1].Index, s.classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: append: commit: %w", s.classify(err))
	}
	if f := s.afterCommit.Load(); f != nil {
		if err := (*f)(); err != nil {
			return fmt.Errorf("store: append: commit: %w", err)
		}
	}
	return nil
}

// checkBatch refuses, before touching the database, a batch that could
// only be written by corrupting the log. Received must fit UnixNano
// (years 1678–2262) to come back as it went in.
func checkBatch(entries []Entry, hashes []StoredHash) error {
	first := entries[0].Index
	if first < 0 {
		return fmt.Errorf("entry %d: negative index", first)
	}
	for i, e := range entries {
		if e.Index != first+int64(i) {
			return fmt.Errorf("entry %d follows entry %d: indexes must be consecutive", e.Index, first+int64(i)-1)
		}
		if h := tlog.RecordHash(e.Note); e.LeafHash != h {
			return fmt.Errorf("entry %d: leaf hash %s is not tlog.RecordHash(note) = %s", e.Index, e.LeafHash, h)
		}
		if !fitsUnixNano(e.Received) {
			return fmt.Errorf("entry %d: received time %v cannot be stored in unix nanoseconds", e.Index, e.Received)
		}
	}
	lo, hi := tlog.StoredHashCount(first), tlog.StoredHashCount(first+int64(len(entries)))
	if int64(len(hashes)) != hi-lo {
		return fmt.Errorf("entries %d–%d add %d tree hashes, got %d", first, first+int64(len(entries))-1, hi-lo, len(hashes))
	}
	for i, h := range hashes {
		if h.Index != lo+int64(i) {
			return fmt.Errorf("tree hash %d: want index %d (hashes must run on from %d)", h.Index, lo+int64(i), lo)
		}
	}
	return nil
}

var minNano, maxNano = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)

func fitsUnixNano(t time.Time) bool { return !t.Before(minNano) && !t.After(maxNano) }

// nonNil stores an empty note as an empty blob: a nil slice is NULL to the
// drivers, which the NOT NULL column would refuse.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// classify wraps a unique-constraint violation as ErrDuplicate, keeping the
// driver's error for its message.
func (s *Store) classify(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" { // unique_violation
		return fmt.Errorf("%w: %w", ErrDuplicate, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", ErrDuplicate, err)
		}
	}
	return err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// size is one past the highest index rather than COUNT(*), which would scan
// the table (PostgreSQL keeps no row count); Append never leaves a gap, so
// the two agree.
func size(ctx context.Context, q querier) (int64, error) {
	var n sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(idx) FROM entries`).Scan(&n); err != nil {
		return 0, err
	}
	if !n.Valid {
		return 0, nil
	}
	return n.Int64 + 1, nil
}

// Size is the number of entries in the log.
func (s *Store) Size(ctx context.Context) (int64, error) {
	n, err := size(ctx, s.db)
	if err != nil {
		return 0, fmt.Errorf("store: size: %w", err)
	}
	return n, nil
}

const selectEntries = `SELECT idx, leaf_hash, note, kind, framework, signer, key_name, subject, doc_date, revision, received_ns
    FROM entries`

// Entries returns up to limit entries from index start on, in index order.
func (s *Store) Entries(ctx context.Context, start int64, limit int) ([]Entry, error) {
	if start < 0 || limit < 0 {
		return nil, fmt.Errorf("store: entries: negative start %d or limit %d", start, limit)
	}
	if limit == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, selectEntries+` WHERE idx >= $1 ORDER BY idx LIMIT $2`, start, limit)
	if err != nil {
		return nil, fmt.Errorf("store: entries: %w", err)
	}
	defer rows.Close()
	var es []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("store: entries: %w", err)
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: entries: %w", err)
	}
	return es, nil
}

// Entry returns the entry at index, or ErrNotFound.
func (s *Store) Entry(ctx context.Context, index int64) (Entry, error) {
	e, err := scanEntry(s.db.QueryRowContext(ctx, selectEntries+` WHERE idx = $1`, index))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("store: entry %d: %w", index, ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("store: entry %d: %w", index, err)
	}
	return e, nil
}

// scanEntry reads a row of selectEntries. A stored hash of the wrong length
// is an error, not a silently truncated or padded hash.
func scanEntry(r interface{ Scan(...any) error }) (Entry, error) {
	var (
		e    Entry
		leaf []byte
		ns   int64
	)
	err := r.Scan(&e.Index, &leaf, &e.Note, &e.Kind, &e.Framework, &e.Signer, &e.Key, &e.Subject, &e.Date, &e.Revision, &ns)
	if err != nil {
		return Entry{}, err
	}
	if e.LeafHash, err = toHash(leaf); err != nil {
		return Entry{}, fmt.Errorf("entry %d: leaf hash: %w", e.Index, err)
	}
	if e.Note == nil {
		e.Note = []byte{}
	}
	e.Received = time.Unix(0, ns).UTC()
	return e, nil
}

func toHash(b []byte) (tlog.Hash, error) {
	var h tlog.Hash
	if len(b) != len(h) {
		return h, fmt.Errorf("%d bytes, want %d", len(b), len(h))
	}
	copy(h[:], b)
	return h, nil
}

// Lookup returns the index of the entry whose leaf hash is leaf, or
// ErrNotFound.
func (s *Store) Lookup(ctx context.Context, leaf tlog.Hash) (int64, error) {
	var idx int64
	err := s.db.QueryRowContext(ctx, `SELECT idx FROM entries WHERE leaf_hash = $1`, leaf[:]).Scan(&idx)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: lookup %s: %w", leaf, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: lookup %s: %w", leaf, err)
	}
	return idx, nil
}

// Hashes returns up to limit stored tree hashes from storage index start
// on, in index order.
func (s *Store) Hashes(ctx context.Context, start int64, limit int) ([]StoredHash, error) {
	if start < 0 || limit < 0 {
		return nil, fmt.Errorf("store: hashes: negative start %d or limit %d", start, limit)
	}
	if limit == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT idx, hash FROM tree_hashes WHERE idx >= $1 ORDER BY idx LIMIT $2`, start, limit)
	if err != nil {
		return nil, fmt.Errorf("store: hashes: %w", err)
	}
	defer rows.Close()
	var hs []StoredHash
	for rows.Next() {
		var (
			h StoredHash
			b []byte
		)
		if err := rows.Scan(&h.Index, &b); err != nil {
			return nil, fmt.Errorf("store: hashes: %w", err)
		}
		if h.Hash, err = toHash(b); err != nil {
			return nil, fmt.Errorf("store: hashes: tree hash %d: %w", h.Index, err)
		}
		hs = append(hs, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: hashes: %w", err)
	}
	return hs, nil
}
