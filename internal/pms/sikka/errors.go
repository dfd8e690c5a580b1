package sikka

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/frontdesk/frontdesk/internal/pms"
)

// Error is an error answer from Sikka: the HTTP status and Sikka's
// error_code with its short_message. The long message and any response body
// are deliberately dropped: they can echo patient data.
type Error struct {
	HTTPStatus   int
	Code         string
	ShortMessage string
}

func (e *Error) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("HTTP %d %s", e.HTTPStatus, e.ShortMessage)
	}
	return fmt.Sprintf("HTTP %d %s (%s)", e.HTTPStatus, e.Code, e.ShortMessage)
}

// Is maps the error onto the pms error a caller decides on.
func (e *Error) Is(target error) bool { return target != nil && target == e.kind() }

func (e *Error) kind() error {
	switch e.Code {
	case "API1001", "API1002", "API1003", "API1004", "API1005", "API1025",
		"API2003", "API2004", "API2007":
		return pms.ErrCredentials
	case "API2001", "API2002", "API2006", "API2010", "API2011", "API2012", "API2017", "API2022":
		return pms.ErrUnavailable
	case "API2009", "API2018":
		return pms.ErrNotFound
	case "API1006", "API1020", "API1026", "API1027", "API2013", "API2014", "API2015", "API2019":
		return pms.ErrRejected
	}
	switch s := e.HTTPStatus; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return pms.ErrCredentials
	case s == http.StatusNotFound || s == http.StatusGone:
		return pms.ErrNotFound
	case s == http.StatusTooManyRequests || s == http.StatusPreconditionFailed || s >= 500:
		return pms.ErrUnavailable
	default:
		return pms.ErrRejected
	}
}

// descriptions are what an operator reads next to a code (frontdesk pms
// check): what it means for us and what to do. Texts follow Sikka's error
// code table.
var descriptions = map[string]string{
	"API1001": "The application id (App-Id) was not sent. Set SIKKA_APP_ID.",
	"API1002": "The application key (App-Key) was not sent. Set SIKKA_APP_KEY.",
	"API1003": "The office id was not sent. Reconnect the practice with its office id and secret key.",
	"API1004": "The request key is missing or invalid. frontdesk refreshes it by itself; if this persists, reconnect the practice.",
	"API1005": "The practice secret key was not sent. Reconnect the practice with its office id and secret key.",
	"API1006": "Sikka does not support the requested response format. This is a frontdesk bug; report it.",
	"API1020": "A required parameter is missing. This is a frontdesk bug or a PMS-specific requirement; report it with the endpoint.",
	"API1025": "The request key expired. frontdesk refreshes it by itself; if this persists the refresh key was revoked: reconnect the practice.",
	"API1026": "A parameter is missing or invalid (for example an unknown provider, operatory or status for this PMS). Check the practice's PMS setup.",
	"API1027": "Sikka rejected the request as malformed. Report it with the endpoint.",
	"API2001": "Sikka had an internal error. Retry later; contact Sikka API support if it persists.",
	"API2002": "Sikka is overloaded. frontdesk retries with backoff; nothing to do unless it persists.",
	"API2003": "The application id/key or the practice's office id/secret key is incorrect. Check SIKKA_APP_ID/SIKKA_APP_KEY, then reconnect the practice.",
	"API2004": "This Sikka API is not in the application's plan. Ask Sikka API support to enable it.",
	"API2005": "No data matched (HTTP 204). Not an error.",
	"API2006": "Sikka failed while processing the request. Retry later; contact Sikka API support if it persists.",
	"API2007": "The practice has not authorised this application in Sikka (or revoked it). Ask the practice to authorise it in the Sikka marketplace.",
	"API2009": "The requested record does not exist in the PMS.",
	"API2010": "Sikka has no data for this practice yet. If the Sikka Practice Utility was installed more than 4 hours ago, contact Sikka support.",
	"API2011": "The practice's daily data-size limit is used up. Calls resume tomorrow; reduce sync volume or raise the plan.",
	"API2012": "The practice's daily request limit is used up. Calls resume tomorrow; reduce sync frequency or raise the plan.",
	"API2013": "The record already exists in the PMS (conflicting name or id).",
	"API2014": "Sikka does not allow this method on the resource. This is a frontdesk bug; report it.",
	"API2015": "The record already exists in the PMS (conflicting user name or cell).",
	"API2016": "Created: the write was queued. Not an error.",
	"API2017": "The Sikka Practice Utility at the practice is offline, so writes cannot reach the PMS. Ask the practice to check the server running it.",
	"API2018": "The resource is gone from Sikka.",
	"API2019": "Sikka could not process the request because of invalid parameters. Check the practice's PMS setup (providers, operatories, types).",
	"API2022": "Sikka timed out waiting for its upstream. frontdesk retries; nothing to do unless it persists.",
	"API4006": "The pending writeback was deleted. Not an error.",
}

// Describe tells an operator what a Sikka error code means and what to do.
func Describe(code string) string {
	if d, ok := descriptions[code]; ok {
		return d
	}
	return "Undocumented Sikka code " + code + "; see the HTTP status and contact Sikka API support if it persists."
}

// errorBody is Sikka's error shape; every value is a string.
type errorBody struct {
	HTTPCode     str `json:"http_code"`
	ErrorCode    str `json:"error_code"`
	ShortMessage str `json:"short_message"`
}

// decodeError builds an *Error from an error response. A body that is not
// Sikka's shape still yields the HTTP status.
func decodeError(status int, body []byte) *Error {
	e := &Error{HTTPStatus: status, ShortMessage: http.StatusText(status)}
	var b errorBody
	if err := json.Unmarshal(unwrapArray(body), &b); err == nil {
		e.Code = string(b.ErrorCode)
		if b.ShortMessage != "" {
			e.ShortMessage = string(b.ShortMessage)
		}
	}
	return e
}
