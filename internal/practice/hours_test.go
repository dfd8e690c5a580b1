package practice_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/practice"
)

func TestHours(t *testing.T) {
	own := calendar.WeeklyHours{time.Monday: {{Start: 9 * 60, End: 17 * 60}}}
	fromPMS := calendar.WeeklyHours{time.Tuesday: {{Start: 8 * 60, End: 12 * 60}}}
	tests := []struct {
		name string
		p    ent.Practice
		want calendar.WeeklyHours
	}{
		{"own hours win", ent.Practice{Hours: own, PmsHours: fromPMS}, own},
		{"else the PMS's", ent.Practice{PmsHours: fromPMS}, fromPMS},
		{"neither", ent.Practice{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := practice.Hours(&tt.p)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Hours = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClosedDates(t *testing.T) {
	p := &ent.Practice{
		Closures:    []string{"2026-12-31", "2026-12-25"},
		PmsClosures: []string{"2026-12-25", "2026-11-26"},
	}
	want := []string{"2026-11-26", "2026-12-25", "2026-12-31"}
	if got := practice.ClosedDates(p); !slices.Equal(got, want) {
		t.Errorf("ClosedDates = %v, want %v", got, want)
	}
	if got := practice.ClosedDates(&ent.Practice{}); len(got) != 0 {
		t.Errorf("ClosedDates of none = %v, want none", got)
	}
}

func TestOpenAt(t *testing.T) {
	p := &ent.Practice{
		TimeZone:    "America/New_York",
		Hours:       calendar.WeeklyHours{time.Tuesday: {{Start: 8 * 60, End: 12 * 60}, {Start: 13 * 60, End: 17 * 60}}},
		PmsClosures: []string{"2026-12-22"},
	}
	ny, _ := time.LoadLocation("America/New_York")
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, ny) }
	tests := []struct {
		name string
		p    *ent.Practice
		t    time.Time
		want bool
	}{
		{"opening minute", p, at(1, 8, 0), true},
		{"lunch", p, at(1, 12, 30), false},
		{"closing minute is closed", p, at(1, 17, 0), false},
		{"a day with no hours", p, at(2, 10, 0), false},
		{"a PMS closure", p, at(22, 10, 0), false},
		// 14:00 UTC is 09:00 in New York: the practice's zone decides, not UTC's.
		{"in the practice's zone", p, time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC), true},
		{"06:00 UTC on Wednesday is still Tuesday evening there", p, time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC), false},
		{"no hours known", &ent.Practice{TimeZone: "America/New_York"}, at(1, 10, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := practice.OpenAt(tt.p, tt.t); got != tt.want {
				t.Errorf("OpenAt(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}
