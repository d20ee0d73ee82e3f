package cli

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/backstop-dev/backstop/internal/territory"
)

const territoryUsage = `Usage: backstop territory area [flags] FILE|FOLDER...
       backstop territory diff [flags] FROM TO
       backstop territory diff [flags] FOLDER
       backstop territory diff [flags] --pairs FILE

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
  diff FOLDER           the same for each consecutive pair of the folder's
                        snapshots, by date, one line a pair
  diff --pairs FILE     the same for each pair of a CSV, in one process
  options FILE...       territorial options against today's map
                        (backstop territory options --help)

Flags:
  --format table|json   output format (default table); the JSON is described
                        in docs/territory.md
  --date DATE           area: the date of a single FILE, for a file whose
                        name carries none (YYYY-MM-DD, or RFC 3339 for its
                        UTC day, as every time flag)
  --from-date DATE      diff: the date of FROM, likewise
  --to-date DATE        diff: the date of TO, likewise
  --by-oblast           diff: split gained and lost by oblast; needs --oblasts
  --oblasts FILE        diff: the polygons of the 27 oblasts, Minregion's
                        GeoJSON such as ../shared/data/ua-oblasts/oblast.geojson
                        (implies --by-oblast)
  --pairs FILE          diff: a CSV whose header names the columns from and
                        to (others are ignored); each cell is a snapshot's
                        path, relative to the CSV's folder unless absolute,
                        or a date YYYY-MM-DD naming
                        deepstatemap_data_YYYYMMDD.geojson in that folder;
                        each snapshot is read once however many pairs name it

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
  backstop territory diff ../shared/data/deepstate
  backstop territory diff --pairs ../shared/data/deepstate/changes_computed.csv \
      --oblasts ../shared/data/ua-oblasts/oblast.geojson --format json | jq '.diffs | length'

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
	format         render.Format
	date, from, to model.Date // zero when not given
	byOblast       bool
	oblastsFile    string
	pairsFile      string // diff --pairs
}

func runTerritory(args []string, s Streams) int {
	if len(args) > 0 && args[0] == "options" {
		// Its own flags (docs/territory.md, "Territorial options").
		return runTerritoryOptions(args[1:], s)
	}
	fs := flag.NewFlagSet("territory", flag.ContinueOnError)
	var p territoryParams
	var date, from, to, format string
	fs.StringVar(&format, "format", string(render.TerritoryFormats.Default()), "table or json")
	fs.StringVar(&date, "date", "", "date of a single FILE")
	fs.StringVar(&from, "from-date", "", "date of FROM")
	fs.StringVar(&to, "to-date", "", "date of TO")
	fs.BoolVar(&p.byOblast, "by-oblast", false, "split by oblast")
	fs.StringVar(&p.oblastsFile, "oblasts", "", "oblast polygons")
	fs.StringVar(&p.pairsFile, "pairs", "", "CSV of pairs to diff")
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
		v, err := parseDay(d.in)
		if err != nil {
			return usage("%s: %v", d.flag, err)
		}
		*d.out = v
	}
	var err error
	if p.format, err = render.TerritoryFormats.Parse(format); err != nil {
		return usage("%v", err)
	}
	switch p.sub {
	case "area":
		switch {
		case p.byOblast || p.oblastsFile != "" || !p.from.IsZero() || !p.to.IsZero():
			return usage("area takes no --by-oblast, --oblasts, --from-date or --to-date (they are diff's)")
		case p.pairsFile != "":
			return usage("area takes no --pairs (it is diff's)")
		case len(p.paths) == 0:
			return usage("area: no files or folders given\n\n%s", territoryUsage)
		case !p.date.IsZero() && len(p.paths) != 1:
			return usage("area: --date dates a single FILE, and %d are given", len(p.paths))
		}
		return runTerritoryArea(p, s)
	case "diff":
		return territoryDiffForm(p, s, usage)
	}
	return usage("unknown subcommand %q; use area or diff", p.sub)
}

// territoryDiffForm checks diff's arguments and runs the form they make:
// FROM TO, a FOLDER (each consecutive pair) or --pairs FILE.
func territoryDiffForm(p territoryParams, s Streams, usage func(string, ...any) int) int {
	if !p.date.IsZero() {
		return usage("diff: use --from-date and --to-date to date FROM and TO")
	}
	folder := false
	if len(p.paths) == 1 && p.pairsFile == "" {
		info, err := os.Stat(p.paths[0])
		folder = err == nil && info.IsDir()
	}
	switch {
	case p.pairsFile != "" && len(p.paths) > 0:
		return usage("diff: --pairs FILE names the pairs; give no FROM, TO or FOLDER with it (%d given)", len(p.paths))
	case (folder || p.pairsFile != "") && (!p.from.IsZero() || !p.to.IsZero()):
		return usage("diff: --from-date and --to-date date a single FROM and TO; the snapshots of a folder or of --pairs are dated by their names")
	case !folder && p.pairsFile == "" && len(p.paths) != 2:
		return usage("diff needs two snapshots, FROM and TO; %d given\n\n%s", len(p.paths), territoryUsage)
	case p.byOblast && p.oblastsFile == "":
		return usage("diff: --by-oblast needs --oblasts FILE, the polygons of the oblasts (for example ../shared/data/ua-oblasts/oblast.geojson)")
	}
	p.byOblast = p.byOblast || p.oblastsFile != ""
	if folder || p.pairsFile != "" {
		return runTerritoryDiffs(p, s)
	}
	return runTerritoryDiff(p, s)
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
	snaps, ds := territory.LoadPaths(p.paths, p.date)
	writeDiagnosticsText(s.Err, ds)
	if len(snaps) == 0 && !ds.HasErrors() {
		// A folder with no snapshot in it measured nothing: say so.
		fmt.Fprintf(s.Err, "backstop territory area: no map snapshot (deepstatemap_data_YYYYMMDD.geojson) in %s\n", strings.Join(p.paths, ", "))
		return ExitUsage
	}
	if err := render.TerritoryArea(s.Out, p.format, snaps); err != nil {
		fmt.Fprintf(s.Err, "backstop territory: %v\n", err)
		return ExitUsage
	}
	return territoryExit(ds)
}

func runTerritoryDiff(p territoryParams, s Streams) int {
	var ds diag.Diagnostics
	from, d1, ok1 := territory.LoadFile(p.paths[0], p.from, "--from-date")
	to, d2, ok2 := territory.LoadFile(p.paths[1], p.to, "--to-date")
	if !ok1 {
		ds = ds.Append(d1)
	}
	if !ok2 {
		ds = ds.Append(d2)
	}
	var table *oblast.Table
	if p.oblastsFile != "" {
		var ods diag.Diagnostics
		table, ods = territory.LoadOblasts(p.oblastsFile)
		ds = ds.Append(ods...)
	}
	writeDiagnosticsText(s.Err, ds)
	if ds.HasErrors() {
		fmt.Fprintln(s.Err, "backstop territory: nothing compared")
		return territoryExit(ds)
	}
	c := territory.Diff(from, to, table)
	if err := render.TerritoryDiff(s.Out, p.format, from, to, c, p.byOblast); err != nil {
		fmt.Fprintf(s.Err, "backstop territory: %v\n", err)
		return ExitUsage
	}
	return ExitOK
}

// territoryPairs returns the pairs of diff's series forms: --pairs FILE's
// rows, or each consecutive pair of the FOLDER's snapshots, which are
// loaded here and put in cache. ok is false, with the exit code, when the
// pairs file cannot be used at all.
func territoryPairs(p territoryParams, cache *territory.Cache, s Streams) (pairs []territory.Pair, ds diag.Diagnostics, exit int, ok bool) {
	if p.pairsFile == "" {
		snaps, ds := territory.LoadDir(p.paths[0])
		cache.Add(snaps...)
		return territory.ConsecutivePairs(snaps), ds, ExitOK, true
	}
	pairs, ds, err := territory.ReadPairs(p.pairsFile)
	switch {
	case errors.Is(err, territory.ErrNoPairColumns):
		fmt.Fprintf(s.Err, "backstop territory: --pairs %s: %v\n", p.pairsFile, err)
		return nil, nil, ExitUsage, false
	case err != nil:
		d := territory.OpenDiagnostic(p.pairsFile, err)
		d.Summary = "--pairs: " + d.Summary
		writeDiagnosticsText(s.Err, diag.Diagnostics{d})
		fmt.Fprintln(s.Err, "backstop territory: nothing compared")
		return nil, nil, ExitUsage, false
	}
	return pairs, ds, ExitOK, true
}

// runTerritoryDiffs runs diff's series forms in one process: each snapshot
// is read and prepared once however many pairs name it (territory.Cache),
// which is most of the cost of a process per pair.
func runTerritoryDiffs(p territoryParams, s Streams) int {
	var cache territory.Cache
	pairs, ds, exit, ok := territoryPairs(p, &cache, s)
	if !ok {
		return exit
	}
	var table *oblast.Table
	if p.oblastsFile != "" {
		var ods diag.Diagnostics
		table, ods = territory.LoadOblasts(p.oblastsFile)
		if ods.HasErrors() {
			// Every pair would be split by the oblasts: none can be.
			writeDiagnosticsText(s.Err, ds.Append(ods...))
			fmt.Fprintln(s.Err, "backstop territory: nothing compared")
			return territoryExit(ds.Append(ods...))
		}
		ds = ds.Append(ods...)
	}
	if len(pairs) == 0 && !ds.HasErrors() {
		fmt.Fprintf(s.Err, "backstop territory diff: no pair of snapshots to compare in %s (a folder needs two snapshots, deepstatemap_data_YYYYMMDD.geojson)\n", cmp.Or(p.pairsFile, p.paths[0]))
		return ExitUsage
	}
	changes, dds := territory.DiffPairs(pairs, &cache, table)
	ds = ds.Append(dds...)
	writeDiagnosticsText(s.Err, ds)
	if err := render.TerritoryDiffs(s.Out, p.format, changes, p.byOblast); err != nil {
		fmt.Fprintf(s.Err, "backstop territory: %v\n", err)
		return ExitUsage
	}
	return territoryExit(ds)
}
