// Package signing holds backstop's keys and signatures: ed25519 key pairs
// in the signed-note key format of golang.org/x/mod/sumdb/note, documents
// signed as notes (the document text, a blank line, one line per
// signature), the keyring a framework's parties' keys make, and signed
// read requests.
//
// It says who signed; whether that signer may submit that document is the
// server's decision (internal/server), and what the log does with accepted
// documents is internal/ledger's.
package signing
