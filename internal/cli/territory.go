package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/numfmt"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/territory"
)

const territoryUsage = `Usage: backstop territory area [flags] FILE|FOLDER...
       backstop territory diff [flags] FROM TO

Measures maps of the territory of Ukraine under occupation — DeepStateMap
snapshots, deepstatemap_data_YYYYMMDD.geojson, as mirrored daily by
cyterat/deepstate-map-data — on the WGS84 ellipsoid (equal-area), and what
changed hands between two of them. A snapshot is dated by its file name;
a folder is read for its *.geojson files.

Subcommands:
  area FILE|FOLDER...   each snapshot's date, occupied area (km²), polygons
                        and vertices
  diff FROM TO          km² gained by the adversary (occupied in TO, not in
                        FROM), lost (occupied in FROM, not in TO) and net
                        (area of TO − area of FROM), in total or by oblast

Flags:
  --format table|json   output format (default table); the JSON is described
                        in docs/territory.md
  --date DATE           area: the date of a single FILE (YYYY-MM-DD), for a
                        file whose name carries none
  --from-date DATE      diff: the date of FROM, likewise
  --to-date DATE        diff: the date of TO, likewise
  --by-oblast           diff: split gained and lost by oblast; needs --oblasts
  --oblasts FILE        diff: the polygons of the 27 oblasts, Minregion's
                        GeoJSON such as ../shared/data/ua-oblasts/oblast.geojson
                        (implies --by-oblast)

Examples:
  backstop territory area ../shared/data/deepstate/deepstatemap_data_20250901.geojson
  backstop territory area ../shared/data/deepstate --format json | jq '.snapshots[-1]'
  backstop territory area occupied.geojson --date 2025-09-01
  backstop territory diff ../shared/data/deepstate/deepstatemap_data_20250901.geojson \
      ../shared/data/deepstate/deepstatemap_data_20260822.geojson
  backstop territory diff ../shared/data/deepstate/deepstatemap_data_20250815.geojson \
      ../shared/data/deepstate/deepstatemap_data_20250901.geojson \
      --by-oblast --oblasts ../shared/data/ua-oblasts/oblast.geojson
  backstop territory diff FROM.geojson TO.geojson --format json | jq .gained_km2

Data: DeepStateMap (deepstatemap.live), via cyterat/deepstate-map-data;
oblast polygons © Мінрегіон (Minregion), CC BY-SA. The method and its
accuracy are in docs/territory.md.

Exit codes:
  0  success
  1  a snapshot or the oblast file is not a readable map (what could be
     read is still shown)
  2  usage error, or a file that does not exist or cannot be opened
`

type territoryParams struct {
	sub            string
	paths          []string
	format         string
	date, from, to model.Date // zero when not given
	byOblast       bool
	oblastsFile    string
}

func runTerritory(args []string, s Streams) int {
	fs := flag.NewFlagSet("territory", flag.ContinueOnError)
	var p territoryParams
	var date, from, to string
	fs.StringVar(&p.format, "format", "table", "table or json")
	fs.StringVar(&date, "date", "", "date of a single FILE")
	fs.StringVar(&from, "from-date", "", "date of FROM")
	fs.StringVar(&to, "to-date", "", "date of TO")
	fs.BoolVar(&p.byOblast, "by-oblast", false, "split by oblast")
	fs.StringVar(&p.oblastsFile, "oblasts", "", "oblast polygons")
	positional, exit, ok := parseFlags(fs, args, territoryUsage, s)
	if !ok {
		return exit
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop territory: "+format+"\n", a...)
		return ExitUsage
	}
	if len(positional) == 0 {
		return usage("no subcommand given; use area or diff\n\n%s", territoryUsage)
	}
	p.sub, p.paths = positional[0], positional[1:]
	for _, d := range []struct {
		flag, in string
		out      *model.Date
	}{{"--date", date, &p.date}, {"--from-date", from, &p.from}, {"--to-date", to, &p.to}} {
		if d.in == "" {
			continue
		}
		v, err := model.ParseDate(d.in)
		if err != nil {
			return usage("%s: %v", d.flag, err)
		}
		*d.out = v
	}
	if p.format != "table" && p.format != "json" {
		return usage("unknown format %q; use table or json", p.format)
	}
	switch p.sub {
	case "area":
		switch {
		case p.byOblast || p.oblastsFile != "" || !p.from.IsZero() || !p.to.IsZero():
			return usage("area takes no --by-oblast, --oblasts, --from-date or --to-date (they are diff's)")
		case len(p.paths) == 0:
			return usage("area: no files or folders given\n\n%s", territoryUsage)
		case !p.date.IsZero() && len(p.paths) != 1:
			return usage("area: --date dates a single FILE, and %d are given", len(p.paths))
		}
		return runTerritoryArea(p, s)
	case "diff":
		switch {
		case !p.date.IsZero():
			return usage("diff: use --from-date and --to-date to date FROM and TO")
		case len(p.paths) != 2:
			return usage("diff needs two snapshots, FROM and TO; %d given\n\n%s", len(p.paths), territoryUsage)
		case p.byOblast && p.oblastsFile == "":
			return usage("diff: --by-oblast needs --oblasts FILE, the polygons of the oblasts (for example ../shared/data/ua-oblasts/oblast.geojson)")
		}
		p.byOblast = p.byOblast || p.oblastsFile != ""
		return runTerritoryDiff(p, s)
	}
	return usage("unknown subcommand %q; use area or diff", p.sub)
}

// loadSnapshot reads one snapshot file, dated by date when set.
func loadTerritorySnapshot(path string, date model.Date, dateFlag string) (*territory.Snapshot, diag.Diagnostic, bool) {
	if date.IsZero() {
		snap, err := territory.LoadSnapshot(path)
		if err != nil {
			var te *territory.Error
			if errors.As(err, &te) {
				d := te.Diagnostic()
				if errors.Is(err, territory.ErrNoDate) {
					d.Summary = fmt.Sprintf("no date in the file name; name the file deepstatemap_data_YYYYMMDD.geojson or give its date with %s", dateFlag)
				}
				return nil, d, false
			}
			return nil, diag.Errorf(diag.Range{File: path}, territory.CodeIO, "%v", err), false
		}
		return snap, diag.Diagnostic{}, true
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, territoryOpenDiagnostic(path, err), false
	}
	defer f.Close()
	snap, err := territory.ReadSnapshot(path, f, date)
	if err != nil {
		var te *territory.Error
		if errors.As(err, &te) {
			return nil, te.Diagnostic(), false
		}
		return nil, diag.Errorf(diag.Range{File: path}, territory.CodeIO, "%v", err), false
	}
	return snap, diag.Diagnostic{}, true
}

func territoryOpenDiagnostic(path string, err error) diag.Diagnostic {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return diag.Errorf(diag.Range{File: path}, territory.CodeIO, "%v", err)
}

// territoryExit is 2 when a file could not be opened, 1 when one could not
// be read as a map, 0 otherwise.
func territoryExit(ds diag.Diagnostics) int {
	for _, d := range ds {
		if d.Code == territory.CodeIO {
			return ExitUsage
		}
	}
	if ds.HasErrors() {
		return ExitInvalid
	}
	return ExitOK
}

func runTerritoryArea(p territoryParams, s Streams) int {
	var snaps []*territory.Snapshot
	var ds diag.Diagnostics
	for _, path := range p.paths {
		info, err := os.Stat(path)
		switch {
		case err != nil:
			ds = ds.Append(territoryOpenDiagnostic(path, err))
		case info.IsDir():
			more, dds := territory.LoadDir(path)
			snaps = append(snaps, more...)
			ds = ds.Append(dds...)
		default:
			snap, d, ok := loadTerritorySnapshot(path, p.date, "--date")
			if !ok {
				ds = ds.Append(d)
				continue
			}
			snaps = append(snaps, snap)
		}
	}
	writeDiagnosticsText(s.Err, ds)
	var err error
	if p.format == "json" {
		err = writeTerritoryAreaJSON(s.Out, snaps)
	} else {
		writeTerritoryAreaTable(s.Out, snaps)
	}
	if err != nil {
		fmt.Fprintf(s.Err, "backstop territory: %v\n", err)
		return ExitUsage
	}
	return territoryExit(ds)
}

// roundKm2 rounds to the 0.001 km² (1,000 m²) the JSON reports, and never
// writes -0.
func roundKm2(v float64) float64 {
	r := math.Round(v*1000) / 1000
	if r == 0 {
		return 0
	}
	return r
}

type territoryJSONSnapshot struct {
	Date     string  `json:"date"`
	File     string  `json:"file"`
	AreaKm2  float64 `json:"area_km2"`
	Polygons int     `json:"polygons"`
	Vertices int     `json:"vertices"`
}

func territorySnapshotJSON(snap *territory.Snapshot) territoryJSONSnapshot {
	return territoryJSONSnapshot{Date: snap.Date.String(), File: snap.File, AreaKm2: roundKm2(snap.Area), Polygons: snap.Polygons, Vertices: snap.Vertices}
}

func writeTerritoryAreaJSON(w io.Writer, snaps []*territory.Snapshot) error {
	out := struct {
		FormatVersion int                     `json:"format_version"`
		Snapshots     []territoryJSONSnapshot `json:"snapshots"`
	}{1, []territoryJSONSnapshot{}}
	for _, snap := range snaps {
		out.Snapshots = append(out.Snapshots, territorySnapshotJSON(snap))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeTerritoryAreaTable(w io.Writer, snaps []*territory.Snapshot) {
	if len(snaps) == 0 {
		return
	}
	fmt.Fprintf(w, "%-10s  %15s  %8s  %8s  %s\n", "date", "occupied km²", "polygons", "vertices", "file")
	for _, snap := range snaps {
		fmt.Fprintf(w, "%-10s  %15s  %8s  %8s  %s\n", snap.Date, numfmt.Number(snap.Area, 1),
			numfmt.Number(float64(snap.Polygons), 0), numfmt.Number(float64(snap.Vertices), 0), snap.File)
	}
}

func runTerritoryDiff(p territoryParams, s Streams) int {
	var ds diag.Diagnostics
	from, d1, ok1 := loadTerritorySnapshot(p.paths[0], p.from, "--from-date")
	to, d2, ok2 := loadTerritorySnapshot(p.paths[1], p.to, "--to-date")
	if !ok1 {
		ds = ds.Append(d1)
	}
	if !ok2 {
		ds = ds.Append(d2)
	}
	var table *oblast.Table
	if p.oblastsFile != "" {
		var err error
		table, err = oblast.Load(p.oblastsFile)
		var oe *oblast.Error
		switch {
		case errors.As(err, &oe):
			ds = ds.Append(oe.Diagnostics...)
		case err != nil:
			d := territoryOpenDiagnostic(p.oblastsFile, err)
			d.Summary = "--oblasts: " + d.Summary
			ds = ds.Append(d)
		}
	}
	writeDiagnosticsText(s.Err, ds)
	if ds.HasErrors() {
		fmt.Fprintln(s.Err, "backstop territory: nothing compared")
		return territoryExit(ds)
	}
	c := territory.Diff(from, to, table)
	var err error
	if p.format == "json" {
		err = writeTerritoryDiffJSON(s.Out, from, to, c, p.byOblast)
	} else {
		writeTerritoryDiffTable(s.Out, from, to, c, p.byOblast)
	}
	if err != nil {
		fmt.Fprintf(s.Err, "backstop territory: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}

type territoryJSONOblast struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	GainedKm2 float64 `json:"gained_km2"`
	LostKm2   float64 `json:"lost_km2"`
	NetKm2    float64 `json:"net_km2"`
}

type territoryJSONOutside struct {
	GainedKm2 float64 `json:"gained_km2"`
	LostKm2   float64 `json:"lost_km2"`
}

func writeTerritoryDiffJSON(w io.Writer, from, to *territory.Snapshot, c territory.Change, byOblast bool) error {
	out := struct {
		FormatVersion int                   `json:"format_version"`
		From          territoryJSONSnapshot `json:"from"`
		To            territoryJSONSnapshot `json:"to"`
		GainedKm2     float64               `json:"gained_km2"`
		LostKm2       float64               `json:"lost_km2"`
		NetKm2        float64               `json:"net_km2"`
		ByOblast      []territoryJSONOblast `json:"by_oblast"`
		Outside       *territoryJSONOutside `json:"outside_oblasts"`
	}{
		FormatVersion: 1, From: territorySnapshotJSON(from), To: territorySnapshotJSON(to),
		GainedKm2: roundKm2(c.GainedKm2), LostKm2: roundKm2(c.LostKm2), NetKm2: roundKm2(c.NetKm2),
		ByOblast: []territoryJSONOblast{},
	}
	for _, o := range c.ByOblast {
		out.ByOblast = append(out.ByOblast, territoryJSONOblast{o.Code, o.Name, roundKm2(o.GainedKm2), roundKm2(o.LostKm2), roundKm2(o.NetKm2)})
	}
	if byOblast {
		out.Outside = &territoryJSONOutside{roundKm2(c.OutsideGainedKm2), roundKm2(c.OutsideLostKm2)}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// signed formats a net change with its sign: +12.3, -4.5, 0.0.
func signedKm2(v float64) string {
	s := numfmt.Number(v, 1)
	if !strings.HasPrefix(s, "-") && strings.Trim(s, "0.,") != "" {
		s = "+" + s
	}
	return s
}

func writeTerritoryDiffTable(w io.Writer, from, to *territory.Snapshot, c territory.Change, byOblast bool) {
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
