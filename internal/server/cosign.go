package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/ledger"
	"github.com/backstop-dev/backstop/internal/witness"
)

// Witness is a witness the server asks to cosign its checkpoints
// (C2SP tlog-witness; docs/witness.md).
type Witness struct {
	// URL is the witness's submission prefix: add-checkpoint is
	// URL/add-checkpoint.
	URL string
	// Key is the witness's cosignature key; nil asks the witness for it
	// (GET URL/key) at first contact. The server only serves cosignatures
	// that verify with it; readers check them with the keys they trust.
	Key *witness.Verifier
}

// Cosigning timings: how long one witness may take to answer, and how
// often the server asks again when the log did not grow (a witness that
// was down, or a round that failed).
const (
	witnessTimeout = 10 * time.Second
	witnessRetry   = 30 * time.Second
)

// cosigner gathers cosignatures of the current checkpoint in the
// background: after each append (and every witnessRetry), each witness
// that has not cosigned the current checkpoint is sent it with a
// consistency proof from the size it last cosigned.
type cosigner struct {
	s      *Server
	client *http.Client
	ws     []*witnessState

	round sync.Mutex // one round at a time
}

// witnessState is what the server knows of one witness.
type witnessState struct {
	Witness
	mu   sync.Mutex
	size int64 // the size the witness last cosigned, as far as the server knows
	// The last cosignature received: of which checkpoint, when.
	cosigned ledger.Checkpoint
	line     string
	at       time.Time
	lastErr  string
}

// startCosigner starts gathering cosignatures when witnesses are
// configured; it stops when the server closes.
func (s *Server) startCosigner() {
	if len(s.cfg.Witnesses) == 0 {
		return
	}
	c := &cosigner{s: s, client: &http.Client{Timeout: witnessTimeout}}
	for _, w := range s.cfg.Witnesses {
		c.ws = append(c.ws, &witnessState{Witness: w})
	}
	s.cosign = c
	go c.run()
}

func (c *cosigner) run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-c.s.closing
		cancel()
	}()
	retry := time.NewTicker(witnessRetry)
	defer retry.Stop()
	for {
		next := c.s.changes.wait() // before the round: no append is missed
		c.cosignAll(ctx)
		select {
		case <-next:
		case <-retry.C:
		case <-ctx.Done():
			return
		}
	}
}

// cosignAll asks every witness that has not cosigned the current
// checkpoint to cosign it, and waits for their answers.
func (c *cosigner) cosignAll(ctx context.Context) {
	c.round.Lock()
	defer c.round.Unlock()
	signed, cp, err := c.s.log.Checkpoint()
	if err != nil || cp.Size == 0 {
		return
	}
	var wg sync.WaitGroup
	for _, w := range c.ws {
		w.mu.Lock()
		done := w.cosigned == cp
		w.mu.Unlock()
		if done {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			wctx, cancel := context.WithTimeout(ctx, witnessTimeout)
			defer cancel()
			if err := c.ask(wctx, w, signed, cp); err != nil {
				w.mu.Lock()
				w.lastErr = err.Error()
				w.mu.Unlock()
				c.s.logger.Warn("witness did not cosign", "witness", w.URL, "size", cp.Size, "error", err.Error())
			}
		}()
	}
	wg.Wait()
}

// errWitnessAhead is a witness that has cosigned a larger tree of this
// log than the server has: it saw another history, or the store was
// rolled back.
var errWitnessAhead = errors.New("the witness cosigned a larger tree of this log than the server holds: another history of this log was shown to it, or the store was rolled back")

// ask sends one witness the checkpoint, learning the witness's size from a
// 409 once.
func (c *cosigner) ask(ctx context.Context, w *witnessState, signed []byte, cp ledger.Checkpoint) error {
	w.mu.Lock()
	key, old := w.Key, w.size
	w.mu.Unlock()
	if key == nil {
		k, err := witness.FetchKey(ctx, c.client, w.URL)
		if err != nil {
			return err
		}
		key = k
		w.mu.Lock()
		w.Key = k
		w.mu.Unlock()
		c.s.logger.Info("witness key", "witness", w.URL, "key", k.String())
	}
	for attempt := 0; ; attempt++ {
		if old > cp.Size {
			return errWitnessAhead
		}
		var proof tlog.TreeProof
		if old > 0 && old < cp.Size {
			p, err := c.s.log.ProveConsistency(old, cp.Size)
			if err != nil {
				return err
			}
			proof = p
		}
		lines, err := witness.AddCheckpoint(ctx, c.client, w.URL, old, proof, signed)
		var conflict *witness.ConflictError
		if errors.As(err, &conflict) && conflict.Size != old && attempt == 0 {
			old = conflict.Size
			continue
		}
		if errors.As(err, &conflict) {
			w.mu.Lock()
			w.size = conflict.Size
			w.mu.Unlock()
			if conflict.Size == cp.Size {
				return errors.New("the witness cosigned another tree of the same size: another history of this log was shown to it")
			}
		}
		if err != nil {
			return err
		}
		got, err := witness.Cosignatures(append(append([]byte(nil), signed...), lines...), []*witness.Verifier{key})
		if err != nil {
			return err
		}
		if len(got) == 0 {
			return errors.New("the witness answered without a cosignature by its key " + key.ID())
		}
		w.mu.Lock()
		w.size, w.cosigned, w.line, w.at, w.lastErr = cp.Size, cp, got[0].Line, got[0].Time, ""
		w.mu.Unlock()
		return nil
	}
}

// cosigned adds to the signed checkpoint cp the cosignatures gathered for
// it, and lists them.
func (s *Server) cosigned(signed []byte, cp ledger.Checkpoint) ([]byte, []api.Cosignature) {
	if s.cosign == nil {
		return signed, nil
	}
	var b bytes.Buffer
	var list []api.Cosignature
	for _, w := range s.cosign.ws {
		w.mu.Lock()
		if w.cosigned == cp && w.line != "" {
			if b.Len() == 0 {
				b.Write(signed)
			}
			b.WriteString(w.line)
			list = append(list, api.Cosignature{Witness: w.Key.Name(), Key: w.Key.ID(), Time: w.at})
		}
		w.mu.Unlock()
	}
	if b.Len() == 0 {
		return signed, nil
	}
	return b.Bytes(), list
}

// witnessHealth is when a witness last cosigned a checkpoint of this log
// (zero: never, or no witness configured) and how many witnesses are
// configured.
func (s *Server) witnessHealth() (last time.Time, count int) {
	if s.cosign == nil {
		return time.Time{}, 0
	}
	for _, w := range s.cosign.ws {
		w.mu.Lock()
		if w.at.After(last) {
			last = w.at
		}
		w.mu.Unlock()
	}
	return last, len(s.cosign.ws)
}
