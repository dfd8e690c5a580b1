package practice

import (
	"slices"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// Hours are the practice's opening hours: its own when set in frontdesk,
// else what the PMS reports. Availability, the agent's prompt and the API
// all read them here, so a caller is never told hours the slots disagree with.
func Hours(p *ent.Practice) pms.WeeklyHours {
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
