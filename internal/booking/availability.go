package booking

import (
	"context"
	"errors"
	"time"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/scheduling"
)

// AvailabilityQuery asks when a visit can happen.
type AvailabilityQuery struct {
	// AppointmentType is an id, a PMS id or a name; empty means the
	// practice's default.
	AppointmentType string
	// From and To are practice-local dates, inclusive; zero From is today,
	// zero To is From plus two weeks.
	From, To  pms.Date
	TimeOfDay scheduling.TimeOfDay
	// Provider is an id, a PMS id or a name; empty means anyone allowed.
	Provider   string
	MaxResults int // 0 means 20
}

// Availability answers an AvailabilityQuery.
type Availability struct {
	Slots []Slot
	// NextAvailable is the first open slot after To, when Slots is empty.
	NextAvailable *Slot
	Location      *time.Location
}

// DefaultSearchDays is how far a query with no end date looks.
const DefaultSearchDays = 14

// Availability finds open slots.
func (s *Service) Availability(ctx context.Context, q AvailabilityQuery) (*Availability, error) {
	v, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	t, err := v.appointmentType(q.AppointmentType)
	if err != nil {
		return nil, err
	}
	prov, err := v.provider(q.Provider)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().In(v.loc)
	if q.From.IsZero() {
		q.From = pms.DateOf(now)
	}
	if q.To.IsZero() {
		q.To = pms.DateOf(q.From.In(v.loc).AddDate(0, 0, DefaultSearchDays-1))
	}
	if q.MaxResults <= 0 {
		q.MaxResults = 20
	}
	if len(v.hours()) == 0 {
		return nil, apperr.New(apperr.Unavailable, "the practice's opening hours are not known yet: sync the PMS or set them with updatePractice")
	}
	sq := scheduling.Query{
		Type:       scheduling.AppointmentType{Duration: duration(t), ProviderIDs: v.allowed(t)},
		From:       q.From,
		To:         q.To,
		TimeOfDay:  q.TimeOfDay,
		MaxResults: q.MaxResults,
	}
	if prov != nil {
		sq.ProviderID = prov.ID
	}
	// Busy times of the range first; only when it has nothing open, up to
	// the horizon, so that NextAvailable counts every appointment.
	from := q.From.In(v.loc)
	in, err := s.input(ctx, v, from, q.To.In(v.loc).AddDate(0, 0, 1), "")
	if err != nil {
		return nil, err
	}
	res, err := scheduling.Find(in, sq)
	if err == nil && len(res.Slots) == 0 {
		horizon := now.Add(time.Duration(v.practice.HorizonDays) * 24 * time.Hour)
		if in, err = s.input(ctx, v, from, horizon, ""); err != nil {
			return nil, err
		}
		res, err = scheduling.Find(in, sq)
	}
	var un *scheduling.Unavailable
	if errors.As(err, &un) {
		return nil, apperr.Wrap(apperr.Invalid, err, "%s does not do %s visits", ProviderName(prov), t.Name)
	}
	if err != nil {
		return nil, err
	}
	out := &Availability{Location: v.loc}
	for _, sl := range res.Slots {
		out.Slots = append(out.Slots, s.slot(v, sl, t))
	}
	if res.NextAvailable != nil {
		n := s.slot(v, *res.NextAvailable, t)
		out.NextAvailable = &n
	}
	return out, nil
}
