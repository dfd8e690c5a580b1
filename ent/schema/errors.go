package schema

import "github.com/frontdesk/frontdesk/internal/apperr"

var (
	errInvalidZone  = apperr.New(apperr.Invalid, "time zone must be an IANA name such as America/New_York")
	errInvalidE164  = apperr.New(apperr.Invalid, "phone number must be in E.164 form, such as +15555550100")
	errInvalidEmail = apperr.New(apperr.Invalid, "email must be lower case")
)
