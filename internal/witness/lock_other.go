//go:build !unix

package witness

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// lockFile creates path, which must not exist: without flock, a lock file
// left by a crash must be removed by hand.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%s exists: another witness uses this state file (remove it if none runs)", path)
	}
	return f, err
}

func unlockFile(f *os.File) error {
	name := f.Name()
	err := f.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}
