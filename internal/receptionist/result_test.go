package receptionist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/frontdesk/frontdesk/ent/privacy"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/apperr/coded"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// The agent hears what the dashboard shows for the same error: both read it
// through coded.Of (the GraphQL presenter's message is
// apperr.MessageOf(coded.Of(err))). A NOT_FOUND from ent used to reach the
// agent as "something went wrong".
func TestToolErrorsReadLikeTheAPI(t *testing.T) {
	db := dbtest.Open(t)
	ctx := tenant.Unscoped(context.Background())
	_, notFound := db.Client(ctx).Practice.Get(ctx, "prac_missing")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"ent not found", fmt.Errorf("load: %w", notFound), "not found"},
		{"coded", apperr.New(apperr.Invalid, "urgency must be routine or urgent"), "urgency must be routine or urgent"},
		{"privacy", privacy.Deny, "not allowed"},
		{"deadline", context.DeadlineExceeded, "request cancelled or timed out"},
		{"internal", errors.New("pq: secret detail"), "Something went wrong on our side. Offer to take a message or transfer the caller."},
	}
	tn := &turn{s: &Service{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, tc: vapi.ToolCall{ID: "tc", Name: TakeMessage}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tn.result(nil, tt.err).Error
			if got != tt.want {
				t.Fatalf("tool error %q, want %q", got, tt.want)
			}
			if api := apperr.MessageOf(coded.Of(tt.err)); api != "internal error" && api != got {
				t.Fatalf("the agent hears %q, the API says %q", got, api)
			}
		})
	}
}
