package signing

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Scheme is the Authorization scheme of signed requests.
const Scheme = "Backstop-Signature"

// MaxSkew is how far a signed request's time may be from the server's:
// a captured header is useless after it (and it only ever allowed a read).
const MaxSkew = 5 * time.Minute

var (
	ErrNoSignature = errors.New("the request is not signed")
	ErrBadRequest  = errors.New("bad request signature")
)

// requestMessage is what a signed request signs: the method, the request
// URI (path and query, as sent) and the time, so that a signature cannot
// be moved to another resource.
func requestMessage(method, uri string, created int64) []byte {
	return fmt.Appendf(nil, "backstop-request\n%d\n%s %s\n", created, method, uri)
}

// SignRequest returns the Authorization header value for a request.
func SignRequest(s note.Signer, method, uri string, now time.Time) (string, error) {
	created := now.Unix()
	sig, err := s.Sign(requestMessage(method, uri, created))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s key=%s,created=%d,sig=%s", Scheme, KeyID(s.Name(), s.KeyHash()), created,
		base64.StdEncoding.EncodeToString(sig)), nil
}

// VerifyRequest checks an Authorization header value and returns the party
// the key speaks for ("" for an extra key).
func (k *Keyring) VerifyRequest(header, method, uri string, now time.Time) (party string, err error) {
	if header == "" {
		return "", ErrNoSignature
	}
	scheme, params, _ := strings.Cut(header, " ")
	if scheme != Scheme {
		return "", fmt.Errorf("%w: the scheme must be %s", ErrBadRequest, Scheme)
	}
	fields := map[string]string{}
	for _, kv := range strings.Split(params, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return "", fmt.Errorf("%w: %q is not key=value", ErrBadRequest, kv)
		}
		fields[key] = value
	}
	created, err := strconv.ParseInt(fields["created"], 10, 64)
	if err != nil {
		return "", fmt.Errorf("%w: created must be a Unix time", ErrBadRequest)
	}
	if d := now.Sub(time.Unix(created, 0)); d > MaxSkew || d < -MaxSkew {
		return "", fmt.Errorf("%w: created is %s away from the server's clock (at most %s)", ErrBadRequest, d.Round(time.Second), MaxSkew)
	}
	sig, err := base64.StdEncoding.DecodeString(fields["sig"])
	if err != nil || len(sig) == 0 {
		return "", fmt.Errorf("%w: sig must be base64", ErrBadRequest)
	}
	id := fields["key"]
	v, ok := k.verifier(id)
	if !ok {
		return "", fmt.Errorf("%w: key %q is not listed for any party", ErrBadRequest, id)
	}
	if !v.Verify(requestMessage(method, uri, created), sig) {
		return "", fmt.Errorf("%w: the signature by %s does not verify", ErrBadRequest, id)
	}
	return k.party[id], nil
}

func splitKeyID(id string) (name string, hash uint32, ok bool) {
	name, hex, found := strings.Cut(id, "+")
	if !found || len(hex) != 8 {
		return "", 0, false
	}
	h, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return "", 0, false
	}
	return name, uint32(h), true
}
