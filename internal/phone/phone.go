// Package phone normalises phone numbers to E.164, so that a caller's number
// finds a patient whatever format the PMS stored it in, and masks them for logs.
package phone

import (
	"errors"
	"strings"

	"github.com/frontdesk/frontdesk/internal/apperr"
)

// ErrInvalid reports a string that is not a dialable number.
var ErrInvalid = errors.New("phone: not a valid number")

// Normalize returns s in E.164. Numbers without a country code are taken as
// North American (NANP), the market frontdesk serves: "(555) 010-0123",
// "555.010.0123" and "1-555-010-0123" all become "+15550100123". A leading "+"
// keeps its country code. Extensions ("x12", "ext. 12") are dropped.
func Normalize(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(strings.ToLower(s), "xe#"); i >= 0 {
		s = s[:i]
	}
	plus := strings.HasPrefix(s, "+")
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' || r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/':
		default:
			return "", ErrInvalid
		}
	}
	d := digits.String()
	switch {
	case plus:
		if len(d) < 8 || len(d) > 15 || d[0] == '0' {
			return "", ErrInvalid
		}
		return "+" + d, nil
	case len(d) == 10:
		return "+1" + d, nil
	case len(d) == 11 && d[0] == '1':
		return "+" + d, nil
	default:
		return "", ErrInvalid
	}
}

// Parse is the rule for a number a person gives us, on the dashboard or to
// the phone agent as a tool argument: empty is no number; anything else must
// be a phone number, or it is refused (INVALID) with a message that names
// the field and never the number.
func Parse(s, field string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	n, err := Normalize(s)
	if err != nil {
		return "", apperr.Wrap(apperr.Invalid, err, "%s is not a phone number: give it like +15555550100 or (555) 555-0100", field)
	}
	return n, nil
}

// OrEmpty is the rule for a number the network reports (caller ID): it may
// be withheld or unusable through no one's fault, so it is dropped rather
// than refused.
func OrEmpty(s string) string {
	n, err := Normalize(s)
	if err != nil {
		return ""
	}
	return n
}

// Mask hides all but the last two digits, for logs: "+1555*****23".
func Mask(s string) string {
	if len(s) <= 6 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-6) + s[len(s)-2:]
}
