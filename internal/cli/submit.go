package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/backstop-dev/backstop/internal/api"
	"github.com/backstop-dev/backstop/internal/client"
	"github.com/backstop-dev/backstop/internal/load"
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
  backstop submit gb.signed --server http://127.0.0.1:8080
  backstop submit incidents.yaml --server http://127.0.0.1:8080 --key MON.key

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
		docs := [][]byte{src}
		if !signing.IsSigned(src) {
			if key == nil {
				return fail("%s is not signed: sign it with backstop sign, or give --key", file)
			}
			docs = load.SplitDocuments(src)
		}
		for i, doc := range docs {
			name := file
			if len(docs) > 1 {
				name = fmt.Sprintf("%s#%d", file, i+1)
			}
			docCode, err := submitOne(ctx, c, name, doc, key, *framework, s)
			if err != nil {
				return fail("%v", err)
			}
			code = max(code, docCode)
		}
	}
	return code
}

// submitOne signs a document if it is not signed yet, submits it and
// prints the server's answer: the exit code it earns, or an error that
// ends the command (the server could not be reached).
func submitOne(ctx context.Context, c *client.Client, name string, doc []byte, key *signing.KeyPair, framework string, s Streams) (int, error) {
	signed := doc
	if !signing.IsSigned(doc) {
		var err error
		if signed, err = signing.Sign(doc, key.Signer); err != nil {
			fmt.Fprintf(s.Err, "%s: %v\n", name, err)
			return ExitInvalid, nil
		}
	}
	id, err := submitFramework(ctx, c, signed, framework)
	if err != nil {
		return ExitUsage, fmt.Errorf("%s: %v", name, err)
	}
	acc, err := c.Submit(ctx, id, signed)
	var p *api.Problem
	switch {
	case errors.As(err, &p):
		fmt.Fprintf(s.Err, "%s: refused: %s\n", name, p.Error())
		for _, d := range p.Diagnostics {
			fmt.Fprintf(s.Err, "  %s:%d:%d: %s: %s\n", name, d.Line, d.Column, d.Severity, d.Message)
		}
		return ExitInvalid, nil
	case err != nil:
		return ExitUsage, fmt.Errorf("%s: %v", name, err)
	}
	printAccepted(name, acc, s)
	return ExitOK, nil
}

// printAccepted says which entry the server made of a document, and its
// warnings.
func printAccepted(name string, acc *api.Accepted, s Streams) {
	e := acc.Entry
	what := e.Kind
	if e.Subject != "" {
		what += " " + e.Subject
	}
	if e.Date != "" {
		what += " " + e.Date
	}
	fmt.Fprintf(s.Out, "%s: accepted as entry %d (%s, signed by %s); the log has %d entries\n", name, e.Index, what, e.Key, acc.Checkpoint.Size)
	for _, d := range acc.Warnings {
		fmt.Fprintf(s.Err, "  %s:%d:%d: warning: %s\n", name, d.Line, d.Column, d.Message)
	}
}

// submitFramework finds the framework a signed document goes to.
func submitFramework(ctx context.Context, c *client.Client, signed []byte, flagValue string) (string, error) {
	set, _ := load.Bytes("doc", signing.Text(signed))
	if len(set.Docs) == 1 && set.Docs[0].FrameworkID() != "" {
		return set.Docs[0].FrameworkID(), nil
	}
	if flagValue != "" {
		return flagValue, nil
	}
	fws, err := c.Frameworks(ctx)
	if err != nil {
		return "", err
	}
	if len(fws) != 1 {
		return "", fmt.Errorf("the document names no framework and the server has %d; give --framework", len(fws))
	}
	return fws[0].ID, nil
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
