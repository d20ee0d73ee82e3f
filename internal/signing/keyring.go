package signing

import (
	"golang.org/x/mod/sumdb/note"

	"github.com/backstop-dev/backstop/internal/model"
)

// Keyring holds the keys that may sign for a framework's parties, and
// extra keys (the server operator's) that belong to no party.
type Keyring struct {
	verifiers note.Verifiers
	party     map[string]string // KeyID → party id; "" for extra keys
}

// NewKeyring collects the keys of f's parties (f may be nil) and extras.
// Keys that do not parse are skipped: validation reports them.
func NewKeyring(f *model.Framework, extra ...note.Verifier) *Keyring {
	k := &Keyring{party: map[string]string{}}
	var list []note.Verifier
	add := func(v note.Verifier, party string) {
		id := KeyID(v.Name(), v.KeyHash())
		if _, dup := k.party[id]; dup {
			return // validation refuses a key listed twice; keep the first
		}
		k.party[id] = party
		list = append(list, v)
	}
	for _, v := range extra {
		add(v, "")
	}
	if f != nil {
		for _, id := range f.PartyIDs() {
			for _, key := range f.Parties[id].Keys {
				if v, err := note.NewVerifier(key); err == nil {
					add(v, id)
				}
			}
		}
	}
	k.verifiers = note.VerifierList(list...)
	return k
}

// Party returns the party that key id (NAME+HASH) speaks for.
func (k *Keyring) Party(id string) (party string, ok bool) {
	party, ok = k.party[id]
	return party, ok
}

// verifier returns the verifier of key id.
func (k *Keyring) verifier(id string) (note.Verifier, bool) {
	name, hash, ok := splitKeyID(id)
	if !ok {
		return nil, false
	}
	v, err := k.verifiers.Verifier(name, hash)
	return v, err == nil
}
