package signing

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// Why a signed document was refused. The server maps each to a status.
var (
	ErrUnsigned     = errors.New("not signed")
	ErrMalformed    = errors.New("malformed signed document")
	ErrUnknownKey   = errors.New("signed by no key the framework lists")
	ErrBadSignature = errors.New("signature does not verify")
)

// sigSplit is where a note's text ends and its signatures begin.
var sigSplit = []byte("\n\n— ")

// PrepareText makes a document signable as a note: CRLF line ends become
// LF, a byte order mark at the start is dropped and a final newline is
// added. It refuses, with CheckText, what a signed document cannot carry
// (invalid UTF-8, control characters such as tabs, line breaks other than
// LF) and says where, since the text is the user's file.
func PrepareText(text []byte) ([]byte, error) {
	text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf")) // a BOM is not text
	if len(text) == 0 {
		return nil, errors.New("the document is empty")
	}
	if err := CheckText(text); err != nil {
		return nil, err
	}
	if text[len(text)-1] != '\n' {
		text = append(text, '\n')
	}
	return text, nil
}

// Sign signs a document with s. A document that is already a signed note
// keeps its signatures and gains s's (co-signing); otherwise the text is
// prepared with PrepareText first.
func Sign(doc []byte, s note.Signer) ([]byte, error) {
	n := &note.Note{}
	if IsSigned(doc) {
		_, err := note.Open(doc, note.VerifierList())
		var unverified *note.UnverifiedNoteError
		if !errors.As(err, &unverified) {
			return nil, fmt.Errorf("%w: its signature block cannot be read", ErrMalformed)
		}
		n = unverified.Note
		if err := CheckText([]byte(n.Text)); err != nil {
			return nil, err // signed elsewhere; not co-signed here
		}
		n.Sigs = n.UnverifiedSigs
		n.UnverifiedSigs = nil
	} else {
		text, err := PrepareText(doc)
		if err != nil {
			return nil, err
		}
		n.Text = string(text)
	}
	return note.Sign(n, s)
}

// IsSigned reports whether doc ends in a signature block.
func IsSigned(doc []byte) bool {
	i := bytes.LastIndex(doc, sigSplit)
	return i >= 0 && len(doc) > 0 && doc[len(doc)-1] == '\n' && !bytes.Contains(doc[i+2:], []byte("\n\n"))
}

// Text returns a signed document's text without its signature block (a
// document that is not signed is returned as it is). It checks nothing.
func Text(doc []byte) []byte {
	if !IsSigned(doc) {
		return doc
	}
	return doc[:bytes.LastIndex(doc, sigSplit)+1]
}

// Signature is one verified signature of a document.
type Signature struct {
	Party string // the party whose key signed; "" for an extra key (the server's operator)
	Key   string // KeyID of the key
}

// Signed is a document whose signatures were checked.
type Signed struct {
	Text       []byte      // the document, without the signature block
	Signatures []Signature // the verified ones, in the note's order
}

// Signed reports whether party signed the document.
func (s *Signed) SignedBy(party string) (Signature, bool) {
	for _, sig := range s.Signatures {
		if sig.Party == party {
			return sig, true
		}
	}
	return Signature{}, false
}

// Open checks a signed document's signatures against the keyring. Every
// signature by a listed key must verify; signatures by keys not listed are
// ignored, but at least one listed key must have signed. A text that
// CheckText refuses is malformed (ErrMalformed wrapping its TextError),
// whoever signed it: the server opens every submission here.
func (k *Keyring) Open(msg []byte) (*Signed, error) {
	if !IsSigned(msg) {
		return nil, fmt.Errorf("%w: no signature lines after a blank line at the end (sign it with backstop sign)", ErrUnsigned)
	}
	if err := CheckText(Text(msg)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	n, err := note.Open(msg, k.verifiers)
	var unverified *note.UnverifiedNoteError
	var invalid *note.InvalidSignatureError
	switch {
	case errors.As(err, &unverified):
		var names []string
		for _, s := range unverified.Note.UnverifiedSigs {
			names = append(names, KeyID(s.Name, s.Hash))
		}
		return nil, fmt.Errorf("%w (it was signed by %v)", ErrUnknownKey, names)
	case errors.As(err, &invalid):
		return nil, fmt.Errorf("%w: the signature by %s", ErrBadSignature, KeyID(invalid.Name, invalid.Hash))
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	s := &Signed{Text: []byte(n.Text)}
	for _, sig := range n.Sigs {
		id := KeyID(sig.Name, sig.Hash)
		s.Signatures = append(s.Signatures, Signature{Party: k.party[id], Key: id})
	}
	return s, nil
}
