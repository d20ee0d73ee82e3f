package witness

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/backstop-dev/backstop/internal/ledger"
)

// MaxProof is the most consistency proof lines tlog-witness allows.
const MaxProof = 63

// Witness cosigns the checkpoints of the logs it knows, each only if it
// extends the last one it cosigned for that log.
type Witness struct {
	signer *Signer
	logs   map[string]note.Verifier // by origin, the log key's name
	state  *State
	logger *slog.Logger

	mu sync.Mutex // checking the old size and recording the new one are one step
}

// New makes a witness of the logs whose keys are given; a backstop log's
// origin is its key's name. The logger may be nil.
func New(signer *Signer, logs []note.Verifier, state *State, logger *slog.Logger) (*Witness, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	w := &Witness{signer: signer, logs: map[string]note.Verifier{}, state: state, logger: logger}
	for _, v := range logs {
		if _, dup := w.logs[v.Name()]; dup {
			return nil, fmt.Errorf("two log keys for origin %s", v.Name())
		}
		w.logs[v.Name()] = v
	}
	return w, nil
}

// Key is the witness's public key, for the logs' readers to list.
func (w *Witness) Key() *Verifier { return w.signer.Verifier() }

// Error is a refusal, with the HTTP status tlog-witness gives it.
type Error struct {
	Status int
	Msg    string
	// Size is the size of the last checkpoint cosigned, with a 409.
	Size int64
}

func (e *Error) Error() string { return e.Msg }

func refuse(status int, format string, a ...any) *Error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, a...)}
}

// Add is tlog-witness's add-checkpoint: checkpoint (a signed note) is
// cosigned if the log's key signed it, old is the size of the last
// checkpoint this witness cosigned for that log (0 for none), and proof
// shows that the new tree extends that one. It returns the cosignature
// line, having recorded the checkpoint; a refusal is an *Error.
func (w *Witness) Add(old int64, proof tlog.TreeProof, checkpoint []byte) (string, error) {
	origin, _, _ := bytes.Cut(checkpoint, []byte("\n"))
	v, ok := w.logs[string(origin)]
	if !ok {
		return "", refuse(http.StatusNotFound, "this witness knows no log with origin %q", abbreviate(string(origin)))
	}
	n, err := note.Open(checkpoint, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		if errors.As(err, &unverified) || errors.As(err, &invalid) {
			return "", refuse(http.StatusForbidden, "the checkpoint is not signed by the log key %s+%08x", v.Name(), v.KeyHash())
		}
		return "", refuse(http.StatusBadRequest, "not a signed checkpoint: %v", err)
	}
	cp, err := ledger.ParseCheckpoint(checkpoint, v)
	if err != nil {
		return "", refuse(http.StatusBadRequest, "%v", err)
	}
	if old > cp.Size {
		return "", refuse(http.StatusBadRequest, "old size %d is larger than the checkpoint's %d", old, cp.Size)
	}
	if old == 0 && len(proof) > 0 {
		return "", refuse(http.StatusBadRequest, "a consistency proof from size 0 must be empty")
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	rec, seen := w.state.Get(cp.Origin)
	if old != rec.Size {
		return "", &Error{Status: http.StatusConflict, Size: rec.Size,
			Msg: fmt.Sprintf("the last checkpoint cosigned for %s has %d entries, not %d", cp.Origin, rec.Size, old)}
	}
	switch {
	case old == cp.Size:
		if seen && rec.Root != cp.Root {
			w.logger.Warn("refused a checkpoint: same size, another root: the log has two histories",
				"origin", cp.Origin, "size", cp.Size, "cosigned_root", rec.Root.String(), "root", cp.Root.String(),
				"cosigned", rec.Checkpoint, "refused", string(checkpoint))
			return "", &Error{Status: http.StatusConflict, Size: rec.Size,
				Msg: fmt.Sprintf("a checkpoint of %d entries with another root was cosigned: the log has two histories", rec.Size)}
		}
	case old > 0:
		if err := ledger.VerifyConsistency(ledger.Checkpoint{Origin: cp.Origin, Size: rec.Size, Root: rec.Root}, cp, proof); err != nil {
			w.logger.Warn("refused a checkpoint: no valid consistency proof from the one cosigned",
				"origin", cp.Origin, "old", old, "size", cp.Size, "error", err.Error(),
				"cosigned", rec.Checkpoint, "refused", string(checkpoint))
			return "", refuse(http.StatusUnprocessableEntity, "the consistency proof from %d to %d entries does not verify: %v", old, cp.Size, err)
		}
	}
	line, err := signatureLine(w.signer, []byte(n.Text))
	if err != nil {
		return "", refuse(http.StatusInternalServerError, "cosigning: %v", err)
	}
	if err := w.state.Put(cp.Origin, Record{Size: cp.Size, Root: cp.Root, Checkpoint: string(checkpoint), CosignedAt: time.Now().UTC()}); err != nil {
		return "", refuse(http.StatusInternalServerError, "%v", err)
	}
	w.logger.Info("cosigned", "origin", cp.Origin, "old", old, "size", cp.Size, "root", cp.Root.String())
	return line, nil
}

// Handler serves the witness over HTTP, its submission and monitoring
// prefixes being the root:
//
//	POST /add-checkpoint   tlog-witness's add-checkpoint
//	GET  /key              the witness's public key (vkey), a line
//	GET  /checkpoint?origin=O   the last checkpoint cosigned for O (not in tlog-witness)
func (w *Witness) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /add-checkpoint", w.handleAdd)
	mux.HandleFunc("GET /key", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(rw, w.Key())
	})
	mux.HandleFunc("GET /checkpoint", func(rw http.ResponseWriter, r *http.Request) {
		rec, ok := w.state.Get(r.URL.Query().Get("origin"))
		if !ok {
			http.Error(rw, "no checkpoint cosigned for this origin", http.StatusNotFound)
			return
		}
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(rw, rec.Checkpoint)
	})
	return mux
}

// maxRequest bounds an add-checkpoint body: 63 proof lines and a
// checkpoint with its signatures fit many times over.
const maxRequest = 64 << 10

func (w *Witness) handleAdd(rw http.ResponseWriter, r *http.Request) {
	body, err := readAll(http.MaxBytesReader(rw, r.Body, maxRequest))
	if err != nil {
		http.Error(rw, "reading the request: "+err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	old, proof, checkpoint, err := ParseRequest(body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	line, err := w.Add(old, proof, checkpoint)
	var e *Error
	switch {
	case errors.As(err, &e) && e.Status == http.StatusConflict:
		rw.Header().Set("Content-Type", "text/x.tlog.size")
		rw.WriteHeader(http.StatusConflict)
		fmt.Fprintf(rw, "%d\n", e.Size)
	case errors.As(err, &e):
		http.Error(rw, e.Msg, e.Status)
	case err != nil:
		http.Error(rw, err.Error(), http.StatusInternalServerError)
	default:
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(rw, line)
	}
}

// Request is the body of an add-checkpoint request.
func Request(old int64, proof tlog.TreeProof, checkpoint []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", old)
	for _, h := range proof {
		b.WriteString(h.String())
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.Write(checkpoint)
	return b.Bytes()
}

// ParseRequest reads an add-checkpoint body: "old N", up to 63 base64
// hashes a line, a blank line, the checkpoint.
func ParseRequest(body []byte) (old int64, proof tlog.TreeProof, checkpoint []byte, err error) {
	line, rest, ok := bytes.Cut(body, []byte("\n"))
	num, hasOld := bytes.CutPrefix(line, []byte("old "))
	if !ok || !hasOld || !decimal(num) {
		return 0, nil, nil, errors.New(`the body must start with an "old SIZE" line`)
	}
	old, err = strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("old size %q: %v", num, err)
	}
	for {
		line, rest, ok = bytes.Cut(rest, []byte("\n"))
		if !ok {
			return 0, nil, nil, errors.New("no blank line before the checkpoint")
		}
		if len(line) == 0 {
			break
		}
		if len(proof) == MaxProof {
			return 0, nil, nil, fmt.Errorf("more than %d consistency proof lines", MaxProof)
		}
		// Only the canonical encoding: tlog.ParseHash also reads a line
		// whose last character carries stray bits, so two bodies would be
		// one request.
		h, err := tlog.ParseHash(string(line))
		if err != nil || h.String() != string(line) {
			return 0, nil, nil, fmt.Errorf("consistency proof line %d is not a base64 hash", len(proof)+1)
		}
		proof = append(proof, h)
	}
	return old, proof, rest, nil
}

// decimal is an ASCII decimal without leading zeroes ("0" itself aside).
func decimal(b []byte) bool {
	if len(b) == 0 || len(b) > 19 || (b[0] == '0' && len(b) > 1) {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
