package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
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

The documents go to standard output, or to --out: at most --per-document
incidents each, in time order, so that each fits a server's --max-body.
An incident id given twice (the same file twice, say) is kept once, with a
warning. They are YAML in the compact form, one incident a line as a JSON
object, which any backstop reads as it reads the YAML form, many times
faster (docs/language.md); --format yaml writes one field a line.

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
  --format FORM        compact (the default: one incident a line) or yaml
  --out FILE           write the documents to FILE instead of standard output

Examples:
  backstop import incidents ../shared/data/viina/viina_incidents_202407.csv.gz --out july.yaml
  backstop submit july.yaml --key examples/ukraine-2025/keys/MON.key --server http://127.0.0.1:8080

Exit codes:
  0  imported (warnings allowed)
  1  rows with errors (--strict); what could be read is still written
  2  usage error, or a file that could not be read or written
`

type importIncidentsParams struct {
	paths                                     []string
	inputFormat, mapping, categories, oblasts string
	from, to                                  time.Time // zero when not given
	perDocument                               int
	strict, noFields                          bool
	out, format                               string
}

func runImportIncidents(args []string, s Streams) int {
	fs := flag.NewFlagSet("import incidents", flag.ContinueOnError)
	var p importIncidentsParams
	var since, until string
	fs.StringVar(&p.inputFormat, "input-format", "", "format")
	fs.StringVar(&p.mapping, "mapping", "", "mapping file")
	fs.StringVar(&p.categories, "categories", "", "category overrides")
	fs.StringVar(&p.oblasts, "oblasts", "", "oblast.geojson")
	fs.StringVar(&since, "since", "", "start")
	fs.StringVar(&until, "until", "", "end")
	fs.IntVar(&p.perDocument, "per-document", 1000, "incidents per document")
	fs.BoolVar(&p.noFields, "no-fields", false, "leave out extra columns")
	fs.BoolVar(&p.strict, "strict", false, "skipped rows are errors")
	fs.StringVar(&p.out, "out", "", "output file")
	fs.StringVar(&p.format, "format", incidents.FormCompact, "output form")
	paths, exit, ok := parseFlags(fs, args, importIncidentsUsage, s)
	if !ok {
		return exit
	}
	p.paths = paths
	usage := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop import incidents: "+format+"\n", a...)
		return ExitUsage
	}
	if len(paths) == 0 {
		return usage("no FILE given\n\n%s", importIncidentsUsage)
	}
	if !slices.Contains(incidents.Forms, p.format) {
		return usage("--format %q: expected %s", p.format, strings.Join(incidents.Forms, " or "))
	}
	if p.perDocument < 1 {
		return usage("--per-document must be at least 1, not %d", p.perDocument)
	}
	var err error
	if p.from, err = parseInstant(since); err != nil {
		return usage("--since: %v", err)
	}
	if p.to, err = parseInstant(until); err != nil {
		return usage("--until: %v", err)
	}
	if !p.from.IsZero() && !p.to.IsZero() && !p.from.Before(p.to) {
		return usage("--since %s is not before --until %s", since, until)
	}
	return importIncidents(p, s)
}

func importIncidents(p importIncidentsParams, s Streams) int {
	failed := false
	report := func(ds diag.Diagnostics) {
		writeDiagnosticsText(s.Err, ds)
		failed = failed || ds.HasErrors()
	}
	opts, reader, code := feedSetup("import incidents", p.categories, p.mapping, p.oblasts, p.strict, s, report)
	if code != ExitOK {
		return code
	}
	opts.Stdin = s.In
	list, err := feeds.Expand(p.paths)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop import incidents: %s\n", ioMessage(err))
		return ExitUsage
	}
	sel := incidents.Selection{From: p.from, Until: p.to, NoFields: p.noFields}
	for _, path := range list {
		res, ds, err := all.Read(path, p.inputFormat, reader, opts)
		report(ds)
		if err != nil {
			fmt.Fprintf(s.Err, "backstop import incidents: %v\n", err)
			return ExitUsage
		}
		kept, dups := sel.Add(path, res.Incidents)
		report(dups)
		render.ImportFeedSummary(s.notes(), path, res.Summary, kept)
	}
	if n := sel.Duplicates(); n > incidents.NamedDuplicates {
		render.ImportDuplicates(s.Err, n-incidents.NamedDuplicates)
	}
	incs := sel.Incidents()
	docs, err := writeIncidents(s.Out, p.out, func(w io.Writer) (int, error) {
		return incidents.WriteDocuments(w, p.format, incs, p.perDocument)
	})
	if err != nil {
		fmt.Fprintf(s.Err, "backstop import incidents: %v\n", err)
		return ExitUsage
	}
	render.ImportWritten(s.notes(), incs, docs, p.out)
	if failed {
		return ExitInvalid
	}
	return ExitOK
}

// writeIncidents runs write on the file out (created, or truncated), or
// on w when out is "", a document at a time rather than all in memory.
func writeIncidents(w io.Writer, out string, write func(io.Writer) (int, error)) (int, error) {
	if out == "" {
		docs, err := write(w)
		if err != nil {
			return 0, fmt.Errorf("writing the output: %w", err)
		}
		return docs, nil
	}
	f, err := os.Create(out)
	if err != nil {
		return 0, err
	}
	docs, err := write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return docs, err
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
