package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
	"github.com/backstop-dev/backstop/internal/witness"
)

// startWitness makes a witness key with `backstop witness --print-key`
// and serves a witness of the log key over HTTP.
func startWitness(t *testing.T, dir, name string, logKey note.Verifier) (url, vkey string) {
	t.Helper()
	keyPath := filepath.Join(dir, name+".key")
	exit, out, errOut := runCLI("witness", "--key", keyPath, "--name", name, "--print-key")
	if exit != ExitOK {
		t.Fatalf("witness --print-key: exit %d: %s", exit, errOut)
	}
	vkey = strings.TrimSpace(out)
	if pub, err := os.ReadFile(filepath.Join(dir, name+".pub")); err != nil || strings.TrimSpace(string(pub)) != vkey {
		t.Fatalf("the .pub file holds %q (%v), --print-key %q", pub, err, vkey)
	}
	signer, err := witness.ReadPrivate(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := witness.OpenState(filepath.Join(dir, name+"-state.json"))
	if err != nil {
		t.Fatal(err)
	}
	w, err := witness.New(signer, []note.Verifier{logKey}, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(w.Handler())
	t.Cleanup(func() {
		ts.Close()
		st.Close()
	})
	return ts.URL, vkey
}

// startLog serves the bundled example signed with key, asking the
// witnesses to cosign.
func startLog(t *testing.T, key signing.KeyPair, ws []server.Witness) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(ctx, st, server.Config{Key: key, Witnesses: ws})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
		st.Close()
	})
	var errOut bytes.Buffer
	if code := seed(ctx, srv, nil, Streams{Out: &errOut, Err: &errOut}); code != ExitOK {
		t.Fatalf("seeding: exit %d: %s", code, errOut.String())
	}
	return hs.URL
}

func submitTo(t *testing.T, url string, doc []byte) {
	t.Helper()
	c, err := client.New(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Submit(context.Background(), exampleFramework, doc); err != nil {
		t.Fatal(err)
	}
}

// waitCosignatures waits until the server's checkpoint carries n
// cosignatures, and returns its size.
func waitCosignatures(t *testing.T, url string, n int) int64 {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, url+"/v1/log/checkpoint", nil)
		req.Header.Set("Accept", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var cp api.Checkpoint
		err = json.NewDecoder(res.Body).Decode(&cp)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(cp.Cosignatures) == n {
			return cp.Size
		}
		if time.Now().After(deadline) {
			t.Fatalf("the checkpoint of %d entries has %d cosignatures after 20 s, want %d", cp.Size, len(cp.Cosignatures), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestVerifyWitnessQuorum: a server that shows a forked history, with the
// log's own key, is refused by the witnesses, and `verify --witnesses
// --quorum 2` accepts the honest log and refuses the fork.
func TestVerifyWitnessQuorum(t *testing.T) {
	dir := t.TempDir()
	skey, vkey, err := signing.GenerateKey("backstop-log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := signing.ParsePrivate(skey)
	if err != nil {
		t.Fatal(err)
	}
	logPub := filepath.Join(dir, "log.pub")
	os.WriteFile(logPub, []byte(vkey+"\n"), 0o644)

	var ws []server.Witness
	var list strings.Builder
	list.WriteString("# the witnesses we trust\n")
	for _, name := range []string{"kyiv", "paris", "warsaw"} {
		url, wkey := startWitness(t, dir, name, key.Verifier)
		ws = append(ws, server.Witness{URL: url})
		list.WriteString(wkey + "\n")
	}
	witnesses := filepath.Join(dir, "witnesses.txt")
	os.WriteFile(witnesses, []byte(list.String()), 0o644)

	honest := startLog(t, key, ws)
	waitCosignatures(t, honest, 3)
	submitTo(t, honest, signedDeclaration(t, "GB", "2025-10-01"))
	size := waitCosignatures(t, honest, 3)

	verify := func(url string, more ...string) (int, string) {
		args := append([]string{"verify", "--server", url, "--log-key", logPub, "--audit=false"}, more...)
		exit, out, errOut := runCLI(args...)
		return exit, out + errOut
	}
	if exit, out := verify(honest, "--witnesses", witnesses, "--quorum", "2"); exit != ExitOK || !checkLine(out, "ok  ", "witnesses", "cosigned by 3 of the 3 witnesses listed, 2 required") {
		t.Fatalf("verify of the honest log: exit %d\n%s", exit, out)
	}

	// The fork: the same key, the same example, another document at the
	// index the honest log gave GB's declaration.
	fork := startLog(t, key, ws)
	submitTo(t, fork, signedDeclaration(t, "GB", "2025-10-02"))
	// The fork's cosigner has asked (it asks after each append); give it
	// time, then check that it got nothing.
	time.Sleep(500 * time.Millisecond)
	exit, out := verify(fork, "--witnesses", witnesses, "--quorum", "2")
	if exit != ExitInvalid || !checkLine(out, "FAIL", "witnesses", "cosigned by 0 of the 3 witnesses listed, 2 required") ||
		!strings.Contains(out, "not signed: kyiv+") {
		t.Fatalf("verify of the fork: exit %d\n%s", exit, out)
	}
	// Without witnesses, the fork is a valid log signed by the log key:
	// this is what witnesses are for.
	if exit, out := verify(fork); exit != ExitOK {
		t.Fatalf("verify of the fork without witnesses: exit %d\n%s", exit, out)
	}
	// The witnesses still hold the honest size, and cosign the honest log as it grows.
	submitTo(t, honest, signedDeclaration(t, "FR", "2025-10-01"))
	if got := waitCosignatures(t, honest, 3); got != size+1 {
		t.Errorf("the honest log's cosigned size is %d, want %d", got, size+1)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"--quorum", "2"},
		{"--witnesses", witnesses, "--quorum", "4"},
		{"--witnesses", witnesses, "--quorum", "-1"},
		{"--witnesses", logPub},
	} {
		if exit, out := verify(honest, args...); exit != ExitUsage {
			t.Errorf("verify %v: exit %d\n%s", args, exit, out)
		}
	}
}

func TestWitnessFlags(t *testing.T) {
	exit, _, errOut := runCLI("witness", "--key", filepath.Join(t.TempDir(), "w.key"))
	if exit != ExitUsage || !strings.Contains(errOut, "--log-key is required") {
		t.Errorf("witness without --log-key: exit %d: %s", exit, errOut)
	}
	if _, err := witnessFlags([]string{"127.0.0.1:8090"}); err == nil {
		t.Error("--witness without a scheme accepted")
	}
	if ws, err := witnessFlags([]string{"http://127.0.0.1:8090/"}); err != nil || ws[0].URL != "http://127.0.0.1:8090" || ws[0].Key != nil {
		t.Errorf("witnessFlags = %+v, %v", ws, err)
	}
}
