package viina

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

const (
	// Format is the name users give to --input-format, and the key of
	// feeds.Options.Categories for this reader.
	Format = "viina"
	// SourceName is the source of every incident read.
	SourceName = "viina"
	// Country is the country of every incident located in Ukraine; it is
	// left empty for the reports VIINA geocodes abroad.
	Country = "UA"
	// IDPrefix starts the id of an incident read from a file with event
	// ids, so that they cannot collide with other sources' numbers.
	IDPrefix = "viina-"
)

// CodeMissingColumn: the header lacks a column Read needs.
const CodeMissingColumn = "missing-column"

// Keys Read adds to Fields besides the columns it does not interpret.
const (
	// FieldLabels holds every label of the report, |-separated, as
	// written ("" when it has none).
	FieldLabels = "labels"
	// FieldPrecision is "day" when the report has no time of day (written
	// 00:00:00 or absent), else "minute".
	FieldPrecision = "time_precision"
)

// Reasons of skipped rows (the keys of feeds.Summary.SkippedBy).
const (
	ReasonCSV         = feeds.ReasonCSVSyntax
	ReasonFieldCount  = feeds.ReasonFieldCount
	ReasonDate        = "bad date"
	ReasonCoordinates = "bad coordinates"
	ReasonDuplicateID = "duplicate id"
)

// NoCategory is the key of Summary.UnmappedBy for a report without labels.
const NoCategory = "(none)"

// layout is where a header puts the columns Read interprets; -1 when absent.
type layout struct {
	datetime, date, clock int
	lat, lon, place       int
	labels, adm1, id      int
	// headline is the headline column, -1 when absent: it confirms a grave
	// type (classify); it stays in Fields.
	headline int
	// flags are the t_*_b columns of the upstream files: a report has the
	// label when its column is 1.
	flags []flag
	// names are the trimmed column names; interpreted marks the columns
	// that do not go to Fields.
	names       []string
	interpreted []bool
	// others is the number of columns that go to Fields, the size of its
	// map; repeated is set when two of them share a name (then the first
	// non-empty value wins, which costs a lookup per value).
	others   int
	repeated bool
}

type flag struct {
	col   int
	label string
}

// parseLayout finds the columns of a header (names trimmed, any case): the
// time in datetime, or in date (YYYYMMDD or YYYY-MM-DD) and time (HH:MM);
// lat or latitude, lon or longitude; the labels in event_type or in t_*_b
// columns; optionally place_name or asciiname, adm1_name, event_id or
// event_id_1pd. It returns the first required column missing, or "".
func parseLayout(header []string) (l layout, missing string) {
	l = layout{datetime: -1, date: -1, clock: -1, lat: -1, lon: -1, place: -1, labels: -1, adm1: -1, id: -1, headline: -1,
		names: make([]string, len(header)), interpreted: make([]bool, len(header))}
	set := func(p *int, i int) {
		if *p < 0 {
			*p = i
			l.interpreted[i] = true
		}
	}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		l.names[i] = h
		switch low := strings.ToLower(h); low {
		case "datetime":
			set(&l.datetime, i)
		case "date":
			set(&l.date, i)
		case "time":
			set(&l.clock, i)
		case "lat", "latitude":
			set(&l.lat, i)
		case "lon", "longitude":
			set(&l.lon, i)
		case "place_name", "asciiname":
			set(&l.place, i)
		case "event_type":
			set(&l.labels, i)
		case "headline":
			if l.headline < 0 {
				l.headline = i
			}
		case "adm1_name":
			if l.adm1 < 0 {
				l.adm1 = i // read for admin1, kept in Fields as written
			}
		case "event_id", "event_id_1pd":
			set(&l.id, i)
		default:
			if strings.HasPrefix(low, "t_") && strings.HasSuffix(low, "_b") && len(low) > len("t__b") {
				l.flags = append(l.flags, flag{i, low[2 : len(low)-2]})
				l.interpreted[i] = true
			}
		}
	}
	switch {
	case l.datetime < 0 && l.date < 0:
		return l, "datetime (or date)"
	case l.lat < 0:
		return l, "lat"
	case l.lon < 0:
		return l, "lon"
	case l.labels < 0 && len(l.flags) == 0:
		return l, "event_type (or t_*_b label columns)"
	}
	if l.labels >= 0 {
		// The labels column wins; t_*_b columns then go to Fields.
		for _, f := range l.flags {
			l.interpreted[f.col] = false
		}
		l.flags = nil
	}
	seen := map[string]bool{}
	for i, n := range l.names {
		if !l.interpreted[i] {
			l.others++
			l.repeated = l.repeated || seen[n]
			seen[n] = true
		}
	}
	return l, ""
}

const expected = "datetime, lon, lat, place_name, event_type, headline"

// Reader reads VIINA event files. The zero value is ready to use.
type Reader struct{}

var _ feeds.Reader = Reader{}

// Format returns "viina".
func (Reader) Format() string { return Format }

// Detect reports whether head starts with a VIINA header: a time column
// (datetime, or date), lat and lon (or latitude and longitude), and labels
// (event_type, or t_*_b columns). A BOM is allowed.
func (Reader) Detect(head []byte) bool {
	h := feeds.HeaderOf(head, ',')
	if h == nil {
		return false
	}
	_, missing := parseLayout(h.Names())
	return missing == ""
}

// Read reads every row of src: one incident per report; a row that cannot
// be read is skipped with a diagnostic (a warning, an error under
// opts.Strict). A header without the required columns stops the reading
// with an error. Data that still begins with a byte order mark is read.
//
// A file of parallelFrom bytes or more is read in two parts at once when
// the program may use two cores, with the same result (see readParts).
func (Reader) Read(src *feeds.Source, opts feeds.Options) (*feeds.Result, diag.Diagnostics) {
	res := &feeds.Result{Summary: feeds.NewSummary(src.Name, Format)}
	var ds diag.Diagnostics
	data := bytes.TrimPrefix(src.Data, bom)
	text := strings.TrimPrefix(src.Text(), string(bom))
	f := feeds.NewPositions(src.Name, data)
	cr := feeds.NewTextScanner(text, ',')

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return res, ds.Append(diag.Errorf(f.Range(1, 1), CodeMissingColumn, "empty file; expected the header %s", expected))
	}
	if err != nil {
		return res, ds.Append(f.ScanError(cr, err, nil))
	}
	l, missing := parseLayout(header)
	if missing != "" {
		return res, ds.Append(diag.Errorf(f.Range(1, 1), CodeMissingColumn, "the header has no %s column; expected %s", missing, expected))
	}
	// Two parts need each other only for duplicate event ids.
	if body := cr.Offset(); l.id < 0 && len(text)-body >= parallelFrom && runtime.GOMAXPROCS(0) > 1 {
		if split := feeds.SplitPoint(text, body); split > 0 {
			if res, ds, ok := readParts(src, data, text, split, l, opts); ok {
				return res, ds
			}
		}
	}
	// One incident per line at most (records may span lines).
	lines := bytes.Count(data, []byte{'\n'})
	res.Incidents = make([]model.Incident, 0, lines)
	r := newReading(src, opts, cr, &res.Summary, l, lines)
	return res, ds.Append(r.readInto(f, res)...)
}

// parallelFrom is the size of text from which Read reads a file in two
// parts: below, the second goroutine and the merge cost more than they
// save (our calibration). A month of VIINA is 3 to 4 MB, read in two
// parts in 73 % of the time of one on 2 cores (BenchmarkParts).
var parallelFrom = 1 << 20

// readParts reads the records of text before split (where a record
// starts: feeds.SplitPoint) and those after it at once, in two readings
// of their own, and joins what they read: the incidents, the
// diagnostics in order, the summaries. ok is false when the first part
// had a CSV syntax error: it may then have read past split, where the
// second part started, and the file must be read in one part.
func readParts(src *feeds.Source, data []byte, text string, split int, l layout, opts feeds.Options) (res *feeds.Result, ds diag.Diagnostics, ok bool) {
	lines0 := bytes.Count(data[:split], []byte{'\n'})
	lines1 := bytes.Count(data[split:], []byte{'\n'}) + 1 // the last line may have no line break
	// The parts fill one array in place: the first part its first rows0
	// incidents (it has lines0 lines, ending with a line break, one of
	// them the header's), the second the rest; the second part's
	// incidents move only when the first skipped rows.
	rows0 := lines0 - 1
	all := make([]model.Incident, 0, rows0+lines1)
	first := &feeds.Result{Summary: feeds.NewSummary(src.Name, Format), Incidents: all[:0:rows0]}
	second := &feeds.Result{Summary: feeds.NewSummary(src.Name, Format), Incidents: all[rows0:rows0]}

	cr0 := feeds.NewTextScanner(text[:split], ',')
	if _, err := cr0.Read(); err != nil { // the header, read again
		return nil, nil, false
	}
	cr1 := feeds.NewTextScannerAt(text[split:], ',', lines0)
	cr1.FieldsPerRecord = cr0.FieldsPerRecord
	r0 := newReading(src, opts, cr0, &first.Summary, l, lines0)
	r1 := newReading(src, opts, cr1, &second.Summary, l, lines1)
	var ds1 diag.Diagnostics
	done := make(chan struct{})
	go func() {
		defer close(done)
		ds1 = r1.readInto(feeds.NewPositions(src.Name, data), second)
	}()
	ds0 := r0.readInto(feeds.NewPositions(src.Name, data), first)
	<-done
	if first.Summary.SkippedBy[feeds.ReasonCSVSyntax] > 0 {
		return nil, nil, false
	}

	n0, n1 := len(first.Incidents), len(second.Incidents)
	if n0 > 0 && &first.Incidents[0] != &all[:1][0] || n1 > 0 && &second.Incidents[0] != &all[rows0 : rows0+1][0] {
		// A part outgrew its room (it cannot: a row takes a line at
		// least) and was moved: read again in one part.
		return nil, nil, false
	}
	first.Summary.Add(second.Summary)
	joined := all[:n0+n1]
	if n0 < rows0 {
		copy(joined[n0:], all[rows0:rows0+n1]) // overlapping: copy moves
		clear(all[n0+n1 : rows0+n1])           // nothing of the moved stays reachable twice
	}
	first.Incidents = joined
	return first, append(ds0, ds1...), true
}

// newReading prepares the reading of the records cr gives, of a file
// (or a part of one) of about lines lines, laid out as l, counted in sum.
func newReading(src *feeds.Source, opts feeds.Options, cr *feeds.Scanner, sum *feeds.Summary, l layout, lines int) *reading {
	// The maps are sized for January 2024, not to grow while reading:
	// 10,562 reports, 5,225 headlines, 1,101 latitudes.
	r := &reading{opts: opts, cr: cr, sum: sum, base: filepath.Base(src.Name), l: l,
		places: make(map[string]*place, lines/8), byName: map[string]string{}, byLabels: map[string]*labelled{},
		headlines: make(map[string]headlineMask, lines/2)}
	if l.id >= 0 {
		r.ids = make(map[string]int, lines)
	} else {
		r.idLines = make([]int, 0, lines)
	}
	var cols []int
	for i, in := range l.interpreted {
		if !in {
			cols = append(cols, i)
		}
	}
	r.extra = feeds.NewExtra(l.names, cols, FieldLabels, FieldPrecision)
	return r
}

// readInto reads every row into res (whose Incidents has room for them)
// and returns the diagnostics.
func (r *reading) readInto(f *feeds.Positions, res *feeds.Result) diag.Diagnostics {
	ds := feeds.ReadRowsInto(f, r.cr, res, r.opts, r.row)
	r.writeIDs(res.Incidents)
	return ds
}

// writeIDs gives the incidents read from a file without event ids their
// ids, FILE:LINE, all pieces of one string: one allocation instead of
// one per row. They are the incidents without an ID, r.idLines their
// lines.
func (r *reading) writeIDs(incidents []model.Incident) {
	if len(r.idLines) == 0 {
		return
	}
	// A Builder gives its bytes as a string without a copy.
	var b strings.Builder
	b.Grow(len(r.idLines) * (len(r.base) + 1 + digits(r.idLines[len(r.idLines)-1])))
	var num [20]byte
	for _, line := range r.idLines {
		b.WriteString(r.base)
		b.WriteByte(':')
		b.Write(strconv.AppendInt(num[:0], int64(line), 10))
	}
	all := b.String()
	next := 0
	for i := range incidents {
		if incidents[i].ID != "" {
			continue
		}
		n := len(r.base) + 1 + digits(r.idLines[0])
		incidents[i].ID = all[next : next+n]
		next += n
		r.idLines = r.idLines[1:]
	}
}

// digits is the number of decimal digits of n ≥ 0.
func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

type reading struct {
	opts feeds.Options
	cr   *feeds.Scanner
	sum  *feeds.Summary
	base string
	l    layout
	// Many reports share a town's centroid, a combination of labels, a
	// time: what was read from such a value is kept, by the value as
	// written.
	places    map[string]*place    // by lat as written
	lastPlace *place               // the place of the last row with one
	byName    map[string]string    // adm1_name → admin1
	byLabels  map[string]*labelled // the labels column
	// lastLabels is the labels column of the last row, lastLabelled
	// what they gave.
	lastLabels   string
	lastLabelled *labelled
	lastTime     string // the time column of the last row read, when it was a time
	lastT        time.Time
	lastDay      bool
	// headlines holds what the automaton found in each headline: half
	// the reports repeat the headline of another, geocoded elsewhere.
	headlines map[string]headlineMask
	// lastHeadline is the headline confirm read last, lastMask its mask.
	lastHeadline string
	lastMask     headlineMask
	ids          map[string]int // event id → line, for duplicates
	labels       []string       // reused per row
	idLines      []int          // the lines of the incidents without an event id, in order
	coords       feeds.Coordinates
	// extra gives the incidents Columns: the columns not interpreted,
	// the labels and the precision; unless names repeat (see fields).
	extra *feeds.Extra
	// probed is set once Oblasts has been asked whether it can locate
	// points at all (polygons).
	probed, polygons bool
}

// place is a point as read, and the unit Oblasts.ByPoint puts it in
// once asked.
type place struct {
	latRaw   string // as written: the key of reading.places
	lonRaw   string // as written
	lat, lon float64
	admin1   string
	asked    bool
	// other is another place of the same lat.
	other *place
}

// headlineMask is what stemAutomaton.mentioned found in a headline: the
// mask of the types, complete unless the scan stopped at a stem.
type headlineMask struct {
	mask     uint8
	complete bool
}

// confirm is the package's confirm of lab's type, remembering each
// headline's mask.
func (r *reading) confirm(lab *labelled, headline string) string {
	if lab.bit == 0 {
		return lab.typ // not a type confirm checks
	}
	// The reports of one headline geocoded to several places mostly
	// follow one another: the last headline is compared before the map
	// hashes its few hundred bytes.
	m, seen := r.lastMask, headline == r.lastHeadline
	if !seen {
		m, seen = r.headlines[headline]
	}
	if !seen || m.mask&lab.bit == 0 && !m.complete {
		found := stems.mentioned(headline, lab.bit)
		m = headlineMask{mask: m.mask | found, complete: found&lab.bit == 0} // no stop: the scan went through
		r.headlines[headline] = m
	}
	r.lastHeadline, r.lastMask = headline, m
	return confirmed(lab.typ, lab.bit, m.mask)
}

// labelled is what the labels of a row give, whatever its headline.
type labelled struct {
	typ, unmappedBy string
	mapped          bool
	joined          string // the labels, |-separated (Fields[FieldLabels])
	// confirm says the headline must confirm typ (classify).
	confirm bool
	// bit is stemBits[typ] when typ is one confirm checks (grave and not
	// a battle), else 0.
	bit uint8
}

// problem is why a row is skipped.
type problem = feeds.Problem

func (r *reading) row(rec []string, inc *model.Incident) *problem {
	l := &r.l
	line, _ := r.cr.FieldPos(0)
	id := ""
	if l.id >= 0 {
		if v := feeds.TrimSpace(rec[l.id]); v != "" {
			id = IDPrefix + v
		}
	}
	fromColumn := id != ""
	if fromColumn {
		if first, dup := r.ids[id]; dup {
			return &problem{Col: l.id, Reason: ReasonDuplicateID, Message: fmt.Sprintf("event id %s was given on line %d already", strings.TrimPrefix(id, IDPrefix), first)}
		}
	}
	t, day, bad := r.time(rec)
	if bad != nil {
		return bad
	}
	latRaw, lonRaw := feeds.TrimSpace(rec[l.lat]), feeds.TrimSpace(rec[l.lon])
	pl, bad := r.point(rec, latRaw, lonRaw)
	if bad != nil {
		return bad
	}
	var lat, lon *float64
	if pl != nil {
		lat, lon = r.coords.Pair(pl.lat, pl.lon)
	}
	lab := r.labelsOf(rec)
	if fromColumn {
		r.ids[id] = line
	} else {
		r.idLines = append(r.idLines, line) // the id is written by writeIDs
	}
	typ := lab.typ
	if lab.confirm && l.headline >= 0 && rec[l.headline] != "" {
		typ = r.confirm(lab, rec[l.headline])
	}
	if lab.mapped {
		r.sum.Mapped++
	} else {
		r.sum.Unmap(lab.unmappedBy)
	}

	// Columns, unless two share a name (then the first non-empty value
	// wins, not the last). A report without labels has them empty, and
	// present all the same (Blank): a trigger reads them as "".
	var fields map[string]string
	var columns model.Columns
	if at := r.extra.At(0); r.extra.Distinct() && at < 64 {
		values := r.extra.Row(rec)
		values[at] = lab.joined
		values[r.extra.At(1)] = "minute"
		if day {
			values[r.extra.At(1)] = "day"
		}
		columns = r.extra.Columns(values)
		if lab.joined == "" {
			columns.Blank = 1 << at
		}
	} else {
		fields = r.fields(rec, lab.joined, day)
	}

	location := ""
	if l.place >= 0 {
		location = feeds.TrimSpace(rec[l.place])
	}
	admin1, located := r.admin1(rec, pl)
	country := Country
	if pl != nil && !located {
		country = ""
	}
	// Field by field: a composite literal would be built aside and copied.
	inc.ID = id
	inc.Time = model.Timestamp{Time: t}
	inc.Type = typ
	inc.Country = country
	inc.Admin1 = admin1
	inc.Location = location
	inc.Lat, inc.Lon = lat, lon
	inc.Source = SourceName
	inc.Fields = fields
	inc.Columns = columns
	return nil
}

// point reads the coordinates latRaw and lonRaw (as written in rec,
// spaces trimmed): nil when neither is given, else both or a problem.
func (r *reading) point(rec []string, latRaw, lonRaw string) (*place, *problem) {
	if latRaw == "" && lonRaw == "" {
		return nil, nil
	}
	// A town's reports often follow one another.
	if pl := r.lastPlace; pl != nil && pl.lonRaw == lonRaw && pl.latRaw == latRaw {
		return pl, nil
	}
	for pl := r.places[latRaw]; pl != nil; pl = pl.other {
		if pl.lonRaw == lonRaw {
			r.lastPlace = pl
			return pl, nil
		}
	}
	l := &r.l
	la, err := coordinate(latRaw, 90)
	if err != nil {
		return nil, &problem{Col: l.lat, Reason: ReasonCoordinates, Message: fmt.Sprintf("lat %q: %v", rec[l.lat], err)}
	}
	lo, err := coordinate(lonRaw, 180)
	if err != nil {
		return nil, &problem{Col: l.lon, Reason: ReasonCoordinates, Message: fmt.Sprintf("lon %q: %v", rec[l.lon], err)}
	}
	// The keys are copied: as pieces of the file, they would be far apart
	// in memory, and each lookup would wait for its own.
	latRaw = strings.Clone(latRaw)
	pl := &place{latRaw: latRaw, lonRaw: strings.Clone(lonRaw), lat: la, lon: lo, other: r.places[latRaw]}
	r.places[latRaw] = pl
	r.lastPlace = pl
	return pl, nil
}

// labelsOf classifies the row by its labels: those of the labels column
// (classified once for each value of the column), else those whose flag
// column is set.
func (r *reading) labelsOf(rec []string) *labelled {
	if r.l.labels < 0 {
		r.readLabels(rec)
		return r.typeOfLabels(rec)
	}
	raw := rec[r.l.labels]
	if r.lastLabelled != nil && raw == r.lastLabels {
		return r.lastLabelled // a run of reports labelled alike
	}
	lab, ok := r.byLabels[raw]
	if !ok {
		r.readLabels(rec)
		lab = r.typeOfLabels(rec)
		r.byLabels[strings.Clone(raw)] = lab // close to the other keys, see point
	}
	r.lastLabels, r.lastLabelled = raw, lab
	return lab
}

// typeOfLabels is classify without the headline, for r.labels.
func (r *reading) typeOfLabels(rec []string) *labelled {
	typ, mapped, unmappedBy := classifyLabels(r.opts, r.labels)
	lab := &labelled{typ: typ, mapped: mapped, unmappedBy: unmappedBy, joined: r.joinedLabels(rec),
		confirm: mapped && !overridden(r.opts, r.labels, typ)}
	if bit, grave := stemBits[typ]; grave && typ != feeds.TypeBattle {
		lab.bit = bit
	}
	return lab
}

// readLabels sets r.labels to the row's labels: those of the labels
// column, else those whose flag column is set.
func (r *reading) readLabels(rec []string) {
	l := &r.l
	r.labels = r.labels[:0]
	if l.labels >= 0 {
		for s := range strings.SplitSeq(rec[l.labels], "|") {
			if s = feeds.TrimSpace(s); s != "" {
				r.labels = append(r.labels, s)
			}
		}
		return
	}
	for _, fl := range l.flags {
		if v := strings.TrimSpace(rec[fl.col]); v == "1" || v == "1.0" {
			r.labels = append(r.labels, fl.label)
		}
	}
}

// joinedLabels is r.labels joined with "|": the labels column itself
// when it is already that (no spaces around a label, no empty one), as
// most rows are, saving a string per row. Labels are trimmed pieces of
// the column in order, so a join as long as the column is the column.
func (r *reading) joinedLabels(rec []string) string {
	if r.l.labels >= 0 && len(r.labels) > 0 {
		n := len(r.labels) - 1
		for _, s := range r.labels {
			n += len(s)
		}
		if raw := rec[r.l.labels]; n == len(raw) {
			return raw
		}
	}
	return strings.Join(r.labels, "|")
}

// fields are the incident's Fields: the columns not interpreted (the
// first of a repeated name), the labels and the time's precision.
func (r *reading) fields(rec []string, labels string, day bool) map[string]string {
	l := &r.l
	fields := make(map[string]string, l.others+2)
	for i, v := range rec {
		if v == "" || l.interpreted[i] {
			continue
		}
		if !l.repeated {
			fields[l.names[i]] = v
		} else if _, dup := fields[l.names[i]]; !dup {
			fields[l.names[i]] = v
		}
	}
	fields[FieldLabels] = labels
	fields[FieldPrecision] = "minute"
	if day {
		fields[FieldPrecision] = "day"
	}
	return fields
}

// admin1 finds the oblast: by the adm1_name column when it is given and
// Oblasts knows it, else by the point pl (nil when the row has none); as
// written without Oblasts. located reports whether the point is in
// Ukraine: in one of its units when Oblasts can locate points, else
// within Ukraine's bounding box (VIINA geocodes some reports abroad:
// Moscow, Brussels, Washington).
func (r *reading) admin1(rec []string, pl *place) (code string, located bool) {
	name := ""
	if r.l.adm1 >= 0 {
		name = feeds.TrimSpace(rec[r.l.adm1])
	}
	inBox := pl != nil && pl.lat >= minLat && pl.lat <= maxLat && pl.lon >= minLon && pl.lon <= maxLon
	o := r.opts.Oblasts
	if o == nil {
		return name, inBox
	}
	if name != "" {
		code, seen := r.byName[name]
		if !seen {
			code, _ = o.ByName(name)
			r.byName[name] = code
		}
		if code != "" {
			return code, true
		}
	}
	if pl == nil {
		return "", false
	}
	if !r.probed {
		_, r.polygons = o.ByPoint(kyivLat, kyivLon)
		r.probed = true
	}
	if !pl.asked {
		pl.admin1, _ = o.ByPoint(pl.lat, pl.lon)
		pl.asked = true
	}
	if !r.polygons {
		return pl.admin1, inBox
	}
	return pl.admin1, pl.admin1 != ""
}

// Ukraine's bounding box, and a point every polygon table locates (Kyiv).
const (
	minLat, maxLat   = 44.3, 52.4
	minLon, maxLon   = 22.1, 40.3
	kyivLat, kyivLon = 50.45, 30.52
)

// datetimeLayouts are the forms of the datetime column, in the order
// they are tried.
var datetimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02"}

// time reads the report's time, written without a zone and taken as UTC:
// datetime "YYYY-MM-DD HH:MM:SS" (00:00:00 means a day), or date
// (YYYYMMDD or YYYY-MM-DD) with an optional time (HH:MM).
func (r *reading) time(rec []string) (t time.Time, day bool, bad *problem) {
	l := &r.l
	if l.datetime >= 0 {
		s := feeds.TrimSpace(rec[l.datetime])
		if s == r.lastTime && s != "" {
			return r.lastT, r.lastDay, nil
		}
		t, ok := feeds.QuickTime(s, time.UTC, datetimeLayouts...)
		var err error
		for _, layout := range datetimeLayouts {
			if ok {
				break
			}
			if t, err = time.Parse(layout, s); err == nil {
				break
			}
		}
		if err == nil {
			err = checkYear(t)
		}
		if err != nil {
			return time.Time{}, false, &problem{Col: l.datetime, Reason: ReasonDate, Message: fmt.Sprintf("datetime %q: %v", rec[l.datetime], errOr(err, "not a date and time such as 2024-01-31 14:05:00"))}
		}
		r.lastTime, r.lastT, r.lastDay = s, t, t.Equal(t.Truncate(24*time.Hour))
		return r.lastT, r.lastDay, nil
	}
	s := strings.TrimSpace(rec[l.date])
	d, ok := feeds.QuickTime(s, time.UTC, "20060102", "2006-01-02")
	var err error
	if !ok {
		d, err = time.Parse("20060102", s)
		if err != nil {
			d, err = time.Parse("2006-01-02", s)
		}
	}
	if err == nil {
		err = checkYear(d)
	}
	if err != nil {
		return time.Time{}, false, &problem{Col: l.date, Reason: ReasonDate, Message: fmt.Sprintf("date %q: %v", rec[l.date], errOr(err, "not a date such as 20240131 or 2024-01-31"))}
	}
	if l.clock < 0 || strings.TrimSpace(rec[l.clock]) == "" {
		return d, true, nil
	}
	c, err := time.Parse("15:04", strings.TrimSpace(rec[l.clock]))
	if err != nil {
		c, err = time.Parse("15:04:05", strings.TrimSpace(rec[l.clock]))
	}
	if err != nil {
		return time.Time{}, false, &problem{Col: l.clock, Reason: ReasonDate, Message: fmt.Sprintf("time %q: not a time of day such as 14:05", rec[l.clock])}
	}
	return d.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute + time.Duration(c.Second())*time.Second), false, nil
}

// yearError is a date outside the years any report can have.
type yearError struct{ year int }

func (e yearError) Error() string {
	return fmt.Sprintf("year %d is outside %d…%d", e.year, minYear, maxYear)
}

const (
	minYear = 1900
	maxYear = 2999
)

func checkYear(t time.Time) error {
	if y := t.Year(); y < minYear || y > maxYear {
		return yearError{y}
	}
	return nil
}

// errOr returns err's message when it is a yearError, else the generic text.
func errOr(err error, generic string) string {
	var ye yearError
	if errors.As(err, &ye) {
		return ye.Error()
	}
	return generic
}

// coordinate parses a latitude (limit 90) or longitude (limit 180).
func coordinate(s string, limit float64) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errors.New("not a number of degrees")
	}
	if v < -limit || v > limit {
		return 0, fmt.Errorf("outside -%g…%g", limit, limit)
	}
	return v, nil
}

var bom = []byte("\ufeff")
