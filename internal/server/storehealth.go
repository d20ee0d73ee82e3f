package server

import (
	"sync"
	"time"
)

// storeHealthState is what the appender knows of the store: the error of
// its last failed write, until a write succeeds, and whether the
// in-memory log may lag the store (an append whose outcome is unknown:
// the reply to its COMMIT was lost). Only the appender writes it.
type storeHealthState struct {
	mu  sync.Mutex
	err error     // nil while the store writes
	at  time.Time // when err was recorded
	// unsure: the record may lack entries the store holds; the appender
	// reads the store's size back before its next append.
	unsure bool
}

// storeHealth reports the store's health as the appender last found it:
// the error of the last append (or of reading the store back after it)
// when it failed and no append has succeeded since, and when that was;
// nil and the zero time while the store writes. /v1/health reads it.
func (s *Server) storeHealth() (at time.Time, lastErr error) {
	s.storeState.mu.Lock()
	defer s.storeState.mu.Unlock()
	return s.storeState.at, s.storeState.err
}

// storeFailed records a failed write (or read-back) of the store.
func (s *Server) storeFailed(err error) {
	s.storeState.mu.Lock()
	defer s.storeState.mu.Unlock()
	s.storeState.err, s.storeState.at = err, time.Now()
}

// storeWrote records a successful append: the store writes, and the
// record holds exactly what it holds.
func (s *Server) storeWrote() {
	s.storeState.mu.Lock()
	defer s.storeState.mu.Unlock()
	s.storeState.err, s.storeState.at, s.storeState.unsure = nil, time.Time{}, false
}

func (s *Server) setUnsure(v bool) {
	s.storeState.mu.Lock()
	defer s.storeState.mu.Unlock()
	s.storeState.unsure = v
}

func (s *Server) isUnsure() bool {
	s.storeState.mu.Lock()
	defer s.storeState.mu.Unlock()
	return s.storeState.unsure
}
