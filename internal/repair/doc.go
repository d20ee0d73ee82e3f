// Package repair rebuilds a stopped server's Merkle tree from its stored
// documents: every leaf and tree hash is recomputed from the entries'
// documents, compared with the stored rows and with the last checkpoints the
// server signed (the store's and the checkpoint file's), and the rows that
// differ are rewritten. A tree that contradicts a signed checkpoint is
// rewritten only under Options.Force, which forgets the contradicted
// checkpoints: the log then forks from what clients may hold.
package repair
