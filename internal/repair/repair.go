package repair

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// Options says which server to repair and how.
type Options struct {
	Data           string // the data folder, as for serve
	DSN            string // the database; "" is the SQLite database in Data
	KeyFile        string // the server's key; "" is Data/server.key
	CheckpointFile string // "" is beside a SQLite database, Data/checkpoint otherwise
	Force          bool   // rewrite even when a signed checkpoint is contradicted
	DryRun         bool   // report only; write nothing
	// Progress receives the report's lines, one a call, as they are found.
	Progress func(format string, a ...any)
}

// Outcome is how a run ended.
type Outcome int

const (
	// Sound: the stored tree is the recomputed one; nothing was written.
	Sound Outcome = iota
	// DryRun: the tree differs, but Options.DryRun wrote nothing.
	DryRun
	// Refused: the documents contradict the last signed checkpoint and
	// Options.Force was not given; nothing was written.
	Refused
	// Repaired: the tree was rewritten and extends the signed checkpoints.
	Repaired
	// Forked: under Options.Force the tree was rewritten and the
	// contradicted checkpoints forgotten.
	Forked
)

// UnrepairableError is an error that no repair can fix (a gap in the log,
// a recorded checkpoint that does not verify); nothing was written.
type UnrepairableError struct{ msg string }

func (e *UnrepairableError) Error() string { return e.msg }

func unrepairablef(format string, a ...any) error {
	return &UnrepairableError{msg: fmt.Sprintf(format, a...)}
}

// Run repairs the server's tree as opts says. Its errors are either an
// *UnrepairableError or one of reading or writing the key, store or files.
func Run(ctx context.Context, opts Options) (Outcome, error) {
	if opts.KeyFile == "" {
		opts.KeyFile = filepath.Join(opts.Data, "server.key")
	}
	if opts.Progress == nil {
		opts.Progress = func(string, ...any) {}
	}
	key, err := signing.ReadKeyPair(opts.KeyFile)
	if err != nil {
		return 0, fmt.Errorf("--key: %v", err)
	}
	st, err := openStore(ctx, opts.Data, opts.DSN, &opts.CheckpointFile)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	r := &run{ctx: ctx, st: st, out: opts.Progress}
	if err := r.recompute(); err != nil {
		return 0, err
	}
	if err := r.compare(); err != nil {
		return 0, err
	}
	contradicted, err := r.checkCheckpoints(key.Verifier, opts.KeyFile, opts.CheckpointFile)
	switch {
	case err != nil:
		return 0, err
	case contradicted && !opts.Force:
		return Refused, nil
	case r.differ == 0 && r.missing == 0 && r.extra == 0 && len(r.leafFixes) == 0 && !contradicted:
		return Sound, nil
	case opts.DryRun:
		return DryRun, nil
	}
	if err := r.rewrite(); err != nil {
		return 0, err
	}
	if !contradicted {
		return Repaired, nil
	}
	if err := r.forget(opts.CheckpointFile, key.Verifier); err != nil {
		return 0, err
	}
	return Forked, nil
}

// openStore opens the database, by default the SQLite database in data,
// and fills in the checkpoint file by default beside it.
func openStore(ctx context.Context, data, dsn string, cpFile *string) (*store.Store, error) {
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
		if *cpFile, err = st.CheckpointFile(ctx); err != nil {
			st.Close()
			return nil, err
		}
		if *cpFile == "" {
			*cpFile = filepath.Join(data, "checkpoint")
		}
	}
	return st, nil
}

// run is one run of repair: the tree recomputed from the store's
// documents and how the stored rows differ from it.
type run struct {
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
