//go:build ignore

// gen writes the next versioned migration for each dialect: the difference
// between what the existing migrations build (replayed into a scratch
// database) and the ent schema. Usage (make migration NAME=add_calls):
//
//	go run ./ent/migrate/migrations/gen.go -name add_calls
//
// PostgreSQL needs a server to replay into; it creates and drops a scratch
// database there (FRONTDESK_DEV_POSTGRES_URL, default the local one).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"

	"github.com/frontdesk/frontdesk/ent/migrate"
)

func main() {
	name := flag.String("name", "", "migration name, e.g. add_calls")
	only := flag.String("dialect", "", "only this dialect (sqlite or postgres)")
	flag.Parse()
	if *name == "" {
		log.Fatal("gen: -name is required (make migration NAME=add_something)")
	}
	ctx := context.Background()
	if *only == "" || *only == "sqlite" {
		db, err := sql.Open("sqlite3", "file:dev?mode=memory&_fk=1")
		if err != nil {
			log.Fatal(err)
		}
		diff(ctx, db, dialect.SQLite, "ent/migrate/migrations/sqlite", *name)
	}
	if *only == "" || *only == "postgres" {
		url := os.Getenv("FRONTDESK_DEV_POSTGRES_URL")
		if url == "" {
			url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
		}
		admin, err := sql.Open("pgx", url)
		if err != nil {
			log.Fatal(err)
		}
		scratch := fmt.Sprintf("frontdesk_migrate_%d", time.Now().UnixNano())
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+scratch); err != nil {
			log.Fatalf("gen: postgres at %s: %v (set FRONTDESK_DEV_POSTGRES_URL)", url, err)
		}
		defer admin.ExecContext(ctx, "DROP DATABASE "+scratch)
		db, err := sql.Open("pgx", strings.Replace(url, "/postgres?", "/"+scratch+"?", 1))
		if err != nil {
			log.Fatal(err)
		}
		diff(ctx, db, dialect.Postgres, "ent/migrate/migrations/postgres", *name)
		db.Close()
	}
}

func diff(ctx context.Context, db *sql.DB, dialectName, path, name string) {
	dir, err := atlas.NewLocalDir(path)
	if err != nil {
		log.Fatal(err)
	}
	err = migrate.NewSchema(entsql.OpenDB(dialectName, db)).NamedDiff(ctx, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialectName),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithFormatter(atlas.DefaultFormatter),
	)
	if err != nil {
		log.Fatalf("gen: %s: %v", dialectName, err)
	}
}
