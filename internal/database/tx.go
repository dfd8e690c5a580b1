package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/txonce"
)

// Tx is one database transaction, shared by ent (Client) and river (SQL, for
// InsertTx), so that a row and the job that needs it commit together.
type Tx struct {
	sql    *sql.Tx
	client *ent.Client
}

// SQL returns the transaction for river's InsertTx.
func (tx *Tx) SQL() *sql.Tx { return tx.sql }

// Client returns the ent client bound to the transaction.
func (tx *Tx) Client() *ent.Client { return tx.client }

// Commit commits the transaction.
func (tx *Tx) Commit() error { return tx.sql.Commit() }

// Rollback aborts the transaction.
func (tx *Tx) Rollback() error { return tx.sql.Rollback() }

var _ driver.Tx = (*Tx)(nil)

type txKey struct{}

func txFromContext(ctx context.Context) *Tx {
	tx, _ := ctx.Value(txKey{}).(*Tx)
	return tx
}

// TxFromContext returns the transaction ctx is inside, or nil.
func TxFromContext(ctx context.Context) *Tx { return txFromContext(ctx) }

// Begin starts a transaction and returns ctx carrying it: Client(ctx) and
// ent.FromContext(ctx) then use it. The caller commits or rolls back.
func (db *DB) Begin(ctx context.Context) (context.Context, *Tx, error) {
	sqlTx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return ctx, nil, fmt.Errorf("database: begin: %w", err)
	}
	drv := db.driver(txDriver{entsql.NewDriver(db.Dialect, entsql.Conn{ExecQuerier: sqlTx})})
	tx := &Tx{sql: sqlTx, client: db.newClient(drv)}
	ctx = context.WithValue(ctx, txKey{}, tx)
	ctx = ent.NewContext(ctx, tx.client)
	ctx = txonce.Track(ctx)
	return ctx, tx, nil
}

// OpenTx is Begin in the shape entgql.Transactioner wants.
func (db *DB) OpenTx(ctx context.Context) (context.Context, driver.Tx, error) {
	ctx, tx, err := db.Begin(ctx)
	if err != nil {
		return ctx, nil, err
	}
	return ctx, tx, nil
}

// InTx runs fn inside a transaction: ctx's own when it is already inside one
// (so services compose), a new one otherwise, committed when fn returns nil
// and rolled back when it fails or panics.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if txFromContext(ctx) != nil {
		return fn(ctx)
	}
	ctx, tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(ctx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("database: rollback: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("database: commit: %w", err)
	}
	return nil
}

// txDriver runs everything on one *sql.Tx. ent opens transactions of its own
// for some statements (an update with predicates is an update and a select);
// inside ours they must join it, as ent's own transaction driver does.
type txDriver struct{ *entsql.Driver }

func (d txDriver) Tx(context.Context) (dialect.Tx, error) { return dialect.NopTx(d), nil }

// Close leaves the transaction to its owner.
func (txDriver) Close() error { return nil }

// LockPractice serialises, until the transaction in ctx ends, every
// transaction that takes the same practice's lock — across processes. On
// PostgreSQL it is a transaction-scoped advisory lock; SQLite's
// BEGIN IMMEDIATE already gives the one writer the whole database.
func (db *DB) LockPractice(ctx context.Context, practiceID string) error {
	tx := txFromContext(ctx)
	if tx == nil {
		return errors.New("database: LockPractice outside a transaction")
	}
	if db.Dialect != dialect.Postgres {
		return nil
	}
	if _, err := tx.sql.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "practice:"+practiceID); err != nil {
		return fmt.Errorf("database: lock practice: %w", err)
	}
	return nil
}
