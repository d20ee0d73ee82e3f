package signing

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

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
// LF and a final newline is added. It refuses what a note cannot carry
// (invalid UTF-8, control characters such as tabs) and says where, since
// the text is the user's file.
func PrepareText(text []byte) ([]byte, error) {
	text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf")) // a BOM is not text
	if len(text) == 0 {
		return nil, errors.New("the document is empty")
	}
	line, col := 1, 1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return nil, fmt.Errorf("line %d, column %d: not UTF-8 (convert the file to UTF-8 before signing it)", line, col)
		case r == '\t':
			return nil, fmt.Errorf("line %d, column %d: a tab; signed documents cannot carry control characters (use spaces)", line, col)
		case r < 0x20 && r != '\n' || r == 0x7f:
			return nil, fmt.Errorf("line %d, column %d: control character %U; signed documents cannot carry it", line, col, r)
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
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
// ignored, but at least one listed key must have signed.
func (k *Keyring) Open(msg []byte) (*Signed, error) {
	if !IsSigned(msg) {
		return nil, fmt.Errorf("%w: no signature lines after a blank line at the end (sign it with backstop sign)", ErrUnsigned)
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
