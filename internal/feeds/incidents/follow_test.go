package incidents

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/feeds"
	"github.com/backstop-dev/backstop/internal/model"
)

// TestFollowGrowingFile: lines appended to the file after the follow began
// are read, and cancelling (Ctrl-C) ends the follow.
func TestFollowGrowingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.jsonl")
	line := func(id, when string) string {
		return `{"id": "` + id + `", "time": "` + when + `", "type": "missile_strike", "country": "UA"}` + "\n"
	}
	if err := os.WriteFile(path, []byte(line("a", "2025-09-14T03:10:00Z")), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan string)
	done := make(chan error)
	go func() {
		done <- Follow(Growing(ctx, f), path, feeds.Options{}, func(inc model.Incident) error {
			got <- inc.ID
			return nil
		}, func(ds diag.Diagnostics) {
			for _, d := range ds {
				t.Errorf("unexpected diagnostic: %s", d)
			}
		})
	}()
	if id := <-got; id != "a" {
		t.Fatalf("first incident %q", id)
	}
	w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteString(line("b", "2025-09-14T04:00:00Z")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if id := <-got; id != "b" {
		t.Fatalf("appended incident %q", id)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("follow ended with %v", err)
	}
}
