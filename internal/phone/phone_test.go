package phone

import (
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/internal/apperr"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"(555) 010-0123", "+15550100123", true},
		{"555.010.0123", "+15550100123", true},
		{"1-555-010-0123", "+15550100123", true},
		{"+1 555 010 0123", "+15550100123", true},
		{"555-010-0123 x12", "+15550100123", true},
		{"+44 20 7946 0958", "+442079460958", true},
		{"  5550100123 ", "+15550100123", true},
		{"", "", false},
		{"010-0123", "", false},
		{"call me", "", false},
		{"+0123456789", "", false},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestMask(t *testing.T) {
	if got := Mask("+15550100123"); got != "+155******23" {
		t.Errorf("Mask = %q", got)
	}
	if got := Mask("123"); got != "***" {
		t.Errorf("Mask short = %q", got)
	}
}

func TestParseAndOrEmpty(t *testing.T) {
	tests := []struct {
		in, want string
		invalid  bool
	}{
		{"", "", false},
		{"   ", "", false},
		{"(555) 010-0123", "+15550100123", false},
		{"+44 20 7946 0958", "+442079460958", false},
		{"call me", "", true},
		{"010-0123", "", true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, "callback_number")
		if got != tt.want || (err != nil) != tt.invalid {
			t.Errorf("Parse(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && (apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), "callback_number") || strings.Contains(apperr.MessageOf(err), tt.in)) {
			t.Errorf("Parse(%q) error %q: want INVALID naming the field, not the number", tt.in, apperr.MessageOf(err))
		}
		// A reported number is never refused: what does not parse is dropped.
		if got := OrEmpty(tt.in); got != tt.want {
			t.Errorf("OrEmpty(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
