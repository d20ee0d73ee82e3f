package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/dashboard"
	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/maplayers"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/option"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
	"github.com/backstop-dev/backstop/internal/territory"
)

// Config is what a server needs besides its store.
type Config struct {
	// Key is the server's key: it signs checkpoints and the documents it
	// seeds; its name is the log's origin.
	Key signing.KeyPair
	// Admins are further keys that may create frameworks.
	Admins []note.Verifier
	// MaxBody limits a request body, in bytes.
	MaxBody int64
	// Timeout bounds a request's handling, and an append.
	Timeout time.Duration
	Logger  *slog.Logger
	// Oblasts, when it has polygons, is the map's oblast layer; Territory,
	// when set, the occupied-territory snapshots: the map draws them, and
	// the monitoring runs the territory triggers on those after each
	// framework's ceasefire, as `backstop monitor --territory` does.
	Oblasts   *oblast.Table
	Territory []*territory.Snapshot
	// Settlements, when set, are the places the map labels (settlements.go).
	Settlements []option.Place
	// DataDir is the data folder (`serve --data`), whose free space
	// /v1/health and /v1/ready check; "" leaves it unchecked.
	// MinFreeBytes is the free space below which that check fails
	// (0: DefaultMinFreeBytes).
	DataDir      string
	MinFreeBytes int64
	// CheckpointFile keeps the last checkpoint the server signed, besides
	// the store's checkpoints table (selfcheck.go): "" puts it beside a
	// SQLite database (backstop.db.checkpoint), or in DataDir
	// (DATA/checkpoint) for PostgreSQL. SelfCheckLimit is the largest log
	// whose tree and columns the start-up check recomputes in full (0:
	// DefaultSelfCheckLimit; negative: never). TrustStore skips the
	// start-up check and the checkpoint guard, trusting the database
	// blindly: only for tests that play a dishonest server.
	CheckpointFile string
	SelfCheckLimit int64
	TrustStore     bool
	// Witnesses are asked to cosign each new checkpoint (cosign.go).
	Witnesses []Witness
	// Limits bound what clients may hold at once (limits.go).
	Limits
}

// Defaults for Config fields left zero.
const (
	DefaultMaxBody = 1 << 20
	DefaultTimeout = 30 * time.Second
)

// Server is the record's HTTP service.
type Server struct {
	cfg    Config
	st     *store.Store
	log    *ledger.Log
	rec    *record
	logger *slog.Logger

	oblasts   []byte               // the oblast layer; nil without --oblasts
	territory *maplayers.Territory // nil without --territory
	changes   *changes
	// draining is closed when the HTTP server starts shutting down, so
	// that event streams end rather than hold the shutdown.
	draining  chan struct{}
	drainOnce sync.Once

	queue     chan *submission
	closing   chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
	cosign    *cosigner // gathers witnesses' cosignatures; nil without witnesses
	// storeState is the store's health as the appender last found it (storehealth.go).
	storeState storeHealthState
}

// New opens the log in st, rebuilds the record from it and starts the
// appender. Close stops it.
func New(ctx context.Context, st *store.Store, cfg Config) (*Server, error) {
	if cfg.Key.Signer == nil {
		return nil, errors.New("server: no signing key")
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	lg, err := ledger.Open(ctx, st, cfg.Key.Signer)
	if err != nil {
		return nil, fmt.Errorf("opening the log: %w (if the entries are intact, `backstop repair` rewrites the tree hashes from them)", err)
	}
	s := &Server{cfg: cfg, st: st, log: lg, logger: cfg.Logger, changes: newChanges(), draining: make(chan struct{}),
		queue: make(chan *submission, maxBatch), closing: make(chan struct{}), stopped: make(chan struct{})}
	if cfg.Oblasts != nil {
		s.oblasts = maplayers.Oblasts(cfg.Oblasts)
	}
	if len(cfg.Territory) > 0 {
		s.territory = maplayers.NewTerritory(cfg.Territory)
	}
	s.rec = newRecord(append([]note.Verifier{cfg.Key.Verifier}, cfg.Admins...))
	s.rec.fetch = func(index int64) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
		defer cancel()
		e, err := st.Entry(ctx, index)
		return e.Note, err
	}
	var chk *selfCheck
	if !cfg.TrustStore {
		if chk, err = s.startCheck(ctx); err != nil {
			return nil, fmt.Errorf("start-up self-check: %w", err)
		}
	}
	if err := s.rebuild(ctx, chk); err != nil {
		return nil, err
	}
	if err := chk.finish(s); err != nil {
		return nil, err
	}
	go s.appendLoop()
	s.startCosigner()
	return s, nil
}

// rebuild reads every entry back into the record, handing each to the
// start-up check (nil: none).
func (s *Server) rebuild(ctx context.Context, chk *selfCheck) error {
	size := s.log.Size()
	for start := int64(0); start < size; {
		page, err := s.st.Entries(ctx, start, 1000)
		if err != nil {
			return fmt.Errorf("reading the log: %w", err)
		}
		if len(page) == 0 {
			return fmt.Errorf("reading the log: entry %d of %d is missing", start, size)
		}
		for _, e := range page {
			chk.entry(&e)
			if err := s.rec.apply(e, decoded{}); err != nil {
				if cerr := chk.finish(s); cerr != nil {
					return cerr
				}
				return fmt.Errorf("rebuilding the record: %w", err)
			}
		}
		start += int64(len(page))
	}
	return nil
}

// Close stops taking submissions and waits for the appender to finish
// the ones it holds. Call it after the HTTP server has shut down.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	<-s.stopped
}

// PublicKey is the server key's verifier key (NAME+HASH+KEY).
func (s *Server) PublicKey() string { return s.cfg.Key.Public }

// Handler is the server's HTTP API, with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/openapi.json", s.handleOpenAPI)
	mux.HandleFunc("GET /v1/health", s.handleHealth)
	mux.HandleFunc("GET /v1/ready", s.handleReady)
	mux.HandleFunc("GET /v1/log/key", s.handleKey)
	mux.HandleFunc("GET /v1/log/checkpoint", s.handleCheckpoint)
	mux.HandleFunc("GET /v1/log/entries", s.handleEntries)
	mux.HandleFunc("GET /v1/log/entries/{index}", s.handleEntry)
	mux.HandleFunc("GET /v1/log/proof/inclusion", s.handleInclusion)
	mux.HandleFunc("GET /v1/log/proof/consistency", s.handleConsistency)
	mux.HandleFunc("GET /v1/frameworks", s.handleFrameworks)
	mux.HandleFunc("GET /v1/frameworks/{id}", s.handleFramework)
	mux.HandleFunc("POST /v1/frameworks/{id}/documents", s.handleSubmit)
	mux.HandleFunc("GET /v1/frameworks/{id}/declarations", s.handleDeclarations)
	mux.HandleFunc("GET /v1/frameworks/{id}/assessment", s.handleAssessment)
	mux.HandleFunc("GET /v1/frameworks/{id}/monitoring", s.handleMonitoring)
	mux.HandleFunc("GET /v1/frameworks/{id}/record", s.handlePartyRecord)
	mux.HandleFunc("GET /v1/frameworks/{id}/scenarios", s.handleScenarios)
	mux.HandleFunc("GET /v1/frameworks/{id}/simulation", s.handleSimulation)
	mux.HandleFunc("GET /v1/frameworks/{id}/map/territory", s.handleTerritory)
	mux.HandleFunc("GET /v1/frameworks/{id}/map/incidents", s.handleMapIncidents)
	mux.HandleFunc("GET /v1/frameworks/{id}/map/settlements", s.handleSettlements)
	mux.HandleFunc("GET /v1/frameworks/{id}/options", s.handleOptions)
	mux.HandleFunc("GET /v1/map/oblasts", s.handleOblasts)
	mux.Handle("/", pages(dashboard.Handler()))
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, problem(http.StatusNotFound, "not-found", fmt.Sprintf("no %s %s in the API; see /v1/openapi.json", r.Method, r.URL.Path)))
	})
	// Event streams and log pages bypass the --timeout every other request
	// has: http.TimeoutHandler buffers a whole answer, and a log page is
	// streamed entry by entry under its own write deadline.
	streams := http.NewServeMux()
	streams.HandleFunc("GET /v1/events", s.handleEvents)
	streams.HandleFunc("GET /v1/log/entries", s.handleEntries)
	streams.Handle("/", http.TimeoutHandler(mux, s.cfg.Timeout, timeoutBody))
	return s.logged(s.recovered(streams))
}

// pages serves the dashboard, refusing writes as the API refuses them.
func pages(dash http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeProblem(w, r, problem(http.StatusMethodNotAllowed, "method-not-allowed", "the pages are read-only: GET or HEAD"))
			return
		}
		dash.ServeHTTP(w, r)
	})
}

// timeoutBody is the problem http.TimeoutHandler answers with.
const timeoutBody = `{"type":"` + problemDocs + `timeout","title":"Service Unavailable","status":503,` +
	`"detail":"the request took longer than the server's --timeout; a submission may still have been written: submit it again, a duplicate is refused with its entry"}`

// HTTPServer wraps the handler in an http.Server with timeouts set, so
// that a slow client cannot hold a connection for ever. Once it shuts
// down (or Serve's context ends), a request that arrives is answered 503
// shutting-down, and every response closes its connection.
func (s *Server) HTTPServer(addr string) *http.Server {
	hs := &http.Server{
		Addr:              addr,
		Handler:           s.drained(s.Handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.Timeout,
		WriteTimeout:      s.cfg.Timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	hs.RegisterOnShutdown(s.drain)
	return hs
}

// drain starts the shutdown of the HTTP side: event streams end, new
// requests are refused with shutting-down.
func (s *Server) drain() { s.drainOnce.Do(func() { close(s.draining) }) }

// drained answers a request that arrives while the server drains with 503
// shutting-down, and makes a response written while it drains close its
// connection: a client is then told, rather than finding its kept-alive
// connection closed under a request it sent (a reset, with no answer).
// Requests already running finish as usual.
func (s *Server) drained(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-s.draining:
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "5")
			writeProblem(w, r, problem(http.StatusServiceUnavailable, "shutting-down",
				"the server is shutting down; nothing was stored, submit again once it is back"))
			return
		default:
		}
		h.ServeHTTP(&drainWriter{ResponseWriter: w, draining: s.draining}, r)
	})
}

// drainWriter sets Connection: close on a response begun while the server
// drains.
type drainWriter struct {
	http.ResponseWriter
	draining    chan struct{}
	wroteHeader bool
}

func (w *drainWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		select {
		case <-w.draining:
			w.Header().Set("Connection", "close")
		default:
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *drainWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *drainWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// drainWindow is how long Serve keeps accepting after its context ends,
// answering shutting-down, before it closes the listener and the idle
// connections: clients sending at that moment get an answer, not a reset.
const drainWindow = 500 * time.Millisecond

// Serve serves on l until ctx ends, then shuts down gracefully: requests
// arriving from then on are answered 503 shutting-down for a moment
// (drainWindow) while the listener still accepts, then the listener closes
// (answering the connections the kernel had already queued), requests in
// flight finish (for at most grace in all), queued submissions are
// written, and the appender stops.
func (s *Server) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := s.HTTPServer(l.Addr().String())
	perClient, total := s.cfg.Limits.connLimits()
	dl := &drainListener{Listener: newConnLimiter(l, perClient, total)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(dl) }()
	select {
	case err := <-errc:
		s.Close()
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	s.drain()
	select {
	case <-time.After(min(drainWindow, grace/4)):
	case <-sctx.Done():
	}
	err := srv.Shutdown(sctx)
	s.Close()
	if err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}

// drainListener, closed, first accepts the connections the kernel has
// already queued (closing a listening socket resets them: their clients
// sent a request and get no answer), for up to acceptDrain, and only then
// closes the socket.
type drainListener struct {
	net.Listener
	closing atomic.Bool
}

// acceptDrain bounds how long a closed drainListener still accepts.
const acceptDrain = 20 * time.Millisecond

func (l *drainListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil && l.closing.Load() {
		l.Listener.Close()
		return nil, net.ErrClosed
	}
	return c, err
}

func (l *drainListener) Close() error {
	tl, ok := l.Listener.(*net.TCPListener)
	if !ok || l.closing.Swap(true) {
		return l.Listener.Close()
	}
	// Accept returns what is queued, then fails at the deadline and
	// closes the socket.
	return tl.SetDeadline(time.Now().Add(acceptDrain))
}

// statusWriter remembers the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

// WriteHeader also types the body http.TimeoutHandler writes when a
// request runs out of time (its 503 carries no Content-Type): that body is
// a problem, as every refusal is.
func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	if code == http.StatusServiceUnavailable && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", api.ProblemType)
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer (to
// flush an event stream and move its write deadline).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (s *Server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		// A 503 is a refusal by design (busy, a timeout, shutting down,
		// not ready): a warning; any other 5xx is the server's fault.
		level := slog.LevelInfo
		switch {
		case sw.status == http.StatusServiceUnavailable:
			level = slog.LevelWarn
		case sw.status >= 500:
			level = slog.LevelError
		}
		s.logger.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000, "remote", r.RemoteAddr)
	})
}

// recovered turns a panic in a handler into a 500 and a logged stack: a
// bug must not take the record down with it.
func (s *Server) recovered(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.Error("panic", "path", r.URL.Path, "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeProblem(w, r, problem(http.StatusInternalServerError, "internal", "the server failed on this request; it is logged"))
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// writeJSON writes v with a strong ETag of its bytes, and answers 304 when
// the client already holds them.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeProblem(w, r, problem(http.StatusInternalServerError, "internal", "encoding the response: "+err.Error()))
		return
	}
	writeBytes(w, r, status, "application/json", buf.Bytes())
}

// gzipMin is the smallest body sent compressed to a client that accepts
// gzip: the map's incident layer is tens of megabytes of GeoJSON, a tenth
// of that compressed.
const gzipMin = 4 << 10

func writeBytes(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	writeEncoded(w, r, status, contentType, newEncoded(body))
}

// encoded is a response body with its validator and, made when first
// asked for, its gzip: the server keeps large answers it computed (the
// map's incident layer, tens of megabytes) in this form, so that they are
// hashed and compressed once rather than at every request.
type encoded struct {
	raw  []byte
	etag string // hex, without quotes or suffix
	once sync.Once
	gz   []byte
}

func newEncoded(body []byte) *encoded {
	sum := sha256.Sum256(body)
	return &encoded{raw: body, etag: hex.EncodeToString(sum[:16])}
}

func (e *encoded) gzipped() []byte {
	e.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // a valid level: no error
		_, _ = zw.Write(e.raw)
		_ = zw.Close()
		e.gz = buf.Bytes()
	})
	return e.gz
}

func writeEncoded(w http.ResponseWriter, r *http.Request, status int, contentType string, body *encoded) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	gz := len(body.raw) >= gzipMin && acceptsGzip(r)
	etag := body.etag
	if gz {
		etag += "-gzip" // another representation, another strong tag
	}
	etag = `"` + etag + `"`
	h.Set("ETag", etag)
	if status == http.StatusOK && etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	out := body.raw
	if gz {
		out = body.gzipped()
		h.Set("Content-Encoding", "gzip")
	}
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

// acceptsGzip reads Accept-Encoding: gzip listed with a weight above zero,
// or else * with one (RFC 9110 §12.5.3; the parameter's name is
// case-insensitive).
func acceptsGzip(r *http.Request) bool {
	gzip, star := -1.0, -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, param := range strings.Split(params, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(param), "=")
			if strings.EqualFold(strings.TrimSpace(name), "q") {
				v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
				if err != nil {
					v = 0
				}
				q = v
			}
		}
		switch c := strings.TrimSpace(coding); {
		case strings.EqualFold(c, "gzip"):
			gzip = q
		case c == "*":
			star = q
		}
	}
	if gzip >= 0 {
		return gzip > 0
	}
	return star > 0
}

func etagMatch(header, etag string) bool {
	for _, t := range bytes.Split([]byte(header), []byte(",")) {
		t = bytes.TrimSpace(t)
		t = bytes.TrimPrefix(t, []byte("W/"))
		if string(t) == etag || string(t) == "*" {
			return true
		}
	}
	return false
}
