package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// PracticeHeader chooses the practice a request acts on.
const PracticeHeader = "X-Practice-ID"

// ViewerResolver turns a verified identity into a viewer: its memberships,
// and the practice it acts on.
type ViewerResolver interface {
	ResolveViewer(ctx context.Context, id *Identity, admin bool, practiceID string) (*tenant.Viewer, error)
}

// Authenticator signs requests in.
type Authenticator struct {
	Verifier   *Verifier
	Viewers    ViewerResolver
	AdminGroup string
	Logger     *slog.Logger
}

// Authenticate verifies an Authorization header value and returns the
// viewer, acting on practiceID when given. Errors are *apperr.Error:
// Unauthenticated for a bad token, Forbidden or NotFound for a practice the
// viewer may not act on, Unavailable when the issuer cannot be reached.
func (a *Authenticator) Authenticate(ctx context.Context, authorization, practiceID string) (*tenant.Viewer, error) {
	scheme, raw, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" {
		return nil, apperr.New(apperr.Unauthenticated, "missing bearer token: send Authorization: Bearer <Cognito ID or access token>")
	}
	id, err := a.Verifier.Verify(ctx, strings.TrimSpace(raw))
	if err != nil {
		var rejected *Error
		if errors.As(err, &rejected) {
			return nil, apperr.Wrap(apperr.Unauthenticated, err, "%s", rejected.Reason)
		}
		return nil, apperr.Wrap(apperr.Unavailable, err, "sign-in is unavailable: the token issuer cannot be reached")
	}
	admin := a.AdminGroup != "" && slices.Contains(id.Groups, a.AdminGroup)
	return a.Viewers.ResolveViewer(ctx, id, admin, strings.TrimSpace(practiceID))
}

// Middleware requires a signed-in viewer on every request it wraps, except
// websocket upgrades, which authenticate in their connection_init message
// (browsers cannot set headers on a websocket).
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		v, err := a.Authenticate(r.Context(), r.Header.Get("Authorization"), r.Header.Get(PracticeHeader))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(tenant.NewContext(r.Context(), v)))
	})
}

// fail answers in GraphQL's error shape, so clients handle one format.
func (a *Authenticator) fail(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.CodeOf(err) == apperr.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+apperr.MessageOf(err)+`"`)
	}
	status := WriteError(w, err)
	if a.Logger != nil {
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		a.Logger.Log(r.Context(), level, "sign-in refused", "status", status, "err", err)
	}
}

// WriteError answers a request that is refused before any GraphQL runs
// (sign-in, a CSV export's parameters) in GraphQL's error shape, with the
// HTTP status of err's code, and returns that status.
func WriteError(w http.ResponseWriter, err error) int {
	code := apperr.CodeOf(err)
	status := http.StatusInternalServerError
	switch code {
	case apperr.Unauthenticated:
		status = http.StatusUnauthorized
	case apperr.Forbidden:
		status = http.StatusForbidden
	case apperr.NotFound:
		status = http.StatusNotFound
	case apperr.Invalid:
		status = http.StatusBadRequest
	case apperr.Conflict:
		status = http.StatusConflict
	case apperr.Unavailable:
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{
			"message":    apperr.MessageOf(err),
			"extensions": map[string]any{"code": string(code)},
		}},
	})
	return status
}
