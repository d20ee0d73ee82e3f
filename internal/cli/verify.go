package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/entrymeta"
	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/load"
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
  backstop verify --server http://127.0.0.1:8080 --document gb.signed
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
	witnesses, err := witnessQuorum(*witnessesFile, quorum)
	if err != nil {
		return fail("%v", err)
	}
	c, _, err := newClient(*server, *keyFile)
	if err != nil {
		return fail("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	failed := false
	report := func(ok bool, check, format string, a ...any) {
		mark := "ok  "
		if !ok {
			mark, failed = "FAIL", true
		}
		fmt.Fprintf(s.Out, "%s  %-10s %s\n", mark, check, fmt.Sprintf(format, a...))
	}

	var verifier note.Verifier
	pinned := *logKey != ""
	if pinned {
		if verifier, err = signing.ParseVerifier(*logKey); err != nil {
			return fail("--log-key: %v", err)
		}
	} else {
		text, err := c.LogKey(ctx)
		if err != nil {
			return fail("fetching the log key: %v", err)
		}
		if verifier, err = signing.ParseVerifier(text); err != nil {
			return fail("the server's log key: %v", err)
		}
	}
	signed, err := c.Checkpoint(ctx)
	if err != nil {
		return fail("fetching the checkpoint: %v", err)
	}
	cp, err := ledger.ParseCheckpoint(signed, verifier)
	if err != nil {
		report(false, "checkpoint", "%v", err)
		fmt.Fprintln(s.Err, "backstop verify: the checkpoint does not verify; nothing else was checked")
		return ExitInvalid
	}
	how := "pinned with --log-key"
	if !pinned {
		how = "the key the server gives, trusted on first use: pin it with --log-key"
	}
	report(true, "checkpoint", "%d entries, root %s, signed by %s (%s)", cp.Size, short(cp.Root), signing.KeyID(verifier.Name(), verifier.KeyHash()), how)
	if len(witnesses) > 0 {
		ok, msg := checkCosignatures(signed, witnesses, *quorum)
		report(ok, "witnesses", "%s", msg)
	}

	if *since != "" {
		old, err := os.ReadFile(*since)
		if err != nil {
			return fail("--since: %v", err)
		}
		prev, err := ledger.ParseCheckpoint(old, verifier)
		switch {
		case err != nil:
			hint := "it is not a signed checkpoint"
			if strings.Contains(err.Error(), "not signed by the log key") {
				hint = "did the server change its key?"
			}
			report(false, "since", "%s: %v (%s)", *since, err, hint)
		case prev.Size > cp.Size:
			report(false, "since", "the log shrank from %d to %d entries: history was rewritten", prev.Size, cp.Size)
		case prev.Size == 0:
			report(true, "since", "the kept checkpoint is of an empty log")
		default:
			proof, err := c.Consistency(ctx, prev.Size, cp.Size)
			if err != nil && prev.Size != cp.Size {
				report(false, "since", "no consistency proof from %d to %d entries: %v", prev.Size, cp.Size, err)
				break
			}
			var hashes tlog.TreeProof
			if proof != nil {
				hashes = proof.Proof
			}
			if err := ledger.VerifyConsistency(prev, cp, hashes); err != nil {
				report(false, "since", "%v", err)
			} else {
				report(true, "since", "the log only grew since the checkpoint of %d entries (%d → %d)", prev.Size, prev.Size, cp.Size)
			}
		}
	}

	for _, path := range documents {
		doc, err := os.ReadFile(path)
		if err != nil {
			return fail("--document: %v", err)
		}
		if !signing.IsSigned(doc) {
			return fail("--document %s: give the signed document as submitted (from backstop sign); the log holds signed documents", path)
		}
		leaf := tlog.RecordHash(doc)
		inc, err := c.Inclusion(ctx, leaf, cp.Size)
		if err != nil {
			report(false, "document", "%s is not in the log: %v", path, err)
			continue
		}
		if err := ledger.VerifyInclusion(cp, inc.Index, leaf, inc.Proof); err != nil {
			report(false, "document", "%s: %v", path, err)
		} else {
			report(true, "document", "%s is entry %d of the log (inclusion proof of %d hashes)", path, inc.Index, len(inc.Proof))
		}
	}

	if *audit {
		leaves := make([]tlog.Hash, 0, cp.Size)
		hashed, hidden, bad := 0, 0, 0
		sigs := &signatureAudit{logKey: verifier, keyrings: map[string]*signing.Keyring{}}
		for start := int64(0); start < cp.Size; {
			page, err := c.Entries(ctx, start, 1000)
			if err != nil {
				return fail("fetching entries: %v", err)
			}
			if len(page.Items) == 0 {
				break
			}
			for _, e := range page.Items {
				if int64(len(leaves)) >= cp.Size {
					break
				}
				if e.Index != int64(len(leaves)) {
					report(false, "audit", "the server listed entry %d where %d was due", e.Index, len(leaves))
					return ExitInvalid
				}
				if e.Note == nil {
					hidden++
				} else if tlog.RecordHash([]byte(*e.Note)) != e.LeafHash {
					bad++
					if bad <= 5 {
						report(false, "audit", "entry %d: the document served does not hash to its leaf: it was changed after it was logged", e.Index)
					}
				} else if problem := sigs.check(e); problem != "" {
					bad++
					if bad <= 5 {
						report(false, "audit", "entry %d: %s", e.Index, problem)
					}
				} else if problem := auditMeta(e); problem != "" {
					bad++
					if bad <= 5 {
						report(false, "audit", "entry %d: %s", e.Index, problem)
					}
				} else {
					hashed++
				}
				leaves = append(leaves, e.LeafHash)
			}
			start += int64(len(page.Items))
		}
		root, err := ledger.RootOf(leaves)
		switch {
		case int64(len(leaves)) != cp.Size:
			report(false, "audit", "the server listed %d entries, the checkpoint says %d", len(leaves), cp.Size)
		case err != nil || root != cp.Root:
			report(false, "audit", "the leaves served give root %s, not the checkpoint's %s: history was rewritten", short(root), short(cp.Root))
		case bad > 0:
			report(false, "audit", "%d of %d documents do not match their leaves, their signatures or the columns the log gives them", bad, cp.Size)
		default:
			msg := fmt.Sprintf("%d entries: every document hashes to its leaf, carries a valid signature of the party the log names, and gives the kind, party, date and revision the log says, and the leaves give the checkpoint's root", hashed)
			if hidden > 0 {
				msg += fmt.Sprintf(" (%d more not readable with your key: their leaves only)", hidden)
			}
			report(true, "audit", "%s", msg)
		}
	}

	if failed {
		fmt.Fprintln(s.Err, "backstop verify: the log failed a check; keep your saved checkpoint as evidence")
		return ExitInvalid
	}
	if *save != "" {
		if err := os.WriteFile(*save, signed, 0o644); err != nil {
			return fail("--save: %v", err)
		}
		fmt.Fprintf(s.Err, "saved the checkpoint of %d entries to %s\n", cp.Size, *save)
	}
	return ExitOK
}

func short(h tlog.Hash) string { return h.String()[:12] + "…" }

// auditMeta derives from an entry's document the columns the server
// derives when it accepts it (entrymeta, the same function) and compares
// them with those the log serves: a date or revision edited in the
// database would make a party's next real declaration stale.
func auditMeta(e api.Entry) string {
	m, err := entrymeta.FromText(signing.Text([]byte(*e.Note)))
	if err != nil {
		return fmt.Sprintf("the document cannot be read: %v", err)
	}
	cols := m.Compare(e.Kind, e.Framework, e.Subject, e.Date, e.Revision)
	if len(cols) == 0 {
		return ""
	}
	var parts []string
	for _, c := range cols {
		parts = append(parts, c.String())
	}
	return "the log's columns differ from its document: " + strings.Join(parts, "; ")
}

// signatureAudit re-checks every document's signatures as the log is read
// in order, with the keys of the framework in force at that entry: a
// server that forged a document and rebuilt its tree around it still
// cannot sign as a party.
type signatureAudit struct {
	logKey   note.Verifier
	keyrings map[string]*signing.Keyring
}

func (a *signatureAudit) check(e api.Entry) string {
	kr := a.keyrings[e.Framework]
	if kr == nil {
		kr = signing.NewKeyring(nil, a.logKey)
	}
	signed, err := kr.Open([]byte(*e.Note))
	if err != nil {
		return fmt.Sprintf("the document's signature does not verify with the keys in force (%v)", err)
	}
	if _, ok := signed.SignedBy(e.Signer); !ok {
		who := e.Signer
		if who == "" {
			who = "the log's key"
		}
		return fmt.Sprintf("the log says %s signed it, but no valid signature of %s is on it", who, who)
	}
	if e.Kind == "Framework" {
		l := &load.Loader{}
		l.AddBytes("framework", signed.Text)
		set, _ := l.Finish()
		if fws := set.Frameworks(); len(fws) == 1 {
			a.keyrings[e.Framework] = signing.NewKeyring(fws[0], a.logKey)
		}
	}
	return ""
}
