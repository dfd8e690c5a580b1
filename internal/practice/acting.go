package practice

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/practice"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// Acting returns the practice ctx acts on and its zone, in one read.
func Acting(ctx context.Context, db *database.DB) (*ent.Practice, *time.Location, error) {
	id, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := db.Client(ctx).Practice.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	loc, err := Location(p)
	if err != nil {
		return nil, nil, err
	}
	return p, loc, nil
}

// Location is a practice's zone, where every wall-clock question about it is
// asked.
func Location(p *ent.Practice) (*time.Location, error) {
	return location(p.ID, p.TimeZone)
}

// Zone returns the zone of practice id, reading only that (once per
// WithZoneCache).
func Zone(ctx context.Context, db *database.DB, id string) (*time.Location, error) {
	c, _ := ctx.Value(zoneCacheKey{}).(*zoneCache)
	if c != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		if loc, ok := c.ids[id]; ok {
			return loc, nil
		}
	}
	tz, err := db.Client(ctx).Practice.Query().Where(practice.ID(id)).Select(practice.FieldTimeZone).String(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := location(id, tz)
	if err != nil {
		return nil, err
	}
	if c != nil {
		c.ids[id] = loc
	}
	return loc, nil
}

// zoneCache keeps the zones Zone read for one request.
type zoneCache struct {
	mu  sync.Mutex
	ids map[string]*time.Location // practice id → zone
}

type zoneCacheKey struct{}

// WithZoneCache returns a context under which Zone reads each practice's
// zone once, so that a page of appointments asking for their local times
// loads its practice once. It is for one request (the API gives one to each
// operation): a zone changed later under the same context is not seen.
func WithZoneCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, zoneCacheKey{}, &zoneCache{ids: map[string]*time.Location{}})
}

// zones keeps the zones loaded so far: time.LoadLocation reads the zone
// database from disk on every call, and a zone is asked for on every tool
// call, some inside transactions that should wait on nothing but the
// database.
var zones sync.Map // name → *time.Location

func location(id, tz string) (*time.Location, error) {
	if loc, ok := zones.Load(tz); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("practice %s: zone %q: %w", id, tz, err)
	}
	zones.Store(tz, loc)
	return loc, nil
}
