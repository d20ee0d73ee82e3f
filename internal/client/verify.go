package client

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/entrymeta"
	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/witness"
)

// VerifyOptions says what Verify checks beyond the signed checkpoint.
type VerifyOptions struct {
	// LogKey is the log's key, pinned; nil trusts the key the server
	// gives on first use.
	LogKey note.Verifier
	// Witnesses, when any, must have cosigned the checkpoint, at least
	// Quorum of them.
	Witnesses []*witness.Verifier
	Quorum    int
	// Since is a checkpoint kept earlier (named SinceName in messages):
	// the log must have only grown since. Nil checks nothing.
	Since     []byte
	SinceName string
	// Documents must each be in the log.
	Documents []Document
	// Audit downloads every entry and re-checks it: its hash, its
	// signatures with the keys of the framework in force, its columns,
	// and the root the leaves give.
	Audit bool
	// OnCheck, when set, is called with each check as it is decided, so
	// that a long audit can be shown as it goes.
	OnCheck func(Check)
}

// Document is a signed document that must be in the log.
type Document struct {
	Name   string // how messages name it, such as its path
	Signed []byte // the document as submitted, with its signatures
}

// Check is the outcome of one check: its name (checkpoint, witnesses,
// since, document, audit), whether it passed, and what was found.
type Check struct {
	Name    string
	OK      bool
	Message string
}

// VerifyReport is what Verify found, one Check per finding in order.
type VerifyReport struct {
	Checks []Check
	// Signed is the checkpoint note as served; Checkpoint is it parsed,
	// nil when it does not verify with the log's key (nothing else was
	// checked then).
	Signed     []byte
	Checkpoint *ledger.Checkpoint
	// Stopped: a check failed in a way that made the rest meaningless
	// (the server listed the log out of order), so they were not run.
	Stopped bool
}

// OK says whether every check passed.
func (r *VerifyReport) OK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return r.Checkpoint != nil && !r.Stopped
}

// Verify checks the server's log without trusting the server: the
// checkpoint's signature, the witnesses' cosignatures, consistency with
// a kept checkpoint, the inclusion of documents, and the audit of every
// entry. A failed check is a Check in the report; an error means the
// checks could not be completed (the server could not be reached or
// answered nonsense), with the report holding the checks done so far.
func Verify(ctx context.Context, c *Client, opts VerifyOptions) (*VerifyReport, error) {
	v := &verification{c: c, opts: opts, rep: &VerifyReport{}}
	key, how, err := v.logKey(ctx)
	if err != nil {
		return v.rep, err
	}
	signed, err := c.Checkpoint(ctx)
	if err != nil {
		return v.rep, fmt.Errorf("fetching the checkpoint: %w", err)
	}
	v.rep.Signed = signed
	cp, err := ledger.ParseCheckpoint(signed, key)
	if err != nil {
		v.add(false, "checkpoint", "%v", err)
		return v.rep, nil
	}
	v.key, v.cp, v.rep.Checkpoint = key, cp, &cp
	v.add(true, "checkpoint", "%d entries, root %s, signed by %s (%s)", cp.Size, short(cp.Root), signing.KeyID(key.Name(), key.KeyHash()), how)
	if len(opts.Witnesses) > 0 {
		ok, msg := CheckCosignatures(signed, opts.Witnesses, opts.Quorum)
		v.add(ok, "witnesses", "%s", msg)
	}
	if opts.Since != nil {
		v.since(ctx)
	}
	for _, d := range opts.Documents {
		v.document(ctx, d)
	}
	if opts.Audit {
		if err := v.audit(ctx); err != nil {
			return v.rep, err
		}
	}
	return v.rep, nil
}

// verification is one run of Verify.
type verification struct {
	c    *Client
	opts VerifyOptions
	rep  *VerifyReport
	key  note.Verifier
	cp   ledger.Checkpoint
}

func (v *verification) add(ok bool, name, format string, a ...any) {
	c := Check{Name: name, OK: ok, Message: fmt.Sprintf(format, a...)}
	v.rep.Checks = append(v.rep.Checks, c)
	if v.opts.OnCheck != nil {
		v.opts.OnCheck(c)
	}
}

// logKey is the pinned key, or the server's, and how it came to be trusted.
func (v *verification) logKey(ctx context.Context) (note.Verifier, string, error) {
	if v.opts.LogKey != nil {
		return v.opts.LogKey, "pinned with --log-key", nil
	}
	text, err := v.c.LogKey(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("fetching the log key: %w", err)
	}
	key, err := signing.ParseVerifier(text)
	if err != nil {
		return nil, "", fmt.Errorf("the server's log key: %w", err)
	}
	return key, "the key the server gives, trusted on first use: pin it with --log-key", nil
}

// since checks that the log only grew since the kept checkpoint.
func (v *verification) since(ctx context.Context) {
	cp, name := v.cp, v.opts.SinceName
	prev, err := ledger.ParseCheckpoint(v.opts.Since, v.key)
	switch {
	case err != nil:
		hint := "it is not a signed checkpoint"
		if strings.Contains(err.Error(), "not signed by the log key") {
			hint = "did the server change its key?"
		}
		v.add(false, "since", "%s: %v (%s)", name, err, hint)
		return
	case prev.Size > cp.Size:
		v.add(false, "since", "the log shrank from %d to %d entries: history was rewritten", prev.Size, cp.Size)
		return
	case prev.Size == 0:
		v.add(true, "since", "the kept checkpoint is of an empty log")
		return
	}
	proof, err := v.c.Consistency(ctx, prev.Size, cp.Size)
	if err != nil && prev.Size != cp.Size {
		v.add(false, "since", "no consistency proof from %d to %d entries: %v", prev.Size, cp.Size, err)
		return
	}
	var hashes tlog.TreeProof
	if proof != nil {
		hashes = proof.Proof
	}
	if err := ledger.VerifyConsistency(prev, cp, hashes); err != nil {
		v.add(false, "since", "%v", err)
	} else {
		v.add(true, "since", "the log only grew since the checkpoint of %d entries (%d → %d)", prev.Size, prev.Size, cp.Size)
	}
}

// document checks that a signed document is in the log.
func (v *verification) document(ctx context.Context, d Document) {
	leaf := tlog.RecordHash(d.Signed)
	inc, err := v.c.Inclusion(ctx, leaf, v.cp.Size)
	if err != nil {
		v.add(false, "document", "%s is not in the log: %v", d.Name, err)
		return
	}
	if err := ledger.VerifyInclusion(v.cp, inc.Index, leaf, inc.Proof); err != nil {
		v.add(false, "document", "%s: %v", d.Name, err)
	} else {
		v.add(true, "document", "%s is entry %d of the log (inclusion proof of %d hashes)", d.Name, inc.Index, len(inc.Proof))
	}
}

// maxEntryFindings is how many bad entries the audit names one by one.
const maxEntryFindings = 5

// audit reads the whole log and re-checks every entry it may read.
func (v *verification) audit(ctx context.Context) error {
	a := &entryAudit{v: v, sigs: &signatureAudit{logKey: v.key, keyrings: map[string]*signing.Keyring{}}}
	a.leaves = make([]tlog.Hash, 0, v.cp.Size)
	for start := int64(0); start < v.cp.Size; {
		page, err := v.c.Entries(ctx, start, 1000)
		if err != nil {
			return fmt.Errorf("fetching entries: %w", err)
		}
		if len(page.Items) == 0 {
			break
		}
		for _, e := range page.Items {
			if int64(len(a.leaves)) >= v.cp.Size {
				break
			}
			if e.Index != int64(len(a.leaves)) {
				v.add(false, "audit", "the server listed entry %d where %d was due", e.Index, len(a.leaves))
				v.rep.Stopped = true
				return nil
			}
			a.entry(e)
		}
		start += int64(len(page.Items))
	}
	a.conclude()
	return nil
}

// entryAudit is the state of an audit: the leaves read so far and the
// counts of entries checked, not readable and found bad.
type entryAudit struct {
	v                   *verification
	sigs                *signatureAudit
	leaves              []tlog.Hash
	hashed, hidden, bad int
}

func (a *entryAudit) entry(e api.Entry) {
	a.leaves = append(a.leaves, e.LeafHash)
	if e.Note == nil {
		a.hidden++
		return
	}
	problem := ""
	if tlog.RecordHash([]byte(*e.Note)) != e.LeafHash {
		problem = "the document served does not hash to its leaf: it was changed after it was logged"
	} else if problem = a.sigs.check(e); problem == "" {
		problem = auditMeta(e)
	}
	if problem == "" {
		a.hashed++
		return
	}
	a.bad++
	if a.bad <= maxEntryFindings {
		a.v.add(false, "audit", "entry %d: %s", e.Index, problem)
	}
}

func (a *entryAudit) conclude() {
	cp := a.v.cp
	root, err := ledger.RootOf(a.leaves)
	switch {
	case int64(len(a.leaves)) != cp.Size:
		a.v.add(false, "audit", "the server listed %d entries, the checkpoint says %d", len(a.leaves), cp.Size)
	case err != nil || root != cp.Root:
		a.v.add(false, "audit", "the leaves served give root %s, not the checkpoint's %s: history was rewritten", short(root), short(cp.Root))
	case a.bad > 0:
		a.v.add(false, "audit", "%d of %d documents do not match their leaves, their signatures or the columns the log gives them", a.bad, cp.Size)
	default:
		msg := fmt.Sprintf("%d entries: every document hashes to its leaf, carries a valid signature of the party the log names, and gives the kind, party, date and revision the log says, and the leaves give the checkpoint's root", a.hashed)
		if a.hidden > 0 {
			msg += fmt.Sprintf(" (%d more not readable with your key: their leaves only)", a.hidden)
		}
		a.v.add(true, "audit", "%s", msg)
	}
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
		set, _ := load.Bytes("framework", signed.Text)
		if fws := set.Frameworks(); len(fws) == 1 {
			a.keyrings[e.Framework] = signing.NewKeyring(fws[0], a.logKey)
		}
	}
	return ""
}

// CheckCosignatures says whether the checkpoint note carries valid
// cosignatures of at least quorum of the witnesses, and which signed.
func CheckCosignatures(signed []byte, ws []*witness.Verifier, quorum int) (bool, string) {
	got, err := witness.Cosignatures(signed, ws)
	if err != nil {
		return false, err.Error()
	}
	have := map[string]bool{}
	var by []string
	for _, c := range got {
		have[c.Witness.ID()] = true
		by = append(by, fmt.Sprintf("%s at %s", c.Witness.ID(), c.Time.Format(time.RFC3339)))
	}
	var missing []string
	for _, w := range ws {
		if !have[w.ID()] {
			missing = append(missing, w.ID())
		}
	}
	msg := fmt.Sprintf("cosigned by %d of the %d witnesses listed, %d required", len(got), len(ws), quorum)
	if len(by) > 0 {
		msg += "; signed: " + strings.Join(by, ", ")
	}
	if len(missing) > 0 {
		msg += "; not signed: " + strings.Join(missing, ", ")
	}
	if len(got) < quorum {
		return false, msg + ": the witnesses have not seen this checkpoint, so the server may be showing you a history it hides from them (or they are behind: try again in a minute)"
	}
	return true, msg
}
