package render

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/backstop-dev/backstop/internal/numfmt"
	"github.com/backstop-dev/backstop/internal/territory"
)

// The views of `backstop territory`: the area of each snapshot and the
// change between two, as a plain text table or as JSON (docs/territory.md).

// roundKm2 rounds to the 0.001 km² (1,000 m²) the JSON reports, and never
// writes -0.
func roundKm2(v float64) float64 {
	r := math.Round(v*1000) / 1000
	if r == 0 {
		return 0
	}
	return r
}

type territorySnapshot struct {
	Date     string  `json:"date"`
	File     string  `json:"file"`
	AreaKm2  float64 `json:"area_km2"`
	Polygons int     `json:"polygons"`
	Vertices int     `json:"vertices"`
}

func territorySnapshotOf(snap *territory.Snapshot) territorySnapshot {
	return territorySnapshot{Date: snap.Date.String(), File: snap.File, AreaKm2: roundKm2(snap.Area), Polygons: snap.Polygons, Vertices: snap.Vertices}
}

// TerritoryAreaJSON writes the area of each snapshot as JSON
// ({"format_version": 1, "snapshots": [...]}, never null).
func TerritoryAreaJSON(w io.Writer, snaps []*territory.Snapshot) error {
	out := struct {
		FormatVersion int                 `json:"format_version"`
		Snapshots     []territorySnapshot `json:"snapshots"`
	}{1, []territorySnapshot{}}
	for _, snap := range snaps {
		out.Snapshots = append(out.Snapshots, territorySnapshotOf(snap))
	}
	return indentedJSON(w, out, true)
}

// TerritoryAreaTable writes the area of each snapshot, one line each under
// a header; nothing when there is none.
func TerritoryAreaTable(w io.Writer, snaps []*territory.Snapshot) {
	if len(snaps) == 0 {
		return
	}
	fmt.Fprintf(w, "%-10s  %15s  %8s  %8s  %s\n", "date", "occupied km²", "polygons", "vertices", "file")
	for _, snap := range snaps {
		fmt.Fprintf(w, "%-10s  %15s  %8s  %8s  %s\n", snap.Date, numfmt.Number(snap.Area, 1),
			numfmt.Number(float64(snap.Polygons), 0), numfmt.Number(float64(snap.Vertices), 0), snap.File)
	}
}

type territoryOblast struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	GainedKm2 float64 `json:"gained_km2"`
	LostKm2   float64 `json:"lost_km2"`
	NetKm2    float64 `json:"net_km2"`
}

type territoryOutside struct {
	GainedKm2 float64 `json:"gained_km2"`
	LostKm2   float64 `json:"lost_km2"`
}

// territoryDiff is one change in the JSON: the object of `diff FROM TO`,
// and each element of the list of the multi-pair forms.
type territoryDiff struct {
	From      territorySnapshot `json:"from"`
	To        territorySnapshot `json:"to"`
	GainedKm2 float64           `json:"gained_km2"`
	LostKm2   float64           `json:"lost_km2"`
	NetKm2    float64           `json:"net_km2"`
	ByOblast  []territoryOblast `json:"by_oblast"`
	Outside   *territoryOutside `json:"outside_oblasts"`
}

func territoryDiffOf(from, to *territory.Snapshot, c territory.Change, byOblast bool) territoryDiff {
	out := territoryDiff{
		From: territorySnapshotOf(from), To: territorySnapshotOf(to),
		GainedKm2: roundKm2(c.GainedKm2), LostKm2: roundKm2(c.LostKm2), NetKm2: roundKm2(c.NetKm2),
		ByOblast: []territoryOblast{},
	}
	for _, o := range c.ByOblast {
		out.ByOblast = append(out.ByOblast, territoryOblast{o.Code, o.Name, roundKm2(o.GainedKm2), roundKm2(o.LostKm2), roundKm2(o.NetKm2)})
	}
	if byOblast {
		out.Outside = &territoryOutside{roundKm2(c.OutsideGainedKm2), roundKm2(c.OutsideLostKm2)}
	}
	return out
}

// TerritoryDiffJSON writes the change from FROM to TO as JSON, by oblast
// when byOblast.
func TerritoryDiffJSON(w io.Writer, from, to *territory.Snapshot, c territory.Change, byOblast bool) error {
	// format_version first, then the fields of territoryDiff, as before
	// the multi-pair forms shared them.
	out := struct {
		FormatVersion int `json:"format_version"`
		territoryDiff
	}{1, territoryDiffOf(from, to, c, byOblast)}
	return indentedJSON(w, out, true)
}

// TerritoryDiffsJSON writes the changes of several pairs as JSON
// ({"format_version": 1, "diffs": [...]}, never null), each as
// TerritoryDiffJSON's object without its format_version.
func TerritoryDiffsJSON(w io.Writer, changes []territory.PairChange, byOblast bool) error {
	out := struct {
		FormatVersion int             `json:"format_version"`
		Diffs         []territoryDiff `json:"diffs"`
	}{1, []territoryDiff{}}
	for _, pc := range changes {
		out.Diffs = append(out.Diffs, territoryDiffOf(pc.From, pc.To, pc.Change, byOblast))
	}
	return indentedJSON(w, out, true)
}

// signedKm2 formats a net change with its sign: +12.3, -4.5, 0.0.
func signedKm2(v float64) string {
	s := numfmt.Number(v, 1)
	if !strings.HasPrefix(s, "-") && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s
}

// TerritoryDiffTable writes the change from FROM to TO for a terminal, with
// a table by oblast when byOblast.
func TerritoryDiffTable(w io.Writer, from, to *territory.Snapshot, c territory.Change, byOblast bool) {
	fmt.Fprintf(w, "from  %s  %13s km²  %s\n", from.Date, numfmt.Number(from.Area, 1), from.File)
	fmt.Fprintf(w, "to    %s  %13s km²  %s\n\n", to.Date, numfmt.Number(to.Area, 1), to.File)
	fmt.Fprintf(w, "gained  %11s km²  occupied in TO, not in FROM\n", numfmt.Number(c.GainedKm2, 1))
	fmt.Fprintf(w, "lost    %11s km²  occupied in FROM, not in TO\n", numfmt.Number(c.LostKm2, 1))
	fmt.Fprintf(w, "net     %11s km²  area of TO − area of FROM\n", signedKm2(c.NetKm2))
	if !byOblast {
		return
	}
	fmt.Fprintln(w)
	if len(c.ByOblast) == 0 {
		fmt.Fprintln(w, "no oblast changed hands")
	} else {
		fmt.Fprintf(w, "%-30s  %-5s  %11s  %11s  %11s\n", "oblast", "code", "gained km²", "lost km²", "net km²")
		for _, o := range c.ByOblast {
			fmt.Fprintf(w, "%-30s  %-5s  %11s  %11s  %11s\n", o.Name, o.Code,
				numfmt.Number(o.GainedKm2, 1), numfmt.Number(o.LostKm2, 1), signedKm2(o.NetKm2))
		}
	}
	if c.OutsideGainedKm2 >= 0.05 || c.OutsideLostKm2 >= 0.05 {
		fmt.Fprintf(w, "%-30s  %-5s  %11s  %11s  %11s\n", "outside the oblasts' polygons", "",
			numfmt.Number(c.OutsideGainedKm2, 1), numfmt.Number(c.OutsideLostKm2, 1), signedKm2(c.OutsideGainedKm2-c.OutsideLostKm2))
	}
}

// TerritoryDiffsTable writes the changes of several pairs, one line each
// under a header, and under each its oblasts, indented, when byOblast:
// one table for a series, where TerritoryDiffTable's block per pair would
// bury the totals. Nothing when there is none.
func TerritoryDiffsTable(w io.Writer, changes []territory.PairChange, byOblast bool) {
	if len(changes) == 0 {
		return
	}
	row := func(from, to string, gained, lost, net float64, what string) {
		line := fmt.Sprintf("%-10s  %-10s  %11s  %11s  %11s", from, to, numfmt.Number(gained, 1), numfmt.Number(lost, 1), signedKm2(net))
		if what != "" {
			line += "  " + what
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "%-10s  %-10s  %11s  %11s  %11s\n", "from", "to", "gained km²", "lost km²", "net km²")
	for _, pc := range changes {
		c := pc.Change
		row(pc.From.Date.String(), pc.To.Date.String(), c.GainedKm2, c.LostKm2, c.NetKm2, "")
		if !byOblast {
			continue
		}
		for _, o := range c.ByOblast {
			row("", "", o.GainedKm2, o.LostKm2, o.NetKm2, o.Code+"  "+o.Name)
		}
		if c.OutsideGainedKm2 >= 0.05 || c.OutsideLostKm2 >= 0.05 {
			row("", "", c.OutsideGainedKm2, c.OutsideLostKm2, c.OutsideGainedKm2-c.OutsideLostKm2, "outside the oblasts' polygons")
		}
	}
}

// TerritoryDiffs writes the changes of several pairs in f, one of
// TerritoryFormats; by oblast when byOblast.
func TerritoryDiffs(w io.Writer, f Format, changes []territory.PairChange, byOblast bool) error {
	if f == FormatJSON {
		return TerritoryDiffsJSON(w, changes, byOblast)
	}
	TerritoryDiffsTable(w, changes, byOblast)
	return nil
}
