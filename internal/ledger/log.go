package ledger

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/store"
)

// Log is the server's side of the tree: it appends entries to the store
// with their tree hashes, and proves inclusion and consistency. Appends are
// serialised; proofs and checkpoints may run concurrently with them.
type Log struct {
	st     *store.Store
	signer note.Signer

	appendMu sync.Mutex // one writer: hashes depend on every earlier leaf

	mu      sync.RWMutex
	hashes  []tlog.Hash // every stored hash, by tlog storage index
	size    int64
	signed  []byte     // the signed checkpoint of size, made on first request
	signedC Checkpoint // what signed says

	// signMu serialises signing: the check against last, the signature
	// and its record (guard.go).
	signMu sync.Mutex
	last   *Checkpoint // the last checkpoint signed (or given to Guard)
	record func(Checkpoint, []byte) error
}

// Open loads the tree's hashes from st. The log's origin is the signer's
// name.
func Open(ctx context.Context, st *store.Store, signer note.Signer) (*Log, error) {
	size, err := st.Size(ctx)
	if err != nil {
		return nil, err
	}
	want := tlog.StoredHashCount(size)
	hashes := make([]tlog.Hash, 0, want)
	for int64(len(hashes)) < want {
		page, err := st.Hashes(ctx, int64(len(hashes)), 10000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, h := range page {
			if h.Index != int64(len(hashes)) {
				return nil, fmt.Errorf("the store's tree hashes have a gap at %d", len(hashes))
			}
			hashes = append(hashes, h.Hash)
		}
	}
	if int64(len(hashes)) != want {
		return nil, fmt.Errorf("the store holds %d entries but %d of their %d tree hashes", size, len(hashes), want)
	}
	return &Log{st: st, signer: signer, hashes: hashes, size: size}, nil
}

// Origin names the log in its checkpoints.
func (l *Log) Origin() string { return l.signer.Name() }

// Size is the number of entries.
func (l *Log) Size() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.size
}

// Append adds entries at the end of the log in one transaction, setting
// their Index and LeafHash. Nothing is appended when it fails. published,
// when not nil, runs as the new size becomes visible, before any reader
// can see it: the caller's own view of the entries (the server's record)
// is then never behind the size a checkpoint announces.
func (l *Log) Append(ctx context.Context, entries []store.Entry, published func([]store.Entry)) ([]store.Entry, error) {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	l.mu.RLock()
	size, base := l.size, l.hashes
	l.mu.RUnlock()

	var added []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < int64(len(base)) {
				out[i] = base[x]
			} else {
				out[i] = added[x-int64(len(base))]
			}
		}
		return out, nil
	})
	var stored []store.StoredHash
	for i := range entries {
		n := size + int64(i)
		entries[i].Index = n
		entries[i].LeafHash = tlog.RecordHash(entries[i].Note)
		hs, err := tlog.StoredHashesForRecordHash(n, entries[i].LeafHash, reader)
		if err != nil {
			return nil, err
		}
		first := int64(len(base) + len(added))
		for j, h := range hs {
			stored = append(stored, store.StoredHash{Index: first + int64(j), Hash: h})
		}
		added = append(added, hs...)
	}
	if err := l.st.Append(ctx, entries, stored); err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.hashes = append(l.hashes, added...)
	l.size += int64(len(entries))
	l.signed = nil
	if published != nil {
		published(entries)
	}
	l.mu.Unlock()
	return entries, nil
}

func (l *Log) reader() tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		l.mu.RLock()
		defer l.mu.RUnlock()
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(l.hashes)) {
				return nil, fmt.Errorf("tree hash %d is not stored", x)
			}
			out[i] = l.hashes[x]
		}
		return out, nil
	})
}

// Checkpoint returns the signed checkpoint of the current tree. With a
// Guard, it refuses (ErrNotExtension) a tree that does not extend the
// last checkpoint signed.
//
// It signs once per size: the server answers a batch of submissions at
// once, and each answer asks for the checkpoint of the new size, which
// would otherwise be signed and recorded (a transaction and a file, each
// synced) once per submission rather than once per batch. Callers that
// ask while another signs wait for it, and take its checkpoint if the log
// has not grown since; the size is read once signing is theirs, so a
// checkpoint covers every entry appended before it was asked for.
func (l *Log) Checkpoint() ([]byte, Checkpoint, error) {
	if signed, c := l.current(); signed != nil {
		return signed, c, nil
	}
	l.signMu.Lock()
	defer l.signMu.Unlock()
	if signed, c := l.current(); signed != nil {
		return signed, c, nil
	}
	l.mu.RLock()
	size := l.size
	l.mu.RUnlock()
	root, err := tlog.TreeHash(size, l.reader())
	if err != nil {
		return nil, Checkpoint{}, err
	}
	c := Checkpoint{Origin: l.Origin(), Size: size, Root: root}
	signed, err := l.sign(c)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	l.mu.Lock()
	if l.size == size {
		l.signed, l.signedC = signed, c
	}
	l.mu.Unlock()
	return signed, c, nil
}

// current is the signed checkpoint of the current size, if one was made.
func (l *Log) current() ([]byte, Checkpoint) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.signed, l.signedC
}

// sign signs c if it extends the last checkpoint signed, and records it
// (Guard) before returning it. The caller holds signMu.
func (l *Log) sign(c Checkpoint) ([]byte, error) {
	if err := l.extends(c); err != nil {
		return nil, err
	}
	signed, err := c.Sign(l.signer)
	if err != nil {
		return nil, err
	}
	if l.record != nil {
		if err := l.record(c, signed); err != nil {
			return nil, fmt.Errorf("recording the checkpoint of %d entries: %w", c.Size, err)
		}
	}
	if l.last == nil || c.Size >= l.last.Size {
		l.last = &c
	}
	return signed, nil
}

// LeafHash returns the hash of entry index.
func (l *Log) LeafHash(index int64) (tlog.Hash, error) {
	hs, err := l.reader().ReadHashes([]int64{tlog.StoredHashIndex(0, index)})
	if err != nil {
		return tlog.Hash{}, err
	}
	return hs[0], nil
}

// ProveInclusion proves that entry index is in the tree of size entries.
func (l *Log) ProveInclusion(index, size int64) (tlog.RecordProof, error) {
	if err := l.checkSize(size); err != nil {
		return nil, err
	}
	if index < 0 || index >= size {
		return nil, fmt.Errorf("entry %d is not in a tree of %d entries", index, size)
	}
	return tlog.ProveRecord(size, index, l.reader())
}

// ProveConsistency proves that the tree of size to extends that of from.
func (l *Log) ProveConsistency(from, to int64) (tlog.TreeProof, error) {
	if err := l.checkSize(to); err != nil {
		return nil, err
	}
	if from < 1 || from > to {
		return nil, fmt.Errorf("no consistency proof from %d to %d entries: want 1 ≤ from ≤ to", from, to)
	}
	return tlog.ProveTree(to, from, l.reader())
}

func (l *Log) checkSize(size int64) error {
	if cur := l.Size(); size < 1 || size > cur {
		return fmt.Errorf("the log has %d entries; no tree of %d", cur, size)
	}
	return nil
}
