package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/backstop-dev/backstop/internal/model"
	"github.com/backstop-dev/backstop/internal/signing"
)

const keygenUsage = `Usage: backstop keygen --party ID [--name NAME] [--out DIR]

Makes an ed25519 key pair for a party: DIR/ID.key, the private key (mode
0600; keep it secret: whoever holds it signs as the party) and DIR/ID.pub,
the public key to list under the party's keys in the framework:

  parties:
    GB:
      keys: [GB+1a2b3c4d+AU7H...]

Existing files are never overwritten.

Flags:
  --party ID     the party the key signs for, such as GB
  --name NAME    the key's name (default: the party id); it appears in signatures
  --out DIR      the folder to write to (default: the current folder)

Examples:
  backstop keygen --party GB
  backstop keygen --party MON --name MON-2026 --out keys

` + exitCodesHelp + "\n"

func runKeygen(args []string, s Streams) int {
	fset := flag.NewFlagSet("keygen", flag.ContinueOnError)
	party := fset.String("party", "", "party id")
	name := fset.String("name", "", "key name")
	out := fset.String("out", ".", "output folder")
	rest, exit, ok := parseFlags(fset, args, keygenUsage, s)
	if !ok {
		return exit
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop keygen: "+format+"\n", a...)
		return ExitUsage
	}
	switch {
	case len(rest) > 0:
		return usage("unexpected argument %q", rest[0])
	case *party == "":
		return usage("--party is required, such as --party GB")
	case !model.ValidPartyID(*party):
		return usage("--party %q is not a party id (2–8 characters [A-Z][A-Z0-9_-]*)", *party)
	}
	if *name == "" {
		*name = *party
	}
	private, public, err := signing.GenerateKey(*name)
	if err != nil {
		return usage("%v", err)
	}
	keyPath := filepath.Join(*out, *party+".key")
	pubPath := filepath.Join(*out, *party+".pub")
	for _, p := range []string{keyPath, pubPath} {
		if _, err := os.Stat(p); err == nil {
			return usage("%s exists; not overwriting a key (move it away, or use --out)", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return usage("%v", err)
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return usage("%v", err)
	}
	if err := writeNew(keyPath, private+"\n", 0o600); err != nil {
		return usage("%v", err)
	}
	if err := writeNew(pubPath, public+"\n", 0o644); err != nil {
		return usage("%v", err)
	}
	fmt.Fprintf(s.notes(), "wrote %s (private: keep it secret) and %s\n", keyPath, pubPath)
	fmt.Fprintf(s.notes(), "list the public key under parties.%s.keys in the framework:\n", *party)
	fmt.Fprintln(s.Out, public)
	return ExitOK
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
