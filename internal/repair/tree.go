package repair

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/store"
)

// recompute rebuilds the tree from the documents.
func (r *run) recompute() error {
	size, err := r.st.Size(r.ctx)
	if err != nil {
		return err
	}
	r.size = size
	for start := int64(0); start < size; {
		page, err := r.st.Entries(r.ctx, start, 1000)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return unrepairablef("entry %d of %d is missing: the log has a gap no repair can fill", start, size)
		}
		for _, e := range page {
			if e.Index != r.re.Size() {
				return unrepairablef("entry %d is missing: the log has a gap no repair can fill", r.re.Size())
			}
			if leaf := tlog.RecordHash(e.Note); leaf != e.LeafHash {
				r.leafFixes = append(r.leafFixes, store.LeafFix{Index: e.Index, Leaf: leaf})
				if len(r.leafFixes) <= 5 {
					r.out("entry %d: leaf_hash column %s, its document hashes to %s", e.Index, e.LeafHash, leaf)
				}
			}
			if _, err := r.re.Add(e.Note); err != nil {
				return fmt.Errorf("entry %d: %v", e.Index, err)
			}
		}
		start += int64(len(page))
	}
	r.hashes = r.re.Hashes()
	return nil
}

// compare counts the stored tree rows that differ from the recomputed
// ones, and reports them.
func (r *run) compare() error {
	seen := int64(0)
	for start := int64(0); ; {
		rows, err := r.st.RawHashes(r.ctx, start, 10000)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			break
		}
		for _, row := range rows {
			if row.Index >= int64(len(r.hashes)) {
				r.extra++
				continue
			}
			seen++
			if !bytes.Equal(row.Hash, r.hashes[row.Index][:]) {
				r.differ++
				if r.differ <= 5 {
					r.out("tree hash %d (%s): stored %x, recomputed %s", row.Index, ledger.DescribeHash(row.Index), row.Hash, r.hashes[row.Index])
				}
			}
		}
		start = rows[len(rows)-1].Index + 1
	}
	r.missing = int64(len(r.hashes)) - seen
	root, _ := r.re.Root(r.size)
	r.out("recomputed %d entries: %d tree hashes, root %s; %d stored rows differ, %d missing, %d extra; %d leaf hashes differ",
		r.size, len(r.hashes), root, r.differ, r.missing, r.extra, len(r.leafFixes))
	return nil
}

// recordedCheckpoint is a signed checkpoint kept by the server, and where.
type recordedCheckpoint struct {
	from string
	c    ledger.Checkpoint
}

// checkCheckpoints checks that the recomputed tree extends the last
// signed checkpoints, the store's and the file's, and says whether it
// contradicts one.
func (r *run) checkCheckpoints(v note.Verifier, keyFile, cpFile string) (bool, error) {
	checkpoints, err := r.recordedCheckpoints(v, keyFile, cpFile)
	if err != nil {
		return false, err
	}
	contradicted := false
	for _, rc := range checkpoints {
		switch got, err := r.re.Root(rc.c.Size); {
		case rc.c.Size > r.size:
			r.out("the last checkpoint signed (%s) has %d entries; the store holds %d: restore the newer database rather than repair", rc.from, rc.c.Size, r.size)
			contradicted = true
		case err != nil || got != rc.c.Root:
			r.out("the last checkpoint signed (%s) has %d entries, root %s; the documents give %s: they were changed", rc.from, rc.c.Size, rc.c.Root, got)
			contradicted = true
		default:
			r.out("the last checkpoint signed (%s), %d entries, root %s: the documents give it", rc.from, rc.c.Size, rc.c.Root)
		}
	}
	if len(checkpoints) == 0 {
		r.out("no signed checkpoint is recorded: the recomputed tree is checked against nothing")
	}
	return contradicted, nil
}

// recordedCheckpoints reads the last checkpoint in the store and the one
// in the checkpoint file, each checked against the server's key.
func (r *run) recordedCheckpoints(v note.Verifier, keyFile, cpFile string) ([]recordedCheckpoint, error) {
	var checkpoints []recordedCheckpoint
	if last, ok, err := r.st.LastCheckpoint(r.ctx); err != nil {
		return nil, err
	} else if ok {
		c, err := ledger.ParseCheckpoint(last.Note, v)
		if err != nil {
			return nil, unrepairablef("the store's last checkpoint (%d entries) does not verify with %s: %v", last.Size, keyFile, err)
		}
		checkpoints = append(checkpoints, recordedCheckpoint{"the store's checkpoints table", c})
	}
	if b, err := os.ReadFile(cpFile); err == nil {
		c, err := ledger.ParseCheckpoint(b, v)
		if err != nil {
			return nil, unrepairablef("the checkpoint file %s does not verify with %s: %v", cpFile, keyFile, err)
		}
		checkpoints = append(checkpoints, recordedCheckpoint{"the checkpoint file " + cpFile, c})
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return checkpoints, nil
}

// rewrite replaces the stored tree with the recomputed one.
func (r *run) rewrite() error {
	stored := make([]store.StoredHash, len(r.hashes))
	for i, h := range r.hashes {
		stored[i] = store.StoredHash{Index: int64(i), Hash: h}
	}
	if err := r.st.RewriteTree(r.ctx, r.leafFixes, stored); err != nil {
		return err
	}
	r.out("rewrote %d tree hashes and %d leaf hashes", len(r.hashes), len(r.leafFixes))
	return nil
}

// forget drops, under Force, the recorded checkpoints the rewritten tree
// contradicts, so that the server starts on it: the store's rows, and the
// file, kept aside as evidence.
func (r *run) forget(file string, v note.Verifier) error {
	all, err := r.st.Checkpoints(r.ctx)
	if err != nil {
		return err
	}
	for _, c := range all {
		if root, err := r.re.Root(c.Size); c.Size > r.size || err != nil || root != c.Root {
			if err := r.st.DeleteCheckpoint(r.ctx, c.Size); err != nil {
				return err
			}
			r.out("--force: forgot the store's checkpoint of %d entries", c.Size)
		}
	}
	if b, err := os.ReadFile(file); err == nil {
		if c, err := ledger.ParseCheckpoint(b, v); err == nil {
			if root, err := r.re.Root(c.Size); c.Size > r.size || err != nil || root != c.Root {
				aside := fmt.Sprintf("%s.forked-%d", file, time.Now().Unix())
				if err := os.Rename(file, aside); err != nil {
					return err
				}
				r.out("--force: moved the checkpoint file aside to %s", aside)
			}
		}
	}
	return nil
}
