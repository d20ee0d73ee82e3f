package signing

import (
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// ParseVerifiers parses public keys, naming where they were given (such as
// a flag, --admin or --log-key) in errors.
func ParseVerifiers(givenBy string, keys []string) ([]note.Verifier, error) {
	var vs []note.Verifier
	for _, k := range keys {
		v, err := ParseVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", givenBy, err)
		}
		vs = append(vs, v)
	}
	return vs, nil
}
