package acled

import (
	"bytes"
	"maps"
	"strings"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// Format is the name users give to --input-format, the key of
// feeds.Options.Categories and the Source of every incident.
const Format = "acled"

// The columns Read interprets. Every other column goes to the incident's
// fields (Incident.Columns) under its own name.
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

// droneWords in the notes of an "Air/drone strike" make it a drone
// strike: namesDrone reports whether notes match the regular expression
//
//	(?i)drone|\bUAVs?\b|shahed|geran|lancet|\bFPV\b|quadcopter
//
// in one pass without regexp's machinery, which took a fifth of the
// reader's time. Case is folded as (?i) folds it: an ASCII letter
// matches its other case, and s also the long s (ſ, U+017F), the one
// non-ASCII rune the letters of these words fold to.
var droneWords = []droneWord{
	{word: "drone"}, {word: "uav", alone: true, plural: true}, {word: "shahed"}, {word: "geran"},
	{word: "lancet"}, {word: "fpv", alone: true}, {word: "quadcopter"},
}

type droneWord struct {
	word string // in lower case
	// alone words have a word boundary (\b, ASCII) on both sides;
	// plural ones may end with an s before it.
	alone, plural bool
}

// longS is the long s, which (?i) matches for s.
const longS = "\u017F"

// droneWordsAt lists the droneWords by the byte they can start with.
var droneWordsAt = func() (at [256][]droneWord) {
	for _, w := range droneWords {
		c := w.word[0]
		at[c] = append(at[c], w)
		at[c-'a'+'A'] = append(at[c-'a'+'A'], w)
		if c == 's' {
			at[longS[0]] = append(at[longS[0]], w)
		}
	}
	return at
}()

// namesDrone reports whether notes matches droneWords.
func namesDrone(notes string) bool {
	for i := 0; i < len(notes); i++ {
		for _, w := range droneWordsAt[notes[i]] {
			end, ok := foldedPrefix(notes, i, w.word)
			if !ok {
				continue
			}
			if !w.alone {
				return true
			}
			if i > 0 && isWordByte(notes[i-1]) {
				continue
			}
			if end == len(notes) || !isWordByte(notes[end]) {
				return true
			}
			if end, ok := foldedPrefix(notes, end, "s"); ok && w.plural && (end == len(notes) || !isWordByte(notes[end])) {
				return true
			}
		}
	}
	return false
}

// foldedPrefix reports whether s[i:] starts with word (lower case
// ASCII letters) as (?i) folds it, and where that prefix ends.
func foldedPrefix(s string, i int, word string) (end int, ok bool) {
	for _, c := range []byte(word) {
		switch {
		case i < len(s) && s[i]|0x20 == c: // c or its upper case, as c is a letter
			i++
		case c == 's' && strings.HasPrefix(s[i:], longS):
			i += len(longS)
		default:
			return 0, false
		}
	}
	return i, true
}

// isWordByte reports whether b is an ASCII word character (\w): a byte
// of a multibyte rune never is, so bytes can be tested for \b.
func isWordByte(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_'
}

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
	// The extra columns: the others, then the precision as a word and
	// admin1 as written when it was normalised.
	extra := h.Extra(rest, feeds.FieldTimePrecision, ColAdmin1)
	xPrec, xAdmin1 := extra.At(0), extra.At(1)
	_, overridden := opts.Categories[Format][SubEventAirDrone]
	// One incident per line at most (records may span lines); the ids
	// map is made at that size, not to grow while reading (its growth
	// was a sixth of the reading time).
	lines := bytes.Count(src.Data, []byte{'\n'})
	ids, countries := make(feeds.IDs, lines), feeds.Countries{}
	res.Incidents = make([]model.Incident, 0, lines)
	for rec := range c.Rows() {
		id := feeds.TrimSpace(rec[iID])
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

		sub := feeds.TrimSpace(rec[iSub])
		typ, ok := res.Summary.Classify(opts, Format, sub, defaults)
		if ok && sub == SubEventAirDrone && !overridden && namesDrone(feeds.Get(rec, iNotes)) {
			typ = feeds.TypeDroneStrike
		}

		fields := extra.Row(rec)
		if p := feeds.TrimSpace(feeds.Get(rec, iPrec)); p != "" {
			if w, ok := precisions[p]; ok {
				p = w
			}
			fields[xPrec] = p
		}
		written := feeds.TrimSpace(feeds.Get(rec, iAdmin1))
		admin1 := feeds.Admin1(opts, written, lat, lon)
		if admin1 != written && written != "" {
			fields[xAdmin1] = written
		}
		// Field by field where it is kept: a composite literal would be
		// built aside and copied.
		res.Incidents = append(res.Incidents, model.Incident{})
		inc := &res.Incidents[len(res.Incidents)-1]
		inc.ID = id
		inc.Time = model.Timestamp{Time: t}
		inc.Type = typ
		inc.Subtype = sub
		inc.Actor = feeds.TrimSpace(feeds.Get(rec, iActor))
		inc.Country = countries.Of(feeds.Get(rec, iCountry))
		inc.Admin1 = admin1
		inc.Location = feeds.TrimSpace(feeds.Get(rec, iLocation))
		inc.Lat, inc.Lon = lat, lon
		inc.Fatalities = fatalities
		inc.Source = Format
		extra.Set(inc, fields)
	}
	return res, append(ds, c.Diags()...)
}
