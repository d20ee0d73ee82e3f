package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/signing"
)

const signUsage = `Usage: backstop sign FILE --key KEY [--out FILE] [--document N]

Signs one document with a private key, as a signed note: the document's
text, a blank line, and a line "— NAME SIGNATURE". A server accepts it from
the party whose key it lists. Signing a signed document adds a signature.
Line ends are normalised to LF. A document is refused, with the line and
column, if it holds what an editor does not show: tabs and other control
characters, line breaks other than LF (a lone CR, NEL U+0085, U+2028,
U+2029: YAML breaks lines there, editors do not), a byte order mark inside
the text, bidirectional controls. The server refuses the same with the
same message.

Flags:
  --key FILE       the private key (from backstop keygen)
  --out FILE       write the signed document to FILE (default: standard output)
  --document N     the Nth document of a file holding several (from 1)

Examples:
  backstop sign examples/ukraine-2025/declarations/gb.yaml --key examples/ukraine-2025/keys/GB.key --document 2 --out gb.signed
  backstop sign - --key examples/ukraine-2025/keys/FI.key < examples/ukraine-2025/declarations/fi.yaml > fi.signed

` + exitCodesHelp + "\n"

func runSign(args []string, s Streams) int {
	fset := flag.NewFlagSet("sign", flag.ContinueOnError)
	keyFile := fset.String("key", "", "private key file")
	out := fset.String("out", "", "output file")
	index := fset.Int("document", 0, "document number")
	rest, exit, ok := parseFlags(fset, args, signUsage, s)
	if !ok {
		return exit
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop sign: "+format+"\n", a...)
		return code
	}
	switch {
	case len(rest) != 1:
		return fail(ExitUsage, "give one FILE to sign\n\n%s", signUsage)
	case *keyFile == "":
		return fail(ExitUsage, "--key is required")
	}
	key, err := signing.ReadKeyPair(*keyFile)
	if err != nil {
		return fail(ExitUsage, "--key: %v", err)
	}
	src, err := readInput(rest[0], s.In)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	doc, err := pickDocument(rest[0], src, *index)
	if err != nil {
		return fail(ExitInvalid, "%v", err)
	}
	signed, err := signing.Sign(doc, key.Signer)
	var bad *signing.TextError
	if errors.As(err, &bad) {
		// The line in the file, not in the document cut from it.
		bad.Line += linesBefore(src, doc)
	}
	if err != nil {
		return fail(ExitInvalid, "%s: %v", rest[0], err)
	}
	if *out == "" {
		_, err = s.Out.Write(signed)
	} else {
		err = os.WriteFile(*out, signed, 0o644)
	}
	if err != nil {
		return fail(ExitUsage, "writing: %v", err)
	}
	if *out != "" {
		fmt.Fprintf(s.notes(), "wrote %s, signed by %s\n", *out, key.ID())
	}
	return ExitOK
}

// linesBefore counts the lines of src before doc, a part of it
// (pickDocument returns a slice of the file's contents: the capacities of
// the two slices differ by doc's offset in src).
func linesBefore(src, doc []byte) int {
	off := cap(src) - cap(doc)
	if off < 0 || off > len(src) {
		return 0
	}
	return bytes.Count(src[:off], []byte("\n"))
}

func readInput(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(path)
}

// pickDocument returns the document of a file to sign: a signed document
// as it is, the only document of a plain file, or its Nth (from 1).
func pickDocument(name string, src []byte, n int) ([]byte, error) {
	if signing.IsSigned(src) {
		if n > 1 {
			return nil, fmt.Errorf("%s is a signed document; it holds one document", name)
		}
		return src, nil
	}
	docs := load.SplitDocuments(src)
	switch {
	case len(docs) == 0:
		return nil, fmt.Errorf("%s holds no document", name)
	case n == 0 && len(docs) > 1:
		return nil, fmt.Errorf("%s holds %d documents; a signed document is one: choose with --document 1..%d", name, len(docs), len(docs))
	case n == 0:
		return docs[0], nil
	case n < 1 || n > len(docs):
		return nil, fmt.Errorf("--document %d: %s holds %d document(s)", n, name, len(docs))
	}
	return docs[n-1], nil
}
