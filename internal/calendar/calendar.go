// Package calendar holds the wall-clock values every layer talks about — a
// date with no zone, a span of a day, a week of opening hours — and reads the
// dates and clock times that reach frontdesk (API fields, the phone agent's
// tool arguments, what a PMS sends) one way wherever they arrive, so that the
// phone and the dashboard accept the same things. It depends on nothing of
// frontdesk's but apperr, so the availability engine, the PMS port and the
// data model share it without importing one another.
package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/apperr"
)

// DateLayout is how a date is written: "2026-12-01".
const DateLayout = time.DateOnly

// ParseDate reads a date a person gave as field: empty is no date (the zero
// Date); anything else must be YYYY-MM-DD, or it is refused (INVALID) with a
// message naming field.
func ParseDate(s, field string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, apperr.Wrap(apperr.Invalid, err, "%s must be a date like 2026-12-01", field)
	}
	return DateOf(t), nil
}

// FormatClock writes minutes after midnight as "15:04" ("24:00" for the end
// of the day).
func FormatClock(minutes int) string {
	return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
}

// ParseClock reads a wall-clock time of day as minutes after midnight. It is
// the one reader of clock times, for opening hours set on the dashboard and
// for what a PMS sends: Sikka documents "HH:mm" for appointments and nothing
// for schedules, so it takes "08:00", "8:00", "08:00:00", "8:00 AM",
// "8:00pm", "0800" and a timestamp's time part ("1899-12-30T08:00:00").
// "24:00" is the end of the day.
func ParseClock(s string) (int, error) {
	orig := s
	s = strings.ToUpper(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "T "); i >= 0 && strings.Count(s, "-") >= 2 {
		s = strings.TrimSpace(s[i+1:])
	}
	half := ""
	for _, suf := range []string{"A.M.", "P.M.", "AM", "PM", "A", "P"} {
		if strings.HasSuffix(s, suf) {
			half = suf[:1]
			s = strings.TrimSpace(strings.TrimSuffix(s, suf))
			break
		}
	}
	var h, m int
	var err error
	switch parts := strings.Split(s, ":"); {
	case len(parts) == 2 || len(parts) == 3:
		if h, err = strconv.Atoi(parts[0]); err == nil {
			m, err = strconv.Atoi(parts[1])
		}
		if err == nil && len(parts) == 3 {
			_, err = strconv.Atoi(parts[2])
		}
		if err == nil && len(parts[1]) != 2 {
			err = fmt.Errorf("minutes %q", parts[1])
		}
	case len(s) == 3 || len(s) == 4:
		var n int
		if n, err = strconv.Atoi(s); err == nil {
			h, m = n/100, n%100
		}
	default:
		err = fmt.Errorf("no time of day")
	}
	if err != nil {
		return 0, fmt.Errorf("parse time of day %q: %w", orig, err)
	}
	if half != "" {
		if h < 1 || h > 12 {
			return 0, fmt.Errorf("parse time of day %q: hour %d with %sM", orig, h, half)
		}
		h %= 12
		if half == "P" {
			h += 12
		}
	}
	if m < 0 || m > 59 || h < 0 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("parse time of day %q: out of range", orig)
	}
	return h*60 + m, nil
}
