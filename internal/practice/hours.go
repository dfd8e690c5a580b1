package practice

import (
	"slices"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/calendar"
)

// Hours are the practice's opening hours: its own when set in frontdesk,
// else what the PMS reports. Availability, the agent's prompt and the API
// all read them here, so a caller is never told hours the slots disagree with.
func Hours(p *ent.Practice) calendar.WeeklyHours {
	if len(p.Hours) > 0 {
		return p.Hours
	}
	return p.PmsHours
}

// ClosedDates are the days the practice is closed, whether set in frontdesk
// or in the PMS: sorted, each once.
func ClosedDates(p *ent.Practice) []string {
	out := slices.Concat(p.Closures, p.PmsClosures)
	slices.Sort(out)
	return slices.Compact(out)
}

// OpenAt reports whether the practice is open at instant t, in its own time
// zone: t's local date is not a closed date and its local time falls in one
// of that weekday's opening ranges. A practice with no known hours is never
// open.
func OpenAt(p *ent.Practice, t time.Time) bool {
	loc, err := location(p.ID, p.TimeZone)
	if err != nil {
		return false
	}
	local := t.In(loc)
	if slices.Contains(ClosedDates(p), local.Format(time.DateOnly)) {
		return false
	}
	minute := local.Hour()*60 + local.Minute()
	for _, r := range Hours(p)[local.Weekday()] {
		if minute >= r.Start && minute < r.End {
			return true
		}
	}
	return false
}
