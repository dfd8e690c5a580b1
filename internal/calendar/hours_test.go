package calendar_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
)

func TestOpenings(t *testing.T) {
	tests := []struct {
		name string
		in   []calendar.Opening
		want calendar.WeeklyHours
		// back is how Openings writes want (nil: as in).
		back []calendar.Opening
		bad  string
	}{
		{name: "none", in: []calendar.Opening{}, want: calendar.WeeklyHours{}},
		{name: "split day, Sunday first",
			in: []calendar.Opening{{"MONDAY", "08:00", "12:00"}, {"MONDAY", "13:00", "17:30"}, {"SUNDAY", "9:00", "11:00"}},
			want: calendar.WeeklyHours{
				time.Monday: {{Start: 480, End: 720}, {Start: 780, End: 1050}},
				time.Sunday: {{Start: 540, End: 660}},
			},
			back: []calendar.Opening{{"SUNDAY", "09:00", "11:00"}, {"MONDAY", "08:00", "12:00"}, {"MONDAY", "13:00", "17:30"}}},
		{name: "to the end of the day", in: []calendar.Opening{{"SATURDAY", "20:00", "24:00"}},
			want: calendar.WeeklyHours{time.Saturday: {{Start: 1200, End: 1440}}}},
		{name: "bad clock", in: []calendar.Opening{{"MONDAY", "8 o'clock", "12:00"}}, bad: "opening hours must be HH:MM, like 08:00"},
		{name: "no weekday", in: []calendar.Opening{{"Funday", "08:00", "12:00"}}, bad: "opening hours need a weekday, like MONDAY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := calendar.ParseOpenings(tt.in)
			if tt.bad != "" {
				if apperr.CodeOf(err) != apperr.Invalid || apperr.MessageOf(err) != tt.bad {
					t.Fatalf("ParseOpenings = %v, %v; want INVALID %q", got, err, tt.bad)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseOpenings = %v, %v; want %v", got, err, tt.want)
			}
			back := tt.back
			if back == nil {
				back = tt.in
			}
			if out := got.Openings(); !reflect.DeepEqual(out, back) {
				t.Fatalf("Openings = %v, want %v", out, back)
			}
		})
	}
}
