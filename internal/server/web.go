package server

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed web openapi.json
var assets embed.FS

// webHandler serves the embedded pages. http.FileServerFS refuses paths
// with ".." and serves only what is embedded, so no request can reach a
// file outside the binary.
func (s *Server) webHandler() http.Handler {
	root, _ := fs.Sub(assets, "web")
	files := http.FileServerFS(root)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeProblem(w, r, problem(http.StatusMethodNotAllowed, "method-not-allowed", "the pages are read-only: GET or HEAD"))
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
		files.ServeHTTP(w, r)
	})
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		writeProblem(w, r, problem(http.StatusInternalServerError, "internal", err.Error()))
		return
	}
	writeBytes(w, r, http.StatusOK, "application/json", b)
}
