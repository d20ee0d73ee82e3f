package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/signing"
)

const verifyUsage = `Usage: backstop verify --server URL [--log-key KEY] [--since CHECKPOINT]
                       [--save FILE] [--document FILE]... [--audit=false] [--key KEY]
                       [--witnesses FILE [--quorum K]]

Checks a backstop server's log without trusting the server:
  checkpoint  the current checkpoint is signed by the log's key (--log-key,
              else the key the server gives, trusted on first use)
  witnesses   the checkpoint is cosigned by at least K of the witnesses
              listed in --witnesses FILE: they saw this history and no
              other, so the server cannot show you a log it hides from them
  since       the log only grew since a checkpoint you kept (--since FILE,
              saved by an earlier --save): a consistency proof
  document    each signed document (--document FILE) is in the log: an
              inclusion proof
  audit       every entry the server serves hashes to the leaf in the tree,
              and the leaves give the checkpoint's root (on by default;
              entries of frameworks you may not read are counted, not hashed)
A server that rewrote its history fails "since" or "audit".

Flags:
  --server URL       the server
  --log-key KEY      the log's public key (file or NAME+HASH+KEY); pin it
  --since FILE       a checkpoint saved earlier
  --save FILE        save the verified checkpoint, for the next --since
  --document FILE    a signed document that must be in the log (repeatable)
  --audit            download and hash every entry (default true)
  --key FILE         a party's private key, to read frameworks closed to anonymous readers
  --witnesses FILE   witnesses' public keys, one a line (backstop witness --print-key)
  --quorum K         how many of them must have cosigned (default: all listed)

Examples:
  backstop verify --server http://127.0.0.1:8080 --save checkpoint.txt
  backstop verify --server http://127.0.0.1:8080 --since checkpoint.txt --save checkpoint.txt
  backstop verify --server http://127.0.0.1:8080 --document fi-nov.signed
  backstop verify --server http://127.0.0.1:8080 --log-key server.pub --witnesses witnesses.txt --quorum 2

Exit codes:
  0  every check passed
  1  a check failed: the log is not what the server claims
  2  usage error, unreadable input, or the server could not be reached
`

func runVerify(args []string, s Streams) int {
	fset := flag.NewFlagSet("verify", flag.ContinueOnError)
	server := fset.String("server", "", "server URL")
	logKey := fset.String("log-key", "", "log public key")
	since := fset.String("since", "", "earlier checkpoint")
	save := fset.String("save", "", "save checkpoint")
	var documents listFlag
	fset.Var(&documents, "document", "signed document")
	audit := fset.Bool("audit", true, "audit every entry")
	keyFile := fset.String("key", "", "private key for reads")
	witnessesFile := fset.String("witnesses", "", "witness keys")
	quorum := fset.Int("quorum", 0, "cosignatures required")
	rest, exit, ok := parseFlags(fset, args, verifyUsage, s)
	if !ok {
		return exit
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop verify: "+format+"\n", a...)
		return ExitUsage
	}
	switch {
	case len(rest) > 0:
		return fail("unexpected argument %q", rest[0])
	case *server == "":
		return fail("--server is required")
	}
	opts := client.VerifyOptions{Audit: *audit, SinceName: *since, OnCheck: func(c client.Check) { printCheck(s, c) }}
	var err error
	if opts.Witnesses, err = witnessQuorum(*witnessesFile, quorum); err != nil {
		return fail("%v", err)
	}
	opts.Quorum = *quorum
	c, _, err := newClient(*server, *keyFile)
	if err != nil {
		return fail("%v", err)
	}
	if err := verifyInputs(&opts, *logKey, *since, documents); err != nil {
		return fail("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	rep, err := client.Verify(ctx, c, opts)
	switch {
	case err != nil:
		return fail("%v", err)
	case rep.Checkpoint == nil:
		fmt.Fprintln(s.Err, "backstop verify: the checkpoint does not verify; nothing else was checked")
		return ExitInvalid
	case rep.Stopped:
		return ExitInvalid
	case !rep.OK():
		fmt.Fprintln(s.Err, "backstop verify: the log failed a check; keep your saved checkpoint as evidence")
		return ExitInvalid
	}
	if *save != "" {
		if err := os.WriteFile(*save, rep.Signed, 0o644); err != nil {
			return fail("--save: %v", err)
		}
		fmt.Fprintf(s.notes(), "saved the checkpoint of %d entries to %s\n", rep.Checkpoint.Size, *save)
	}
	return ExitOK
}

// verifyInputs reads --log-key, --since and --document into the options.
func verifyInputs(opts *client.VerifyOptions, logKey, since string, documents []string) error {
	if logKey != "" {
		key, err := signing.ParseVerifier(logKey)
		if err != nil {
			return fmt.Errorf("--log-key: %w", err)
		}
		opts.LogKey = key
	}
	if since != "" {
		old, err := os.ReadFile(since)
		if err != nil {
			return fmt.Errorf("--since: %w", err)
		}
		opts.Since = old
	}
	for _, path := range documents {
		doc, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("--document: %w", err)
		}
		if !signing.IsSigned(doc) {
			return fmt.Errorf("--document %s: give the signed document as submitted: the log holds signed documents; `backstop sign %s --key KEY` gives the very bytes `backstop submit` sent (an ed25519 signature is deterministic)", path, path)
		}
		opts.Documents = append(opts.Documents, client.Document{Name: path, Signed: doc})
	}
	return nil
}

// printCheck prints one check's line: its mark, name and finding.
func printCheck(s Streams, c client.Check) {
	mark := "ok  "
	if !c.OK {
		mark = "FAIL"
	}
	fmt.Fprintf(s.Out, "%s  %-10s %s\n", mark, c.Name, c.Message)
}

func short(h tlog.Hash) string { return h.String()[:12] + "…" }
