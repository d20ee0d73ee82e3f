package witness

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// AlgCosignatureV1 is the signed-note key type of an Ed25519 cosignature
// (C2SP tlog-cosignature): it enters the key ID, so that a cosignature can
// never be read as another kind of signature by the same key.
const AlgCosignatureV1 = 0x04

// algEd25519 is the key type of an ordinary signed-note Ed25519 key, the
// kind backstop keygen writes.
const algEd25519 = 0x01

// sigSize is a cosignature's size after the key ID: a big-endian u64
// timestamp and an Ed25519 signature.
const sigSize = 8 + ed25519.SignatureSize

// message is what a cosignature/v1 signs: a header line, the time line,
// then the checkpoint's whole note body (its text, extension lines
// included, without the signature lines).
func message(t uint64, text []byte) []byte {
	m := make([]byte, 0, 64+len(text))
	m = append(m, "cosignature/v1\ntime "...)
	m = strconv.AppendUint(m, t, 10)
	m = append(m, '\n')
	return append(m, text...)
}

// keyID is the key ID of a cosignature/v1 key: the first four bytes of
// SHA-256(name || "\n" || 0x04 || public key).
func keyID(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', AlgCosignatureV1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// validName is signed-note's rule for key names: not empty, UTF-8, no
// spaces, no plus.
func validName(name string) bool {
	return name != "" && utf8.ValidString(name) && strings.IndexFunc(name, unicode.IsSpace) < 0 && !strings.Contains(name, "+")
}

// Verifier checks cosignature/v1 signatures of one witness. It is a
// note.Verifier: note.Open checks cosignatures with it as it checks any
// signature.
type Verifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
}

var _ note.Verifier = (*Verifier)(nil)

func (v *Verifier) Name() string    { return v.name }
func (v *Verifier) KeyHash() uint32 { return v.hash }

// ID is the key's NAME+HASH, as backstop names keys elsewhere.
func (v *Verifier) ID() string { return fmt.Sprintf("%s+%08x", v.name, v.hash) }

// String is the key in vkey form: NAME+HASH+base64(0x04 || public key).
func (v *Verifier) String() string {
	return fmt.Sprintf("%s+%08x+%s", v.name, v.hash, base64.StdEncoding.EncodeToString(append([]byte{AlgCosignatureV1}, v.pub...)))
}

// Verify checks sig (timestamp and signature, the key ID already taken
// off by note.Open) over the note text msg.
func (v *Verifier) Verify(msg, sig []byte) bool {
	if len(sig) != sigSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig)
	if t > math.MaxInt64 {
		return false
	}
	return ed25519.Verify(v.pub, message(t, msg), sig[8:])
}

// NewVerifier reads a witness's public key in vkey form,
// NAME+HASH+base64(0x04 || 32-byte Ed25519 key), as the witness prints it.
func NewVerifier(vkey string) (*Verifier, error) {
	vkey = strings.TrimSpace(vkey)
	name, rest, ok1 := strings.Cut(vkey, "+")
	hash16, key64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 || !validName(name) || len(hash16) != 8 {
		return nil, fmt.Errorf("%q is not a witness key (expected NAME+HASH+KEY)", abbreviate(vkey))
	}
	hash, err1 := strconv.ParseUint(hash16, 16, 32)
	key, err2 := base64.StdEncoding.Strict().DecodeString(key64)
	if err1 != nil || err2 != nil || len(key) == 0 {
		return nil, fmt.Errorf("%q is not a witness key (expected NAME+HASH+KEY)", abbreviate(vkey))
	}
	switch {
	case key[0] == algEd25519:
		return nil, fmt.Errorf("%s is an ordinary signing key (type 0x01), not a witness's cosignature/v1 key (type 0x04): take the key `backstop witness` prints", name)
	case key[0] != AlgCosignatureV1:
		return nil, fmt.Errorf("%s: key type 0x%02x is not cosignature/v1 (0x04)", name, key[0])
	case len(key) != 1+ed25519.PublicKeySize:
		return nil, fmt.Errorf("%s: the key is %d bytes, not an Ed25519 key", name, len(key)-1)
	}
	pub := ed25519.PublicKey(key[1:])
	if keyID(name, pub) != uint32(hash) {
		return nil, fmt.Errorf("%s: the key's hash %s does not match the key", name, hash16)
	}
	return &Verifier{name: name, hash: uint32(hash), pub: pub}, nil
}

// ReadVerifiers reads witness keys: the text of one key, or a file with
// one key a line (blank lines and lines starting with # are skipped).
func ReadVerifiers(pathOrKey string) ([]*Verifier, error) {
	b, err := os.ReadFile(pathOrKey)
	if err != nil {
		if v, kerr := NewVerifier(pathOrKey); kerr == nil {
			return []*Verifier{v}, nil
		}
		return nil, err
	}
	var vs []*Verifier
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := NewVerifier(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", pathOrKey, n, err)
		}
		if seen[v.ID()] {
			return nil, fmt.Errorf("%s:%d: witness %s is listed twice", pathOrKey, n, v.ID())
		}
		seen[v.ID()] = true
		vs = append(vs, v)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("%s lists no witness key", pathOrKey)
	}
	return vs, nil
}

// Signer makes cosignature/v1 signatures. It is a note.Signer: its Sign
// returns the timestamp and the signature, which note.Sign prefixes with
// the key ID.
type Signer struct {
	name string
	hash uint32
	priv ed25519.PrivateKey
	// Now is the cosignature's time; nil is time.Now.
	Now func() time.Time
}

var _ note.Signer = (*Signer)(nil)

func (s *Signer) Name() string    { return s.name }
func (s *Signer) KeyHash() uint32 { return s.hash }

// Sign cosigns the checkpoint text msg at the signer's current time.
func (s *Signer) Sign(msg []byte) ([]byte, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now().Unix()
	if t < 0 {
		return nil, errors.New("cosignature: the clock is before 1970")
	}
	out := make([]byte, 8, sigSize)
	binary.BigEndian.PutUint64(out, uint64(t))
	return append(out, ed25519.Sign(s.priv, message(uint64(t), msg))...), nil
}

// Verifier is the signer's public half.
func (s *Signer) Verifier() *Verifier {
	return &Verifier{name: s.name, hash: s.hash, pub: s.priv.Public().(ed25519.PublicKey)}
}

// NewSigner makes a cosigner named name from an Ed25519 seed.
func NewSigner(name string, seed []byte) (*Signer, error) {
	if !validName(name) {
		return nil, fmt.Errorf("witness name %q: no spaces, no +", name)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, errors.New("not an Ed25519 seed")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return &Signer{name: name, hash: keyID(name, priv.Public().(ed25519.PublicKey)), priv: priv}, nil
}

// ParsePrivate reads a private key as backstop keygen writes it
// (PRIVATE+KEY+NAME+HASH+base64(0x01 || seed)) and makes the
// cosignature/v1 signer of the same Ed25519 key and name. The key ID
// differs from the file's (type 0x04, not 0x01), and the signed message
// starts with "cosignature/v1", so its cosignatures cannot be taken for
// any other signature of the key.
func ParsePrivate(skey string) (*Signer, error) {
	skey = strings.TrimSpace(skey)
	s, err := note.NewSigner(skey)
	if err != nil {
		return nil, errors.New("not a private key (expected PRIVATE+KEY+NAME+HASH+KEY, as backstop keygen writes it)")
	}
	parts := strings.SplitN(skey, "+", 5)
	raw, err := base64.StdEncoding.Strict().DecodeString(parts[len(parts)-1])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != algEd25519 {
		return nil, errors.New("not an Ed25519 private key")
	}
	return NewSigner(s.Name(), raw[1:])
}

// ReadPrivate reads a private key file (see ParsePrivate).
func ReadPrivate(path string) (*Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParsePrivate(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Cosigned is one valid cosignature on a checkpoint.
type Cosigned struct {
	Witness *Verifier
	Time    time.Time // when the witness cosigned
	Line    string    // the signature line, "— NAME BASE64\n"
}

// Cosignatures opens the checkpoint note msg and returns the valid
// cosignatures on it by the witnesses listed, at most one per witness, in
// the order of the list. Other signatures (the log's, unknown witnesses')
// are ignored; a line that claims to be a listed witness's but does not
// verify is an error, as note.Open makes it.
func Cosignatures(msg []byte, witnesses []*Verifier) ([]Cosigned, error) {
	list := make([]note.Verifier, len(witnesses))
	for i, w := range witnesses {
		list[i] = w
	}
	n, err := note.Open(msg, note.VerifierList(list...))
	var unverified *note.UnverifiedNoteError
	switch {
	case errors.As(err, &unverified):
		return nil, nil // no listed witness signed
	case err != nil:
		return nil, fmt.Errorf("reading the checkpoint's signatures: %w", err)
	}
	var out []Cosigned
	for _, w := range witnesses {
		for _, sig := range n.Sigs {
			if sig.Name != w.name || sig.Hash != w.hash {
				continue
			}
			raw, _ := base64.StdEncoding.DecodeString(sig.Base64) // verified: well formed
			out = append(out, Cosigned{Witness: w, Time: time.Unix(int64(binary.BigEndian.Uint64(raw[4:12])), 0).UTC(),
				Line: "— " + sig.Name + " " + sig.Base64 + "\n"})
			break
		}
	}
	return out, nil
}

// signatureLine makes the note signature line of s over text.
func signatureLine(s note.Signer, text []byte) (string, error) {
	sig, err := s.Sign(text)
	if err != nil {
		return "", err
	}
	var id [4]byte
	binary.BigEndian.PutUint32(id[:], s.KeyHash())
	return "— " + s.Name() + " " + base64.StdEncoding.EncodeToString(append(id[:], sig...)) + "\n", nil
}

func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
