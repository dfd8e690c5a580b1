package database_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"testing"
	"time"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/frontdesk/frontdesk/ent/migrate"
	"github.com/frontdesk/frontdesk/ent/migrate/migrations"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

// TestMigrationsMatchSchema replays the committed migrations into a scratch
// database and diffs them against the ent schema: a schema change without
// `make migration` fails here.
func TestMigrationsMatchSchema(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sql.Open("sqlite3", "file:schemacheck?mode=memory&_fk=1")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkNoDiff(t, db, dialect.SQLite, "sqlite")
	})
	t.Run("postgres", func(t *testing.T) {
		base := dbtest.PostgresURL(t)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		// Atlas replays into a clean database, not a schema of a used one.
		name := fmt.Sprintf("schemacheck_%d", time.Now().UnixNano())
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatal(err)
		}
		defer admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		u, _ := url.Parse(base)
		u.Path = "/" + name
		db, err := sql.Open("pgx", u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		checkNoDiff(t, db, dialect.Postgres, "postgres")
	})
}

func checkNoDiff(t *testing.T, db *sql.DB, dialectName, dirName string) {
	t.Helper()
	dir := &atlas.MemDir{}
	entries, err := fs.ReadDir(migrations.FS, dirName)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := fs.ReadFile(migrations.FS, path.Join(dirName, e.Name()))
		_ = dir.WriteFile(e.Name(), b)
	}
	err = migrate.NewSchema(entsql.OpenDB(dialectName, db)).NamedDiff(context.Background(), "check",
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialectName),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithErrNoPlan(true),
	)
	if !errors.Is(err, atlas.ErrNoPlan) {
		files, _ := dir.Files()
		for _, f := range files {
			if f.Desc() == "check" {
				t.Logf("missing migration:\n%s", f.Bytes())
			}
		}
		t.Fatalf("the ent schema and the %s migrations differ (%v): run `make migration NAME=...`", dirName, err)
	}
}
