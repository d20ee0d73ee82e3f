package server

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"

	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/option"
)

// MaxOptions bounds the territorial options the server evaluates for one
// answer: the first MaxOptions in the record's order; `backstop territory
// options` measures them all.
const MaxOptions = 20

// Bounds of each framework's cache of evaluated options: one answer per
// version of the record, computed one at a time.
const (
	maxOptionsBytes       = 64 << 20
	optionsComputations   = 1
	settlementsNotOnServe = "the server has no settlements or power plants: `backstop territory options --settlements FILE --power-plants FILE` lists them"
)

// optionsAnswer is GET /v1/frameworks/{id}/options.
type optionsAnswer struct {
	FormatVersion int    `json:"format_version"`
	Framework     string `json:"framework"`
	// Today is the date of the snapshot the options are measured against
	// (the server's latest); Maps the snapshots the options' areas named.
	Today string   `json:"today"`
	Maps  []string `json:"maps"`
	// Geometry says how the areas are drawn: GeoJSON MultiPolygons, one
	// rectangle per interval of each row of option.MapStepM metres.
	Geometry    string  `json:"geometry"`
	RowStepM    float64 `json:"row_step_m"`
	Settlements *string `json:"settlements"` // always null: the server has none
	Note        string  `json:"note"`
	// Total is how many options the record holds; Evaluated how many of
	// them (the first MaxOptions) are in Options.
	Total     int          `json:"total"`
	Evaluated int          `json:"evaluated"`
	Max       int          `json:"max_evaluated"`
	Options   []optionView `json:"options"`
}

// optionView is one option's figures (option.Result, rounded as
// `backstop territory options --format json` rounds them, without the
// settlements) and its areas; Error instead when it cannot be measured.
type optionView struct {
	*option.Result
	ID         string `json:"id"`
	Title      string `json:"title"`
	ProposedBy string `json:"proposed_by"`
	// The settlements are null: the server has no settlements file.
	SettlementsToAdversary *option.Places `json:"settlements_to_adversary"`
	SettlementsToUkraine   *option.Places `json:"settlements_to_ukraine"`
	Areas                  *optionAreas   `json:"areas,omitempty"`
	Error                  string         `json:"error,omitempty"`
}

// optionAreas are the change each way as GeoJSON geometries (lon, lat).
type optionAreas struct {
	ToAdversary multiPolygon `json:"to_adversary"`
	ToUkraine   multiPolygon `json:"to_ukraine"`
}

type multiPolygon struct {
	Type        string           `json:"type"`
	Coordinates [][][][2]float64 `json:"coordinates"`
}

// handleOptions measures the framework's stored territorial options
// against the server's latest territory snapshot, as `backstop territory
// options` does, with the areas that would change hands for the map.
func (s *Server) handleOptions(w http.ResponseWriter, r *http.Request) {
	fr, ok := s.readable(w, r)
	if !ok {
		return
	}
	if s.cfg.Oblasts == nil || !s.cfg.Oblasts.HasPolygons() || len(s.cfg.Territory) == 0 {
		writeProblem(w, r, problem(http.StatusNotFound, "no-layer", "this server cannot measure territorial options: start it with --oblasts FILE and --territory DIR (docs/serve.md)"))
		return
	}
	b, err := s.options(r.Context(), fr)
	if err != nil {
		writeProblem(w, r, viewProblem(w, err))
		return
	}
	writeEncoded(w, r, http.StatusOK, "application/json", b)
}

// options evaluates the framework's options, cached per version of the
// record.
func (s *Server) options(ctx context.Context, fr *frameworkRecord) (*encoded, error) {
	set, version, err := s.documents(fr)
	if err != nil {
		return nil, err
	}
	fr.views.init()
	fr.views.optionsOnce.Do(func() {
		fr.views.options.limit, fr.views.options.maxBytes, fr.views.options.maxFlights = 1, maxOptionsBytes, optionsComputations
		fr.views.options.size = encodedSize
	})
	return fr.views.options.get(ctx, version, "", s.cfg.Timeout, func(cctx context.Context) (*encoded, error) {
		env, err := option.NewEnv(s.cfg.Territory, s.cfg.Oblasts, model.Date{}, nil, nil)
		if err != nil {
			return nil, err
		}
		all := set.Options()
		out := optionsAnswer{FormatVersion: 1, Framework: fr.id, Today: env.Today.Date.String(),
			Geometry: "MultiPolygon", RowStepM: option.MapStepM, Note: settlementsNotOnServe,
			Total: len(all), Evaluated: min(len(all), MaxOptions), Max: MaxOptions, Options: []optionView{}}
		f := set.Framework(fr.id)
		for _, o := range all[:out.Evaluated] {
			if err := cctx.Err(); err != nil {
				return nil, err
			}
			v := optionView{ID: o.ID, Title: o.Title, ProposedBy: o.ProposedBy}
			res, err := env.Evaluate(o, f, true)
			if err != nil {
				v.Error = err.Error()
			} else {
				v.Result = rounded(res)
				v.Areas = &optionAreas{ToAdversary: rowsGeometry(res.Map.ToAdversary, res.Map.StepM), ToUkraine: rowsGeometry(res.Map.ToUkraine, res.Map.StepM)}
			}
			out.Options = append(out.Options, v)
		}
		out.Maps = append([]string{}, env.MapsUsed()...)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return nil, err
		}
		return newEncoded(buf.Bytes()), nil
	})
}

// rounded is r as render's JSON gives it (option.Result.Rounded),
// without the map rows, which the answer carries as GeoJSON.
func rounded(r *option.Result) *option.Result {
	c := r.Rounded()
	c.Map = nil
	return c
}

// rowsGeometry turns rows of the projected plane (geo.Rows) into a
// MultiPolygon of longitude and latitude: each interval of a row is a
// rectangle step metres high, adjacent intervals of a row merged.
func rowsGeometry(rows []geo.Row, step float64) multiPolygon {
	mp := multiPolygon{Type: "MultiPolygon", Coordinates: [][][][2]float64{}}
	for _, row := range rows {
		lat0, lat1 := round5(latOfY(row.Y-step/2)), round5(latOfY(row.Y+step/2))
		var lo, hi float64
		open := false
		flush := func() {
			if open {
				a, b := round5(lonOfX(lo)), round5(lonOfX(hi))
				mp.Coordinates = append(mp.Coordinates, [][][2]float64{{{a, lat0}, {b, lat0}, {b, lat1}, {a, lat1}, {a, lat0}}})
			}
		}
		for i := 0; i+1 < len(row.X); i += 2 {
			if open && row.X[i] <= hi {
				hi = max(hi, row.X[i+1])
				continue
			}
			flush()
			lo, hi, open = row.X[i], row.X[i+1], true
		}
		flush()
	}
	return mp
}

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }

// lonOfX inverts geo.Project's easting.
func lonOfX(x float64) float64 { return x / geo.AuthalicRadius() * 180 / math.Pi }

// latOfY inverts geo.Project's northing (which increases strictly with
// the latitude) by bisection, to well under a metre.
func latOfY(y float64) float64 {
	lo, hi := -90.0, 90.0
	for range 50 {
		mid := (lo + hi) / 2
		if _, ym := geo.Project(0, mid); ym < y {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
