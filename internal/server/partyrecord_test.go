package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/examples"
	"github.com/backstop-dev/backstop/internal/datatest"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/feeds/all"
	incfeed "github.com/backstop-dev/backstop/internal/feeds/incidents"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/monitor"
	"github.com/backstop-dev/backstop/internal/oblast"
	partyrec "github.com/backstop-dev/backstop/internal/record"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
	"github.com/backstop-dev/backstop/internal/watch"
)

// The bundled example's folder (its findings and actions in
// record/history.yaml), and incidents that decide the breaches those
// findings and actions are matched to: the CLI's four test incidents (one
// breach, every response overdue), and the daily missile reports the
// history was written against (every state: on time, late, declined,
// pending, overdue, and not due on a rejected breach).
const (
	exampleDir       = "../../examples/ukraine-2025"
	exampleFW        = "ukraine-2025"
	exampleIncidents = "../cli/testdata/incidents.jsonl"
	missileReports   = "../../../shared/data/missile-attacks/missile_attacks_daily.csv"
)

// newExampleServer starts a server seeded with the bundled example, as
// `backstop serve` seeds an empty record, and submits the incidents of
// the file at path, signed by the example's monitor (MON.key).
func newExampleServer(t *testing.T, path string) *testEnv {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t, "test-server")
	srv, err := New(ctx, st, Config{Key: key, Timeout: time.Minute})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		srv.Close()
		if err := st.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	})
	files := map[string][]byte{}
	err = fs.WalkDir(examples.Ukraine2025, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[p], err = examples.Ukraine2025.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := SeedFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Seed(ctx, docs); err != nil {
		t.Fatal(err)
	}
	mon, err := signing.ReadKeyPair(filepath.Join(exampleDir, "keys", "MON.key"))
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{tb: t, srv: srv, ts: ts, st: st, key: key, keys: map[string]signing.KeyPair{"MON": mon}}
	res, ds, err := all.Read(path, "", nil, feeds.Options{Oblasts: oblast.New()})
	if err != nil || ds.HasErrors() {
		t.Fatalf("reading %s: %v %v", path, err, ds)
	}
	for start := 0; start < len(res.Incidents); start += 1000 {
		var doc bytes.Buffer
		if err := incfeed.WriteYAML(&doc, res.Incidents[start:min(start+1000, len(res.Incidents))]); err != nil {
			t.Fatal(err)
		}
		signed, err := signing.Sign(doc.Bytes(), mon.Signer)
		if err != nil {
			t.Fatal(err)
		}
		e.mustSubmit(exampleFW, signed)
	}
	return e
}

// monitoredStates is the part of the monitoring the record counts: each
// breach's status, and each party's state on each of its responses.
type monitoredStates struct {
	Episodes []struct {
		Status    string `json:"status"`
		Responses []struct {
			Parties []struct {
				Party string `json:"party"`
				State string `json:"state"`
			} `json:"parties"`
		} `json:"responses"`
	} `json:"episodes"`
}

// TestPartyRecord reads /record on the bundled example with the CLI's test
// incidents and, when the shared data sets are present, with the daily
// missile reports (checkPartyRecord).
func TestPartyRecord(t *testing.T) {
	t.Run("test incidents", func(t *testing.T) { checkPartyRecord(t, exampleIncidents, false) })
	t.Run("missile reports", func(t *testing.T) {
		datatest.Need(t, missileReports)
		checkPartyRecord(t, missileReports, true)
	})
}

// checkPartyRecord serves the bundled example with the incidents of path
// and reads /record: it is the record `backstop record` keeps over the
// same documents and incidents, byte for byte; each party's counts are
// those of /monitoring's episodes (the states of its responses on
// breaches not rejected, and those on rejected ones as not due) and add
// up (due = on time + late + declined + pending + overdue); every
// guarantor has one; the rule is written in it; it comes from the very
// run /monitoring and /map/incidents serve (one computation for the
// three); it carries an ETag that answers 304, and another ?quiet is
// another run. everyState asks for every state to be counted somewhere.
func checkPartyRecord(t *testing.T, path string, everyState bool) {
	e := newExampleServer(t, path)
	fr := e.srv.rec.framework(exampleFW)
	fr.views.init()
	var runs atomic.Int32
	fr.views.monitoring.computed = func(time.Duration, error) { runs.Add(1) }

	base := "/v1/frameworks/" + exampleFW
	rec := e.get(base+"/record", nil)
	got := decodeJSON[partyrec.Record](t, rec)
	var mon monitoredStates
	if err := json.Unmarshal(decodeJSON[json.RawMessage](t, e.get(base+"/monitoring", nil)), &mon); err != nil {
		t.Fatal(err)
	}
	if r := e.get(base+"/map/incidents", nil); r.status != http.StatusOK {
		t.Fatalf("/map/incidents: %v", r)
	}
	if n := runs.Load(); n != 1 {
		t.Errorf("/record, /monitoring and /map/incidents ran the pipeline %d times, want once", n)
	}

	// The CLI's record over the same documents and incidents.
	res, err := watch.Run(watch.Request{Paths: []string{exampleDir}, Incidents: []string{path}, Quiet: defaultQuiet}, watch.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	var cli bytes.Buffer
	if err := render.RecordJSON(&cli, monitor.Records(res.Report, res.Framework)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rec.body, cli.Bytes()) {
		t.Errorf("the server's record differs from `backstop record --format json`'s:\nserver: %s\ncli:    %s", rec.body, cli.Bytes())
	}

	if got.FormatVersion != partyrec.FormatVersion || got.Framework != exampleFW || got.Rule != partyrec.Rule || got.AsOf.IsZero() {
		t.Errorf("record header: format_version %d, framework %q, as_of %v, rule %q", got.FormatVersion, got.Framework, got.AsOf, got.Rule)
	}
	if len(mon.Episodes) == 0 {
		t.Fatal("the test incidents make no breach: the record has nothing to count")
	}
	// The counts /monitoring's episodes give, party by party.
	type counts struct{ due, onTime, late, declined, pending, overdue, notDue int }
	want := map[string]*counts{}
	for _, ep := range mon.Episodes {
		for _, resp := range ep.Responses {
			for _, p := range resp.Parties {
				c := want[p.Party]
				if c == nil {
					c = &counts{}
					want[p.Party] = c
				}
				if ep.Status == "rejected" || p.State == "not-due" {
					c.notDue++
					continue
				}
				c.due++
				switch p.State {
				case "on-time":
					c.onTime++
				case "late":
					c.late++
				case "declined":
					c.declined++
				case "pending":
					c.pending++
				default:
					c.overdue++
				}
			}
		}
	}
	guarantors := res.Framework.PartiesWithRole(model.Guarantor)
	seen := map[string]bool{}
	var total counts
	for _, p := range got.Parties {
		seen[p.Party] = true
		total.due += p.Due
		total.onTime += p.OnTime
		total.late += p.Late
		total.declined += p.Declined
		total.pending += p.Pending
		total.overdue += p.Overdue
		total.notDue += p.NotDue
		if sum := p.OnTime + p.Late + p.Declined + p.Pending + p.Overdue; sum != p.Due {
			t.Errorf("%s: due %d, but on time %d + late %d + declined %d + pending %d + overdue %d = %d",
				p.Party, p.Due, p.OnTime, p.Late, p.Declined, p.Pending, p.Overdue, sum)
		}
		w := want[p.Party]
		if w == nil {
			// A guarantor with nothing due, or a party there for its
			// commitments only (the adversary), has no response.
			if !(slices.Contains(guarantors, p.Party) || len(p.Commitments) > 0) || p.Due+p.NotDue != 0 {
				t.Errorf("%s: in the record (due %d, not due %d) with no response in the monitoring", p.Party, p.Due, p.NotDue)
			}
			continue
		}
		if g := (counts{p.Due, p.OnTime, p.Late, p.Declined, p.Pending, p.Overdue, p.NotDue}); g != *w {
			t.Errorf("%s: record %+v, the monitoring's responses %+v", p.Party, g, *w)
		}
		if p.Grade == "" || (p.Score == nil) != (p.Grade == partyrec.NoGrade) {
			t.Errorf("%s: grade %q with score %v", p.Party, p.Grade, p.Score)
		}
	}
	for party := range want {
		if !seen[party] {
			t.Errorf("%s has responses in the monitoring and no record", party)
		}
	}
	for _, g := range guarantors {
		if !seen[g] {
			t.Errorf("guarantor %s has no record", g)
		}
	}
	if total.due == 0 {
		t.Error("no response is due in the record")
	}
	if everyState && (total.onTime == 0 || total.late == 0 || total.declined == 0 || total.pending == 0 || total.overdue == 0 || total.notDue == 0) {
		t.Errorf("a state is counted nowhere: %+v", total)
	}
	t.Logf("%d breaches; %d parties; totals %+v", len(mon.Episodes), len(got.Parties), total)

	// Cached and tagged as /monitoring is.
	etag := rec.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on /record")
	}
	if r := e.do(http.MethodGet, base+"/record", nil, http.Header{"If-None-Match": {etag}}); r.status != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %d, want 304", etag, r.status)
	}
	if r := e.get(base+"/record", nil); r.header.Get("ETag") != etag || !bytes.Equal(r.body, rec.body) {
		t.Errorf("a second /record: ETag %s, want %s", r.header.Get("ETag"), etag)
	}
	if n := runs.Load(); n != 1 {
		t.Errorf("the pipeline ran %d times, want once: the record is cached", n)
	}
	decodeJSON[partyrec.Record](t, e.get(base+"/record?quiet=24h", nil))
	if n := runs.Load(); n != 2 {
		t.Errorf("?quiet=24h: the pipeline ran %d times in all, want 2", n)
	}
}

// TestPartyRecordAccess checks that /record refuses what /monitoring
// refuses, with the same problem: an unsigned request on a framework
// readable by its parties only, one signed by a key no party has, and a
// quiet period out of bounds; and that a party reads both.
func TestPartyRecordAccess(t *testing.T) {
	e := newTestServer(t)
	e.mustSubmit(testFW, e.sign("MON", incidents("i-1")))
	stranger := newKey(t, "GB")
	gb := e.keys["GB"]
	base := "/v1/frameworks/" + testFW
	for _, c := range []struct {
		name, query string
		key         *signing.KeyPair
		status      int
		slug        string
	}{
		{"unsigned", "", nil, http.StatusUnauthorized, "sign-in"},
		{"signed by a stranger", "", &stranger, http.StatusForbidden, "not-allowed"},
		{"bad quiet", "?quiet=soon", &gb, http.StatusBadRequest, "bad-parameter"},
		{"no such framework", "", &gb, http.StatusNotFound, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := base
			if c.status == http.StatusNotFound {
				b = "/v1/frameworks/nope"
			}
			m := checkProblem(t, e.get(b+"/monitoring"+c.query, c.key), c.status, c.slug)
			r := checkProblem(t, e.get(b+"/record"+c.query, c.key), c.status, c.slug)
			if m.Type != r.Type || m.Title != r.Title {
				t.Errorf("/record's problem %+v, /monitoring's %+v", r, m)
			}
		})
	}
	rec := decodeJSON[partyrec.Record](t, e.get(base+"/record", &gb))
	if rec.Framework != testFW || rec.Rule != partyrec.Rule {
		t.Errorf("record %+v", rec)
	}
	for _, g := range []string{"FR", "GB"} {
		if !slices.ContainsFunc(rec.Parties, func(p partyrec.Party) bool { return p.Party == g && p.Role == string(model.Guarantor) }) {
			t.Errorf("guarantor %s missing from %+v", g, rec.Parties)
		}
	}
}
