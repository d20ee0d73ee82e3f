package corroborate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
)

// FormatVersion is the version of the Result's JSON schema.
const FormatVersion = 1

// Defaults of the language (docs/language.md, kind Corroboration).
const (
	DefaultDistanceKm = 25
	DefaultWindow     = 6 * time.Hour
)

// DefaultLevels are used when the rules name none.
var DefaultLevels = []model.ConfidenceLevel{{Name: "possible", Points: 1}, {Name: "moderate", Points: 2}, {Name: "high", Points: 3}, {Name: "confirmed", Points: 4}}

// Rules are compiled corroboration rules.
type Rules struct {
	ID         string
	DistanceKm float64
	WindowS    int64
	Levels     []model.ConfidenceLevel
	sources    map[string]*model.CorroborationSource
	order      []string // sources as declared
}

// Compile applies the defaults of a Corroboration document.
func Compile(c *model.Corroboration) *Rules {
	r := &Rules{ID: c.ID, DistanceKm: c.DistanceKm, WindowS: int64(time.Duration(c.Window) / time.Second),
		Levels: c.Levels, sources: map[string]*model.CorroborationSource{}}
	if r.DistanceKm == 0 {
		r.DistanceKm = DefaultDistanceKm
	}
	if c.Window == 0 {
		r.WindowS = int64(DefaultWindow / time.Second)
	}
	if len(r.Levels) == 0 {
		r.Levels = DefaultLevels
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		r.sources[s.Source] = s
		r.order = append(r.order, s.Source)
	}
	return r
}

func value(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

// Options of a run.
type Options struct {
	// Shifts moves a source's records in time before the join (a
	// peacetime baseline moved onto a war year, for instance).
	Shifts map[string]time.Duration
	// ChanceShifts are the time shifts of the chance-match estimate
	// (default ±7 and ±30 days).
	ChanceShifts []time.Duration
	// MaxMatches bounds the matches kept per incident for the
	// explanation (default 10); all are counted.
	MaxMatches int
	// SkipChance leaves out the chance-match estimate (the scoring only).
	SkipChance bool
}

// Result is every incident with its confidence, and the honesty figures.
type Result struct {
	FormatVersion int      `json:"format_version"`
	Rules         string   `json:"rules"`
	DistanceKm    float64  `json:"distance_km"`
	Window        string   `json:"window"`
	Incidents     []Scored `json:"incidents"`
	Summary       Summary  `json:"summary"`
	Chance        []Chance `json:"chance"`
}

// Scored is an incident with its confidence.
type Scored struct {
	ID     string    `json:"id"`
	Source string    `json:"source"`
	Type   string    `json:"type"`
	Time   time.Time `json:"time"`
	Lat    *float64  `json:"lat"`
	Lon    *float64  `json:"lon"`
	Admin1 string    `json:"admin1"`
	// Level is 0 (unscored or below the first level) to len(levels);
	// LevelName is "" at 0. Points is the total.
	Level     int     `json:"level"`
	LevelName string  `json:"level_name"`
	Points    float64 `json:"points"`
	Anchor    bool    `json:"anchor"`
	// By lists the corroborating records (the nearest of each source
	// first), Count how many matched in all.
	By    []Match `json:"by"`
	Count int     `json:"count"`
}

// sources are the distinct sources of the corroborating records, sorted.
func (s *Scored) sources() []string {
	out := []string{}
	for _, m := range s.By {
		if !slices.Contains(out, m.Source) {
			out = append(out, m.Source)
		}
	}
	slices.Sort(out)
	return out
}

// Match is one corroborating record.
type Match struct {
	ID         string  `json:"id"`
	Source     string  `json:"source"`
	DistanceKm float64 `json:"distance_km"`
	HoursApart float64 `json:"hours_apart"` // 0 when the time intervals overlap
	Points     float64 `json:"points"`      // > 0 for the record that gave its source's points
}

// Summary counts the incidents.
type Summary struct {
	Incidents int            `json:"incidents"`
	Scored    int            `json:"scored"`
	ByLevel   map[string]int `json:"by_level"`
	// Excluded incidents have no or impossible coordinates, or no source
	// in the rules.
	Excluded   int            `json:"excluded"`
	ExcludedBy map[string]int `json:"excluded_by"`
}

// Chance is, for the incidents of one anchoring source inside the period
// another source covers (Anchors of them), the share that source matches,
// and the share it matches with its records shifted in time: what density
// alone gives.
type Chance struct {
	Anchor       string  `json:"anchor"`
	Corroborator string  `json:"corroborator"`
	Anchors      int     `json:"anchors"`
	Matched      float64 `json:"matched"`
	ByChance     float64 `json:"by_chance"`
	Shifts       []int   `json:"shift_days"`
}

const secondsPerDay = 86_400

// record is one incident in the join.
type record struct {
	inc        int
	lat, lon   float64
	start, end int64
}

// Corroborate scores incidents (of any sources, in any order) by the
// rules, and sets the Confidence of every incident it scores.
func Corroborate(r *Rules, incs []model.Incident, o Options) (*Result, diag.Diagnostics) {
	if o.MaxMatches == 0 {
		o.MaxMatches = 10
	}
	if len(o.ChanceShifts) == 0 {
		o.ChanceShifts = []time.Duration{-30 * 24 * time.Hour, -7 * 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour}
	}
	res := &Result{FormatVersion: FormatVersion, Rules: r.ID, DistanceKm: r.DistanceKm, Window: model.Duration(time.Duration(r.WindowS) * time.Second).String(),
		Incidents: make([]Scored, len(incs)), Chance: []Chance{},
		Summary: Summary{Incidents: len(incs), ByLevel: map[string]int{}, ExcludedBy: map[string]int{}}}
	var ds diag.Diagnostics
	bySource := map[string][]record{}
	for i := range incs {
		inc := &incs[i]
		res.Incidents[i] = Scored{ID: inc.ID, Source: inc.Source, Type: inc.Type, Time: inc.Time.Time, Lat: inc.Lat, Lon: inc.Lon, Admin1: inc.Admin1, By: []Match{}}
		src := r.sources[inc.Source]
		reason := ""
		switch {
		case src == nil:
			reason = "source not in the rules"
		case len(src.Types) > 0 && !slices.Contains(src.Types, inc.Type):
			reason = "type not in the rules"
		case inc.Lat == nil || inc.Lon == nil:
			reason = "no coordinates"
		case math.Abs(*inc.Lat) > 90 || math.Abs(*inc.Lon) > 180 || (*inc.Lat == 0 && *inc.Lon == 0):
			reason = "impossible coordinates"
		}
		if reason != "" {
			res.Summary.Excluded++
			res.Summary.ExcludedBy[reason]++
			if reason == "impossible coordinates" {
				ds = ds.Append(diag.Warningf(diag.Range{File: inc.ID}, "excluded", "incident %s: %s (%g, %g); excluded from matching", inc.ID, reason, *inc.Lat, *inc.Lon))
			}
			continue
		}
		start := inc.Time.Unix() + int64(o.Shifts[inc.Source]/time.Second)
		span := int64(time.Duration(src.Precision) / time.Second)
		if p, _ := inc.Field("time_precision"); p == "day" {
			span = max(span, secondsPerDay)
		}
		bySource[inc.Source] = append(bySource[inc.Source], record{inc: i, lat: *inc.Lat, lon: *inc.Lon, start: start, end: start + max(span, 1)})
	}
	indexes := map[string]*Index{}
	for _, name := range r.order {
		pts := make([]Point, len(bySource[name]))
		for k, rec := range bySource[name] {
			pts[k] = Point{Lat: rec.lat, Lon: rec.lon, Start: rec.start, End: rec.end, Ref: rec.inc}
		}
		indexes[name] = NewIndex(pts, r.DistanceKm)
	}
	best := make([]Match, 0, o.MaxMatches)
	for _, name := range r.order {
		src := r.sources[name]
		if !src.Anchor {
			continue
		}
		for _, rec := range bySource[name] {
			res.score(r, incs, rec, name, indexes, o.MaxMatches, &best)
			sc := res.Incidents[rec.inc]
			incs[rec.inc].Confidence = &model.Confidence{Level: sc.Level, Name: sc.LevelName, Points: sc.Points, Sources: sc.sources()}
		}
	}
	for _, s := range res.Incidents {
		if s.Anchor {
			res.Summary.Scored++
			res.Summary.ByLevel[cmp.Or(s.LevelName, "none")]++
		}
	}
	if !o.SkipChance {
		res.Chance = chance(r, bySource, indexes, o.ChanceShifts)
	}
	return res, ds
}

func (res *Result) score(r *Rules, incs []model.Incident, rec record, name string, indexes map[string]*Index, maxMatches int, best *[]Match) {
	s := &res.Incidents[rec.inc]
	s.Anchor = true
	s.Points = value(r.sources[name].Reliability, 1)
	for _, other := range r.order {
		if other == name {
			continue
		}
		// Keep the nearest maxMatches matches of this source, in order, in
		// a buffer reused from anchor to anchor: dense sources match
		// dozens of records, and only the nearest are explained.
		top := (*best)[:0]
		indexes[other].Query(rec.lat, rec.lon, rec.start, rec.end, r.WindowS, func(p Point, km float64) {
			s.Count++
			gap := timeGap(rec.start, rec.end, p.Start, p.End)
			m := Match{ID: incs[p.Ref].ID, Source: other, DistanceKm: km, HoursApart: float64(gap) / 3600}
			if len(top) == maxMatches && !nearer(m, top[len(top)-1]) {
				return
			}
			if len(top) < maxMatches {
				top = append(top, m)
			} else {
				top[len(top)-1] = m
			}
			for i := len(top) - 1; i > 0 && nearer(top[i], top[i-1]); i-- {
				top[i], top[i-1] = top[i-1], top[i]
			}
		})
		*best = top
		if len(top) == 0 {
			continue
		}
		top[0].Points = value(r.sources[other].Points, 1)
		s.Points += top[0].Points
		s.By = append(s.By, top...)
	}
	for i, l := range r.Levels {
		if s.Points >= l.Points {
			s.Level, s.LevelName = i+1, l.Name
		}
	}
}

// nearer orders matches: nearest first, then closest in time, then by id.
func nearer(a, b Match) bool {
	return cmp.Or(cmp.Compare(a.DistanceKm, b.DistanceKm), cmp.Compare(a.HoursApart, b.HoursApart), cmp.Compare(a.ID, b.ID)) < 0
}

// chance estimates, for every pair of an anchoring source and another
// source, the share of anchors matched as recorded and with the other
// source shifted in time (the mean over the shifts). Only anchors inside
// the period the other source covers count — with its records shifted,
// the shifted period — so that sources covering different years are not
// said to match less, or more, than they can.
func chance(r *Rules, bySource map[string][]record, indexes map[string]*Index, shifts []time.Duration) []Chance {
	var out []Chance
	for _, a := range r.order {
		if !r.sources[a].Anchor || len(bySource[a]) == 0 {
			continue
		}
		for _, b := range r.order {
			if b == a || len(bySource[b]) == 0 {
				continue
			}
			from, to := int64(math.MaxInt64), int64(math.MinInt64)
			for _, rec := range bySource[b] {
				from, to = min(from, rec.start), max(to, rec.end)
			}
			share := func(shift int64) (float64, int) {
				n, hits := 0, 0
				for _, rec := range bySource[a] {
					// Shifting b by +shift is querying a at -shift.
					qs, qe := rec.start-shift, rec.end-shift
					if qe < from || qs > to {
						continue
					}
					n++
					hit := false
					indexes[b].Query(rec.lat, rec.lon, qs, qe, r.WindowS, func(Point, float64) { hit = true })
					if hit {
						hits++
					}
				}
				if n == 0 {
					return 0, 0
				}
				return float64(hits) / float64(n), n
			}
			c := Chance{Anchor: a, Corroborator: b, Shifts: []int{}}
			c.Matched, c.Anchors = share(0)
			if c.Anchors == 0 {
				continue // the sources do not overlap in time
			}
			for _, s := range shifts {
				p, _ := share(int64(s / time.Second))
				c.ByChance += p
				c.Shifts = append(c.Shifts, int(s/(24*time.Hour)))
			}
			c.ByChance /= float64(len(shifts))
			out = append(out, c)
		}
	}
	if out == nil {
		out = []Chance{}
	}
	return out
}

// Describe says one chance figure in words.
func (c Chance) Describe(distanceKm float64, window string) string {
	return fmt.Sprintf("%.0f %% of %d %s incidents (those in the period %s covers) have a %s record within %g km and %s; %.0f %% would by chance",
		100*c.Matched, c.Anchors, c.Anchor, c.Corroborator, c.Corroborator, distanceKm, window, 100*c.ByChance)
}

// Reach is how far apart in time two incidents may be and still match,
// without shifts (Options.Shifts): the window, plus the longest time
// precision of a source or a day (a record dated to the day spans it),
// plus a second for the rounding to seconds. An incident's confidence
// depends only on the records within its reach.
func (r *Rules) Reach() time.Duration {
	span := time.Duration(secondsPerDay) * time.Second
	for _, s := range r.sources {
		span = max(span, time.Duration(s.Precision))
	}
	return time.Duration(r.WindowS)*time.Second + span + time.Second
}
