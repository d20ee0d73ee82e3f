package server

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/store"
)

// finding writes a monitor's finding on the test framework's trigger.
func finding(id, party string) string {
	return fmt.Sprintf(`backstop: v1
kind: Finding
id: %s
framework: %s
party: %s
date: 2025-09-15T08:00:00Z
breach: {trigger: missile-strike, incidents: [i-1]}
status: verified
evidence:
  - {url: "https://example.org/report", note: crater survey}
`, id, testFW, party)
}

// action writes party's action on the test framework's consultation;
// pledges, when not "", is its pledges list.
func action(id, party, act, pledges string) string {
	doc := fmt.Sprintf(`backstop: v1
kind: Action
id: %s
framework: %s
party: %s
date: 2025-09-16
breach: {trigger: missile-strike, incidents: [i-1]}
response: consult-24h
action: %s
`, id, testFW, party, act)
	if pledges != "" {
		doc += "pledges:\n  - {pledge: " + pledges + ", quantity: 5}\n"
	}
	return doc
}

// TestSubmitAccount checks who may file findings and actions, both before
// the document is decoded (precheck) and on the decoded document
// (authorize), and that accepted ones reach the framework's set.
func TestSubmitAccount(t *testing.T) {
	refused := []struct {
		name, signer, doc string
	}{
		{"finding signed by a guarantor for the monitor", "GB", finding("f", "MON")},
		{"finding by a guarantor", "GB", finding("f", "GB")},
		{"finding by the secretariat", "SEC", finding("f", "SEC")},
		{"finding signed by the server's key", "", finding("f", "MON")},
		{"action signed by another guarantor", "FR", action("a", "GB", "convened", "")},
		{"action of a guarantor signed by the secretariat", "SEC", action("a", "GB", "convened", "")},
		{"action of the secretariat signed by a guarantor", "GB", action("a", "SEC", "convened", "")},
		{"action of the secretariat signed by the monitor", "MON", action("a", "SEC", "convened", "")},
		{"action by the monitor", "MON", action("a", "MON", "convened", "")},
		{"action signed by the server's key", "", action("a", "GB", "convened", "")},
	}
	e := newTestServer(t)
	fr := e.srv.rec.framework(testFW)
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			body := e.sign(c.signer, c.doc)
			p := checkProblem(t, e.submit(testFW, body), http.StatusForbidden, "not-allowed")
			if !strings.Contains(p.Detail, "signed") && !strings.Contains(p.Detail, "filed by") {
				t.Errorf("detail %q does not say who may file it", p.Detail)
			}
			// precheck refuses it from the header alone, and authorize on
			// the decoded document.
			signed, err := fr.keyring.Open(body)
			if err != nil {
				t.Fatal(err)
			}
			if p := precheck(testFW, fr.fw, signed, false); p == nil || p.Status != http.StatusForbidden {
				t.Errorf("precheck = %+v, want a refusal", p)
			}
			// (decoded alone: a document of the wrong party does not
			// validate next to the framework)
			set, _ := load.Bytes(submittedName, signed.Text)
			if len(set.Docs) != 1 {
				t.Fatalf("%d documents", len(set.Docs))
			}
			if _, p := authorize(set.Docs[0], testFW, fr.fw, signed, false); p == nil || p.Status != http.StatusForbidden {
				t.Errorf("authorize = %+v, want a refusal", p)
			}
		})
	}

	acc := e.mustSubmit(testFW, e.sign("MON", finding("strike-0914", "MON")))
	if acc.Entry.Signer != "MON" || acc.Entry.Kind != string(model.KindFinding) || acc.Entry.Subject != "missile-strike" ||
		acc.Entry.Date != "2025-09-15" {
		t.Errorf("finding entry %+v", acc.Entry)
	}
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 10)))
	// checked against GB's declaration in force: gb-land is one of its pledges
	r := e.submit(testFW, e.sign("GB", action("gb-jets", "GB", "deployed", "gb-jets")))
	if p := checkProblem(t, r, http.StatusUnprocessableEntity, "invalid-document"); !strings.Contains(p.Detail, `no pledge "gb-jets"`) {
		t.Errorf("detail %q", p.Detail)
	}
	acc = e.mustSubmit(testFW, e.sign("GB", action("gb-deploys", "GB", "deployed", "gb-land")))
	if acc.Entry.Signer != "GB" || acc.Entry.Kind != string(model.KindAction) || acc.Entry.Date != "2025-09-16" {
		t.Errorf("action entry %+v", acc.Entry)
	}
	e.mustSubmit(testFW, e.sign("SEC", action("convened", "SEC", "convened", "")))
	// a new declaration of GB that drops the pledge GB's action fulfils
	dropped := strings.Replace(declaration(testFW, "GB", "2025-09-20", 0, 10), "id: gb-land", "id: gb-troops", 1)
	r = e.submit(testFW, e.sign("GB", dropped))
	if p := checkProblem(t, r, http.StatusUnprocessableEntity, "invalid-document"); !strings.Contains(p.Detail, `no pledge "gb-land"`) {
		t.Errorf("detail %q", p.Detail)
	}
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-20", 0, 20)))
	checkProblem(t, e.submit(testFW, e.sign("MON", strings.Replace(finding("strike-0914", "MON"), "verified", "closed", 1))),
		http.StatusConflict, "id-exists")

	set, _, ds, err := e.srv.rec.loadSet(testFW)
	if err != nil || ds.HasErrors() {
		t.Fatalf("loadSet: %v %v", err, ds)
	}
	if fs := set.Findings(); len(fs) != 1 || fs[0].ID != "strike-0914" {
		t.Errorf("the framework's set has findings %v", fs)
	}
	if as := set.Actions(); len(as) != 2 || as[0].ID != "gb-deploys" || as[1].ID != "convened" {
		t.Errorf("the framework's set has actions %v", as)
	}

	// Restarted on the same store: the start-up check derives the same
	// columns, and the rebuilt record knows the ids taken.
	e.ts.Close()
	e.srv.Close()
	srv, err := restart(t, e.st, Config{Key: e.key})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	if fr := srv.rec.framework(testFW); fr == nil || len(fr.named) != 3 {
		t.Errorf("the rebuilt record names %v", fr.named)
	}
	if set, _, ds, err := srv.rec.loadSet(testFW); err != nil || ds.HasErrors() || len(set.Findings()) != 1 || len(set.Actions()) != 2 {
		t.Errorf("the rebuilt set: %v %v", err, ds)
	}
}

// TestSeedExampleAccount seeds the bundled example's folder, its record of
// findings and actions included: each is accepted, and the framework's
// set holds them.
func TestSeedExampleAccount(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := restart(t, st, Config{Key: newKey(t, "test-server")})
	if err != nil {
		t.Fatal(err)
	}
	want, ds := load.Paths([]string{"../../examples/ukraine-2025"}, nil)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if len(want.Findings()) == 0 || len(want.Actions()) == 0 {
		t.Skip("the example has no findings or actions")
	}
	if _, err := srv.SeedPaths(context.Background(), []string{"../../examples/ukraine-2025"}); err != nil {
		t.Fatalf("SeedPaths: %v", err)
	}
	const id = "ukraine-2025"
	set, _, ds, err := srv.rec.loadSet(id)
	if err != nil || ds.HasErrors() {
		t.Fatalf("loadSet: %v %v", err, ds)
	}
	if len(set.Findings()) != len(want.Findings()) || len(set.Actions()) != len(want.Actions()) {
		t.Errorf("the framework's set has %d findings and %d actions; the example %d and %d",
			len(set.Findings()), len(set.Actions()), len(want.Findings()), len(want.Actions()))
	}
}
