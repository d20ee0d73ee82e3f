// Package server is backstop's HTTP service: the shared, signed record of
// a guarantee. It accepts signed documents from the parties (checking who
// may submit what), appends them to the tamper-evident log
// (internal/ledger over internal/store), and answers reads: the log, its
// checkpoints and proofs, and the assessment and monitoring of the stored
// documents and the parties' record over that monitoring, computed by the
// same packages as the CLI (internal/assess, internal/monitor,
// internal/record, rendered by internal/render).
//
// It holds no guarantee logic of its own: the rules of who may sign what
// (authorize) and of which declaration supersedes which (the record) are
// the only decisions made here.
package server
