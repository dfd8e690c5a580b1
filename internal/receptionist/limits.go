package receptionist

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/internal/apperr"
)

// What one tool-calls message and one tool call may carry (SECURITY.md). The
// agent speaks with one caller: a real message carries a few calls, and a
// caller's words fit in a few sentences. Anything larger is a fault or an
// attack, and becomes neither action items nor rows.
const (
	// MaxToolCalls is the most tool calls one message may carry. A message
	// with more is refused whole: every call gets an error and none runs,
	// so no part of a runaway or forged batch takes effect.
	MaxToolCalls = 20
	// maxMessageChars bounds take-message's message.
	maxMessageChars = 2000
	// maxNoteChars bounds the other free text: booking notes, reasons.
	maxNoteChars = 500
	// maxArgChars bounds every other string argument: names, ids, dates,
	// numbers.
	maxArgChars = 200
)

// argLimits are the arguments allowed more than maxArgChars.
var argLimits = map[string]int{
	"message": maxMessageChars,
	"notes":   maxNoteChars,
	"reason":  maxNoteChars,
}

// TooManyToolCalls is the error each tool call of a message gets when the
// message carries more than MaxToolCalls, or "" when it does not.
func TooManyToolCalls(n int) string {
	if n <= MaxToolCalls {
		return ""
	}
	return fmt.Sprintf("this message carries %d tool calls; at most %d are answered at once, so none was run: call the tools again, fewer at a time", n, MaxToolCalls)
}

// decode reads a tool call's arguments into v, a pointer to a struct of
// json-tagged fields, and refuses any string argument over its limit,
// naming it.
func decode(t *turn, v any) error {
	if err := t.tc.Decode(v); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "the arguments could not be read: %v", err)
	}
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		if f.Type.Kind() != reflect.String {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		limit, ok := argLimits[name]
		if !ok {
			limit = maxArgChars
		}
		if utf8.RuneCountInString(rv.Field(i).String()) > limit {
			return apperr.New(apperr.Invalid, "%s is too long: at most %d characters", name, limit)
		}
	}
	return nil
}
