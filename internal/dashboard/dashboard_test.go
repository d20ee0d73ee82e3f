package dashboard_test

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/dashboard"
)

func get(t *testing.T, h http.Handler, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestHandler checks what the handler answers: every page is the HTML
// shell, files have their type and a validator (304 when the browser has
// them), everything else is 404, and the pages may load only the server's
// own scripts.
func TestHandler(t *testing.T) {
	h := dashboard.Handler()
	shell := get(t, h, http.MethodGet, "/", nil)
	shellBody, _ := io.ReadAll(shell.Body)
	tests := []struct {
		path   string
		status int
		ctype  string
	}{
		{"/", 200, "text/html"},
		{"/coverage", 200, "text/html"},
		{"/map", 200, "text/html"},
		{"/breaches", 200, "text/html"},
		{"/guarantors", 200, "text/html"},
		{"/stress", 200, "text/html"},
		{"/record", 200, "text/html"},
		{"/record?framework=x", 200, "text/html"},
		{"/assets/app.js", 200, "text/javascript"},
		{"/assets/app.css", 200, "text/css"},
		{"/assets/favicon.svg", 200, "image/svg+xml"},
		{"/assets/pages/map.js", 200, "text/javascript"},
		{"/index.html", 404, "text/html"},
		{"/coverage/", 404, "text/html"},
		{"/assets/", 404, "text/html"},
		{"/assets/nope.js", 404, "text/html"},
		{"/web/index.html", 404, "text/html"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp := get(t, h, http.MethodGet, tc.path, nil)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.ctype)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}
			if tc.status != 200 {
				return
			}
			if tc.ctype == "text/html" && string(body) != string(shellBody) {
				t.Error("a page is not the HTML shell")
			}
			etag := resp.Header.Get("ETag")
			if etag == "" || resp.Header.Get("Cache-Control") != "no-cache" {
				t.Fatalf("ETag %q, Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
			}
			again := get(t, h, http.MethodGet, tc.path, http.Header{"If-None-Match": {etag}})
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match %s: %d, want 304", etag, again.StatusCode)
			}
			head := get(t, h, http.MethodHead, tc.path, nil)
			if b, _ := io.ReadAll(head.Body); head.StatusCode != 200 || len(b) != 0 {
				t.Errorf("HEAD: %d with %d bytes", head.StatusCode, len(b))
			}
		})
	}
	if resp := get(t, h, http.MethodPost, "/", nil); resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

var (
	importRe  = regexp.MustCompile(`(?m)^\s*import\b[^'"]*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)`)
	preloadRe = regexp.MustCompile(`<link rel="modulepreload" href="([^"]+)">`)
	srcRe     = regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`)
)

// TestAssetGraph reads the files the binary embeds: every module a module
// imports exists, every file the shell names exists, and the shell
// preloads every module, so that the browser fetches them at once rather
// than one import after another (the first paint depends on it).
func TestAssetGraph(t *testing.T) {
	root := "web"
	files := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files["/"+filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	shell, err := os.ReadFile(filepath.Join(root, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range srcRe.FindAllStringSubmatch(string(shell), -1) {
		if !files[m[1]] {
			t.Errorf("index.html names %s, which is not embedded", m[1])
		}
	}
	var preloaded []string
	for _, m := range preloadRe.FindAllStringSubmatch(string(shell), -1) {
		preloaded = append(preloaded, m[1])
	}
	for f := range files {
		if path.Ext(f) != ".js" {
			continue
		}
		if !slices.Contains(preloaded, f) {
			t.Errorf("index.html does not preload the module %s", f)
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range importRe.FindAllStringSubmatch(string(src), -1) {
			spec := m[1] + m[2]
			target := path.Join(path.Dir(f), spec)
			if strings.HasPrefix(spec, "/") {
				target = spec
			}
			if !files[target] {
				t.Errorf("%s imports %s (%s), which is not embedded", f, spec, target)
			}
		}
	}
	if len(preloaded) == 0 {
		t.Fatal("found no modulepreload in index.html")
	}
}

// TestRoutesAgree keeps the server's page paths and the browser's router
// in step: every path app.js routes is answered with the shell, so that a
// page reloaded or linked to is found.
func TestRoutesAgree(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("web", "assets", "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)const routes = \{(.*?)\};`).FindSubmatch(src)
	if block == nil {
		t.Fatal("app.js has no `const routes = {…};`")
	}
	paths := regexp.MustCompile(`'(/[a-z]*)':`).FindAllSubmatch(block[1], -1)
	if len(paths) < 6 {
		t.Fatalf("found %d routes in app.js", len(paths))
	}
	h := dashboard.Handler()
	for _, m := range paths {
		if resp := get(t, h, http.MethodGet, string(m[1]), nil); resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("app.js routes %s, which the server answers %d %s", m[1], resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
