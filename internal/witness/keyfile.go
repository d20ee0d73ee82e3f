package witness

import (
	"errors"
	"io/fs"
	"os"

	"github.com/backstop-dev/backstop/internal/signing"
)

// LoadOrCreateKey reads the witness's private key from path, making it
// (named name) and path's ".pub" beside it, the cosignature/v1 public key,
// when path does not exist yet.
func LoadOrCreateKey(path, name string) (*Signer, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		private, _, err := signing.GenerateKey(name)
		if err != nil {
			return nil, err
		}
		signer, err := ParsePrivate(private)
		if err != nil {
			return nil, err
		}
		if err := signing.WriteKeyFiles(path, private, signer.Verifier().String()); err != nil {
			return nil, err
		}
		return signer, nil
	} else if err != nil {
		return nil, err
	}
	return ReadPrivate(path)
}
