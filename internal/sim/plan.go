package sim

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// Defaults of the model's constants (docs/simulate.md gives their sources;
// those marked "calibration" are ours, fitted to the cases of
// calibration_test.go, and drawn per run from their ranges in uncertain).
var defaults = Params{
	TroopsPerBattalion:   1500,  // a brigade of ~4,500 troops = three manoeuvre battalions; its cavalry, fires and support count in its type weight (US Army BCT, FM 3-96)
	AdvanceKmh:           4.5,   // calibration: unopposed advance against a hasty defence, RAND's Baltic games (36–60 h to ~200 km)
	BreakthroughRatio:    3,     // the classic 3:1 attacker-to-defender rule of thumb for a full-speed advance
	AttritionPerHour:     0.001, // calibration: square-law coefficient, ~2.4 % of the opposing power a day at parity (Dupuy 1990: divisions lose 1–4 % a day)
	GuarantorQuality:     1.2,   // calibration: guarantor battalions better trained and equipped than the reference
	SortiesPerHour:       0.1,   // per aircraft: ~2.4 sorties a day
	KillsPerSortie:       0.05,  // calibration: battalion-equivalents of attacker power per effective sortie
	TransitInRegion:      24,    // hours from a neighbouring state or the sea
	TransitHome:          72,    // hours from home bases
	Noise:                0.15,  // log-normal spread of forces and advance rate per run
	Decide:               0.85,
	Delay:                1.0,
	Spread:               0.5,
	Approval:             0.5,
	AirDefense:           0.5,
	CollapseShare:        0.3,
	CulminationShare:     0.5,
	SEADPerSortie:        0.002, // calibration: share of the attacker's air defence one effective sortie suppresses
	LossPerSortie:        0.01,  // calibration: aircraft lost per sortie against a fully working air defence
	BattalionsPerBrigade: 3,
}

// Params are the constants of one simulation.
type Params struct {
	TroopsPerBattalion, AdvanceKmh, BreakthroughRatio, AttritionPerHour, GuarantorQuality float64
	SortiesPerHour, KillsPerSortie, TransitInRegion, TransitHome, Noise                   float64
	Decide, Delay, Spread, Approval, AirDefense, WarningResponse                          float64
	// CollapseShare: the defence collapses (the attacker moves at full
	// speed) below this share of its strength; CulminationShare: the
	// attacker stops below this share of its own.
	CollapseShare, CulminationShare float64
	// SEADPerSortie and LossPerSortie: how guarantor air and the
	// attacker's air defence wear each other down.
	SEADPerSortie, LossPerSortie float64
	// BattalionsPerBrigade: battalion-equivalents a pledged brigade brings.
	BattalionsPerBrigade float64
}

// TypeWeight is the combat power of one battalion-equivalent of each
// force type, mechanised infantry being 1.0 (calibration in the ranking
// of Dupuy's weapon scores and the Army's relative-combat-power tables;
// the ratios are ours: docs/simulate.md).
var TypeWeight = map[model.ForceType]float64{
	model.Armour:     1.3,
	model.Mechanised: 1.0,
	model.Motorised:  0.75,
	model.Light:      0.5,
	model.Airborne:   0.55,
	model.Fires:      0.9,
}

// weight is a force type's weight; "" is mechanised, the default.
func weight(t model.ForceType) float64 {
	if w, ok := TypeWeight[t]; ok {
		return w
	}
	return 1
}

// PostureFactor multiplies the defender's combat power by its posture:
// Dupuy's QJM factors (T. N. Dupuy, Numbers, Predictions and War, 1979).
var PostureFactor = map[model.DefencePosture]float64{
	model.Hasty:     1.3,
	model.Prepared:  1.5,
	model.Fortified: 1.6,
}

// TerrainSpeed slows the attacker's advance by the ground (calibration in
// the spirit of Dupuy's terrain factors for movement).
var TerrainSpeed = map[model.Terrain]float64{
	model.Open:  1.0,
	model.Mixed: 0.8,
	model.Rough: 0.6,
	model.Urban: 0.4,
}

// Force is one pledge as the simulation sees it.
type Force struct {
	Party, Pledge, Domain string
	Posture               string
	// Battalions (land), Aircraft (air), Batteries (air-defense) and
	// Orbits (isr): what the force brings. Power is the land force's
	// combat power before the guarantor quality: battalions × the weight
	// of its type.
	Battalions, Aircraft, Batteries, Orbits float64
	Power                                   float64
	Type                                    model.ForceType
	// InTheatre forces are present from hour 0; the others arrive
	// Delay hours after their party decides (readiness + transit).
	InTheatre bool
	Delay     float64
	// Pending pledges come with probability Params.Approval.
	Pending bool
	// Extra marks the scenario's extra force, and the search's.
	Extra bool
}

// party is the political behaviour of one guarantor.
type party struct {
	id                    string
	decide, delay, spread float64
}

// Plan is everything a run needs, prepared once.
type Plan struct {
	Scenario    string
	Framework   string
	Start       model.Date
	Attacker    float64 // combat power: Σ battalions × type weight × quality
	Defender    float64 // Σ over the axes, at the start
	ObjectiveKm float64 // the first decisive axis's
	// Axes are where the attack goes (one when the scenario names none).
	Axes []Axis
	// Uncertain are the calibrated parameters drawn per run.
	Uncertain []Uncertain
	// Strike delays reinforcements on the move (zero: none).
	StrikeShare, StrikeDelayH float64
	HorizonH                  float64
	WarningH                  float64
	Runs                      int
	Seed                      int64
	// Triggers are the framework triggers the attack sets off.
	Triggers   []string
	Params     Params
	Forces     []Force
	parties    []party
	partyIndex map[string]int
	forceParty []int // index into parties per force, -1 for extra forces
	// consultH is the consultation deadline of the trigger's response
	// chain; decisionH maps a domain to the decision deadline covering it
	// (absent: no response activates the domain).
	consultH        float64
	decisionH       map[string]float64
	forceDecH       []float64 // decision deadline per force (NaN: never activated)
	shieldBatteries float64   // guarantor batteries in theatre from hour 0
	// politics says where each party's behaviour came from (UseMeasured).
	politics []PoliticsSource
}

// Axis is one axis of advance as the plan holds it.
type Axis struct {
	ID          string
	Share       float64 // of the attacker
	ObjectiveKm float64
	FrontKm     float64
	Defence     float64 // combat power at the start, before posture
	Posture     model.DefencePosture
	Terrain     float64 // speed factor
	Decisive    bool
	Reserves    []Reserve
}

// Reserve is defender power joining an axis after AfterH hours.
type Reserve struct{ Power, AfterH float64 }

// power is the combat power of a force of the scenario.
func power(f model.Force) float64 {
	if len(f.Units) == 0 {
		return f.Battalions * weight(f.Type) * orOne(f.Quality)
	}
	sum := 0.0
	for _, u := range f.Units {
		sum += u.Battalions * weight(u.Type) * orOne(u.Quality) * orOne(f.Quality)
	}
	return sum
}

func newAxis(id string, share, objectiveKm, frontKm float64, d model.Force, terrain model.Terrain, decisive *bool) Axis {
	a := Axis{ID: id, Share: share, ObjectiveKm: objectiveKm, FrontKm: frontKm, Defence: power(d),
		Posture: cmp.Or(d.Posture, model.Hasty), Terrain: cmp.Or(TerrainSpeed[terrain], 1), Decisive: decisive == nil || *decisive}
	for _, r := range d.Reserves {
		rp := r.Battalions * weight(r.Type) * orOne(r.Quality)
		a.Reserves = append(a.Reserves, Reserve{Power: rp, AfterH: time.Duration(r.After).Hours()})
	}
	slices.SortStableFunc(a.Reserves, func(x, y Reserve) int { return cmp.Compare(x.AfterH, y.AfterH) })
	return a
}

// DefaultRuns are the runs of a scenario that names none.
const DefaultRuns = 10_000

// Prepare builds the plan of scenario id (empty: the set's only scenario).
func Prepare(set *load.Set, id string) (*Plan, error) {
	var sc *model.Scenario
	for _, s := range set.Scenarios() {
		if id == "" || s.ID == id {
			if sc != nil && id == "" {
				return nil, fmt.Errorf("several scenarios loaded: name one")
			}
			sc = s
		}
	}
	if sc == nil {
		return nil, fmt.Errorf("no scenario %q among the loaded documents", id)
	}
	f := set.Framework(sc.Framework)
	if f == nil {
		return nil, fmt.Errorf("scenario %s: framework %s is not loaded", sc.ID, sc.Framework)
	}
	p := &Plan{Scenario: sc.ID, Framework: f.ID, ObjectiveKm: sc.ObjectiveKm, Runs: sc.Runs, Seed: sc.Seed,
		Params: params(sc), partyIndex: map[string]int{}, decisionH: map[string]float64{}}
	p.Start = sc.Start
	if p.Start.IsZero() {
		p.Start = f.Ceasefire
	}
	p.Attacker = power(sc.Attacker)
	if len(sc.Axes) == 0 {
		p.Axes = []Axis{newAxis("main", 1, sc.ObjectiveKm, sc.FrontKm, sc.Defender, sc.Terrain, nil)}
	}
	for _, ax := range sc.Axes {
		p.Axes = append(p.Axes, newAxis(ax.ID, ax.Share, ax.ObjectiveKm, ax.FrontKm, ax.Defender, cmp.Or(ax.Terrain, sc.Terrain), ax.Decisive))
	}
	for _, ax := range p.Axes {
		p.Defender += ax.Defence
		if ax.Decisive && p.ObjectiveKm == 0 {
			p.ObjectiveKm = ax.ObjectiveKm
		}
	}
	if sc.Strike != nil {
		p.StrikeShare, p.StrikeDelayH = sc.Strike.Share, time.Duration(sc.Strike.Delay).Hours()
	}
	p.Uncertain = uncertain(sc, p.Params)
	p.HorizonH = hours(sc.Horizon, 30*24)
	p.WarningH = hours(sc.Warning, 0)
	if p.Runs == 0 {
		p.Runs = DefaultRuns
	}
	if p.Seed == 0 {
		p.Seed = 1
	}
	if err := p.responseChain(f, sc); err != nil {
		return nil, err
	}
	p.forces(f, set.Latest(f.ID), sc)
	p.markRelevant()
	return p, nil
}

func orOne(q float64) float64 {
	if q == 0 {
		return 1
	}
	return q
}

func hours(d model.Duration, def float64) float64 {
	if d == 0 {
		return def
	}
	return time.Duration(d).Hours()
}

func params(sc *model.Scenario) Params {
	p := defaults
	m := sc.Model
	set := func(dst *float64, v float64) {
		if v != 0 {
			*dst = v
		}
	}
	set(&p.TroopsPerBattalion, m.TroopsPerBattalion)
	set(&p.AdvanceKmh, m.AdvanceKmh)
	set(&p.BreakthroughRatio, m.BreakthroughRatio)
	set(&p.AttritionPerHour, m.AttritionPerHour)
	set(&p.GuarantorQuality, m.GuarantorQuality)
	set(&p.SortiesPerHour, m.SortiesPerHour)
	set(&p.KillsPerSortie, m.KillsPerSortie)
	set(&p.TransitInRegion, time.Duration(m.TransitInRegion).Hours())
	set(&p.TransitHome, time.Duration(m.TransitHome).Hours())
	set(&p.Noise, m.Noise)
	set(&p.WarningResponse, m.WarningResponse)
	if sc.Approval != nil {
		p.Approval = *sc.Approval
	}
	if sc.Attacker.AirDefense != nil {
		p.AirDefense = *sc.Attacker.AirDefense
	}
	if d, ok := sc.Politics["default"]; ok {
		p.Decide, p.Delay, p.Spread = pick(d.Decide, p.Decide), pick(d.Delay, p.Delay), pick(d.Spread, p.Spread)
	}
	return p
}

func pick(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}

// responseChain finds the triggers the attack sets off — the scenario's
// trigger, or else every grave trigger of the framework (an offensive
// brings strikes and incursions at once) — and, per domain, the earliest
// decision deadline covering it, with the earliest consultation deadline.
func (p *Plan) responseChain(f *model.Framework, sc *model.Scenario) error {
	responses := map[string]model.Response{}
	for _, r := range f.Responses {
		responses[r.ID] = r
	}
	var set []*model.Trigger
	for i := range f.Triggers {
		t := &f.Triggers[i]
		if (sc.Trigger != "" && t.ID == sc.Trigger) || (sc.Trigger == "" && t.Severity == "grave") {
			set = append(set, t)
		}
	}
	if len(set) == 0 {
		return fmt.Errorf("scenario %s: no trigger to set off: give `trigger:`, or mark a trigger of %s grave", sc.ID, f.ID)
	}
	for _, trig := range set {
		p.Triggers = append(p.Triggers, trig.ID)
		for _, id := range trig.Respond {
			r := responses[id]
			h := time.Duration(r.Within).Hours()
			switch r.Mode {
			case model.Consultation:
				if p.consultH == 0 || h < p.consultH {
					p.consultH = h
				}
			case model.Decision:
				for _, d := range r.Domains {
					if old, ok := p.decisionH[string(d)]; !ok || h < old {
						p.decisionH[string(d)] = h
					}
				}
			}
		}
	}
	return nil
}

// forces turns the latest declarations into forces: guarantors' land,
// air, air-defense and ISR pledges available at the start, not rejected,
// not forbidden by their own caveats, within the scenario's filters.
func (p *Plan) forces(f *model.Framework, latest map[string]*model.Declaration, sc *model.Scenario) {
	var ids []string
	for id := range latest {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	allowed := func(id string) bool {
		if sc.Guarantors == nil {
			return true
		}
		return slices.Contains(*sc.Guarantors, id)
	}
	for _, id := range ids {
		pt := f.Parties[id]
		if pt == nil || pt.Role != model.Guarantor || !allowed(id) {
			continue
		}
		for i := range latest[id].Pledges {
			pl := &latest[id].Pledges[i]
			if !p.counts(pl, pt, sc) {
				continue
			}
			fc := Force{Party: id, Pledge: pl.ID, Domain: string(pl.Domain), Posture: string(pl.Posture),
				InTheatre: pl.Posture == model.InTheatre, Pending: pl.NeedsSignOff() && pl.Approval != model.Approved}
			switch pl.Domain {
			case model.Land:
				switch pl.Unit.Raw {
				case "battalions":
					fc.Battalions = pl.Quantity
				case "brigades":
					fc.Battalions = pl.Quantity * p.Params.BattalionsPerBrigade
				default:
					fc.Battalions = pl.Quantity / p.Params.TroopsPerBattalion
				}
				fc.Type = cmp.Or(pl.ForceType, model.Mechanised)
				fc.Power = fc.Battalions * weight(fc.Type)
			case model.Air:
				fc.Aircraft = pl.Quantity
			case model.AirDefense:
				fc.Batteries = pl.Quantity
			case model.ISR:
				fc.Orbits = pl.Quantity
			}
			transit := p.Params.TransitHome
			if pl.Posture == model.InRegion {
				transit = p.Params.TransitInRegion
			}
			if h, ok := sc.Model.Hubs[pl.Hub]; ok && pl.Hub != "" {
				transit = time.Duration(h).Hours() // through its hub
			}
			fc.Delay = time.Duration(pl.Readiness).Hours() + transit
			if fc.InTheatre {
				p.shieldBatteries += fc.Batteries
			}
			p.addForce(fc, pt, sc)
		}
	}
	if x := sc.Extra; x.TroopsInTheatre > 0 || x.Aircraft > 0 {
		p.AddExtra(x.TroopsInTheatre, x.Aircraft)
	}
}

// counts says whether a pledge enters the simulation. A pledge that is
// only an assurance (its effective binding, model.DefaultBinding) brings
// no force: it is a promise to talk.
func (p *Plan) counts(pl *model.Pledge, pt *model.Party, sc *model.Scenario) bool {
	if pl.Layer != 2 || pl.Approval == model.Rejected || !pl.Available.AvailableBy(p.Start) {
		return false
	}
	if pl.EffectiveBinding() == model.Assurance {
		return false
	}
	switch pl.Domain {
	case model.Land, model.Air, model.AirDefense, model.ISR:
	default:
		return false
	}
	if len(sc.Domains) > 0 && !slices.Contains(sc.Domains, pl.Domain) {
		return false
	}
	for _, c := range pt.Caveats {
		if c.Forbid.Matches(pl, pt.Tags) {
			return false // a caveat holds: the party never sends it
		}
	}
	return true
}

func (p *Plan) addForce(fc Force, pt *model.Party, sc *model.Scenario) {
	pi, ok := p.partyIndex[fc.Party]
	if !ok {
		pol := sc.Politics[fc.Party]
		pi = len(p.parties)
		p.partyIndex[fc.Party] = pi
		p.parties = append(p.parties, party{id: fc.Party, decide: pick(pol.Decide, p.Params.Decide),
			delay: pick(pol.Delay, p.Params.Delay), spread: pick(pol.Spread, p.Params.Spread)})
	}
	p.Forces = append(p.Forces, fc)
	p.forceParty = append(p.forceParty, pi)
	dec, ok := p.decisionH[fc.Domain]
	if !ok {
		dec = math.NaN()
	}
	p.forceDecH = append(p.forceDecH, dec)
}

// AddExtra adds force present from hour 0: troops in theatre and aircraft
// already in the region.
func (p *Plan) AddExtra(troops, aircraft float64) {
	if troops > 0 {
		// Added as RAND's posture was: three heavy armoured brigades in
		// seven, the others mechanised.
		bn := troops / p.Params.TroopsPerBattalion
		p.Forces = append(p.Forces, Force{Party: "extra", Pledge: "extra-troops", Domain: "land", Posture: "in-theatre",
			Battalions: bn, Power: bn * (3*weight(model.Armour) + 4*weight(model.Mechanised)) / 7, Type: "armour+mechanised",
			InTheatre: true, Extra: true})
		p.forceParty = append(p.forceParty, -1)
		p.forceDecH = append(p.forceDecH, 0)
	}
	if aircraft > 0 {
		p.Forces = append(p.Forces, Force{Party: "extra", Pledge: "extra-aircraft", Domain: "air", Posture: "in-region",
			Aircraft: aircraft, InTheatre: true, Extra: true})
		p.forceParty = append(p.forceParty, -1)
		p.forceDecH = append(p.forceDecH, 0)
	}
}

// without returns a copy of the plan without force i (for sensitivity).
func (p *Plan) without(i int) *Plan {
	q := *p
	q.Forces = slices.Delete(slices.Clone(p.Forces), i, i+1)
	q.forceParty = slices.Delete(slices.Clone(p.forceParty), i, i+1)
	q.forceDecH = slices.Delete(slices.Clone(p.forceDecH), i, i+1)
	return &q
}

// with returns a copy of the plan with extra force.
func (p *Plan) with(troops, aircraft float64) *Plan {
	q := *p
	q.Forces = slices.Clone(p.Forces)
	q.forceParty = slices.Clone(p.forceParty)
	q.forceDecH = slices.Clone(p.forceDecH)
	q.AddExtra(troops, aircraft)
	return &q
}

// markRelevant leaves out of the report the parameters no force of the
// plan can feel: guarantor quality without guarantor land forces, kills
// per sortie without aircraft.
func (p *Plan) markRelevant() {
	var land, air bool
	for _, f := range p.Forces {
		land = land || f.Power > 0
		air = air || f.Aircraft > 0
	}
	p.Uncertain[uGuarantorQuality].Relevant = land
	p.Uncertain[uKills].Relevant = air
}
