package witness

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/atomicfile"
)

// Record is what a witness keeps of one log: the last checkpoint it
// cosigned.
type Record struct {
	Size int64     `json:"size"`
	Root tlog.Hash `json:"root"`
	// Checkpoint is the signed note as the log sent it: the log's own
	// signed statement, kept as evidence should it ever show another.
	Checkpoint string    `json:"checkpoint"`
	CosignedAt time.Time `json:"cosigned_at"`
}

// stateFile is the state file's JSON.
type stateFile struct {
	Logs map[string]Record `json:"logs"` // by origin
}

// State is a witness's state file, held by one process at a time: Open
// takes a lock that Close releases, and every Put replaces the file
// atomically (a temporary file, synced, renamed over it), so that a crash
// leaves the old state or the new one, never a mix.
type State struct {
	path string
	lock *os.File

	mu   sync.Mutex
	logs map[string]Record
}

// OpenState reads (or starts) the state file at path and locks it; a
// second process opening the same file gets an error.
func OpenState(path string) (*State, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	lock, err := lockFile(path + ".lock")
	if err != nil {
		return nil, err
	}
	s := &State{path: path, lock: lock, logs: map[string]Record{}}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		s.Close()
		return nil, err
	default:
		var f stateFile
		if err := json.Unmarshal(b, &f); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s: not a witness state file: %v", path, err)
		}
		for origin, r := range f.Logs {
			s.logs[origin] = r
		}
	}
	return s, nil
}

// Close releases the lock.
func (s *State) Close() error {
	if s.lock == nil {
		return nil
	}
	err := unlockFile(s.lock)
	s.lock = nil
	return err
}

// Get returns the record of a log.
func (s *State) Get(origin string) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.logs[origin]
	return r, ok
}

// Origins lists the logs the state holds, sorted.
func (s *State) Origins() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.logs))
	for o := range s.logs {
		out = append(out, o)
	}
	sort.Strings(out)
	return out
}

// Put records a log's new checkpoint and writes the file before it
// returns; on error the state is as it was.
func (s *State) Put(origin string, r Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := stateFile{Logs: make(map[string]Record, len(s.logs)+1)}
	for o, rec := range s.logs {
		f.Logs[o] = rec
	}
	f.Logs[origin] = r
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(s.path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("writing the witness state: %w", err)
	}
	s.logs[origin] = r
	return nil
}
