package calendar_test

import (
	"testing"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want calendar.Date
		bad  bool
	}{
		{"", calendar.Date{}, false},
		{"  ", calendar.Date{}, false},
		{"2026-12-01", calendar.Date{Year: 2026, Month: 12, Day: 1}, false},
		{" 2026-12-01 ", calendar.Date{Year: 2026, Month: 12, Day: 1}, false},
		{"2026-12-01T09:00", calendar.Date{}, true},
		{"2026-12-01junk", calendar.Date{}, true},
		{"2026-02-30", calendar.Date{}, true},
		{"12/01/2026", calendar.Date{}, true},
		{"tomorrow", calendar.Date{}, true},
	}
	for _, tt := range tests {
		got, err := calendar.ParseDate(tt.in, "date_from")
		if got != tt.want || (err != nil) != tt.bad {
			t.Errorf("ParseDate(%q) = %v, %v", tt.in, got, err)
		}
		if err != nil && (apperr.CodeOf(err) != apperr.Invalid || apperr.MessageOf(err) != "date_from must be a date like 2026-12-01") {
			t.Errorf("ParseDate(%q): %s %q", tt.in, apperr.CodeOf(err), apperr.MessageOf(err))
		}
	}
}

func TestFormatClock(t *testing.T) {
	for minutes, want := range map[int]string{0: "00:00", 480: "08:00", 1035: "17:15", 1440: "24:00"} {
		if got := calendar.FormatClock(minutes); got != want {
			t.Errorf("FormatClock(%d) = %q, want %q", minutes, got, want)
		}
		if back, err := calendar.ParseClock(want); err != nil || back != minutes {
			t.Errorf("ParseClock(FormatClock(%d)) = %d, %v", minutes, back, err)
		}
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want int
		bad  bool
	}{
		{in: "08:00", want: 480},
		{in: "8:00", want: 480},
		{in: "08:00:00", want: 480},
		{in: "8:00 AM", want: 480},
		{in: "8:00am", want: 480},
		{in: "12:00 PM", want: 720},
		{in: "12:30 AM", want: 30},
		{in: "5:15 PM", want: 1035},
		{in: "0800", want: 480},
		{in: "1730", want: 1050},
		{in: "800", want: 480},
		{in: "1899-12-30T08:00:00", want: 480},
		{in: "24:00", want: 1440},
		{in: "", bad: true},
		{in: "25:00", bad: true},
		{in: "8:5", bad: true},
		{in: "13:00 PM", bad: true},
		{in: "noon", bad: true},
	}
	for _, tt := range tests {
		got, err := calendar.ParseClock(tt.in)
		if (err != nil) != tt.bad || (!tt.bad && got != tt.want) {
			t.Errorf("ParseClock(%q) = %d, %v", tt.in, got, err)
		}
	}
}
