package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rawGet sends path exactly as given (no client-side cleaning or
// escaping) and reads the answer.
func rawGet(t *testing.T, e *testEnv, path string) response {
	t.Helper()
	conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: backstop.test\r\nConnection: close\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// TestPathTraversal checks that the page server reaches nothing outside
// the embedded web folder, whatever the path: neither the machine's files
// nor the package's own sources (which are not embedded).
func TestPathTraversal(t *testing.T) {
	e := newTestServer(t)
	for _, path := range []string{
		"/../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/..%2f..%2fgo.mod",
		"/..%2f..%2f..%2fetc%2fpasswd",
		"/web/../server.go",
		"/web/..%2fserver.go",
		"//etc/passwd",
		"/./server.go",
		"/server.go",
		"/openapi.json/../server.go",
		"/..\\..\\etc\\passwd",
		"/%5c..%5c..%5cetc%5cpasswd",
		"/index.html/../../server.go",
		"/v1/../server.go",
		"/v1/..%2f..%2fgo.mod",
		"/web/index.html",
	} {
		t.Run(strings.ReplaceAll(path, "/", "_"), func(t *testing.T) {
			r, at := rawGet(t, e, path), path
			for hops := 0; r.status >= 300 && r.status < 400 && hops < 5; hops++ {
				base, err := url.Parse(at)
				if err != nil {
					t.Fatal(err)
				}
				loc, err := url.Parse(r.header.Get("Location"))
				if err != nil || loc.Host != "" || loc.Scheme != "" {
					t.Fatalf("redirect to %q leaves the server", r.header.Get("Location"))
				}
				at = base.ResolveReference(loc).RequestURI()
				r = rawGet(t, e, at)
			}
			if r.status == http.StatusOK {
				t.Errorf("GET %s: 200, want a refusal", path)
			}
			for _, leak := range []string{"root:", "package server", "module github.com"} {
				if strings.Contains(string(r.body), leak) {
					t.Errorf("GET %s: the answer holds %q:\n%s", path, leak, r.body)
				}
			}
		})
	}
}

// TestPages checks that the dashboard is served, read-only.
func TestPages(t *testing.T) {
	e := newTestServer(t)
	r := e.get("/", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r.header.Get("Content-Security-Policy") == "" || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET /: headers %v", r.header)
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		r := e.do(m, "/index.html", []byte("x"), nil)
		checkProblem(t, r, http.StatusMethodNotAllowed, "method-not-allowed")
		if allow := r.header.Get("Allow"); allow != "GET, HEAD" {
			t.Errorf("%s: Allow %q", m, allow)
		}
	}
}

// TestRecovered checks that a handler's panic is a 500 problem, not a
// dropped connection or a crashed server.
func TestRecovered(t *testing.T) {
	e := newTestServer(t)
	h := e.srv.recovered(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/v1/health", nil))
	r := response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
	if p := checkProblem(t, r, http.StatusInternalServerError, "internal"); strings.Contains(p.Detail, "boom") {
		t.Errorf("the panic's value reaches the client: %s", p.Detail)
	}
}

// TestUnknownRoutes checks that every path under /v1 the API does not
// have is a 404 problem, whatever the method.
func TestUnknownRoutes(t *testing.T) {
	e := newTestServer(t)
	for _, tt := range []struct{ method, path string }{
		{http.MethodGet, "/v1/nope"},
		{http.MethodGet, "/v1/"},
		{http.MethodGet, "/v1/frameworks/fw/nope"},
		{http.MethodGet, "/v1/log/entries/1/2"},
		{http.MethodPost, "/v1/log/checkpoint"},
		{http.MethodDelete, "/v1/frameworks/fw"},
		{http.MethodPut, "/v1/frameworks/fw/documents"},
	} {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			r := e.do(tt.method, tt.path, nil, nil)
			checkProblem(t, r, http.StatusNotFound, "not-found")
		})
	}
	for _, path := range []string{"/v1/log/entries/99", "/v1/log/entries/-1", "/v1/log/entries/x"} {
		checkProblem(t, e.get(path, nil), http.StatusNotFound, "no-entry")
	}
	checkProblem(t, e.get("/v1/frameworks/nope", nil), http.StatusNotFound, "no-framework")
	checkProblem(t, e.get("/v1/frameworks/nope/assessment", nil), http.StatusNotFound, "no-framework")
}

// TestBadParameters checks the query parameters the API refuses.
func TestBadParameters(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 10)))
	for _, path := range []string{
		"/v1/log/entries?limit=0",
		"/v1/log/entries?limit=5000",
		"/v1/log/entries?limit=-1",
		"/v1/log/entries?limit=x",
		"/v1/log/entries?limit=1e3",
		"/v1/log/entries?start=-1",
		"/v1/log/entries?start=x",
		"/v1/log/entries?start=99999999999999999999",
		"/v1/log/proof/inclusion",
		"/v1/log/proof/inclusion?index=-1",
		"/v1/log/proof/inclusion?index=2",
		"/v1/log/proof/inclusion?index=0&size=0",
		"/v1/log/proof/inclusion?index=0&size=3",
		"/v1/log/proof/inclusion?hash=notbase64",
		"/v1/log/proof/consistency?from=0&to=2",
		"/v1/log/proof/consistency?from=2&to=1",
		"/v1/log/proof/consistency?from=1&to=3",
		"/v1/log/proof/consistency?from=x",
		"/v1/frameworks/fw/declarations?limit=0",
		"/v1/frameworks/fw/declarations?after=-1",
		"/v1/frameworks/fw/assessment?at=2025-02-30",
		"/v1/frameworks/fw/assessment?at=yesterday",
		"/v1/frameworks/fw/monitoring?quiet=0h",
		"/v1/frameworks/fw/monitoring?quiet=soon",
	} {
		t.Run(path, func(t *testing.T) {
			checkProblem(t, e.get(path, nil), http.StatusBadRequest, "bad-parameter")
		})
	}
	// An inclusion proof by a hash no entry has is a 404.
	checkProblem(t, e.get("/v1/log/proof/inclusion?hash=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", nil), http.StatusNotFound, "no-entry")
}
