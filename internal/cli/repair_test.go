package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
)

// newDataRig is a log rig whose data folder is laid out as `backstop
// serve --data DIR` lays it out (DIR/backstop.db, DIR/server.key), for
// `backstop repair --data DIR`. It returns the rig and DIR.
func newDataRig(t *testing.T) (*logRig, string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := signing.LoadOrCreateKeyPair(filepath.Join(dir, "server.key"), "backstop-log"); err != nil {
		t.Fatal(err)
	}
	key, err := signing.ReadKeyPair(filepath.Join(dir, "server.key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(dir, "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	r := &logRig{t: t, st: st, key: key, cfg: server.Config{Key: key}}
	t.Cleanup(func() {
		r.stop()
		st.Close()
	})
	r.start()
	var errOut bytes.Buffer
	if code := seed(context.Background(), r.srv, nil, Streams{Out: &errOut, Err: &errOut}); code != ExitOK {
		t.Fatalf("seeding: exit %d: %s", code, errOut.String())
	}
	return r, dir
}

// TestRepairZeroedHash: a zeroed tree-hash row makes the server refuse to
// start; repair recomputes it from the documents and the server starts on
// the same checkpoint.
func TestRepairZeroedHash(t *testing.T) {
	r, dir := newDataRig(t)
	r.submit("FI", "2025-09-15")
	exit, before, errOut := runCLI("verify", "--server", r.url(), "--log-key", r.key.Public)
	if exit != ExitOK {
		t.Fatalf("verify before: %d\n%s%s", exit, before, errOut)
	}
	r.stop()
	r.exec(`UPDATE tree_hashes SET hash = $1 WHERE idx = 6`, make([]byte, 32))
	if _, err := server.New(context.Background(), r.st, r.cfg); !errors.Is(err, server.ErrSelfCheck) || !strings.Contains(err.Error(), "stored tree hash 6") {
		t.Fatalf("New on a zeroed row = %v; want the self-check's refusal naming tree hash 6", err)
	}
	exit, out, errOut := runCLI("repair", "--data", dir, "--dry-run")
	if exit != ExitOK || !strings.Contains(out, "1 stored rows differ") || !strings.Contains(out, "nothing written") {
		t.Fatalf("repair --dry-run: exit %d\n%s%s", exit, out, errOut)
	}
	exit, out, errOut = runCLI("repair", "--data", dir)
	t.Logf("backstop repair:\n%s%s", out, errOut)
	if exit != ExitOK || !strings.Contains(out, "tree hash 6 (the node of level 2 over entries 0–3)") || !strings.Contains(out, "the documents give it") {
		t.Fatalf("repair: exit %d", exit)
	}
	r.start()
	exit, after, errOut := runCLI("verify", "--server", r.url(), "--log-key", r.key.Public)
	if exit != ExitOK || checkpointLine(before) != checkpointLine(after) {
		t.Errorf("after the repair: exit %d\n%s%s", exit, after, errOut)
	}
	r.stop()
	if exit, out, _ := runCLI("repair", "--data", dir); exit != ExitOK || !strings.Contains(out, "nothing to repair") {
		t.Errorf("a second repair: exit %d\n%s", exit, out)
	}
}

func checkpointLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "checkpoint") {
			return l
		}
	}
	return ""
}

// TestRepairRefusesChangedDocument: a document rewritten in place (its
// leaf and tree forged to match) cannot be repaired to the last signed
// checkpoint: repair refuses, and --force forks the log knowingly.
func TestRepairRefusesChangedDocument(t *testing.T) {
	r, dir := newDataRig(t)
	fi := r.submit("FI", "2025-09-15")
	r.stop()
	note := r.rewriteNote(fi)
	leaf := tlog.RecordHash(note)
	r.exec(`UPDATE entries SET note = $1, leaf_hash = $2 WHERE idx = $3`, note, leaf[:], fi)
	r.forgeTree()
	if _, err := server.New(context.Background(), r.st, r.cfg); !errors.Is(err, server.ErrSelfCheck) {
		t.Fatalf("New on a forged tree = %v", err)
	}
	exit, out, errOut := runCLI("repair", "--data", dir)
	if exit != ExitInvalid || !strings.Contains(out, "the documents give") || !strings.Contains(errOut, "nothing written") {
		t.Fatalf("repair: exit %d\n%s%s", exit, out, errOut)
	}
	exit, out, errOut = runCLI("repair", "--data", dir, "--force")
	t.Logf("backstop repair --force:\n%s%s", out, errOut)
	if exit != ExitOK || !strings.Contains(out, "moved the checkpoint file aside") || !strings.Contains(errOut, "fork") {
		t.Fatalf("repair --force: exit %d", exit)
	}
	if _, err := os.Stat(filepath.Join(dir, "backstop.db"+server.CheckpointFileSuffix)); !os.IsNotExist(err) {
		t.Errorf("the contradicted checkpoint file is still in place: %v", err)
	}
	r.start() // the forked log is served, signed anew
}

// TestVerifyCatchesEditedColumns: a declaration's date and revision
// edited in the database, served by a server that skips its self-check,
// fail verify's audit naming the entry and the columns.
func TestVerifyCatchesEditedColumns(t *testing.T) {
	r := newLogRig(t)
	fi := r.submit("FI", "2025-09-15")
	r.stop()
	r.exec(`UPDATE entries SET doc_date = '2026-12-31', revision = 9 WHERE idx = $1`, fi)
	r.cfg.TrustStore = true
	r.start()
	exit, out, errOut := runCLI("verify", "--server", r.url())
	t.Logf("backstop verify:\n%s%s", out, errOut)
	if exit != ExitInvalid {
		t.Errorf("exit %d, want %d", exit, ExitInvalid)
	}
	for _, want := range []string{`date is "2026-12-31" in the log but "2025-09-15" in the document`, `revision is "9" in the log but "0" in the document`} {
		if !checkLine(out, "FAIL", "audit", "entry "+itoa(fi)+": the log's columns differ from its document: ") || !strings.Contains(out, want) {
			t.Errorf("no FAIL audit line for entry %d saying …%s…", fi, want)
		}
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
