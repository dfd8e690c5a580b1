package booking

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/appointment"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/jobargs"
	"github.com/frontdesk/frontdesk/internal/patients"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/scheduling"
	"github.com/frontdesk/frontdesk/internal/spoken"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// NewPatient is a caller who is not in the PMS yet.
type NewPatient struct {
	FirstName, LastName string
	BirthDate           string // YYYY-MM-DD
	Phone               string // any format
}

// BookRequest asks for one appointment.
type BookRequest struct {
	// SlotID is a slot from Availability; or Start, a practice-local time
	// ("2026-12-01T09:00"), with AppointmentType and, optionally, Provider.
	SlotID          string
	Start           string
	AppointmentType string
	Provider        string
	// PatientID is a known patient; or NewPatient.
	PatientID  string
	NewPatient *NewPatient
	Notes      string
	Source     appointment.Source
}

// SlotTakenError says a slot cannot be booked, and offers the nearest open
// ones instead.
type SlotTakenError struct {
	Reason       scheduling.Reason
	Alternatives []Slot
	err          *apperr.Error
}

func (e *SlotTakenError) Error() string { return e.err.Error() }

// Unwrap makes the error carry its code (CONFLICT when someone took the
// slot, INVALID when it was never open).
func (e *SlotTakenError) Unwrap() error { return e.err }

func (s *Service) slotTaken(ctx context.Context, v *practiceView, ref slotRef, reason scheduling.Reason) error {
	alts := s.alternatives(ctx, v, ref)
	var spokenAlts []string
	for _, a := range alts {
		spokenAlts = append(spokenAlts, a.Spoken)
	}
	offer := "Nothing else is open in the next few days."
	if len(spokenAlts) > 0 {
		offer = "Open times nearby: " + strings.Join(spokenAlts, "; ") + "."
	}
	var e *apperr.Error
	switch reason {
	case scheduling.ProviderBusy, scheduling.OperatoryBusy:
		e = apperr.New(apperr.Conflict, "That time was just taken. %s", offer)
	case scheduling.TooSoon:
		e = apperr.New(apperr.Invalid, "That time is too soon to book. %s", offer)
	case scheduling.BeyondHorizon:
		e = apperr.New(apperr.Invalid, "That time is too far ahead to book. %s", offer)
	case scheduling.Closed, scheduling.OutsideHours:
		e = apperr.New(apperr.Invalid, "The practice is not open then. %s", offer)
	case scheduling.ProviderNotAllowed:
		e = apperr.New(apperr.Invalid, "%s does not do %s visits. %s", ProviderName(ref.provider), ref.typ.Name, offer)
	default:
		e = apperr.New(apperr.Invalid, "That time cannot be booked. %s", offer)
	}
	return &SlotTakenError{Reason: reason, Alternatives: alts, err: e}
}

// alternatives are up to three open slots nearest the one asked for.
func (s *Service) alternatives(ctx context.Context, v *practiceView, ref slotRef) []Slot {
	day := calendar.DateOf(ref.start.In(v.loc))
	q := AvailabilityQuery{AppointmentType: ref.typ.ID, From: day, To: calendar.DateOf(ref.start.In(v.loc).AddDate(0, 0, 2)), MaxResults: 60}
	if today := calendar.DateOf(s.Clock.Now().In(v.loc)); day.In(v.loc).Before(today.In(v.loc)) {
		q.From = today
		q.To = calendar.DateOf(today.In(v.loc).AddDate(0, 0, 2))
	}
	a, err := s.Availability(ctx, q)
	if err != nil || a == nil {
		return nil
	}
	slots := a.Slots
	if len(slots) == 0 && a.NextAvailable != nil {
		return []Slot{*a.NextAvailable}
	}
	slices.SortStableFunc(slots, func(x, y Slot) int {
		return int(absDur(x.Start.Sub(ref.start)) - absDur(y.Start.Sub(ref.start)))
	})
	slots = slots[:min(3, len(slots))]
	slices.SortFunc(slots, func(x, y Slot) int { return x.Start.Compare(y.Start) })
	return slots
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// resolve turns a request's slot id or start into where, with whom and for
// what.
func (v *practiceView) resolve(slotID, start, typeRef, providerRef string) (slotRef, error) {
	var ref slotRef
	var err error
	switch {
	case strings.TrimSpace(slotID) != "":
		if ref, err = v.parseSlotID(slotID); err != nil {
			return ref, err
		}
	case strings.TrimSpace(start) != "":
		if ref.start, err = v.parseLocal(start); err != nil {
			return ref, err
		}
	default:
		return ref, apperr.New(apperr.Invalid, "say when: a slot_id from check-availability, or a start time")
	}
	if ref.typ == nil {
		if ref.typ, err = v.appointmentType(typeRef); err != nil {
			return ref, err
		}
	}
	if ref.provider == nil && providerRef != "" {
		if ref.provider, err = v.provider(providerRef); err != nil {
			return ref, err
		}
	}
	return ref, nil
}

// check finds a provider and operatory for ref: its provider when it names
// one, else the first allowed provider who is free. ok false carries the
// reason the slot cannot be had.
func (s *Service) check(v *practiceView, in scheduling.Input, ref slotRef) (scheduling.Slot, scheduling.Reason, error) {
	typ := scheduling.AppointmentType{Duration: duration(ref.typ), ProviderIDs: v.allowed(ref.typ)}
	candidates := typ.ProviderIDs
	if ref.provider != nil {
		candidates = []string{ref.provider.ID}
	}
	var first scheduling.Reason
	for _, p := range candidates {
		sl, err := scheduling.Check(in, typ, scheduling.Candidate{Start: ref.start, ProviderID: p})
		var un *scheduling.Unavailable
		switch {
		case err == nil:
			return sl, "", nil
		case errors.As(err, &un):
			if first == "" {
				first = un.Reason
			}
		default:
			return sl, "", err
		}
	}
	if first == "" {
		first = scheduling.ProviderNotAllowed
	}
	return scheduling.Slot{}, first, nil
}

// Booked is an appointment as Book, Reschedule or Cancel left it, with what
// reading it back to a caller needs, so that no caller loads the practice
// again to say it.
type Booked struct {
	*ent.Appointment
	Location     *time.Location // the practice's zone
	PracticeName string
	ProviderName string // as the practice's people say it; "" when none
	// Spoken reads the time and provider aloud: "Tuesday, December 1st at
	// 9 AM with Dr. Lee".
	Spoken string
}

func (s *Service) booked(v *practiceView, a *ent.Appointment) *Booked {
	b := &Booked{Appointment: a, Location: v.loc, PracticeName: v.practice.Name, Spoken: spoken.When(a.StartAt, v.loc, s.Clock.Now())}
	if a.ProviderID != nil {
		p := v.byProvider[*a.ProviderID]
		b.ProviderName = ProviderName(p)
		if with := spoken.WithProvider(pmsProvider(p)); with != "" {
			b.Spoken += " " + with
		}
	}
	return b
}

// Book books an appointment: the slot is checked again, the appointment
// inserted (PENDING until the PMS has it) and its writeback enqueued, all in
// one transaction. A slot someone else took is a *SlotTakenError.
func (s *Service) Book(ctx context.Context, r BookRequest) (*Booked, error) {
	v, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	ref, err := v.resolve(r.SlotID, r.Start, r.AppointmentType, r.Provider)
	if err != nil {
		return nil, err
	}
	np, err := validNewPatient(r, s.Clock.Now().In(v.loc))
	if err != nil {
		return nil, err
	}
	if r.Source == "" {
		r.Source = appointment.SourceDASHBOARD
	}
	var (
		appt   *ent.Appointment
		reason scheduling.Reason
	)
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		if err := s.DB.LockPractice(ctx, v.practice.ID); err != nil {
			return err
		}
		in, err := s.input(ctx, v, ref.start, ref.start.Add(duration(ref.typ)), "")
		if err != nil {
			return err
		}
		var sl scheduling.Slot
		if sl, reason, err = s.check(v, in, ref); err != nil || reason != "" {
			return err
		}
		c := s.DB.Client(ctx)
		pat, created, err := s.patientFor(ctx, v, r.PatientID, np)
		if err != nil {
			return err
		}
		appt, err = c.Appointment.Create().
			SetPracticeID(v.practice.ID).
			SetPatientID(pat.ID).
			SetProviderID(sl.ProviderID).
			SetOperatoryID(sl.OperatoryID).
			SetAppointmentTypeID(ref.typ.ID).
			SetStartAt(sl.Start.UTC()).
			SetEndAt(sl.End.UTC()).
			SetStatus(appointment.StatusSCHEDULED).
			SetSource(r.Source).
			SetDescription(ref.typ.Name).
			SetNotes(strings.TrimSpace(r.Notes)).
			SetWritebackState(appointment.WritebackStatePENDING).
			Save(ctx)
		if err != nil {
			return err
		}
		if created || (pat.PmsID == nil && !s.patientPending(ctx, pat.ID)) {
			if err := c.Writeback.Create().SetPracticeID(v.practice.ID).SetAppointmentID(appt.ID).
				SetPatientID(pat.ID).SetKind(ewb.KindCREATE_PATIENT).Exec(ctx); err != nil {
				return err
			}
		}
		if err := c.Writeback.Create().SetPracticeID(v.practice.ID).SetAppointmentID(appt.ID).
			SetPatientID(pat.ID).SetKind(ewb.KindCREATE_APPOINTMENT).Exec(ctx); err != nil {
			return err
		}
		return s.Queue.Insert(ctx, jobargs.Writeback{PracticeID: v.practice.ID, AppointmentID: appt.ID}, nil)
	})
	if err != nil {
		return nil, err
	}
	if reason != "" {
		return nil, s.slotTaken(ctx, v, ref, reason)
	}
	return s.booked(v, appt), nil
}

func validNewPatient(r BookRequest, now time.Time) (*NewPatient, error) {
	if r.PatientID != "" {
		return nil, nil
	}
	np := r.NewPatient
	if np == nil || strings.TrimSpace(np.FirstName) == "" || strings.TrimSpace(np.LastName) == "" || strings.TrimSpace(np.BirthDate) == "" {
		return nil, apperr.New(apperr.Invalid, "who is the appointment for: a patient id, or first name, last name and date of birth")
	}
	out := &NewPatient{FirstName: strings.TrimSpace(np.FirstName), LastName: strings.TrimSpace(np.LastName)}
	d, err := calendar.ParseDate(np.BirthDate, "date of birth")
	if err != nil {
		return nil, err
	}
	if d.In(time.UTC).After(now) || d.Year < now.Year()-130 {
		return nil, apperr.New(apperr.Invalid, "that date of birth is not possible")
	}
	out.BirthDate = d.String()
	if out.Phone, err = phone.Parse(np.Phone, "phone"); err != nil {
		return nil, err
	}
	return out, nil
}

// patientFor returns the booking's patient: the one named by id, else an
// existing patient with the same identity (patients.Find), else a new one
// (made here, written to the PMS by the writeback).
func (s *Service) patientFor(ctx context.Context, v *practiceView, id string, np *NewPatient) (*ent.Patient, bool, error) {
	c := s.DB.Client(ctx)
	if id != "" {
		p, err := c.Patient.Get(ctx, id)
		if ent.IsNotFound(err) {
			return nil, false, apperr.New(apperr.NotFound, "no such patient")
		}
		if err == nil && !p.Active {
			return nil, false, apperr.New(apperr.Invalid, "this patient is no longer in the PMS, so they cannot be booked")
		}
		return p, false, err
	}
	existing, err := patients.Find(ctx, c, patients.Identity{FirstName: np.FirstName, LastName: np.LastName, BirthDate: np.BirthDate}, np.Phone)
	if err != nil {
		return nil, false, err
	}
	if len(existing) > 0 {
		return existing[0], false, nil
	}
	create := c.Patient.Create().SetPracticeID(v.practice.ID).
		SetFirstName(np.FirstName).SetLastName(np.LastName).SetBirthDate(np.BirthDate)
	if np.Phone != "" {
		create.SetPhones([]string{np.Phone}).SetPhoneIndex(patients.PhoneIndex([]string{np.Phone}))
	}
	p, err := create.Save(ctx)
	return p, err == nil, err
}

// patientPending reports whether a writeback already creates the patient.
func (s *Service) patientPending(ctx context.Context, patientID string) bool {
	n, _ := s.DB.Client(ctx).Writeback.Query().Where(
		ewb.PatientID(patientID), ewb.KindEQ(ewb.KindCREATE_PATIENT),
		ewb.StateIn(ewb.StateQUEUED, ewb.StateSUBMITTING, ewb.StateSUBMITTED),
	).Count(ctx)
	return n > 0
}

// mayBeInPMS reports whether the PMS has, or may come to have, the
// appointment: it has its id, or a create is under way.
func (s *Service) mayBeInPMS(ctx context.Context, a *ent.Appointment) (bool, error) {
	if a.PmsID != nil {
		return true, nil
	}
	return s.DB.Client(ctx).Writeback.Query().Where(
		ewb.AppointmentID(a.ID), ewb.KindEQ(ewb.KindCREATE_APPOINTMENT),
		ewb.StateIn(ewb.StateSUBMITTING, ewb.StateSUBMITTED, ewb.StateCOMPLETED),
	).Exist(ctx)
}

// Cancel cancels an appointment, here at once and in the PMS behind it.
func (s *Service) Cancel(ctx context.Context, id, reason string) (*Booked, error) {
	v, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	practiceID := v.practice.ID
	var out *ent.Appointment
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		if err := s.DB.LockPractice(ctx, practiceID); err != nil {
			return err
		}
		c := s.DB.Client(ctx)
		a, err := s.appointment(ctx, id)
		if err != nil {
			return err
		}
		if a.Status == appointment.StatusCANCELLED {
			return apperr.New(apperr.Conflict, "that appointment is already cancelled")
		}
		// A create not sent yet need not be sent at all.
		if _, err := c.Writeback.Update().Where(ewb.AppointmentID(a.ID), ewb.KindEQ(ewb.KindCREATE_APPOINTMENT), ewb.StateEQ(ewb.StateQUEUED)).
			SetState(ewb.StateSKIPPED).SetLastError("cancelled before it was sent").Save(ctx); err != nil {
			return err
		}
		inPMS, err := s.mayBeInPMS(ctx, a)
		if err != nil {
			return err
		}
		upd := c.Appointment.UpdateOne(a).SetStatus(appointment.StatusCANCELLED)
		if inPMS {
			if err := c.Writeback.Create().SetPracticeID(practiceID).SetAppointmentID(a.ID).
				SetKind(ewb.KindCANCEL_APPOINTMENT).SetReason(strings.TrimSpace(reason)).Exec(ctx); err != nil {
				return err
			}
			upd.SetWritebackState(appointment.WritebackStatePENDING).SetWritebackError("")
		}
		if out, err = upd.Save(ctx); err != nil {
			return err
		}
		return s.Queue.Insert(ctx, jobargs.Writeback{PracticeID: practiceID, AppointmentID: a.ID}, nil)
	})
	if err != nil {
		return nil, err
	}
	return s.booked(v, out), nil
}

// Reschedule moves an appointment to another slot, checked as a booking is.
func (s *Service) Reschedule(ctx context.Context, id, slotID, start string) (*Booked, error) {
	v, err := s.view(ctx)
	if err != nil {
		return nil, err
	}
	var (
		out    *ent.Appointment
		ref    slotRef
		reason scheduling.Reason
	)
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		if err := s.DB.LockPractice(ctx, v.practice.ID); err != nil {
			return err
		}
		c := s.DB.Client(ctx)
		a, err := s.appointment(ctx, id)
		if err != nil {
			return err
		}
		if a.Status != appointment.StatusSCHEDULED {
			return apperr.New(apperr.Conflict, "a cancelled appointment cannot be moved: book a new one")
		}
		typeRef, providerRef := "", ""
		if a.AppointmentTypeID != nil {
			typeRef = *a.AppointmentTypeID
		}
		if a.ProviderID != nil && slotID == "" {
			providerRef = *a.ProviderID
		}
		if ref, err = v.resolve(slotID, start, typeRef, providerRef); err != nil {
			return err
		}
		in, err := s.input(ctx, v, ref.start, ref.start.Add(duration(ref.typ)), a.ID)
		if err != nil {
			return err
		}
		var sl scheduling.Slot
		if sl, reason, err = s.check(v, in, ref); err != nil || reason != "" {
			return err
		}
		inPMS, err := s.mayBeInPMS(ctx, a)
		if err != nil {
			return err
		}
		upd := c.Appointment.UpdateOne(a).SetStartAt(sl.Start.UTC()).SetEndAt(sl.End.UTC()).
			SetProviderID(sl.ProviderID).SetOperatoryID(sl.OperatoryID).SetAppointmentTypeID(ref.typ.ID)
		if inPMS {
			if err := c.Writeback.Create().SetPracticeID(v.practice.ID).SetAppointmentID(a.ID).
				SetKind(ewb.KindRESCHEDULE_APPOINTMENT).SetStartAt(sl.Start.UTC()).Exec(ctx); err != nil {
				return err
			}
			upd.SetWritebackState(appointment.WritebackStatePENDING).SetWritebackError("")
		}
		if out, err = upd.Save(ctx); err != nil {
			return err
		}
		return s.Queue.Insert(ctx, jobargs.Writeback{PracticeID: v.practice.ID, AppointmentID: a.ID}, nil)
	})
	if err != nil {
		return nil, err
	}
	if reason != "" {
		return nil, s.slotTaken(ctx, v, ref, reason)
	}
	return s.booked(v, out), nil
}

// RetryWriteback sends an appointment's failed writebacks again.
func (s *Service) RetryWriteback(ctx context.Context, id string) (*ent.Appointment, error) {
	practiceID, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	var out *ent.Appointment
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		c := s.DB.Client(ctx)
		a, err := s.appointment(ctx, id)
		if err != nil {
			return err
		}
		if a.WritebackState != appointment.WritebackStateFAILED {
			return apperr.New(apperr.Invalid, "nothing to retry: the writeback is %s", strings.ToLower(string(a.WritebackState)))
		}
		if _, err := c.Writeback.Update().Where(ewb.AppointmentID(a.ID), ewb.StateEQ(ewb.StateFAILED)).
			SetState(ewb.StateQUEUED).SetAttempts(0).SetPolls(0).ClearSubmittedAt().SetPmsWritebackID("").Save(ctx); err != nil {
			return err
		}
		if out, err = c.Appointment.UpdateOne(a).SetWritebackState(appointment.WritebackStatePENDING).
			SetWritebackError("").Save(ctx); err != nil {
			return err
		}
		return s.Queue.Insert(ctx, jobargs.Writeback{PracticeID: practiceID, AppointmentID: a.ID}, nil)
	})
	return out, err
}

func (s *Service) appointment(ctx context.Context, id string) (*ent.Appointment, error) {
	a, err := s.DB.Client(ctx).Appointment.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no such appointment")
	}
	return a, err
}
