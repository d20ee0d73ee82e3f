package server

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/backstop-dev/backstop/internal/signing"
)

// OpenKey makes the data folder and reads the server's key: keyFile, or
// DATA/server.key, made on first start with the name origin.
func OpenKey(data, keyFile, origin string) (signing.KeyPair, error) {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return signing.KeyPair{}, fmt.Errorf("--data: %v", err)
	}
	if keyFile == "" {
		key, err := signing.LoadOrCreateKeyPair(filepath.Join(data, "server.key"), origin)
		if err != nil {
			return key, fmt.Errorf("--data %s, --origin %s: %v", data, origin, err)
		}
		return key, nil
	}
	key, err := signing.ReadKeyPair(keyFile)
	if err != nil {
		return key, fmt.Errorf("--key: %v", err)
	}
	return key, nil
}
