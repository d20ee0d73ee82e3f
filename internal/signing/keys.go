package signing

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// GenerateKey makes an ed25519 key pair named name: the private key, to be
// kept secret, and the public (verifier) key to list under the party's
// `keys` in the framework.
func GenerateKey(name string) (private, public string, err error) {
	if !ValidName(name) {
		return "", "", fmt.Errorf("key name %q: use letters, digits and -._ only (no spaces, no +)", name)
	}
	return note.GenerateKey(rand.Reader, name)
}

// ValidName reports whether name can name a key: note's rule (no spaces,
// no +), kept narrower so that names read well in logs.
func ValidName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._", r)) {
			return false
		}
	}
	return true
}

// KeyPair is a private key with its public half.
type KeyPair struct {
	note.Signer
	Verifier note.Verifier
	Public   string // the verifier key, NAME+HASH+KEY
}

// ID is the key's NAME+HASH.
func (k KeyPair) ID() string { return KeyID(k.Name(), k.KeyHash()) }

// ParsePrivate reads a private key (PRIVATE+KEY+NAME+HASH+KEY) and derives
// its public half, so that a server needs one file for its key.
func ParsePrivate(skey string) (KeyPair, error) {
	skey = strings.TrimSpace(skey)
	s, err := note.NewSigner(skey)
	if err != nil {
		if strings.HasPrefix(skey, "PRIVATE+KEY+") {
			return KeyPair{}, errors.New("damaged private key")
		}
		return KeyPair{}, errors.New("not a private key (expected PRIVATE+KEY+NAME+HASH+KEY, as backstop keygen writes it)")
	}
	parts := strings.SplitN(skey, "+", 5) // PRIVATE, KEY, name, hash, key (base64 may hold '+')
	raw, err := base64.StdEncoding.DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return KeyPair{}, errors.New("not an ed25519 private key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	vkey, err := note.NewEd25519VerifierKey(s.Name(), pub)
	if err != nil {
		return KeyPair{}, err
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return KeyPair{}, err
	}
	return KeyPair{Signer: s, Verifier: v, Public: vkey}, nil
}

// ReadKeyPair reads a private key file written by backstop keygen.
func ReadKeyPair(path string) (KeyPair, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return KeyPair{}, err
	}
	k, err := ParsePrivate(string(b))
	if err != nil {
		return KeyPair{}, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// ParseVerifier reads a public key: the text itself (NAME+HASH+KEY), or
// the path of a file holding it.
func ParseVerifier(s string) (note.Verifier, error) {
	text := strings.TrimSpace(s)
	if b, err := os.ReadFile(s); err == nil {
		text = strings.TrimSpace(string(b))
	}
	v, err := note.NewVerifier(text)
	if err != nil {
		if strings.HasPrefix(text, "PRIVATE+KEY+") {
			return nil, errors.New("this is a private key; give the public one (the .pub file)")
		}
		return nil, fmt.Errorf("%q is not a public key (expected NAME+HASH+KEY, as backstop keygen writes it)", abbreviate(s))
	}
	return v, nil
}

// KeyID names a key by its name and hash, as signature lines and logs do:
// "GB+58a554d0".
func KeyID(name string, hash uint32) string { return fmt.Sprintf("%s+%08x", name, hash) }

func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
