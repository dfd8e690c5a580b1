package calendar

import (
	"time"
)

// Date is a calendar date with no zone (a birth date, a PMS schedule day).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as "2006-01-02".
func (d Date) String() string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// In returns midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// TimeRange is a span of a day in minutes after midnight, wall clock.
type TimeRange struct {
	Start int // minutes after midnight
	End   int // exclusive
}

// WeeklyHours are opening hours by weekday; a weekday absent or empty is closed.
type WeeklyHours map[time.Weekday][]TimeRange
