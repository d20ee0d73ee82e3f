package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// testFW is the id of the framework every test server is seeded with.
const testFW = "fw"

// testEnv is a running server over a SQLite store in a temporary folder,
// seeded with one framework whose parties each have a fresh key.
type testEnv struct {
	tb     testing.TB
	srv    *Server
	ts     *httptest.Server
	st     *store.Store
	key    signing.KeyPair            // the server's key
	keys   map[string]signing.KeyPair // party id → its key
	fwText string                     // the seeded framework document (unsigned)
	cfg    envConfig
}

// envConfig varies the test server.
type envConfig struct {
	anonymous  bool     // the framework's access.anonymous_read
	guarantors []string // default GB and FR
	maxBody    int64    // Config.MaxBody; 0 for the default
	// server is the rest of the server's Config (its key, and MaxBody
	// from maxBody, are set here; Timeout defaults to a minute).
	server Config
	// viaHTTPServer serves with Server.HTTPServer's http.Server, timeouts
	// and shutdown hook included, as `backstop serve` does.
	viaHTTPServer bool
	// dsn is the store's database (storetest.SQLite or
	// storetest.Postgres); "" for SQLite in a temporary folder.
	dsn string
}

// newTestServer starts a server whose framework fw is readable by its
// parties only.
func newTestServer(tb testing.TB) *testEnv { return newTestServerWith(tb, envConfig{}) }

func newTestServerWith(tb testing.TB, c envConfig) *testEnv {
	tb.Helper()
	if c.guarantors == nil {
		c.guarantors = []string{"GB", "FR"}
	}
	ctx := context.Background()
	dsn := c.dsn
	if dsn == "" {
		dsn = filepath.Join(tb.TempDir(), "backstop.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	key := newKey(tb, "test-server")
	cfg := c.server
	cfg.Key, cfg.MaxBody = key, c.maxBody
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Minute
	}
	srv, err := New(ctx, st, cfg)
	if err != nil {
		st.Close()
		tb.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	if c.viaHTTPServer {
		ts.Config = srv.HTTPServer("")
	}
	ts.Start()
	tb.Cleanup(func() {
		ts.Close()
		srv.Close()
		if err := st.Close(); err != nil {
			tb.Errorf("closing the store: %v", err)
		}
	})
	e := &testEnv{tb: tb, srv: srv, ts: ts, st: st, key: key, keys: map[string]signing.KeyPair{}, cfg: c}
	for _, id := range e.parties() {
		e.keys[id] = newKey(tb, id)
	}
	e.fwText = e.framework(testFW, "Test framework", c.anonymous)
	if n, err := srv.Seed(ctx, []SeedDocument{{Name: "framework.yaml", Text: []byte(e.fwText)}}); err != nil || n != 1 {
		tb.Fatalf("Seed = %d, %v; want 1, nil", n, err)
	}
	return e
}

// newKey makes a key pair as backstop keygen does.
func newKey(tb testing.TB, name string) signing.KeyPair {
	tb.Helper()
	skey, _, err := signing.GenerateKey(name)
	if err != nil {
		tb.Fatal(err)
	}
	k, err := signing.ParsePrivate(skey)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// parties lists the framework's party ids: the beneficiary, the
// guarantors, the secretariat and the monitor.
func (e *testEnv) parties() []string {
	return append(append([]string{"UA"}, e.cfg.guarantors...), "SEC", "MON")
}

// framework writes a framework document over the env's parties and keys.
func (e *testEnv) framework(id, title string, anonymous bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `backstop: v1
kind: Framework
id: %s
title: %s
beneficiary: UA
status: draft
access: {anonymous_read: %t}
parties:
`, id, title, anonymous)
	role := func(p string) string {
		switch p {
		case "UA":
			return "beneficiary"
		case "SEC":
			return "secretariat"
		case "MON":
			return "monitor"
		}
		return "guarantor"
	}
	for _, p := range e.parties() {
		fmt.Fprintf(&b, "  %s: {name: Party %s, role: %s, keys: [%s]}\n", p, p, role(p), e.keys[p].Public)
	}
	b.WriteString(`requirements:
  - {id: land-force, layer: 2, domain: land, quantity: 100, unit: troops}
triggers:
  - id: missile-strike
    severity: grave
    when: incident.type == "missile_strike" && incident.country == "UA"
    respond: [consult-24h]
responses:
  - {id: consult-24h, mode: consultation, within: 24h}
`)
	return b.String()
}

// declaration writes party's declaration to framework fw.
func declaration(fw, party, date string, revision, quantity int) string {
	rev := ""
	if revision != 0 {
		rev = fmt.Sprintf("revision: %d\n", revision)
	}
	return fmt.Sprintf(`backstop: v1
kind: Declaration
framework: %s
party: %s
date: %s
%spledges:
  - {id: %s-land, layer: 2, domain: land, quantity: %d, unit: troops}
`, fw, party, date, rev, strings.ToLower(party), quantity)
}

// incidents writes an Incidents document with one missile strike.
func incidents(id string) string {
	return fmt.Sprintf(`backstop: v1
kind: Incidents
incidents:
  - {id: %s, time: 2025-09-14T03:10:00Z, type: missile_strike, country: UA, source: monitor}
`, id)
}

// sign signs doc with party's key (or the server's, for party "").
func (e *testEnv) sign(party, doc string) []byte {
	e.tb.Helper()
	k := e.key
	if party != "" {
		var ok bool
		if k, ok = e.keys[party]; !ok {
			e.tb.Fatalf("no key for party %s", party)
		}
	}
	return signWith(e.tb, k, []byte(doc))
}

func signWith(tb testing.TB, k signing.KeyPair, doc []byte) []byte {
	tb.Helper()
	b, err := signing.Sign(doc, k.Signer)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string {
	return fmt.Sprintf("%d %s\n%s", r.status, r.header.Get("Content-Type"), r.body)
}

// do sends a request to the test server.
func (e *testEnv) do(method, path string, body []byte, header http.Header) response {
	e.tb.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		e.tb.Fatal(err)
	}
	return readResponse(res)
}

// readResponse reads and closes res's body; a body cut short ends the
// response with the error's text (goroutines cannot call Fatal).
func readResponse(res *http.Response) response {
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		b = append(b, "\nreading the body: "+err.Error()...)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// submit posts a signed document to framework fw.
func (e *testEnv) submit(fw string, body []byte) response {
	e.tb.Helper()
	return e.do(http.MethodPost, "/v1/frameworks/"+fw+"/documents", body, http.Header{"Content-Type": {api.NoteType}})
}

// mustSubmit submits and fails the test unless the document is accepted.
func (e *testEnv) mustSubmit(fw string, body []byte) api.Accepted {
	e.tb.Helper()
	r := e.submit(fw, body)
	if r.status != http.StatusCreated {
		e.tb.Fatalf("submission refused: %v", r)
	}
	return decodeJSON[api.Accepted](e.tb, r)
}

// get reads path, signing the request with k when it is not nil.
func (e *testEnv) get(path string, k *signing.KeyPair) response {
	e.tb.Helper()
	h := http.Header{}
	if k != nil {
		h.Set("Authorization", signRequest(e.tb, *k, http.MethodGet, path, time.Now()))
	}
	return e.do(http.MethodGet, path, nil, h)
}

func signRequest(tb testing.TB, k signing.KeyPair, method, uri string, at time.Time) string {
	tb.Helper()
	v, err := signing.SignRequest(k.Signer, method, uri, at)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// decodeJSON reads a JSON response of status 2xx.
func decodeJSON[T any](tb testing.TB, r response) T {
	tb.Helper()
	var v T
	if r.status < 200 || r.status > 299 {
		tb.Fatalf("want a 2xx response, got %v", r)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Fatalf("Content-Type %q, want application/json", ct)
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		tb.Fatalf("decoding %T: %v\n%s", v, err, r.body)
	}
	return v
}

// checkProblem checks that r is an RFC 9457 problem of status and type
// slug ("" for any), with a detail, and returns it.
func checkProblem(tb testing.TB, r response, status int, slug string) api.Problem {
	tb.Helper()
	if r.status != status {
		tb.Fatalf("status %d, want %d: %v", r.status, status, r)
	}
	p := problemOf(tb, r)
	if slug != "" && p.Type != problemDocs+slug {
		tb.Errorf("problem type %q, want %q (detail: %s)", p.Type, problemDocs+slug, p.Detail)
	}
	if p.Status != status {
		tb.Errorf("problem status %d, want %d", p.Status, status)
	}
	return p
}

// problemOf decodes a refusal, checking the properties every refusal has.
func problemOf(tb testing.TB, r response) api.Problem {
	tb.Helper()
	if ct := r.header.Get("Content-Type"); ct != api.ProblemType {
		tb.Fatalf("Content-Type %q, want %s: %v", ct, api.ProblemType, r)
	}
	var p api.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		tb.Fatalf("decoding the problem: %v\n%s", err, r.body)
	}
	if p.Detail == "" || p.Title == "" || !strings.HasPrefix(p.Type, problemDocs) {
		tb.Errorf("problem without a detail, title or documented type: %+v", p)
	}
	return p
}
