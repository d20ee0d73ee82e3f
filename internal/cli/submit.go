package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/render"
	"github.com/backstop-dev/backstop/internal/signing"
)

const submitUsage = `Usage: backstop submit FILE... --server URL [--key KEY] [--framework ID]

Sends documents to a backstop server's record. A signed document (from
backstop sign) is sent as it is; a plain file is signed with --key first,
each of its documents separately. The framework is the document's own (a
Framework's id, a Declaration's framework), else --framework, else the
server's only framework.

Each document is accepted (its entry in the log is printed) or refused with
the server's reason.

Flags:
  --server URL       the server, such as http://127.0.0.1:8080
  --key FILE         private key to sign plain files with
  --framework ID     the framework for documents that name none (Incidents)

Examples:
  sed 's/^date: 2025-08-31/date: 2025-11-30/' examples/ukraine-2025/declarations/fi.yaml > fi-nov.yaml
  backstop sign fi-nov.yaml --key examples/ukraine-2025/keys/FI.key --out fi-nov.signed
  backstop submit fi-nov.signed --server http://127.0.0.1:8080
  backstop import incidents ../shared/data/viina/viina_incidents_202408.csv.gz --out august.yaml
  backstop submit august.yaml --server http://127.0.0.1:8080 --key examples/ukraine-2025/keys/MON.key

Exit codes:
  0  every document was accepted
  1  the server refused a document
  2  usage error, unreadable input, or the server could not be reached
`

func runSubmit(args []string, s Streams) int {
	fset := flag.NewFlagSet("submit", flag.ContinueOnError)
	server := fset.String("server", "", "server URL")
	keyFile := fset.String("key", "", "private key")
	framework := fset.String("framework", "", "framework id")
	files, exit, ok := parseFlags(fset, args, submitUsage, s)
	if !ok {
		return exit
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop submit: "+format+"\n", a...)
		return ExitUsage
	}
	if len(files) == 0 {
		return fail("no files given\n\n%s", submitUsage)
	}
	if *server == "" {
		return fail("--server is required, such as --server http://127.0.0.1:8080")
	}
	c, key, err := newClient(*server, *keyFile)
	if err != nil {
		return fail("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code := ExitOK
	for _, file := range files {
		src, err := readInput(file, s.In)
		if err != nil {
			return fail("%v", err)
		}
		if !signing.IsSigned(src) && key == nil {
			return fail("%s is not signed: sign it with backstop sign, or give --key", file)
		}
		for _, doc := range client.Documents(file, src) {
			outcome, err := c.SubmitDocument(ctx, doc, key, *framework)
			switch {
			case err != nil:
				return fail("%v", err)
			case outcome.SignErr != nil:
				fmt.Fprintf(s.Err, "%s: %v\n", doc.Name, outcome.SignErr)
				code = ExitInvalid
			case outcome.Refused != nil:
				render.SubmitRefused(s.Err, doc.Name, outcome.Refused)
				code = ExitInvalid
			default:
				render.SubmitAccepted(s.Out, s.Err, doc.Name, outcome.Accepted)
			}
		}
	}
	return code
}

// newClient makes the API client of --server, signing with --key when one
// is given (reads of closed frameworks need it; submit signs plain files
// with it).
func newClient(server, keyFile string) (*client.Client, *signing.KeyPair, error) {
	var key *signing.KeyPair
	if keyFile != "" {
		k, err := signing.ReadKeyPair(keyFile)
		if err != nil {
			return nil, nil, fmt.Errorf("--key: %w", err)
		}
		key = &k
	}
	c, err := client.New(server, key)
	return c, key, err
}
