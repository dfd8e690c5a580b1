package ids

import (
	"strings"
	"testing"
)

func TestNew(t *testing.T) {
	a, b := New("appt"), New("appt")
	if a == b {
		t.Fatal("two ids are equal")
	}
	if !strings.HasPrefix(a, "appt_") || len(a) != len("appt_")+26 {
		t.Fatalf("id %q has the wrong shape", a)
	}
	if Prefix(a) != "appt" || Prefix("nounderscore") != "" {
		t.Fatal("Prefix")
	}
}

func TestNewIsTimeOrdered(t *testing.T) {
	prev := New("x")
	for range 1000 {
		next := New("x")
		if next <= prev {
			t.Fatalf("%q not after %q", next, prev)
		}
		prev = next
	}
}
