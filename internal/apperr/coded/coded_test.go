package coded_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/frontdesk/frontdesk/ent/privacy"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/apperr/coded"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func TestOf(t *testing.T) {
	db := dbtest.Open(t)
	ctx := tenant.Unscoped(context.Background())
	_, notFound := db.Client(ctx).Practice.Get(ctx, "prac_missing")
	c := db.Client(ctx)
	p := c.Practice.Create().SetName("P").SetTimeZone("UTC").SaveX(ctx)
	_, invalid := c.Practice.UpdateOne(p).SetName("").Save(ctx)
	tests := []struct {
		name string
		err  error
		code apperr.Code
		msg  string
	}{
		{"coded", apperr.New(apperr.Conflict, "taken"), apperr.Conflict, "taken"},
		{"coded, wrapped", fmt.Errorf("booking: %w", apperr.New(apperr.NotFound, "no such appointment")), apperr.NotFound, "no such appointment"},
		{"ent not found", notFound, apperr.NotFound, "not found"},
		{"ent not found, wrapped", fmt.Errorf("load: %w", notFound), apperr.NotFound, "not found"},
		{"ent validation", invalid, apperr.Invalid, "invalid name"},
		{"privacy", fmt.Errorf("query: %w", privacy.Deny), apperr.Forbidden, "not allowed"},
		{"deadline", context.DeadlineExceeded, apperr.Unavailable, "request cancelled or timed out"},
		{"cancelled", context.Canceled, apperr.Unavailable, "request cancelled or timed out"},
		{"anything else", errors.New("pq: relation patients: secret"), apperr.Internal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := coded.Of(tt.err)
			if got.Code != tt.code || apperr.MessageOf(got) != tt.msg {
				t.Fatalf("Of(%v) = %s %q, want %s %q", tt.err, got.Code, apperr.MessageOf(got), tt.code, tt.msg)
			}
			if ae := new(apperr.Error); !errors.As(tt.err, &ae) && !errors.Is(got, tt.err) {
				t.Fatalf("Of(%v) lost its cause, which the log needs", tt.err)
			}
		})
	}
}
