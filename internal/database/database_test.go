package database_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func TestOpenRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"frontdesk.db", "mysql://x", "sqlite://"} {
		if _, err := database.Open(context.Background(), u); err == nil {
			t.Errorf("Open(%q) succeeded", u)
		}
	}
}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for range 3 {
			wg.Add(1)
			go func() { defer wg.Done(); errs <- db.Migrate(ctx) }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("Migrate: %v", err)
			}
		}
		pending, err := db.Pending(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("Pending = %v, %v; want none", pending, err)
		}
	})
}

func TestPendingOnFreshDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pending, err := db.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) == 0 {
		t.Fatal("a fresh database reports nothing pending")
	}
}

func TestInTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := tenant.Unscoped(context.Background())
		boom := errors.New("boom")
		err := db.InTx(ctx, func(ctx context.Context) error {
			if _, err := db.Client(ctx).Practice.Create().SetName("Rolled Back").SetTimeZone("UTC").Save(ctx); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		err = db.InTx(ctx, func(ctx context.Context) error {
			// Nested calls join the outer transaction.
			return db.InTx(ctx, func(ctx context.Context) error {
				if ent.FromContext(ctx) != db.Client(ctx) {
					t.Error("ent.FromContext does not carry the transaction's client")
				}
				_, err := db.Client(ctx).Practice.Create().SetName("Kept").SetTimeZone("UTC").Save(ctx)
				return err
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		names, err := db.Client(ctx).Practice.Query().Select("name").Strings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != 1 || names[0] != "Kept" {
			t.Fatalf("practices = %v, want [Kept]", names)
		}
	})
}

func TestInTxRollsBackOnPanic(t *testing.T) {
	db := dbtest.Open(t)
	ctx := tenant.Unscoped(context.Background())
	func() {
		defer func() { _ = recover() }()
		_ = db.InTx(ctx, func(ctx context.Context) error {
			db.Client(ctx).Practice.Create().SetName("Panicked").SetTimeZone("UTC").SaveX(ctx)
			panic("boom")
		})
	}()
	if n := db.Client(ctx).Practice.Query().CountX(ctx); n != 0 {
		t.Fatalf("%d practices survived a panic", n)
	}
}

// TestTimesCompareAsInstants: a time written or compared in any zone means
// the same instant on both dialects.
func TestTimesCompareAsInstants(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := tenant.Unscoped(context.Background())
		c := db.Client(ctx)
		ny, _ := time.LoadLocation("America/New_York")
		p := c.Practice.Create().SetName("Zones").SetTimeZone("UTC").SaveX(ctx)
		at := time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC) // 11:00 in New York
		c.Appointment.Create().SetPracticeID(p.ID).SetStartAt(at.In(ny)).SetEndAt(at.Add(time.Hour)).SaveX(ctx)
		for _, q := range []time.Time{at, at.In(ny), at.In(time.FixedZone("X", 3*3600))} {
			if n := c.Appointment.Query().Where(appointment.StartAt(q)).CountX(ctx); n != 1 {
				t.Errorf("equal to %s: %d", q, n)
			}
			if n := c.Appointment.Query().Where(appointment.StartAtLT(q.Add(time.Minute))).CountX(ctx); n != 1 {
				t.Errorf("before %s + 1m: %d", q, n)
			}
			if n := c.Appointment.Query().Where(appointment.StartAtGT(q.Add(-time.Minute))).CountX(ctx); n != 1 {
				t.Errorf("after %s - 1m: %d", q, n)
			}
		}
		// And inside a transaction.
		err := db.InTx(ctx, func(ctx context.Context) error {
			if n := db.Client(ctx).Appointment.Query().Where(appointment.StartAt(at.In(ny))).CountX(ctx); n != 1 {
				t.Errorf("in a transaction: %d", n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestRowsAreStampedFromTheClock: created_at and updated_at come from the
// clock the database was opened with, in and out of a transaction, on a
// single create, a bulk create and an update.
func TestRowsAreStampedFromTheClock(t *testing.T) {
	for _, d := range dbtest.Dialects() {
		t.Run(d, func(t *testing.T) {
			created := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
			clk := clock.NewFake(created)
			db := dbtest.OpenDialect(t, d, database.WithClock(clk))
			ctx := tenant.Unscoped(context.Background())
			p := db.Client(ctx).Practice.Create().SetName("Stamped").SetTimeZone("UTC").SaveX(ctx)
			var bulk []*ent.Provider
			err := db.InTx(ctx, func(ctx context.Context) error {
				var err error
				bulk, err = db.Client(ctx).Provider.MapCreateBulk([]string{"Lee", "Kim"}, func(c *ent.ProviderCreate, i int) {
					c.SetPracticeID(p.ID).SetPmsID([]string{"1", "2"}[i]).SetLastName([]string{"Lee", "Kim"}[i])
				}).Save(ctx)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range []time.Time{p.CreatedAt, p.UpdatedAt, bulk[0].CreatedAt, bulk[1].UpdatedAt} {
				if !got.Equal(created) {
					t.Errorf("stamped %s, want the fake clock's %s", got, created)
				}
			}

			clk.Advance(time.Hour)
			db.Client(ctx).Practice.UpdateOneID(p.ID).SetName("Restamped").ExecX(ctx)
			p = db.Client(ctx).Practice.GetX(ctx, p.ID)
			if !p.CreatedAt.Equal(created) || !p.UpdatedAt.Equal(created.Add(time.Hour)) {
				t.Errorf("after an update: created %s, updated %s", p.CreatedAt, p.UpdatedAt)
			}
		})
	}
}

// TestQueryHookUnderConcurrentQueries: the query hook is fixed when the
// database opens, so queries from many goroutines see it without a race
// (run under -race).
func TestQueryHookUnderConcurrentQueries(t *testing.T) {
	var n atomic.Int64
	db := dbtest.Open(t, database.WithQueryHook(func(context.Context, ...any) { n.Add(1) }))
	ctx := tenant.Unscoped(context.Background())
	const goroutines, queries = 8, 20
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range queries {
				if _, err := db.Client(ctx).Practice.Query().Count(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := n.Load(); got != goroutines*queries {
		t.Fatalf("the hook saw %d queries, want %d", got, goroutines*queries)
	}
}
