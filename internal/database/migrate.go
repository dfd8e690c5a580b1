package database

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/frontdesk/frontdesk/ent/migrate/migrations"
)

// migrationsTable records the applied ent migrations.
const migrationsTable = "frontdesk_migrations"

// advisoryLockKey serialises migrations of several processes starting at
// once on one PostgreSQL ("frontdesk" in ASCII).
const advisoryLockKey = 0x66726f6e7464

func (db *DB) migrationDir() (atlas.Dir, error) {
	name := "sqlite"
	if db.Dialect == dialect.Postgres {
		name = "postgres"
	}
	dir := &atlas.MemDir{}
	entries, err := fs.ReadDir(migrations.FS, name)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(migrations.FS, path.Join(name, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			return nil, err
		}
	}
	// atlas.sum guards against a migration edited after it was generated.
	if err := atlas.Validate(dir); err != nil {
		return nil, fmt.Errorf("database: migrations do not match atlas.sum: %w", err)
	}
	return dir, nil
}

// Migrate applies every pending migration: frontdesk's (generated from the
// ent schema) and river's. Safe to run from several processes at once.
func (db *DB) Migrate(ctx context.Context) error {
	dir, err := db.migrationDir()
	if err != nil {
		return err
	}
	files, err := dir.Files()
	if err != nil {
		return fmt.Errorf("database: read migrations: %w", err)
	}
	for _, f := range files {
		if err := db.apply(ctx, f); err != nil {
			return err
		}
	}
	migrator, err := db.riverMigrator()
	if err != nil {
		return err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("database: river migrations: %w", err)
	}
	return nil
}

// apply runs one migration file in its own transaction, unless a process
// got there first.
func (db *DB) apply(ctx context.Context, f atlas.File) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		tx := TxFromContext(ctx).SQL()
		if db.Dialect == dialect.Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", advisoryLockKey); err != nil {
				return fmt.Errorf("database: lock migrations: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+migrationsTable+
			" (version VARCHAR(64) PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"); err != nil {
			return fmt.Errorf("database: create %s: %w", migrationsTable, err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, db.rebind("SELECT COUNT(*) FROM "+migrationsTable+" WHERE version = ?"), f.Version()).Scan(&n); err != nil {
			return fmt.Errorf("database: read %s: %w", migrationsTable, err)
		}
		if n > 0 {
			return nil
		}
		stmts, err := f.Stmts()
		if err != nil {
			return fmt.Errorf("database: parse migration %s: %w", f.Name(), err)
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("database: migration %s: %w", f.Name(), err)
			}
		}
		if _, err := tx.ExecContext(ctx, db.rebind("INSERT INTO "+migrationsTable+" (version, name) VALUES (?, ?)"), f.Version(), f.Desc()); err != nil {
			return fmt.Errorf("database: record migration %s: %w", f.Name(), err)
		}
		return nil
	})
}

// Pending lists what Migrate would still apply; empty means the database is
// ready for this binary.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	dir, err := db.migrationDir()
	if err != nil {
		return nil, err
	}
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	applied := map[string]bool{}
	rows, err := db.SQL.QueryContext(ctx, "SELECT version FROM "+migrationsTable)
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return nil, err
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var pending []string
	for _, f := range files {
		if !applied[f.Version()] {
			pending = append(pending, f.Name())
		}
	}
	migrator, err := db.riverMigrator()
	if err != nil {
		return nil, err
	}
	res, err := migrator.Validate(ctx, nil)
	if err != nil {
		return append(pending, "river"), nil
	}
	if !res.OK {
		pending = append(pending, res.Messages...)
	}
	return pending, nil
}

// River returns river's driver for this database. River shares the
// database/sql pool on both dialects, so its InsertTx joins our *sql.Tx.
func (db *DB) River() riverdriver.Driver[*sql.Tx] {
	if db.Dialect == dialect.Postgres {
		return riverdatabasesql.New(db.SQL)
	}
	return riversqlite.New(db.SQL)
}

func (db *DB) riverMigrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	m, err := rivermigrate.New(db.River(), &rivermigrate.Config{Logger: discardLogger})
	if err != nil {
		return nil, fmt.Errorf("database: river migrator: %w", err)
	}
	return m, nil
}

// rebind turns ? placeholders into PostgreSQL's $n.
func (db *DB) rebind(q string) string {
	if db.Dialect != dialect.Postgres {
		return q
	}
	out := make([]byte, 0, len(q)+8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			out = append(out, fmt.Sprintf("$%d", n)...)
			continue
		}
		out = append(out, q[i])
	}
	return string(out)
}
