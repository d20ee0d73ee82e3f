package server

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/backstop-dev/backstop/internal/api"
)

// bigLog submits n Incidents documents of about size bytes each (a
// comment pads them).
func bigLog(t *testing.T, e *testEnv, n, size int) {
	t.Helper()
	for i := range n {
		doc := incidents(fmt.Sprintf("big-%d", i)) + "# " + strings.Repeat("x", size) + "\n"
		e.mustSubmit(testFW, e.sign("MON", doc))
	}
}

// oldPage is the page as handleEntries built it whole before streaming:
// the bytes a streamed page must equal.
func oldPage(e *testEnv, start, end int64, next string) []byte {
	page := api.Page[api.Entry]{Items: []api.Entry{}, Next: next}
	for i := start; i < end; i++ {
		en := e.srv.rec.entries[i]
		en.Note = storedNote(e, i) // an Incidents entry's is read back from the store
		page.Items = append(page.Items, e.srv.apiEntry(&en, true))
	}
	rec := httptest.NewRecorder()
	writeJSON(rec, httptest.NewRequest(http.MethodGet, "/", nil), http.StatusOK, page)
	return rec.Body.Bytes()
}

// storedNote is entry i's note, kept by the record or read from the store.
func storedNote(e *testEnv, i int64) []byte {
	note, err := e.srv.rec.note(&e.srv.rec.entries[i])
	if err != nil {
		panic(err)
	}
	return note
}

// A page is the same JSON as before, ends within maxPageBytes of notes
// (next going on from there), and keeps its ETag and gzip.
func TestEntriesStreamed(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	bigLog(t, e, 8, 300<<10)
	e.mustSubmit(testFW, e.sign("MON", incidents("small")))
	size := e.srv.log.Size()

	// small pages: byte for byte what writeJSON wrote
	for _, q := range []struct {
		start, limit int64
	}{{0, 1}, {0, 2}, {size - 1, 5}, {size, 5}} {
		r := e.get(fmt.Sprintf("/v1/log/entries?start=%d&limit=%d", q.start, q.limit), nil)
		end := min(q.start+q.limit, size)
		next := ""
		if end < size {
			next = fmt.Sprintf("/v1/log/entries?start=%d&limit=%d", end, q.limit)
		}
		if want := oldPage(e, min(q.start, size), end, next); !bytes.Equal(r.body, want) {
			t.Errorf("start=%d limit=%d:\n%s\nwant\n%s", q.start, q.limit, r.body, want)
		}
	}

	// a page of the whole log ends at the budget; next goes on
	var all []api.Entry
	for path := "/v1/log/entries?limit=1000"; path != ""; {
		r := e.get(path, nil)
		page := decodeJSON[api.Page[api.Entry]](t, r)
		notes := 0
		for _, it := range page.Items {
			notes += len(*it.Note)
		}
		if len(page.Items) > 1 && notes > maxPageBytes {
			t.Errorf("%s: %d items, %d bytes of notes", path, len(page.Items), notes)
		}
		all = append(all, page.Items...)
		if len(page.Items) == 0 {
			t.Fatalf("%s: an empty page before the end", path)
		}
		path = page.Next
	}
	if int64(len(all)) != size {
		t.Fatalf("%d entries paged, want %d", len(all), size)
	}
	for i, it := range all {
		if it.Index != int64(i) || it.Note == nil || *it.Note != string(storedNote(e, int64(i))) {
			t.Fatalf("entry %d: index %d, note present %t", i, it.Index, it.Note != nil)
		}
	}

	// ETag and gzip, as every answer
	path := "/v1/log/entries?start=0&limit=3"
	r := getRaw(t, gzipClient(t), e.ts.URL+path, nil) // identity
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r := getRaw(t, gzipClient(t), e.ts.URL+path, http.Header{"If-None-Match": {etag}}); r.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r.status)
	}
	gz := getRaw(t, gzipClient(t), e.ts.URL+path, http.Header{"Accept-Encoding": {"gzip"}})
	if gz.header.Get("Content-Encoding") != "gzip" || gz.header.Get("ETag") != strings.TrimSuffix(etag, `"`)+`-gzip"` {
		t.Fatalf("gzip: %q, ETag %q", gz.header.Get("Content-Encoding"), gz.header.Get("ETag"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.body))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, r.body) {
		t.Errorf("the gzipped page differs: %v", err)
	}
}

// The attack of issue 16: 100 concurrent anonymous requests for one large
// page took the server from 0.9 to 4.8 GB, each page built whole (its
// notes copied, encoded, buffered). Now a page holds at most about
// maxPageBytes of notes and is encoded entry by entry: what 100
// concurrent requests allocate is bounded by a few pages each, not by the
// log's size.
func TestEntriesMemoryUnderConcurrency(t *testing.T) {
	e := newTestServerWith(t, envConfig{anonymous: true})
	const docs, docSize = 40, 500 << 10 // a 20 MB log
	bigLog(t, e, docs, docSize)
	const clients = 100
	c := e.ts.Client()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got int64
	for range clients {
		wg.Go(func() {
			res, err := c.Get(e.ts.URL + "/v1/log/entries?start=0&limit=1000")
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			n, err := io.Copy(io.Discard, res.Body)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Errorf("%d, %v", res.StatusCode, err)
			}
			mu.Lock()
			got += n
			mu.Unlock()
		})
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	perRequest := (after.TotalAlloc - before.TotalAlloc) / clients
	t.Logf("%d requests: %d bytes allocated each, %d bytes of answer each; heap in use %d → %d MB",
		clients, perRequest, got/clients, before.HeapInuse>>20, after.HeapInuse>>20)
	// A page whole was the 20 MB of notes several times over; now it is
	// about maxPageBytes, copied a few times (each note as a string and
	// encoded, the timeout's buffer as it grows), whatever the log's size.
	if limit := uint64(10 * maxPageBytes); perRequest > limit {
		t.Errorf("each request allocated %d bytes, want at most %d", perRequest, limit)
	}
	if got/clients > 2*maxPageBytes {
		t.Errorf("pages of %d bytes, want about %d at most", got/clients, maxPageBytes)
	}
}
