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

// Zone returns the zone of practice id, reading only that.
func Zone(ctx context.Context, db *database.DB, id string) (*time.Location, error) {
	tz, err := db.Client(ctx).Practice.Query().Where(practice.ID(id)).Select(practice.FieldTimeZone).String(ctx)
	if err != nil {
		return nil, err
	}
	return location(id, tz)
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
