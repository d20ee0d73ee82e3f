package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// A migration is one embedded file, migrations/NNNN_name.sql; its version
// is NNNN.
type migration struct {
	version int64
	name    string // file name, for error messages
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// migrationLockKey is the PostgreSQL advisory lock every migrator takes, so
// that two servers starting together on one database apply each migration
// once. It is an arbitrary constant, the same for every schema of a
// database: migrations are rare enough that serialising them across schemas
// costs nothing.
const migrationLockKey int64 = 0x6261636b73746f70 // "backstop"

// The bookkeeping table is created by the runner rather than by a
// migration, because the runner must read it before it knows which
// migrations to apply.
const createSchemaMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT NOT NULL PRIMARY KEY,
    applied_ns BIGINT NOT NULL
)`

// loadMigrations reads the embedded migrations in version order. Versions
// must run 1, 2, 3… without a gap, so that a file added out of order or
// deleted by mistake is caught by the tests rather than by a database.
func loadMigrations() ([]migration, error) {
	return readMigrations(migrationFiles, "migrations")
}

func readMigrations(fsys fs.FS, dir string) ([]migration, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range ents {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", e.Name())
		}
		v, _ := strconv.ParseInt(m[1], 10, 64)
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != int64(i+1) {
			return nil, fmt.Errorf("migration %s: version %d, want %d (versions run 1, 2, 3… without gaps or repeats)", m.name, m.version, i+1)
		}
	}
	return ms, nil
}

// migrate brings the schema up to date. Each migration runs in its own
// transaction together with its row in schema_migrations, so a failure
// leaves the database at the previous version, never in between. A
// database migrated by a newer backstop is refused: its schema may mean
// something this build does not know.
func migrate(ctx context.Context, db *sql.DB, dialect string, ms []migration) error {
	latest := int64(0)
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	var applied int64
	err := inTx(ctx, db, dialect, func(tx *sql.Tx) error {
		var err error
		applied, err = schemaVersion(ctx, tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("reading schema_migrations: %w", err)
	}
	if applied > latest {
		return fmt.Errorf("the database's schema is at version %d, newer than this build knows (%d): use a newer backstop", applied, latest)
	}
	for _, m := range ms {
		if m.version <= applied {
			continue
		}
		err := inTx(ctx, db, dialect, func(tx *sql.Tx) error {
			// Another migrator may have applied it since we looked.
			var n int64
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_ns) VALUES ($1, $2)`,
				m.version, time.Now().UnixNano())
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// schemaVersion creates schema_migrations if needed and returns the highest
// version applied, 0 for a new database.
func schemaVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	if _, err := tx.ExecContext(ctx, createSchemaMigrations); err != nil {
		return 0, err
	}
	var v sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, err
	}
	return v.Int64, nil
}

// inTx runs f in a transaction that, on PostgreSQL, first takes the
// migration lock; it is released by the commit or rollback. SQLite needs no
// lock: Open's DSN makes every transaction BEGIN IMMEDIATE, which already
// excludes other writers.
func inTx(ctx context.Context, db *sql.DB, dialect string, f func(*sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, ignoreDone(tx.Rollback()))
		}
	}()
	if dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockKey); err != nil {
			return err
		}
	}
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// ignoreDone drops the error Rollback returns when the transaction is
// already over, which says nothing the caller's error does not.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}
