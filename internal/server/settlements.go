package server

import (
	"net/http"

	"github.com/backstop-dev/backstop/internal/maplayers"
)

// handleSettlements gives the places the map labels: the most populous
// maplayers.MaxSettlements of the server's --settlements file, most
// populous first, each with its name, position and population. A server
// without the file answers an empty list (total 0), so that the map asks
// without a failed request.
func (s *Server) handleSettlements(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.readable(w, r); !ok {
		return
	}
	writeBytes(w, r, http.StatusOK, "application/json", maplayers.Settlements(s.cfg.Settlements, maplayers.MaxSettlements))
}
