// Package dbtest gives tests real, migrated databases: a SQLite file of their
// own, and — when FRONTDESK_TEST_POSTGRES_URL is set — a fresh schema on that
// PostgreSQL server. Nothing is mocked.
//
// Every test that opens a database runs on both dialects: `make test` runs
// the SQLite half (Each's PostgreSQL half too when the URL is set), the
// PostgreSQL suite (`make test-postgres`, FRONTDESK_TEST_DIALECTS=postgres)
// the PostgreSQL half, where Open opens PostgreSQL and OpenSQLite skips.
package dbtest

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

	"github.com/frontdesk/frontdesk/internal/database"
)

// PostgresEnv names the variable holding the test server's URL.
const PostgresEnv = "FRONTDESK_TEST_POSTGRES_URL"

// Open returns a migrated database of the suite's dialect, opened with opts:
// a SQLite file in a temporary directory, or a fresh PostgreSQL schema in the
// PostgreSQL suite.
func Open(t testing.TB, opts ...database.Option) *database.DB {
	t.Helper()
	if postgresSuite() {
		return OpenPostgres(t, opts...)
	}
	return openSQLite(t, opts...)
}

// OpenSQLite returns a migrated SQLite database whatever the suite; the
// PostgreSQL suite skips it (`make test` ran it). Its callers say why their
// test is SQLite-only.
func OpenSQLite(t testing.TB, opts ...database.Option) *database.DB {
	t.Helper()
	if postgresSuite() {
		t.Skip("SQLite-only test: `make test` runs it")
	}
	return openSQLite(t, opts...)
}

func openSQLite(t testing.TB, opts ...database.Option) *database.DB {
	t.Helper()
	return open(t, "sqlite://"+filepath.Join(t.TempDir(), "test.db"), opts...)
}

// PostgresURL returns the test server's URL. Without one it skips t, except
// in the PostgreSQL suite under CI=true, which fails: CI must not pass a
// PostgreSQL suite that ran nothing.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(PostgresEnv)
	if u == "" {
		if postgresSuite() && os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set in the PostgreSQL suite under CI=true", PostgresEnv)
		}
		t.Skipf("%s is not set: skipping the PostgreSQL run (make test-postgres or .ci/run runs it)", PostgresEnv)
	}
	return u
}

var schemaSeq atomic.Int64

// OpenPostgres returns a migrated database in a fresh schema on the test
// server, dropped when the test ends; it skips when no server is configured.
// Two calls with the same schema name share it (two "processes").
func OpenPostgres(t testing.TB, opts ...database.Option) *database.DB {
	t.Helper()
	db, _ := OpenPostgresSchema(t, "", opts...)
	return db
}

// OpenPostgresSchema is OpenPostgres that also returns the URL of the
// schema, so a test can point a second process at the same data. An empty
// schema name makes a new one.
func OpenPostgresSchema(t testing.TB, schema string, opts ...database.Option) (*database.DB, string) {
	t.Helper()
	base := PostgresURL(t)
	if schema == "" {
		schema = fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatalf("dbtest: %v", err)
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatalf("dbtest: create schema on %s (is PostgreSQL running?): %v", PostgresEnv, err)
		}
		t.Cleanup(func() {
			admin, err := sql.Open("pgx", base)
			if err != nil {
				return
			}
			defer admin.Close()
			_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		})
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, u.String(), opts...), u.String()
}

func open(t testing.TB, rawURL string, opts ...database.Option) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, rawURL, opts...)
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("dbtest: migrate: %v", err)
	}
	return db
}

// DialectsEnv limits Each to some dialects ("postgres" for the PostgreSQL
// suite, which need not repeat the SQLite runs of `make test`).
const DialectsEnv = "FRONTDESK_TEST_DIALECTS"

// Each runs fn once on SQLite and once on PostgreSQL (skipped, saying so,
// when no server is configured).
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, OpenDialect(t, d)) })
	}
}

// postgresSuite reports whether this run is the PostgreSQL suite, which
// runs only the PostgreSQL half of the database tests.
func postgresSuite() bool {
	d := Dialects()
	return len(d) == 1 && strings.HasPrefix(d[0], "postgres")
}

// Dialects lists the dialects Each runs under.
func Dialects() []string {
	if v := os.Getenv(DialectsEnv); v != "" {
		return strings.Split(v, ",")
	}
	return []string{"sqlite", "postgres"}
}

// OpenDialect opens a migrated database of the named dialect.
func OpenDialect(t testing.TB, name string, opts ...database.Option) *database.DB {
	t.Helper()
	if strings.HasPrefix(name, "postgres") {
		return OpenPostgres(t, opts...)
	}
	return openSQLite(t, opts...)
}
