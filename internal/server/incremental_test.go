package server

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/store"
)

// TestIncrementalMonitoring: after each new Incidents entry the server's
// monitoring view, computed incrementally, is identical to the one a
// server computes from scratch over the same record (the report, the
// parties' record and the map layer), whether the entry is the next day's
// reports, reports a few days late, or one a month late (which starts the
// run again). The record is two real VIINA months, moved after the
// example's ceasefire, with the example's corroboration rules stored.
func TestIncrementalMonitoring(t *testing.T) {
	base := readVIINAMonths(t, "viina_incidents_202401.csv.gz", "viina_incidents_202402.csv.gz")
	r, notes := recordOf(t, base[:len(base)-3000], len(base)-3000)
	rules, err := os.ReadFile(filepath.Join("..", "..", "examples", "corroboration", "viina-artillery.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rulesNote := signWith(t, scaleKey(t), rules)
	if err := r.apply(store.Entry{Index: int64(len(r.entries)), LeafHash: tlog.RecordHash(rulesNote), Note: rulesNote,
		Kind: string(model.KindCorroboration), Framework: "ukraine-2025"}, decoded{}); err != nil {
		t.Fatal(err)
	}
	fr := r.framework("ukraine-2025")
	srv := &Server{rec: r, cfg: Config{Timeout: time.Minute}}
	const quiet = 72 * time.Hour
	if _, err := srv.monitor(context.Background(), fr, quiet); err != nil {
		t.Fatal(err)
	}
	shift := func(incs []model.Incident) []model.Incident {
		out := make([]model.Incident, len(incs))
		for i, inc := range incs {
			inc.Time = model.Timestamp{Time: inc.Time.AddDate(4, 0, 0)}
			inc.ID += "~1"
			out[i] = inc
		}
		return out
	}
	rest := shift(base[len(base)-3000:])
	late := slices.Clone(rest[1500:1510]) // a few days before the latest of rest[:2500]
	for i := range late {
		late[i].ID += "-again"
	}
	monthLate := shift(base[:1])
	monthLate[0].ID += "-again"
	for _, tt := range []struct {
		name    string
		incs    []model.Incident
		restart bool
	}{
		{"the next reports", rest[:1000], false},
		{"more of them", rest[1000:2500], false},
		{"reports a few days late", late, false},
		{"the rest", rest[2500:], false},
		{"a report two months late", monthLate, true},
	} {
		before := fr.views.runs[quiet]
		appendIncidents(t, r, notes, tt.incs)
		got, err := srv.monitor(context.Background(), fr, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if restarted := fr.views.runs[quiet] != before; restarted != tt.restart {
			t.Errorf("%s: the run started again: %t, want %t", tt.name, restarted, tt.restart)
		}
		fresh := &Server{rec: r, cfg: Config{Timeout: time.Minute}}
		saved := fr.views.runs
		fr.views.runs = nil
		want, err := fresh.monitor(context.Background(), fr, quiet)
		fr.views.runs = saved
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.report.raw, want.report.raw) || !bytes.Equal(got.record.raw, want.record.raw) {
			t.Fatalf("%s: the incremental view differs from a full one", tt.name)
		}
		gf, wf := firedBy(got.firings), firedBy(want.firings)
		if !reflect.DeepEqual(gf, wf) || got.documents != want.documents || len(gf) == 0 {
			t.Fatalf("%s: %d incidents fired incrementally, %d in a full run", tt.name, len(gf), len(wf))
		}
		gl := layerOf(t, srv, fr, got)
		wl := layerOf(t, srv, fr, want)
		if !bytes.Equal(gl, wl) {
			t.Fatalf("%s: the map layers differ", tt.name)
		}
	}
}

func layerOf(t *testing.T, srv *Server, fr *frameworkRecord, mv *monitorView) []byte {
	t.Helper()
	mv.version = -time.Now().UnixNano() // not cached: each view's own layer
	fr.views.layers = cache[time.Duration, *encoded]{}
	fr.views.layers.limit = 1
	l, err := srv.mapLayer(context.Background(), fr, 72*time.Hour, mv)
	if err != nil {
		t.Fatal(err)
	}
	return l.raw
}
