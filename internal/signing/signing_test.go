package signing

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/backstop-dev/backstop/internal/model"
)

// newKey makes a key pair as backstop keygen does.
func newKey(tb testing.TB, name string) KeyPair {
	tb.Helper()
	skey, vkey, err := GenerateKey(name)
	if err != nil {
		tb.Fatal(err)
	}
	k, err := ParsePrivate(skey)
	if err != nil {
		tb.Fatal(err)
	}
	if k.Public != vkey {
		tb.Fatalf("ParsePrivate derived %s, GenerateKey made %s", k.Public, vkey)
	}
	return k
}

// keyring lists each key as the key of the party it is named after.
func keyring(extra []KeyPair, parties ...KeyPair) *Keyring {
	f := &model.Framework{Parties: map[string]*model.Party{}}
	for _, k := range parties {
		p := f.Parties[k.Name()]
		if p == nil {
			p = &model.Party{Role: model.Guarantor}
			f.Parties[k.Name()] = p
		}
		p.Keys = append(p.Keys, k.Public)
	}
	var vs []note.Verifier
	for _, k := range extra {
		vs = append(vs, k.Verifier)
	}
	return NewKeyring(f, vs...)
}

func TestPrepareText(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            string // a part of the error; "" when none
	}{
		{name: "as it is", in: "a: 1\nb: 2\n", want: "a: 1\nb: 2\n"},
		{name: "CRLF", in: "a: 1\r\nb: 2\r\n", want: "a: 1\nb: 2\n"},
		{name: "final newline added", in: "a: 1\nb: 2", want: "a: 1\nb: 2\n"},
		{name: "CRLF without a final newline", in: "a: 1\r\nb: 2", want: "a: 1\nb: 2\n"},
		{name: "BOM dropped", in: "\xef\xbb\xbfa: 1\n", want: "a: 1\n"},
		{name: "BOM and CRLF", in: "\xef\xbb\xbfa: 1\r\n", want: "a: 1\n"},
		{name: "UTF-8 kept", in: "title: Україна — ü\n", want: "title: Україна — ü\n"},
		{name: "tab", in: "a: 1\nb:\t2\n", err: "line 2, column 3: a tab"},
		{name: "tab after non-ASCII", in: "é\tx", err: "line 1, column 2: a tab"},
		{name: "not UTF-8", in: "a: 1\nb: caf\xe9\n", err: "line 2, column 7: not UTF-8"},
		{name: "lone CR", in: "a: 1\rb: 2\n", err: "line 1, column 5: control character U+000D"},
		{name: "NUL", in: "a\x00", err: "line 1, column 2: control character U+0000"},
		{name: "DEL", in: "a\x7f\n", err: "control character U+007F"},
		{name: "empty", in: "", err: "empty"},
		{name: "only a BOM", in: "\xef\xbb\xbf", err: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PrepareText([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("PrepareText(%q) = %q, %v; want an error with %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("PrepareText(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			// Prepared text is prepared.
			if again, err := PrepareText(got); err != nil || !bytes.Equal(again, got) {
				t.Errorf("PrepareText is not idempotent: %q → %q, %v", got, again, err)
			}
		})
	}
}

func TestSignOpen(t *testing.T) {
	gb, fr, srv := newKey(t, "GB"), newKey(t, "FR"), newKey(t, "server")
	k := keyring([]KeyPair{srv}, gb, fr)
	doc := []byte("backstop: v1\r\nkind: Declaration\r\nparty: GB")

	signed, err := Sign(doc, gb.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if !IsSigned(signed) || IsSigned(doc) {
		t.Errorf("IsSigned: signed %t, unsigned %t", IsSigned(signed), IsSigned(doc))
	}
	want, _ := PrepareText(doc)
	if got := Text(signed); !bytes.Equal(got, want) {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got := Text(want); !bytes.Equal(got, want) {
		t.Errorf("Text of an unsigned document = %q, want it as it is", got)
	}
	s, err := k.Open(signed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.Text, want) || len(s.Signatures) != 1 || s.Signatures[0] != (Signature{Party: "GB", Key: gb.ID()}) {
		t.Errorf("Open = %q %+v", s.Text, s.Signatures)
	}
	if _, ok := s.SignedBy("FR"); ok {
		t.Error("SignedBy(FR) on GB's document")
	}

	// Co-signing keeps the first signature, as it was, and adds the second.
	co, err := Sign(signed, fr.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(co, signed) {
		t.Errorf("co-signing changed the first signature:\n%s\n%s", signed, co)
	}
	s, err = k.Open(co)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Signatures) != 2 || s.Signatures[0].Party != "GB" || s.Signatures[1].Party != "FR" || !bytes.Equal(s.Text, want) {
		t.Errorf("co-signed: %q %+v", s.Text, s.Signatures)
	}
	// The server's key is an extra key: no party.
	bySrv, err := Sign(co, srv.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if s, err = k.Open(bySrv); err != nil || len(s.Signatures) != 3 || s.Signatures[2] != (Signature{Party: "", Key: srv.ID()}) {
		t.Errorf("with the server's signature: %+v, %v", s, err)
	}
	if sig, ok := s.SignedBy(""); !ok || sig.Key != srv.ID() {
		t.Errorf("SignedBy(\"\") = %+v, %t", sig, ok)
	}
	// Signing twice with the same key is the same note: ed25519 is
	// deterministic and note keeps one signature per key.
	if again, err := Sign(signed, gb.Signer); err != nil || !bytes.Equal(again, signed) {
		t.Errorf("signing again with the same key: %v\n%s", err, again)
	}
	// A key of one keyring is unknown to another.
	if _, err := keyring(nil, fr).Open(signed); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Open with another keyring: %v, want ErrUnknownKey", err)
	}
	// A signature by an unlisted key is ignored next to a listed one.
	stranger := newKey(t, "XX")
	withStranger, err := Sign(signed, stranger.Signer)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := k.Open(withStranger); err != nil || len(s.Signatures) != 1 || s.Signatures[0].Party != "GB" {
		t.Errorf("with a stranger's signature: %+v, %v", s, err)
	}
}

func TestOpenRefusals(t *testing.T) {
	gb := newKey(t, "GB")
	k := keyring(nil, gb)
	signed, err := Sign([]byte("a: 1\n"), gb.Signer)
	if err != nil {
		t.Fatal(err)
	}
	other := newKey(t, "GB") // same name, another key
	byOther, err := Sign([]byte("a: 1\n"), other.Signer)
	if err != nil {
		t.Fatal(err)
	}
	sigLine := signed[bytes.Index(signed, []byte("\n\n"))+2:]
	tests := []struct {
		name string
		msg  []byte
		want error
	}{
		{"unsigned", []byte("a: 1\n"), ErrUnsigned},
		{"empty", nil, ErrUnsigned},
		{"no final newline", signed[:len(signed)-1], ErrUnsigned},
		{"text changed", bytes.Replace(signed, []byte("a: 1"), []byte("a: 2"), 1), ErrBadSignature},
		{"signature changed", append(bytes.Clone(signed[:len(signed)-6]), "AAAA=\n"...), ErrBadSignature},
		{"unknown key", byOther, ErrUnknownKey},
		{"signature line garbled", append([]byte("a: 1\n\n"), bytes.Replace(sigLine, []byte(" "), []byte("  "), 1)...), ErrMalformed},
		{"text not as note needs it", append([]byte("a:\t1\n\n"), sigLine...), ErrMalformed},
		{"only a signature block", sigLine, ErrUnsigned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := k.Open(tt.msg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open = %+v, %v; want %v", s, err, tt.want)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	skey, vkey, err := GenerateKey("GB-2025.a_b")
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParsePrivate("\n " + skey + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if k.Public != vkey || k.Name() != "GB-2025.a_b" || k.Verifier.KeyHash() != k.KeyHash() {
		t.Errorf("ParsePrivate: public %s (want %s), name %s", k.Public, vkey, k.Name())
	}
	if v, err := note.NewVerifier(vkey); err != nil || v.KeyHash() != k.KeyHash() {
		t.Errorf("the public key does not parse or has another hash: %v", err)
	}
	if got, want := k.ID(), "GB-2025.a_b+"; !strings.HasPrefix(got, want) || len(got) != len(want)+8 {
		t.Errorf("ID = %q", got)
	}
	msg := []byte("hello\n")
	sig, err := k.Sign(msg)
	if err != nil || !k.Verifier.Verify(msg, sig) {
		t.Errorf("the derived verifier does not verify the key's signature: %v", err)
	}

	for _, bad := range []string{"", "GB+12345678+AAAA", vkey, "PRIVATE+KEY+GB+00000000+AAAA", skey[:len(skey)-4]} {
		if _, err := ParsePrivate(bad); err == nil {
			t.Errorf("ParsePrivate(%q) succeeded", bad)
		}
	}
	for _, name := range []string{"", "with space", "a+b", "Україна", strings.Repeat("x", 65)} {
		if _, _, err := GenerateKey(name); err == nil || ValidName(name) {
			t.Errorf("GenerateKey(%q) succeeded", name)
		}
	}

	// Files: a key pair from its private file, a verifier from text or file.
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "GB.key"), filepath.Join(dir, "GB.pub")
	if err := os.WriteFile(priv, []byte(skey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, []byte(vkey+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if kp, err := ReadKeyPair(priv); err != nil || kp.Public != vkey {
		t.Errorf("ReadKeyPair = %v, %v", kp.Public, err)
	}
	if _, err := ReadKeyPair(pub); err == nil || !strings.Contains(err.Error(), pub) {
		t.Errorf("ReadKeyPair of a public key: %v", err)
	}
	for _, s := range []string{vkey, pub, " " + vkey + "\n"} {
		if v, err := ParseVerifier(s); err != nil || v.Name() != "GB-2025.a_b" {
			t.Errorf("ParseVerifier(%q) = %v", s, err)
		}
	}
	if _, err := ParseVerifier(skey); err == nil || !strings.Contains(err.Error(), "private key") {
		t.Errorf("ParseVerifier of a private key: %v", err)
	}
	if _, err := ParseVerifier(priv); err == nil {
		t.Error("ParseVerifier of a private key file succeeded")
	}
}

func TestVerifyRequest(t *testing.T) {
	gb, srv, stranger := newKey(t, "GB"), newKey(t, "server"), newKey(t, "XX")
	k := keyring([]KeyPair{srv}, gb)
	now := time.Unix(1_750_000_000, 0)
	const uri = "/v1/frameworks/fw/assessment?at=2025-09-01"
	sign := func(key KeyPair, method, uri string, at time.Time) string {
		h, err := SignRequest(key.Signer, method, uri, at)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	good := sign(gb, "GET", uri, now)
	tests := []struct {
		name   string
		header string
		party  string
		want   error // nil for success
	}{
		{"signed by a party", good, "GB", nil},
		{"signed by the server's key", sign(srv, "GET", uri, now), "", nil},
		{"four minutes ago", sign(gb, "GET", uri, now.Add(-4*time.Minute)), "GB", nil},
		{"four minutes ahead", sign(gb, "GET", uri, now.Add(4*time.Minute)), "GB", nil},
		{"no header", "", "", ErrNoSignature},
		{"ten minutes ago", sign(gb, "GET", uri, now.Add(-10*time.Minute)), "", ErrBadRequest},
		{"ten minutes ahead", sign(gb, "GET", uri, now.Add(10*time.Minute)), "", ErrBadRequest},
		{"another URI", sign(gb, "GET", "/v1/frameworks/fw/assessment", now), "", ErrBadRequest},
		{"another method", sign(gb, "POST", uri, now), "", ErrBadRequest},
		{"unlisted key", sign(stranger, "GET", uri, now), "", ErrBadRequest},
		{"another scheme", strings.Replace(good, Scheme, "Bearer", 1), "", ErrBadRequest},
		{"no parameters", Scheme, "", ErrBadRequest},
		{"created changed", strings.Replace(good, "created=1750000000", "created=1750000001", 1), "", ErrBadRequest},
		{"created missing", strings.Replace(good, "created=1750000000,", "", 1), "", ErrBadRequest},
		{"sig missing", good[:strings.Index(good, ",sig=")], "", ErrBadRequest},
		{"sig not base64", good[:strings.Index(good, ",sig=")] + ",sig=!!!", "", ErrBadRequest},
		{"sig empty", good[:strings.Index(good, ",sig=")] + ",sig=", "", ErrBadRequest},
		{"key missing", good[strings.Index(good, "created="):], "", ErrBadRequest},
		{"not key=value", good + ",junk", "", ErrBadRequest},
		{"key without a hash", strings.Replace(good, gb.ID(), "GB", 1), "", ErrBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			party, err := k.VerifyRequest(tt.header, "GET", uri, now)
			if tt.want == nil {
				if err != nil || party != tt.party {
					t.Fatalf("VerifyRequest = %q, %v; want %q", party, err, tt.party)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifyRequest = %q, %v; want %v", party, err, tt.want)
			}
		})
	}
}
