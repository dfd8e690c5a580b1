package graph

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/frontdesk/frontdesk/graph/model"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
	practicesvc "github.com/frontdesk/frontdesk/internal/practice"
)

// zones caches practice time zones for one operation, so that a page of
// appointments asking for their local times loads its practice once.
type zones struct {
	mu   sync.Mutex
	locs map[string]*time.Location
}

type zonesKey struct{}

// withZones is an operation interceptor that gives each operation a cache.
func withZones(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, zonesKey{}, &zones{locs: map[string]*time.Location{}}))
}

// zone returns a practice's location.
func (r *Resolver) zone(ctx context.Context, practiceID string) (*time.Location, error) {
	z, _ := ctx.Value(zonesKey{}).(*zones)
	if z != nil {
		z.mu.Lock()
		defer z.mu.Unlock()
		if loc, ok := z.locs[practiceID]; ok {
			return loc, nil
		}
	}
	loc, err := practicesvc.Zone(ctx, r.DB, practiceID)
	if err != nil {
		return nil, err
	}
	if z != nil {
		z.locs[practiceID] = loc
	}
	return loc, nil
}

var weekdays = []struct {
	gql string
	day time.Weekday
}{
	{"SUNDAY", time.Sunday}, {"MONDAY", time.Monday}, {"TUESDAY", time.Tuesday}, {"WEDNESDAY", time.Wednesday},
	{"THURSDAY", time.Thursday}, {"FRIDAY", time.Friday}, {"SATURDAY", time.Saturday},
}

// practiceSettings reads the API's settings input.
func practiceSettings(in model.PracticeSettingsInput) (practicesvc.Settings, error) {
	s := practicesvc.Settings{
		Name: in.Name, TimeZone: in.TimeZone, FrontDeskNumber: in.FrontDeskNumber,
		LeadTimeMinutes: in.LeadTimeMinutes, HorizonDays: in.HorizonDays, SlotStepMinutes: in.SlotStepMinutes,
		DefaultAppointmentTypeID: in.DefaultAppointmentTypeID,
	}
	if in.Hours != nil {
		hours := calendar.WeeklyHours{}
		for _, h := range in.Hours {
			open, err1 := calendar.ParseClock(h.Open)
			closing, err2 := calendar.ParseClock(h.Close)
			if err1 != nil || err2 != nil {
				return s, apperr.New(apperr.Invalid, "opening hours must be HH:MM, like 08:00")
			}
			for _, wd := range weekdays {
				if wd.gql == string(h.Day) {
					hours[wd.day] = append(hours[wd.day], calendar.TimeRange{Start: open, End: closing})
				}
			}
		}
		s.Hours = &hours
	}
	if in.Closures != nil {
		c := in.Closures
		s.Closures = &c
	}
	return s, nil
}
