package server

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/acled"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	"github.com/backstop-dev/backstop/internal/feeds/ucdp"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestPackedRoundTrip: incidents of the real feeds come back from the
// record's packed form exactly as they went in, and take a fraction of
// their unpacked size.
func TestPackedRoundTrip(t *testing.T) {
	opts, _, _, err := all.Setup("", "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	read := func(path string, r feeds.Reader) []model.Incident {
		src, err := feeds.Open(path)
		if err != nil {
			t.Skipf("%s not found (../shared sits beside the repository in CI): %v", path, err)
		}
		res, ds := r.Read(src, opts)
		if ds.HasErrors() {
			t.Fatal(ds)
		}
		return res.Incidents
	}
	lat, lon := 50.45, 30.52
	nan := math.NaN()
	for _, tt := range []struct {
		name string
		incs []model.Incident
	}{
		{"viina", readVIINAMonths(t, "viina_incidents_202401.csv.gz")},
		{"acled", read("../../../shared/data/acled-ukraine-sample/ACLED-Ukraine.csv", acled.Reader{})},
		{"ucdp", read("../../../shared/data/ucdp-ged-ukraine/UCDP-Ukraine.csv", ucdp.Reader{})},
		{"edges", []model.Incident{
			{ID: "a", Time: model.Timestamp{Time: time.Date(2025, 9, 1, 3, 4, 5, 6, time.FixedZone("", 3*3600))}, Type: "x"},
			{ID: "", Time: model.Timestamp{Time: time.Unix(-1e10, 0).UTC()}, Lat: &lat, Fatalities: -3},
			{ID: "ü\x00", Time: model.Timestamp{Time: time.Unix(1e11, 999999999).UTC()}, Lon: &lon, Fields: map[string]string{"": "", "k": "\xff"}},
			{ID: "nan", Lat: &nan, Lon: &nan},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.incs) == 0 {
				t.Fatal("no incidents")
			}
			in := newInterner()
			p := pack(in, tt.incs)
			got, err := in.unpack(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.incs) {
				t.Fatalf("%d incidents back, want %d", len(got), len(tt.incs))
			}
			for i := range got {
				samePacked(t, &got[i], &tt.incs[i])
			}
			t.Logf("%d incidents: %.0f bytes each packed, %d strings interned", len(got), float64(len(p.data))/float64(len(got)), len(in.strs))
		})
	}
}

// samePacked fails unless an unpacked incident is the one packed: times
// as instants with the same zone offset, coordinates bit for bit.
func samePacked(t *testing.T, got, want *model.Incident) {
	t.Helper()
	_, go1 := got.Time.Zone()
	_, wo := want.Time.Zone()
	if !got.Time.Equal(want.Time.Time) || go1 != wo || got.Time.Location() == time.UTC != (want.Time.Location() == time.UTC) {
		t.Fatalf("%s: time %v, want %v", want.ID, got.Time, want.Time)
	}
	if !sameFloat(got.Lat, want.Lat) || !sameFloat(got.Lon, want.Lon) {
		t.Fatalf("%s: coordinates differ", want.ID)
	}
	g, w := *got, *want
	g.Time, w.Time, g.Lat, w.Lat, g.Lon, w.Lon = model.Timestamp{}, model.Timestamp{}, nil, nil, nil, nil
	w.Fields, w.Columns = w.FieldMap(), model.Columns{} // a CSV reader's columns unpack as a map
	if len(w.Fields) == 0 {
		w.Fields = nil // an empty map is packed as none
	}
	w.Confidence = nil
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("unpacked\n%+v\nwant\n%+v", g, w)
	}
}

func sameFloat(a, b *float64) bool {
	return (a == nil) == (b == nil) && (a == nil || math.Float64bits(*a) == math.Float64bits(*b))
}

// FuzzPacked: any incident round-trips, and unpacking any bytes returns
// an error or incidents, never a panic.
func FuzzPacked(f *testing.F) {
	f.Add("id", int64(1756684800), int64(5), 3600, "missile_strike", "UA", 50.1, 30.2, true, 4, "headline", "text")
	f.Add("", int64(-1), int64(0), 0, "", "", 0.0, 0.0, false, 0, "", "")
	f.Fuzz(func(t *testing.T, id string, sec, nsec int64, offset int, typ, country string, lat, lon float64, coords bool, fatalities int, key, value string) {
		tm := time.Unix(sec, nsec%1e9).UTC()
		if offset != 0 {
			tm = tm.In(time.FixedZone("", offset%86400))
		}
		inc := model.Incident{ID: id, Time: model.Timestamp{Time: tm}, Type: typ, Country: country, Fatalities: fatalities,
			Fields: map[string]string{key: value}}
		if coords {
			inc.Lat, inc.Lon = &lat, &lon
		}
		in := newInterner()
		p := pack(in, []model.Incident{inc})
		got, err := in.unpack(p, nil)
		if err != nil || len(got) != 1 {
			t.Fatalf("%v, %d incidents", err, len(got))
		}
		samePacked(t, &got[0], &inc)
		// any bytes: no panic
		_, _ = in.unpack(packedIncidents{n: 3, data: []byte(id + typ + value)}, nil)
	})
}
