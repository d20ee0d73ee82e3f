// Package storetest gives tests a database for internal/store: SQLite in
// a temporary folder, and PostgreSQL in a schema of its own when
// BACKSTOP_POSTGRES_DSN names a server (.ci/run starts a throw-away
// cluster and sets it). It is imported by tests only, as net/http/httptest
// is.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, as internal/store opens it
)

// PostgresEnv names the variable holding the URL of a PostgreSQL database
// the tests may create schemas in.
const PostgresEnv = "BACKSTOP_POSTGRES_DSN"

// SQLite is the path of a new SQLite database in tb's temporary folder.
func SQLite(tb testing.TB) string { return filepath.Join(tb.TempDir(), "log.db") }

var schemaSeq atomic.Int64

// Postgres creates a schema for tb alone, dropped when tb ends, and
// returns the configured URL with search_path set to it (pgx passes
// unknown URL parameters on as run-time parameters), so that the store's
// unqualified table names land there. It skips tb when PostgresEnv is not
// set.
func Postgres(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Skip("BACKSTOP_POSTGRES_DSN not set; .ci/run sets it")
	}
	u, err := url.Parse(base)
	if err != nil || !(strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://")) {
		tb.Fatalf("%s must be a postgres:// URL", PostgresEnv)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { admin.Close() })
	schema := fmt.Sprintf("backstop_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("creating schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
