package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/atomicfile"
	"github.com/backstop-dev/backstop/internal/entrymeta"
	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/store"
)

// DefaultSelfCheckLimit is the largest log whose every tree hash and
// every entry's columns the start-up check recomputes from the documents
// (Config.SelfCheckLimit). Beyond it the check keeps to what costs nothing
// more than reading the record: each entry's document against its leaf
// hash and the tree's stored leaf, and the last signed checkpoint's root
// from the stored hashes.
const DefaultSelfCheckLimit = 1_000_000

// CheckpointFileSuffix names the file beside a SQLite database in which
// the server keeps the last checkpoint it signed (store.CheckpointFile).
const CheckpointFileSuffix = store.CheckpointFileSuffix

// ErrSelfCheck is the start-up check's refusal: the store is not the log
// the server signed checkpoints of.
var ErrSelfCheck = errors.New("start-up self-check failed")

// DefaultCheckpointFile is where the server keeps the last checkpoint it
// signed when Config.CheckpointFile is "": beside a SQLite database; ""
// for PostgreSQL, whose data folder only the caller knows.
func DefaultCheckpointFile(ctx context.Context, st *store.Store) (string, error) {
	return st.CheckpointFile(ctx)
}

// selfCheck is the start-up check (docs/threat-model.md): the
// stored tree must give the root of the last checkpoint the server signed,
// as kept in the store and in a file beside the store's data, and, up to
// Config.SelfCheckLimit entries, every stored hash and every entry's
// columns must be what the documents give. rebuild feeds it every entry.
type selfCheck struct {
	log      *ledger.Log
	file     string // the checkpoint file; "" when there is none
	full     bool   // recompute every hash and every entry's columns
	problems []string
	last     *ledger.Checkpoint // the larger of the recorded ones, once checked
	lastFrom string
	re       ledger.Recompute
	badHash  int // stored hashes that differ from the recomputed ones
	badMeta  int
	refused  bool // a recorded checkpoint did not match the store
}

// maxProblems bounds the findings of each kind the refusal lists.
const maxProblems = 5

// startCheck reads the last signed checkpoints the store and the file
// keep and checks the stored tree against them; the entries' own checks
// come as rebuild reads them.
func (s *Server) startCheck(ctx context.Context) (*selfCheck, error) {
	c := &selfCheck{log: s.log, file: s.cfg.CheckpointFile}
	limit := s.cfg.SelfCheckLimit
	if limit == 0 {
		limit = DefaultSelfCheckLimit
	}
	c.full = limit > 0 && s.log.Size() <= limit
	if err := s.checkpointFile(ctx, c); err != nil {
		return nil, err
	}
	recorded, err := s.recordedCheckpoints(ctx, c)
	if err != nil {
		return nil, err
	}
	for _, r := range recorded {
		c.against(r)
	}
	return c, nil
}

// recordedCheckpoint is a checkpoint the server signed, and where it was
// read from.
type recordedCheckpoint struct {
	c    ledger.Checkpoint
	from string
}

// checkpointFile decides where the last signed checkpoint's file is:
// Config.CheckpointFile, beside a SQLite database, or in the data folder.
func (s *Server) checkpointFile(ctx context.Context, c *selfCheck) error {
	if c.file == "" {
		f, err := DefaultCheckpointFile(ctx, s.st)
		if err != nil {
			return err
		}
		c.file = f
	}
	if c.file == "" && s.cfg.DataDir != "" {
		c.file = filepath.Join(s.cfg.DataDir, "checkpoint")
	}
	if c.file == "" {
		s.logger.Warn("no checkpoint file: the last signed checkpoint is kept in the database only, so a database restored from an older copy is not caught; set the data folder")
	}
	return nil
}

// recordedCheckpoints reads the last checkpoint the server signed from
// the store's table and from the file, each verified with its key; what
// does not verify is a problem of c.
func (s *Server) recordedCheckpoints(ctx context.Context, c *selfCheck) ([]recordedCheckpoint, error) {
	verifier := s.cfg.Key.Verifier
	var recorded []recordedCheckpoint
	stored, ok, err := s.st.LastCheckpoint(ctx)
	if err != nil {
		return nil, err
	}
	if ok {
		cp, err := ledger.ParseCheckpoint(stored.Note, verifier)
		switch {
		case err != nil:
			c.problems = append(c.problems, fmt.Sprintf("the store's last recorded checkpoint (%d entries) does not verify with this server's key: %v", stored.Size, err))
		case cp.Size != stored.Size || cp.Root != stored.Root:
			c.problems = append(c.problems, fmt.Sprintf("the store's checkpoints table says %d entries, root %s, but its signed note says %d, %s", stored.Size, stored.Root, cp.Size, cp.Root))
		default:
			recorded = append(recorded, recordedCheckpoint{cp, "the store's checkpoints table"})
		}
	}
	if c.file == "" {
		return recorded, nil
	}
	b, err := os.ReadFile(c.file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if ok {
			s.logger.Warn("the checkpoint file is missing; it is written again at the next checkpoint", "file", c.file)
		}
	case err != nil:
		return nil, fmt.Errorf("reading the checkpoint file: %w", err)
	default:
		cp, err := ledger.ParseCheckpoint(b, verifier)
		if err != nil {
			c.problems = append(c.problems, fmt.Sprintf("the checkpoint file %s does not verify with this server's key %s: %v (a server whose key changed on purpose starts a new log: move the file away)", c.file, keyName(verifier), err))
		} else {
			recorded = append(recorded, recordedCheckpoint{cp, "the checkpoint file " + c.file})
		}
	}
	return recorded, nil
}

// against checks the stored tree against one recorded checkpoint: the
// store must hold at least its entries and give its root.
func (c *selfCheck) against(r recordedCheckpoint) {
	root, err := c.log.Extends(r.c)
	c.refused = c.refused || err != nil
	switch {
	case err != nil && r.c.Size > c.log.Size():
		c.problems = append(c.problems, fmt.Sprintf(
			"the last checkpoint this server signed (%s) has %d entries, root %s; the store holds only %d: it was restored from an older copy or entries were deleted, and serving it would fork the log",
			r.from, r.c.Size, r.c.Root, c.log.Size()))
	case err != nil:
		c.problems = append(c.problems, fmt.Sprintf(
			"the last checkpoint this server signed (%s) has %d entries, root %s; the store's tree hashes give root %s for %d entries",
			r.from, r.c.Size, r.c.Root, root, r.c.Size))
	case c.last == nil || r.c.Size > c.last.Size:
		cp := r.c
		c.last, c.lastFrom = &cp, r.from
	}
}

func keyName(v note.Verifier) string { return fmt.Sprintf("%s+%08x", v.Name(), v.KeyHash()) }

// entry checks one entry as rebuild reads it, in log order.
func (c *selfCheck) entry(e *store.Entry) {
	if c == nil {
		return
	}
	leaf := tlog.RecordHash(e.Note)
	if leaf != e.LeafHash {
		c.add(fmt.Sprintf("entry %d: its document hashes to %s, its leaf_hash column says %s", e.Index, leaf, e.LeafHash))
	}
	if h, ok := c.log.StoredHash(tlog.StoredHashIndex(0, e.Index)); ok && h != leaf && leaf == e.LeafHash {
		c.add(fmt.Sprintf("entry %d: stored tree hash %d (%s) is %s, its document hashes to %s",
			e.Index, tlog.StoredHashIndex(0, e.Index), ledger.DescribeHash(tlog.StoredHashIndex(0, e.Index)), h, leaf))
	}
	if !c.full {
		return
	}
	first, err := c.re.Add(e.Note)
	if err != nil {
		c.add(fmt.Sprintf("entry %d: recomputing the tree: %v", e.Index, err))
		c.full = false
		return
	}
	for i, h := range c.re.Hashes()[first:] {
		idx := first + int64(i)
		if got, ok := c.log.StoredHash(idx); ok && got != h && tlog.StoredHashIndex(0, e.Index) != idx {
			c.badHash++
			if c.badHash <= maxProblems {
				c.problems = append(c.problems, fmt.Sprintf("stored tree hash %d (%s) is %s; recomputed from the documents it is %s",
					idx, ledger.DescribeHash(idx), got, h))
			}
		}
	}
	if e.Kind == string(model.KindIncidents) && bytes.Contains(e.Note, []byte("kind: Incidents")) {
		return // the bulk of a log, decoded by the record; no column but kind and framework
	}
	m, err := entrymeta.FromText(text(e))
	if err != nil {
		c.addMeta(fmt.Sprintf("entry %d: its document cannot be read: %v", e.Index, err))
		return
	}
	for _, col := range m.Compare(e.Kind, e.Framework, e.Subject, e.Date, e.Revision) {
		c.addMeta(fmt.Sprintf("entry %d: its %s", e.Index, col))
	}
}

func (c *selfCheck) add(p string) {
	if len(c.problems) < 4*maxProblems {
		c.problems = append(c.problems, p)
	}
}

func (c *selfCheck) addMeta(p string) {
	c.badMeta++
	if c.badMeta <= maxProblems {
		c.problems = append(c.problems, p)
	}
}

// finish refuses the store when anything was found, and otherwise guards
// the log: it will sign only extensions of the last checkpoint, and
// records each one it signs in the store and the file.
func (c *selfCheck) finish(s *Server) error {
	if c == nil {
		return nil
	}
	if c.badHash > maxProblems {
		c.problems = append(c.problems, fmt.Sprintf("… %d stored tree hashes differ in all", c.badHash))
	}
	if c.badMeta > maxProblems {
		c.problems = append(c.problems, fmt.Sprintf("… %d entries' columns differ from their documents in all", c.badMeta))
	}
	if len(c.problems) > 0 && c.last != nil && !c.refused {
		c.problems = append(c.problems, fmt.Sprintf("the last checkpoint this server signed (%s) has %d entries, root %s, and the stored hashes it is made of still give it",
			c.lastFrom, c.last.Size, c.last.Root))
	}
	if len(c.problems) > 0 {
		scope := "every tree hash and every entry's columns recomputed from the documents"
		if !c.full {
			scope = "the leaves and the last signed checkpoint's root checked; the log is over the limit for a full recomputation"
		}
		return fmt.Errorf("%w (%s), the store was changed outside the server; refusing to serve it:\n  - %s\n"+
			"If the documents are intact, `backstop repair` recomputes the tree from them (docs/threat-model.md); "+
			"if the database was restored from an older copy, restore the newer one",
			ErrSelfCheck, scope, strings.Join(c.problems, "\n  - "))
	}
	if c.last != nil {
		s.logger.Info("self-check passed", "entries", s.log.Size(), "last_checkpoint", c.last.Size, "from", c.lastFrom, "full", c.full)
	}
	s.log.Guard(c.last, func(cp ledger.Checkpoint, signed []byte) error {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
		defer cancel()
		if err := s.st.SaveCheckpoint(ctx, store.SignedCheckpoint{Size: cp.Size, Root: cp.Root, Note: signed, Signed: time.Now()}); err != nil {
			return err
		}
		if c.file != "" {
			return atomicfile.Write(c.file, signed, 0o600) // a crash leaves the old checkpoint or the new one
		}
		return nil
	})
	return nil
}
