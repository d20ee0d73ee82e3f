package dashboard

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed web
var files embed.FS

// contentSecurityPolicy lets the pages load only the server's own scripts,
// styles, images and API: nothing from elsewhere, no inline script.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

// asset is one embedded file with its validator.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// Handler serves the dashboard. Files are read once; every response has a
// strong ETag and Cache-Control: no-cache, so that a browser revalidates
// (and gets 304) rather than running a stale script after an upgrade.
// Paths that are neither a page nor a file are 404.
func Handler() http.Handler {
	assets := map[string]asset{}
	err := fs.WalkDir(files, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		assets[strings.TrimPrefix(p, "web")] = asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		panic("dashboard: the embedded files cannot be read: " + err.Error()) // a broken build, not input
	}
	shell := assets["/index.html"]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "the dashboard is read-only: GET or HEAD", http.StatusMethodNotAllowed)
			return
		}
		a, ok := assets[r.URL.Path]
		if isPage(r.URL.Path) {
			a, ok = shell, true
		}
		if !ok || r.URL.Path == "/index.html" {
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(notFound))
			return
		}
		h.Set("Content-Type", a.contentType)
		h.Set("ETag", a.etag)
		h.Set("Cache-Control", "no-cache")
		if match(r.Header.Get("If-None-Match"), a.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(a.body)
	})
}

// isPage reports whether p is one of the dashboard's page paths: each is
// answered with the HTML shell, whose script draws the page the path
// names, so that every page (and its state, in the query) can be linked to
// and reloaded. web/assets/app.js has the same list.
func isPage(p string) bool {
	switch p {
	case "/", "/coverage", "/map", "/breaches", "/guarantors", "/stress", "/record":
		return true
	}
	return false
}

func match(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

const notFound = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not found — backstop</title></head>
<body><h1>Not found</h1><p>No such page. The dashboard starts at <a href="/">/</a>; the API at <a href="/v1/openapi.json">/v1/openapi.json</a>.</p></body></html>
`
