package incidents_test

import (
	"math"
	"path/filepath"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
)

// dataDir holds the shared data sets, outside the repository.
const dataDir = "../../../../shared/data"

// read reads a shared data set as backstop import incidents does.
func read(t testing.TB, rel string) []model.Incident {
	t.Helper()
	path := filepath.Join(dataDir, rel)
	datatest.Need(t, path)
	res, _, err := all.Read(path, "", nil, feeds.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Incidents
}

// decoded loads documents and returns their incidents, failing on any
// diagnostic, and whether internal/load's fast path read them all.
func decoded(t testing.TB, src []byte) ([]model.Incident, bool) {
	t.Helper()
	set, ds := load.Bytes("in.yaml", src)
	if len(ds) != 0 {
		t.Fatalf("%v", ds)
	}
	fast := true
	for _, d := range set.Docs {
		if d.Node("incidents[0]") != nil { // the fast path records no incident's node
			fast = false
		}
	}
	return set.Incidents(), fast
}

// normal is an incident as written and read back: its time in UTC, no
// empty fields.
func normal(incs []model.Incident) []model.Incident {
	out := make([]model.Incident, len(incs))
	for i, inc := range incs {
		inc.Time = model.Timestamp{Time: inc.Time.UTC()}
		inc.Fields, inc.Columns = inc.FieldMap(), model.Columns{} // read back as a map
		if len(inc.Fields) == 0 {
			inc.Fields = nil
		}
		out[i] = inc
	}
	return out
}

// TestCompactRealData writes real VIINA, ACLED and UCDP incidents in both
// forms: each reads back as the incidents written, field by field, the
// compact form through internal/load's fast path, and the YAML reader
// (what backstop monitor and import read) gives the same from both.
func TestCompactRealData(t *testing.T) {
	for _, rel := range []string{
		"viina/viina_incidents_202407.csv.gz",
		"acled-ukraine-sample/ACLED-Ukraine.csv",
		"ucdp-ged-ukraine/UCDP-Ukraine.csv",
	} {
		t.Run(filepath.Dir(rel), func(t *testing.T) {
			incs := read(t, rel)
			compact, docs, err := incidents.DocumentsAs(incidents.FormCompact, incs, 1000)
			if err != nil {
				t.Fatal(err)
			}
			yamlForm, ydocs, err := incidents.DocumentsAs(incidents.FormYAML, incs, 1000)
			if err != nil || docs != ydocs {
				t.Fatalf("%v; %d documents, %d in YAML", err, docs, ydocs)
			}
			fromCompact, fast := decoded(t, compact)
			fromYAML, _ := decoded(t, yamlForm)
			if !fast {
				t.Error("the compact form did not take the fast path")
			}
			want := normal(incs)
			for i := range want {
				if !reflect.DeepEqual(fromCompact[i], want[i]) || !reflect.DeepEqual(fromYAML[i], want[i]) {
					t.Fatalf("incident %d:\n compact %+v\n yaml    %+v\n written %+v", i, fromCompact[i], fromYAML[i], want[i])
				}
			}
			if len(fromCompact) != len(want) || len(fromYAML) != len(want) {
				t.Fatalf("%d and %d incidents read, %d written", len(fromCompact), len(fromYAML), len(want))
			}
			c, cds := incidents.YAML{}.Read(&feeds.Source{Name: "in.yaml", Data: compact}, feeds.Options{})
			y, yds := incidents.YAML{}.Read(&feeds.Source{Name: "in.yaml", Data: yamlForm}, feeds.Options{})
			if len(cds) != 0 || len(yds) != 0 || !reflect.DeepEqual(c.Incidents, y.Incidents) || !reflect.DeepEqual(c.Summary, y.Summary) {
				t.Errorf("the YAML reader reads the forms otherwise: %v %v %+v %+v", cds, yds, c.Summary, y.Summary)
			}
			t.Logf("%d incidents: %d bytes compact, %d YAML", len(incs), len(compact), len(yamlForm))
		})
	}
}

func TestDocumentsAsUnknownForm(t *testing.T) {
	if _, _, err := incidents.DocumentsAs("xml", nil, 1); err == nil {
		t.Error("no error for an unknown form")
	}
	for _, form := range incidents.Forms {
		if out, docs, err := incidents.DocumentsAs(form, nil, 1); err != nil || len(out) != 0 || docs != 0 {
			t.Errorf("%s of nothing: %q, %d, %v", form, out, docs, err)
		}
	}
}

// FuzzCompactRoundTrip writes a random incident in both forms and loads
// them: the same incident, or the same diagnostics' messages, and the
// compact form through the fast path whenever the incident is valid.
func FuzzCompactRoundTrip(f *testing.F) {
	f.Add("a-1", int64(1719792000), int64(0), "explosion", "UA-14", "Вибух <&> \"q\"\n", "headline", "x\u2028\u0085\x7f", 48.5, 37.9, true, 2)
	f.Add("", int64(0), int64(5), "", "", "", "", "", 91.0, 0.0, true, -1)
	f.Add("\xff", int64(-62135596800), int64(999999999), "t", "\ufeff", "\t", "", "", math.Inf(1), math.NaN(), false, 0)
	f.Fuzz(func(t *testing.T, id string, sec, nsec int64, typ, admin1, location, key, value string, lat, lon float64, coords bool, fatalities int) {
		inc := model.Incident{ID: id, Time: model.Timestamp{Time: time.Unix(sec%(1<<36), nsec%1e9).UTC()}, Type: typ,
			Admin1: admin1, Location: location, Fatalities: fatalities}
		if y := inc.Time.Year(); y < 1 || y > 9999 || math.IsNaN(lat) || math.IsInf(lat, 0) || math.IsNaN(lon) || math.IsInf(lon, 0) {
			return // no document holds such a time or number
		}
		for _, s := range []string{id, typ, admin1, location, key, value} {
			if !utf8.ValidString(s) {
				// The YAML form writes such a string as !!binary, which
				// load reads as its base64 text; the compact form writes
				// U+FFFD for each bad byte, as encoding/json does. The
				// readers give valid UTF-8 only.
				return
			}
		}
		if coords {
			inc.Lat, inc.Lon = &lat, &lon
		}
		if key != "" || value != "" {
			inc.Fields = map[string]string{key: value}
		}
		incs := []model.Incident{inc}
		compact, _, err := incidents.DocumentsAs(incidents.FormCompact, incs, 1)
		if err != nil {
			t.Fatal(err)
		}
		yamlForm, _, err := incidents.DocumentsAs(incidents.FormYAML, incs, 1)
		if err != nil {
			t.Fatal(err)
		}
		cs, cds := load.Bytes("in.yaml", compact)
		ys, yds := load.Bytes("in.yaml", yamlForm)
		if !reflect.DeepEqual(cs.Incidents(), ys.Incidents()) {
			t.Fatalf("incidents:\n compact %+v\n yaml    %+v\n%s\n%s", cs.Incidents(), ys.Incidents(), compact, yamlForm)
		}
		if len(cds) != len(yds) {
			t.Fatalf("diagnostics:\n compact %v\n yaml    %v\n%s\n%s", cds, yds, compact, yamlForm)
		}
		for i := range cds {
			if cds[i].Code != yds[i].Code || cds[i].Summary != yds[i].Summary {
				t.Fatalf("diagnostics:\n compact %v\n yaml    %v\n%s\n%s", cds, yds, compact, yamlForm)
			}
		}
		if len(yds) == 0 {
			got, fast := decoded(t, compact)
			if want := normal(incs); !reflect.DeepEqual(got, want) {
				t.Fatalf("read %+v, wrote %+v", got, want)
			}
			if !fast && id != "" && typ != "" {
				t.Errorf("a valid incident left the fast path:\n%s", compact)
			}
		}
	})
}

// BenchmarkImport measures backstop import incidents on a VIINA month
// (8,113 rows): reading the CSV and writing the documents (read+), and
// writing them alone (write), in the compact and the YAML form.
func BenchmarkImport(b *testing.B) {
	const month = "viina/viina_incidents_202407.csv.gz"
	path := filepath.Join(dataDir, month)
	incs := read(b, month)
	for _, form := range incidents.Forms {
		b.Run("read+"+form, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				res, _, err := all.Read(path, "", nil, feeds.Options{})
				if err != nil {
					b.Fatal(err)
				}
				sel := incidents.Selection{}
				sel.Add(path, res.Incidents)
				if _, _, err := incidents.DocumentsAs(form, sel.Incidents(), 1000); err != nil {
					b.Fatal(err)
				}
				rows += res.Summary.Read
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run("write/"+form, func(b *testing.B) {
			n := 0
			for b.Loop() {
				out, _, err := incidents.DocumentsAs(form, incs, 1000)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(out)))
				n += len(incs)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
