package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/render"
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
	list, err := feeds.Expand(paths)
	if err != nil {
		return usage("%s", ioMessage(err))
	}
	k := importKept{from: from, to: to, noFields: noFields, seen: map[string]string{}, warn: s.Err}
	for _, path := range list {
		res, ds, err := all.Read(path, inputFormat, reader, opts)
		report(ds)
		if err != nil {
			fmt.Fprintf(s.Err, "backstop import incidents: %v\n", err)
			return ExitUsage
		}
		render.ImportFeedSummary(s.Err, path, res.Summary, k.add(path, res.Incidents))
	}
	if k.duplicates > 10 {
		render.ImportDuplicates(s.Err, k.duplicates-10)
	}
	incs := k.incs
	slices.SortStableFunc(incs, func(a, b model.Incident) int { return a.Time.Compare(b.Time.Time) })
	buf, docs, err := incidentDocuments(incs, perDocument)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop import incidents: writing YAML: %v\n", err)
		return ExitUsage
	}
	if err := writeImport(s.Out, out, buf); err != nil {
		fmt.Fprintf(s.Err, "backstop import incidents: %v\n", err)
		return ExitUsage
	}
	render.ImportWritten(s.Err, incs, docs, out)
	if failed {
		return ExitInvalid
	}
	return ExitOK
}

// importKept gathers the incidents to import: those within [from, to)
// (either bound zero for none), each id once, the first file's.
type importKept struct {
	from, to   time.Time
	noFields   bool
	incs       []model.Incident
	seen       map[string]string // id → the file that gave it first
	duplicates int
	warn       io.Writer // the first 10 duplicates are named here
}

// add keeps what it should of the incidents read from path, and returns
// how many.
func (k *importKept) add(path string, incs []model.Incident) (kept int) {
	for _, inc := range incs {
		if (!k.from.IsZero() && inc.Time.Before(k.from)) || (!k.to.IsZero() && !inc.Time.Before(k.to)) {
			continue
		}
		if first, dup := k.seen[inc.ID]; dup {
			k.duplicates++
			if k.duplicates <= 10 {
				fmt.Fprintf(k.warn, "%s: warning: incident %s was read from %s already; kept once\n", path, inc.ID, first)
			}
			continue
		}
		k.seen[inc.ID] = path
		if k.noFields {
			inc.Fields = nil
		}
		k.incs = append(k.incs, inc)
		kept++
	}
	return kept
}

// incidentDocuments writes incs as YAML Incidents documents of at most
// perDocument each, separated by "---", and says how many.
func incidentDocuments(incs []model.Incident, perDocument int) ([]byte, int, error) {
	var buf bytes.Buffer
	docs := 0
	for start := 0; start < len(incs); start += perDocument {
		if docs > 0 {
			buf.WriteString("---\n")
		}
		if err := incidents.WriteYAML(&buf, incs[start:min(start+perDocument, len(incs))]); err != nil {
			return nil, 0, err
		}
		docs++
	}
	return buf.Bytes(), docs, nil
}

// writeImport writes data to the file out, or to w when out is "".
func writeImport(w io.Writer, out string, data []byte) error {
	if out != "" {
		return os.WriteFile(out, data, 0o644)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}
