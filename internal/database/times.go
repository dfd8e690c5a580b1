package database

import (
	"context"
	"time"

	"entgo.io/ent"

	"github.com/frontdesk/frontdesk/internal/clock"
)

// Rows with the schema's TimeMixin get created_at and updated_at here, from
// the DB's clock, rather than from a time.Now default in the schema: the
// clock the services are given is then the one their rows are stamped with.

type createdStamp interface {
	CreatedAt() (time.Time, bool)
	SetCreatedAt(time.Time)
}

type updatedStamp interface {
	UpdatedAt() (time.Time, bool)
	SetUpdatedAt(time.Time)
}

// stampTimes sets created_at on create and updated_at on every write, unless
// the mutation sets them itself.
func stampTimes(clk clock.Clock) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
				return next.Mutate(ctx, m)
			}
			now := clk.Now()
			if c, ok := m.(createdStamp); ok && m.Op().Is(ent.OpCreate) {
				if _, set := c.CreatedAt(); !set {
					c.SetCreatedAt(now)
				}
			}
			if u, ok := m.(updatedStamp); ok {
				if _, set := u.UpdatedAt(); !set {
					u.SetUpdatedAt(now)
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}
