package store

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// The same migration files and queries run on SQLite and PostgreSQL. These
// tests keep them to the SQL both read the same way: a lint of the text
// (which catches what would only fail, or worse silently differ, on the
// database a developer did not run), then the schema both databases
// actually built, compared column by column.

func TestMigrationFiles(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].name != "0001_log.sql" {
		t.Fatalf("migrations %v, want 0001_log.sql first", ms)
	}
	cases := []struct {
		name  string
		files []string
		err   string // "" for none
	}{
		{"in order", []string{"0001_a.sql", "0002_b.sql", "0003_c.sql"}, ""},
		{"listed out of order", []string{"0002_b.sql", "0001_a.sql"}, ""},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, "version 3, want 2"},
		{"repeat", []string{"0001_a.sql", "0001_b.sql"}, "want 2"},
		{"not from 1", []string{"0002_a.sql"}, "want 1"},
		{"bad name", []string{"0001_a.sql", "2_b.sql"}, "NNNN_name.sql"},
		{"not sql", []string{"0001_a.sql", "0002_b.txt"}, "NNNN_name.sql"},
		{"upper case", []string{"0001_A.sql"}, "NNNN_name.sql"},
	}
	for _, c := range cases {
		fsys := fstest.MapFS{}
		for _, f := range c.files {
			fsys["m/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
		}
		ms, err := readMigrations(fsys, "m")
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		case c.err == "":
			for i, m := range ms {
				if m.version != int64(i+1) {
					t.Errorf("%s: %d: version %d", c.name, i, m.version)
				}
			}
		}
	}
}

// notPortable lists what one of the two databases reads differently, or
// not at all, with the reason. Matched case-insensitively on SQL text
// without its comments.
var notPortable = []struct {
	re, why string
}{
	{`\?`, "placeholders are $1, $2…; ? is SQLite-only"},
	{`::`, "PostgreSQL-only cast; use CAST(x AS t)"},
	{"[`\"]", "quoted identifiers: SQLite takes an unknown \"name\" for a string; use plain lower-case names"},
	{`\bautoincrement\b`, "SQLite-only; the log's indexes are its own positions"},
	{`\b(big|small)?serial\b`, "PostgreSQL-only; the log's indexes are its own positions"},
	{`\bgenerated\b|\bidentity\b`, "generated columns differ between the two"},
	{`\bwithout\s+rowid\b|\bstrict\b`, "SQLite-only table options"},
	{`\bpragma\b`, "SQLite-only; connection settings belong in Open's DSN"},
	{`\b(begin|commit|rollback|savepoint)\b`, "the runner wraps each migration in its transaction"},
	{`\binsert\s+or\b|\breplace\s+into\b`, "SQLite-only"},
	{`\bilike\b|\bsimilar\s+to\b|\bglob\b`, "one database only"},
	{`\b(now|datetime|strftime|julianday|randomblob|gen_random_uuid)\s*\(`, "time and random functions differ; compute in Go"},
	{`\bcurrent_(timestamp|date|time)\b`, "a string in SQLite, a typed value in PostgreSQL; compute in Go"},
	{`\$\$`, "PostgreSQL dollar quoting"},
	{`\bcollate\b`, "collations are named differently"},
	{`\bconcurrently\b|\busing\s+(gin|gist|brin|hash)\b`, "PostgreSQL-only index options"},
	{`\bon\s+conflict\b`, "upsert semantics differ in detail; the log only appends"},
	{`\blimit\s+-`, "SQLite reads a negative LIMIT as none, PostgreSQL refuses it"},
}

// portableTypes are the column types that mean the same on both: BIGINT
// (SQLite: INTEGER affinity, 64-bit), TEXT, and BYTEA (SQLite: numeric
// affinity, which stores a blob as given). INTEGER would be 32-bit in
// PostgreSQL and a rowid alias in SQLite; BLOB and BOOLEAN do not exist in
// PostgreSQL; TIMESTAMP is text in SQLite.
var portableTypes = []string{"bigint", "text", "bytea"}

// awkwardNames are identifiers that are keywords in one of the two.
var awkwardNames = []string{"key", "index", "order", "group", "date", "time", "timestamp", "user",
	"table", "value", "values", "offset", "limit", "size", "default", "check", "references", "end", "all"}

func lintSQL(text string) []string {
	var problems []string
	sql := stripComments(text)
	lower := strings.ToLower(sql)
	for _, np := range notPortable {
		if loc := regexp.MustCompile(np.re).FindStringIndex(lower); loc != nil {
			problems = append(problems, strconv.Quote(sql[loc[0]:loc[1]])+": "+np.why)
		}
	}
	for _, stmt := range strings.Split(sql, ";") {
		stmt = strings.TrimSpace(stmt)
		if stmt == "" {
			continue
		}
		m := regexp.MustCompile(`(?is)^create\s+table\s+(?:if\s+not\s+exists\s+)?(\w+)\s*\((.*)\)$`).FindStringSubmatch(stmt)
		if m == nil {
			if !regexp.MustCompile(`(?is)^(create\s+(unique\s+)?index|drop\s+index|alter\s+table|insert|update|delete)\b`).MatchString(stmt) {
				problems = append(problems, "statement "+strconv.Quote(firstLine(stmt))+": not one of CREATE TABLE, CREATE [UNIQUE] INDEX, DROP INDEX, ALTER TABLE, INSERT, UPDATE, DELETE")
			}
			continue
		}
		problems = append(problems, lintName("table", m[1])...)
		for _, def := range splitTopLevel(m[2]) {
			f := strings.Fields(strings.ToLower(def))
			if len(f) == 0 {
				problems = append(problems, "table "+m[1]+": empty column definition (a stray comma?)")
				continue
			}
			switch f[0] {
			case "primary", "unique", "foreign", "check", "constraint":
				continue // a table constraint
			}
			problems = append(problems, lintName("column", f[0])...)
			if len(f) < 2 || !slices.Contains(portableTypes, f[1]) {
				problems = append(problems, "column "+f[0]+": type must be one of "+strings.Join(portableTypes, ", "))
			}
			rest := " " + strings.Join(f[1:], " ") + " "
			if strings.Contains(rest, " primary key ") && !strings.Contains(rest, " not null ") {
				// SQLite lets a non-INTEGER primary key hold NULLs.
				problems = append(problems, "column "+f[0]+": a primary key must say NOT NULL (SQLite allows NULL otherwise)")
			}
		}
	}
	return problems
}

func lintName(what, name string) []string {
	if !regexp.MustCompile(`^[a-z_][a-z0-9_]*$`).MatchString(name) {
		return []string{what + " " + name + ": use lower_snake_case (PostgreSQL folds unquoted names to lower case)"}
	}
	if slices.Contains(awkwardNames, name) {
		return []string{what + " " + name + ": a keyword in one of the databases"}
	}
	return nil
}

// stripComments removes -- and /* */ comments and empties string
// literals, which are data, not SQL.
func stripComments(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'':
			j := i + 1
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' { // '' is a quote inside
						j += 2
						continue
					}
					break
				}
				j++
			}
			b.WriteString("''")
			i = j
		case strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += end + 3
			b.WriteByte(' ')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// splitTopLevel splits a CREATE TABLE body at the commas outside
// parentheses.
func splitTopLevel(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + "…"
	}
	return s
}

func TestMigrationsPortable(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		for _, p := range lintSQL(m.sql) {
			t.Errorf("%s: %s", m.name, p)
		}
	}
	for _, p := range lintSQL(createSchemaMigrations) {
		t.Errorf("schema_migrations: %s", p)
	}
}

// TestLintCatches shows that the lint finds what it is for: each of these
// would break on, or mean something else in, one of the two databases.
func TestLintCatches(t *testing.T) {
	cases := []struct{ sql, want string }{
		{"CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY)", "type must be"},
		{"CREATE TABLE t (id BIGINT PRIMARY KEY)", "NOT NULL"},
		{"CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY AUTOINCREMENT)", "SQLite-only"},
		{"CREATE TABLE t (id BIGSERIAL NOT NULL PRIMARY KEY)", "PostgreSQL-only"},
		{"CREATE TABLE t (b BLOB NOT NULL)", "type must be"},
		{"CREATE TABLE t (b BOOLEAN NOT NULL)", "type must be"},
		{"CREATE TABLE t (at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)", "compute in Go"},
		{"CREATE TABLE t (k BIGINT NOT NULL) WITHOUT ROWID", "SQLite-only"},
		{"CREATE TABLE t (k BIGINT NOT NULL) STRICT", "SQLite-only"},
		{`CREATE TABLE "T" (k BIGINT NOT NULL)`, "quoted identifiers"},
		{"CREATE TABLE T (k BIGINT NOT NULL)", "lower_snake_case"},
		{"CREATE TABLE t (key TEXT NOT NULL)", "keyword"},
		{"CREATE TABLE t (k BIGINT NOT NULL, b BYTEA NOT NULL,)", "stray comma"},
		{"PRAGMA journal_mode=WAL", "SQLite-only"},
		{"BEGIN; CREATE TABLE t (k BIGINT NOT NULL); COMMIT;", "transaction"},
		{"CREATE INDEX CONCURRENTLY i ON t (k)", "PostgreSQL-only"},
		{"INSERT OR IGNORE INTO t VALUES (1)", "SQLite-only"},
		{"INSERT INTO t VALUES (?)", "placeholders"},
		{"UPDATE t SET k = k::bigint", "cast"},
		{"CREATE VIEW v AS SELECT 1", "not one of"},
		{"CREATE TABLE t (k BIGINT NOT NULL) /* unterminated", ""},
	}
	for _, c := range cases {
		ps := lintSQL(c.sql)
		if c.want == "" {
			if len(ps) != 0 {
				t.Errorf("%s: %v, want no problem", c.sql, ps)
			}
			continue
		}
		if !slices.ContainsFunc(ps, func(p string) bool { return strings.Contains(p, c.want) }) {
			t.Errorf("%s: problems %q, want one saying %q", c.sql, ps, c.want)
		}
	}
	// Comments and strings are not SQL: neither trips the lint.
	if ps := lintSQL("-- a ? in a comment, BEGIN\n/* PRAGMA */ INSERT INTO t VALUES ('it''s ? -- fine')"); len(ps) != 0 {
		t.Errorf("comments and strings: %v", ps)
	}
}

// TestQueriesPortable lints the SQL in the package's Go code: every string
// literal that starts like SQL.
func TestQueriesPortable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sqlStart := regexp.MustCompile(`^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|WHERE|FROM)\b`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !sqlStart.MatchString(s) {
				return true
			}
			found++
			if s == `SELECT pg_advisory_xact_lock($1)` {
				return true // PostgreSQL only, and only run there
			}
			for _, np := range notPortable {
				if regexp.MustCompile(np.re).MatchString(strings.ToLower(s)) {
					t.Errorf("%s: %q: %s", fset.Position(lit.Pos()), s, np.why)
				}
			}
			return true
		})
	}
	if found < 8 {
		t.Errorf("found %d queries; the test no longer sees the package's SQL", found)
	}
}

// column is what both databases say about a column, in the same terms.
type column struct {
	table, name, typ string
	notNull          bool
}

// TestSchemaParity applies the migrations and asks each database what it
// built: the same tables, columns, types, NOT NULLs and indexes on both.
func TestSchemaParity(t *testing.T) {
	want := []column{
		{"checkpoints", "tree_size", "bigint", true},
		{"checkpoints", "root", "bytea", true},
		{"checkpoints", "note", "bytea", true},
		{"checkpoints", "signed_ns", "bigint", true},
		{"entries", "idx", "bigint", true},
		{"entries", "leaf_hash", "bytea", true},
		{"entries", "note", "bytea", true},
		{"entries", "kind", "text", true},
		{"entries", "framework", "text", true},
		{"entries", "signer", "text", true},
		{"entries", "key_name", "text", true},
		{"entries", "subject", "text", true},
		{"entries", "doc_date", "text", true},
		{"entries", "revision", "bigint", true},
		{"entries", "received_ns", "bigint", true},
		{"schema_migrations", "version", "bigint", true},
		{"schema_migrations", "applied_ns", "bigint", true},
		{"tree_hashes", "idx", "bigint", true},
		{"tree_hashes", "hash", "bytea", true},
	}
	wantIndexes := map[string][]string{
		"checkpoints":       {"primary tree_size"},
		"entries":           {"index framework,idx", "primary idx", "unique leaf_hash"},
		"schema_migrations": {"primary version"},
		"tree_hashes":       {"primary idx"},
	}
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		var cols []column
		indexes := map[string][]string{}
		for _, table := range []string{"checkpoints", "entries", "schema_migrations", "tree_hashes"} {
			cols = append(cols, describe(t, s, table)...)
			indexes[table] = describeIndexes(t, s, table)
		}
		if !reflect.DeepEqual(cols, want) {
			t.Errorf("columns:\n got %v\nwant %v", cols, want)
		}
		if !reflect.DeepEqual(indexes, wantIndexes) {
			t.Errorf("indexes:\n got %v\nwant %v", indexes, wantIndexes)
		}
		if s.Dialect() == SQLite {
			// BYTEA has numeric affinity in SQLite, which must keep
			// blobs as blobs (and integers as integers).
			l := newMemLog()
			appendBatch(t, s, l, 1)
			var a, b, c, d string
			err := s.DB().QueryRow(`SELECT typeof(leaf_hash), typeof(note), typeof(idx), (SELECT typeof(hash) FROM tree_hashes LIMIT 1) FROM entries`).Scan(&a, &b, &c, &d)
			if err != nil {
				t.Fatal(err)
			}
			if got := []string{a, b, c, d}; !slices.Equal(got, []string{"blob", "blob", "integer", "blob"}) {
				t.Errorf("stored types %v, want blob, blob, integer, blob", got)
			}
		}
	})
}

// describe lists a table's columns, in order, with lower-case types.
func describe(t *testing.T, s *Store, table string) []column {
	t.Helper()
	q := `SELECT name, type, "notnull" = 1 FROM pragma_table_info($1) ORDER BY cid`
	if s.Dialect() == Postgres {
		q = `SELECT column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
		     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
	}
	rows, err := s.DB().QueryContext(context.Background(), q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		c := column{table: table}
		if err := rows.Scan(&c.name, &c.typ, &c.notNull); err != nil {
			t.Fatal(err)
		}
		c.typ = strings.ToLower(c.typ)
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}

// describeIndexes lists a table's indexes as "primary|unique|index
// col,col", sorted.
func describeIndexes(t *testing.T, s *Store, table string) []string {
	t.Helper()
	q := `SELECT CASE WHEN l.origin = 'pk' THEN 'primary' WHEN l."unique" = 1 THEN 'unique' ELSE 'index' END,
	             (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno))
	      FROM pragma_index_list($1) l`
	if s.Dialect() == Postgres {
		q = `SELECT CASE WHEN i.indisprimary THEN 'primary' WHEN i.indisunique THEN 'unique' ELSE 'index' END,
		            array_to_string(ARRAY(
		                SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
		                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
		                ORDER BY k.ord), ',')
		     FROM pg_index i WHERE i.indrelid = to_regclass($1)`
	}
	rows, err := s.DB().QueryContext(context.Background(), q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, cols string
		if err := rows.Scan(&kind, &cols); err != nil {
			t.Fatal(err)
		}
		out = append(out, kind+" "+cols)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
