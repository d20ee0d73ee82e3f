package ledger

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a log's size and root hash at one moment: the C2SP
// tlog-checkpoint body ("origin\nsize\nbase64(root)\n"), signed as a note.
type Checkpoint struct {
	Origin string    `json:"origin"`
	Size   int64     `json:"size"`
	Root   tlog.Hash `json:"root"`
}

// Text is the checkpoint's note body.
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// Sign signs the checkpoint.
func (c Checkpoint) Sign(s note.Signer) ([]byte, error) {
	return note.Sign(&note.Note{Text: c.Text()}, s)
}

// ErrCheckpoint is returned for a checkpoint that cannot be trusted.
var ErrCheckpoint = errors.New("bad checkpoint")

// ParseCheckpoint reads a signed checkpoint and checks its signature with
// v, the log's public key, and that its origin is v's name.
func ParseCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			return Checkpoint{}, fmt.Errorf("%w: not signed by the log key %s+%08x", ErrCheckpoint, v.Name(), v.KeyHash())
		}
		return Checkpoint{}, fmt.Errorf("%w: %v", ErrCheckpoint, err)
	}
	lines := strings.SplitAfter(n.Text, "\n") // C2SP allows extension lines after the third
	if len(lines) < 3 {
		return Checkpoint{}, fmt.Errorf("%w: want origin, size and root lines", ErrCheckpoint)
	}
	c := Checkpoint{Origin: strings.TrimSuffix(lines[0], "\n")}
	size, err := strconv.ParseInt(strings.TrimSuffix(lines[1], "\n"), 10, 64)
	if err != nil || size < 0 {
		return Checkpoint{}, fmt.Errorf("%w: size %q", ErrCheckpoint, strings.TrimSpace(lines[1]))
	}
	c.Size = size
	root, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(lines[2], "\n"))
	if err != nil || len(root) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("%w: root hash %q", ErrCheckpoint, strings.TrimSpace(lines[2]))
	}
	copy(c.Root[:], root)
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("%w: origin %q is not the log key's name %q", ErrCheckpoint, c.Origin, v.Name())
	}
	return c, nil
}

// VerifyInclusion checks that leaf is entry index of the tree c.
func VerifyInclusion(c Checkpoint, index int64, leaf tlog.Hash, proof tlog.RecordProof) error {
	if index < 0 || index >= c.Size {
		return fmt.Errorf("entry %d is not in a log of %d entries", index, c.Size)
	}
	if err := tlog.CheckRecord(proof, c.Size, c.Root, index, leaf); err != nil {
		return fmt.Errorf("entry %d is not in the tree of checkpoint %d: %w", index, c.Size, err)
	}
	return nil
}

// VerifyConsistency checks that tree newer only appended to tree older.
func VerifyConsistency(older, newer Checkpoint, proof tlog.TreeProof) error {
	switch {
	case newer.Size < older.Size:
		return fmt.Errorf("the log shrank from %d to %d entries", older.Size, newer.Size)
	case newer.Size == older.Size:
		if newer.Root != older.Root {
			return fmt.Errorf("the log has %d entries at both checkpoints but different roots: history was rewritten", older.Size)
		}
		return nil
	}
	if err := tlog.CheckTree(proof, newer.Size, newer.Root, older.Size, older.Root); err != nil {
		return fmt.Errorf("the tree of %d entries does not extend the checkpoint of %d: history was rewritten (%v)", newer.Size, older.Size, err)
	}
	return nil
}

// RootOf computes the root hash of a tree from all its leaf hashes: the
// full audit a client makes when it downloads the whole log.
func RootOf(leaves []tlog.Hash) (tlog.Hash, error) {
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for n, leaf := range leaves {
		hs, err := tlog.StoredHashesForRecordHash(int64(n), leaf, reader)
		if err != nil {
			return tlog.Hash{}, err
		}
		stored = append(stored, hs...)
	}
	return tlog.TreeHash(int64(len(leaves)), reader)
}
