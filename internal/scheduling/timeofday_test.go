package scheduling

import (
	"testing"

	"github.com/frontdesk/frontdesk/internal/apperr"
)

func TestParseTimeOfDay(t *testing.T) {
	tests := []struct {
		in   string
		want TimeOfDay
		bad  bool
	}{
		{"", AnyTime, false},
		{"any", AnyTime, false},
		{"ANY", AnyTime, false}, // the API's enum
		{"morning", Morning, false},
		{"MORNING", Morning, false},
		{" Afternoon ", Afternoon, false},
		{"evening", Evening, false},
		{"night", "", true},
		{"after lunch", "", true},
	}
	for _, tt := range tests {
		got, err := ParseTimeOfDay(tt.in, "time_of_day")
		if got != tt.want || (err != nil) != tt.bad {
			t.Errorf("ParseTimeOfDay(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && (apperr.CodeOf(err) != apperr.Invalid || apperr.MessageOf(err) != "time_of_day must be morning, afternoon, evening or any") {
			t.Errorf("ParseTimeOfDay(%q): %v", tt.in, err)
		}
	}
	// The engine takes only what the parser returns.
	for _, td := range []TimeOfDay{"", AnyTime, Morning, Afternoon, Evening} {
		if err := (Query{TimeOfDay: td}).validate(); err != nil {
			t.Errorf("validate(%q): %v", td, err)
		}
	}
	for _, td := range []TimeOfDay{"MORNING", "night"} {
		if err := (Query{TimeOfDay: td}).validate(); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("validate(%q): %v", td, err)
		}
	}
}
