// Package witness keeps a log honest towards everyone at once: a witness
// cosigns a checkpoint of a log only when a consistency proof shows that
// it extends the last checkpoint the witness cosigned for that log, so
// that a log (or whoever holds its key) cannot show one history to some
// readers and another to others without the witnesses refusing one of
// them.
//
// It follows C2SP: cosignatures are tlog-cosignature "cosignature/v1"
// note signatures (Ed25519, key type 0x04, a timestamp in the signature),
// which golang.org/x/mod/sumdb/note carries as extra signature lines of
// the checkpoint; the protocol is tlog-witness's add-checkpoint. It holds
// the cosignature keys (Signer, Verifier), the witness (Witness: the
// checks, its state file, its HTTP handler), the log's side of the
// protocol (AddCheckpoint) and the reader's check of a quorum
// (Cosignatures). docs/witness.md describes it.
//
// Checkpoints are read and proofs checked by internal/ledger; the server
// gathering cosignatures is internal/server's cosign.go.
package witness
