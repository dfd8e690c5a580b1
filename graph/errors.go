package graph

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/apperr/coded"
)

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
		ae := coded.Of(gqlErr.Err)
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
