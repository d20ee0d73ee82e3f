package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/numfmt"
)

// CorroborateJSON writes the result as indented JSON.
func CorroborateJSON(w io.Writer, r *corroborate.Result) error {
	return indentedJSON(w, r, true)
}

// CorroborateJSONL writes one incident per line, with its confidence and
// its explanation.
func CorroborateJSONL(w io.Writer, r *corroborate.Result) error {
	for _, s := range r.Incidents {
		if err := encodeJSON(w, s, "", true); err != nil {
			return err
		}
	}
	return nil
}

// CorroborateCSV writes one row per incident: its confidence and the ids
// of the records that corroborate it.
func CorroborateCSV(w io.Writer, r *corroborate.Result) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "source", "type", "time", "lat", "lon", "anchor", "level", "level_name", "points", "matches", "corroborated_by"})
	coord := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	for _, s := range r.Incidents {
		var by []string
		for _, m := range s.By {
			by = append(by, m.ID)
		}
		_ = cw.Write([]string{s.ID, s.Source, s.Type, s.Time.UTC().Format("2006-01-02T15:04:05Z"), coord(s.Lat), coord(s.Lon),
			strconv.FormatBool(s.Anchor), strconv.Itoa(s.Level), s.LevelName, strconv.FormatFloat(s.Points, 'f', -1, 64),
			strconv.Itoa(s.Count), strings.Join(by, "|")})
	}
	cw.Flush()
	return cw.Error()
}

// CorroborateTable writes the summary, the chance figures and the scored
// incidents (at most limit of them, the best corroborated first).
func CorroborateTable(w io.Writer, r *corroborate.Result, o TableOptions, limit int) error {
	t := &term{out: &errWriter{w: w}, color: o.Color, width: max(cmpOr(o.Width, DefaultWidth), minWidth)}
	sum := r.Summary
	t.wrapped(fmt.Sprintf("%s, %s scored: %s", plural(sum.Incidents, "incident", "incidents"), numfmt.Number(float64(sum.Scored), 0), levelCounts(r)), "", "  ", plain, true)
	t.wrapped(fmt.Sprintf("rules %s: within %s km and %s", r.Rules, numfmt.Number(r.DistanceKm, 0), r.Window), "", "  ", plain, false)
	if sum.Excluded > 0 {
		var why []string
		for _, k := range sortedKeys(sum.ExcludedBy) {
			why = append(why, fmt.Sprintf("%s %s", numfmt.Number(float64(sum.ExcludedBy[k]), 0), k))
		}
		t.wrapped(fmt.Sprintf("excluded from matching: %s", strings.Join(why, ", ")), "", "  ", warn, false)
	}
	t.section("Matches against chance")
	g := grid{cols: []column{keyCol("anchor"), col("corroborator"), numCol("anchors"), numCol("matched"), numCol("by chance"), col("shifts (days)")}}
	for _, c := range r.Chance {
		var shifts []string
		for _, d := range c.Shifts {
			shifts = append(shifts, fmt.Sprintf("%+d", d))
		}
		g.rows = append(g.rows, []cell{txt(c.Anchor), txt(c.Corroborator), txt(numfmt.Number(float64(c.Anchors), 0)),
			txt(numfmt.Percent(c.Matched)), txt(numfmt.Percent(c.ByChance)), txt(strings.Join(shifts, " "))})
	}
	if len(g.rows) == 0 {
		t.line("none: give at least two sources with incidents")
	} else {
		t.grid(g)
	}
	t.section("Incidents")
	ig := grid{cols: []column{keyCol("incident"), col("source"), col("type"), col("time"), col("level"), numCol("points"), {head: "corroborated by (nearest of each source)", wrap: true}}}
	shown := 0
	for _, s := range r.Incidents {
		if !s.Anchor || s.Count == 0 {
			continue
		}
		if shown == limit {
			break
		}
		shown++
		var by []string
		for _, m := range s.By {
			if m.Points > 0 {
				by = append(by, fmt.Sprintf("%s %s (%s km, %s h apart, +%s)", m.Source, m.ID, numfmt.Number(m.DistanceKm, 1), numfmt.Number(m.HoursApart, 0), numfmt.Number(m.Points, 0)))
			}
		}
		ig.rows = append(ig.rows, []cell{txt(s.ID), txt(s.Source), txt(s.Type), txt(stamp(s.Time)), txt(orEmpty(s.LevelName)),
			txt(numfmt.Number(s.Points, 1)), {lines: by}})
	}
	if shown == 0 {
		t.line("no incident is corroborated")
	} else {
		t.grid(ig)
		t.line(fmt.Sprintf("%s shown; every incident, with its matches, is in --format json, jsonl or csv", plural(shown, "corroborated incident", "corroborated incidents")))
	}
	return t.out.err
}

func levelCounts(r *corroborate.Result) string {
	var parts []string
	for _, k := range sortedKeys(r.Summary.ByLevel) {
		parts = append(parts, fmt.Sprintf("%s %s", numfmt.Number(float64(r.Summary.ByLevel[k]), 0), k))
	}
	return strings.Join(parts, ", ")
}
