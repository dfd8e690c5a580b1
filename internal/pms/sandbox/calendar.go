package sandbox

import (
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

// addDays returns d moved by n calendar days.
func addDays(d calendar.Date, n int) calendar.Date {
	return calendar.DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// weekday returns the day of the week of d.
func weekday(d calendar.Date) time.Weekday {
	return d.In(time.UTC).Weekday()
}

// compareDates orders dates: negative when a is before b.
func compareDates(a, b calendar.Date) int {
	return d2i(a) - d2i(b)
}

func d2i(d calendar.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }

// mondayOf returns the Monday on or before d.
func mondayOf(d calendar.Date) calendar.Date {
	return addDays(d, -((int(weekday(d)) + 6) % 7))
}

// validDate reports whether d is a real calendar date (not 2026-02-30).
func validDate(d calendar.Date) bool {
	return addDays(d, 0) == d
}

// holidays returns the dates the practice closes for in year y, moved to the
// Friday or Monday they are observed on: New Year's Day, Memorial Day,
// Independence Day, Labor Day, Thanksgiving and Christmas. New Year's Day of
// y+1 can be observed on December 31 of y, so callers also ask for y+1.
func holidays(y int) []calendar.Date {
	return []calendar.Date{
		observed(calendar.Date{Year: y, Month: time.January, Day: 1}),
		lastWeekday(y, time.May, time.Monday),
		observed(calendar.Date{Year: y, Month: time.July, Day: 4}),
		nthWeekday(y, time.September, time.Monday, 1),
		nthWeekday(y, time.November, time.Thursday, 4),
		observed(calendar.Date{Year: y, Month: time.December, Day: 25}),
	}
}

// observed moves a Saturday holiday to Friday and a Sunday one to Monday.
func observed(d calendar.Date) calendar.Date {
	switch weekday(d) {
	case time.Saturday:
		return addDays(d, -1)
	case time.Sunday:
		return addDays(d, 1)
	}
	return d
}

func nthWeekday(y int, m time.Month, wd time.Weekday, n int) calendar.Date {
	first := calendar.Date{Year: y, Month: m, Day: 1}
	return addDays(first, (int(wd)-int(weekday(first))+7)%7+7*(n-1))
}

func lastWeekday(y int, m time.Month, wd time.Weekday) calendar.Date {
	last := addDays(calendar.Date{Year: y, Month: m + 1, Day: 1}, -1)
	return addDays(last, -((int(weekday(last)) - int(wd) + 7) % 7))
}

// isHoliday reports whether the practice is closed on d for a holiday.
func isHoliday(d calendar.Date) bool {
	for _, y := range []int{d.Year, d.Year + 1} {
		for _, h := range holidays(y) {
			if h == d {
				return true
			}
		}
	}
	return false
}
