// Package database opens frontdesk's one database — an embedded SQLite file
// or a PostgreSQL server, chosen by URL — and gives the rest of the code an
// ent client and transactions that river jobs can join.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "github.com/mattn/go-sqlite3"    // registers "sqlite3"

	"github.com/frontdesk/frontdesk/ent"
	_ "github.com/frontdesk/frontdesk/ent/runtime" // schema hooks and privacy policies
	"github.com/frontdesk/frontdesk/internal/clock"
)

// DB is an open database.
type DB struct {
	SQL     *sql.DB
	Dialect string // dialect.SQLite or dialect.Postgres
	ent     *ent.Client
	stmts   sync.Map // query → *sql.Stmt (QueryRowHot)
	opts    options
}

// Option changes how Open sets the database up. Options are fixed at open:
// nothing about a DB changes while it is in use.
type Option func(*options)

type options struct {
	clock   clock.Clock
	onQuery func(ctx context.Context, args ...any)
}

// WithClock stamps created_at and updated_at from c (default: the real
// clock), so a service's clock and its rows' times agree.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithQueryHook calls fn with every statement ent runs outside a
// transaction, from any goroutine. Tests use it to count the queries a
// request costs.
func WithQueryHook(fn func(ctx context.Context, args ...any)) Option {
	return func(o *options) { o.onQuery = fn }
}

// Open opens the database at rawURL: "sqlite://PATH" (a file, created if
// missing) or "postgres://..." / "postgresql://...". It does not migrate.
func Open(ctx context.Context, rawURL string, opts ...Option) (*DB, error) {
	o := options{clock: clock.Real{}}
	for _, opt := range opts {
		opt(&o)
	}
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("database: %q is not a URL: use sqlite://PATH or postgres://USER@HOST/DB", rawURL)
	}
	var (
		db  *DB
		err error
	)
	switch scheme {
	case "sqlite", "sqlite3", "file":
		db, err = openSQLite(rest, o)
	case "postgres", "postgresql":
		db, err = openPostgres(rawURL, o)
	default:
		return nil, fmt.Errorf("database: unsupported scheme %q: use sqlite://PATH or postgres://USER@HOST/DB", scheme)
	}
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.SQL.PingContext(pingCtx); err != nil {
		db.SQL.Close()
		return nil, fmt.Errorf("database: connect: %w", err)
	}
	return db, nil
}

func openSQLite(path string, o options) (*DB, error) {
	path, query, _ := strings.Cut(path, "?")
	if path == "" {
		return nil, errors.New("database: sqlite URL needs a file path, e.g. sqlite://./frontdesk.db")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("database: create %s: %w", dir, err)
		}
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("database: sqlite URL parameters: %w", err)
	}
	// WAL lets readers run beside the writer; foreign keys are off by
	// default in SQLite; BEGIN IMMEDIATE takes the write lock when a
	// transaction starts, so two writers queue on the busy timeout instead of
	// one failing when it upgrades a read lock (the classic SQLITE_BUSY).
	for k, v := range map[string]string{
		"_journal_mode": "WAL",
		"_foreign_keys": "on",
		"_busy_timeout": "10000",
		"_txlock":       "immediate",
		"_synchronous":  "NORMAL",
	} {
		if params.Get(k) == "" {
			params.Set(k, v)
		}
	}
	sqlDB, err := sql.Open("sqlite3", "file:"+path+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("database: open sqlite: %w", err)
	}
	// One file, one writer at a time (BEGIN IMMEDIATE queues the rest), and
	// in WAL mode any number of readers beside it: enough connections that
	// concurrent reads do not wait for one another.
	sqlDB.SetMaxOpenConns(4*runtime.GOMAXPROCS(0) + 8)
	sqlDB.SetMaxIdleConns(4*runtime.GOMAXPROCS(0) + 8)
	sqlDB.SetConnMaxIdleTime(0)
	return newDB(sqlDB, dialect.SQLite, o), nil
}

func openPostgres(rawURL string, o options) (*DB, error) {
	sqlDB, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("database: open postgres: %w", err)
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	return newDB(sqlDB, dialect.Postgres, o), nil
}

func newDB(sqlDB *sql.DB, dialectName string, o options) *DB {
	db := &DB{SQL: sqlDB, Dialect: dialectName, opts: o}
	drv := db.driver(entsql.OpenDB(dialectName, sqlDB))
	if o.onQuery != nil {
		drv = dialect.DebugWithContext(drv, o.onQuery)
	}
	db.ent = db.newClient(drv)
	return db
}

// newClient is an ent client on drv that stamps rows from the DB's clock.
func (db *DB) newClient(drv dialect.Driver) *ent.Client {
	c := ent.NewClient(ent.Driver(drv))
	c.Use(stampTimes(db.opts.clock))
	return c
}

// driver wraps an ent driver as the dialect needs (see utcDriver).
func (db *DB) driver(d dialect.Driver) dialect.Driver {
	if db.Dialect == dialect.SQLite {
		return utcDriver{d}
	}
	return d
}

// Close closes the database.
func (db *DB) Close() error { return db.SQL.Close() }

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

// Client returns the ent client for ctx: the transaction's when ctx is inside
// one (InTx, or a GraphQL mutation), the database's otherwise.
func (db *DB) Client(ctx context.Context) *ent.Client {
	if tx := txFromContext(ctx); tx != nil {
		return tx.client
	}
	return db.ent
}

// QueryRowHot runs a single-row query that sits on a hot path (a tool call
// while a caller waits) through a prepared statement kept for the life of
// the database, with ? placeholders on either dialect. It bypasses ent and
// its privacy rules, so its callers filter by practice themselves.
func (db *DB) QueryRowHot(ctx context.Context, query string, args ...any) *sql.Row {
	if tx := txFromContext(ctx); tx != nil {
		return tx.sql.QueryRowContext(ctx, db.rebind(query), args...)
	}
	st, err := db.prepared(ctx, query)
	if err != nil {
		return db.SQL.QueryRowContext(ctx, db.rebind(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.SQL.PrepareContext(ctx, db.rebind(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// ExecBatch runs one statement with ? placeholders on either dialect,
// outside ent (and its privacy rules): for frontdesk's own bulk
// bookkeeping.
func (db *DB) ExecBatch(ctx context.Context, query string, args ...any) error {
	_, err := db.SQL.ExecContext(ctx, db.rebind(query), args...)
	return err
}
