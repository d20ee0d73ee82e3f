package server

// Records of real incidents for the tests and measurements of the record
// (incremental_test.go, scale_test.go).

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	feedincidents "github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/feeds/viina"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// viinaDir is where the real VIINA months are (BACKSTOP_VIINA, or
// ../shared beside the repository).
func viinaDir() string {
	if src := os.Getenv("BACKSTOP_VIINA"); src != "" {
		return src
	}
	return filepath.Join("..", "..", "..", "shared", "data", "viina")
}

// storedNotes stands for the store the notes of Incidents entries are
// read back from: files in a temporary folder, so that the heap measured
// holds none of them.
type storedNotes struct {
	dir   string
	bytes int64
}

func (s *storedNotes) put(tb testing.TB, index int64, note []byte) {
	s.bytes += int64(len(note))
	if err := os.WriteFile(filepath.Join(s.dir, strconv.FormatInt(index, 10)), note, 0o600); err != nil {
		tb.Fatal(err)
	}
}

func (s *storedNotes) fetch(index int64) ([]byte, error) {
	return os.ReadFile(filepath.Join(s.dir, strconv.FormatInt(index, 10)))
}

// recordOf builds a record of the example framework and n incidents: the
// real VIINA months base replicated with their dates shifted by whole
// years and their ids suffixed, as internal/scale does for the CLI, as
// `backstop import incidents` writes them (YAML Incidents documents of
// 1,000, signed), applied as the server applies its store when it starts
// (record.apply without a decoded document, so each is decoded from its
// note).
func recordOf(tb testing.TB, base []model.Incident, n int) (*record, *storedNotes) {
	tb.Helper()
	fwText, err := os.ReadFile(filepath.Join("..", "..", "examples", "ukraine-2025", "framework.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	notes := &storedNotes{dir: tb.TempDir()}
	r := newRecord(nil)
	r.fetch = notes.fetch
	fwNote := signWith(tb, scaleKey(tb), fwText)
	fwEntry := store.Entry{Index: 0, LeafHash: tlog.RecordHash(fwNote), Note: fwNote, Kind: string(model.KindFramework), Framework: "ukraine-2025"}
	if err := r.apply(fwEntry, decoded{}); err != nil {
		tb.Fatal(err)
	}
	const perDocument = 1000 // backstop import incidents' default
	batch := make([]model.Incident, 0, perDocument)
	for i := range n {
		// Copy k (from 1) of the history: dates k×4 years later (a leap
		// day stays one; every copy after the framework's ceasefire, as in
		// internal/scale) and ids suffixed ~k, unique across copies.
		k := 1 + i/len(base)
		inc := base[i%len(base)]
		inc.Time = model.Timestamp{Time: inc.Time.AddDate(4*k, 0, 0)}
		inc.ID += "~" + strconv.Itoa(k)
		batch = append(batch, inc)
		if len(batch) == perDocument || i == n-1 {
			appendIncidents(tb, r, notes, batch)
			batch = batch[:0]
		}
	}
	return r, notes
}

// scaleKey is the monitor's key the incidents are signed with.
func scaleKey(tb testing.TB) signing.KeyPair {
	scaleKeyOnce.Do(func() { scaleKeyPair = newKey(tb, "scale") })
	return scaleKeyPair
}

var (
	scaleKeyOnce sync.Once
	scaleKeyPair signing.KeyPair
)

// appendIncidents signs incs as one Incidents document and applies it.
func appendIncidents(tb testing.TB, r *record, notes *storedNotes, incs []model.Incident) {
	tb.Helper()
	note := signWith(tb, scaleKey(tb), documentOf(tb, incs))
	idx := int64(len(r.entries))
	notes.put(tb, idx, note)
	e := store.Entry{Index: idx, LeafHash: tlog.RecordHash(note), Note: note, Kind: string(model.KindIncidents), Framework: "ukraine-2025"}
	if err := r.apply(e, decoded{}); err != nil {
		tb.Fatal(err)
	}
}

// documentOf writes incs as one Incidents document in the compact form
// (one JSON object a line), as `backstop import incidents` does by
// default; BACKSTOP_SCALE_FORM=yaml writes the block YAML of --format
// yaml instead.
func documentOf(tb testing.TB, incs []model.Incident) []byte {
	tb.Helper()
	if os.Getenv("BACKSTOP_SCALE_FORM") != "yaml" {
		return feedincidents.AppendCompact(nil, incs)
	}
	doc, docs, err := feedincidents.Documents(incs, len(incs))
	if err != nil || docs != 1 {
		tb.Fatalf("Documents = %d, %v", docs, err)
	}
	return doc
}

// readVIINAMonths reads real VIINA months as the CLI does (all.Setup's
// options: the oblasts placed by coordinates): paths, or names in
// viinaDir; missing data skips the test.
func readVIINAMonths(tb testing.TB, names ...string) []model.Incident {
	tb.Helper()
	opts, _, _, err := all.Setup("", "", "", false)
	if err != nil {
		tb.Fatal(err)
	}
	var out []model.Incident
	for _, name := range names {
		p := name
		if filepath.Base(p) == p {
			p = filepath.Join(viinaDir(), name)
		}
		datatest.Need(tb, p)
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		src, err := feeds.NewSource(p, data)
		if err != nil {
			tb.Fatal(err)
		}
		res, ds := viina.Reader{}.Read(src, opts)
		if ds.HasErrors() {
			tb.Fatalf("%s: %v", p, ds)
		}
		out = append(out, res.Incidents...)
	}
	return out
}
