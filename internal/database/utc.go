package database

import (
	"context"
	"time"

	"entgo.io/ent/dialect"
)

// SQLite has no time type: mattn/go-sqlite3 stores a time as text in the
// zone it carries ("2026-12-01 09:00:00-05:00"), and compares text. Two
// instants written in different zones then sort wrongly, and a filter given
// in one zone misses rows stored in another. So on SQLite every time that
// reaches the database — stored or compared — is UTC first, here, for all
// of ent's statements.
type utcDriver struct{ dialect.Driver }

func (d utcDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.Driver.Exec(ctx, query, utcArgs(args), v)
}

func (d utcDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.Driver.Query(ctx, query, utcArgs(args), v)
}

func (d utcDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return utcTx{tx}, nil
}

type utcTx struct{ dialect.Tx }

func (t utcTx) Exec(ctx context.Context, query string, args, v any) error {
	return t.Tx.Exec(ctx, query, utcArgs(args), v)
}

func (t utcTx) Query(ctx context.Context, query string, args, v any) error {
	return t.Tx.Query(ctx, query, utcArgs(args), v)
}

func utcArgs(args any) any {
	list, ok := args.([]any)
	if !ok {
		return args
	}
	for i, a := range list {
		switch t := a.(type) {
		case time.Time:
			list[i] = t.UTC()
		case *time.Time:
			if t != nil {
				u := t.UTC()
				list[i] = &u
			}
		}
	}
	return list
}
