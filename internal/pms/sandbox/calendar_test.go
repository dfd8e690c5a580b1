package sandbox

import (
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

func TestIsHoliday(t *testing.T) {
	tests := []struct {
		d    calendar.Date
		want bool
	}{
		{calendar.Date{Year: 2026, Month: time.May, Day: 25}, true},       // Memorial Day
		{calendar.Date{Year: 2026, Month: time.July, Day: 3}, true},       // July 4 is a Saturday
		{calendar.Date{Year: 2026, Month: time.July, Day: 4}, false},      // observed the day before
		{calendar.Date{Year: 2026, Month: time.September, Day: 7}, true},  // Labor Day
		{calendar.Date{Year: 2026, Month: time.November, Day: 26}, true},  // Thanksgiving
		{calendar.Date{Year: 2026, Month: time.December, Day: 25}, true},  // Christmas
		{calendar.Date{Year: 2027, Month: time.December, Day: 24}, true},  // Christmas 2027 is a Saturday
		{calendar.Date{Year: 2027, Month: time.December, Day: 31}, true},  // so is New Year's Day 2028
		{calendar.Date{Year: 2028, Month: time.January, Day: 1}, false},   // observed the day before
		{calendar.Date{Year: 2023, Month: time.January, Day: 2}, true},    // a Sunday New Year's Day
		{calendar.Date{Year: 2026, Month: time.November, Day: 27}, false}, // the day after is open
	}
	for _, tt := range tests {
		if got := isHoliday(tt.d); got != tt.want {
			t.Errorf("isHoliday(%v) = %v, want %v", tt.d, got, tt.want)
		}
	}
}

func TestDates(t *testing.T) {
	if got := mondayOf(calendar.Date{Year: 2026, Month: time.March, Day: 1}); got != (calendar.Date{Year: 2026, Month: time.February, Day: 23}) {
		t.Errorf("mondayOf(a Sunday) = %v", got)
	}
	if got := mondayOf(calendar.Date{Year: 2026, Month: time.March, Day: 2}); got != (calendar.Date{Year: 2026, Month: time.March, Day: 2}) {
		t.Errorf("mondayOf(a Monday) = %v", got)
	}
	if validDate(calendar.Date{Year: 2027, Month: time.February, Day: 29}) || !validDate(calendar.Date{Year: 2028, Month: time.February, Day: 29}) {
		t.Error("validDate gets leap years wrong")
	}
}
