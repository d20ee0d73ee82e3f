package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/entrymeta"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// submission is a checked document waiting for its place in the log.
type submission struct {
	entry store.Entry // Index, LeafHash and Received are set on append
	// fwEntry is the framework entry whose keys and rules it was checked
	// against (-1: the framework did not exist yet). Were the framework to
	// change before the append, the check would be stale.
	fwEntry  int64
	warnings []api.Diagnostic
	// incidents are the ids of an Incidents document: an id is reported
	// once, as a correction would make the stored set contradict itself.
	incidents []string
	// decoded is what the check read of the document: its incidents, or
	// the namedKey of a Scenario, Corroboration, Finding or Action (whose
	// id is stored once); the record keeps them.
	decoded decoded
	done    chan submitResult
}

type submitResult struct {
	entry   store.Entry
	problem *api.Problem
}

// submittedName is the file name diagnostics give the submitted document.
const submittedName = "submitted"

// acceptedTypes are the media types a submission may carry: a signed
// document is text.
var acceptedTypes = []string{api.NoteType, "text/plain", "application/yaml", "application/x-yaml", "text/yaml"}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || !slices.Contains(acceptedTypes, mt) {
		writeProblem(w, r, problem(http.StatusUnsupportedMediaType, "unsupported-media-type",
			fmt.Sprintf("a submission is a signed document sent as %s (or text/plain), not %q", api.NoteType, r.Header.Get("Content-Type"))))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(w, r, problem(http.StatusRequestEntityTooLarge, "too-large",
				fmt.Sprintf("the body is over the server's limit of %d bytes (--max-body)", tooBig.Limit)))
			return
		}
		writeProblem(w, r, problem(http.StatusBadRequest, "unreadable", "reading the body: "+err.Error()))
		return
	}
	sub, p := s.check(id, body, false)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	res, p := s.enqueue(r.Context(), sub)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	acc := api.Accepted{Entry: s.apiEntry(&res.entry, true), Warnings: sub.warnings}
	signed, c, err := s.log.Checkpoint() // signed once per batch (ledger.Log.sign)
	if err == nil {
		acc.Checkpoint = api.Checkpoint{Origin: c.Origin, Size: c.Size, Root: c.Root, Note: string(signed)}
	}
	w.Header().Set("Location", fmt.Sprintf("/v1/log/entries/%d", res.entry.Index))
	writeJSON(w, r, http.StatusCreated, acc)
	s.logger.Info("accepted", "entry", res.entry.Index, "kind", res.entry.Kind, "framework", res.entry.Framework,
		"signer", res.entry.Signer, "key", res.entry.Key)
}

// enqueue hands a checked submission to the appender and waits for its
// entry. A client that goes away does not cancel the append: the document
// may still land, and a retry then gets "duplicate" with its entry.
func (s *Server) enqueue(ctx context.Context, sub *submission) (submitResult, *api.Problem) {
	sub.done = make(chan submitResult, 1)
	select {
	case s.queue <- sub:
	case <-s.closing:
		return submitResult{}, problem(http.StatusServiceUnavailable, "shutting-down", "the server is shutting down; submit again later")
	case <-ctx.Done():
		return submitResult{}, problem(http.StatusServiceUnavailable, "busy", "the server is too busy to take the submission; submit again")
	}
	select {
	case res := <-sub.done:
		return res, res.problem
	case <-s.stopped:
		// The appender stopped before taking it: nothing was written.
		select {
		case res := <-sub.done:
			return res, res.problem
		default:
			return submitResult{}, problem(http.StatusServiceUnavailable, "shutting-down", "the server is shutting down; submit again later")
		}
	}
}

// check verifies a signed document's signatures, decodes and validates it,
// and decides whether its signer may submit it to framework id. seeding
// lets the server's own key submit any kind (the bundled documents).
func (s *Server) check(id string, body []byte, seeding bool) (*submission, *api.Problem) {
	if !model.ValidSlug(id) {
		return nil, problem(http.StatusNotFound, "no-framework", fmt.Sprintf("%q is not a framework id", id))
	}
	s.rec.mu.RLock()
	fr := s.rec.framework(id)
	var keyring *signing.Keyring
	var fwParsed *load.Parsed
	fwEntry := int64(-1)
	var fw *model.Framework
	if fr != nil {
		keyring, fwParsed, fwEntry, fw = fr.keyring, fr.parsed, fr.entry, fr.fw
	} else {
		keyring = signing.NewKeyring(nil, s.rec.extra...)
	}
	s.rec.mu.RUnlock()

	signed, err := keyring.Open(body)
	if err != nil {
		if fr == nil && errors.Is(err, signing.ErrUnknownKey) {
			// No framework of that id: only the server's keys can sign here, so
			// "unknown key" would hide the likelier cause, a wrong id.
			return nil, problem(http.StatusNotFound, "no-framework", fmt.Sprintf(
				"framework %s is not in the record; its Framework document comes first, signed with the server's key or an --admin key (%v)", id, err))
		}
		return nil, signatureProblem(id, err)
	}
	// Who may submit is decided before the document is decoded and
	// validated, the costly part, from its header alone; authorize decides
	// again on the decoded document.
	if p := precheck(id, fw, signed, seeding); p != nil {
		return nil, p
	}
	// The document is parsed once: decode loads it alone and next to its
	// framework, checkChange next to the framework's documents, and apply
	// keeps a framework's parse.
	parsed := load.Parse(submittedName, signed.Text)
	doc, warnings, p := decodeParsed(parsed, fwParsed)
	if p != nil {
		return nil, p
	}
	if fr != nil && doc.Action != nil && len(doc.Action.Pledges) > 0 {
		// An action's pledges are checked against its party's declaration
		// in force, as its framework's set will check them.
		if decl := s.latestDeclaration(fr, doc.Action.Party); decl != nil {
			if doc, warnings, p = decodeParsed(parsed, fwParsed, decl); p != nil {
				return nil, p
			}
		}
	}
	sub := &submission{fwEntry: fwEntry, warnings: warnings, entry: store.Entry{
		Note: body, Kind: string(doc.Kind), Framework: id,
	}}
	sig, p := authorize(doc, id, fw, signed, seeding)
	if p != nil {
		return nil, p
	}
	if doc.Framework != nil && fr != nil {
		if p := s.checkChange(fr, parsed); p != nil {
			return nil, p
		}
	}
	if doc.Declaration != nil && fr != nil && !seeding {
		// The party's stored actions name pledges of its declaration in
		// force: one that drops them would make them invalid. (Seeded
		// documents were validated together, and come in no date order.)
		if p := s.checkActions(fr, parsed, doc.Declaration.Party); p != nil {
			return nil, p
		}
	}
	sub.entry.Signer, sub.entry.Key = sig.Party, sig.Key
	// The stored columns come from entrymeta, the derivation that the
	// start-up check and `backstop verify` repeat from the document.
	m := entrymeta.Of(doc)
	sub.entry.Subject, sub.entry.Date, sub.entry.Revision = m.Subject, m.Date, m.Revision
	sub.incidents = m.Incidents
	sub.decoded = decodedOf(doc, parsed)
	return sub, nil
}

// decodedOf is what apply keeps of a checked document, parsed as parsed.
func decodedOf(doc *load.Document, parsed *load.Parsed) decoded {
	switch {
	case doc.Framework != nil:
		return decoded{fw: doc.Framework, parsed: parsed}
	case doc.Incidents != nil:
		return decoded{reports: doc.Incidents.Incidents}
	case doc.Scenario != nil:
		return decoded{named: namedKey(model.KindScenario, doc.Scenario.ID)}
	case doc.Corroboration != nil:
		return decoded{named: namedKey(model.KindCorroboration, doc.Corroboration.ID)}
	case doc.Finding != nil:
		return decoded{named: namedKey(model.KindFinding, doc.Finding.ID)}
	case doc.Action != nil:
		return decoded{named: namedKey(model.KindAction, doc.Action.ID)}
	case doc.Option != nil:
		return decoded{named: namedKey(model.KindTerritorialOption, doc.Option.ID)}
	}
	return decoded{}
}

// latestDeclaration returns, parsed under its entry's name, the
// declaration in force of party in the framework's record, or nil. The
// caller must not hold mu.
func (s *Server) latestDeclaration(fr *frameworkRecord, party string) *load.Parsed {
	s.rec.mu.RLock()
	idx, ok := fr.latest[party]
	var src []byte
	if ok {
		src = text(&s.rec.entries[idx])
	}
	s.rec.mu.RUnlock()
	if !ok {
		return nil
	}
	return load.Parse(entryName(idx), src)
}

// checkChange validates a changed framework together with the documents
// already stored under it: a change that would make them invalid (a party
// with declarations removed, a domain renamed) is refused, or the record
// could no longer be assessed.
func (s *Server) checkChange(fr *frameworkRecord, submitted *load.Parsed) *api.Problem {
	return s.checkWith(fr, false, submitted, nil)
}

// checkActions validates a party's new declaration together with the
// party's stored actions (next to the framework in force): one that no
// longer makes the pledges they fulfil is refused, or the framework's set
// would not validate.
func (s *Server) checkActions(fr *frameworkRecord, submitted *load.Parsed, party string) *api.Problem {
	return s.checkWith(fr, true, submitted, func() []int64 { return s.rec.actionsOf(fr, party) })
}

// actionsOf returns the entries of the Actions party signed in the
// framework's record, in log order; the caller holds rec.mu. Every
// declaration is checked against its party's stored actions: finding
// them by reading every document of the framework made each check cost
// in proportion to the log (a third of a submission at 20,000 entries),
// so apply keeps them by signer (an action is signed by its party).
func (r *record) actionsOf(fr *frameworkRecord, party string) []int64 {
	return slices.Clone(fr.actions[party])
}

// checkWith validates the submitted document together with the
// framework's stored documents that pick gives (all when nil; pick is
// called under rec.mu), and with the framework in force when
// withFramework; errors in the stored documents refuse the submission.
func (s *Server) checkWith(fr *frameworkRecord, withFramework bool, submitted *load.Parsed, pick func() []int64) *api.Problem {
	s.rec.mu.RLock()
	var names []string
	var texts [][]byte
	var framework *load.Parsed
	if withFramework {
		framework = fr.parsed
	}
	docs := fr.documents
	if pick != nil {
		docs = pick()
	}
	for _, idx := range docs {
		note, err := s.rec.note(&s.rec.entries[idx]) // an Incidents entry's is in the store
		if err != nil {
			s.rec.mu.RUnlock()
			return problem(http.StatusServiceUnavailable, "store-unavailable", err.Error())
		}
		names = append(names, entryName(idx))
		texts = append(texts, signing.Text(note))
	}
	s.rec.mu.RUnlock()
	if pick != nil && len(texts) == 0 {
		return nil
	}
	files := []*load.Parsed{submitted}
	for i := range texts {
		files = append(files, load.Parse(names[i], texts[i]))
	}
	var ds diag.Diagnostics
	if framework != nil {
		_, ds = nextTo(framework, files)
	} else {
		_, ds = load.Files(files...)
	}
	var errs []api.Diagnostic
	first := ""
	for _, d := range ds {
		if d.Severity == diag.Error && d.Range.File != submittedName && (framework == nil || d.Range.File != framework.Name()) {
			errs = append(errs, apiDiagnostic(d))
			if first == "" {
				first = fmt.Sprintf("%s:%d:%d: %s", d.Range.File, d.Range.Start.Line, d.Range.Start.Column, d.Summary)
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	p := problem(http.StatusUnprocessableEntity, "invalid-document",
		fmt.Sprintf("this change would make %d stored document error(s), the first: %s (each entry-N is /v1/log/entries/N)", len(errs), first))
	p.Diagnostics = errs
	return p
}

func signatureProblem(id string, err error) *api.Problem {
	switch {
	case errors.Is(err, signing.ErrUnsigned):
		return problem(http.StatusUnauthorized, "unsigned", "the document is not signed: "+err.Error())
	case errors.Is(err, signing.ErrBadSignature):
		return problem(http.StatusUnauthorized, "bad-signature", "a signature is invalid (was the document changed after signing?): "+err.Error())
	case errors.Is(err, signing.ErrUnknownKey):
		return problem(http.StatusForbidden, "unknown-key", fmt.Sprintf("%v; framework %s lists its parties' keys", err, id))
	default:
		return problem(http.StatusBadRequest, "malformed", err.Error())
	}
}

// decode loads the submitted document, alone when it is a framework and
// together with the framework in force otherwise, so that it is validated
// as `backstop validate` would validate it next to its framework. Errors in
// the submitted document refuse it; its warnings are returned. fw is the
// framework parsed.
func decode(src []byte, fw *load.Parsed) (*load.Document, []api.Diagnostic, *api.Problem) {
	return decodeParsed(load.Parse(submittedName, src), fw)
}

// decodeParsed is decode of a document already parsed (as submittedName).
// More stored documents it is checked against (an action's party's
// declaration) may follow; only the submitted document's diagnostics count.
func decodeParsed(submitted, fw *load.Parsed, more ...*load.Parsed) (*load.Document, []api.Diagnostic, *api.Problem) {
	if fw != nil && oneDocumentNotFramework(submitted) {
		// Loading it alone first would only say what it is: its errors
		// are those it has next to its framework.
		return decodeNextTo(submitted, fw, more)
	}
	set, ds := load.Files(submitted)
	if len(set.Docs) != 1 {
		// Several documents are refused as such before their errors: a
		// declaration loaded without its framework always has one.
		if p := invalid(ds); p != nil && len(set.Docs) == 0 {
			return nil, nil, p
		}
		return nil, nil, problem(http.StatusUnprocessableEntity, "one-document",
			fmt.Sprintf("a submission is one document; this holds %d (sign and submit them one by one)", len(set.Docs)))
	}
	doc := set.Docs[0]
	if doc.Framework == nil && fw == nil {
		return doc, nil, nil // authorize refuses it: no framework to submit to
	}
	if doc.Framework == nil {
		return decodeNextTo(submitted, fw, more)
	}
	if p := invalid(ds); p != nil {
		return nil, nil, p
	}
	return doc, submittedWarnings(ds), nil
}

// oneDocumentNotFramework says, without decoding, that a parsed
// submission holds one document that is not a framework.
func oneDocumentNotFramework(p *load.Parsed) bool {
	n := 0
	for _, k := range p.Kinds() {
		switch k {
		case "":
		case string(model.KindFramework):
			return false
		default:
			n++
		}
	}
	return n == 1 && len(p.Diagnostics()) == 0
}

// decodeNextTo loads a submitted document next to its framework (and the
// stored documents it is checked against).
func decodeNextTo(submitted, fw *load.Parsed, more []*load.Parsed) (*load.Document, []api.Diagnostic, *api.Problem) {
	set, ds := nextTo(fw, append([]*load.Parsed{submitted}, more...))
	if p := invalid(ds); p != nil {
		return nil, nil, p
	}
	if len(set.Docs) < 2 || set.Docs[1].File.Name != submittedName {
		return nil, nil, problem(http.StatusUnprocessableEntity, "invalid-document", "the document does not load next to its framework")
	}
	return set.Docs[1], submittedWarnings(ds), nil
}

// nextTo loads files next to the framework in force, as load.Files with
// the framework first would, but for the framework's own diagnostics,
// which are not the submission's: the framework is decoded and its own
// rules checked once per version (load.Prepared), not once per
// submission.
func nextTo(fw *load.Parsed, files []*load.Parsed) (*load.Set, diag.Diagnostics) {
	if pr := fw.Prepared(); pr != nil {
		return pr.Files(files...)
	}
	return load.Files(append([]*load.Parsed{fw}, files...)...)
}

// submittedWarnings are the submitted document's warnings but the one
// that says no declaration came with the framework.
func submittedWarnings(ds diag.Diagnostics) []api.Diagnostic {
	var warnings []api.Diagnostic
	for _, d := range ds {
		if d.Range.File == submittedName && d.Code != "no-declarations" {
			warnings = append(warnings, apiDiagnostic(d))
		}
	}
	return warnings
}

// invalid returns the 422 problem listing the submitted document's errors.
func invalid(ds diag.Diagnostics) *api.Problem {
	var errs []api.Diagnostic
	for _, d := range ds {
		if d.Severity == diag.Error && d.Range.File == submittedName {
			errs = append(errs, apiDiagnostic(d))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	p := problem(http.StatusUnprocessableEntity, "invalid-document",
		fmt.Sprintf("the document is invalid (%d error(s)); the first: line %d, column %d: %s", len(errs), errs[0].Line, errs[0].Column, errs[0].Message))
	p.Diagnostics = errs
	return p
}

func apiDiagnostic(d diag.Diagnostic) api.Diagnostic {
	return api.NewDiagnostic(d)
}

// authorize decides whether the document may be submitted to framework id
// (fw, nil when it does not exist yet) with these signatures, and returns
// the signature that authorises it.
//   - a Framework: a new one only from the server's keys; a change only
//     from the framework's secretariat (from the server's keys while no
//     secretariat has a key);
//   - a Declaration: from the declaring party;
//   - Incidents and Corroboration rules: from a monitor;
//   - a Scenario: from the secretariat or a monitor;
//   - a Finding: from the monitor that is its party;
//   - an Action: from its party, a guarantor, the beneficiary or the
//     secretariat (the secretariat's for what the guarantors did together).
func authorize(doc *load.Document, id string, fw *model.Framework, signed *signing.Signed, seeding bool) (signing.Signature, *api.Problem) {
	forbidden := func(format string, a ...any) (signing.Signature, *api.Problem) {
		return signing.Signature{}, problem(http.StatusForbidden, "not-allowed", fmt.Sprintf(format, a...))
	}
	signers := func() string {
		var out []string
		for _, s := range signed.Signatures {
			who := s.Party
			if who == "" {
				who = "the server's key"
			}
			out = append(out, fmt.Sprintf("%s (%s)", who, s.Key))
		}
		return strings.Join(out, ", ")
	}
	byRole := func(roles ...model.Role) (signing.Signature, bool) {
		for _, sig := range signed.Signatures {
			if p := fw.Parties[sig.Party]; sig.Party != "" && p != nil && slices.Contains(roles, p.Role) {
				return sig, true
			}
		}
		return signing.Signature{}, false
	}
	server, byServer := signed.SignedBy("")
	if doc.Framework == nil && fw == nil {
		return signing.Signature{}, problem(http.StatusNotFound, "no-framework",
			fmt.Sprintf("framework %s is not in the record; its Framework document comes first", id))
	}
	if seeding && byServer {
		return server, nil
	}
	switch {
	case doc.Framework != nil:
		return authorizeFramework(doc.Framework.ID, id, fw, signed, signers)
	case doc.Declaration != nil:
		d := doc.Declaration
		if d.Framework != id {
			return signing.Signature{}, problem(http.StatusUnprocessableEntity, "wrong-framework",
				fmt.Sprintf("this declaration is to framework %s, submitted to framework %s", d.Framework, id))
		}
		if sig, ok := signed.SignedBy(d.Party); ok {
			return sig, nil
		}
		return forbidden("a declaration of %s must be signed with a key of %s; it was signed by %s", d.Party, d.Party, signers())
	case doc.Incidents != nil, doc.Corroboration != nil:
		if sig, ok := byRole(model.Monitor); ok {
			return sig, nil
		}
		return forbidden("%s documents are accepted only from monitors (%s); it was signed by %s",
			doc.Kind, strings.Join(fw.PartiesWithRole(model.Monitor), ", "), signers())
	case doc.Scenario != nil:
		if sc := doc.Scenario.Framework; sc != "" && sc != id {
			return signing.Signature{}, problem(http.StatusUnprocessableEntity, "wrong-framework",
				fmt.Sprintf("this scenario is for framework %s, submitted to framework %s", sc, id))
		}
		if sig, ok := byRole(model.Secretariat, model.Monitor); ok {
			return sig, nil
		}
		return forbidden("scenarios are accepted from the secretariat or a monitor; it was signed by %s", signers())
	case doc.Finding != nil, doc.Action != nil:
		return authorizeAccount(doc, id, fw, signed, signers)
	case doc.Option != nil:
		if o := doc.Option.Framework; o != id {
			return signing.Signature{}, problem(http.StatusUnprocessableEntity, "wrong-framework",
				fmt.Sprintf("this territorial option is for framework %s, submitted to framework %s", o, id))
		}
		if sig, ok := byRole(model.Secretariat, model.Monitor); ok {
			return sig, nil
		}
		return forbidden("territorial options are accepted from the secretariat or a monitor; it was signed by %s", signers())
	}
	return signing.Signature{}, problem(http.StatusUnprocessableEntity, "invalid-document", "unknown kind of document")
}

// authorizeFramework decides on a Framework: a new one only with the
// server's key (or an --admin key, which the server signs with); a change
// only from the framework's secretariat, or from the server's key while
// no secretariat party has a key.
func authorizeFramework(docID, id string, fw *model.Framework, signed *signing.Signed, signers func() string) (signing.Signature, *api.Problem) {
	forbidden := func(format string, a ...any) (signing.Signature, *api.Problem) {
		return signing.Signature{}, problem(http.StatusForbidden, "not-allowed", fmt.Sprintf(format, a...))
	}
	if docID != id {
		return signing.Signature{}, problem(http.StatusUnprocessableEntity, "wrong-framework",
			fmt.Sprintf("this is framework %s, submitted to framework %s", docID, id))
	}
	server, byServer := signed.SignedBy("")
	if fw == nil {
		if byServer {
			return server, nil
		}
		return forbidden("a new framework is created only with the server's key or an --admin key; it was signed by %s", signers())
	}
	for _, sig := range signed.Signatures {
		if p := fw.Parties[sig.Party]; sig.Party != "" && p != nil && p.Role == model.Secretariat {
			return sig, nil
		}
	}
	if byServer && !hasKeys(fw, model.Secretariat) {
		return server, nil
	}
	return forbidden("framework %s is changed only by its secretariat (%s); it was signed by %s",
		id, strings.Join(fw.PartiesWithRole(model.Secretariat), ", "), signers())
}

// authorizeAccount decides on a Finding (only from the monitor it names)
// or an Action (only from the party it speaks for: a guarantor, the
// beneficiary, or the secretariat for a consultation).
func authorizeAccount(doc *load.Document, id string, fw *model.Framework, signed *signing.Signed, signers func() string) (signing.Signature, *api.Problem) {
	framework, party, what := "", "", ""
	var roles []model.Role
	if f := doc.Finding; f != nil {
		framework, party, what = f.Framework, f.Party, "finding"
		roles = []model.Role{model.Monitor}
	} else {
		a := doc.Action
		framework, party, what = a.Framework, a.Party, "action"
		roles = []model.Role{model.Guarantor, model.Beneficiary, model.Secretariat}
	}
	if framework != id {
		return signing.Signature{}, problem(http.StatusUnprocessableEntity, "wrong-framework",
			fmt.Sprintf("this %s is to framework %s, submitted to framework %s", what, framework, id))
	}
	if p := fw.Parties[party]; p == nil || !slices.Contains(roles, p.Role) {
		return signing.Signature{}, problem(http.StatusForbidden, "not-allowed", accountFilers(what, party, fw))
	}
	if sig, ok := signed.SignedBy(party); ok {
		return sig, nil
	}
	return signing.Signature{}, problem(http.StatusForbidden, "not-allowed",
		fmt.Sprintf("the %s of %s must be signed with a key of %s; it was signed by %s", what, party, party, signers()))
}

// submitters are the roles that may submit some kind of document
// (authorize); observer parties may submit none, and consulted parties
// only their own declarations of commitments (commitmentsOnly).
var submitters = []model.Role{model.Guarantor, model.Beneficiary, model.Secretariat, model.Monitor}

// precheck refuses a signer who may not submit the document before the
// document is decoded and validated: validation is most of what a
// submission costs, and neither that work nor its diagnostics are owed to
// a signer who may submit nothing (a consulted or observer party), or not
// this kind of document. It reads the signatures and the document's
// top-level header only (peekHeader). A header it cannot read for sure
// decides nothing: the full check follows, and authorize decides on the
// decoded document in any case.
func precheck(id string, fw *model.Framework, signed *signing.Signed, seeding bool) *api.Problem {
	if _, byServer := signed.SignedBy(""); seeding && byServer {
		return nil
	}
	h, ok := peekHeader(signed.Text)
	if fw != nil && !slices.ContainsFunc(signed.Signatures, func(sig signing.Signature) bool {
		p := fw.Parties[sig.Party]
		return sig.Party == "" || p != nil && slices.Contains(submitters, p.Role)
	}) && !commitmentsOnly(fw, signed, h, ok) {
		return problem(http.StatusForbidden, "not-allowed", fmt.Sprintf(
			"%s may submit nothing to framework %s: documents come from guarantors and the beneficiary (their declarations), consulted parties (their own declarations of commitments, without pledges), the secretariat and monitors",
			signerList(fw, signed), id))
	}
	if !ok {
		return nil
	}
	doc := &load.Document{Kind: h.kind}
	switch h.kind {
	case model.KindFramework:
		if h.id == "" {
			return nil
		}
		doc.Framework = &model.Framework{ID: h.id}
	case model.KindDeclaration:
		if h.framework == "" || h.party == "" {
			return nil
		}
		doc.Declaration = &model.Declaration{Framework: h.framework, Party: h.party}
		if p := fwParty(fw, h.party); h.framework == id && p != nil && p.Role != model.Guarantor && p.Role != model.Beneficiary &&
			(p.Role != model.Consulted || h.pledges) {
			return problem(http.StatusForbidden, "not-allowed", fmt.Sprintf(
				"%s has role %s in %s; only guarantors and the beneficiary declare pledges (a consulted party declares commitments only)", h.party, p.Role, id))
		}
	case model.KindIncidents:
		doc.Incidents = &model.Incidents{}
	case model.KindCorroboration:
		doc.Corroboration = &model.Corroboration{}
	case model.KindScenario:
		doc.Scenario = &model.Scenario{Framework: h.framework}
	case model.KindTerritorialOption:
		if h.framework == "" {
			return nil
		}
		doc.Option = &model.TerritorialOption{Framework: h.framework}
	case model.KindFinding, model.KindAction:
		if h.framework == "" || h.party == "" {
			return nil
		}
		if h.kind == model.KindFinding {
			doc.Finding = &model.Finding{Framework: h.framework, Party: h.party}
		} else {
			doc.Action = &model.Action{Framework: h.framework, Party: h.party}
		}
	default:
		return nil
	}
	// Only the signer is decided here: a document of another framework,
	// say, is refused as the full check refuses it, with its diagnostics.
	if _, p := authorize(doc, id, fw, signed, seeding); p != nil && p.Status == http.StatusForbidden {
		return p
	}
	return nil
}

// accountFilers says who files a finding or an action (what), for
// party, which may not.
func accountFilers(what, party string, fw *model.Framework) string {
	role := "is not a party of " + fw.ID
	if p := fw.Parties[party]; p != nil {
		role = fmt.Sprintf("has role %s in %s", p.Role, fw.ID)
	}
	if what == "finding" {
		return fmt.Sprintf("%s %s; findings are filed by monitors (%s)", party, role, strings.Join(fw.PartiesWithRole(model.Monitor), ", "))
	}
	return fmt.Sprintf("%s %s; actions are filed by guarantors and the beneficiary for themselves, and by the secretariat for what the guarantors did together", party, role)
}

func fwParty(fw *model.Framework, id string) *model.Party {
	if fw == nil {
		return nil
	}
	return fw.Parties[id]
}

// signerList names the signers of a document, with their roles.
func signerList(fw *model.Framework, signed *signing.Signed) string {
	var out []string
	for _, sig := range signed.Signatures {
		switch p := fwParty(fw, sig.Party); {
		case sig.Party == "":
			out = append(out, fmt.Sprintf("the server's key (%s)", sig.Key))
		case p != nil:
			out = append(out, fmt.Sprintf("%s (%s, %s)", sig.Party, p.Role, sig.Key))
		default:
			out = append(out, fmt.Sprintf("%s (%s)", sig.Party, sig.Key))
		}
	}
	return strings.Join(out, ", ")
}

// header is what peekHeader reads of a document.
type header struct {
	kind                 model.Kind
	id, framework, party string
	// pledges is set when the document has a top-level `pledges` key.
	pledges bool
}

// peekHeader reads the top-level scalars kind, id, framework and party of
// a document written as a block mapping, the way `backstop sign` leaves
// it, without parsing the YAML: a scan of the lines that start at column
// 0. It answers false when it cannot be sure of them: a line at column 0
// that is not a plain `key: value`, a value it would have to parse (a
// quoted or flow value not closed on its line, an anchor, alias, tag or
// block scalar of one of those keys), or one of them given twice. Its
// answer is only used to refuse early; the decoded document is
// authorised again.
func peekHeader(text []byte) (header, bool) {
	var h header
	seen := map[string]bool{}
	content := false
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 || line[0] == ' ' || line[0] == '#' {
			continue // blank, a comment, or nested content
		}
		if !content && bytes.Equal(bytes.TrimRight(line, " "), []byte("---")) {
			continue
		}
		content = true
		key, value, ok := topLevelPair(line)
		if !ok {
			return header{}, false
		}
		switch key {
		case "kind", "id", "framework", "party":
		case "pledges":
			h.pledges = true
			continue
		default:
			continue
		}
		if seen[key] || value == "" || strings.ContainsAny(value[:1], "&*!|>%@`[{") {
			return header{}, false
		}
		seen[key] = true
		switch key {
		case "kind":
			h.kind = model.Kind(value)
		case "id":
			h.id = value
		case "framework":
			h.framework = value
		case "party":
			h.party = value
		}
	}
	return h, h.kind != ""
}

// topLevelPair splits a line `key: value # comment` into its key and
// value (unquoted); false for anything else at column 0, or a value
// that does not end on the line.
func topLevelPair(line []byte) (key, value string, ok bool) {
	i := 0
	for i < len(line) && (line[i] == '_' || line[i] == '-' && i > 0 || line[i] >= 'a' && line[i] <= 'z' ||
		line[i] >= 'A' && line[i] <= 'Z' || line[i] >= '0' && line[i] <= '9' && i > 0) {
		i++
	}
	if i == 0 || i >= len(line) || line[i] != ':' || i+1 < len(line) && line[i+1] != ' ' {
		return "", "", false
	}
	key, rest := string(line[:i]), strings.TrimSpace(string(line[i+1:]))
	switch {
	case rest == "" || rest[0] == '#':
		return key, "", true
	case rest[0] == '"' || rest[0] == '\'':
		q := rest[0]
		end := strings.IndexByte(rest[1:], q)
		if end < 0 || strings.ContainsAny(rest[1:end+1], "\\'\"") {
			return "", "", false
		}
		after := strings.TrimSpace(rest[end+2:])
		if after != "" && after[0] != '#' {
			return "", "", false
		}
		return key, rest[1 : end+1], true
	case rest[0] == '[' || rest[0] == '{':
		v := rest
		if c := strings.Index(v, " #"); c >= 0 {
			v = strings.TrimSpace(v[:c])
		}
		if close := map[byte]byte{'[': ']', '{': '}'}[rest[0]]; v[len(v)-1] != close {
			return "", "", false
		}
		return key, v, true
	}
	if c := strings.Index(rest, " #"); c >= 0 {
		rest = strings.TrimSpace(rest[:c])
	}
	return key, rest, true
}

func hasKeys(fw *model.Framework, role model.Role) bool {
	for _, id := range fw.PartiesWithRole(role) {
		if len(fw.Parties[id].Keys) > 0 {
			return true
		}
	}
	return false
}

// appendLoop is the single writer: it takes the submissions queued since
// its last commit, checks what depends on the record (duplicates,
// freshness, a framework changed meanwhile) and appends the accepted ones
// in one transaction — a group commit, so that one fsync serves many
// parties submitting at once.
func (s *Server) appendLoop() {
	defer close(s.stopped)
	for {
		var first *submission
		select {
		case first = <-s.queue:
		case <-s.closing:
			// Write what was queued before the close; later senders see
			// s.stopped and are told to come back.
			for {
				batch := s.take(nil)
				if len(batch) == 0 {
					return
				}
				s.commit(batch)
			}
		}
		s.commit(s.take([]*submission{first}))
	}
}

// take adds to batch whatever is queued, up to maxBatch, without waiting.
func (s *Server) take(batch []*submission) []*submission {
	for len(batch) < maxBatch {
		select {
		case sub := <-s.queue:
			batch = append(batch, sub)
		default:
			return batch
		}
	}
	return batch
}

const maxBatch = 256

func (s *Server) commit(batch []*submission) { s.commitBatch(batch, true) }

// commitBatch checks and appends a batch. When an append fails, the store
// is read back (recover): a batch that was stored although the append
// said otherwise (the reply to its COMMIT lost) is published and answered
// as accepted, so that the record never diverges from the store; retry
// lets the rest of the batch be checked and appended once more after the
// record caught up.
func (s *Server) commitBatch(batch []*submission, retry bool) {
	if s.isUnsure() && !s.catchUp(batch) {
		return
	}
	accepted, entries := s.admit(batch)
	if len(entries) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	// The record is updated as the log publishes the new size, so that no
	// reader sees a checkpoint whose entries the record lacks.
	_, err := s.log.Append(ctx, entries, func(appended []store.Entry) {
		s.rec.mu.Lock()
		defer s.rec.mu.Unlock()
		for i, e := range appended {
			if err := s.rec.apply(e, accepted[i].decoded); err != nil {
				s.logger.Error("record out of step", "entry", e.Index, "err", err)
			}
			accepted[i].entry = e
		}
	})
	if err != nil {
		s.logger.Error("append failed", "entries", len(entries), "err", err)
		s.storeFailed(err)
		s.recoverAppend(accepted, err, retry)
		return
	}
	s.storeWrote()
	s.changes.notify()
	for i := range accepted {
		accepted[i].done <- submitResult{entry: accepted[i].entry}
	}
}

// catchUp reads the store back after an append whose outcome was unknown,
// before anything is checked against the record. When the store cannot be
// read, it answers the batch and returns false.
func (s *Server) catchUp(batch []*submission) bool {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	n, err := s.resync(ctx, nil)
	cancel()
	if n > 0 {
		s.changes.notify()
	}
	if err != nil {
		s.storeFailed(err)
		s.logger.Error("store unreadable", "entries", len(batch), "err", err)
		for _, sub := range batch {
			sub.done <- submitResult{problem: problem(http.StatusServiceUnavailable, "store-failed",
				"the record could not be read back from the database; nothing of this submission was stored, submit again")}
		}
		return false
	}
	s.setUnsure(false)
	return true
}

// partyKey is a party of a framework.
type partyKey struct{ framework, party string }

// batchCheck is what a batch has had accepted so far, which its later
// submissions must not repeat or contradict.
type batchCheck struct {
	declarations map[partyKey]*store.Entry // the latest declaration of each party
	texts        map[tlog.Hash]bool        // textHash of the accepted documents
	changed      map[string]bool           // frameworks changed
	incidents    map[string]bool           // framework "\x00" incident id
	named        map[string]bool           // framework "\x00" namedKey
}

// admit checks a batch against the record and against itself (duplicates,
// freshness, a framework changed meanwhile): the refused submissions are
// answered, the accepted ones returned with their entries, received now.
func (s *Server) admit(batch []*submission) ([]*submission, []store.Entry) {
	now := time.Now().UTC()
	b := &batchCheck{declarations: map[partyKey]*store.Entry{}, texts: map[tlog.Hash]bool{},
		changed: map[string]bool{}, incidents: map[string]bool{}, named: map[string]bool{}}
	var accepted []*submission
	var entries []store.Entry
	s.rec.mu.RLock()
	defer s.rec.mu.RUnlock()
	for _, sub := range batch {
		e := &sub.entry
		th := textHash(e)
		if p := s.refusal(sub, th, b); p != nil {
			sub.done <- submitResult{problem: p}
			continue
		}
		for _, id := range sub.incidents {
			b.incidents[e.Framework+"\x00"+id] = true
		}
		if sub.decoded.named != "" {
			b.named[e.Framework+"\x00"+sub.decoded.named] = true
		}
		switch e.Kind {
		case string(model.KindDeclaration):
			b.declarations[partyKey{e.Framework, e.Subject}] = e
		case string(model.KindFramework):
			b.changed[e.Framework] = true
		}
		b.texts[th] = true
		e.Received = now
		accepted = append(accepted, sub)
		entries = append(entries, *e)
	}
	return accepted, entries
}

// refusal is why a submission of a batch is refused (th is its textHash),
// or nil. The caller holds rec.mu.
func (s *Server) refusal(sub *submission, th tlog.Hash, b *batchCheck) *api.Problem {
	e := &sub.entry
	fr := s.rec.framework(e.Framework)
	cur := int64(-1)
	if fr != nil {
		cur = fr.entry
	}
	if idx, dup := s.rec.texts[th]; dup {
		p := problem(http.StatusConflict, "duplicate", fmt.Sprintf("this document is already entry %d of the log (signed as it is there, or otherwise)", idx))
		p.Entry = &idx
		return p
	}
	switch {
	case b.texts[th]:
		return problem(http.StatusConflict, "duplicate", "the same signed document was submitted twice at once; one copy is accepted")
	case sub.fwEntry != cur || b.changed[e.Framework]:
		return problem(http.StatusConflict, "framework-changed",
			fmt.Sprintf("framework %s changed while this was being checked; submit again", e.Framework))
	}
	if id, at, dup := s.reported(fr, sub.incidents, b.incidents); dup {
		p := problem(http.StatusConflict, "incident-exists", fmt.Sprintf(
			"incident %q is already in the record (entry %d); incidents are never rewritten: report a correction under a new id", id, at))
		if at >= 0 {
			p.Entry = &at
		}
		return p
	}
	if p := namedTaken(fr, sub, b); p != nil {
		return p
	}
	if e.Kind == string(model.KindDeclaration) {
		return s.stale(fr, e, b)
	}
	return nil
}

// namedTaken refuses a Scenario, Corroboration, Finding or Action whose id
// is already in the record or the batch. The caller holds rec.mu.
func namedTaken(fr *frameworkRecord, sub *submission, b *batchCheck) *api.Problem {
	e := &sub.entry
	if sub.decoded.named == "" {
		return nil
	}
	at, stored := int64(-1), false
	if fr != nil {
		at, stored = fr.named[sub.decoded.named]
	}
	if !stored && !b.named[e.Framework+"\x00"+sub.decoded.named] {
		return nil
	}
	kind, id, _ := strings.Cut(sub.decoded.named, "\x00")
	counts := fmt.Sprintf("the latest %s counts", kind)
	if kind == string(model.KindAction) {
		counts = "each Action counts"
	}
	p := problem(http.StatusConflict, "id-exists", fmt.Sprintf(
		"%s %q is already in the record%s; documents are never rewritten: submit the new one under a new id (%s)",
		kind, id, entryText(at, stored), counts))
	if stored {
		p.Entry = &at
	}
	return p
}

// stale refuses a declaration that would not supersede its party's
// declaration in force, in the record or the batch. The caller holds
// rec.mu.
func (s *Server) stale(fr *frameworkRecord, e *store.Entry, b *batchCheck) *api.Problem {
	newer, in := s.rec.newer(fr, e.Subject, e.Date, e.Revision)
	if prev := b.declarations[partyKey{e.Framework, e.Subject}]; prev != nil {
		newer, in = later(e, prev), prev
	}
	if newer {
		return nil
	}
	return problem(http.StatusConflict, "stale",
		fmt.Sprintf("%s's declaration in force is dated %s; this one (%s) is not newer, so it would not supersede it (a replayed or older declaration never does; give a later date or a higher revision)",
			e.Subject, describe(in), describe(e)))
}

// recoverAppend answers the submissions of a batch whose append failed. The
// failure may be the reply's rather than the write's (a connection lost
// during COMMIT: PostgreSQL stored the batch, the driver reports an
// error), so the store is read back first and whatever it holds beyond the
// record is published (resync): those of the batch that are stored are
// accepted with their entries. The others were not stored; with retry,
// when the record moved, they are checked again and appended.
func (s *Server) recoverAppend(accepted []*submission, appendErr error, retry bool) {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	known := make(map[tlog.Hash]decoded, len(accepted))
	for _, sub := range accepted {
		known[tlog.RecordHash(sub.entry.Note)] = sub.decoded
	}
	n, err := s.resync(ctx, known)
	if n > 0 {
		s.changes.notify()
	}
	var rest []*submission
	for _, sub := range accepted {
		s.rec.mu.RLock()
		idx, ok := s.rec.leaves[tlog.RecordHash(sub.entry.Note)]
		var e store.Entry
		if ok {
			e = s.rec.entries[idx]
		}
		s.rec.mu.RUnlock()
		if ok {
			s.logger.Info("accepted", "entry", e.Index, "note", "stored although the append reported an error")
			sub.done <- submitResult{entry: e}
			continue
		}
		rest = append(rest, sub)
	}
	if err != nil {
		// The store cannot be read back: these may or may not be stored.
		// The next batch reads it back before anything else.
		s.setUnsure(true)
		s.storeFailed(fmt.Errorf("%w; then reading the store back: %w", appendErr, err))
		s.logger.Error("store unreadable after a failed append", "err", err)
		for _, sub := range rest {
			sub.done <- submitResult{problem: problem(http.StatusServiceUnavailable, "store-failed",
				"the database failed while writing the record and could not be read back, so this may or may not have been stored; submit again: a copy already in the log is refused as duplicate, with its entry")}
		}
		return
	}
	if len(rest) == 0 {
		s.storeWrote() // the whole batch is stored: the store writes
		return
	}
	if retry && n > 0 {
		s.commitBatch(rest, false)
		return
	}
	// A commit can still land after its connection was lost: read the
	// store back again before the next append.
	s.setUnsure(true)
	for _, sub := range rest {
		sub.done <- submitResult{problem: problem(http.StatusServiceUnavailable, "store-failed", "the record could not be written; nothing was stored, submit again")}
	}
}

// resync brings the log and the record up to the store: it reads back the
// entries the store holds beyond the log's size and publishes them as an
// append would, the store confirming that they are stored exactly as the
// log computes them (store.ConfirmStored), so that the log's size, tree
// and checkpoints are never other than the store's. known gives what a
// check already decoded of some of them, by leaf hash. It returns how many
// entries it published.
func (s *Server) resync(ctx context.Context, known map[tlog.Hash]decoded) (int64, error) {
	size, err := s.st.Size(ctx)
	if err != nil {
		return 0, err
	}
	have := s.log.Size()
	if size < have {
		return 0, fmt.Errorf("the store holds %d entries, fewer than the %d the log published", size, have)
	}
	var n int64
	for have < size {
		page, err := s.st.Entries(ctx, have, int(min(size-have, maxBatch)))
		if err != nil {
			return n, err
		}
		if len(page) == 0 || page[0].Index != have {
			return n, fmt.Errorf("reading the store back: entry %d is missing", have)
		}
		_, err = s.log.Append(store.ConfirmStored(ctx), page, func(appended []store.Entry) {
			s.rec.mu.Lock()
			defer s.rec.mu.Unlock()
			for _, e := range appended {
				if err := s.rec.apply(e, known[e.LeafHash]); err != nil {
					s.logger.Error("record out of step", "entry", e.Index, "err", err)
				}
			}
		})
		if err != nil {
			return n, err
		}
		s.logger.Warn("published entries found in the store after a failed append", "from", have, "entries", len(page))
		have += int64(len(page))
		n += int64(len(page))
	}
	return n, nil
}

func entryText(at int64, stored bool) string {
	if !stored {
		return " (submitted twice at once)"
	}
	return fmt.Sprintf(" (entry %d)", at)
}

// reported finds an incident id already in the record (its entry) or in
// the batch (entry -1). The caller holds rec.mu.
func (s *Server) reported(fr *frameworkRecord, ids []string, batch map[string]bool) (string, int64, bool) {
	for _, id := range ids {
		if fr != nil {
			if at, ok := fr.incidents[id]; ok {
				return id, at, true
			}
			if batch[fr.id+"\x00"+id] {
				return id, -1, true
			}
		}
	}
	return "", 0, false
}

func later(a, b *store.Entry) bool {
	if a.Date != b.Date {
		return a.Date > b.Date
	}
	return a.Revision > b.Revision
}

func describe(e *store.Entry) string {
	if e.Revision == 0 {
		return e.Date
	}
	return fmt.Sprintf("%s revision %d", e.Date, e.Revision)
}

// commitmentsOnly reports whether the document is what a consulted party
// (the adversary) may submit: its own Declaration to the framework,
// without pledges, signed by it, read from a header peekHeader could read
// for sure (a document whose header cannot be read is refused before it
// is decoded, as from any party that may submit nothing else).
func commitmentsOnly(fw *model.Framework, signed *signing.Signed, h header, readable bool) bool {
	if !readable || h.kind != model.KindDeclaration || h.pledges || h.party == "" {
		return false
	}
	p := fw.Parties[h.party]
	if p == nil || p.Role != model.Consulted {
		return false
	}
	_, ok := signed.SignedBy(h.party)
	return ok
}
