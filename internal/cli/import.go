package cli

import (
	"bytes"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/backstop-dev/backstop/internal/importer"
	"github.com/backstop-dev/backstop/internal/importer/kiel"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/numfmt"
	"github.com/backstop-dev/backstop/internal/render"
)

const importUsage = `Usage: backstop import kiel FILE --framework ID [--with-framework] [--out FILE]
       backstop import incidents FILE... [flags]   (see backstop import incidents --help)

Turns a public data set of pledges into backstop Declarations, one per
donor, written as YAML that validates with the framework it names; or
incident feeds into Incidents documents.

Sources:
  kiel   the Kiel Institute's Ukraine Support Tracker (data_explorer.csv):
         aid to Ukraine committed and allocated per donor and month, in EUR
         billion. Each donor declares layer-1 pledges in EUR-bn: <p>-military
         (equipment), <p>-financial and <p>-to-be-allocated (funding), whose
         quantities sum to its commitments and whose deliveries sum to its
         allocations (docs/import.md).
  incidents  incident feeds (ACLED, UCDP, VIINA, FIRMS, the missile and
         alert reports, JSON Lines, mapped CSV) as Incidents documents for
         a server: backstop import incidents --help.

FILE is the data set; "-" reads standard input. The YAML goes to standard
output, or to --out. Every problem is printed to standard error as
  FILE:LINE:COL: error: message
followed by a summary line; a row with an error is skipped and the rest is
imported.

Flags:
  --framework ID     the framework the declarations are made to (required)
  --with-framework   first write a minimal Framework with that id (every
                     imported donor a guarantor, UA the beneficiary, no
                     requirements), so that the output validates on its own
  --out FILE         write the YAML to FILE instead of standard output

Examples:
  backstop import kiel ../shared/data/kiel-ust/data_explorer.csv --framework kiel --with-framework > kiel.yaml
  backstop validate kiel.yaml
  backstop import incidents ../shared/data/viina/viina_incidents_202307.csv.gz --out july.yaml
  backstop validate examples/ukraine-2025 july.yaml

Exit codes:
  0  imported (warnings allowed)
  1  the data set has errors; what could be imported is still written
  2  usage error, or a file that could not be read or written
`

// importSources are the data sets backstop import knows.
var importSources = []string{"kiel", "incidents"}

type importParams struct {
	source, file  string
	framework     string
	withFramework bool
	out           string
}

func runImport(args []string, s Streams) int {
	if len(args) > 0 && args[0] == "incidents" {
		return runImportIncidents(args[1:], s)
	}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	p := importParams{}
	fs.StringVar(&p.framework, "framework", "", "the framework the declarations are made to")
	fs.BoolVar(&p.withFramework, "with-framework", false, "first write a minimal framework")
	fs.StringVar(&p.out, "out", "", "write the YAML to this file")
	positional, exit, ok := parseFlags(fs, args, importUsage, s)
	if !ok {
		return exit
	}
	usageError := func(format string, args ...any) int {
		fmt.Fprintf(s.Err, "backstop import: "+format+"\n", args...)
		fmt.Fprintln(s.Err, "Run 'backstop import --help' for usage.")
		return ExitUsage
	}
	known := strings.Join(importSources, ", ")
	switch {
	case len(positional) == 0:
		fmt.Fprintf(s.Err, "backstop import: no source given; known sources: %s\n\n%s", known, importUsage)
		return ExitUsage
	case positional[0] == "incidents":
		return usageError("the source comes first: backstop import incidents FILE... [flags]")
	case !slices.Contains(importSources, positional[0]):
		return usageError("unknown source %q; known sources: %s", positional[0], known)
	case len(positional) == 1:
		return usageError("no FILE given for %s", positional[0])
	case len(positional) > 2:
		return usageError("too many arguments: %s", strings.Join(positional[2:], " "))
	case p.framework == "":
		return usageError("--framework ID is required: the framework the declarations are made to")
	case !model.ValidSlug(p.framework):
		return usageError("--framework %q is not a framework id (lower-case letters, digits and single dashes, such as ukraine-2025)", p.framework)
	}
	p.source, p.file = positional[0], positional[1]

	in, name, closeIn, ds := importer.Open(p.file, s.In)
	if ds != nil {
		writeDiagnosticsText(s.Err, ds)
		return ExitUsage
	}
	defer closeIn()
	res, ds := kiel.Import(name, in, kiel.Options{FrameworkID: p.framework, WithFramework: p.withFramework})
	writeDiagnosticsText(s.Err, ds)
	if code := exitCode(ds); code == ExitUsage {
		return code
	}
	written := "nothing written"
	if len(res.Declarations) > 0 {
		var buf bytes.Buffer
		if err := res.WriteYAML(&buf); err != nil {
			fmt.Fprintf(s.Err, "backstop import: writing YAML: %v\n", err)
			return ExitUsage
		}
		if err := writeImport(s.Out, p.out, buf.Bytes()); err != nil {
			fmt.Fprintf(s.Err, "backstop import: %v\n", err)
			return ExitUsage
		}
		written = ""
		if p.out != "" {
			written = "written to " + p.out
		}
	}
	render.ImportSummary(s.Err, res, ds, written)
	return exitCode(ds)
}

// thousands writes n with thousands separators (1,079), as every view
// does: numfmt's, through internal/render. It stays for TestThousands.
func thousands(n int) string { return numfmt.Number(float64(n), 0) }
