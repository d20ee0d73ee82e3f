package server

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestSubmit checks who may submit what, and how each refusal is told.
// Every row gets a fresh server; before submits what the row needs in the
// record first (each must be accepted).
func TestSubmit(t *testing.T) {
	gb1 := declaration(testFW, "GB", "2025-09-01", 0, 10)
	tests := []struct {
		name        string
		cfg         envConfig
		fw          string                               // framework of the URL; testFW when ""
		contentType string                               // api.NoteType when ""
		before      func(e *testEnv)                     // submissions that must be accepted first
		body        func(e *testEnv) []byte              // the submission
		status      int                                  // expected status
		slug        string                               // problem type, for a refusal
		check       func(*testing.T, *testEnv, response) // further checks
	}{
		{
			name:   "declaration signed by its party",
			body:   func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status: http.StatusCreated,
			check: func(t *testing.T, e *testEnv, r response) {
				acc := decodeJSON[api.Accepted](t, r)
				if acc.Entry.Index != 1 || acc.Entry.Signer != "GB" || acc.Entry.Key != e.keys["GB"].ID() ||
					acc.Entry.Kind != string(model.KindDeclaration) || acc.Entry.Subject != "GB" || acc.Entry.Date != "2025-09-01" {
					t.Errorf("entry %+v", acc.Entry)
				}
				if acc.Entry.Note == nil || *acc.Entry.Note != string(e.sign("GB", gb1)) {
					t.Errorf("the entry does not hold the signed document as submitted")
				}
				if acc.Checkpoint.Size != 2 || acc.Checkpoint.Note == "" {
					t.Errorf("checkpoint %+v, want size 2 with its note", acc.Checkpoint)
				}
				if loc := r.header.Get("Location"); loc != "/v1/log/entries/1" {
					t.Errorf("Location %q", loc)
				}
			},
		},
		{
			name:        "media type with parameters",
			contentType: "text/plain; charset=utf-8",
			body:        func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status:      http.StatusCreated,
		},
		{
			name: "declaration co-signed by another party",
			body: func(e *testEnv) []byte {
				return signWith(e.tb, e.keys["GB"], e.sign("FR", gb1))
			},
			status: http.StatusCreated,
			check: func(t *testing.T, e *testEnv, r response) {
				if acc := decodeJSON[api.Accepted](t, r); acc.Entry.Signer != "GB" {
					t.Errorf("signer %q, want GB (the declaring party)", acc.Entry.Signer)
				}
			},
		},
		{
			name:   "declaration signed by another party",
			body:   func(e *testEnv) []byte { return e.sign("FR", gb1) },
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name:   "declaration signed by the server's key",
			body:   func(e *testEnv) []byte { return e.sign("", gb1) },
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name:   "unsigned",
			body:   func(e *testEnv) []byte { return []byte(gb1) },
			status: http.StatusUnauthorized, slug: "unsigned",
		},
		{
			name:   "empty body",
			body:   func(e *testEnv) []byte { return []byte{} },
			status: http.StatusUnauthorized, slug: "unsigned",
		},
		{
			name: "text changed after signing",
			body: func(e *testEnv) []byte {
				return bytes.Replace(e.sign("GB", gb1), []byte("quantity: 10,"), []byte("quantity: 99,"), 1)
			},
			status: http.StatusUnauthorized, slug: "bad-signature",
		},
		{
			name:   "unknown key",
			body:   func(e *testEnv) []byte { return signWith(e.tb, newKey(e.tb, "GB"), []byte(gb1)) },
			status: http.StatusForbidden, slug: "unknown-key",
		},
		{
			name:   "framework update by the secretariat",
			body:   func(e *testEnv) []byte { return e.sign("SEC", e.framework(testFW, "Amended", false)) },
			status: http.StatusCreated,
			check: func(t *testing.T, e *testEnv, r response) {
				acc := decodeJSON[api.Accepted](t, r)
				if acc.Entry.Signer != "SEC" || acc.Entry.Kind != string(model.KindFramework) {
					t.Errorf("entry %+v", acc.Entry)
				}
				info := decodeJSON[api.Framework](t, e.get("/v1/frameworks/"+testFW, &e.key))
				if info.Title != "Amended" || info.Entry != acc.Entry.Index {
					t.Errorf("framework %+v: the update is not in force", info)
				}
			},
		},
		{
			name:   "framework update by a guarantor",
			body:   func(e *testEnv) []byte { return e.sign("GB", e.framework(testFW, "Amended", false)) },
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name:   "framework update by the server's key once the secretariat has keys",
			body:   func(e *testEnv) []byte { return e.sign("", e.framework(testFW, "Amended", false)) },
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name:   "new framework signed by the server's key",
			fw:     "other",
			body:   func(e *testEnv) []byte { return e.sign("", e.framework("other", "Other", true)) },
			status: http.StatusCreated,
			check: func(t *testing.T, e *testEnv, r response) {
				page := decodeJSON[api.Page[api.Framework]](t, e.get("/v1/frameworks", nil))
				if len(page.Items) != 2 || page.Items[1].ID != "other" || !page.Items[1].AnonymousRead {
					t.Errorf("frameworks %+v", page.Items)
				}
			},
		},
		{
			// Only the server's keys sign for a framework not in the record.
			name:   "new framework signed by a party's key",
			fw:     "other",
			body:   func(e *testEnv) []byte { return e.sign("SEC", e.framework("other", "Other", true)) },
			status: http.StatusNotFound, slug: "no-framework",
		},
		{
			name:   "framework submitted under another id",
			fw:     "other",
			body:   func(e *testEnv) []byte { return e.sign("", e.framework(testFW, "Amended", false)) },
			status: http.StatusUnprocessableEntity, slug: "wrong-framework",
		},
		{
			name:   "incidents from the monitor",
			body:   func(e *testEnv) []byte { return e.sign("MON", incidents("i-1")) },
			status: http.StatusCreated,
			check: func(t *testing.T, e *testEnv, r response) {
				if info := decodeJSON[api.Framework](t, e.get("/v1/frameworks/"+testFW, &e.key)); info.Incidents != 1 {
					t.Errorf("framework %+v: want 1 incidents document", info)
				}
			},
		},
		{
			name:   "incidents from a guarantor",
			body:   func(e *testEnv) []byte { return e.sign("GB", incidents("i-1")) },
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name:   "replay of an accepted declaration",
			before: func(e *testEnv) { e.mustSubmit(testFW, e.sign("GB", gb1)) },
			body:   func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status: http.StatusConflict, slug: "duplicate",
			check: func(t *testing.T, e *testEnv, r response) {
				if p := problemOf(t, r); p.Entry == nil || *p.Entry != 1 {
					t.Errorf("problem %+v: want entry 1", p)
				}
			},
		},
		{
			// Signature lines by unknown keys are ignored, so anyone can add
			// one; the document is still the one already in the log.
			name:   "replay with a signature line added",
			before: func(e *testEnv) { e.mustSubmit(testFW, e.sign("MON", incidents("i-1"))) },
			body:   func(e *testEnv) []byte { return addSignatureLine(e.sign("MON", incidents("i-1"))) },
			status: http.StatusConflict, slug: "duplicate",
			check: wantEntry(1),
		},
		{
			name:   "replay with the signature spelt in other base64",
			before: func(e *testEnv) { e.mustSubmit(testFW, e.sign("MON", incidents("i-1"))) },
			body:   func(e *testEnv) []byte { return respell(e.tb, e.sign("MON", incidents("i-1"))) },
			status: http.StatusConflict, slug: "duplicate",
			check: wantEntry(1),
		},
		{
			name: "replay of a co-signed document with its signatures reordered",
			before: func(e *testEnv) {
				e.mustSubmit(testFW, signWith(e.tb, e.keys["SEC"], e.sign("MON", incidents("i-1"))))
			},
			body: func(e *testEnv) []byte {
				b := signWith(e.tb, e.keys["SEC"], e.sign("MON", incidents("i-1")))
				i := bytes.Index(b, []byte("\n\n— ")) + 2
				lines := bytes.SplitAfter(b[i:], []byte("\n"))
				return append(append(b[:i:i], lines[1]...), lines[0]...)
			},
			status: http.StatusConflict, slug: "duplicate",
		},
		{
			// Were it accepted, an old framework would be in force again.
			name: "replay of an earlier framework update",
			before: func(e *testEnv) {
				e.mustSubmit(testFW, e.sign("SEC", e.framework(testFW, "Second", false)))
				e.mustSubmit(testFW, e.sign("SEC", e.framework(testFW, "Third", false)))
			},
			body:   func(e *testEnv) []byte { return addSignatureLine(e.sign("SEC", e.framework(testFW, "Second", false))) },
			status: http.StatusConflict, slug: "duplicate",
			check: wantEntry(1),
		},
		{
			name:   "older declaration after a newer one",
			before: func(e *testEnv) { e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-02", 0, 10))) },
			body:   func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status: http.StatusConflict, slug: "stale",
		},
		{
			name:   "same date, same revision",
			before: func(e *testEnv) { e.mustSubmit(testFW, e.sign("GB", gb1)) },
			body:   func(e *testEnv) []byte { return e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 20)) },
			status: http.StatusConflict, slug: "stale",
		},
		{
			name:   "same date, higher revision",
			before: func(e *testEnv) { e.mustSubmit(testFW, e.sign("GB", gb1)) },
			body:   func(e *testEnv) []byte { return e.sign("GB", declaration(testFW, "GB", "2025-09-01", 1, 20)) },
			status: http.StatusCreated,
			check: func(t *testing.T, e *testEnv, r response) {
				if acc := decodeJSON[api.Accepted](t, r); acc.Entry.Revision != 1 {
					t.Errorf("entry %+v: want revision 1", acc.Entry)
				}
			},
		},
		{
			name:   "another party's older declaration",
			before: func(e *testEnv) { e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-02", 0, 10))) },
			body:   func(e *testEnv) []byte { return e.sign("FR", declaration(testFW, "FR", "2025-09-01", 0, 10)) },
			status: http.StatusCreated,
		},
		{
			name:   "body over MaxBody",
			cfg:    envConfig{maxBody: 4096},
			body:   func(e *testEnv) []byte { return e.sign("GB", gb1+"note: \""+strings.Repeat("x", 5000)+"\"\n") },
			status: http.StatusRequestEntityTooLarge, slug: "too-large",
		},
		{
			name:        "JSON media type",
			contentType: "application/json",
			body:        func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status:      http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
		},
		{
			name:        "no media type",
			contentType: "-",
			body:        func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status:      http.StatusUnsupportedMediaType, slug: "unsupported-media-type",
		},
		{
			name: "malformed YAML",
			body: func(e *testEnv) []byte {
				return e.sign("GB", "backstop: v1\nkind: Declaration\nframework: fw\nparty: [GB\ndate: 2025-09-01\n")
			},
			status: http.StatusUnprocessableEntity, slug: "invalid-document",
			check: wantDiagnostic("syntax"),
		},
		{
			name: "malformed JSON",
			body: func(e *testEnv) []byte {
				return e.sign("GB", `{"backstop": "v1", "kind": "Declaration", "framework": "fw", "party": "GB", "date": "2025-09-01",`)
			},
			status: http.StatusUnprocessableEntity, slug: "invalid-document",
			check: wantDiagnostic("syntax"),
		},
		{
			name: "JSON document",
			body: func(e *testEnv) []byte {
				return e.sign("GB", `{"backstop": "v1", "kind": "Declaration", "framework": "fw", "party": "GB", "date": "2025-09-01",
 "pledges": [{"id": "gb-land", "layer": 2, "domain": "land", "quantity": 10, "unit": "troops"}]}`)
			},
			status: http.StatusCreated,
		},
		{
			name: "unknown field",
			body: func(e *testEnv) []byte {
				return e.sign("GB", strings.Replace(gb1, "date:", "dated: 2025-09-01\ndate:", 1))
			},
			status: http.StatusUnprocessableEntity, slug: "invalid-document",
			check: wantDiagnostic("unknown-field"),
		},
		{
			name:   "invalid next to its framework",
			body:   func(e *testEnv) []byte { return e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, -5)) },
			status: http.StatusUnprocessableEntity, slug: "invalid-document",
			check: wantDiagnostic(""),
		},
		{
			name: "two documents",
			body: func(e *testEnv) []byte {
				return e.sign("GB", gb1+"---\n"+declaration(testFW, "GB", "2025-09-02", 0, 10))
			},
			status: http.StatusUnprocessableEntity, slug: "one-document",
		},
		{
			name:   "declaration to a framework that does not exist",
			fw:     "other",
			body:   func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status: http.StatusNotFound, slug: "no-framework",
		},
		{
			name:   "declaration to another framework with the same keys",
			fw:     "other",
			before: func(e *testEnv) { e.mustSubmit("other", e.sign("", e.framework("other", "Other", false))) },
			body:   func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status: http.StatusUnprocessableEntity, slug: "invalid-document",
			check: wantDiagnostic("unknown-framework"),
		},
		{
			name:   "framework id that is not a slug",
			fw:     "Not_A_Slug",
			body:   func(e *testEnv) []byte { return e.sign("GB", gb1) },
			status: http.StatusNotFound, slug: "no-framework",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestServerWith(t, tt.cfg)
			if tt.before != nil {
				tt.before(e)
			}
			fw := tt.fw
			if fw == "" {
				fw = testFW
			}
			h := http.Header{"Content-Type": {api.NoteType}}
			switch tt.contentType {
			case "":
			case "-":
				h = http.Header{}
			default:
				h.Set("Content-Type", tt.contentType)
			}
			size := e.srv.log.Size()
			r := e.do(http.MethodPost, "/v1/frameworks/"+fw+"/documents", tt.body(e), h)
			if tt.status >= 400 {
				checkProblem(t, r, tt.status, tt.slug)
				if got := e.srv.log.Size(); got != size {
					t.Errorf("a refused submission changed the log's size from %d to %d", size, got)
				}
			} else if r.status != tt.status {
				t.Fatalf("status %d, want %d: %v", r.status, tt.status, r)
			}
			if tt.check != nil {
				tt.check(t, e, r)
			}
		})
	}
}

// wantDiagnostic checks that a 422 lists an error with a position, of
// code when it is not "".
func wantDiagnostic(code string) func(*testing.T, *testEnv, response) {
	return func(t *testing.T, e *testEnv, r response) {
		t.Helper()
		p := problemOf(t, r)
		if len(p.Diagnostics) == 0 {
			t.Fatalf("no diagnostics in %+v", p)
		}
		for _, d := range p.Diagnostics {
			if d.Severity != "error" || d.Line < 1 || d.Column < 1 || d.Message == "" {
				t.Errorf("diagnostic %+v: want an error with a line, a column and a message", d)
			}
		}
		if code == "" {
			return
		}
		for _, d := range p.Diagnostics {
			if d.Code == code {
				return
			}
		}
		t.Errorf("no %s diagnostic in %+v", code, p.Diagnostics)
	}
}

// wantEntry checks that a duplicate names the entry it duplicates.
func wantEntry(index int64) func(*testing.T, *testEnv, response) {
	return func(t *testing.T, e *testEnv, r response) {
		t.Helper()
		if p := problemOf(t, r); p.Entry == nil || *p.Entry != index {
			t.Errorf("problem %+v: want entry %d", p, index)
		}
	}
}

// addSignatureLine adds a signature by a key no one lists.
func addSignatureLine(signed []byte) []byte {
	return append(bytes.Clone(signed), "— stranger "+base64.StdEncoding.EncodeToString(make([]byte, 68))+"\n"...)
}

// respell changes the last signature's base64 text without changing the
// bytes it decodes to: the unused low bit of its last character.
func respell(tb testing.TB, signed []byte) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := bytes.Clone(signed)
	i := bytes.LastIndexByte(b, '=') - 1 // 4+64 bytes: one '=' of padding
	c := strings.IndexByte(alphabet, b[i])
	if i < 0 || c < 0 {
		tb.Fatalf("no base64 signature at the end of %s", signed)
	}
	b[i] = alphabet[c^1]
	return b
}

// TestSeedFiles checks the order in which bundled files are seeded:
// frameworks first, then other documents, declarations by date and
// revision.
func TestSeedFiles(t *testing.T) {
	e := newTestServer(t)
	docs, err := SeedFiles(map[string][]byte{
		"a-declarations.yaml": []byte(declaration(testFW, "GB", "2025-09-03", 0, 10) + "---\n" +
			declaration(testFW, "GB", "2025-09-01", 0, 10) + "---\n" + declaration(testFW, "GB", "2025-09-01", 1, 10)),
		"b-incidents.yaml": []byte(incidents("i-1")),
		"c-framework.yaml": []byte(e.framework("other", "Other", true)),
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Name)
	}
	want := []string{"c-framework.yaml#1", "b-incidents.yaml#1", "a-declarations.yaml#2", "a-declarations.yaml#3", "a-declarations.yaml#1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("SeedFiles order %v, want %v", got, want)
	}
	if _, err := SeedFiles(map[string][]byte{"bad.yaml": []byte("backstop: v1\nkind: [\n")}); err == nil {
		t.Error("SeedFiles accepted a document that does not load")
	}
}
