package graph

import (
	"context"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/frontdesk/frontdesk/graph/model"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/pms"
	practicesvc "github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/scheduling"
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

const localLayout = "2006-01-02T15:04"

var weekdays = []struct {
	gql string
	day time.Weekday
}{
	{"SUNDAY", time.Sunday}, {"MONDAY", time.Monday}, {"TUESDAY", time.Tuesday}, {"WEDNESDAY", time.Wednesday},
	{"THURSDAY", time.Thursday}, {"FRIDAY", time.Friday}, {"SATURDAY", time.Saturday},
}

func clock(minutes int) string {
	return time.Date(0, 1, 1, minutes/60, minutes%60, 0, 0, time.UTC).Format("15:04")
}

func parseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		if s == "24:00" {
			return 24 * 60, true
		}
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

func parseDate(s *string) (pms.Date, error) {
	if s == nil || *s == "" {
		return pms.Date{}, nil
	}
	return pms.ParseDate(*s)
}

var timeOfDay = map[string]scheduling.TimeOfDay{
	"ANY": scheduling.AnyTime, "MORNING": scheduling.Morning, "AFTERNOON": scheduling.Afternoon, "EVENING": scheduling.Evening,
}

// practiceSettings reads the API's settings input.
func practiceSettings(in model.PracticeSettingsInput) (practicesvc.Settings, error) {
	s := practicesvc.Settings{
		Name: in.Name, TimeZone: in.TimeZone, FrontDeskNumber: in.FrontDeskNumber,
		LeadTimeMinutes: in.LeadTimeMinutes, HorizonDays: in.HorizonDays, SlotStepMinutes: in.SlotStepMinutes,
		DefaultAppointmentTypeID: in.DefaultAppointmentTypeID,
	}
	if in.Hours != nil {
		hours := pms.WeeklyHours{}
		for _, h := range in.Hours {
			open, ok1 := parseClock(h.Open)
			closing, ok2 := parseClock(h.Close)
			if !ok1 || !ok2 {
				return s, apperr.New(apperr.Invalid, "opening hours must be HH:MM, like 08:00")
			}
			for _, wd := range weekdays {
				if wd.gql == string(h.Day) {
					hours[wd.day] = append(hours[wd.day], pms.TimeRange{Start: open, End: closing})
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
