package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/backstop-dev/backstop/internal/api"
)

// FuzzSubmit posts arbitrary bodies through the handler: whatever the
// body, the server answers without failing (no 5xx, no panic), a refusal
// is a problem, and an acceptance is an entry of the log.
func FuzzSubmit(f *testing.F) {
	e := newTestServerWith(f, envConfig{maxBody: 64 << 10})
	gb1 := declaration(testFW, "GB", "2025-09-01", 0, 10)
	valid := e.sign("GB", gb1)
	f.Add(valid)
	f.Add(e.sign("GB", declaration(testFW, "GB", "2025-09-01", 1, 10)))
	f.Add(e.sign("MON", incidents("i-1")))
	f.Add(e.sign("SEC", e.framework(testFW, "Amended", false)))
	f.Add(e.sign("FR", gb1))
	f.Add([]byte(gb1))
	f.Add([]byte{})
	f.Add(bytes.Replace(valid, []byte("quantity: 10,"), []byte("quantity: 11,"), 1))
	f.Add(e.sign("GB", "backstop: v1\nkind: Declaration\nparty: [GB\n"))
	f.Add(e.sign("GB", `{"backstop": "v1", "kind":`))
	f.Add(e.sign("GB", gb1+"---\n"+gb1))
	f.Add(e.sign("GB", "a: &a [*a, *a]\nb: *a\n"))
	f.Add(e.sign("GB", "backstop: v1\nkind: Framework\nid: fw\n"))
	f.Add(append(valid[:len(valid)-1:len(valid)-1], "\n— GB+00000000 AAAA\n"...))
	f.Add([]byte("\n\n— \n"))
	h := e.srv.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{"/v1/frameworks/" + testFW + "/documents", "/v1/frameworks/other/documents"} {
			req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			req.Header.Set("Content-Type", api.NoteType)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			r := response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
			switch {
			case r.status >= 500:
				t.Fatalf("POST %s: %v", path, r)
			case r.status == http.StatusCreated:
				var acc api.Accepted
				if err := json.Unmarshal(r.body, &acc); err != nil || acc.Entry.Note == nil || *acc.Entry.Note != string(body) {
					t.Fatalf("POST %s: 201 without the entry of the body: %v", path, r)
				}
			case r.status >= 400:
				problemOf(t, r)
			default:
				t.Fatalf("POST %s: %v", path, r)
			}
		}
	})
}
