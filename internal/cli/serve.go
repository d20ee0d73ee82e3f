package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/backstop-dev/backstop/internal/diag"
	"github.com/backstop-dev/backstop/internal/option"
	"github.com/backstop-dev/backstop/internal/server"
	"github.com/backstop-dev/backstop/internal/signing"
	"github.com/backstop-dev/backstop/internal/store"
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
  --settlements FILE GeoNames' settlements.csv: the map labels the largest
                     2,000 places by zoom
                     (../shared/data/ua-settlements/settlements.csv)
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

// serveParams are serve's flags.
type serveParams struct {
	data, dsn, listen, keyFile, origin string
	admins, witnessURLs                listFlag
	oblasts, territoryDir, settlements string
	maxBody                            int64
	timeout                            time.Duration
	logFormat, memoryLimit, minFree    string
}

func runServe(args []string, s Streams) int {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	var p serveParams
	fset.StringVar(&p.data, "data", "backstop-data", "data folder")
	fset.StringVar(&p.dsn, "db", "", "database")
	fset.StringVar(&p.listen, "listen", "127.0.0.1:8080", "listen address")
	fset.StringVar(&p.keyFile, "key", "", "server key")
	fset.StringVar(&p.origin, "origin", "backstop-log", "key name")
	fset.Var(&p.admins, "admin", "admin public key")
	fset.Var(&p.witnessURLs, "witness", "witness URL[,KEY]")
	fset.StringVar(&p.oblasts, "oblasts", "", "oblast.geojson")
	fset.StringVar(&p.territoryDir, "territory", "", "snapshot folder")
	fset.StringVar(&p.settlements, "settlements", "", "settlements.csv")
	fset.Int64Var(&p.maxBody, "max-body", server.DefaultMaxBody, "max body")
	fset.DurationVar(&p.timeout, "timeout", server.DefaultTimeout, "request timeout")
	fset.StringVar(&p.logFormat, "log-format", "text", "text or json")
	fset.StringVar(&p.memoryLimit, "memory-limit", server.DefaultMemoryLimit, "soft memory limit")
	fset.StringVar(&p.minFree, "min-free", "64MiB", "free disk below which the server is failing")
	paths, exit, ok := parseFlags(fset, args, serveUsage, s)
	if !ok {
		return exit
	}
	// Bind first: a busy or mistyped --listen must not leave a data
	// folder, a key and a seeded record behind.
	l, err := net.Listen("tcp", p.listen)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop serve: --listen: %v\n", err)
		return ExitUsage
	}
	defer l.Close()
	cfg, err := serveConfig(fset, p, s)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop serve: %v\n", err)
		return ExitUsage
	}
	if p.dsn == "" {
		p.dsn = filepath.Join(p.data, "backstop.db")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	st, err := store.Open(ctx, p.dsn)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop serve: %v\n", err)
		return ExitUsage
	}
	defer st.Close()
	srv, err := server.New(ctx, st, cfg)
	if err != nil {
		fmt.Fprintf(s.Err, "backstop serve: %v\n", err)
		return ExitUsage
	}
	if code := seed(ctx, srv, paths, s); code != ExitOK {
		srv.Close()
		return code
	}
	if err := serveOn(ctx, srv, l, fmt.Sprintf("%s, log key %s", st.Dialect(), cfg.Key.ID()), s); err != nil {
		fmt.Fprintf(s.Err, "backstop serve: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintln(s.Err, "backstop serve: stopped")
	return ExitOK
}

// serveConfig reads the server's configuration from serve's flags: the
// memory limits, the log format, the key, the witnesses, the admins and
// the map's layers (reported on s.Err).
func serveConfig(fset *flag.FlagSet, p serveParams, s Streams) (server.Config, error) {
	cfg := server.Config{MaxBody: p.maxBody, Timeout: p.timeout, DataDir: p.data}
	var err error
	given := false
	fset.Visit(func(f *flag.Flag) { given = given || f.Name == "memory-limit" })
	if cfg.MinFreeBytes, err = server.MemorySettings(p.memoryLimit, p.minFree, given); err != nil {
		return cfg, err
	}
	handler, err := server.NewLogHandler(p.logFormat, s.Err)
	if err != nil {
		return cfg, err
	}
	if p.maxBody < 1024 || p.timeout < time.Second {
		return cfg, errors.New("--max-body must be at least 1024 and --timeout at least 1s")
	}
	cfg.Logger = slog.New(handler)
	if cfg.Key, err = server.OpenKey(p.data, p.keyFile, p.origin); err != nil {
		return cfg, err
	}
	if cfg.Witnesses, err = witnessFlags(p.witnessURLs); err != nil {
		return cfg, err
	}
	if cfg.Admins, err = signing.ParseVerifiers("--admin", p.admins); err != nil {
		return cfg, err
	}
	var ds diag.Diagnostics
	cfg.Oblasts, cfg.Territory, ds, err = server.LoadMapLayers(p.oblasts, p.territoryDir)
	writeDiagnosticsText(s.Err, ds)
	if err != nil {
		return cfg, err
	}
	if n := len(cfg.Territory); n > 0 {
		fmt.Fprintf(s.Err, "backstop serve: %d territory snapshots, %s to %s\n", n, cfg.Territory[0].Date, cfg.Territory[n-1].Date)
	}
	if p.settlements != "" {
		if cfg.Settlements, err = option.ReadSettlements(p.settlements); err != nil {
			return cfg, fmt.Errorf("--settlements: %v", err)
		}
		fmt.Fprintf(s.Err, "backstop serve: %d settlements\n", len(cfg.Settlements))
	}
	return cfg, nil
}

// serveOn says where it listens (with what, such as the database and the
// log key) and serves until ctx ends.
func serveOn(ctx context.Context, srv *server.Server, l net.Listener, what string, s Streams) error {
	fmt.Fprintf(s.Err, "backstop serve: listening on http://%s (%s)\n", l.Addr(), what)
	return srv.Serve(ctx, l, 15*time.Second)
}

// seed fills an empty record with the given documents, or the bundled
// example; a record that has entries is served as it is.
func seed(ctx context.Context, srv *server.Server, paths []string, s Streams) int {
	n, err := srv.SeedPaths(ctx, paths)
	var se *server.SeedError
	switch {
	case errors.Is(err, server.ErrNotEmpty):
		if len(paths) > 0 {
			fmt.Fprintf(s.Err, "backstop serve: the record has entries; %s not seeded\n", strings.Join(paths, ", "))
		}
	case errors.As(err, &se):
		writeDiagnosticsText(s.Err, se.Diagnostics)
		fmt.Fprintf(s.Err, "backstop serve: %v\n", se)
		switch {
		case len(se.Diagnostics) > 0:
			return exitCode(se.Diagnostics)
		case se.Invalid:
			return ExitInvalid
		}
		return ExitUsage
	case err != nil:
		fmt.Fprintf(s.Err, "backstop serve: %v\n", err)
		return ExitInvalid
	default:
		fmt.Fprintf(s.Err, "backstop serve: seeded the record with %d documents\n", n)
	}
	return ExitOK
}
