package graph

import (
	"github.com/frontdesk/frontdesk/graph/model"
	"github.com/frontdesk/frontdesk/internal/calendar"
	practicesvc "github.com/frontdesk/frontdesk/internal/practice"
)

// practiceSettings reads the API's settings input.
func practiceSettings(in model.PracticeSettingsInput) (practicesvc.Settings, error) {
	s := practicesvc.Settings{
		Name: in.Name, TimeZone: in.TimeZone, FrontDeskNumber: in.FrontDeskNumber,
		LeadTimeMinutes: in.LeadTimeMinutes, HorizonDays: in.HorizonDays, SlotStepMinutes: in.SlotStepMinutes,
		DefaultAppointmentTypeID: in.DefaultAppointmentTypeID,
	}
	if in.Hours != nil {
		list := make([]calendar.Opening, len(in.Hours))
		for i, h := range in.Hours {
			list[i] = calendar.Opening{Day: string(h.Day), Open: h.Open, Close: h.Close}
		}
		hours, err := calendar.ParseOpenings(list)
		if err != nil {
			return s, err
		}
		s.Hours = &hours
	}
	if in.Closures != nil {
		c := in.Closures
		s.Closures = &c
	}
	return s, nil
}
