package signing

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzOpen opens arbitrary bytes: Open never panics, and what it returns
// as the document's text is the start of the input, signed by a key of the
// keyring, and a text CheckText accepts.
func FuzzOpen(f *testing.F) {
	gb, fr := newKey(f, "GB"), newKey(f, "FR")
	k := keyring(nil, gb, fr)
	signed, err := Sign([]byte("backstop: v1\nkind: Declaration\n"), gb.Signer)
	if err != nil {
		f.Fatal(err)
	}
	co, err := Sign(signed, fr.Signer)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(co)
	f.Add([]byte("a: 1\n"))
	f.Add([]byte{})
	f.Add([]byte("\n\n— \n"))
	f.Add([]byte("a\n\n— GB AAAA\n"))
	f.Add(append(bytes.Clone(signed), "— XX "+base64.StdEncoding.EncodeToString(make([]byte, 68))+"\n"...))
	f.Add(bytes.Replace(signed, []byte("v1"), []byte("v2"), 1))
	// Signed as they are, without CheckText: the hidden line of issue 16,
	// DEL, a C1 control.
	f.Add(signRaw(f, gb, hiddenLineAttack))
	f.Add(signRaw(f, gb, "a: 1\x7f\n"))
	f.Add(signRaw(f, fr, "a: \u0085b\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		s, err := k.Open(msg)
		if err != nil {
			if s != nil {
				t.Fatalf("Open returned a document with error %v", err)
			}
			return
		}
		if !bytes.HasPrefix(msg, s.Text) || len(s.Text) == 0 || s.Text[len(s.Text)-1] != '\n' {
			t.Fatalf("Open's text %q is not a line-ended prefix of the input %q", s.Text, msg)
		}
		if !bytes.Equal(Text(msg), s.Text) {
			t.Fatalf("Text = %q, Open's text %q", Text(msg), s.Text)
		}
		if len(s.Signatures) == 0 {
			t.Fatal("Open accepted a document no listed key signed")
		}
		if err := CheckText(s.Text); err != nil {
			t.Fatalf("Open accepted a text CheckText refuses: %v", err)
		}
		for _, sig := range s.Signatures {
			var key KeyPair
			switch sig.Key {
			case gb.ID():
				key = gb
			case fr.ID():
				key = fr
			default:
				t.Fatalf("signature by %s, a key of no party", sig.Key)
			}
			if sig.Party != key.Name() {
				t.Fatalf("key %s speaks for %s", sig.Key, sig.Party)
			}
			// ed25519 signatures are deterministic: the only signature of
			// this text by this key is the one the key makes.
			want, err := key.Sign(s.Text)
			if err != nil {
				t.Fatal(err)
			}
			if !signedWith(msg[len(s.Text):], want) {
				t.Fatalf("Open accepted a signature by %s that the key did not make:\n%s", sig.Key, msg)
			}
		}
	})
}

// signedWith reports whether a signature block holds sig (after the
// key's 4-byte hash) on one of its lines, in any base64 spelling.
func signedWith(block, sig []byte) bool {
	for _, line := range strings.Split(string(block), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(f[2])
		if err == nil && len(b) == 4+len(sig) && bytes.Equal(b[4:], sig) {
			return true
		}
	}
	return false
}

// FuzzVerifyRequest checks arbitrary Authorization values: VerifyRequest
// never panics and succeeds only with a signature the key made for this
// method, URI and a time close to now.
func FuzzVerifyRequest(f *testing.F) {
	gb, stranger := newKey(f, "GB"), newKey(f, "XX")
	k := keyring(nil, gb)
	now := time.Unix(1_750_000_000, 0)
	const method, uri = "GET", "/v1/frameworks/fw/assessment"
	sign := func(key KeyPair, method, uri string, at time.Time) string {
		h, err := SignRequest(key.Signer, method, uri, at)
		if err != nil {
			f.Fatal(err)
		}
		return h
	}
	good := sign(gb, method, uri, now)
	f.Add(good)
	f.Add(sign(gb, method, uri, now.Add(-time.Minute)))
	f.Add(sign(gb, method, uri, now.Add(-time.Hour)))
	f.Add(sign(gb, "POST", uri, now))
	f.Add(sign(gb, method, uri+"?x=1", now))
	f.Add(sign(stranger, method, uri, now))
	f.Add("")
	f.Add(Scheme)
	f.Add(Scheme + " ")
	f.Add(Scheme + " key=,created=,sig=")
	f.Add(good + "," + good[len(Scheme)+1:])
	f.Add(strings.ReplaceAll(good, ",", " , "))
	f.Add(Scheme + " key=GB+zzzzzzzz,created=1750000000,sig=AAAA")
	f.Add(Scheme + " key=GB+00000000,created=99999999999999999999,sig=AAAA")
	f.Add(Scheme + " created=-9223372036854775808,sig=AAAA")
	f.Fuzz(func(t *testing.T, header string) {
		party, err := k.VerifyRequest(header, method, uri, now)
		if err != nil {
			if party != "" {
				t.Fatalf("VerifyRequest failed (%v) but named party %q", err, party)
			}
			return
		}
		if party != "GB" {
			t.Fatalf("VerifyRequest succeeded for party %q", party)
		}
		// Whatever the header's spelling, what it carries must be a
		// signature GB's key made for this request at a time within the
		// skew: ed25519 signatures are deterministic, so that is exactly
		// the signature of requestMessage(created).
		fields := map[string]string{}
		_, params, _ := strings.Cut(header, " ")
		for _, kv := range strings.Split(params, ",") {
			key, value, _ := strings.Cut(strings.TrimSpace(kv), "=")
			fields[key] = value
		}
		created, err := strconv.ParseInt(fields["created"], 10, 64)
		if err != nil {
			t.Fatalf("accepted with created %q", fields["created"])
		}
		if d := now.Sub(time.Unix(created, 0)); d > MaxSkew || d < -MaxSkew {
			t.Fatalf("accepted a request created %s from now", d)
		}
		if fields["key"] != gb.ID() {
			t.Fatalf("accepted key %q", fields["key"])
		}
		sig, err := base64.StdEncoding.DecodeString(fields["sig"])
		if err != nil {
			t.Fatalf("accepted sig %q", fields["sig"])
		}
		want, err := gb.Sign(requestMessage(method, uri, created))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sig, want) {
			t.Fatalf("accepted a signature GB's key did not make: %q", header)
		}
	})
}
