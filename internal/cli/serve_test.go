package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/examples"
	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// exampleFramework is the id of the bundled example's framework.
const exampleFramework = "ukraine-2025"

// demoKey reads a party's demo key from the bundled example.
func demoKey(tb testing.TB, party string) signing.KeyPair {
	tb.Helper()
	k, err := signing.ReadKeyPair(filepath.Join("..", "..", "examples", "ukraine-2025", "keys", party+".key"))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

var dateLine = regexp.MustCompile(`(?m)^date: .*$`)

// declarationTemplate is the party's last declaration in the bundled
// example, split around the value of its date line.
func declarationTemplate(tb testing.TB, party string) (before, after []byte) {
	tb.Helper()
	src, err := examples.Ukraine2025.ReadFile("ukraine-2025/declarations/" + strings.ToLower(party) + ".yaml")
	if err != nil {
		tb.Fatal(err)
	}
	docs := load.SplitDocuments(src)
	doc := docs[len(docs)-1]
	loc := dateLine.FindIndex(doc)
	if loc == nil {
		tb.Fatalf("%s's declaration has no date line", party)
	}
	return doc[:loc[0]+len("date: ")], doc[loc[1]:]
}

// signedDeclaration is the party's example declaration dated date,
// signed with its demo key.
func signedDeclaration(tb testing.TB, party, date string) []byte {
	tb.Helper()
	before, after := declarationTemplate(tb, party)
	doc := append(append(append([]byte{}, before...), date...), after...)
	signed, err := signing.Sign(doc, demoKey(tb, party).Signer)
	if err != nil {
		tb.Fatal(err)
	}
	return signed
}

// runCLI runs backstop in-process.
func runCLI(args ...string) (exit int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	exit = Main(args, strings.NewReader(""), &out, &errOut)
	return exit, out.String(), errOut.String()
}

// logRig is a server on loopback over a SQLite store that the test may
// tamper with between stop and start, as an operator with access to the
// database could.
type logRig struct {
	t   *testing.T
	st  *store.Store
	key signing.KeyPair
	cfg server.Config
	srv *server.Server
	hs  *httptest.Server
}

// newLogRig starts a server seeded with the bundled example, as `backstop
// serve` seeds it.
func newLogRig(t *testing.T) *logRig { return newLogRigWith(t, server.Config{}) }

// newLogRigWith is newLogRig with the rest of the server's Config (its
// key is the rig's).
func newLogRigWith(t *testing.T, cfg server.Config) *logRig {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	private, _, err := signing.GenerateKey("backstop-log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := signing.ParsePrivate(private)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Key = key
	r := &logRig{t: t, st: st, key: key, cfg: cfg}
	t.Cleanup(func() {
		r.stop()
		st.Close()
	})
	r.start()
	var errOut bytes.Buffer
	if code := seed(context.Background(), r.srv, nil, Streams{Out: &errOut, Err: &errOut}); code != ExitOK {
		t.Fatalf("seeding: exit %d: %s", code, errOut.String())
	}
	return r
}

// start opens a server on the store, which rebuilds the record from it.
func (r *logRig) start() {
	r.t.Helper()
	srv, err := server.New(context.Background(), r.st, r.cfg)
	if err != nil {
		r.t.Fatalf("restarting on the store: %v", err)
	}
	r.srv, r.hs = srv, httptest.NewServer(srv.Handler())
}

// stop shuts the HTTP server and the appender down; the store stays open.
func (r *logRig) stop() {
	if r.hs != nil {
		r.hs.Close()
		r.srv.Close()
		r.hs, r.srv = nil, nil
	}
}

func (r *logRig) url() string { return r.hs.URL }

// submit sends party's example declaration dated date, which must be
// accepted, and returns its entry's index.
func (r *logRig) submit(party, date string) int64 {
	r.t.Helper()
	c, err := client.New(r.url(), nil)
	if err != nil {
		r.t.Fatal(err)
	}
	acc, err := c.Submit(context.Background(), exampleFramework, signedDeclaration(r.t, party, date))
	if err != nil {
		r.t.Fatalf("submitting %s's declaration of %s: %v", party, date, err)
	}
	return acc.Entry.Index
}

// exec runs SQL on the stopped server's database.
func (r *logRig) exec(query string, args ...any) {
	r.t.Helper()
	if _, err := r.st.DB().ExecContext(context.Background(), query, args...); err != nil {
		r.t.Fatalf("%s: %v", query, err)
	}
}

// rewriteNote changes a pledge's quantity in the document of entry idx
// and returns the changed document.
func (r *logRig) rewriteNote(idx int64) []byte {
	r.t.Helper()
	e, err := r.st.Entry(context.Background(), idx)
	if err != nil {
		r.t.Fatal(err)
	}
	changed := bytes.Replace(e.Note, []byte("quantity: 800\n"), []byte("quantity: 80\n"), 1)
	if bytes.Equal(changed, e.Note) {
		r.t.Fatalf("entry %d has no quantity: 800 to change:\n%s", idx, e.Note)
	}
	return changed
}

// forgeTree recomputes every stored tree hash from the leaf hashes the
// entries table now holds: the consistent tree a server that rewrote its
// history would present.
func (r *logRig) forgeTree() {
	r.t.Helper()
	ctx := context.Background()
	size, err := r.st.Size(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for start := int64(0); start < size; {
		page, err := r.st.Entries(ctx, start, 1000)
		if err != nil {
			r.t.Fatal(err)
		}
		for _, e := range page {
			hs, err := tlog.StoredHashesForRecordHash(e.Index, e.LeafHash, reader)
			if err != nil {
				r.t.Fatal(err)
			}
			stored = append(stored, hs...)
		}
		start += int64(len(page))
	}
	tx, err := r.st.DB().BeginTx(ctx, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM tree_hashes`); err != nil {
		r.t.Fatal(err)
	}
	for i, h := range stored {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tree_hashes (idx, hash) VALUES ($1, $2)`, int64(i), h[:]); err != nil {
			r.t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		r.t.Fatal(err)
	}
}

// checkLine reports whether verify's output has a line marked mark
// ("ok" or "FAIL") for check whose text contains want.
func checkLine(out, mark, check, want string) bool {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(mark) + ` +` + regexp.QuoteMeta(check) + ` .*` + regexp.QuoteMeta(want))
	return re.MatchString(out)
}

// TestVerifyCatchesTampering: `backstop verify` notices each way an
// operator with write access to the database could change the record
// behind its parties' backs, given the checkpoint a party kept.
func TestVerifyCatchesTampering(t *testing.T) {
	// setup is the record every case starts from: the example, then a
	// declaration of five parties signed with their own keys, audited once
	// with the checkpoint saved. It returns the checkpoint's file and the
	// entry of FI's declaration.
	setup := func(t *testing.T) (*logRig, string, int64) {
		r := newLogRig(t)
		fi := r.submit("FI", "2025-09-15")
		r.submit("SE", "2025-09-16")
		r.submit("DE", "2025-09-17")
		r.submit("FR", "2025-09-18")
		r.submit("IT", "2025-09-19")
		cp := filepath.Join(t.TempDir(), "checkpoint.txt")
		exit, out, errOut := runCLI("verify", "--server", r.url(), "--save", cp)
		if exit != ExitOK || !checkLine(out, "ok", "audit", "every document hashes to its leaf") {
			t.Fatalf("the untampered log: exit %d\n%s%s", exit, out, errOut)
		}
		return r, cp, fi
	}

	t.Run("untampered", func(t *testing.T) {
		r, cp, fi := setup(t)
		dir := t.TempDir()
		submitted := filepath.Join(dir, "fi.signed")
		if err := os.WriteFile(submitted, signedDeclaration(t, "FI", "2025-09-15"), 0o644); err != nil {
			t.Fatal(err)
		}
		never := filepath.Join(dir, "se.signed")
		if err := os.WriteFile(never, signedDeclaration(t, "SE", "2025-12-01"), 0o644); err != nil {
			t.Fatal(err)
		}
		garbage := filepath.Join(dir, "garbage.txt")
		if err := os.WriteFile(garbage, []byte("this is not a checkpoint\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		other, _, err := signing.GenerateKey("backstop-log")
		if err != nil {
			t.Fatal(err)
		}
		otherKey, err := signing.ParsePrivate(other)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name        string
			args        []string
			exit        int
			mark, check string
			want        string
			// stderr: verify's last word. A bad checkpoint ends it at once,
			// before the summary the other failures get.
			stderr string
		}{
			{"since", []string{"--since", cp, "--log-key", r.key.Public}, ExitOK, "ok", "since", "the log only grew", ""},
			{"document-submitted", []string{"--document", submitted}, ExitOK, "ok", "document", fmt.Sprintf("fi.signed is entry %d of the log", fi), ""},
			{"document-never-submitted", []string{"--document", never}, ExitInvalid, "FAIL", "document", "se.signed is not in the log", "the log failed a check"},
			{"log-key-of-another-server", []string{"--log-key", otherKey.Public}, ExitInvalid, "FAIL", "checkpoint", "not signed by the log key " + otherKey.ID(), ""},
			// A file that is no checkpoint fails the check (exit 1), naming
			// the file and why, rather than being taken as a usage error.
			{"since-garbage", []string{"--since", garbage}, ExitInvalid, "FAIL", "since", garbage + ": bad checkpoint: malformed note", "the log failed a check"},
		} {
			t.Run(c.name, func(t *testing.T) {
				exit, out, errOut := runCLI(append([]string{"verify", "--server", r.url()}, c.args...)...)
				if exit != c.exit || !checkLine(out, c.mark, c.check, c.want) {
					t.Fatalf("exit %d, want %d and a line %q %s …%s…\nstdout:\n%sstderr:\n%s", exit, c.exit, c.mark, c.check, c.want, out, errOut)
				}
				if !strings.Contains(errOut, c.stderr) {
					t.Errorf("stderr does not say %q:\n%s", c.stderr, errOut)
				}
				t.Logf("exit %d\n%s%s", exit, out, errOut)
			})
		}
	})

	for _, c := range []struct {
		name string
		// tamper changes the database of the stopped server; after runs
		// once the server has been restarted on it.
		tamper func(t *testing.T, r *logRig, fi int64)
		after  func(t *testing.T, r *logRig)
		// The check that must fail, with part of its message, and those
		// that must still pass: each failure is caught by the check meant
		// to catch it.
		check, want string
		pass        []string
	}{
		{
			name: "document-rewritten-in-place",
			tamper: func(t *testing.T, r *logRig, fi int64) {
				r.exec(`UPDATE entries SET note = $1 WHERE idx = $2`, r.rewriteNote(fi), fi)
			},
			check: "audit", want: "the document served does not hash to its leaf",
			pass: []string{"checkpoint", "since"},
		},
		{
			name: "history-rewritten",
			tamper: func(t *testing.T, r *logRig, _ int64) {
				size, err := r.st.Size(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				r.exec(`DELETE FROM entries WHERE idx >= $1`, size-3)
				r.exec(`DELETE FROM tree_hashes WHERE idx >= $1`, tlog.StoredHashCount(size-3))
			},
			after: func(t *testing.T, r *logRig) {
				// Four documents the checkpoint never saw: the log is longer
				// than it was, so that only a consistency proof can tell.
				r.submit("PL", "2025-10-01")
				r.submit("CA", "2025-10-02")
				r.submit("GB", "2025-10-03")
				r.submit("DE", "2025-10-04")
			},
			check: "since", want: "does not extend the checkpoint",
			pass: []string{"checkpoint", "audit"},
		},
		{
			name: "tree-forged",
			tamper: func(t *testing.T, r *logRig, fi int64) {
				note := r.rewriteNote(fi)
				leaf := tlog.RecordHash(note)
				r.exec(`UPDATE entries SET note = $1, leaf_hash = $2 WHERE idx = $3`, note, leaf[:], fi)
				r.forgeTree()
			},
			check: "since", want: "different roots: history was rewritten",
			pass: []string{"checkpoint"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, cp, fi := setup(t)
			r.stop()
			c.tamper(t, r, fi)
			// A dishonest operator's server: it skips the start-up
			// self-check that would refuse the tampered store.
			r.cfg.TrustStore = true
			r.start()
			if c.after != nil {
				c.after(t, r)
			}
			exit, out, errOut := runCLI("verify", "--server", r.url(), "--since", cp)
			t.Logf("backstop verify --since:\n%s", out)
			if exit != ExitInvalid {
				t.Errorf("exit %d, want %d", exit, ExitInvalid)
			}
			if !checkLine(out, "FAIL", c.check, c.want) {
				t.Errorf("no FAIL line for %s saying …%s…", c.check, c.want)
			}
			for _, p := range c.pass {
				if !checkLine(out, "ok", p, "") {
					t.Errorf("check %s did not pass; it is not the one meant to catch this", p)
				}
			}
			if !strings.Contains(errOut, "keep your saved checkpoint as evidence") {
				t.Errorf("stderr:\n%s", errOut)
			}
			if c.name == "tree-forged" {
				// Without a kept checkpoint the forged tree is consistent in
				// itself; the audit still catches it, because the server
				// cannot sign the changed document as its party.
				exit, out, _ := runCLI("verify", "--server", r.url())
				if exit != ExitInvalid || !checkLine(out, "FAIL", "audit", "signature does not verify") {
					t.Errorf("without --since: exit %d, want %d with the audit failing on the signature\n%s", exit, ExitInvalid, out)
				}
			}
		})
	}
}
