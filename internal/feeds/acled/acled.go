package acled

import (
	"maps"
	"regexp"
	"strings"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// Format is the name users give to --input-format, the key of
// feeds.Options.Categories and the Source of every incident.
const Format = "acled"

// The columns Read interprets. Every other column goes to Incident.Fields
// under its own name.
const (
	ColID         = "event_id_cnty"
	ColDate       = "event_date"
	ColSubEvent   = "sub_event_type"
	ColPrecision  = "time_precision"
	ColActor      = "actor1"
	ColCountry    = "country"
	ColAdmin1     = "admin1"
	ColLocation   = "location"
	ColLatitude   = "latitude"
	ColLongitude  = "longitude"
	ColFatalities = "fatalities"
	ColNotes      = "notes"
)

// required are the columns without which a file is not ACLED's; Detect
// looks for them.
var required = []string{ColID, ColDate, ColSubEvent}

// Layouts are the forms of event_date Read accepts: ACLED's native
// YYYY-MM-DD, the export tool's DD/MM/YYYY 00:00:00 (day first), the same
// without the time, and the "14 August 2020" of older exports.
var Layouts = []string{feeds.LayoutDate, feeds.LayoutDayMonthTime, "02/01/2006", "2 January 2006"}

// SubEventAirDrone is the sub-event type that Read refines by the notes.
const SubEventAirDrone = "Air/drone strike"

// defaults maps every ACLED sub_event_type (ACLED codebook, 2023) to an
// incident type. docs/feeds.md explains the choices.
var defaults = map[string]string{
	// Battles
	"Armed clash":                         feeds.TypeBattle,
	"Government regains territory":        feeds.TypeBattle,
	"Non-state actor overtakes territory": feeds.TypeBattle,
	// Explosions/Remote violence
	"Shelling/artillery/missile attack": feeds.TypeShelling,
	SubEventAirDrone:                    feeds.TypeAirStrike, // drone_strike when the notes name a drone
	"Remote explosive/landmine/IED":     feeds.TypeExplosion,
	"Grenade":                           feeds.TypeExplosion,
	"Suicide bomb":                      feeds.TypeExplosion,
	"Chemical weapon":                   feeds.TypeExplosion,
	// Violence against civilians
	"Attack":                         feeds.TypeCivilianHarm,
	"Abduction/forced disappearance": feeds.TypeCivilianHarm,
	"Sexual violence":                feeds.TypeCivilianHarm,
	// Protests and Riots
	"Peaceful protest":                   feeds.TypeProtest,
	"Protest with intervention":          feeds.TypeProtest,
	"Excessive force against protesters": feeds.TypeProtest,
	"Violent demonstration":              feeds.TypeProtest,
	"Mob violence":                       feeds.TypeProtest,
	// Strategic developments
	"Agreement":                         feeds.TypeStrategicChange,
	"Arrests":                           feeds.TypeStrategicChange,
	"Change to group/activity":          feeds.TypeStrategicChange,
	"Disrupted weapons use":             feeds.TypeStrategicChange,
	"Headquarters or base established":  feeds.TypeStrategicChange,
	"Looting/property destruction":      feeds.TypeStrategicChange,
	"Non-violent transfer of territory": feeds.TypeStrategicChange,
	"Other":                             feeds.TypeStrategicChange,
}

// Defaults returns a copy of the default category table: sub_event_type →
// incident type.
func Defaults() map[string]string { return maps.Clone(defaults) }

// droneWords in the notes of an "Air/drone strike" make it a drone strike.
var droneWords = regexp.MustCompile(`(?i)drone|\bUAVs?\b|shahed|geran|lancet|\bFPV\b|quadcopter`)

// precisions are the words of ACLED's time_precision codes.
var precisions = map[string]string{"1": "day", "2": "week", "3": "month"}

// Reader reads ACLED CSV exports. The zero value is ready to use.
type Reader struct{}

var _ feeds.Reader = Reader{}

// Format returns "acled".
func (Reader) Format() string { return Format }

// Detect reports whether head starts with a header that has the columns
// event_id_cnty, event_date and sub_event_type.
func (Reader) Detect(head []byte) bool {
	h := feeds.HeaderOf(head, ',')
	return h != nil && h.Has(required...)
}

// Read reads every row of src: one incident per event. A row that cannot
// be read is skipped with a diagnostic (a warning, an error under
// opts.Strict); a header without the required columns stops the reading.
func (Reader) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, Format)}
	c, ds := feeds.NewCSV(src, ',', &res.Summary, opts, required...)
	if c == nil {
		return res, ds
	}
	h := c.Header
	var (
		iID, iDate, iSub, iPrec  = h.Index(ColID), h.Index(ColDate), h.Index(ColSubEvent), h.Index(ColPrecision)
		iActor, iCountry         = h.Index(ColActor), h.Index(ColCountry)
		iAdmin1, iLocation       = h.Index(ColAdmin1), h.Index(ColLocation)
		iLat, iLon, iFat, iNotes = h.Index(ColLatitude), h.Index(ColLongitude), h.Index(ColFatalities), h.Index(ColNotes)
	)
	rest := h.Others(ColID, ColDate, ColSubEvent, ColPrecision, ColActor, ColCountry,
		ColAdmin1, ColLocation, ColLatitude, ColLongitude, ColFatalities)
	_, overridden := opts.Categories[Format][SubEventAirDrone]
	ids, countries := feeds.IDs{}, feeds.Countries{}
	for rec := range c.Rows() {
		id := strings.TrimSpace(rec[iID])
		if id == "" {
			c.Problem(iID, feeds.ReasonMissingID, "%s is empty", ColID)
		} else {
			ids.Check(c, iID, id)
		}
		t, err := feeds.ParseTime(rec[iDate], Layouts...)
		if err != nil {
			c.Problem(iDate, feeds.ReasonBadDate, "%s: %v", ColDate, err)
		}
		lat, lon := c.LatLon(rec, iLat, iLon)
		fatalities := c.Count(rec, iFat)
		if c.Skipped() {
			continue
		}
		ids[id] = c.Line()

		sub := strings.TrimSpace(rec[iSub])
		typ, ok := res.Summary.Classify(opts, Format, sub, defaults)
		if ok && sub == SubEventAirDrone && !overridden && droneWords.MatchString(feeds.Get(rec, iNotes)) {
			typ = feeds.TypeDroneStrike
		}

		fields := h.Fields(rec, rest)
		if p := strings.TrimSpace(feeds.Get(rec, iPrec)); p != "" {
			if w, ok := precisions[p]; ok {
				p = w
			}
			fields[feeds.FieldTimePrecision] = p
		}
		written := strings.TrimSpace(feeds.Get(rec, iAdmin1))
		admin1 := feeds.Admin1(opts, written, lat, lon)
		if admin1 != written && written != "" {
			fields[ColAdmin1] = written
		}
		res.Incidents = append(res.Incidents, model.Incident{
			ID:         id,
			Time:       model.Timestamp{Time: t},
			Type:       typ,
			Subtype:    sub,
			Actor:      strings.TrimSpace(feeds.Get(rec, iActor)),
			Country:    countries.Of(feeds.Get(rec, iCountry)),
			Admin1:     admin1,
			Location:   strings.TrimSpace(feeds.Get(rec, iLocation)),
			Lat:        lat,
			Lon:        lon,
			Fatalities: fatalities,
			Source:     Format,
			Fields:     fields,
		})
	}
	return res, append(ds, c.Diags()...)
}
