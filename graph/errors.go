package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/privacy"
	"github.com/frontdesk/frontdesk/internal/apperr"
)

// classify maps any error a resolver returns onto our codes. It is the one
// place the API decides what a client may learn from an error.
func classify(err error) *apperr.Error {
	var ae *apperr.Error
	var ve *ent.ValidationError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ve):
		return apperr.Wrap(apperr.Invalid, err, "invalid %s", ve.Name)
	case ent.IsNotFound(err):
		return apperr.Wrap(apperr.NotFound, err, "not found")
	case ent.IsConstraintError(err):
		return apperr.Wrap(apperr.Conflict, err, "conflicts with an existing record")
	case errors.Is(err, privacy.Deny):
		return apperr.Wrap(apperr.Forbidden, err, "not allowed")
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return apperr.Wrap(apperr.Unavailable, err, "request cancelled or timed out")
	default:
		return apperr.Wrap(apperr.Internal, err, "internal error")
	}
}

// errorPresenter gives every error a code in extensions.code; internal
// errors reach the client as "internal error" and the log in full.
func errorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Err == nil {
			// gqlgen's and entgql's own errors: parse and validation errors
			// come coded; the rest (APQ, first with last…) are the
			// request's fault: its field's arguments, or the request.
			if _, coded := gqlErr.Extensions["code"]; !coded {
				code := CodeBadRequest
				if len(gqlErr.Path) > 0 {
					code = string(apperr.Invalid)
				}
				if gqlErr.Extensions == nil {
					gqlErr.Extensions = map[string]any{}
				}
				gqlErr.Extensions["code"] = code
			}
			return gqlErr
		}
		ae := classify(gqlErr.Err)
		if ae.Code == apperr.Internal {
			log.ErrorContext(ctx, "graphql: internal error", "path", gqlErr.Path.String(), "err", err)
		}
		gqlErr.Message = apperr.MessageOf(ae)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		gqlErr.Extensions["code"] = string(ae.Code)
		return gqlErr
	}
}

// recoverFunc keeps a panicking resolver from taking the request (or the
// server) down with it.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return apperr.New(apperr.Internal, "internal error")
	}
}
