package booking

import (
	"reflect"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

func TestIntersect(t *testing.T) {
	a := calendar.WeeklyHours{time.Monday: {{Start: 480, End: 720}, {Start: 780, End: 1020}}, time.Tuesday: {{Start: 480, End: 1020}}}
	b := calendar.WeeklyHours{time.Monday: {{Start: 600, End: 840}}, time.Wednesday: {{Start: 480, End: 1020}}}
	want := calendar.WeeklyHours{time.Monday: {{Start: 600, End: 720}, {Start: 780, End: 840}}}
	if got := intersect(a, b); !reflect.DeepEqual(got, want) {
		t.Fatalf("intersect = %v, want %v", got, want)
	}
}
