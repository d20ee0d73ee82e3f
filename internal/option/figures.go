package option

import (
	"cmp"
	"math"
	"slices"

	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/model"
)

// MinOblastKm2 is the smallest change (each way together) for which an
// oblast is listed: one hectare, as territory.MinOblastChangeKm2.
const MinOblastKm2 = 0.01

// Largest is how many of the largest settlements are named.
const Largest = 5

// Result is an option measured against today's map.
type Result struct {
	ID         string `json:"id"`
	Framework  string `json:"framework"`
	Title      string `json:"title"`
	ProposedBy string `json:"proposed_by"`
	// Held describes the area in one line; Swaps likewise, "to PARTY: …".
	Held  string   `json:"held"`
	Swaps []string `json:"swaps"`
	// Today is the date of today's map.
	Today string `json:"today"`
	// OccupiedKm2 is today's occupied area; HeldKm2 the area the adversary
	// would hold under the option, swaps applied.
	OccupiedKm2 float64 `json:"occupied_km2"`
	HeldKm2     float64 `json:"held_km2"`
	// ToAdversaryKm2 is held minus occupied (Ukraine would give it up),
	// ToUkraineKm2 occupied minus held (it would come back).
	ToAdversaryKm2 float64         `json:"to_adversary_km2"`
	ToUkraineKm2   float64         `json:"to_ukraine_km2"`
	ByOblast       []OblastFigures `json:"by_oblast"`
	// Outside* are the parts of the change outside all 27 units' polygons.
	OutsideToAdversaryKm2 float64 `json:"outside_oblasts_to_adversary_km2"`
	OutsideToUkraineKm2   float64 `json:"outside_oblasts_to_ukraine_km2"`
	// Settlements and PowerPlants inside the change, each way.
	SettlementsToAdversary Places `json:"settlements_to_adversary"`
	SettlementsToUkraine   Places `json:"settlements_to_ukraine"`
	// PowerPlants* are nil when no power-plant file was given.
	PowerPlantsToAdversary []Plant `json:"power_plants_to_adversary"`
	PowerPlantsToUkraine   []Plant `json:"power_plants_to_ukraine"`
	// LineKm is the length of the option's line (the boundary of held,
	// inside Ukraine), ContactLineKm today's contact line's.
	LineKm        float64 `json:"line_km"`
	ContactLineKm float64 `json:"contact_line_km"`

	// Map holds the rows of the areas for drawing (not in the JSON).
	Map *Map `json:"-"`
}

// OblastFigures is an option's figures in one oblast.
type OblastFigures struct {
	Code           string  `json:"code"`
	Name           string  `json:"name"`
	HeldKm2        float64 `json:"held_km2"`
	ToAdversaryKm2 float64 `json:"to_adversary_km2"`
	ToUkraineKm2   float64 `json:"to_ukraine_km2"`
}

// Places sums the settlements in a part of the change.
type Places struct {
	Count      int `json:"count"`
	Population int `json:"population"`
	// Largest are the Largest most populous, largest first.
	Largest []Place `json:"largest"`
}

// Map is what a map of the option draws: rows of the projected plane
// (geo.Rows) of Ukraine, today's occupied area, the held area and the
// change each way.
type Map struct {
	StepM                                           float64
	Ukraine, Occupied, Held, ToAdversary, ToUkraine []geo.Row
}

// MapStepM is the spacing of a map's rows, in metres of northing.
const MapStepM = 2000.0

// Evaluate measures an option of framework f against today's map. Swaps to
// the framework's beneficiary are taken out of the held area; swaps to any
// other party are added to it.
func (e *Env) Evaluate(o *model.TerritorialOption, f *model.Framework, withMap bool) (*Result, error) {
	held, err := e.Build(o.Held)
	if err != nil {
		return nil, err
	}
	x := held.Expr
	r := &Result{ID: o.ID, Framework: o.Framework, Title: o.Title, ProposedBy: o.ProposedBy,
		Held: Describe(o.Held), Swaps: []string{}, Today: e.Today.Date.String(), ByOblast: []OblastFigures{}}
	outlines := held.Outlines
	var gain, give []*geo.Expr
	for _, s := range o.Swaps {
		c, err := e.Build(s.Area)
		if err != nil {
			return nil, err
		}
		outlines = append(outlines, c.Outlines...)
		r.Swaps = append(r.Swaps, "to "+s.To+": "+Describe(s.Area))
		if f != nil && s.To == f.Beneficiary {
			give = append(give, c.Expr)
		} else {
			gain = append(gain, c.Expr)
		}
	}
	if len(gain) > 0 {
		x = geo.Union(append([]*geo.Expr{x}, gain...)...)
	}
	if len(give) > 0 {
		x = geo.Difference(append([]*geo.Expr{x}, give...)...)
	}
	today := e.snapshotShape(e.Today)
	occ := geo.Leaf(today)
	regions := e.Oblasts.Index().Shapes()
	m := geo.OverlayExpr(x, occ, regions)
	r.OccupiedKm2, r.HeldKm2 = m.BOnly+m.Both, m.AOnly+m.Both
	r.ToAdversaryKm2, r.ToUkraineKm2 = m.AOnly, m.BOnly
	r.OutsideToAdversaryKm2, r.OutsideToUkraineKm2 = m.AOnly, m.BOnly
	for i, u := range e.Oblasts.Polygons() {
		a, b := m.AOnlyIn[i], m.BOnlyIn[i]
		r.OutsideToAdversaryKm2 -= a
		r.OutsideToUkraineKm2 -= b
		if a+b >= MinOblastKm2 {
			r.ByOblast = append(r.ByOblast, OblastFigures{Code: u.Code, Name: u.Name, HeldKm2: m.AIn[i], ToAdversaryKm2: a, ToUkraineKm2: b})
		}
	}
	r.OutsideToAdversaryKm2, r.OutsideToUkraineKm2 = max(r.OutsideToAdversaryKm2, 0), max(r.OutsideToUkraineKm2, 0)
	slices.SortFunc(r.ByOblast, func(a, b OblastFigures) int {
		return cmp.Or(cmp.Compare(b.ToAdversaryKm2+b.ToUkraineKm2, a.ToAdversaryKm2+a.ToUkraineKm2), cmp.Compare(a.Code, b.Code))
	})

	e.places(r, x, today)
	r.LineKm = LengthKm(e.lineOf(x.Contains, outlines))
	r.ContactLineKm = LengthKm(e.Front(e.Today))
	if withMap {
		r.Map = mapOf(regions, occ, x)
	}
	return r, nil
}

// places fills in the settlements and power plants that would change
// hands: inside the held area x and not today's occupied area, or the
// reverse.
func (e *Env) places(r *Result, x *geo.Expr, today *geo.Shape) {
	var toAdv, toUA []Place
	for _, p := range e.Settlements {
		h, o := x.Contains(p.Lon, p.Lat), today.Contains(p.Lon, p.Lat)
		switch {
		case h && !o:
			toAdv = append(toAdv, p)
		case o && !h:
			toUA = append(toUA, p)
		}
	}
	r.SettlementsToAdversary, r.SettlementsToUkraine = sum(toAdv), sum(toUA)
	if e.Plants == nil {
		return
	}
	r.PowerPlantsToAdversary, r.PowerPlantsToUkraine = []Plant{}, []Plant{}
	for _, p := range e.Plants {
		h, o := x.Contains(p.Lon, p.Lat), today.Contains(p.Lon, p.Lat)
		switch {
		case h && !o:
			r.PowerPlantsToAdversary = append(r.PowerPlantsToAdversary, p)
		case o && !h:
			r.PowerPlantsToUkraine = append(r.PowerPlantsToUkraine, p)
		}
	}
}

// mapOf is the option's map, in rows of MapStepM: Ukraine, today's
// occupied area, the held area and the changes each way.
func mapOf(regions []*geo.Shape, occ, x *geo.Expr) *Map {
	ua := make([]*geo.Expr, len(regions))
	for i, s := range regions {
		ua[i] = geo.Leaf(s)
	}
	return &Map{
		StepM:       MapStepM,
		Ukraine:     geo.Rows(geo.Union(ua...), MapStepM),
		Occupied:    geo.Rows(occ, MapStepM),
		Held:        geo.Rows(x, MapStepM),
		ToAdversary: geo.Rows(geo.Difference(x, occ), MapStepM),
		ToUkraine:   geo.Rows(geo.Difference(occ, x), MapStepM),
	}
}

func sum(ps []Place) Places {
	out := Places{Count: len(ps), Largest: []Place{}}
	for _, p := range ps {
		out.Population += p.Population
	}
	slices.SortFunc(ps, func(a, b Place) int {
		return cmp.Or(cmp.Compare(b.Population, a.Population), cmp.Compare(a.Name, b.Name))
	})
	out.Largest = append(out.Largest, ps[:min(Largest, len(ps))]...)
	return out
}

// Rounded is a copy of r with its figures rounded as backstop's JSON
// gives areas and lengths: areas to the square metre (0.001 km², never
// -0), lines to 100 m. The CLI's JSON and the server's answer both use
// it, so that they agree to the digit.
func (r *Result) Rounded() *Result {
	km2 := func(v float64) float64 {
		x := math.Round(v*1000) / 1000
		if x == 0 {
			return 0 // not -0
		}
		return x
	}
	c := *r
	for _, p := range []*float64{&c.OccupiedKm2, &c.HeldKm2, &c.ToAdversaryKm2, &c.ToUkraineKm2, &c.OutsideToAdversaryKm2, &c.OutsideToUkraineKm2} {
		*p = km2(*p)
	}
	c.LineKm, c.ContactLineKm = math.Round(c.LineKm*10)/10, math.Round(c.ContactLineKm*10)/10
	c.ByOblast = append([]OblastFigures{}, r.ByOblast...)
	for i := range c.ByOblast {
		o := &c.ByOblast[i]
		o.HeldKm2, o.ToAdversaryKm2, o.ToUkraineKm2 = km2(o.HeldKm2), km2(o.ToAdversaryKm2), km2(o.ToUkraineKm2)
	}
	return &c
}
