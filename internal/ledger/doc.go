// Package ledger is the tamper-evident log: every accepted document is a
// leaf of an append-only Merkle tree (RFC 6962 hashing, through
// golang.org/x/mod/sumdb/tlog), and the tree's size and root are published
// as checkpoints signed with the server's ed25519 key.
//
// The server (internal/server) decides what is accepted and calls Append;
// the tree's hashes live in internal/store next to the entries, written in
// the same transaction, and in memory for proofs. The client side (Verify*
// and ParseCheckpoint) is what `backstop verify` runs against a server it
// does not trust.
package ledger
