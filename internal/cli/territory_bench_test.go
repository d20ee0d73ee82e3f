package cli

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/territory"
)

// terrReference holds the 131 reference rows (from,to dates and the
// curator's expected values) that internal/territory's
// TestChangesAgainstExpected checks; the benchmarks diff the same pairs.
const terrReference = "../shared/data/deepstate/changes_computed.csv"

// BenchmarkTerritoryReference diffs the 131 reference rows, in total
// ("totals") and split by oblast ("by-oblast"), two ways, each op reading
// and preparing every snapshot anew: "cli" through cli.Main, as
// `backstop territory diff --pairs changes_computed.csv` runs in one
// process, and "library" through internal/territory directly. The two
// should be within a few per cent: what the CLI adds is reading the CSV and
// formatting 131 lines. docs/territory.md has the figures, and those of a
// process per pair.
func BenchmarkTerritoryReference(b *testing.B) {
	b.Chdir("../..")
	for _, p := range []string{terrReference, terrOblasts} {
		if _, err := os.Stat(p); err != nil {
			b.Skipf("%s is absent: the benchmark needs the shared data sets next to the repository", p)
		}
	}
	rows := terrReferenceRows(b)
	for _, byOblast := range []bool{false, true} {
		name, args := "totals", []string{"territory", "diff", "--pairs", terrReference}
		if byOblast {
			name, args = "by-oblast", append(args, "--oblasts", terrOblasts)
		}
		b.Run(name+"/cli", func(b *testing.B) {
			for b.Loop() {
				if exit := Main(args, strings.NewReader(""), io.Discard, io.Discard); exit != ExitOK {
					b.Fatalf("exit %d", exit)
				}
			}
		})
		b.Run(name+"/library", func(b *testing.B) {
			for b.Loop() {
				terrReferenceLibrary(b, rows, byOblast)
			}
		})
	}
}

// terrReferenceRows reads the from,to dates of the reference rows.
func terrReferenceRows(b *testing.B) [][2]string {
	f, err := os.Open(terrReference)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil || len(records) != 132 || records[0][0] != "from" || records[0][1] != "to" {
		b.Fatalf("%s: %v, %d records; want a header from,to,… and 131 rows", terrReference, err, len(records))
	}
	var rows [][2]string
	for _, r := range records[1:] {
		rows = append(rows, [2]string{r[0], r[1]})
	}
	return rows
}

// terrReferenceLibrary is what the library needs for the reference rows:
// load each snapshot once (by date), the oblasts when split by them, and
// diff each pair; the results are dropped.
func terrReferenceLibrary(b *testing.B, rows [][2]string, byOblast bool) {
	var table *oblast.Table
	if byOblast {
		var err error
		if table, err = oblast.Load(terrOblasts); err != nil {
			b.Fatal(err)
		}
	}
	dir := filepath.Dir(terrReference)
	snaps := map[string]*territory.Snapshot{}
	load := func(date string) *territory.Snapshot {
		if s, ok := snaps[date]; ok {
			return s
		}
		s, err := territory.LoadSnapshot(filepath.Join(dir, "deepstatemap_data_"+strings.ReplaceAll(date, "-", "")+".geojson"))
		if err != nil {
			b.Fatal(err)
		}
		snaps[date] = s
		return s
	}
	for _, r := range rows {
		territory.Diff(load(r[0]), load(r[1]), table)
	}
}
