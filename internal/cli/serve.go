package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/backstop-dev/backstop/examples"
	"github.com/backstop-dev/backstop/internal/load"
	"github.com/backstop-dev/backstop/internal/oblast"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
	"github.com/backstop-dev/backstop/internal/territory"
)

const serveUsage = `Usage: backstop serve [PATH...] [flags]

Serves the shared, signed record: parties submit signed documents, every
accepted one becomes an entry of a tamper-evident log, and the API gives
the log, its proofs, and assessments and monitoring of the stored
documents. On first start the record is seeded with PATH (files and
folders), or with the bundled example (examples/ukraine-2025), signed with
the server's key; later starts serve what is stored. SIGTERM or SIGINT
shut it down gracefully. The API is described at /v1/openapi.json and in
docs/serve.md.

Flags:
  --data DIR         the data folder: the SQLite database and the server key
                     (default backstop-data)
  --db DSN           postgres://... to use PostgreSQL instead of SQLite
  --listen ADDR      address to listen on (default 127.0.0.1:8080; :0 picks a port)
  --key FILE         the server's private key (default DATA/server.key, made on
                     first start); its name is the log's origin
  --origin NAME      the name of a key made on first start (default backstop-log)
  --admin KEY        a public key that may create frameworks (repeatable)
  --witness URL[,KEY]
                     a witness asked to cosign each new checkpoint
                     (repeatable; KEY pins its public key, else the witness
                     gives it); see backstop witness and docs/witness.md
  --oblasts FILE      oblast.geojson: the dashboard's map draws Ukraine's 27
                     oblasts (../shared/data/ua-oblasts/oblast.geojson)
  --territory DIR    DeepState snapshots: the map draws the occupied territory
                     at a date and at each framework's ceasefire, and the
                     monitoring runs the territory triggers, as monitor
                     --territory does
  --max-body BYTES   the largest request body (default 1048576)
  --timeout DUR      the longest a request may take (default 30s)
  --log-format FMT   text (default) or json, on standard error
  --min-free N       the free space in the data folder's file system below
                     which /v1/health says failing and /v1/ready no
                     (default 64MiB)
  --memory-limit N   the Go runtime's soft memory limit, such as 384MiB or
                     1GiB (default 384MiB; 0 for none; GOMEMLIMIT in the
                     environment is used when this flag is not given): the
                     garbage collector works harder near it

The dashboard is at the server's address (http://127.0.0.1:8080/): the
guarantee at a glance, its coverage, the map, the breaches, the stress test
and the signed record, updated as documents arrive (docs/dashboard.md).

Examples:
  backstop serve
  backstop serve --oblasts ../shared/data/ua-oblasts/oblast.geojson --territory ../shared/data/deepstate
  backstop serve examples/baltics-2016 --data baltics-data --listen :8081
  backstop serve --db 'postgres://backstop@db.example/backstop?sslmode=require'

` + exitCodesHelp + "\n"

func runServe(args []string, s Streams) int {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	data := fset.String("data", "backstop-data", "data folder")
	dsn := fset.String("db", "", "database")
	listen := fset.String("listen", "127.0.0.1:8080", "listen address")
	keyFile := fset.String("key", "", "server key")
	origin := fset.String("origin", "backstop-log", "key name")
	var admins listFlag
	fset.Var(&admins, "admin", "admin public key")
	var witnessURLs listFlag
	fset.Var(&witnessURLs, "witness", "witness URL[,KEY]")
	oblasts := fset.String("oblasts", "", "oblast.geojson")
	territoryDir := fset.String("territory", "", "snapshot folder")
	maxBody := fset.Int64("max-body", server.DefaultMaxBody, "max body")
	timeout := fset.Duration("timeout", server.DefaultTimeout, "request timeout")
	logFormat := fset.String("log-format", "text", "text or json")
	memoryLimit := fset.String("memory-limit", defaultMemoryLimit, "soft memory limit")
	minFree := fset.String("min-free", "64MiB", "free disk below which the server is failing")
	paths, exit, ok := parseFlags(fset, args, serveUsage, s)
	if !ok {
		return exit
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(s.Err, "backstop serve: "+format+"\n", a...)
		return code
	}
	minFreeBytes, err := serveMemory(fset, *memoryLimit, *minFree)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	handler, err := logHandler(*logFormat, s.Err)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	if *maxBody < 1024 || *timeout < time.Second {
		return fail(ExitUsage, "--max-body must be at least 1024 and --timeout at least 1s")
	}
	logger := slog.New(handler)
	key, err := serveKey(*data, *keyFile, *origin)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	witnesses, err := witnessFlags(witnessURLs)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	adminKeys, err := parseVerifiers("--admin", admins)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	layers, code := mapLayers(*oblasts, *territoryDir, s)
	if code != ExitOK {
		return code
	}
	if *dsn == "" {
		*dsn = filepath.Join(*data, "backstop.db")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	st, err := store.Open(ctx, *dsn)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	defer st.Close()
	srv, err := server.New(ctx, st, server.Config{Key: key, Admins: adminKeys, Witnesses: witnesses, MaxBody: *maxBody, Timeout: *timeout, Logger: logger,
		Oblasts: layers.oblasts, Territory: layers.snapshots, DataDir: *data, MinFreeBytes: minFreeBytes})
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	if code := seed(ctx, srv, paths, s); code != ExitOK {
		srv.Close()
		return code
	}
	if err := listenAndServe(ctx, srv, *listen, fmt.Sprintf("%s, log key %s", st.Dialect(), key.ID()), s); err != nil {
		return fail(ExitUsage, "%v", err)
	}
	fmt.Fprintln(s.Err, "backstop serve: stopped")
	return ExitOK
}

// listenAndServe listens on --listen, says so (with what, such as the
// database and the log key) and serves until ctx ends.
func listenAndServe(ctx context.Context, srv *server.Server, listen, what string, s Streams) error {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		srv.Close()
		return fmt.Errorf("--listen: %v", err)
	}
	fmt.Fprintf(s.Err, "backstop serve: listening on http://%s (%s)\n", l.Addr(), what)
	return srv.Serve(ctx, l, 15*time.Second)
}

// serveMemory reads --memory-limit, setting the Go runtime's soft limit,
// and returns --min-free in bytes.
func serveMemory(fset *flag.FlagSet, memoryLimit, minFree string) (int64, error) {
	limit, err := parseBytes(memoryLimit)
	if err != nil {
		return 0, fmt.Errorf("--memory-limit: %v", err)
	}
	minFreeBytes, err := parseBytes(minFree)
	if err != nil || minFreeBytes == 0 {
		return 0, fmt.Errorf("--min-free: a size such as 64MiB or 1GiB, not %q", minFree)
	}
	// The Go runtime's soft limit: the collector works harder as the heap
	// nears it, so a flood of requests that each load the record costs CPU
	// rather than memory. GOMEMLIMIT in the environment wins unless the
	// flag is given.
	if _, env := os.LookupEnv("GOMEMLIMIT"); limit > 0 && (!env || flagGiven(fset, "memory-limit")) {
		debug.SetMemoryLimit(limit)
	}
	return minFreeBytes, nil
}

// serveKey makes the data folder and reads the server's key: --key, or
// DIR/server.key, made on first start.
func serveKey(data, keyFile, origin string) (signing.KeyPair, error) {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return signing.KeyPair{}, fmt.Errorf("--data: %v", err)
	}
	if keyFile == "" {
		keyFile = filepath.Join(data, "server.key")
		if err := ensureKey(keyFile, origin); err != nil {
			return signing.KeyPair{}, err
		}
	}
	key, err := signing.ReadKeyPair(keyFile)
	if err != nil {
		return signing.KeyPair{}, fmt.Errorf("--key: %v", err)
	}
	return key, nil
}

// parseVerifiers parses the public keys given with a flag (--admin,
// --log-key), naming it in errors.
func parseVerifiers(flagName string, given []string) ([]note.Verifier, error) {
	var keys []note.Verifier
	for _, a := range given {
		v, err := signing.ParseVerifier(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", flagName, err)
		}
		keys = append(keys, v)
	}
	return keys, nil
}

// serveLayers are the map's geography, read at start.
type serveLayers struct {
	oblasts   *oblast.Table
	snapshots []*territory.Snapshot
}

// mapLayers reads --oblasts and --territory. A snapshot that cannot be read
// is reported and the others are served; no snapshot at all is an error,
// as a folder given by mistake should not pass unnoticed.
func mapLayers(oblasts, dir string, s Streams) (serveLayers, int) {
	var l serveLayers
	if oblasts != "" {
		t, err := oblast.Load(oblasts)
		if err != nil {
			fmt.Fprintf(s.Err, "backstop serve: --oblasts: %v\n", err)
			return l, ExitUsage
		}
		l.oblasts = t
	}
	if dir != "" {
		snaps, ds := territory.LoadDir(dir)
		writeDiagnosticsText(s.Err, ds)
		if len(snaps) == 0 {
			fmt.Fprintf(s.Err, "backstop serve: --territory %s: no snapshots\n", dir)
			return l, ExitUsage
		}
		fmt.Fprintf(s.Err, "backstop serve: %d territory snapshots, %s to %s\n", len(snaps), snaps[0].Date, snaps[len(snaps)-1].Date)
		l.snapshots = snaps
	}
	return l, ExitOK
}

// ensureKey makes the server's key on first start.
func ensureKey(path, name string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	private, public, err := signing.GenerateKey(name)
	if err != nil {
		return fmt.Errorf("--origin: %w", err)
	}
	if err := writeNew(path, private+"\n", 0o600); err != nil {
		return err
	}
	return writeNew(strings.TrimSuffix(path, ".key")+".pub", public+"\n", 0o644)
}

// seed fills an empty record with the given documents, or the bundled
// example; a record that has entries is served as it is.
func seed(ctx context.Context, srv *server.Server, paths []string, s Streams) int {
	files := map[string][]byte{}
	if len(paths) == 0 {
		err := fs.WalkDir(examples.Ukraine2025, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := examples.Ukraine2025.ReadFile(p)
			files["examples/"+p] = b
			return err
		})
		if err != nil {
			fmt.Fprintf(s.Err, "backstop serve: the bundled example: %v\n", err)
			return ExitUsage
		}
	} else {
		set, ds := load.Paths(paths, nil)
		if ds.HasErrors() {
			writeDiagnosticsText(s.Err, errorsOnly(ds))
			fmt.Fprintln(s.Err, "backstop serve: the documents to seed are invalid; nothing served")
			return exitCode(ds)
		}
		for _, d := range set.Docs {
			if _, seen := files[d.File.Name]; !seen {
				b, err := os.ReadFile(d.File.Name)
				if err != nil {
					fmt.Fprintf(s.Err, "backstop serve: %v\n", err)
					return ExitUsage
				}
				files[d.File.Name] = b
			}
		}
	}
	docs, err := server.SeedFiles(files)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop serve: %v\n", err)
		return ExitInvalid
	}
	n, err := srv.Seed(ctx, docs)
	switch {
	case errors.Is(err, server.ErrNotEmpty):
		if len(paths) > 0 {
			fmt.Fprintf(s.Err, "backstop serve: the record has entries; %s not seeded\n", strings.Join(paths, ", "))
		}
	case err != nil:
		fmt.Fprintf(s.Err, "backstop serve: seeding: %v\n", err)
		return ExitInvalid
	default:
		fmt.Fprintf(s.Err, "backstop serve: seeded the record with %d documents\n", n)
	}
	return ExitOK
}

// defaultMemoryLimit is serve's soft memory limit: under the soak test's
// flood (docs/serve.md) it keeps the peak resident memory near 400 MiB.
const defaultMemoryLimit = "384MiB"

// parseBytes reads a size: a whole number of bytes, or one with a unit
// KiB, MiB or GiB.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"", 0}}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64>>u.shift {
			break
		}
		return n << u.shift, nil
	}
	return 0, fmt.Errorf("%q is not a size such as 384MiB, 1GiB or 0", s)
}

// flagGiven reports whether the command line set the flag.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// logHandler is the slog handler of --log-format (serve's and witness's):
// text or JSON lines on w.
func logHandler(format string, w io.Writer) (slog.Handler, error) {
	switch format {
	case "text":
		return slog.NewTextHandler(w, nil), nil
	case "json":
		return slog.NewJSONHandler(w, nil), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}
