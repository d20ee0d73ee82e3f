package client

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// newServer starts a server over an empty SQLite log and returns its
// client and key.
func newServer(t *testing.T) (*Client, signing.KeyPair) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	private, _, err := signing.GenerateKey("backstop-log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := signing.ParsePrivate(private)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(ctx, st, server.Config{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	c, err := New(hs.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func TestVerifyReportsEachCheck(t *testing.T) {
	c, key := newServer(t)
	ctx := context.Background()
	var seen []Check
	rep, err := Verify(ctx, c, VerifyOptions{LogKey: key.Verifier, Audit: true, OnCheck: func(c Check) { seen = append(seen, c) }})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Checkpoint == nil || len(rep.Checks) != 2 || len(seen) != 2 {
		t.Fatalf("a sound empty log: %+v (seen %+v)", rep, seen)
	}
	if rep.Checks[0].Name != "checkpoint" || !strings.Contains(rep.Checks[0].Message, "pinned with --log-key") || rep.Checks[1].Name != "audit" {
		t.Errorf("checks: %+v", rep.Checks)
	}

	// The checkpoint kept: the log has only grown since.
	rep2, err := Verify(ctx, c, VerifyOptions{Since: rep.Signed, SinceName: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep2.OK() || len(rep2.Checks) != 2 || rep2.Checks[1].Name != "since" {
		t.Errorf("since a kept checkpoint: %+v", rep2.Checks)
	}
	if !strings.Contains(rep2.Checks[0].Message, "trusted on first use") {
		t.Errorf("an unpinned key should be said to be trusted on first use: %s", rep2.Checks[0].Message)
	}

	// Not a checkpoint: the since check fails, the report is not OK.
	rep3, err := Verify(ctx, c, VerifyOptions{Since: []byte("nonsense\n"), SinceName: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	if rep3.OK() || rep3.Checks[1].OK || !strings.HasPrefix(rep3.Checks[1].Message, "kept: ") {
		t.Errorf("a kept file that is no checkpoint: %+v", rep3.Checks)
	}
}

func TestVerifyWrongKeyStopsAtTheCheckpoint(t *testing.T) {
	c, _ := newServer(t)
	private, _, err := signing.GenerateKey("backstop-log")
	if err != nil {
		t.Fatal(err)
	}
	other, err := signing.ParsePrivate(private)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), c, VerifyOptions{LogKey: other.Verifier, Audit: true, Since: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Checkpoint != nil || len(rep.Checks) != 1 || rep.Checks[0].OK {
		t.Errorf("a checkpoint signed by another key: %+v", rep)
	}
}

func TestVerifyUnreachable(t *testing.T) {
	c, err := New("http://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), c, VerifyOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), "fetching the log key: ") || rep == nil || len(rep.Checks) != 0 {
		t.Errorf("an unreachable server: %v, %+v", err, rep)
	}
}
