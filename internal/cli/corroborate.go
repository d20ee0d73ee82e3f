package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/corroborate"
	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/render"
)

const corroborateUsage = `Usage: backstop corroborate --rules FILE --incidents FILE... [flags]

Gives every incident a confidence from the other sources: an incident of an
anchoring source starts with its source's reliability, and each other source
with a record within the distance and time window adds its points; the total
maps to a level (possible, moderate, high, confirmed by default). A day-only
record (the FIRMS files) stands for its whole day. For every pair of sources
it also reports how many anchors would match by chance, re-running the join
with the corroborating source shifted by ±7 and ±30 days.

Flags:
  --rules FILE          the Corroboration document (docs/corroborate.md)
  --incidents FILE...   incident files or folders (the data files after the
                        flag, or repeat it); formats as for monitor, detected
                        from the header
  --input-format FMT    skip detection
  --shift SOURCE=DUR    move a source's records in time before the join, e.g.
                        firms=730d to lay 2021's fires over 2023 (repeatable)
  --oblasts FILE        oblast.geojson, to place incidents by coordinates
  --format FORMAT       table (default), json, jsonl or csv
  --limit N             incidents shown in the table (default 50)
  --out FILE            write the result to FILE
  --color WHEN          auto, always or never

Examples:
  backstop corroborate --rules examples/corroboration/firms-ground.yaml \
    --incidents ../shared/data/viina/viina_incidents_202307.csv.gz \
    --incidents ../shared/data/firms/ukr_fire_data_2023.csv
  backstop corroborate --rules examples/corroboration/firms-ground.yaml \
    --incidents ../shared/data/viina --incidents ../shared/data/firms/ukr_fire_data_2021.csv \
    --shift firms=730d --format csv --out peacetime.csv

` + exitCodesHelp + "\n"

func runCorroborate(args []string, s Streams) int {
	fs := flag.NewFlagSet("corroborate", flag.ContinueOnError)
	var rules, inputFormat, oblasts, format, out, color string
	var incidentPaths, shifts listFlag
	var limit int
	fs.StringVar(&rules, "rules", "", "rules")
	fs.Var(&incidentPaths, "incidents", "incident file or folder")
	fs.StringVar(&inputFormat, "input-format", "", "format")
	fs.Var(&shifts, "shift", "SOURCE=DURATION")
	fs.StringVar(&oblasts, "oblasts", "", "oblast.geojson")
	fs.StringVar(&format, "format", string(render.CorroborateFormats.Default()), "format")
	fs.IntVar(&limit, "limit", 50, "incidents in the table")
	fs.StringVar(&out, "out", "", "output file")
	fs.StringVar(&color, "color", "auto", "auto, always or never")
	extra, exit, ok := parseFlags(fs, severalValues(args, "incidents"), corroborateUsage, s)
	if !ok {
		return exit
	}
	usage := func(f string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop corroborate: "+f+"\n", a...)
		return ExitUsage
	}
	f, ferr := render.CorroborateFormats.Parse(format)
	switch {
	case len(extra) > 0:
		// Every input is a flag: an argument would otherwise be lost
		// without a word (`--incidents A B` reads A only).
		return usage("unexpected argument %q: give every incident file with --incidents (--incidents A B, or --incidents A --incidents B)", extra[0])
	case rules == "":
		return usage("no --rules FILE given")
	case len(incidentPaths) == 0:
		return usage("no --incidents FILE given")
	case ferr != nil:
		return usage("%v", ferr)
	}
	opts := corroborate.Options{Shifts: map[string]time.Duration{}}
	if bad, ok := parseShifts(shifts, opts.Shifts); !ok {
		return usage("--shift %q: expected SOURCE=DURATION, such as firms=730d or viina=-7d", bad)
	}
	set, ds := load.Paths([]string{rules}, nil)
	if ds.HasErrors() {
		writeDiagnosticsText(s.Err, ds.Errors())
		return exitCode(ds)
	}
	docs := set.Corroborations()
	if len(docs) != 1 {
		return usage("--rules %s: want one Corroboration document, found %d", rules, len(docs))
	}
	// No categories or mapping: only --oblasts, which reports nothing.
	feedOpts, _, code := feedSetup("corroborate", "", "", oblasts, false, s, func(diag.Diagnostics) {})
	if code != ExitOK {
		return code
	}
	feedOpts.Stdin = s.In
	incs, _, err := all.ReadFiles(incidentPaths, inputFormat, nil, feedOpts, func(path string, ds diag.Diagnostics, sum feeds.Summary) {
		writeDiagnosticsText(s.Err, ds)
		render.FeedRead(s.notes(), path, sum)
	})
	if err != nil {
		return incidentsError("corroborate", incidentPaths, err, s)
	}
	res, cds := corroborate.Corroborate(corroborate.Compile(docs[0]), incs, opts)
	render.CorroborateNotes(s.Err, res, cds)
	view := func(w io.Writer, opts render.TableOptions) error { return render.Corroborate(w, f, res, opts, limit) }
	return writeView(s, "corroborate", out, color, view, nil)
}

// parseShifts reads each --shift SOURCE=DURATION (the duration may be
// negative) into into; on the first it cannot read it returns that one.
func parseShifts(shifts []string, into map[string]time.Duration) (bad string, ok bool) {
	for _, sh := range shifts {
		src, dur, ok := strings.Cut(sh, "=")
		neg := strings.HasPrefix(dur, "-")
		d, err := model.ParseDuration(strings.TrimPrefix(dur, "-"))
		if !ok || src == "" || err != nil {
			return sh, false
		}
		into[src] = time.Duration(d)
		if neg {
			into[src] = -time.Duration(d)
		}
	}
	return "", true
}
