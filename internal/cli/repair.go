package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

const repairUsage = `Usage: backstop repair [--data DIR] [--db DSN] [--key FILE] [--checkpoint FILE] [--force] [--dry-run]

Rebuilds a server's Merkle tree from its stored documents, with the
server stopped: every tree hash (and leaf hash) is recomputed from the
entries' documents and the rows that differ are rewritten. The result must
give the root of the last checkpoint the server signed (kept in the
database and in the checkpoint file); when it does not, the documents
themselves were changed or lost, and repair refuses unless --force, which
rewrites the tree anyway and forgets the contradicted checkpoints: clients
that kept them will see a fork. docs/threat-model.md.

Flags:
  --data DIR         the data folder, as for serve (default backstop-data)
  --db DSN           postgres://... for PostgreSQL (default SQLite DIR/backstop.db)
  --key FILE         the server's key, to check the recorded checkpoints'
                     signatures (default DIR/server.key)
  --checkpoint FILE  the checkpoint file (default beside a SQLite database,
                     DIR/checkpoint for PostgreSQL)
  --force            rewrite even when the recomputed tree contradicts the
                     last signed checkpoint
  --dry-run          report only; write nothing

Exit codes:
  0  the tree is sound, or was repaired
  1  the tree cannot be repaired to the last signed checkpoint (nothing written)
  2  usage error, or the database or key could not be read
`

func runRepair(args []string, s Streams) int {
	fset := flag.NewFlagSet("repair", flag.ContinueOnError)
	data := fset.String("data", "backstop-data", "data folder")
	dsn := fset.String("db", "", "database")
	keyFile := fset.String("key", "", "server key")
	cpFile := fset.String("checkpoint", "", "checkpoint file")
	force := fset.Bool("force", false, "rewrite anyway")
	dryRun := fset.Bool("dry-run", false, "report only")
	rest, exit, ok := parseFlags(fset, args, repairUsage, s)
	if !ok {
		return exit
	}
	fail := func(err error) int {
		fmt.Fprintf(s.Err, "backstop repair: %v\n", err)
		var ce *codedError
		if errors.As(err, &ce) {
			return ce.code
		}
		return ExitUsage
	}
	if len(rest) > 0 {
		return fail(fmt.Errorf("unexpected argument %q", rest[0]))
	}
	if *keyFile == "" {
		*keyFile = filepath.Join(*data, "server.key")
	}
	key, err := signing.ReadKeyPair(*keyFile)
	if err != nil {
		return fail(fmt.Errorf("--key: %v", err))
	}
	ctx := context.Background()
	st, err := openRepairStore(ctx, *data, *dsn, cpFile)
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	r := &repairRun{ctx: ctx, st: st, out: func(format string, a ...any) { fmt.Fprintf(s.Out, format+"\n", a...) }}
	if err := r.recompute(); err != nil {
		return fail(err)
	}
	if err := r.compare(); err != nil {
		return fail(err)
	}
	contradicted, err := r.checkCheckpoints(key.Verifier, *keyFile, *cpFile)
	if err != nil {
		return fail(err)
	}
	if contradicted && !*force {
		fmt.Fprintln(s.Err, "backstop repair: the documents do not give the last signed checkpoint; nothing written (--force rewrites the tree anyway and forks the log)")
		return ExitInvalid
	}
	if r.differ == 0 && r.missing == 0 && r.extra == 0 && len(r.leafFixes) == 0 && !contradicted {
		r.out("nothing to repair")
		return ExitOK
	}
	if *dryRun {
		r.out("--dry-run: nothing written")
		return ExitOK
	}
	if err := r.rewrite(); err != nil {
		return fail(err)
	}
	if contradicted {
		return forget(ctx, st, &r.re, r.size, *cpFile, key.Verifier, r.out, s)
	}
	return ExitOK
}

// openRepairStore opens --db, by default the SQLite database in --data,
// and fills in --checkpoint by default beside it.
func openRepairStore(ctx context.Context, data, dsn string, cpFile *string) (*store.Store, error) {
	if dsn == "" {
		dsn = filepath.Join(data, "backstop.db")
		if _, err := os.Stat(dsn); err != nil {
			return nil, fmt.Errorf("--data: %v", err)
		}
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if *cpFile == "" {
		if *cpFile, err = server.DefaultCheckpointFile(ctx, st); err != nil {
			st.Close()
			return nil, err
		}
		if *cpFile == "" {
			*cpFile = filepath.Join(data, "checkpoint")
		}
	}
	return st, nil
}

// codedError is an error with the exit code it ends the command with.
type codedError struct {
	code int
	msg  string
}

func (e *codedError) Error() string { return e.msg }

// exitInvalidf is an error that ends the command with ExitInvalid.
func exitInvalidf(format string, a ...any) error {
	return &codedError{code: ExitInvalid, msg: fmt.Sprintf(format, a...)}
}

// repairRun is one run of repair: the tree recomputed from the store's
// documents and how the stored rows differ from it.
type repairRun struct {
	ctx       context.Context
	st        *store.Store
	out       func(format string, a ...any)
	size      int64
	re        ledger.Recompute
	leafFixes []store.LeafFix
	hashes    []tlog.Hash
	// stored rows that differ from the recomputed hashes, are missing,
	// or lie beyond the tree
	differ, extra int
	missing       int64
}

// recompute rebuilds the tree from the documents.
func (r *repairRun) recompute() error {
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
			return exitInvalidf("entry %d of %d is missing: the log has a gap no repair can fill", start, size)
		}
		for _, e := range page {
			if e.Index != r.re.Size() {
				return exitInvalidf("entry %d is missing: the log has a gap no repair can fill", r.re.Size())
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
func (r *repairRun) compare() error {
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
func (r *repairRun) checkCheckpoints(v note.Verifier, keyFile, cpFile string) (bool, error) {
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
func (r *repairRun) recordedCheckpoints(v note.Verifier, keyFile, cpFile string) ([]recordedCheckpoint, error) {
	var checkpoints []recordedCheckpoint
	if last, ok, err := r.st.LastCheckpoint(r.ctx); err != nil {
		return nil, err
	} else if ok {
		c, err := ledger.ParseCheckpoint(last.Note, v)
		if err != nil {
			return nil, exitInvalidf("the store's last checkpoint (%d entries) does not verify with %s: %v", last.Size, keyFile, err)
		}
		checkpoints = append(checkpoints, recordedCheckpoint{"the store's checkpoints table", c})
	}
	if b, err := os.ReadFile(cpFile); err == nil {
		c, err := ledger.ParseCheckpoint(b, v)
		if err != nil {
			return nil, exitInvalidf("the checkpoint file %s does not verify with %s: %v", cpFile, keyFile, err)
		}
		checkpoints = append(checkpoints, recordedCheckpoint{"the checkpoint file " + cpFile, c})
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return checkpoints, nil
}

// rewrite replaces the stored tree with the recomputed one.
func (r *repairRun) rewrite() error {
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

// forget drops, under --force, the recorded checkpoints the rewritten tree
// contradicts, so that the server starts on it: the store's rows, and the
// file, kept aside as evidence.
func forget(ctx context.Context, st *store.Store, re *ledger.Recompute, size int64, file string, v note.Verifier, out func(string, ...any), s Streams) int {
	all, err := st.Checkpoints(ctx)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop repair: %v\n", err)
		return ExitUsage
	}
	for _, c := range all {
		if root, err := re.Root(c.Size); c.Size > size || err != nil || root != c.Root {
			if err := st.DeleteCheckpoint(ctx, c.Size); err != nil {
				fmt.Fprintf(s.Err, "backstop repair: %v\n", err)
				return ExitUsage
			}
			out("--force: forgot the store's checkpoint of %d entries", c.Size)
		}
	}
	if b, err := os.ReadFile(file); err == nil {
		if c, err := ledger.ParseCheckpoint(b, v); err == nil {
			if root, err := re.Root(c.Size); c.Size > size || err != nil || root != c.Root {
				aside := fmt.Sprintf("%s.forked-%d", file, time.Now().Unix())
				if err := os.Rename(file, aside); err != nil {
					fmt.Fprintf(s.Err, "backstop repair: %v\n", err)
					return ExitUsage
				}
				out("--force: moved the checkpoint file aside to %s", aside)
			}
		}
	}
	fmt.Fprintln(s.Err, "backstop repair: the log now forks from checkpoints clients may hold; tell them")
	return ExitOK
}
