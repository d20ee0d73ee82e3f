package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// SignedCheckpoint is a checkpoint the server signed, as the checkpoints
// table keeps it: the store checks nothing of it but that one size never
// gets two roots. The signature is the ledger's to check.
type SignedCheckpoint struct {
	Size   int64
	Root   tlog.Hash
	Note   []byte    // the signed note as handed out
	Signed time.Time // when it was recorded (unix nanoseconds, returned in UTC)
}

// ErrForkedCheckpoint: SaveCheckpoint was given a root for a size that
// already has another one.
var ErrForkedCheckpoint = errors.New("another checkpoint of that size is recorded")

// SaveCheckpoint records a signed checkpoint. Recording the same size and
// root again changes nothing; another root for a recorded size is refused
// with ErrForkedCheckpoint.
func (s *Store) SaveCheckpoint(ctx context.Context, c SignedCheckpoint) (err error) {
	if c.Size < 0 || !fitsUnixNano(c.Signed) {
		return fmt.Errorf("store: checkpoint of %d entries: bad size or time", c.Size)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, ignoreDone(tx.Rollback()))
		}
	}()
	var root []byte
	switch err := tx.QueryRowContext(ctx, `SELECT root FROM checkpoints WHERE tree_size = $1`, c.Size).Scan(&root); {
	case err == nil:
		if h, _ := toHash(root); h != c.Root {
			return fmt.Errorf("store: checkpoint of %d entries with root %s: %w (root %s)", c.Size, c.Root, ErrForkedCheckpoint, h)
		}
		return tx.Commit()
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO checkpoints (tree_size, root, note, signed_ns) VALUES ($1, $2, $3, $4)`,
		c.Size, c.Root[:], nonNil(c.Note), c.Signed.UnixNano()); err != nil {
		return fmt.Errorf("store: checkpoint: %w", s.classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	return nil
}

// LastCheckpoint returns the recorded checkpoint of the largest size;
// false when none is recorded.
func (s *Store) LastCheckpoint(ctx context.Context) (SignedCheckpoint, bool, error) {
	cs, err := s.queryCheckpoints(ctx, `SELECT tree_size, root, note, signed_ns FROM checkpoints ORDER BY tree_size DESC LIMIT 1`)
	if err != nil || len(cs) == 0 {
		return SignedCheckpoint{}, false, err
	}
	return cs[0], true, nil
}

// Checkpoints returns every recorded checkpoint, by size.
func (s *Store) Checkpoints(ctx context.Context) ([]SignedCheckpoint, error) {
	return s.queryCheckpoints(ctx, `SELECT tree_size, root, note, signed_ns FROM checkpoints ORDER BY tree_size`)
}

// DeleteCheckpoint forgets the recorded checkpoint of size: only
// `backstop repair --force` does, when the log cannot be made to extend
// it any more.
func (s *Store) DeleteCheckpoint(ctx context.Context, size int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM checkpoints WHERE tree_size = $1`, size); err != nil {
		return fmt.Errorf("store: deleting the checkpoint of %d entries: %w", size, err)
	}
	return nil
}

func (s *Store) queryCheckpoints(ctx context.Context, query string) ([]SignedCheckpoint, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: checkpoints: %w", err)
	}
	defer rows.Close()
	var out []SignedCheckpoint
	for rows.Next() {
		var (
			c    SignedCheckpoint
			root []byte
			ns   int64
		)
		if err := rows.Scan(&c.Size, &root, &c.Note, &ns); err != nil {
			return nil, fmt.Errorf("store: checkpoints: %w", err)
		}
		if c.Root, err = toHash(root); err != nil {
			return nil, fmt.Errorf("store: checkpoint of %d entries: root: %w", c.Size, err)
		}
		c.Signed = time.Unix(0, ns).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: checkpoints: %w", err)
	}
	return out, nil
}

// RawHash is a tree_hashes row as stored, whatever its length: what
// `backstop repair` compares with the hashes it recomputes, when a row
// may have been damaged into something Hashes refuses to read.
type RawHash struct {
	Index int64
	Hash  []byte
}

// RawHashes returns up to limit rows of tree_hashes from storage index
// start on, in index order, unchecked.
func (s *Store) RawHashes(ctx context.Context, start int64, limit int) ([]RawHash, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT idx, hash FROM tree_hashes WHERE idx >= $1 ORDER BY idx LIMIT $2`, start, limit)
	if err != nil {
		return nil, fmt.Errorf("store: hashes: %w", err)
	}
	defer rows.Close()
	var out []RawHash
	for rows.Next() {
		var h RawHash
		if err := rows.Scan(&h.Index, &h.Hash); err != nil {
			return nil, fmt.Errorf("store: hashes: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: hashes: %w", err)
	}
	return out, nil
}

// LeafFix sets an entry's leaf_hash column to the hash of its note.
type LeafFix struct {
	Index int64
	Leaf  tlog.Hash
}

// RewriteTree replaces the whole tree_hashes table with hashes, which
// must be tlog's stored hashes of every entry, in order from 0, and sets
// the leaf_hash column of the entries in leaves, in one transaction. It is
// `backstop repair`'s: the server's own writes only ever append. The
// caller recomputed hashes from the entries' notes and checked them; the
// store checks that they cover exactly the entries it holds.
func (s *Store) RewriteTree(ctx context.Context, leaves []LeafFix, hashes []StoredHash) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: rewriting the tree: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, ignoreDone(tx.Rollback()))
		}
	}()
	n, err := size(ctx, tx)
	if err != nil {
		return fmt.Errorf("store: rewriting the tree: %w", err)
	}
	if want := tlog.StoredHashCount(n); int64(len(hashes)) != want {
		return fmt.Errorf("store: rewriting the tree: %d entries have %d tree hashes, got %d", n, want, len(hashes))
	}
	for i, h := range hashes {
		if h.Index != int64(i) {
			return fmt.Errorf("store: rewriting the tree: tree hash %d at position %d", h.Index, i)
		}
	}
	for _, f := range leaves {
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET leaf_hash = $1 WHERE idx = $2`, f.Leaf[:], f.Index); err != nil {
			return fmt.Errorf("store: rewriting the leaf hash of entry %d: %w", f.Index, s.classify(err))
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM tree_hashes`); err != nil {
		return fmt.Errorf("store: rewriting the tree: %w", err)
	}
	args := make([]any, 0, len(hashes)*hashColumns)
	for _, h := range hashes {
		args = append(args, h.Index, h.Hash[:])
	}
	if len(args) > 0 {
		if err := insertRows(ctx, tx, insertHashes, hashColumns, s.rowsPerInsert(hashColumns), args); err != nil {
			return fmt.Errorf("store: rewriting the tree: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: rewriting the tree: commit: %w", err)
	}
	return nil
}

// Path is the SQLite database's file, "" for PostgreSQL (or an in-memory
// SQLite database): the server keeps the last checkpoint it signed in a
// file beside it.
func (s *Store) Path(ctx context.Context) (string, error) {
	if s.dialect != SQLite {
		return "", nil
	}
	var file string
	if err := s.db.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return "", fmt.Errorf("store: path: %w", err)
	}
	return file, nil
}
