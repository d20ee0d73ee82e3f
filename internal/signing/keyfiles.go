package signing

import (
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
