package ledger

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// ErrNotExtension is returned when the log is asked to sign a checkpoint
// that does not extend the last one it signed: a tree that shrank, or
// whose history changed. The log signs nothing until it is restarted on a
// store that extends it.
var ErrNotExtension = errors.New("refusing to sign a checkpoint that does not extend the last one signed")

// Guard makes the log check every checkpoint it is about to sign against
// the last one it signed (last; nil when none is known yet) and refuse it,
// with ErrNotExtension, unless it is a consistent extension: a tree of at
// least that size whose consistency proof from it verifies. record, when
// not nil, is called with each checkpoint once signed and before it is
// handed out; its error withholds the checkpoint, so that a checkpoint
// given to anyone is always one the log has recorded. Call Guard before
// the log serves.
func (l *Log) Guard(last *Checkpoint, record func(c Checkpoint, signed []byte) error) {
	l.signMu.Lock()
	defer l.signMu.Unlock()
	l.last = nil
	if last != nil {
		c := *last
		l.last = &c
	}
	l.record = record
}

// LastSigned is the last checkpoint the log signed, or was given by Guard.
func (l *Log) LastSigned() (Checkpoint, bool) {
	l.signMu.Lock()
	defer l.signMu.Unlock()
	if l.last == nil {
		return Checkpoint{}, false
	}
	return *l.last, true
}

// Extends checks that the log's current tree extends c: c.Size entries at
// most, and the stored hashes give c.Root for the first c.Size of them.
// It returns the root the stored hashes give for c.Size (zero when the
// log is shorter).
func (l *Log) Extends(c Checkpoint) (tlog.Hash, error) {
	size := l.Size()
	if c.Size > size {
		return tlog.Hash{}, fmt.Errorf("the checkpoint has %d entries, the store only %d", c.Size, size)
	}
	root, err := tlog.TreeHash(c.Size, l.reader())
	if err != nil {
		return tlog.Hash{}, err
	}
	if root != c.Root {
		return root, fmt.Errorf("the stored tree hashes give root %s for %d entries, the checkpoint %s", root, c.Size, c.Root)
	}
	return root, nil
}

// extends checks, before c is signed, that c extends the last checkpoint
// signed. The caller holds signMu.
func (l *Log) extends(c Checkpoint) error {
	last := l.last
	if last == nil || last.Size == 0 {
		return nil
	}
	var proof tlog.TreeProof
	if c.Size > last.Size {
		p, err := tlog.ProveTree(c.Size, last.Size, l.reader())
		if err != nil {
			return fmt.Errorf("%w of %d entries: no consistency proof from %d: %v", ErrNotExtension, c.Size, last.Size, err)
		}
		proof = p
	}
	if err := VerifyConsistency(*last, c, proof); err != nil {
		return fmt.Errorf("%w (%d entries, root %s): %v", ErrNotExtension, last.Size, last.Root, err)
	}
	return nil
}

// Recompute rebuilds a tree's stored hashes from its records, given in
// order: what the server's start-up check and `backstop repair` compare
// with the hashes a store holds.
type Recompute struct {
	hashes []tlog.Hash
	size   int64
}

func (r *Recompute) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(r.hashes)) {
			return nil, fmt.Errorf("tree hash %d is not computed yet", x)
		}
		out[i] = r.hashes[x]
	}
	return out, nil
}

// Add appends the record of the next entry and returns the storage index
// of the first hash it adds; Hashes()[first:] are the hashes it added.
func (r *Recompute) Add(record []byte) (first int64, err error) {
	hs, err := tlog.StoredHashes(r.size, record, r)
	if err != nil {
		return 0, err
	}
	first = int64(len(r.hashes))
	r.hashes = append(r.hashes, hs...)
	r.size++
	return first, nil
}

// Size is the number of records added.
func (r *Recompute) Size() int64 { return r.size }

// Hashes are the stored hashes of the records added, by storage index.
func (r *Recompute) Hashes() []tlog.Hash { return r.hashes }

// Root is the root of the tree of the first size records added.
func (r *Recompute) Root(size int64) (tlog.Hash, error) {
	if size > r.size {
		return tlog.Hash{}, fmt.Errorf("%d records added, no tree of %d", r.size, size)
	}
	return tlog.TreeHash(size, r)
}

// StoredHash is the log's stored hash at storage index i.
func (l *Log) StoredHash(i int64) (tlog.Hash, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if i < 0 || i >= int64(len(l.hashes)) {
		return tlog.Hash{}, false
	}
	return l.hashes[i], true
}

// DescribeHash says what the stored hash at storage index i is: a leaf
// ("the leaf of entry 5") or an interior node ("the node of level 2 over
// entries 4–7").
func DescribeHash(i int64) string {
	level, n := tlog.SplitStoredHashIndex(i)
	if level == 0 {
		return fmt.Sprintf("the leaf of entry %d", n)
	}
	lo := n << uint(level)
	return fmt.Sprintf("the node of level %d over entries %d–%d", level, lo, lo+(1<<uint(level))-1)
}
