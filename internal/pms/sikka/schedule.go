package sikka

import (
	"context"
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
)

var weekdayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// Schedule reads opening hours from GET /practice_schedule: the practice's
// (resource_id = practice id) or a provider's. The day fields
// (<day>_start_1..3, <day>_end_1..3, <day>_holiday) come only with get_all.
//
// Each item is a week starting at its date. The item for the requested week
// is the latest one starting on or before it; an item without a date is a
// template for every week. Holidays are reported only when the item is for
// the requested week itself. No item at all is ErrNotFound, so that the
// caller falls back to the practice's own settings instead of reading the
// PMS as closed all week.
func (p *Practice) Schedule(ctx context.Context, q pms.ScheduleQuery) (pms.Schedule, error) {
	resource := q.ProviderID
	if resource == "" {
		resource = p.st.practiceID
	}
	v := p.query("resource_id", resource, "fields", "get_all")
	items, err := collect(list[map[string]str](ctx, p.c.pageSize, p.get("/practice_schedule"), "/practice_schedule", v))
	if err != nil {
		return pms.Schedule{}, err
	}
	week := q.WeekOf
	if week.IsZero() {
		week = calendar.DateOf(p.c.clock.Now().In(p.loc))
	}
	var best map[string]str
	var bestDate calendar.Date
	for _, it := range items {
		if r := string(it["resource_id"]); r != "" && r != resource {
			continue
		}
		d, err := pms.ParseDate(string(it["date"]))
		if err != nil {
			if best == nil {
				best = it
			}
			continue
		}
		if d.In(time.UTC).After(week.In(time.UTC)) {
			continue
		}
		if best == nil || bestDate.IsZero() || d.In(time.UTC).After(bestDate.In(time.UTC)) {
			best, bestDate = it, d
		}
	}
	if best == nil {
		return pms.Schedule{}, fmt.Errorf("sikka: no schedule for resource %s: %w", resource, pms.ErrNotFound)
	}
	return scheduleOf(best, bestDate, week)
}

// scheduleOf maps one practice_schedule item. start is the item's week start
// (zero for a template); week is the requested week's first day.
func scheduleOf(it map[string]str, start, week calendar.Date) (pms.Schedule, error) {
	s := pms.Schedule{Hours: calendar.WeeklyHours{}}
	for wd, name := range weekdayNames {
		for i := 1; i <= 3; i++ {
			from, to := string(it[fmt.Sprintf("%s_start_%d", name, i)]), string(it[fmt.Sprintf("%s_end_%d", name, i)])
			if from == "" && to == "" {
				continue
			}
			a, err := calendar.ParseClock(from)
			if err != nil {
				return pms.Schedule{}, fmt.Errorf("sikka: schedule %s: %w", name, err)
			}
			b, err := calendar.ParseClock(to)
			if err != nil {
				return pms.Schedule{}, fmt.Errorf("sikka: schedule %s: %w", name, err)
			}
			if b <= a {
				continue // "00:00"-"00:00" and the like: no hours in this slot
			}
			s.Hours[time.Weekday(wd)] = append(s.Hours[time.Weekday(wd)], calendar.TimeRange{Start: a, End: b})
		}
		if start.IsZero() {
			continue
		}
		h := string(it[name+"_holiday"])
		if h == "" {
			continue
		}
		// The holiday field's format is undocumented: a date names the day,
		// a boolean marks this weekday of the item's week.
		day, err := pms.ParseDate(h)
		if err != nil {
			if !str(h).truthy() {
				continue
			}
			t := start.In(time.UTC)
			day = calendar.DateOf(t.AddDate(0, 0, (wd-int(t.Weekday())+7)%7))
		}
		first := week.In(time.UTC)
		if t := day.In(time.UTC); !t.Before(first) && t.Before(first.AddDate(0, 0, 7)) {
			s.Closed = append(s.Closed, day)
		}
	}
	return s, nil
}
