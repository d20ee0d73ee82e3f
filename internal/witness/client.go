package witness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// ConflictError is a witness's 409: the last checkpoint it cosigned for
// the log has Size entries, which is not the old size sent, or has that
// size and another root.
type ConflictError struct{ Size int64 }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("conflict: the witness's last cosigned checkpoint has %d entries", e.Size)
}

// StatusError is any other refusal.
type StatusError struct {
	Status int
	Msg    string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), e.Msg)
}

// AddCheckpoint asks the witness at prefix (its submission prefix, such
// as http://witness.example:8090) to cosign checkpoint, proving with
// proof that it extends the tree of old entries. It returns the witness's
// answer, signature lines, unchecked: the caller verifies them with the
// witness's key (see Cosignatures). A 409 is a *ConflictError.
func AddCheckpoint(ctx context.Context, hc *http.Client, prefix string, old int64, proof tlog.TreeProof, checkpoint []byte) ([]byte, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(prefix, "/")+"/add-checkpoint",
		bytes.NewReader(Request(old, proof, checkpoint)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readAll(io.LimitReader(resp.Body, maxRequest))
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return body, nil
	case resp.StatusCode == http.StatusConflict && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/x.tlog.size"):
		text := strings.TrimSuffix(string(body), "\n")
		if !decimal([]byte(text)) {
			return nil, fmt.Errorf("the witness's 409 does not give a size: %q", abbreviate(text))
		}
		size, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, err
		}
		return nil, &ConflictError{Size: size}
	}
	return nil, &StatusError{Status: resp.StatusCode, Msg: strings.TrimSpace(abbreviateLong(string(body)))}
}

// FetchKey asks the witness at prefix for its public key (GET /key, a
// backstop witness's addition to tlog-witness).
func FetchKey(ctx context.Context, hc *http.Client, prefix string) (*Verifier, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(prefix, "/")+"/key", nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Status: resp.StatusCode, Msg: strings.TrimSpace(abbreviateLong(string(body)))}
	}
	return NewVerifier(string(body))
}

func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(r)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, fmt.Errorf("the body is larger than %d bytes", tooBig.Limit)
	}
	return b, err
}

func abbreviateLong(s string) string {
	if len(s) > 300 {
		return s[:297] + "..."
	}
	return s
}
