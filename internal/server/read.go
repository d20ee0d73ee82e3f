package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

var errNoFramework = errors.New("no such framework")

// firstError is the first error of ds, which holds one: warnings sort
// among the errors, and are no reason to refuse.
func firstError(ds diag.Diagnostics) diag.Diagnostic {
	for _, d := range ds {
		if d.Severity == diag.Error {
			return d
		}
	}
	return ds[0]
}

// Page sizes of the list endpoints.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// canRead decides whether the request may read framework fr's documents:
// anyone when the framework allows anonymous reads, otherwise a request
// signed with a key of one of its parties (or the server's keys).
func (s *Server) canRead(r *http.Request, fr *frameworkRecord) *api.Problem {
	fw, keyring := s.rec.current(fr)
	if fw.Access.AnonymousRead {
		return nil
	}
	_, err := keyring.VerifyRequest(r.Header.Get("Authorization"), r.Method, r.URL.RequestURI(), time.Now())
	switch {
	case err == nil:
		return nil
	case errors.Is(err, signing.ErrNoSignature):
		p := problem(http.StatusUnauthorized, "sign-in", fmt.Sprintf("framework %s is readable by its parties only: sign the request with a party's key (backstop's client does with --key)", fr.id))
		return p
	default:
		return problem(http.StatusForbidden, "not-allowed", err.Error())
	}
}

// readable looks up a framework and checks the request may read it.
func (s *Server) readable(w http.ResponseWriter, r *http.Request) (*frameworkRecord, bool) {
	id := r.PathValue("id")
	s.rec.mu.RLock()
	fr := s.rec.framework(id)
	s.rec.mu.RUnlock()
	if fr == nil {
		writeProblem(w, r, problem(http.StatusNotFound, "no-framework", fmt.Sprintf("framework %q is not in the record", id)))
		return nil, false
	}
	if p := s.canRead(r, fr); p != nil {
		writeProblem(w, r, p)
		return nil, false
	}
	return fr, true
}

// apiEntry shows an entry; withNote includes the signed document.
func (s *Server) apiEntry(e *store.Entry, withNote bool) api.Entry {
	out := api.Entry{Index: e.Index, LeafHash: e.LeafHash, Kind: e.Kind, Framework: e.Framework, Signer: e.Signer,
		Key: e.Key, Subject: e.Subject, Date: e.Date, Revision: e.Revision, Received: e.Received}
	s.rec.mu.RLock()
	if fr := s.rec.framework(e.Framework); fr != nil {
		if by, ok := fr.supersede[e.Index]; ok {
			out.SupersededBy = &by
		}
	}
	s.rec.mu.RUnlock()
	if withNote {
		n := string(e.Note)
		out.Note = &n
	}
	return out
}

func (s *Server) handleKey(w http.ResponseWriter, r *http.Request) {
	writeBytes(w, r, http.StatusOK, "text/plain; charset=utf-8", []byte(s.cfg.Key.Public+"\n"))
}

func (s *Server) handleCheckpoint(w http.ResponseWriter, r *http.Request) {
	signed, c, err := s.log.Checkpoint()
	if err != nil {
		writeProblem(w, r, problem(http.StatusInternalServerError, "internal", err.Error()))
		return
	}
	signed, cosigs := s.cosigned(signed, c) // the witnesses' cosignatures, as further signature lines
	if wantsJSON(r) {
		writeJSON(w, r, http.StatusOK, api.Checkpoint{Origin: c.Origin, Size: c.Size, Root: c.Root, Note: string(signed), Cosignatures: cosigs})
		return
	}
	writeBytes(w, r, http.StatusOK, "text/plain; charset=utf-8", signed)
}

func wantsJSON(r *http.Request) bool {
	return bytes.Contains([]byte(r.Header.Get("Accept")), []byte("application/json"))
}

// intParam reads a non-negative integer query parameter.
func intParam(r *http.Request, name string, def int64) (int64, *api.Problem) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, problem(http.StatusBadRequest, "bad-parameter", fmt.Sprintf("%s must be a whole number ≥ 0, not %q", name, v))
	}
	return n, nil
}

func limitParam(r *http.Request) (int, *api.Problem) {
	n, p := intParam(r, "limit", defaultLimit)
	if p != nil {
		return 0, p
	}
	if n < 1 || n > maxLimit {
		return 0, problem(http.StatusBadRequest, "bad-parameter", fmt.Sprintf("limit must be 1–%d, not %d", maxLimit, n))
	}
	return int(n), nil
}

// maxPageBytes bounds a page of /v1/log/entries, about: the notes it
// shows and maxEntryMeta per entry. A page ends before the entry that
// would pass it (the first entry is always shown), its next link going on
// from there, so that a page of the 1,000 largest documents is not
// hundreds of megabytes held per request.
const (
	maxPageBytes = 1 << 20
	maxEntryMeta = 512
)

// handleEntries pages through the log. Every entry's metadata and leaf
// hash are public (the tree is); a document's text is shown only to those
// who may read its framework. The page is written entry by entry
// (writeEntries): the server holds one encoded entry at a time.
func (s *Server) handleEntries(w http.ResponseWriter, r *http.Request) {
	start, p := intParam(r, "start", 0)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	limit, p := limitParam(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	size := s.log.Size()
	s.rec.mu.RLock()
	var entries []store.Entry // shares the record's array: entries never change
	if start < size {
		end := min(start+int64(limit), size)
		entries = s.rec.entries[start:end]
	}
	s.rec.mu.RUnlock()
	readable := map[string]bool{}
	withNote := make([]bool, 0, len(entries))
	budget := 0
	for i := range entries {
		e := &entries[i]
		ok, seen := readable[e.Framework]
		if !seen {
			s.rec.mu.RLock()
			fr := s.rec.framework(e.Framework)
			s.rec.mu.RUnlock()
			ok = fr != nil && s.canRead(r, fr) == nil
			readable[e.Framework] = ok
		}
		n := maxEntryMeta
		if ok {
			n += s.rec.noteSize(e)
		}
		if i > 0 && budget+n > maxPageBytes {
			entries = entries[:i]
			break
		}
		budget += n
		withNote = append(withNote, ok)
	}
	next := ""
	if after := start + int64(len(entries)); after < size && len(entries) > 0 {
		next = fmt.Sprintf("/v1/log/entries?start=%d&limit=%d", after, limit)
	}
	s.writeEntries(w, r, entries, withNote, next, budget)
}

// writeEntries writes a page of entries as writeJSON would write an
// api.Page[api.Entry] (the same bytes), but entry by entry. Its ETag is
// the hash of what the page's bytes are made of (each entry's index,
// leaf hash, successor and whether its note is shown, and the next link):
// entries never change, so the same parts make the same bytes.
func (s *Server) writeEntries(w http.ResponseWriter, r *http.Request, entries []store.Entry, withNote []bool, next string, estimate int) {
	items := make([]api.Entry, len(entries)) // without notes: added one at a time
	tag := sha256.New()
	fmt.Fprintf(tag, "entries/1 %q %d\n", next, len(entries))
	for i := range entries {
		items[i] = s.apiEntry(&entries[i], false)
		by := int64(-1)
		if items[i].SupersededBy != nil {
			by = *items[i].SupersededBy
		}
		fmt.Fprintf(tag, "%d %x %d %t\n", items[i].Index, items[i].LeafHash[:], by, withNote[i])
	}
	etag := hex.EncodeToString(tag.Sum(nil)[:16])
	gz := estimate >= gzipMin && acceptsGzip(r)
	if gz {
		etag += "-gzip"
	}
	etag = `"` + etag + `"`
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	// Served outside http.TimeoutHandler, a page still ends: the write
	// deadline is the request timeout (under it, this is not supported).
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.Timeout))
	var out io.Writer = w
	var zw *gzip.Writer
	if gz {
		h.Set("Content-Encoding", "gzip")
		zw, _ = gzip.NewWriterLevel(w, gzip.BestSpeed) // a valid level: no error
		out = zw
	}
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(out, 32<<10)
	var item bytes.Buffer // the one entry being encoded
	enc := json.NewEncoder(&item)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	_, _ = bw.WriteString("{\n  \"items\": [")
	for i := range items {
		if r.Context().Err() != nil {
			return // the client left, or the request timed out: the answer is cut
		}
		if withNote[i] {
			note, err := s.rec.note(&entries[i])
			if err != nil {
				s.logger.Error("reading a page of the log", "err", err)
				return // the answer is cut: the client sees it end early
			}
			n := string(note)
			items[i].Note = &n
		}
		item.Reset()
		if err := enc.Encode(&items[i]); err != nil {
			return
		}
		items[i].Note = nil
		if i > 0 {
			_ = bw.WriteByte(',')
		}
		_, _ = bw.WriteString("\n    ")
		if _, err := bw.Write(item.Bytes()[:item.Len()-1]); err != nil { // without Encode's newline
			return
		}
	}
	if len(items) > 0 {
		_, _ = bw.WriteString("\n  ")
	}
	_ = bw.WriteByte(']')
	if next != "" {
		item.Reset()
		_ = enc.Encode(next)
		_, _ = bw.WriteString(",\n  \"next\": ")
		_, _ = bw.Write(item.Bytes()[:item.Len()-1])
	}
	_, _ = bw.WriteString("\n}\n")
	if bw.Flush() == nil && zw != nil {
		_ = zw.Close()
	}
}

func (s *Server) handleEntry(w http.ResponseWriter, r *http.Request) {
	idx, err := strconv.ParseInt(r.PathValue("index"), 10, 64)
	size := s.log.Size()
	if err != nil || idx < 0 || idx >= size {
		detail := fmt.Sprintf("no entry %q: the log has entries 0 to %d", r.PathValue("index"), size-1)
		if size == 0 {
			detail = "the log is empty"
		}
		writeProblem(w, r, problem(http.StatusNotFound, "no-entry", detail))
		return
	}
	s.rec.mu.RLock()
	e := s.rec.entries[idx]
	fr := s.rec.framework(e.Framework)
	s.rec.mu.RUnlock()
	withNote := fr != nil && s.canRead(r, fr) == nil
	if withNote {
		// an Incidents entry's note is read back from the store
		if e.Note, err = s.rec.note(&e); err != nil {
			writeProblem(w, r, problem(http.StatusServiceUnavailable, "store-unavailable", err.Error()))
			return
		}
	}
	writeJSON(w, r, http.StatusOK, s.apiEntry(&e, withNote))
}

// handleInclusion proves that an entry, named by index or by leaf hash, is
// in the tree of size (default: the current size).
func (s *Server) handleInclusion(w http.ResponseWriter, r *http.Request) {
	size, p := intParam(r, "size", s.log.Size())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var idx int64
	if h := r.URL.Query().Get("hash"); h != "" {
		leaf, err := tlog.ParseHash(h)
		if err != nil {
			writeProblem(w, r, problem(http.StatusBadRequest, "bad-parameter", "hash must be a base64 SHA-256 leaf hash"))
			return
		}
		s.rec.mu.RLock()
		i, ok := s.rec.leaves[leaf]
		s.rec.mu.RUnlock()
		if !ok {
			writeProblem(w, r, problem(http.StatusNotFound, "no-entry", "no entry of the log has that leaf hash"))
			return
		}
		idx = i
	} else if idx, p = intParam(r, "index", -1); p != nil || idx < 0 {
		if p == nil {
			p = problem(http.StatusBadRequest, "bad-parameter", "give index or hash")
		}
		writeProblem(w, r, p)
		return
	}
	proof, err := s.log.ProveInclusion(idx, size)
	if err != nil {
		writeProblem(w, r, problem(http.StatusBadRequest, "bad-parameter", err.Error()))
		return
	}
	leaf, _ := s.log.LeafHash(idx)
	writeJSON(w, r, http.StatusOK, api.Inclusion{Index: idx, Size: size, LeafHash: leaf, Proof: proof})
}

func (s *Server) handleConsistency(w http.ResponseWriter, r *http.Request) {
	from, p := intParam(r, "from", 0)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	to, p := intParam(r, "to", s.log.Size())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	proof, err := s.log.ProveConsistency(from, to)
	if err != nil {
		writeProblem(w, r, problem(http.StatusBadRequest, "bad-parameter", err.Error()))
		return
	}
	writeJSON(w, r, http.StatusOK, api.Consistency{From: from, To: to, Proof: proof})
}

func (s *Server) frameworkInfo(fr *frameworkRecord) api.Framework {
	out := api.Framework{ID: fr.id, Title: fr.fw.Title, Status: string(fr.fw.Status), Entry: fr.entry,
		AnonymousRead: fr.fw.Access.AnonymousRead, Declarations: len(fr.latest)}
	for _, idx := range fr.documents {
		if s.rec.entries[idx].Kind == string(model.KindIncidents) {
			out.Incidents++
		}
	}
	return out
}

// handleFrameworks lists the frameworks: their ids and titles are public,
// as the log's metadata is.
func (s *Server) handleFrameworks(w http.ResponseWriter, r *http.Request) {
	s.rec.mu.RLock()
	list := []api.Framework{}
	for _, id := range s.rec.order {
		list = append(list, s.frameworkInfo(s.rec.frameworks[id]))
	}
	s.rec.mu.RUnlock()
	writeJSON(w, r, http.StatusOK, api.Page[api.Framework]{Items: list})
}

func (s *Server) handleFramework(w http.ResponseWriter, r *http.Request) {
	fr, ok := s.readable(w, r)
	if !ok {
		return
	}
	s.rec.mu.RLock()
	info := s.frameworkInfo(fr)
	e := s.rec.entries[fr.entry]
	s.rec.mu.RUnlock()
	writeJSON(w, r, http.StatusOK, struct {
		api.Framework
		Document api.Entry `json:"document"`
	}{info, s.apiEntry(&e, true)})
}

// handleDeclarations lists a framework's declarations in log order,
// superseded ones with the entry that replaced them; ?after=ENTRY pages.
func (s *Server) handleDeclarations(w http.ResponseWriter, r *http.Request) {
	fr, ok := s.readable(w, r)
	if !ok {
		return
	}
	after, p := intParam(r, "after", 0)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	if r.URL.Query().Get("after") == "" {
		after = -1
	}
	limit, p := limitParam(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	page := api.Page[api.Entry]{Items: []api.Entry{}}
	var picked []store.Entry
	more := false
	s.rec.mu.RLock()
	for _, idx := range fr.documents {
		e := s.rec.entries[idx]
		if e.Kind != string(model.KindDeclaration) || idx <= after {
			continue
		}
		if len(picked) == limit {
			more = true
			break
		}
		picked = append(picked, e)
	}
	s.rec.mu.RUnlock()
	for i := range picked {
		page.Items = append(page.Items, s.apiEntry(&picked[i], r.URL.Query().Get("notes") != "false"))
	}
	if more {
		page.Next = fmt.Sprintf("/v1/frameworks/%s/declarations?after=%d&limit=%d", fr.id, picked[len(picked)-1].Index, limit)
		if r.URL.Query().Get("notes") == "false" {
			page.Next += "&notes=false" // the next page as this one
		}
	}
	writeJSON(w, r, http.StatusOK, page)
}

// handleAssessment assesses the stored documents, as `backstop assess`
// assesses files: ?at=YYYY-MM-DD (default today, UTC).
func (s *Server) handleAssessment(w http.ResponseWriter, r *http.Request) {
	fr, ok := s.readable(w, r)
	if !ok {
		return
	}
	at := model.Date{Time: time.Now().UTC().Truncate(24 * time.Hour)}
	if v := r.URL.Query().Get("at"); v != "" {
		d, err := model.ParseDate(v)
		if err != nil {
			writeProblem(w, r, problem(http.StatusBadRequest, "bad-parameter", "at: "+err.Error()))
			return
		}
		at = d
	}
	body, err := s.assessment(fr, at)
	if err != nil {
		writeProblem(w, r, problem(http.StatusConflict, "invalid-record", err.Error()))
		return
	}
	writeEncoded(w, r, http.StatusOK, "application/json", body)
}

// handleMonitoring runs the framework's triggers over the stored incident
// documents, as `backstop monitor` runs them over feeds: ?quiet=DURATION
// (default 72h).
func (s *Server) handleMonitoring(w http.ResponseWriter, r *http.Request) {
	s.answerMonitoring(w, r, func(_ *frameworkRecord, _ time.Duration, mv *monitorView) (*encoded, error) { return mv.report, nil })
}

// handleMapIncidents gives the stored incidents that have coordinates as a
// GeoJSON layer, with the triggers each fired and its confidence, from the
// same run as handleMonitoring.
func (s *Server) handleMapIncidents(w http.ResponseWriter, r *http.Request) {
	s.answerMonitoring(w, r, func(fr *frameworkRecord, quiet time.Duration, mv *monitorView) (*encoded, error) {
		return s.mapLayer(r.Context(), fr, quiet, mv)
	})
}

func (s *Server) answerMonitoring(w http.ResponseWriter, r *http.Request, part func(*frameworkRecord, time.Duration, *monitorView) (*encoded, error)) {
	fr, ok := s.readable(w, r)
	if !ok {
		return
	}
	quiet, p := quietParam(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	mv, err := s.monitorView(r.Context(), fr, quiet)
	if err != nil {
		writeProblem(w, r, viewProblem(w, err))
		return
	}
	contentType := "application/json"
	if strings.HasPrefix(r.URL.Path, "/v1/frameworks/"+fr.id+"/map/") {
		contentType = geoJSONType
	}
	body, err := part(fr, quiet, mv)
	if err != nil {
		writeProblem(w, r, viewProblem(w, err))
		return
	}
	writeEncoded(w, r, http.StatusOK, contentType, body)
}
