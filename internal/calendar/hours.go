package calendar

import (
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/apperr"
)

// Opening is one range of opening hours as people write it: a weekday by
// its English name in capitals ("MONDAY", as the API spells it) and clock
// times.
type Opening struct {
	Day, Open, Close string
}

// dayName is how an Opening names a weekday.
func dayName(d time.Weekday) string { return strings.ToUpper(d.String()) }

// ParseOpenings reads opening hours written as a list; a clock time
// ParseClock cannot read, or a day that is no weekday, is refused (INVALID).
// Whether each range opens before it closes is the practice's rule, checked
// where the hours are saved.
func ParseOpenings(list []Opening) (WeeklyHours, error) {
	hours := WeeklyHours{}
	for _, o := range list {
		open, err1 := ParseClock(o.Open)
		closing, err2 := ParseClock(o.Close)
		if err1 != nil || err2 != nil {
			return nil, apperr.New(apperr.Invalid, "opening hours must be HH:MM, like 08:00")
		}
		day, ok := weekday(o.Day)
		if !ok {
			return nil, apperr.New(apperr.Invalid, "opening hours need a weekday, like MONDAY")
		}
		hours[day] = append(hours[day], TimeRange{Start: open, End: closing})
	}
	return hours, nil
}

func weekday(name string) (time.Weekday, bool) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if dayName(d) == name {
			return d, true
		}
	}
	return 0, false
}

// Openings writes h as a list, Sunday first and each day's ranges in their
// order, times as FormatClock writes them.
func (h WeeklyHours) Openings() []Opening {
	out := []Opening{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		for _, r := range h[d] {
			out = append(out, Opening{Day: dayName(d), Open: FormatClock(r.Start), Close: FormatClock(r.End)})
		}
	}
	return out
}
