package cli

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"

	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/witness"
)

const witnessUsage = `Usage: backstop witness --key FILE --log-key KEY [--log-key KEY]...
                        [--state FILE] [--listen ADDR] [--name NAME]
       backstop witness --key FILE --print-key

Runs a witness: anyone (a party, a monitor, a newspaper) can run one, so
that the server, or whoever holds its key, cannot show one history of the
log to some readers and another to others. The server sends the witness
each new checkpoint with a consistency proof from the last checkpoint the
witness cosigned; the witness cosigns it only if the proof shows that the
log only grew, and refuses any other history of the log for ever after.
Readers then accept only a checkpoint cosigned by enough witnesses they
trust (backstop verify --witnesses FILE --quorum K).

The protocol is C2SP tlog-witness (POST /add-checkpoint) and the
cosignatures C2SP tlog-cosignature (cosignature/v1, Ed25519); the witness
also answers GET /key with its public key. See docs/witness.md.

Flags:
  --key FILE       the witness's private key; made on first start (with
                   FILE.pub beside it, minus .key, holding the public key)
  --name NAME      the name of a key made on first start (default backstop-witness)
  --print-key      print the witness's public key (the line readers list
                   in their --witnesses file) and exit
  --log-key KEY    the public key of a log to witness (file or NAME+HASH+KEY,
                   as the server's /v1/log/key gives it); repeatable
  --state FILE     where the last cosigned checkpoint of each log is kept
                   (default witness-state.json); locked while the witness runs
  --listen ADDR    address to listen on (default 127.0.0.1:8090)
  --log-format FMT text (default) or json, on standard error

Examples:
  backstop witness --key witness.key --log-key server.pub --state kyiv-witness.json
  backstop witness --key witness.key --print-key >> witnesses.txt
  backstop serve --witness http://127.0.0.1:8090

` + exitCodesHelp + "\n"

func runWitness(args []string, s Streams) int {
	fset := flag.NewFlagSet("witness", flag.ContinueOnError)
	keyFile := fset.String("key", "", "witness key")
	name := fset.String("name", "backstop-witness", "key name")
	printKey := fset.Bool("print-key", false, "print the public key")
	var logKeys listFlag
	fset.Var(&logKeys, "log-key", "log public key")
	statePath := fset.String("state", "witness-state.json", "state file")
	listen := fset.String("listen", "127.0.0.1:8090", "listen address")
	logFormat := fset.String("log-format", "text", "text or json")
	rest, exit, ok := parseFlags(fset, args, witnessUsage, s)
	if !ok {
		return exit
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop witness: "+format+"\n", a...)
		return ExitUsage
	}
	switch {
	case len(rest) > 0:
		return fail("unexpected argument %q", rest[0])
	case *keyFile == "":
		return fail("--key is required (a file; it is made on first start)")
	case len(logKeys) == 0 && !*printKey:
		return fail("--log-key is required: the public key of the log to witness")
	}
	handler, err := server.NewLogHandler(*logFormat, s.Err)
	if err != nil {
		return fail("%v", err)
	}
	signer, err := witness.LoadOrCreateKey(*keyFile, *name)
	if err != nil {
		return fail("--key: %v", err)
	}
	if *printKey {
		fmt.Fprintln(s.Out, signer.Verifier())
		return ExitOK
	}
	logs, err := signing.ParseVerifiers("--log-key", logKeys)
	if err != nil {
		return fail("%v", err)
	}
	state, err := witness.OpenState(*statePath)
	if err != nil {
		return fail("--state: %v", err)
	}
	defer state.Close()
	logger := slog.New(handler)
	w, err := witness.New(signer, logs, state, logger)
	if err != nil {
		return fail("%v", err)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return fail("--listen: %v", err)
	}
	for _, v := range logs {
		if rec, ok := state.Get(v.Name()); ok {
			fmt.Fprintf(s.Err, "backstop witness: log %s: last cosigned %d entries, root %s\n", v.Name(), rec.Size, short(rec.Root))
		}
	}
	fmt.Fprintf(s.Err, "backstop witness: listening on http://%s; key %s\n", l.Addr(), signer.Verifier())
	if err := witness.ServeUntilSignal(l, w.Handler(), handler); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintln(s.Err, "backstop witness: stopped")
	return ExitOK
}

// witnessFlags reads serve's --witness values (server.ParseWitness).
func witnessFlags(values []string) ([]server.Witness, error) {
	var out []server.Witness
	for _, v := range values {
		w, err := server.ParseWitness(v)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// witnessQuorum reads verify's --witnesses FILE and checks --quorum K
// against it (K defaults to all the witnesses listed).
func witnessQuorum(path string, quorum *int) ([]*witness.Verifier, error) {
	if path == "" {
		if *quorum != 0 {
			return nil, errors.New("--quorum needs --witnesses FILE, the witnesses' public keys")
		}
		return nil, nil
	}
	ws, err := witness.ReadVerifiers(path)
	if err != nil {
		return nil, fmt.Errorf("--witnesses: %v", err)
	}
	if *quorum == 0 {
		*quorum = len(ws)
	}
	if *quorum < 1 || *quorum > len(ws) {
		return nil, fmt.Errorf("--quorum %d: give 1 to %d, the number of witnesses listed in %s", *quorum, len(ws), path)
	}
	return ws, nil
}
