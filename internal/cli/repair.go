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
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop repair: "+format+"\n", a...)
		return code
	}
	if len(rest) > 0 {
		return fail(ExitUsage, "unexpected argument %q", rest[0])
	}
	if *keyFile == "" {
		*keyFile = filepath.Join(*data, "server.key")
	}
	key, err := signing.ReadKeyPair(*keyFile)
	if err != nil {
		return fail(ExitUsage, "--key: %v", err)
	}
	if *dsn == "" {
		*dsn = filepath.Join(*data, "backstop.db")
		if _, err := os.Stat(*dsn); err != nil {
			return fail(ExitUsage, "--data: %v", err)
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	defer st.Close()
	if *cpFile == "" {
		if *cpFile, err = server.DefaultCheckpointFile(ctx, st); err != nil {
			return fail(ExitUsage, "%v", err)
		}
		if *cpFile == "" {
			*cpFile = filepath.Join(*data, "checkpoint")
		}
	}
	out := func(format string, a ...any) { fmt.Fprintf(s.Out, format+"\n", a...) }

	// Recompute the tree from the documents.
	size, err := st.Size(ctx)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	var re ledger.Recompute
	var leafFixes []store.LeafFix
	for start := int64(0); start < size; {
		page, err := st.Entries(ctx, start, 1000)
		if err != nil {
			return fail(ExitUsage, "%v", err)
		}
		if len(page) == 0 {
			return fail(ExitInvalid, "entry %d of %d is missing: the log has a gap no repair can fill", start, size)
		}
		for _, e := range page {
			if e.Index != re.Size() {
				return fail(ExitInvalid, "entry %d is missing: the log has a gap no repair can fill", re.Size())
			}
			if leaf := tlog.RecordHash(e.Note); leaf != e.LeafHash {
				leafFixes = append(leafFixes, store.LeafFix{Index: e.Index, Leaf: leaf})
				if len(leafFixes) <= 5 {
					out("entry %d: leaf_hash column %s, its document hashes to %s", e.Index, e.LeafHash, leaf)
				}
			}
			if _, err := re.Add(e.Note); err != nil {
				return fail(ExitUsage, "entry %d: %v", e.Index, err)
			}
		}
		start += int64(len(page))
	}
	hashes := re.Hashes()

	// Compare with the stored rows.
	differ, extra := 0, 0
	seen := int64(0)
	for start := int64(0); ; {
		rows, err := st.RawHashes(ctx, start, 10000)
		if err != nil {
			return fail(ExitUsage, "%v", err)
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			if r.Index >= int64(len(hashes)) {
				extra++
				continue
			}
			seen++
			if !bytes.Equal(r.Hash, hashes[r.Index][:]) {
				differ++
				if differ <= 5 {
					out("tree hash %d (%s): stored %x, recomputed %s", r.Index, ledger.DescribeHash(r.Index), r.Hash, hashes[r.Index])
				}
			}
		}
		start = rows[len(rows)-1].Index + 1
	}
	missing := int64(len(hashes)) - seen
	root, _ := re.Root(size)
	out("recomputed %d entries: %d tree hashes, root %s; %d stored rows differ, %d missing, %d extra; %d leaf hashes differ",
		size, len(hashes), root, differ, missing, extra, len(leafFixes))

	// The last signed checkpoints: the recomputed tree must extend them.
	type recorded struct {
		from string
		c    ledger.Checkpoint
	}
	var checkpoints []recorded
	var contradicted []recorded
	if last, ok, err := st.LastCheckpoint(ctx); err != nil {
		return fail(ExitUsage, "%v", err)
	} else if ok {
		c, err := ledger.ParseCheckpoint(last.Note, key.Verifier)
		if err != nil {
			return fail(ExitInvalid, "the store's last checkpoint (%d entries) does not verify with %s: %v", last.Size, *keyFile, err)
		}
		checkpoints = append(checkpoints, recorded{"the store's checkpoints table", c})
	}
	if b, err := os.ReadFile(*cpFile); err == nil {
		c, err := ledger.ParseCheckpoint(b, key.Verifier)
		if err != nil {
			return fail(ExitInvalid, "the checkpoint file %s does not verify with %s: %v", *cpFile, *keyFile, err)
		}
		checkpoints = append(checkpoints, recorded{"the checkpoint file " + *cpFile, c})
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fail(ExitUsage, "%v", err)
	}
	for _, r := range checkpoints {
		switch got, err := re.Root(r.c.Size); {
		case r.c.Size > size:
			out("the last checkpoint signed (%s) has %d entries; the store holds %d: restore the newer database rather than repair", r.from, r.c.Size, size)
			contradicted = append(contradicted, r)
		case err != nil || got != r.c.Root:
			out("the last checkpoint signed (%s) has %d entries, root %s; the documents give %s: they were changed", r.from, r.c.Size, r.c.Root, got)
			contradicted = append(contradicted, r)
		default:
			out("the last checkpoint signed (%s), %d entries, root %s: the documents give it", r.from, r.c.Size, r.c.Root)
		}
	}
	if len(checkpoints) == 0 {
		out("no signed checkpoint is recorded: the recomputed tree is checked against nothing")
	}
	if len(contradicted) > 0 && !*force {
		fmt.Fprintln(s.Err, "backstop repair: the documents do not give the last signed checkpoint; nothing written (--force rewrites the tree anyway and forks the log)")
		return ExitInvalid
	}
	if differ == 0 && missing == 0 && extra == 0 && len(leafFixes) == 0 && len(contradicted) == 0 {
		out("nothing to repair")
		return ExitOK
	}
	if *dryRun {
		out("--dry-run: nothing written")
		return ExitOK
	}
	stored := make([]store.StoredHash, len(hashes))
	for i, h := range hashes {
		stored[i] = store.StoredHash{Index: int64(i), Hash: h}
	}
	if err := st.RewriteTree(ctx, leafFixes, stored); err != nil {
		return fail(ExitUsage, "%v", err)
	}
	out("rewrote %d tree hashes and %d leaf hashes", len(hashes), len(leafFixes))
	if len(contradicted) > 0 {
		return forget(ctx, st, &re, size, *cpFile, key.Verifier, out, s)
	}
	return ExitOK
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
