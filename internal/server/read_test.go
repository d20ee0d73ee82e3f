package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/signing"
)

// TestReadAccess checks who may read a framework's record.
func TestReadAccess(t *testing.T) {
	const path = "/v1/frameworks/" + testFW + "/assessment"
	stranger := newKey(t, "GB")
	tests := []struct {
		name      string
		anonymous bool
		auth      func(e *testEnv) string // the Authorization header; "" for none
		status    int
		slug      string
	}{
		{name: "anonymous", status: http.StatusUnauthorized, slug: "sign-in"},
		{name: "anonymous, anonymous reads allowed", anonymous: true, status: http.StatusOK},
		{
			name:   "signed by a party",
			auth:   func(e *testEnv) string { return signRequest(e.tb, e.keys["GB"], "GET", path, time.Now()) },
			status: http.StatusOK,
		},
		{
			name:   "signed by the monitor",
			auth:   func(e *testEnv) string { return signRequest(e.tb, e.keys["MON"], "GET", path, time.Now()) },
			status: http.StatusOK,
		},
		{
			name:   "signed by the server's key",
			auth:   func(e *testEnv) string { return signRequest(e.tb, e.key, "GET", path, time.Now()) },
			status: http.StatusOK,
		},
		{
			name: "signed for another resource",
			auth: func(e *testEnv) string {
				return signRequest(e.tb, e.keys["GB"], "GET", "/v1/frameworks/"+testFW+"/monitoring", time.Now())
			},
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name: "signed for another query",
			auth: func(e *testEnv) string {
				return signRequest(e.tb, e.keys["GB"], "GET", path+"?at=2025-09-01", time.Now())
			},
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name:   "signed for another method",
			auth:   func(e *testEnv) string { return signRequest(e.tb, e.keys["GB"], "POST", path, time.Now()) },
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name: "signed ten minutes ago",
			auth: func(e *testEnv) string {
				return signRequest(e.tb, e.keys["GB"], "GET", path, time.Now().Add(-10*time.Minute))
			},
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name: "signed ten minutes ahead",
			auth: func(e *testEnv) string {
				return signRequest(e.tb, e.keys["GB"], "GET", path, time.Now().Add(10*time.Minute))
			},
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name:   "signed by a key no party has",
			auth:   func(e *testEnv) string { return signRequest(e.tb, stranger, "GET", path, time.Now()) },
			status: http.StatusForbidden, slug: "not-allowed",
		},
		{
			name:   "another scheme",
			auth:   func(e *testEnv) string { return "Bearer abc" },
			status: http.StatusForbidden, slug: "not-allowed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestServerWith(t, envConfig{anonymous: tt.anonymous})
			e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 40)))
			h := http.Header{}
			if tt.auth != nil {
				h.Set("Authorization", tt.auth(e))
			}
			r := e.do(http.MethodGet, path, nil, h)
			if tt.status != http.StatusOK {
				checkProblem(t, r, tt.status, tt.slug)
				return
			}
			var report map[string]any
			if err := json.Unmarshal(decodeJSON[json.RawMessage](t, r), &report); err != nil || len(report) == 0 {
				t.Errorf("assessment %s: %v", r.body, err)
			}
		})
	}
}

// TestReadEndpoints reads every GET endpoint of a private framework with
// a party's signature, and checks that none answers without one.
func TestReadEndpoints(t *testing.T) {
	e := newTestServer(t)
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 40)))
	e.mustSubmit(testFW, e.sign("MON", incidents("i-1")))
	gb := e.keys["GB"]
	for _, path := range []string{
		"/v1/frameworks/" + testFW,
		"/v1/frameworks/" + testFW + "/declarations",
		"/v1/frameworks/" + testFW + "/assessment?at=2025-10-01",
		"/v1/frameworks/" + testFW + "/monitoring?quiet=24h",
	} {
		t.Run(path, func(t *testing.T) {
			decodeJSON[json.RawMessage](t, e.get(path, &gb))
			checkProblem(t, e.get(path, nil), http.StatusUnauthorized, "sign-in")
		})
	}
	// What is public whatever the framework's access.
	for _, path := range []string{"/v1/health", "/v1/frameworks", "/v1/log/entries", "/v1/log/entries/0",
		"/v1/log/proof/inclusion?index=0", "/v1/log/proof/consistency?from=1", "/v1/openapi.json"} {
		t.Run(path, func(t *testing.T) { decodeJSON[json.RawMessage](t, e.get(path, nil)) })
	}
	if r := e.get("/v1/log/key", nil); r.status != http.StatusOK || string(r.body) != e.key.Public+"\n" {
		t.Errorf("/v1/log/key: %v", r)
	}
}

// TestETag checks that a client holding a response's bytes gets 304.
func TestETag(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 40)))
	for _, path := range []string{"/v1/log/checkpoint", "/v1/log/entries", "/v1/frameworks", "/v1/openapi.json",
		"/v1/frameworks/" + testFW + "/assessment?at=2025-10-01"} {
		t.Run(path, func(t *testing.T) {
			first := e.get(path, nil)
			etag := first.header.Get("ETag")
			if first.status != http.StatusOK || etag == "" {
				t.Fatalf("first GET: %v (ETag %q)", first, etag)
			}
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				r := e.do(http.MethodGet, path, nil, http.Header{"If-None-Match": {inm}})
				if r.status != http.StatusNotModified || len(r.body) != 0 {
					t.Errorf("If-None-Match %s: %d, want 304 without a body", inm, r.status)
				}
			}
			if r := e.do(http.MethodGet, path, nil, http.Header{"If-None-Match": {`"other"`}}); r.status != http.StatusOK {
				t.Errorf("If-None-Match another tag: %d, want 200", r.status)
			}
		})
	}
	// The checkpoint's tag changes with the log.
	before := e.get("/v1/log/checkpoint", nil).header.Get("ETag")
	e.mustSubmit(testFW, e.sign("FR", declaration(testFW, "FR", "2025-09-01", 0, 40)))
	if r := e.do(http.MethodGet, "/v1/log/checkpoint", nil, http.Header{"If-None-Match": {before}}); r.status != http.StatusOK {
		t.Errorf("checkpoint after an append: %d, want 200 (a new tag)", r.status)
	}
}

// TestEntriesPages follows the log's next links with pages of every size.
func TestEntriesPages(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	for i := range 6 {
		e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-0"+string(rune('1'+i)), 0, 10)))
	}
	const size = 7
	for _, limit := range []string{"1", "2", "3", "6", "7", "8", "1000"} {
		t.Run("limit="+limit, func(t *testing.T) {
			seen := map[int64]bool{}
			next, pages := "/v1/log/entries?limit="+limit, 0
			for next != "" {
				if pages++; pages > size+1 {
					t.Fatalf("more than %d pages", size+1)
				}
				page := decodeJSON[api.Page[api.Entry]](t, e.get(next, nil))
				if len(page.Items) == 0 {
					t.Fatalf("%s: an empty page", next)
				}
				for _, it := range page.Items {
					if seen[it.Index] {
						t.Errorf("entry %d seen twice", it.Index)
					}
					seen[it.Index] = true
					if int64(len(seen)-1) != it.Index {
						t.Errorf("entry %d out of order", it.Index)
					}
				}
				next = page.Next
			}
			if len(seen) != size {
				t.Errorf("saw %d entries, want %d", len(seen), size)
			}
		})
	}
	// A start past the end is an empty last page.
	if page := decodeJSON[api.Page[api.Entry]](t, e.get("/v1/log/entries?start=99", nil)); len(page.Items) != 0 || page.Next != "" {
		t.Errorf("start past the end: %+v", page)
	}
}

// TestDeclarations checks the framework's list of declarations: in log
// order, superseded ones with the entry that replaced them, paged.
func TestDeclarations(t *testing.T) {
	e := newTestServer(t)
	gb1 := e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 10))).Entry.Index
	fr1 := e.mustSubmit(testFW, e.sign("FR", declaration(testFW, "FR", "2025-09-01", 0, 10))).Entry.Index
	e.mustSubmit(testFW, e.sign("MON", incidents("i-1")))
	gb2 := e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-05", 0, 20))).Entry.Index
	gb3 := e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-05", 2, 30))).Entry.Index

	want := map[int64]*int64{gb1: &gb2, fr1: nil, gb2: &gb3, gb3: nil}
	order := []int64{gb1, fr1, gb2, gb3}
	gb := e.keys["GB"]
	page := decodeJSON[api.Page[api.Entry]](t, e.get("/v1/frameworks/"+testFW+"/declarations", &gb))
	if len(page.Items) != len(order) || page.Next != "" {
		t.Fatalf("declarations %+v", page)
	}
	for i, it := range page.Items {
		if it.Index != order[i] {
			t.Errorf("item %d is entry %d, want %d", i, it.Index, order[i])
		}
		switch w := want[it.Index]; {
		case w == nil && it.SupersededBy != nil:
			t.Errorf("entry %d superseded by %d, want in force", it.Index, *it.SupersededBy)
		case w != nil && (it.SupersededBy == nil || *it.SupersededBy != *w):
			t.Errorf("entry %d superseded by %v, want %d", it.Index, it.SupersededBy, *w)
		}
		if it.Note == nil {
			t.Errorf("entry %d without its note", it.Index)
		}
	}
	// The same through the log.
	if en := decodeJSON[api.Entry](t, e.get("/v1/log/entries/1", nil)); en.SupersededBy == nil || *en.SupersededBy != gb2 {
		t.Errorf("/v1/log/entries/1: superseded_by %v, want %d", en.SupersededBy, gb2)
	}
	// Pages of one, and notes=false.
	var got []int64
	for next := "/v1/frameworks/" + testFW + "/declarations?limit=1&notes=false"; next != ""; {
		page := decodeJSON[api.Page[api.Entry]](t, e.get(next, &gb))
		for _, it := range page.Items {
			if it.Note != nil {
				t.Errorf("notes=false: entry %d has its note", it.Index)
			}
			got = append(got, it.Index)
		}
		if len(got) > len(order) {
			t.Fatalf("pages do not end: %v", got)
		}
		next = page.Next
		if next != "" {
			if u, err := url.Parse(next); err != nil || u.Query().Get("notes") != "false" {
				t.Errorf("next link %q drops notes=false", next)
			}
		}
	}
	if len(got) != len(order) {
		t.Errorf("paged declarations %v, want %v", got, order)
	}
	for i := range got {
		if got[i] != order[i] {
			t.Errorf("paged declarations %v, want %v", got, order)
			break
		}
	}
}

// TestEntriesHideNotes checks that the log shows a document's text only
// to those who may read its framework.
func TestEntriesHideNotes(t *testing.T) {
	e := newTestServer(t) // fw: parties only
	e.mustSubmit("pub", e.sign("", e.framework("pub", "Public", true)))
	e.mustSubmit(testFW, e.sign("GB", declaration(testFW, "GB", "2025-09-01", 0, 10)))
	e.mustSubmit("pub", e.sign("GB", declaration("pub", "GB", "2025-09-01", 0, 10)))

	gb := e.keys["GB"]
	tests := []struct {
		name   string
		signer *signing.KeyPair
		notes  map[string]bool // framework → whether its notes show
	}{
		{"anonymous", nil, map[string]bool{testFW: false, "pub": true}},
		{"party", &gb, map[string]bool{testFW: true, "pub": true}},
		{"server", &e.key, map[string]bool{testFW: true, "pub": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := decodeJSON[api.Page[api.Entry]](t, e.get("/v1/log/entries", tt.signer))
			if len(page.Items) != 4 {
				t.Fatalf("%d entries, want 4", len(page.Items))
			}
			for _, it := range page.Items {
				if got, want := it.Note != nil, tt.notes[it.Framework]; got != want {
					t.Errorf("entry %d of %s: note shown %t, want %t", it.Index, it.Framework, got, want)
				}
				if it.LeafHash == ([32]byte{}) || it.Kind == "" || it.Key == "" {
					t.Errorf("entry %d: metadata missing: %+v", it.Index, it)
				}
				one := decodeJSON[api.Entry](t, e.get("/v1/log/entries/"+strconv.FormatInt(it.Index, 10), tt.signer))
				if got, want := one.Note != nil, tt.notes[it.Framework]; got != want {
					t.Errorf("/v1/log/entries/%d: note shown %t, want %t", it.Index, got, want)
				}
			}
		})
	}
}
