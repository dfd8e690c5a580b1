package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/ent/privacy"
	"github.com/frontdesk/frontdesk/internal/apperr"
)

func TestRecoverFuncAnswersInternalError(t *testing.T) {
	var logs bytes.Buffer
	err := recoverFunc(slog.New(slog.NewTextHandler(&logs, nil)))(context.Background(), "nil map write")
	if apperr.CodeOf(err) != apperr.Internal || err.Error() != "internal error" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(logs.String(), "nil map write") || !strings.Contains(logs.String(), "stack") {
		t.Fatalf("log %s", logs.String())
	}
}

func TestErrorPresenterCodes(t *testing.T) {
	var logs bytes.Buffer
	present := errorPresenter(slog.New(slog.NewTextHandler(&logs, nil)))
	cases := []struct {
		err  error
		code string
		msg  string
	}{
		{apperr.New(apperr.Conflict, "taken"), "CONFLICT", "taken"},
		{fmt.Errorf("wrapped: %w", apperr.New(apperr.NotFound, "no such thing")), "NOT_FOUND", "no such thing"},
		{privacy.Deny, "FORBIDDEN", "not allowed"},
		{errors.New("pq: relation patients: secret detail"), "INTERNAL", "internal error"},
		{context.DeadlineExceeded, "UNAVAILABLE", "request cancelled or timed out"},
	}
	for _, c := range cases {
		got := present(context.Background(), c.err)
		if got.Extensions["code"] != c.code || got.Message != c.msg {
			t.Errorf("%v → %s %q", c.err, got.Extensions["code"], got.Message)
		}
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Error("an internal error was not logged in full")
	}
	// gqlgen's own errors keep their codes.
	own := &gqlerror.Error{Message: "Cannot query field", Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}
	if got := present(context.Background(), own); got.Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("validation error → %v", got.Extensions)
	}
}
