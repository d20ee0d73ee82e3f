package ledger

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/store"
)

// TestGuardRefusesInconsistent: a guarded log signs only extensions of the
// last checkpoint it signed, records each before handing it out, and
// refuses a tree that shrank or whose history changed.
func TestGuardRefusesInconsistent(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "log.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k := newKey(t, "log.example")
	l, err := Open(ctx, st, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	add := func(n int) {
		var es []store.Entry
		for range n {
			es = append(es, store.Entry{Note: fmt.Appendf(nil, "document %d\n", l.Size()+int64(len(es))), Kind: "Incidents", Framework: "fw", Received: time.Now()})
		}
		if _, err := l.Append(ctx, es, nil); err != nil {
			t.Fatal(err)
		}
	}
	add(5)
	var recorded []Checkpoint
	l.Guard(nil, func(c Checkpoint, signed []byte) error {
		if _, err := ParseCheckpoint(signed, k.Verifier); err != nil {
			t.Errorf("recorded a checkpoint that does not verify: %v", err)
		}
		recorded = append(recorded, c)
		return nil
	})
	_, c5, err := l.Checkpoint()
	if err != nil || len(recorded) != 1 || recorded[0] != c5 {
		t.Fatalf("first checkpoint: %v; recorded %v", err, recorded)
	}
	add(3)
	_, c8, err := l.Checkpoint()
	if err != nil || len(recorded) != 2 {
		t.Fatalf("an extension was refused: %v", err)
	}
	if last, ok := l.LastSigned(); !ok || last != c8 {
		t.Errorf("LastSigned = %+v", last)
	}

	// A fork: the last one signed is another history of 5 entries.
	forged := c5
	forged.Root[0] ^= 1
	l.Guard(&forged, nil)
	l.signed = nil // as after a restart: nothing signed yet for this size
	if _, _, err := l.Checkpoint(); !errors.Is(err, ErrNotExtension) {
		t.Errorf("signed over a rewritten history: %v", err)
	}
	// A rollback: the last one signed is larger than the tree.
	bigger := Checkpoint{Origin: c8.Origin, Size: 9, Root: c8.Root}
	l.Guard(&bigger, nil)
	if _, _, err := l.Checkpoint(); !errors.Is(err, ErrNotExtension) {
		t.Errorf("signed a smaller checkpoint: %v", err)
	}
	// Same size, another root.
	same := c8
	same.Root[31] ^= 1
	l.Guard(&same, nil)
	if _, _, err := l.Checkpoint(); !errors.Is(err, ErrNotExtension) {
		t.Errorf("signed a second root for one size: %v", err)
	}
	// A record that fails withholds the checkpoint.
	l.Guard(&c8, func(Checkpoint, []byte) error { return errors.New("disk full") })
	add(1)
	if _, _, err := l.Checkpoint(); err == nil {
		t.Error("a checkpoint that could not be recorded was handed out")
	}
	// Extends, the start-up check.
	if _, err := l.Extends(c5); err != nil {
		t.Errorf("Extends(c5): %v", err)
	}
	if _, err := l.Extends(forged); err == nil {
		t.Error("Extends a forged root")
	}
	if _, err := l.Extends(Checkpoint{Size: 99}); err == nil {
		t.Error("Extends a larger checkpoint")
	}
}

func TestRecomputeAndDescribe(t *testing.T) {
	m := buildTree(t, 13)
	var r Recompute
	for i := range 13 {
		if _, err := r.Add(fmt.Appendf(nil, "record %d\n", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range r.Hashes() {
		if h != m.stored[i] {
			t.Fatalf("recomputed hash %d differs", i)
		}
	}
	if root, err := r.Root(13); err != nil || root != mth(m.leaves) {
		t.Errorf("Root = %v, %v", root, err)
	}
	for i, want := range map[int64]string{0: "the leaf of entry 0", 2: "the node of level 1 over entries 0–1", 1: "the leaf of entry 1"} {
		if got := DescribeHash(i); got != want {
			t.Errorf("DescribeHash(%d) = %q, want %q", i, got, want)
		}
	}
}
