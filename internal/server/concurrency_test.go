package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/ledger"
)

// TestConcurrentSubmissions has 20 parties submit 10 declarations each at
// once: every one is accepted, each in one entry, and the log holds them
// all in a tree the checkpoint proves.
func TestConcurrentSubmissions(t *testing.T) {
	const parties, each = 20, 10
	var guarantors []string
	for i := range parties {
		guarantors = append(guarantors, fmt.Sprintf("G%02d", i+1))
	}
	e := newTestServerWith(t, envConfig{anonymous: true, guarantors: guarantors})
	// Sign everything first: the goroutines only submit.
	bodies := make([][][]byte, parties)
	start := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	for p, party := range guarantors {
		for i := range each {
			date := start.AddDate(0, 0, i).Format(time.DateOnly)
			bodies[p] = append(bodies[p], e.sign(party, declaration(testFW, party, date, 0, 10+i)))
		}
	}

	type result struct {
		party  string
		status int
		index  int64
		body   string
	}
	results := make(chan result, parties*each)
	var wg sync.WaitGroup
	for p, party := range guarantors {
		wg.Go(func() {
			for _, b := range bodies[p] {
				req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/v1/frameworks/"+testFW+"/documents", bytesReader(b))
				if err != nil {
					results <- result{party: party, body: err.Error()}
					return
				}
				req.Header.Set("Content-Type", api.NoteType)
				res, err := e.ts.Client().Do(req)
				if err != nil {
					results <- result{party: party, body: err.Error()}
					return
				}
				r := readResponse(res)
				out := result{party: party, status: r.status, body: string(r.body)}
				var acc api.Accepted
				if r.status == http.StatusCreated && json.Unmarshal(r.body, &acc) == nil {
					out.index = acc.Entry.Index
				}
				results <- out
			}
		})
	}
	wg.Wait()
	close(results)

	seen := map[int64]string{}
	for r := range results {
		if r.status != http.StatusCreated {
			t.Errorf("%s: %d %s", r.party, r.status, r.body)
			continue
		}
		if prev, dup := seen[r.index]; dup {
			t.Errorf("entry %d given to %s and %s", r.index, prev, r.party)
		}
		seen[r.index] = r.party
	}
	if len(seen) != parties*each {
		t.Errorf("%d entries accepted, want %d", len(seen), parties*each)
	}
	want := int64(1 + parties*each)
	c := e.checkpoint(e.key.Verifier)
	if c.Size != want || e.srv.log.Size() != want {
		t.Fatalf("log size %d (checkpoint %d), want %d", e.srv.log.Size(), c.Size, want)
	}

	// Every entry once, each party's in date order, and the tree is right.
	var leaves []tlog.Hash
	distinct := map[tlog.Hash]bool{}
	lastDate := map[string]string{}
	for next := "/v1/log/entries?limit=1000"; next != ""; {
		page := decodeJSON[api.Page[api.Entry]](t, e.get(next, nil))
		for _, en := range page.Items {
			if en.Index != int64(len(leaves)) {
				t.Fatalf("entry %d at position %d", en.Index, len(leaves))
			}
			leaves = append(leaves, en.LeafHash)
			distinct[en.LeafHash] = true
			if en.Kind == "Declaration" {
				if en.Date <= lastDate[en.Subject] {
					t.Errorf("entry %d: %s's declaration of %s after one of %s", en.Index, en.Subject, en.Date, lastDate[en.Subject])
				}
				lastDate[en.Subject] = en.Date
			}
		}
		next = page.Next
	}
	if int64(len(distinct)) != want {
		t.Errorf("%d distinct leaves, want %d", len(distinct), want)
	}
	if root, err := ledger.RootOf(leaves); err != nil || root != c.Root {
		t.Errorf("RootOf = %v, %v; want %v", root, err, c.Root)
	}
	info := decodeJSON[api.Framework](t, e.get("/v1/frameworks/"+testFW, nil))
	if info.Declarations != parties {
		t.Errorf("%d parties with a declaration in force, want %d", info.Declarations, parties)
	}
}

// TestConcurrentDuplicates submits the same signed bytes twice at once,
// many times over: whether the two land in one group commit or in two,
// exactly one is accepted and the other is a duplicate.
func TestConcurrentDuplicates(t *testing.T) {
	e := newTestServer(t)
	for i := range 20 {
		party := []string{"GB", "FR"}[i%2]
		body := e.sign(party, declaration(testFW, party, fmt.Sprintf("2025-09-%02d", i+1), 0, 10))
		var wg sync.WaitGroup
		var rs [2]response
		for j := range rs {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/v1/frameworks/"+testFW+"/documents", bytesReader(body))
				req.Header.Set("Content-Type", api.NoteType)
				res, err := e.ts.Client().Do(req)
				if err != nil {
					rs[j] = response{body: []byte(err.Error())}
					return
				}
				rs[j] = readResponse(res)
			})
		}
		wg.Wait()
		if rs[0].status == http.StatusConflict {
			rs[0], rs[1] = rs[1], rs[0]
		}
		if rs[0].status != http.StatusCreated || rs[1].status != http.StatusConflict {
			t.Fatalf("round %d: %d and %d, want 201 and 409\n%v\n%v", i, rs[0].status, rs[1].status, rs[0], rs[1])
		}
		checkProblem(t, rs[1], http.StatusConflict, "duplicate")
	}
	if got := e.srv.log.Size(); got != 21 {
		t.Errorf("log size %d, want 21", got)
	}
}

// TestGroupCommit hands the committer batches directly, so that what two
// submissions in one batch do to each other is tested whatever the timing.
func TestGroupCommit(t *testing.T) {
	gb := func(date string, rev int) string { return declaration(testFW, "GB", date, rev, 10) }
	ok := batchWant{status: http.StatusCreated}
	tests := []struct {
		name  string
		docs  func(e *testEnv) [][]byte // checked together, then committed as one batch
		want  []batchWant
		check func(t *testing.T, e *testEnv)
	}{
		{
			name: "the same document twice",
			docs: func(e *testEnv) [][]byte {
				return [][]byte{e.sign("GB", gb("2025-09-01", 0)), e.sign("GB", gb("2025-09-01", 0))}
			},
			want: []batchWant{ok, {http.StatusConflict, "duplicate"}},
		},
		{
			name: "the same document, once with another signature added",
			docs: func(e *testEnv) [][]byte {
				b := e.sign("MON", incidents("i-1"))
				return [][]byte{b, signWith(e.tb, e.keys["SEC"], b)}
			},
			want: []batchWant{ok, {http.StatusConflict, "duplicate"}},
		},
		{
			name: "one party, newer then older",
			docs: func(e *testEnv) [][]byte {
				return [][]byte{e.sign("GB", gb("2025-09-02", 0)), e.sign("GB", gb("2025-09-01", 0))}
			},
			want: []batchWant{ok, {http.StatusConflict, "stale"}},
		},
		{
			name: "one party, same date, revisions down",
			docs: func(e *testEnv) [][]byte {
				return [][]byte{e.sign("GB", gb("2025-09-01", 2)), e.sign("GB", gb("2025-09-01", 1))}
			},
			want: []batchWant{ok, {http.StatusConflict, "stale"}},
		},
		{
			name: "one party, older then newer",
			docs: func(e *testEnv) [][]byte {
				return [][]byte{e.sign("GB", gb("2025-09-01", 0)), e.sign("GB", gb("2025-09-01", 1)), e.sign("GB", gb("2025-09-03", 0))}
			},
			want: []batchWant{ok, ok, ok},
			check: func(t *testing.T, e *testEnv) {
				page := decodeJSON[api.Page[api.Entry]](t, e.get("/v1/frameworks/"+testFW+"/declarations", &e.key))
				if len(page.Items) != 3 || page.Items[0].SupersededBy == nil || *page.Items[0].SupersededBy != 2 ||
					page.Items[1].SupersededBy == nil || *page.Items[1].SupersededBy != 3 || page.Items[2].SupersededBy != nil {
					t.Errorf("declarations %+v", page.Items)
				}
			},
		},
		{
			name: "two parties",
			docs: func(e *testEnv) [][]byte {
				return [][]byte{e.sign("GB", gb("2025-09-02", 0)), e.sign("FR", declaration(testFW, "FR", "2025-09-01", 0, 10))}
			},
			want: []batchWant{ok, ok},
		},
		{
			name: "a framework change, then a document checked against the framework before it",
			docs: func(e *testEnv) [][]byte {
				return [][]byte{e.sign("SEC", e.framework(testFW, "Amended", false)), e.sign("GB", gb("2025-09-01", 0))}
			},
			want: []batchWant{ok, {http.StatusConflict, "framework-changed"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestServer(t)
			var batch []*submission
			for _, b := range tt.docs(e) {
				sub, p := e.srv.check(testFW, b, false)
				if p != nil {
					t.Fatalf("check: %+v", p)
				}
				sub.done = make(chan submitResult, 1)
				batch = append(batch, sub)
			}
			e.srv.commit(batch)
			for i, sub := range batch {
				res := <-sub.done
				switch {
				case tt.want[i].status == http.StatusCreated && res.problem != nil:
					t.Errorf("document %d refused: %+v", i, res.problem)
				case tt.want[i].status == http.StatusCreated && res.entry.Index != int64(1+accepted(tt.want[:i])):
					t.Errorf("document %d is entry %d", i, res.entry.Index)
				case tt.want[i].status != http.StatusCreated && (res.problem == nil || res.problem.Status != tt.want[i].status ||
					res.problem.Type != problemDocs+tt.want[i].slug || res.problem.Detail == ""):
					t.Errorf("document %d: %+v, want %d %s", i, res.problem, tt.want[i].status, tt.want[i].slug)
				}
			}
			if got, want := e.srv.log.Size(), int64(1+accepted(tt.want)); got != want {
				t.Errorf("log size %d, want %d", got, want)
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

// batchWant is what the committer should answer one submission.
type batchWant struct {
	status int
	slug   string // problem type of a refusal
}

// accepted counts the submissions of ws that should be accepted.
func accepted(ws []batchWant) int {
	n := 0
	for _, w := range ws {
		if w.status == http.StatusCreated {
			n++
		}
	}
	return n
}
