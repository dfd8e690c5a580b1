package practice_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/practice"
)

func TestHours(t *testing.T) {
	own := pms.WeeklyHours{time.Monday: {{Start: 9 * 60, End: 17 * 60}}}
	fromPMS := pms.WeeklyHours{time.Tuesday: {{Start: 8 * 60, End: 12 * 60}}}
	tests := []struct {
		name string
		p    ent.Practice
		want pms.WeeklyHours
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
