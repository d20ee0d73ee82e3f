package maplayers

import (
	"cmp"
	"encoding/json"
	"slices"

	"github.com/backstop-dev/backstop/internal/option"
)

// SettlementAttribution is the credit GeoNames' licence (CC BY 4.0) asks
// for; the map shows it with the labels.
const SettlementAttribution = "Places © GeoNames (geonames.org), CC BY 4.0"

// MaxSettlements bounds the settlement layer: the largest places, enough
// to label a zoomed-in view of a front line, not every hamlet.
const MaxSettlements = 2000

// Settlement is one place of the settlement layer.
type Settlement struct {
	Name       string  `json:"name"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	Population int     `json:"population"`
}

type settlementLayer struct {
	Attribution string `json:"attribution"`
	// Total is the number of places the server read; Settlements the
	// largest limit of them, most populous first (by name on a tie).
	Total       int          `json:"total"`
	Settlements []Settlement `json:"settlements"`
}

// Settlements gives the limit most populous places (limit <= 0:
// MaxSettlements) as JSON, most populous first; with no places, an empty
// list without attribution.
func Settlements(places []option.Place, limit int) []byte {
	if limit <= 0 {
		limit = MaxSettlements
	}
	sorted := slices.Clone(places)
	slices.SortStableFunc(sorted, func(a, b option.Place) int {
		return cmp.Or(cmp.Compare(b.Population, a.Population), cmp.Compare(a.Name, b.Name))
	})
	l := settlementLayer{Total: len(places), Settlements: []Settlement{}}
	if len(places) > 0 {
		l.Attribution = SettlementAttribution
	}
	for _, p := range sorted[:min(limit, len(sorted))] {
		l.Settlements = append(l.Settlements, Settlement{Name: p.Name, Lat: roundTo(p.Lat, 4), Lon: roundTo(p.Lon, 4), Population: p.Population})
	}
	b, _ := json.Marshal(l) // plain data: cannot fail
	return b
}
