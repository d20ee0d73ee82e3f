package dashboard_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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

// TestGzip checks the compressed representations: every text file is
// served gzipped to a client that accepts it, with Vary, a strong ETag of
// its own ("…-gzip") and a body that unzips to the file; not to one that
// does not; If-None-Match with either tag is 304; and the scripts and
// style sheets together shrink to under 40 % of their size.
func TestGzip(t *testing.T) {
	h := dashboard.Handler()
	// The names come from the folder; the bodies from the handler without
	// gzip (the files embedded when the test was built, which an edit of
	// the folder since does not change).
	var names []string
	err := filepath.WalkDir("web", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, "/"+filepath.ToSlash(strings.TrimPrefix(p, "web"+string(filepath.Separator))))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var raw, packed int
	for _, f := range names {
		target := f
		if f == "/index.html" {
			target = "/"
		}
		if !compressibleName(f) {
			continue
		}
		plain := get(t, h, http.MethodGet, target, http.Header{"Accept-Encoding": {"identity"}})
		want, _ := io.ReadAll(plain.Body)
		if plain.StatusCode == http.StatusNotFound {
			continue // a file added since the test was built
		}
		zipped := get(t, h, http.MethodGet, target, http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
		zippedBody, _ := io.ReadAll(zipped.Body)
		if plain.StatusCode != 200 || zipped.StatusCode != 200 {
			t.Fatalf("%s: %d and %d", f, plain.StatusCode, zipped.StatusCode)
		}
		if plain.Header.Get("Content-Encoding") != "" || plain.Header.Get("Content-Length") != strconv.Itoa(len(want)) {
			t.Errorf("%s without gzip: Content-Encoding %q, Content-Length %s for %d bytes", f, plain.Header.Get("Content-Encoding"), plain.Header.Get("Content-Length"), len(want))
		}
		if zipped.Header.Get("Content-Encoding") != "gzip" {
			if len(want) > 1024 {
				t.Errorf("%s (%d bytes): not gzipped", f, len(want))
			}
			continue
		}
		for _, resp := range []*http.Response{plain, zipped} {
			if resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s: Vary %q", f, resp.Header.Get("Vary"))
			}
		}
		pTag, zTag := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
		if !strings.HasPrefix(pTag, `"`) || strings.HasPrefix(zTag, "W/") || zTag != strings.TrimSuffix(pTag, `"`)+`-gzip"` {
			t.Errorf("%s: ETags %s and %s; want strong, the gzip one the other's with -gzip", f, pTag, zTag)
		}
		zr, err := gzip.NewReader(bytes.NewReader(zippedBody))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil || string(unzipped) != string(want) {
			t.Errorf("%s: the gzip body unzips to %d bytes (%v), want the file's %d", f, len(unzipped), err, len(want))
		}
		if cl := zipped.Header.Get("Content-Length"); cl != strconv.Itoa(len(zippedBody)) {
			t.Errorf("%s: Content-Length %s for %d bytes", f, cl, len(zippedBody))
		}
		for _, tc := range []struct {
			accept, inm string
		}{
			{"gzip", zTag}, {"gzip", pTag}, {"", pTag}, {"", zTag}, {"gzip", `"other", ` + zTag},
		} {
			resp := get(t, h, http.MethodGet, target, http.Header{"Accept-Encoding": {tc.accept}, "If-None-Match": {tc.inm}})
			if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Errorf("%s: Accept-Encoding %q, If-None-Match %s: %d with %d bytes, want 304", f, tc.accept, tc.inm, resp.StatusCode, len(b))
			}
		}
		if resp := get(t, h, http.MethodGet, target, http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {`"nope-gzip"`}}); resp.StatusCode != 200 {
			t.Errorf("%s: another tag: %d, want 200", f, resp.StatusCode)
		}
		if ext := path.Ext(f); ext == ".js" || ext == ".css" {
			raw += len(want)
			packed += len(zippedBody)
		}
	}
	if raw == 0 {
		t.Fatal("no script or style sheet found")
	}
	t.Logf("scripts and style sheets: %d bytes, %d gzipped (%.1f %%)", raw, packed, 100*float64(packed)/float64(raw))
	if float64(packed) >= 0.4*float64(raw) {
		t.Errorf("scripts and style sheets gzip to %d of %d bytes: %.1f %%, want under 40 %%", packed, raw, 100*float64(packed)/float64(raw))
	}
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{
		{"gzip", true}, {"GZIP", true}, {"x-gzip", true}, {"gzip;q=0.5", true}, {"*", true}, {"br, *;q=0.1", true},
		{"", false}, {"identity", false}, {"gzip;q=0", false}, {"br", false}, {"*;q=0", false}, {"gzip;q=0, *", false}, {"gzip;q=x", false},
	} {
		resp := get(t, h, http.MethodGet, "/assets/app.js", http.Header{"Accept-Encoding": {tc.accept}})
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tc.gzip {
			t.Errorf("Accept-Encoding %q: gzipped %v, want %v", tc.accept, got, tc.gzip)
		}
	}
	if resp := get(t, h, http.MethodGet, "/assets/app.js", http.Header{"Accept-Encoding": {"gzip"}}); resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("gzipped: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	head := get(t, h, http.MethodHead, "/assets/app.js", http.Header{"Accept-Encoding": {"gzip"}})
	if b, _ := io.ReadAll(head.Body); head.StatusCode != 200 || len(b) != 0 || head.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("HEAD with gzip: %d, %d bytes, Content-Encoding %q", head.StatusCode, len(b), head.Header.Get("Content-Encoding"))
	}
}

// compressibleName says whether the dashboard gzips a file of this name.
func compressibleName(f string) bool {
	switch path.Ext(f) {
	case ".html", ".js", ".css", ".svg":
		return true
	}
	return false
}
