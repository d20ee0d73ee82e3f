package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/model"
)

const importIncidentsUsage = `Usage: backstop import incidents FILE... [flags]

Turns incident feeds into backstop Incidents documents: what a monitor
submits to a server (backstop submit) for the record, the monitoring and
the dashboard's map. FILE (a file or a folder) is read as backstop monitor
reads it: ACLED, UCDP GED, the daily missile/drone reports, air-raid
alerts, VIINA, NASA FIRMS, backstop's JSON Lines or YAML (gzipped or not,
UTF-8 or Windows-1252), any other CSV through a mapping file. Every row is
accounted for on standard error, and rows that cannot be read are reported
as FILE:LINE:COL.

The YAML goes to standard output, or to --out: documents of at most
--per-document incidents each, in time order, so that each fits a server's
--max-body. An incident id given twice (the same file twice, say) is kept
once, with a warning.

Flags:
  --input-format FMT   skip detection: acled, ucdp, missile, alerts, viina,
                       firms, jsonl or yaml
  --mapping FILE       read the files as CSV through this mapping (docs/feeds.md)
  --categories FILE    override the readers' category → type tables
  --oblasts FILE       oblast.geojson, to place incidents by coordinates
  --since T, --until T keep only incidents in this period (RFC 3339 or
                       YYYY-MM-DD, UTC)
  --per-document N     incidents per document (default 1000: about 0.5 MB)
  --no-fields          leave out the source's extra columns (a headline, say),
                       which no trigger reads unless it names them
  --strict             any skipped row is an error (exit 1)
  --out FILE           write the YAML to FILE instead of standard output

Examples:
  backstop import incidents ../shared/data/viina/viina_incidents_202407.csv.gz --out july.yaml
  backstop submit july.yaml --key examples/ukraine-2025/keys/MON.key --server http://127.0.0.1:8080

Exit codes:
  0  imported (warnings allowed)
  1  rows with errors (--strict); what could be read is still written
  2  usage error, or a file that could not be read or written
`

func runImportIncidents(args []string, s Streams) int {
	fs := flag.NewFlagSet("import incidents", flag.ContinueOnError)
	var inputFormat, mapping, categories, oblasts, since, until, out string
	var perDocument int
	var strict, noFields bool
	fs.StringVar(&inputFormat, "input-format", "", "format")
	fs.StringVar(&mapping, "mapping", "", "mapping file")
	fs.StringVar(&categories, "categories", "", "category overrides")
	fs.StringVar(&oblasts, "oblasts", "", "oblast.geojson")
	fs.StringVar(&since, "since", "", "start")
	fs.StringVar(&until, "until", "", "end")
	fs.IntVar(&perDocument, "per-document", 1000, "incidents per document")
	fs.BoolVar(&noFields, "no-fields", false, "leave out extra columns")
	fs.BoolVar(&strict, "strict", false, "skipped rows are errors")
	fs.StringVar(&out, "out", "", "output file")
	paths, exit, ok := parseFlags(fs, args, importIncidentsUsage, s)
	if !ok {
		return exit
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop import incidents: "+format+"\n", a...)
		return ExitUsage
	}
	if len(paths) == 0 {
		return usage("no FILE given\n\n%s", importIncidentsUsage)
	}
	if perDocument < 1 {
		return usage("--per-document must be at least 1, not %d", perDocument)
	}
	from, err := parseInstant(since)
	if err != nil {
		return usage("--since: %v", err)
	}
	to, err := parseInstant(until)
	if err != nil {
		return usage("--until: %v", err)
	}
	failed := false
	report := func(ds diag.Diagnostics) {
		writeDiagnosticsText(s.Err, ds)
		failed = failed || ds.HasErrors()
	}
	opts, reader, code := feedSetup("import incidents", categories, mapping, oblasts, strict, s, report)
	if code != ExitOK {
		return code
	}
	list, err := files(paths)
	if err != nil {
		return usage("%s", ioMessage(err))
	}
	var incs []model.Incident
	seen := map[string]string{} // id → the file that gave it first
	duplicates := 0
	for _, path := range list {
		res, ds, err := readFeed(path, inputFormat, reader, opts)
		report(ds)
		if err != nil {
			fmt.Fprintf(s.Err, "backstop import incidents: %v\n", err)
			return ExitUsage
		}
		kept := 0
		for _, inc := range res.Incidents {
			if (!from.IsZero() && inc.Time.Before(from)) || (!to.IsZero() && !inc.Time.Before(to)) {
				continue
			}
			if first, dup := seen[inc.ID]; dup {
				duplicates++
				if duplicates <= 10 {
					fmt.Fprintf(s.Err, "%s: warning: incident %s was read from %s already; kept once\n", path, inc.ID, first)
				}
				continue
			}
			seen[inc.ID] = path
			if noFields {
				inc.Fields = nil
			}
			incs = append(incs, inc)
			kept++
		}
		sum := res.Summary
		fmt.Fprintf(s.Err, "%s: %s, %s rows: %s mapped, %s of another type, %s skipped; %s kept\n", path, sum.Format,
			thousands(sum.Read), thousands(sum.Mapped), thousands(sum.Unmapped), thousands(sum.Skipped), thousands(kept))
	}
	if duplicates > 10 {
		fmt.Fprintf(s.Err, "backstop import incidents: %s more incident ids given twice, kept once\n", thousands(duplicates-10))
	}
	slices.SortStableFunc(incs, func(a, b model.Incident) int { return a.Time.Compare(b.Time.Time) })
	var buf bytes.Buffer
	docs := 0
	for start := 0; start < len(incs); start += perDocument {
		if docs > 0 {
			buf.WriteString("---\n")
		}
		if err := incidents.WriteYAML(&buf, incs[start:min(start+perDocument, len(incs))]); err != nil {
			fmt.Fprintf(s.Err, "backstop import incidents: writing YAML: %v\n", err)
			return ExitUsage
		}
		docs++
	}
	where := ""
	if out == "" {
		if _, err := s.Out.Write(buf.Bytes()); err != nil {
			fmt.Fprintf(s.Err, "backstop import incidents: writing the output: %v\n", err)
			return ExitUsage
		}
	} else {
		if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintf(s.Err, "backstop import incidents: %v\n", err)
			return ExitUsage
		}
		where = " to " + out
	}
	span := ""
	if len(incs) > 0 {
		span = fmt.Sprintf(", %s to %s", incs[0].Time.UTC().Format(time.DateOnly), incs[len(incs)-1].Time.UTC().Format(time.DateOnly))
	}
	fmt.Fprintf(s.Err, "wrote %s incidents in %s%s%s\n", thousands(len(incs)), plural(docs, "document"), span, where)
	if failed {
		return ExitInvalid
	}
	return ExitOK
}
