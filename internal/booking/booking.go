// Package booking answers "when can I come in?" and books, cancels and moves
// appointments — never two in one place: every change re-checks its slot
// inside the transaction that writes it, and enqueues its PMS writeback in
// that same transaction. The phone agent and the dashboard both come here.
package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/appointmenttype"
	"github.com/frontdesk/frontdesk/ent/operatory"
	"github.com/frontdesk/frontdesk/ent/provider"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/jobs"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/scheduling"
)

// Service books.
type Service struct {
	DB    *database.DB
	Clock clock.Clock
	Queue *jobs.Queue

	cache cache
}

// defaultDuration is a visit's length when neither the type nor the PMS
// says.
const defaultDuration = 30 * time.Minute

// practiceView is what one practice's scheduling questions need, loaded once
// per question.
type practiceView struct {
	practice    *ent.Practice
	loc         *time.Location
	providers   []*ent.Provider
	byProvider  map[string]*ent.Provider
	operatories []*ent.Operatory
	types       []*ent.AppointmentType
}

func (s *Service) view(ctx context.Context) (*practiceView, error) {
	p, loc, err := practice.Acting(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	c := s.DB.Client(ctx)
	v := &practiceView{practice: p, loc: loc, byProvider: map[string]*ent.Provider{}}
	if v.providers, err = c.Provider.Query().Where(provider.Active(true)).
		Order(provider.ByLastName(), provider.ByFirstName(), provider.ByID()).All(ctx); err != nil {
		return nil, err
	}
	for _, p := range v.providers {
		v.byProvider[p.ID] = p
	}
	if v.operatories, err = c.Operatory.Query().Where(operatory.Hidden(false)).
		Order(operatory.ByName(), operatory.ByID()).All(ctx); err != nil {
		return nil, err
	}
	if v.types, err = c.AppointmentType.Query().Order(appointmenttype.ByName(), appointmenttype.ByID()).All(ctx); err != nil {
		return nil, err
	}
	return v, nil
}

func (v *practiceView) closures() []calendar.Date {
	var out []calendar.Date
	for _, s := range practice.ClosedDates(v.practice) {
		if d, err := pms.ParseDate(s); err == nil {
			out = append(out, d)
		}
	}
	return out
}

func (v *practiceView) rules() scheduling.Rules {
	p := v.practice
	return scheduling.Rules{
		LeadTime: time.Duration(p.LeadTimeMinutes) * time.Minute,
		Horizon:  time.Duration(p.HorizonDays) * 24 * time.Hour,
		Step:     time.Duration(p.SlotStepMinutes) * time.Minute,
	}
}

// duration is how long a visit of type t lasts.
func duration(t *ent.AppointmentType) time.Duration {
	if t != nil && t.DurationMinutes > 0 {
		return time.Duration(t.DurationMinutes) * time.Minute
	}
	return defaultDuration
}

// appointmentType resolves the type a question or booking is for: by id,
// by name (a caller says "a cleaning"), else the practice's default, else the
// only bookable type.
func (v *practiceView) appointmentType(ref string) (*ent.AppointmentType, error) {
	ref = strings.TrimSpace(ref)
	bookable := func(t *ent.AppointmentType) bool { return t.BookableByPhone }
	if ref == "" {
		ref = v.practice.DefaultAppointmentTypeID
	}
	if ref == "" {
		var only []*ent.AppointmentType
		for _, t := range v.types {
			if bookable(t) {
				only = append(only, t)
			}
		}
		if len(only) == 1 {
			return only[0], nil
		}
		return nil, apperr.New(apperr.Invalid, "say which kind of visit: %s", v.typeNames())
	}
	for _, t := range v.types {
		if t.ID == ref || (t.PmsID != nil && *t.PmsID == ref) {
			return t, nil
		}
	}
	for _, t := range v.types {
		if strings.EqualFold(t.Name, ref) {
			return t, nil
		}
	}
	// "cleaning" for "Adult Cleaning": a unique partial match will do.
	var partial []*ent.AppointmentType
	for _, t := range v.types {
		if strings.Contains(strings.ToLower(t.Name), strings.ToLower(ref)) {
			partial = append(partial, t)
		}
	}
	if len(partial) == 1 {
		return partial[0], nil
	}
	return nil, apperr.New(apperr.Invalid, "no appointment type %q: the types are %s", ref, v.typeNames())
}

func (v *practiceView) typeNames() string {
	var names []string
	for _, t := range v.types {
		if t.BookableByPhone {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return "none can be booked yet (sync the PMS)"
	}
	return strings.Join(names, ", ")
}

// provider resolves a provider by id, PMS id or name ("Dr. Lee", "Lee").
func (v *practiceView) provider(ref string) (*ent.Provider, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, nil
	}
	if p, ok := v.byProvider[ref]; ok {
		return p, nil
	}
	name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(ref, "Dr."), "Dr ")))
	var found []*ent.Provider
	for _, p := range v.providers {
		full := strings.ToLower(p.FirstName + " " + p.LastName)
		if (p.PmsID != nil && *p.PmsID == ref) || strings.EqualFold(p.LastName, name) || full == name || strings.EqualFold(p.FirstName, name) {
			found = append(found, p)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	var names []string
	for _, p := range v.providers {
		names = append(names, ProviderName(p))
	}
	return nil, apperr.New(apperr.Invalid, "no single provider matches %q: the providers are %s", ref, strings.Join(names, ", "))
}

// allowed lists the providers who may do t, in the view's order.
func (v *practiceView) allowed(t *ent.AppointmentType) []string {
	var ids []string
	for _, p := range v.providers {
		if len(t.ProviderIds) == 0 || slices.Contains(t.ProviderIds, p.ID) {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

// input builds the engine's view of the practice between from and to
// (instants), with every scheduled appointment that could touch a slot in
// between; except, when set, is left out (the appointment being moved).
func (s *Service) input(ctx context.Context, v *practiceView, from, to time.Time, except string) (scheduling.Input, error) {
	in := scheduling.Input{
		Location: v.loc,
		Now:      s.Clock.Now(),
		Hours:    practice.Hours(v.practice),
		Closures: v.closures(),
		Rules:    v.rules(),
	}
	for _, o := range v.operatories {
		in.Operatories = append(in.Operatories, o.ID)
	}
	for _, p := range v.providers {
		sp := scheduling.Provider{ID: p.ID}
		if len(p.Hours) > 0 {
			// A provider works when they do and the practice is open.
			sp.Hours = intersect(p.Hours, in.Hours)
		}
		// Where the PMS links operatories to providers, a provider works in
		// theirs only.
		for _, o := range v.operatories {
			if p.PmsID != nil && slices.Contains(o.ProviderPmsIds, *p.PmsID) {
				sp.OperatoryIDs = append(sp.OperatoryIDs, o.ID)
			}
		}
		in.Providers = append(in.Providers, sp)
	}
	q := s.DB.Client(ctx).Appointment.Query().
		Where(appointment.StatusEQ(appointment.StatusSCHEDULED),
			appointment.StartAtLT(to.Add(24*time.Hour)), appointment.EndAtGT(from.Add(-24*time.Hour)))
	if except != "" {
		q.Where(appointment.IDNEQ(except))
	}
	var rows []struct {
		ProviderID  *string   `json:"provider_id"`
		OperatoryID *string   `json:"operatory_id"`
		StartAt     time.Time `json:"start_at"`
		EndAt       time.Time `json:"end_at"`
	}
	if err := q.Select(appointment.FieldProviderID, appointment.FieldOperatoryID, appointment.FieldStartAt, appointment.FieldEndAt).
		Scan(ctx, &rows); err != nil {
		return in, fmt.Errorf("booking: busy times: %w", err)
	}
	in.Busy = make([]scheduling.Busy, 0, len(rows))
	for _, r := range rows {
		b := scheduling.Busy{Start: r.StartAt, End: r.EndAt}
		if r.ProviderID != nil {
			b.ProviderID = *r.ProviderID
		}
		if r.OperatoryID != nil {
			b.OperatoryID = *r.OperatoryID
		}
		in.Busy = append(in.Busy, b)
	}
	return in, nil
}

// UpdateAppointmentType changes the practice's own settings of a type:
// whether callers may book it, and who does it (empty: everyone).
func (s *Service) UpdateAppointmentType(ctx context.Context, id string, bookable *bool, providerIDs []string) (*ent.AppointmentType, error) {
	c := s.DB.Client(ctx)
	t, err := c.AppointmentType.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no such appointment type")
	}
	if err != nil {
		return nil, err
	}
	u := c.AppointmentType.UpdateOne(t).SetNillableBookableByPhone(bookable)
	if providerIDs != nil {
		n, err := c.Provider.Query().Where(provider.IDIn(providerIDs...)).Count(ctx)
		if err != nil {
			return nil, err
		}
		if n != len(slices.Compact(slices.Sorted(slices.Values(providerIDs)))) {
			return nil, apperr.New(apperr.Invalid, "providerIDs names a provider this practice does not have")
		}
		u.SetProviderIds(providerIDs)
	}
	return u.Save(ctx)
}

// intersect returns the times inside both a and b, day by day.
func intersect(a, b calendar.WeeklyHours) calendar.WeeklyHours {
	out := calendar.WeeklyHours{}
	for day, ra := range a {
		for _, x := range ra {
			for _, y := range b[day] {
				if s, e := max(x.Start, y.Start), min(x.End, y.End); s < e {
					out[day] = append(out[day], calendar.TimeRange{Start: s, End: e})
				}
			}
		}
	}
	return out
}
