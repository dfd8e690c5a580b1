package practice_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func TestActingAndZone(t *testing.T) {
	db := dbtest.Open(t)
	sys := tenant.Unscoped(context.Background())
	c := db.Client(sys)
	ny := c.Practice.Create().SetName("NY").SetTimeZone("America/New_York").SaveX(sys)
	la := c.Practice.Create().SetName("LA").SetTimeZone("America/Los_Angeles").SaveX(sys)
	tests := []struct {
		name     string
		ctx      context.Context
		wantZone string
		code     apperr.Code // "" for success
	}{
		{"webhook acting as a practice", tenant.System(context.Background(), ny.ID), "America/New_York", ""},
		{"no practice chosen", tenant.NewContext(context.Background(), &tenant.Viewer{Subject: "u", Memberships: []tenant.Membership{{PracticeID: ny.ID}, {PracticeID: la.ID}}}), "", apperr.Invalid},
		{"not signed in", context.Background(), "", apperr.Unauthenticated},
		{"another practice", tenant.System(context.Background(), la.ID), "America/Los_Angeles", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, loc, err := practice.Acting(tt.ctx, db)
			if tt.code != "" {
				if apperr.CodeOf(err) != tt.code {
					t.Fatalf("Acting: %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil || loc.String() != tt.wantZone || p.TimeZone != tt.wantZone {
				t.Fatalf("Acting = %v, %v, %v", p, loc, err)
			}
			// Zone reads the same zone by id.
			if z, err := practice.Zone(tt.ctx, db, p.ID); err != nil || z.String() != tt.wantZone {
				t.Fatalf("Zone = %v, %v", z, err)
			}
		})
	}
}

// Under WithZoneCache a practice's zone is read once; without it, each time.
func TestZoneCache(t *testing.T) {
	var n atomic.Int32
	db := dbtest.Open(t, database.WithQueryHook(func(context.Context, ...any) { n.Add(1) }))
	sys := tenant.Unscoped(context.Background())
	p := db.Client(sys).Practice.Create().SetName("NY").SetTimeZone("America/New_York").SaveX(sys)
	for _, tt := range []struct {
		name  string
		ctx   context.Context
		reads int32
	}{
		{"no cache", tenant.System(context.Background(), p.ID), 3},
		{"cached", practice.WithZoneCache(tenant.System(context.Background(), p.ID)), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n.Store(0)
			for range 3 {
				if z, err := practice.Zone(tt.ctx, db, p.ID); err != nil || z.String() != "America/New_York" {
					t.Fatalf("Zone = %v, %v", z, err)
				}
			}
			if got := n.Load(); got != tt.reads {
				t.Fatalf("%d reads, want %d", got, tt.reads)
			}
		})
	}
}
