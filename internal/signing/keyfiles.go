package signing

import (
	"errors"
	"io/fs"
	"os"
	"strings"
)

// WriteKeyFiles creates a key's two files, which must not exist yet: the
// private key in path, readable by its owner only, and the public key
// beside it, in path with its ".key" replaced by ".pub".
func WriteKeyFiles(path, private, public string) error {
	if err := writeNew(path, private+"\n", 0o600); err != nil {
		return err
	}
	return writeNew(strings.TrimSuffix(path, ".key")+".pub", public+"\n", 0o644)
}

// writeNew creates a file that must not exist yet.
func writeNew(path, content string, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// LoadOrCreateKeyPair reads the key pair of a server or witness from
// path; when there is no file there yet it first makes one named name
// (GenerateKey), so a first start needs no keygen step.
func LoadOrCreateKeyPair(path, name string) (KeyPair, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		private, public, err := GenerateKey(name)
		if err != nil {
			return KeyPair{}, err
		}
		if err := WriteKeyFiles(path, private, public); err != nil {
			return KeyPair{}, err
		}
	} else if err != nil {
		return KeyPair{}, err
	}
	return ReadKeyPair(path)
}
