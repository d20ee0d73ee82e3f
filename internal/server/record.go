package server

import (
	"fmt"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// record is the server's in-memory view of the log: every entry, and per
// framework the documents that count now. It is rebuilt from the store at
// start and updated after each append, under mu.
type record struct {
	mu         sync.RWMutex
	entries    []store.Entry
	leaves     map[tlog.Hash]int64
	texts      map[tlog.Hash]int64 // textHash of each entry → the entry
	frameworks map[string]*frameworkRecord
	order      []string // framework ids in the order they were created
	extra      []note.Verifier

	// strs keeps the strings that repeat across incidents once (packed.go).
	strs *interner
	// fetch, when set, reads an entry's note back from the store: the
	// notes of Incidents entries are then not kept in memory (a year of
	// reports is hundreds of megabytes of YAML, read only when someone
	// asks for the entry). noteSizes are their lengths, for the pages of
	// the log that are bounded in bytes.
	fetch     func(index int64) ([]byte, error)
	noteMu    sync.RWMutex // guards noteSizes: read with or without mu
	noteSizes map[int64]int
}

// frameworkRecord is one framework's part of the log.
type frameworkRecord struct {
	id    string
	entry int64 // the entry of the framework document in force
	// parsed is its text parsed once per version, named as its entry
	// (entryName): every submission is validated next to it, and the
	// framework's set loads it.
	parsed  *load.Parsed
	fw      *model.Framework // decoded once per version
	keyring *signing.Keyring
	// documents are the entries that make up the framework's set, in log
	// order: declarations (superseded ones too), incidents, scenarios,
	// corroborations, findings and actions.
	documents []int64
	latest    map[string]int64   // party → entry of its declaration in force
	actions   map[string][]int64 // party → the entries of the actions it signed, in log order
	supersede map[int64]int64    // declaration entry → the entry that replaced it
	incidents map[string]int64   // incident id → the entry that reported it
	// named are the Scenario, Corroboration, Finding and Action documents
	// by kind and id
	// (namedKey) → their entry: an id is stored once, as two documents of
	// one id would make the stored set invalid.
	named map[string]int64
	// reports are the incidents of each Incidents entry, decoded once and
	// packed (packed.go): a year of reports is ~100,000 incidents, which
	// take seconds to decode and are never decoded again.
	reports map[int64]packedIncidents
	version int64 // the last entry that changed this framework
	// docVersion is the last entry other than Incidents that changed it:
	// the assessment and the simulation do not read incidents, and are not
	// recomputed when a monitor reports some.
	docVersion int64

	setMu  sync.Mutex
	set    *load.Set
	setVer int64
	setErr diag.Diagnostics

	views views // computed answers, cached by version
}

func newRecord(extra []note.Verifier) *record {
	return &record{leaves: map[tlog.Hash]int64{}, texts: map[tlog.Hash]int64{}, frameworks: map[string]*frameworkRecord{}, extra: extra,
		strs: newInterner(), noteSizes: map[int64]int{}}
}

// textHash identifies an entry's document whatever its signature lines:
// the same text with a signature line added, reordered, or re-encoded in
// another base64 spelling is another leaf but the same document, and
// must not be accepted twice.
func textHash(e *store.Entry) tlog.Hash { return tlog.RecordHash(text(e)) }

// text returns an entry's document without its signature block. An
// Incidents entry's note is no longer in memory once applied (see
// record.fetch): read it with record.note.
func text(e *store.Entry) []byte { return signing.Text(e.Note) }

// decoded is what a submission's check already read of its document, so
// that apply does not parse or decode it again under the record's lock:
// the incidents of an Incidents document, the namedKey of a Scenario,
// Corroboration, Finding or Action, a Framework parsed and decoded. Rebuilding from the store
// has none of it (the zero value), and apply decodes what it needs.
type decoded struct {
	reports []model.Incident
	named   string
	// fw and parsed are a Framework document decoded and its text parsed
	// (under the submission's name: apply renames it to the entry's).
	fw     *model.Framework
	parsed *load.Parsed
}

// entryName is the file name an entry's document is loaded under, in the
// diagnostics of the framework's set (each entry-N is /v1/log/entries/N).
func entryName(index int64) string { return fmt.Sprintf("entry-%d", index) }

// apply adds an appended entry to the record. The caller holds mu.
func (r *record) apply(e store.Entry, known decoded) error {
	r.entries = append(r.entries, e)
	r.leaves[e.LeafHash] = e.Index
	r.texts[textHash(&e)] = e.Index
	if e.Kind == string(model.KindFramework) {
		return r.applyFramework(e, known)
	}
	fr := r.frameworks[e.Framework]
	if fr == nil {
		return fmt.Errorf("entry %d: framework %q is not in the log", e.Index, e.Framework)
	}
	fr.documents = append(fr.documents, e.Index)
	fr.version = e.Index
	if e.Kind != string(model.KindIncidents) {
		fr.docVersion = e.Index
	}
	if e.Kind == string(model.KindAction) {
		fr.actions[e.Signer] = append(fr.actions[e.Signer], e.Index)
	}
	if e.Kind == string(model.KindDeclaration) {
		if prev, ok := fr.latest[e.Subject]; ok {
			fr.supersede[prev] = e.Index
		}
		fr.latest[e.Subject] = e.Index
	}
	if namedKind(e.Kind) {
		key := known.named
		if key == "" {
			key = namedKeyOf(text(&e))
		}
		if key != "" {
			fr.named[key] = e.Index
		}
	}
	if e.Kind == string(model.KindIncidents) {
		reports := known.reports
		if reports == nil {
			reports = decodeIncidents(text(&e))
		}
		fr.reports[e.Index] = pack(r.strs, reports)
		for _, inc := range reports {
			// a copy, as in the interner: the id may point into the note
			fr.incidents[strings.Clone(inc.ID)] = e.Index
		}
		if r.fetch != nil {
			r.noteMu.Lock()
			r.noteSizes[e.Index] = len(e.Note)
			r.noteMu.Unlock()
			r.entries[len(r.entries)-1].Note = nil
		}
	}
	return nil
}

// note returns an entry's note, read back from the store when the record
// does not keep it. The caller may hold mu.
func (r *record) note(e *store.Entry) ([]byte, error) {
	if e.Note != nil || r.fetch == nil {
		return e.Note, nil
	}
	r.noteMu.RLock()
	_, dropped := r.noteSizes[e.Index]
	r.noteMu.RUnlock()
	if !dropped {
		return e.Note, nil
	}
	n, err := r.fetch(e.Index)
	if err != nil {
		return nil, fmt.Errorf("entry %d: reading its note from the store: %w", e.Index, err)
	}
	return n, nil
}

// noteSize is the length of an entry's note, kept or not. The caller may
// hold mu.
func (r *record) noteSize(e *store.Entry) int {
	r.noteMu.RLock()
	n, dropped := r.noteSizes[e.Index]
	r.noteMu.RUnlock()
	if dropped {
		return n
	}
	return len(e.Note)
}

// applyFramework adds a Framework entry, a framework's first version or a
// new one: the framework is parsed and decoded here once for this version
// (or taken from its check), and kept. The caller holds mu.
func (r *record) applyFramework(e store.Entry, known decoded) error {
	fw, parsed := known.fw, known.parsed
	if fw == nil || parsed == nil {
		var err error
		if fw, parsed, err = parseFramework(entryName(e.Index), text(&e)); err != nil {
			return fmt.Errorf("entry %d: %w", e.Index, err)
		}
	} else {
		parsed = parsed.Renamed(entryName(e.Index))
	}
	fr := r.frameworks[e.Framework]
	if fr == nil {
		fr = &frameworkRecord{id: e.Framework, latest: map[string]int64{}, actions: map[string][]int64{}, supersede: map[int64]int64{},
			incidents: map[string]int64{}, reports: map[int64]packedIncidents{}, named: map[string]int64{}}
		fr.views.assessments.limit = maxAssessments
		r.frameworks[e.Framework] = fr
		r.order = append(r.order, e.Framework)
	}
	fr.entry, fr.parsed, fr.fw = e.Index, parsed, fw
	fr.keyring = signing.NewKeyring(fw, r.extra...)
	fr.version, fr.docVersion = e.Index, e.Index
	return nil
}

// namedKey identifies a Scenario, Corroboration, Finding or Action
// document among its framework's documents.
func namedKey(kind model.Kind, id string) string { return string(kind) + "\x00" + id }

// namedKind reports whether documents of kind are stored once per id
// (namedKey).
func namedKind(kind string) bool {
	switch model.Kind(kind) {
	case model.KindScenario, model.KindCorroboration, model.KindFinding, model.KindAction, model.KindTerritorialOption:
		return true
	}
	return false
}

// namedKeyOf is the namedKey of a stored Scenario, Corroboration, Finding
// or Action document ("" for another kind); it was validated when it was
// accepted.
func namedKeyOf(src []byte) string {
	set, _ := load.Bytes("document", src)
	for _, d := range set.Docs {
		switch {
		case d.Scenario != nil:
			return namedKey(model.KindScenario, d.Scenario.ID)
		case d.Corroboration != nil:
			return namedKey(model.KindCorroboration, d.Corroboration.ID)
		case d.Finding != nil:
			return namedKey(model.KindFinding, d.Finding.ID)
		case d.Action != nil:
			return namedKey(model.KindAction, d.Action.ID)
		case d.Option != nil:
			return namedKey(model.KindTerritorialOption, d.Option.ID)
		}
	}
	return ""
}

// current returns the framework in force and its keyring: apply replaces
// them, under mu, when the framework changes. The caller must not hold mu.
func (r *record) current(fr *frameworkRecord) (*model.Framework, *signing.Keyring) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return fr.fw, fr.keyring
}

// decodeIncidents decodes an Incidents document; it was validated when it
// was accepted.
func decodeIncidents(src []byte) []model.Incident {
	set, _ := load.Bytes("incidents", src)
	return set.Incidents()
}

// parseFramework parses and decodes a framework document, named name; it
// was validated when it was accepted.
func parseFramework(name string, src []byte) (*model.Framework, *load.Parsed, error) {
	parsed := load.Parse(name, src)
	set, ds := load.Files(parsed)
	if ds.HasErrors() || len(set.Frameworks()) != 1 {
		return nil, nil, fmt.Errorf("the framework document does not load: %v", ds)
	}
	return set.Frameworks()[0], parsed, nil
}

// framework returns a framework's record; the caller holds mu.
func (r *record) framework(id string) *frameworkRecord { return r.frameworks[id] }

// newer reports whether a declaration dated date with revision rev would
// supersede the party's declaration in force; the caller holds mu.
func (r *record) newer(fr *frameworkRecord, party, date string, rev int64) (bool, *store.Entry) {
	idx, ok := fr.latest[party]
	if !ok {
		return true, nil
	}
	cur := &r.entries[idx]
	if date != cur.Date {
		return date > cur.Date, cur // YYYY-MM-DD compares as text
	}
	return rev > cur.Revision, cur
}

// loadSet returns the framework's documents other than incidents loaded
// and validated as one set, as the CLI would load them from files; it is
// cached until one of them changes. Incidents were each validated next to
// the framework when accepted, and an id is reported once, so they need no
// validation together: incidentsOf gives them, decoded once. The caller
// must not hold mu.
func (r *record) loadSet(id string) (*load.Set, int64, diag.Diagnostics, error) {
	r.mu.RLock()
	fr := r.frameworks[id]
	if fr == nil {
		r.mu.RUnlock()
		return nil, 0, nil, errNoFramework
	}
	version := fr.docVersion
	framework := fr.parsed
	var texts [][]byte
	var names []string
	for _, idx := range fr.documents {
		if r.entries[idx].Kind == string(model.KindIncidents) {
			continue
		}
		texts = append(texts, text(&r.entries[idx]))
		names = append(names, entryName(idx))
	}
	r.mu.RUnlock()

	fr.setMu.Lock()
	defer fr.setMu.Unlock()
	if fr.set != nil && fr.setVer == version {
		return fr.set, version, fr.setErr, nil
	}
	files := []*load.Parsed{framework} // parsed once for its version
	for i := range texts {
		files = append(files, load.Parse(names[i], texts[i]))
	}
	set, ds := load.Files(files...)
	fr.set, fr.setErr, fr.setVer = set, ds, version
	return set, version, ds, nil
}

// versionOf is the last entry that changed the framework's record. The
// caller must not hold mu.
func (r *record) versionOf(fr *frameworkRecord) int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return fr.version
}

// incidentsOf returns a copy of the framework's incidents in log order: a
// copy, because corroboration sets each incident's confidence. The caller
// must not hold mu.
func (r *record) incidentsOf(fr *frameworkRecord) []model.Incident {
	incs, _ := r.incidentsIn(fr, 0, -1)
	return incs
}

// incidentsIn returns, unpacked, the incidents of the framework's
// documents from the from-th to before the to-th (fr.documents; to < 0:
// to the last), in log order, and where it stopped: the next call's from,
// to get only the incidents reported since. The caller must not hold mu.
func (r *record) incidentsIn(fr *frameworkRecord, from, to int) ([]model.Incident, int) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if to < 0 || to > len(fr.documents) {
		to = len(fr.documents)
	}
	docs := fr.documents[min(from, to):to]
	n := 0
	for _, idx := range docs {
		n += fr.reports[idx].n
	}
	out := make([]model.Incident, 0, n)
	for _, idx := range docs {
		p, ok := fr.reports[idx]
		if !ok {
			continue
		}
		var err error
		if out, err = r.strs.unpack(p, out); err != nil {
			// Only a bug in packed.go gets here: the record packed it.
			panic(fmt.Sprintf("entry %d: %v", idx, err))
		}
	}
	return out, to
}
