package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/backstop-dev/backstop/internal/repair"
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

Examples:
  backstop repair --data backstop-data --dry-run
  backstop repair --data backstop-data

Exit codes:
  0  the tree is sound, or was repaired
  1  the tree cannot be repaired to the last signed checkpoint (nothing written)
  2  usage error, or the database or key could not be read
`

func runRepair(args []string, s Streams) int {
	fset := flag.NewFlagSet("repair", flag.ContinueOnError)
	var opts repair.Options
	fset.StringVar(&opts.Data, "data", "backstop-data", "data folder")
	fset.StringVar(&opts.DSN, "db", "", "database")
	fset.StringVar(&opts.KeyFile, "key", "", "server key")
	fset.StringVar(&opts.CheckpointFile, "checkpoint", "", "checkpoint file")
	fset.BoolVar(&opts.Force, "force", false, "rewrite anyway")
	fset.BoolVar(&opts.DryRun, "dry-run", false, "report only")
	rest, exit, ok := parseFlags(fset, args, repairUsage, s)
	if !ok {
		return exit
	}
	if len(rest) > 0 {
		fmt.Fprintf(s.Err, "backstop repair: unexpected argument %q\n", rest[0])
		return ExitUsage
	}
	opts.Progress = func(format string, a ...any) { fmt.Fprintf(s.Out, format+"\n", a...) }
	outcome, err := repair.Run(context.Background(), opts)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop repair: %v\n", err)
		var unrepairable *repair.UnrepairableError
		if errors.As(err, &unrepairable) {
			return ExitInvalid
		}
		return ExitUsage
	}
	switch outcome {
	case repair.Refused:
		fmt.Fprintln(s.Err, "backstop repair: the documents do not give the last signed checkpoint; nothing written (--force rewrites the tree anyway and forks the log)")
		return ExitInvalid
	case repair.Sound:
		fmt.Fprintln(s.Out, "nothing to repair")
	case repair.DryRun:
		fmt.Fprintln(s.Out, "--dry-run: nothing written")
	case repair.Forked:
		fmt.Fprintln(s.Err, "backstop repair: the log now forks from checkpoints clients may hold; tell them")
	}
	return ExitOK
}
