// Package atomicfile replaces a file's contents so that a crash leaves
// either the old contents or the new, never a mix: the server's record of
// the last checkpoint it signed and a witness's state depend on it.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with b: a temporary file in the same folder, with
// mode perm, synced, renamed over path, and the folder synced (where the
// system syncs folders; the rename is done either way).
func Write(path string, b []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing to remove
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
