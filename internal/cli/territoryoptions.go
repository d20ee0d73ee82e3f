package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/option"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/backstop-dev/backstop/internal/territory"
)

const territoryOptionsUsage = `Usage: backstop territory options [flags] FILE|FOLDER...

Measures territorial options (kind TerritorialOption, loaded with their
framework from FILE|FOLDER...) against today's map: the area that would
change hands each way, per oblast; the settlements and power plants inside
the change; the length of the option's line against today's contact line.

Flags:
  --territory DIR       the DeepStateMap snapshots (deepstatemap_data_YYYYMMDD.geojson)
                        the options' areas name by date, and today's map
                        (required)
  --oblasts FILE        the polygons of the 27 oblasts, such as
                        ../shared/data/ua-oblasts/oblast.geojson (required)
  --settlements FILE    GeoNames' settlements, such as
                        ../shared/data/ua-settlements/settlements.csv (required)
  --power-plants FILE   the Global Power Plant Database's rows for Ukraine
  --date DATE           today's map: the snapshot of DATE or the latest before
                        it (default: the latest snapshot)
  --format table|json|markdown|html
                        output format (default table); html draws a map of
                        each option
  --out FILE            write the report to FILE

Example:
  backstop territory options examples/ukraine-2025 \
      --territory ../shared/data/deepstate \
      --oblasts ../shared/data/ua-oblasts/oblast.geojson \
      --settlements ../shared/data/ua-settlements/settlements.csv \
      --power-plants ../shared/data/power-plants/global_power_plant_database_ukraine.csv

Data: DeepStateMap via cyterat/deepstate-map-data; oblasts © Мінрегіон
(Minregion), CC BY-SA; settlements GeoNames (geonames.org), CC BY 4.0;
power plants WRI Global Power Plant Database, CC BY 4.0. The method and
its accuracy are in docs/territory.md.

Exit codes:
  0  success
  1  the documents, a map or a data file are invalid
  2  usage error, or a file that cannot be opened
`

func runTerritoryOptions(args []string, s Streams) int {
	fs := flag.NewFlagSet("territory options", flag.ContinueOnError)
	var dir, oblasts, settlements, plants, date, format, out string
	fs.StringVar(&dir, "territory", "", "snapshots folder")
	fs.StringVar(&oblasts, "oblasts", "", "oblast polygons")
	fs.StringVar(&settlements, "settlements", "", "settlements CSV")
	fs.StringVar(&plants, "power-plants", "", "power plants CSV")
	fs.StringVar(&date, "date", "", "today's map")
	fs.StringVar(&format, "format", string(render.TerritoryOptionsFormats.Default()), "output format")
	fs.StringVar(&out, "out", "", "output file")
	paths, exit, ok := parseFlags(fs, args, territoryOptionsUsage, s)
	if !ok {
		return exit
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop territory options: "+format+"\n", a...)
		return ExitUsage
	}
	f, err := render.TerritoryOptionsFormats.Parse(format)
	if err != nil {
		return usage("%v", err)
	}
	var today model.Date
	if date != "" {
		if today, err = parseDay(date); err != nil {
			return usage("--date: %v", err)
		}
	}
	switch {
	case len(paths) == 0:
		return usage("no documents given\n\n%s", territoryOptionsUsage)
	case dir == "" || oblasts == "" || settlements == "":
		return usage("--territory, --oblasts and --settlements are required")
	}
	set, ds := load.Paths(paths, s.In)
	if ds.HasErrors() {
		writeDiagnosticsText(s.Err, ds.Errors())
		fmt.Fprintf(s.Err, "backstop territory options: the documents %s; nothing measured\n", problemWith(ds))
		return exitCode(ds)
	}
	if len(set.Options()) == 0 {
		return usage("no TerritorialOption documents among %v", paths)
	}
	snaps, ds := territory.LoadDir(dir)
	table, ods := territory.LoadOblasts(oblasts)
	ds = ds.Append(ods...)
	writeDiagnosticsText(s.Err, ds)
	if ds.HasErrors() {
		return territoryExit(ds)
	}
	places, err := option.ReadSettlements(settlements)
	if err != nil {
		return dataError(s, "--settlements", err)
	}
	var pp []option.Plant
	if plants != "" {
		if pp, err = option.ReadPlants(plants); err != nil {
			return dataError(s, "--power-plants", err)
		}
	}
	env, err := option.NewEnv(snaps, table, today, places, pp)
	if err != nil {
		return usage("%v", err)
	}
	var results []*option.Result
	for _, o := range set.Options() {
		r, err := env.Evaluate(o, set.Framework(o.Framework), f == render.FormatHTML)
		if err != nil {
			fmt.Fprintf(s.Err, "backstop territory options: %s: %v\n", o.ID, err)
			return ExitInvalid
		}
		results = append(results, r)
	}
	return writeView(s, "territory options", out, "never", func(w io.Writer, _ render.TableOptions) error {
		return render.TerritoryOptions(w, f, results, env.MapsUsed())
	}, func() string { return render.Plural(len(results), "option") })
}

// dataError reports a data file that cannot be opened (exit 2) or read
// (exit 1).
func dataError(s Streams, flagName string, err error) int {
	fmt.Fprintf(s.Err, "backstop territory options: %s: %v\n", flagName, err)
	if os.IsNotExist(err) || os.IsPermission(err) {
		return ExitUsage
	}
	return ExitInvalid
}
