// Package coded gives every error a client may be told about its
// apperr code: the one mapping from what the layers below return (ent's
// not-found, constraint and validation errors, a privacy denial, a cancelled
// context) onto apperr codes. The GraphQL error presenter and the phone
// agent's tool errors both read errors through it, so the dashboard and the
// phone agree on what an error is. It lives beside apperr because ent's
// schema imports apperr, so apperr cannot import ent.
package coded

import (
	"context"
	"errors"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/privacy"
	"github.com/frontdesk/frontdesk/internal/apperr"
)

// Of returns err as an *apperr.Error: the first one in its chain, else the
// code its kind maps to, else Internal (whose message is "internal error";
// the cause stays in Err for the log).
func Of(err error) *apperr.Error {
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
