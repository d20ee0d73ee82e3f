package server

import (
	"embed"
	"net/http"
)

//go:embed openapi.json
var assets embed.FS

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		writeProblem(w, r, problem(http.StatusInternalServerError, "internal", err.Error()))
		return
	}
	writeBytes(w, r, http.StatusOK, "application/json", b)
}
