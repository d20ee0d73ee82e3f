package dashboard

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed web
var files embed.FS

// contentSecurityPolicy lets the pages load only the server's own scripts,
// styles, images and API: nothing from elsewhere, no inline script.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

// asset is one embedded file with its validator, and for text its gzip
// body with a validator of its own (a different representation needs a
// different strong ETag: RFC 9110 §8.8.3).
type asset struct {
	body        []byte
	contentType string
	etag        string
	gz          []byte // nil when the file is not text, or gzip does not make it smaller
	gzEtag      string
}

// compressible says whether a file's type is text that gzip shrinks: the
// shell, the scripts, the style sheets and the SVG icon.
func compressible(contentType string) bool {
	for _, t := range []string{"text/html", "text/javascript", "application/javascript", "text/css", "image/svg+xml"} {
		if strings.HasPrefix(contentType, t) {
			return true
		}
	}
	return false
}

// gzipped is body compressed at the best level: done once, at start.
func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		panic(err) // a valid level: cannot happen
	}
	_, _ = zw.Write(body) // a bytes.Buffer does not fail
	_ = zw.Close()
	return buf.Bytes()
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip: named
// (or *) with a q-value other than 0.
func acceptsGzip(header string) bool {
	ok := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					f = 0 // as the API reads it (internal/server acceptsGzip)
				}
				q = f
			}
		}
		if coding == "*" {
			ok = ok || q > 0
			continue
		}
		return q > 0 // gzip named: its own q-value decides
	}
	return ok
}

// Handler serves the dashboard. Files are read once, and each text file
// (HTML, JavaScript, CSS, SVG) gzipped once, at start; a browser that
// accepts gzip gets the compressed body (Content-Encoding: gzip, with a
// strong ETag of its own: the file's with "-gzip", as the API's). Every
// response has a strong ETag, Vary: Accept-Encoding where there are two
// encodings, and Cache-Control: no-cache, so that a browser revalidates
// (and gets 304, for either tag) rather than running a stale script after
// an upgrade.
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
		tag := hex.EncodeToString(sum[:12])
		a := asset{body: body, contentType: ct, etag: `"` + tag + `"`}
		if compressible(ct) {
			if gz := gzipped(body); len(gz) < len(body) {
				a.gz, a.gzEtag = gz, `"`+tag+`-gzip"`
			}
		}
		assets[strings.TrimPrefix(p, "web")] = a
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
		body, etag := a.body, a.etag
		if a.gz != nil {
			// The answer depends on Accept-Encoding, compressed or not.
			h.Set("Vary", "Accept-Encoding")
			if acceptsGzip(r.Header.Get("Accept-Encoding")) {
				body, etag = a.gz, a.gzEtag
				h.Set("Content-Encoding", "gzip")
			}
		}
		h.Set("Content-Type", a.contentType)
		h.Set("ETag", etag)
		h.Set("Cache-Control", "no-cache")
		// Either representation's tag is the browser's copy of this file:
		// a cache that kept the other encoding revalidates too.
		if inm := r.Header.Get("If-None-Match"); inm != "" && (match(inm, a.etag) || (a.gz != nil && match(inm, a.gzEtag))) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}

// isPage reports whether p is one of the dashboard's page paths: each is
// answered with the HTML shell, whose script draws the page the path
// names, so that every page (and its state, in the query) can be linked to
// and reloaded. web/assets/app.js has the same list.
func isPage(p string) bool {
	switch p {
	case "/", "/coverage", "/map", "/breaches", "/parties", "/lists", "/guarantors", "/stress", "/record":
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
