package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/model"
)

// geoJSONType is the media type of the map layers (RFC 7946).
const geoJSONType = "application/geo+json"

var errNoScenario = errors.New("no such scenario")

// handleOblasts gives Ukraine's 27 oblasts, simplified for drawing, when
// the server was started with --oblasts. They are public: geography, not
// a framework's record.
func (s *Server) handleOblasts(w http.ResponseWriter, r *http.Request) {
	if s.oblasts == nil {
		writeProblem(w, r, problem(http.StatusNotFound, "no-layer", "this server has no oblast layer: start it with --oblasts FILE (docs/serve.md)"))
		return
	}
	writeBytes(w, r, http.StatusOK, geoJSONType, s.oblasts)
}

// handleTerritory gives the occupied territory in force at ?at=YYYY-MM-DD
// (default today) and at the framework's ceasefire, from the snapshots the
// server was started with (--territory).
func (s *Server) handleTerritory(w http.ResponseWriter, r *http.Request) {
	fr, ok := s.readable(w, r)
	if !ok {
		return
	}
	if s.territory == nil {
		writeProblem(w, r, problem(http.StatusNotFound, "no-layer", "this server has no territory layer: start it with --territory DIR (docs/serve.md)"))
		return
	}
	at, p := dateParam(r, "at")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	fw, _ := s.rec.current(fr)
	writeBytes(w, r, http.StatusOK, geoJSONType, s.territory.GeoJSONSince(s.territory.Baseline(fw.Ceasefire), fw.Ceasefire, at))
}

// dateParam reads a YYYY-MM-DD query parameter; today (UTC) when absent.
func dateParam(r *http.Request, name string) (model.Date, *api.Problem) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return model.Date{Time: time.Now().UTC().Truncate(24 * time.Hour)}, nil
	}
	d, err := model.ParseDate(v)
	if err != nil {
		return model.Date{}, problem(http.StatusBadRequest, "bad-parameter", name+": "+err.Error())
	}
	return d, nil
}

// handleScenarios lists the framework's stored scenarios.
func (s *Server) handleScenarios(w http.ResponseWriter, r *http.Request) {
	fr, ok := s.readable(w, r)
	if !ok {
		return
	}
	list, err := s.scenarios(fr)
	if err != nil {
		writeProblem(w, r, problem(http.StatusConflict, "invalid-record", err.Error()))
		return
	}
	writeJSON(w, r, http.StatusOK, api.Page[api.Scenario]{Items: list})
}

// handleSimulation simulates a stored scenario (?scenario=ID, default the
// latest stored), as `backstop simulate --format json` does.
func (s *Server) handleSimulation(w http.ResponseWriter, r *http.Request) {
	fr, ok := s.readable(w, r)
	if !ok {
		return
	}
	id := r.URL.Query().Get("scenario")
	b, err := s.simulation(fr, id)
	switch {
	case errors.Is(err, errNoScenario) && id == "":
		writeProblem(w, r, problem(http.StatusNotFound, "no-scenario", fmt.Sprintf("framework %s has no scenario in the record", fr.id)))
	case errors.Is(err, errNoScenario):
		writeProblem(w, r, problem(http.StatusNotFound, "no-scenario", fmt.Sprintf("framework %s has no scenario %q; /v1/frameworks/%s/scenarios lists them", fr.id, id, fr.id)))
	case err != nil:
		writeProblem(w, r, problem(http.StatusConflict, "invalid-record", err.Error()))
	default:
		writeEncoded(w, r, http.StatusOK, "application/json", b)
	}
}
