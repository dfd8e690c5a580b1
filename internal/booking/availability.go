package booking

import (
	"context"
	"errors"
	"time"

	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/scheduling"
)

// AvailabilityQuery asks when a visit can happen.
type AvailabilityQuery struct {
	// AppointmentType is an id, a PMS id or a name; empty means the
	// practice's default.
	AppointmentType string
	// From and To are practice-local dates, inclusive; zero From is today,
	// zero To is From plus two weeks.
	From, To  calendar.Date
	TimeOfDay scheduling.TimeOfDay
	// Provider is an id, a PMS id or a name; empty means anyone allowed.
	Provider   string
	MaxResults int // 0 means DefaultMaxResults
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

// The bounds of one availability question, for the dashboard and the phone
// alike: the work and the answer grow with both, and one request may ask
// many questions at once.
const (
	DefaultMaxResults = 20
	MaxResultsLimit   = 100
	MaxSearchDays     = 92
)

// Slots the phone agent asks for: each is read to a caller, so fewer than
// the dashboard shows. Booking owns every availability cap; the
// receptionist uses these rather than its own.
const (
	SpokenResults    = 5  // when the agent names no max_results, or too many
	MaxSpokenResults = 10 // the most max_results the agent may ask for
)

// Availability finds open slots.
func (s *Service) Availability(ctx context.Context, q AvailabilityQuery) (*Availability, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	key := resultKey{query: q, minute: now.Unix() / 60}
	if a := s.remembered(snap, key); a != nil {
		return a, nil
	}
	a, err := s.find(snap, q, now)
	if err != nil {
		return nil, err
	}
	s.remember(snap, key, a)
	return a, nil
}

// checkBounds fills in the default result count and refuses a question
// beyond the bounds, before any work is done for it.
func checkBounds(q *AvailabilityQuery, loc *time.Location) error {
	switch {
	case q.MaxResults == 0:
		q.MaxResults = DefaultMaxResults
	case q.MaxResults < 0 || q.MaxResults > MaxResultsLimit:
		return apperr.New(apperr.Invalid, "maxResults must be between 1 and %d", MaxResultsLimit)
	}
	if q.To.In(loc).After(q.From.In(loc).AddDate(0, 0, MaxSearchDays-1)) {
		return apperr.New(apperr.Invalid, "from and to may span at most %d days: ask for the next range after this one", MaxSearchDays)
	}
	return nil
}

func (s *Service) find(snap *snapshot, q AvailabilityQuery, now time.Time) (*Availability, error) {
	v := snap.view
	t, err := v.appointmentType(q.AppointmentType)
	if err != nil {
		return nil, err
	}
	prov, err := v.provider(q.Provider)
	if err != nil {
		return nil, err
	}
	local := now.In(v.loc)
	if q.From.IsZero() {
		q.From = calendar.DateOf(local)
	}
	if q.To.IsZero() {
		q.To = calendar.DateOf(q.From.In(v.loc).AddDate(0, 0, DefaultSearchDays-1))
	}
	if err := checkBounds(&q, v.loc); err != nil {
		return nil, err
	}
	if len(practice.Hours(v.practice)) == 0 {
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
	in := snap.input
	in.Now = now
	res, err := scheduling.Find(in, sq)
	var un *scheduling.Unavailable
	if errors.As(err, &un) {
		return nil, apperr.Wrap(apperr.Invalid, err, "%s does not do %s visits", ProviderName(prov), t.Name)
	}
	if err != nil {
		return nil, err
	}
	out := &Availability{Location: v.loc}
	for _, sl := range res.Slots {
		out.Slots = append(out.Slots, s.slot(v, sl, t, now))
	}
	if res.NextAvailable != nil {
		n := s.slot(v, *res.NextAvailable, t, now)
		out.NextAvailable = &n
	}
	return out, nil
}
