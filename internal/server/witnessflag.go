package server

import (
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/internal/witness"
)

// ParseWitness reads a witness as serve's --witness gives it: URL or
// URL,KEY, KEY the witness's public key or a file holding it (without it
// the server asks the witness for its key).
func ParseWitness(v string) (Witness, error) {
	url, key, hasKey := strings.Cut(v, ",")
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return Witness{}, fmt.Errorf("--witness %q: give the witness's URL, such as http://127.0.0.1:8090, optionally followed by ,KEY", v)
	}
	w := Witness{URL: strings.TrimRight(url, "/")}
	if hasKey {
		ks, err := witness.ReadVerifiers(key)
		if err != nil {
			return Witness{}, fmt.Errorf("--witness %s: %v", url, err)
		}
		if len(ks) != 1 {
			return Witness{}, fmt.Errorf("--witness %s: give one key, not %d", url, len(ks))
		}
		w.Key = ks[0]
	}
	return w, nil
}
