package maplayers

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/geo"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/territory"
)

// Attributions that travel with the layers: the map must show them.
const (
	OblastAttribution    = "Oblasts © Мінрегіон (Minregion), CC BY-SA, via peacerep/ukraine-map"
	TerritoryAttribution = "Occupied territory: DeepStateMap (deepstatemap.live), via cyterat/deepstate-map-data"
)

// Tolerances of the simplification, in metres: at the scale of the whole
// country a pixel is about a kilometre, and a zoomed-in view of a front
// line wants the snapshots finer than the oblast borders.
const (
	OblastTolerance    = 300
	TerritoryTolerance = 100
	decimals           = 5 // about a metre
)

// collection is a GeoJSON FeatureCollection with the foreign members the
// dashboard reads (RFC 7946 §6.1 allows them).
type collection struct {
	Type        string    `json:"type"`
	Attribution string    `json:"attribution,omitempty"`
	Features    []feature `json:"features"`
}

type feature struct {
	Type       string          `json:"type"`
	Properties any             `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// OblastProperties are the properties of an oblast feature.
type OblastProperties struct {
	Code    string  `json:"code"`   // ISO 3166-2:UA
	Name    string  `json:"name"`   // English
	Admin1  string  `json:"admin1"` // the official Ukrainian name
	AreaKm2 float64 `json:"area_km2"`
}

// Oblasts is the table's 27 units, simplified, as a FeatureCollection;
// nil when the table has no polygons.
func Oblasts(t *oblast.Table) []byte {
	regions := t.Polygons()
	if regions == nil {
		return nil
	}
	c := collection{Type: "FeatureCollection", Attribution: OblastAttribution, Features: []feature{}}
	for _, r := range regions {
		c.Features = append(c.Features, feature{
			Type:       "Feature",
			Properties: OblastProperties{Code: r.Code, Name: r.Name, Admin1: r.Admin1, AreaKm2: roundTo(r.AreaKm2, 1)},
			Geometry:   geo.AppendGeometry(nil, geo.Simplify(r.Shape, OblastTolerance), decimals),
		})
	}
	b, _ := json.Marshal(c) // plain data: cannot fail
	return b
}

// Territory holds map snapshots for drawing, each simplified once, when
// first asked for. It is safe for concurrent use.
type Territory struct {
	snaps []*territory.Snapshot // by date

	mu    sync.Mutex
	drawn map[*territory.Snapshot]json.RawMessage
	diffs map[[2]*territory.Snapshot]territory.Change
}

// NewTerritory keeps the snapshots (any order).
func NewTerritory(snaps []*territory.Snapshot) *Territory {
	s := slices.Clone(snaps)
	slices.SortFunc(s, func(a, b *territory.Snapshot) int { return a.Date.Compare(b.Date.Time) })
	return &Territory{snaps: s, drawn: map[*territory.Snapshot]json.RawMessage{}, diffs: map[[2]*territory.Snapshot]territory.Change{}}
}

// Baseline is the snapshot in force on a framework's ceasefire date, as At
// finds it; nil when there is no ceasefire date or no snapshot by then.
func (t *Territory) Baseline(ceasefire model.Date) *territory.Snapshot {
	if ceasefire.IsZero() {
		return nil
	}
	return t.At(ceasefire)
}

// Snapshots are the snapshots by date.
func (t *Territory) Snapshots() []*territory.Snapshot { return t.snaps }

// At returns the snapshot in force on date d: the one of that day, or else
// the latest before it (territory.Baseline's rule); nil when every snapshot
// is later.
func (t *Territory) At(d model.Date) *territory.Snapshot {
	s, _ := territory.Baseline(t.snaps, d)
	return s
}

func (t *Territory) geometry(s *territory.Snapshot) json.RawMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	g, ok := t.drawn[s]
	if !ok {
		g = geo.AppendGeometry(nil, geo.Simplify(s.Shape, TerritoryTolerance), decimals)
		t.drawn[s] = g
	}
	return g
}

// Diff is territory.Diff(from, to, nil), computed once per pair: the
// monitor compares every snapshot with a framework's baseline, and the map
// the one in force with the same baseline.
func (t *Territory) Diff(from, to *territory.Snapshot) territory.Change {
	k := [2]*territory.Snapshot{from, to}
	t.mu.Lock()
	c, ok := t.diffs[k]
	t.mu.Unlock()
	if !ok {
		c = territory.Diff(from, to, nil)
		t.mu.Lock()
		t.diffs[k] = c
		t.mu.Unlock()
	}
	return c
}

// SnapshotProperties are the properties of a territory feature.
type SnapshotProperties struct {
	// Role is "baseline" (the map at the framework's ceasefire) or
	// "current" (the map in force at the date asked for).
	Role    string  `json:"role"`
	Date    string  `json:"date"`
	AreaKm2 float64 `json:"area_km2"`
	// GainedKm2, LostKm2 and NetKm2 compare the current map with the
	// baseline: the area newly occupied, the area freed, the difference
	// (current only, and only with a baseline).
	GainedKm2 *float64 `json:"gained_km2,omitempty"`
	LostKm2   *float64 `json:"lost_km2,omitempty"`
	NetKm2    *float64 `json:"net_km2,omitempty"`
}

// territoryCollection adds the dates a client can ask for.
type territoryCollection struct {
	Type        string   `json:"type"`
	Attribution string   `json:"attribution"`
	Snapshots   []string `json:"snapshots"`
	Baseline    string   `json:"baseline"` // "" without one
	At          string   `json:"at"`
	// Ceasefire is the framework's ceasefire date ("" when not given);
	// BeforeCeasefire is true when At is before it: the current map is
	// then not compared with the baseline (no gained, lost or net), as
	// the comparison starts at the ceasefire.
	Ceasefire       string    `json:"ceasefire,omitempty"`
	BeforeCeasefire bool      `json:"before_ceasefire,omitempty"`
	Features        []feature `json:"features"`
}

// GeoJSON gives the baseline snapshot (nil: none) and the snapshot in force
// at date d (none before the first) as a FeatureCollection, with the dates
// of every snapshot.
func (t *Territory) GeoJSON(baseline *territory.Snapshot, d model.Date) []byte {
	return t.GeoJSONSince(baseline, model.Date{}, d)
}

// GeoJSONSince is GeoJSON for a framework whose ceasefire is on date
// ceasefire (zero: not given): before it, the current map is not compared
// with the baseline.
func (t *Territory) GeoJSONSince(baseline *territory.Snapshot, ceasefire, d model.Date) []byte {
	c := territoryCollection{Type: "FeatureCollection", Attribution: TerritoryAttribution, Snapshots: []string{},
		At: d.String(), Features: []feature{}}
	if !ceasefire.IsZero() {
		c.Ceasefire = ceasefire.String()
		c.BeforeCeasefire = d.Before(ceasefire.Time)
	}
	for _, s := range t.snaps {
		c.Snapshots = append(c.Snapshots, s.Date.String())
	}
	if baseline != nil {
		c.Baseline = baseline.Date.String()
		c.Features = append(c.Features, feature{Type: "Feature", Geometry: t.geometry(baseline),
			Properties: SnapshotProperties{Role: "baseline", Date: baseline.Date.String(), AreaKm2: roundTo(baseline.Area, 1)}})
	}
	if cur := t.At(d); cur != nil {
		p := SnapshotProperties{Role: "current", Date: cur.Date.String(), AreaKm2: roundTo(cur.Area, 1)}
		if baseline != nil && !c.BeforeCeasefire {
			ch := t.Diff(baseline, cur)
			g, l, n := roundTo(ch.GainedKm2, 1), roundTo(ch.LostKm2, 1), roundTo(ch.NetKm2, 1)
			p.GainedKm2, p.LostKm2, p.NetKm2 = &g, &l, &n
		}
		c.Features = append(c.Features, feature{Type: "Feature", Geometry: t.geometry(cur), Properties: p})
	}
	b, _ := json.Marshal(c)
	return b
}

// Trigger describes a trigger for the map's legend.
type Trigger struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Firings  int    `json:"firings"`
}

// Fired says what the triggers made of one incident.
type Fired struct {
	// Triggers are the triggers it fired, in the framework's order.
	Triggers []string
	// Breach is true when it started a breach (an episode) of any of them.
	Breach bool
}

// IncidentProperties are the properties of an incident feature.
type IncidentProperties struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	Type   string    `json:"type"`
	Source string    `json:"source"`
	Place  string    `json:"place"` // the location, else admin1
	Admin1 string    `json:"admin1"`
	// Triggers are the triggers the incident fired ([] for none).
	Triggers []string `json:"triggers"`
	// Breach marks an incident that started a breach.
	Breach bool `json:"breach"`
	// Confidence is the corroborated level's name, "" when the incident
	// was not scored or scored below the first level; Level its rank (0 to
	// the number of levels).
	Confidence string `json:"confidence"`
	Level      int    `json:"level"`
	// Subtype is the feed's finer type (a missile report's weapon model);
	// Headline (VIINA's) and Notes (ACLED's) are the report's words, cut
	// to MaxText runes; each "" when the incident has none.
	Subtype  string `json:"subtype,omitempty"`
	Headline string `json:"headline,omitempty"`
	Notes    string `json:"notes,omitempty"`
}

// MaxText bounds a headline or a note in the incident layer, in runes.
const MaxText = 280

// WeekCount is the number of incidents of one week (Monday to Sunday,
// UTC), named by its Monday.
type WeekCount struct {
	Week      string `json:"week"`
	Incidents int    `json:"incidents"`
}

type incidentCollection struct {
	Type string `json:"type"`
	// Triggers and Levels are the legend: every trigger of the framework
	// and the corroboration's levels (lowest first; [] when the record has
	// no corroboration rules).
	Triggers []Trigger `json:"triggers"`
	Levels   []string  `json:"levels"`
	// Incidents counts every incident of the record; WithoutCoordinates
	// those that cannot be drawn (they are in the monitoring all the same).
	Incidents          int `json:"incidents"`
	WithoutCoordinates int `json:"without_coordinates"`
	// ByOblast are the incidents without coordinates that name an oblast
	// (admin1: an ISO 3166-2:UA code, or a name), such as the missile
	// reports by target oblast, in time order: the map counts them on
	// their oblast.
	ByOblast []IncidentProperties `json:"by_oblast"`
	// Weekly counts every incident by week, from the first incident's
	// week to the last's, weeks without any included.
	Weekly   []WeekCount `json:"weekly"`
	Features []feature   `json:"features"`
}

// Incidents gives the incidents that have coordinates as points, in time
// order, with what the triggers made of them (fired, by incident id) and
// their confidence (set by corroboration, or nil).
func Incidents(incs []model.Incident, fired map[string]Fired, triggers []Trigger, levels []string) []byte {
	c := incidentCollection{Type: "FeatureCollection", Triggers: triggers, Levels: levels, Incidents: len(incs)}
	if c.Triggers == nil {
		c.Triggers = []Trigger{}
	}
	if c.Levels == nil {
		c.Levels = []string{}
	}
	props := func(inc *model.Incident) IncidentProperties {
		f := fired[inc.ID]
		p := IncidentProperties{ID: inc.ID, Time: inc.Time.UTC(), Type: inc.Type, Source: inc.Source,
			Place: inc.Location, Admin1: inc.Admin1, Triggers: f.Triggers, Breach: f.Breach, Subtype: inc.Subtype,
			Headline: cut(field(inc, "headline")), Notes: cut(field(inc, "notes"))}
		if p.Place == "" {
			p.Place = inc.Admin1
		}
		if p.Triggers == nil {
			p.Triggers = []string{}
		}
		if inc.Confidence != nil {
			p.Confidence, p.Level = inc.Confidence.Name, inc.Confidence.Level
		}
		return p
	}
	order := make([]int, 0, len(incs))
	var unplaced []int
	for i := range incs {
		if incs[i].Lat == nil || incs[i].Lon == nil {
			c.WithoutCoordinates++
			if incs[i].Admin1 != "" {
				unplaced = append(unplaced, i)
			}
			continue
		}
		order = append(order, i)
	}
	byTime := func(a, b int) int { return incs[a].Time.Compare(incs[b].Time.Time) }
	slices.SortStableFunc(order, byTime)
	slices.SortStableFunc(unplaced, byTime)
	c.Features = make([]feature, 0, len(order))
	var pt []byte
	for _, i := range order {
		inc := &incs[i]
		pt = appendPoint(pt[:0], *inc.Lon, *inc.Lat)
		c.Features = append(c.Features, feature{Type: "Feature", Properties: props(inc), Geometry: slices.Clone(pt)})
	}
	c.ByOblast = make([]IncidentProperties, 0, len(unplaced))
	for _, i := range unplaced {
		c.ByOblast = append(c.ByOblast, props(&incs[i]))
	}
	c.Weekly = weekly(incs)
	b, _ := json.Marshal(c)
	return b
}

// weekly counts incidents by week (weeks start on Monday, UTC), every
// week from the first incident's to the last's.
func weekly(incs []model.Incident) []WeekCount {
	out := []WeekCount{}
	if len(incs) == 0 {
		return out
	}
	counts := map[int64]int{}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range incs {
		w := weekOf(incs[i].Time.Time)
		counts[w]++
		lo, hi = min(lo, w), max(hi, w)
	}
	for w := lo; w <= hi; w++ {
		out = append(out, WeekCount{Week: time.Unix(w*7*86400-3*86400, 0).UTC().Format(time.DateOnly), Incidents: counts[w]})
	}
	return out
}

// weekOf numbers t's week: 1970-01-01 was a Thursday, so the weeks are
// counted from Monday 1969-12-29.
func weekOf(t time.Time) int64 {
	days := t.UTC().Unix()
	if days < 0 {
		days -= 86400 - 1
	}
	days /= 86400
	d := days + 3
	if d < 0 {
		return (d - 6) / 7
	}
	return d / 7
}

// cut shortens a text to MaxText runes, marking a cut with an ellipsis.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= MaxText {
		return s
	}
	r := []rune(s)
	return string(r[:MaxText-1]) + "…"
}

// appendPoint writes a Point geometry at four decimals (about 10 m: the
// data sets give town centroids).
func appendPoint(b []byte, lon, lat float64) []byte {
	b = append(b, `{"type":"Point","coordinates":[`...)
	b = appendFloat(b, roundTo(lon, 4))
	b = append(b, ',')
	b = appendFloat(b, roundTo(lat, 4))
	return append(b, "]}"...)
}

// appendFloat writes a finite number (coordinates were validated) as JSON
// writes it.
func appendFloat(b []byte, v float64) []byte { return strconv.AppendFloat(b, v, 'f', -1, 64) }

func roundTo(v float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(v*p) / p
}

// field is the value of an incident's field name, "" when it has none.
func field(inc *model.Incident, name string) string {
	v, _ := inc.Field(name)
	return v
}
