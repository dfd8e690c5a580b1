package receptionist

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/patients"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/spoken"
)

// Limits of the phone identity check (SECURITY.md). Both counters live in
// the database, so they hold across calls, restarts and processes, and
// each attempt is counted before its answer is known: a conditional UPDATE
// takes the attempt (and the row's lock) or finds the limit reached, so
// concurrent attempts cannot slip past it.
//
// A failed attempt counts against the call when a complete check (first
// name, last name, birth date) verifies no one. It counts against a patient
// when the names match theirs and the birth date does not: that is a guess
// at their birth date. A wrong name guesses at no one; it is bounded by the
// call's limit.
const (
	// MaxCallVerificationFailures: after this many failed checks, a call
	// verifies no one.
	MaxCallVerificationFailures = 3
	// MaxPatientVerificationFailures within PatientVerificationWindow
	// (counted from the first) lock the patient's phone verification for
	// PatientVerificationLockout, and staff get an URGENT action item.
	MaxPatientVerificationFailures = 5
	PatientVerificationWindow      = time.Hour
	PatientVerificationLockout     = 24 * time.Hour
	// maxNameMatches bounds the patients one check weighs; more with the
	// same name cannot be told apart by phone.
	maxNameMatches = 20
)

type notVerified struct {
	Verified bool   `json:"verified"`
	Message  string `json:"message"`
}

// refusedByPhone is the answer once a limit is reached. It is the same for
// a right and a wrong birth date, so it tells nothing.
var refusedByPhone = notVerified{Message: "I can't verify the caller's identity by phone right now. Offer to take a message or transfer the caller to the front desk."}

// getPatientInfo is the identity check: details only when first name, last
// name and birth date all match one patient. The calling number narrows the
// search but is never enough on its own. It runs in the transaction that
// claims the tool call, so a repeated delivery is not counted twice.
func getPatientInfo(ctx context.Context, t *turn) (any, error) {
	var a struct {
		FirstName   string `json:"first_name"`
		LastName    string `json:"last_name"`
		DateOfBirth string `json:"date_of_birth"`
		Phone       string `json:"phone"`
	}
	if err := decode(t, &a); err != nil {
		return nil, err
	}
	first, last := strings.TrimSpace(a.FirstName), strings.TrimSpace(a.LastName)
	dob, err := calendar.ParseDate(a.DateOfBirth, "date_of_birth")
	if err != nil {
		return nil, err
	}
	if first == "" || last == "" || dob.IsZero() {
		return notVerified{Message: "To find a record I need the caller's first name, last name and date of birth."}, nil
	}
	number, err := phone.Parse(a.Phone, "phone")
	if err != nil {
		return nil, err
	}
	if number == "" {
		number = phone.OrEmpty(t.line.Caller)
	}
	id := patients.Identity{FirstName: first, LastName: last, BirthDate: dob.String()}
	c := t.s.DB.Client(ctx)
	now := t.s.Clock.Now()

	// Take one of the call's attempts; it is given back on success.
	n, err := c.Call.Update().Where(call.ID(t.call.ID), call.FailedVerificationsLT(MaxCallVerificationFailures)).
		AddFailedVerifications(1).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		t.s.Log.WarnContext(ctx, "receptionist: identity check refused: the call's attempts are used up", "call_id", t.call.ID)
		return refusedByPhone, nil
	}

	named, err := c.Patient.Query().Where(
		patients.Callable(),
		id.Named(),
	).Order(patient.ByID()).Limit(maxNameMatches + 1).All(ctx)
	if err != nil {
		return nil, err
	}
	if len(named) > maxNameMatches {
		return notVerified{Message: "Too many records share that name to verify by phone; transfer the caller."}, nil
	}
	// Take an attempt on every patient the names match, in id order (so two
	// checks never wait on each other's rows), before any birth date is
	// compared; a patient with none left is locked.
	taken := make([]*ent.Patient, 0, len(named))
	for _, p := range named {
		ok, err := takePatientAttempt(ctx, c, p.ID, now)
		if err != nil {
			return nil, err
		}
		if !ok {
			t.s.Log.WarnContext(ctx, "receptionist: identity check refused: patient locked for phone verification", "call_id", t.call.ID, "patient_id", p.ID)
			return refusedByPhone, givePatientAttempts(ctx, c, taken)
		}
		taken = append(taken, p)
	}

	var matches []*ent.Patient
	for _, p := range named {
		if p.BirthDate == dob.String() {
			matches = append(matches, p)
		}
	}
	matches = patients.Narrow(matches, number)
	switch len(matches) {
	case 0:
		// Every name-matched patient keeps the attempt: their birth date
		// was guessed wrong.
		for _, p := range taken {
			if err := t.lockIfExhausted(ctx, c, p.ID, now); err != nil {
				return nil, err
			}
		}
		t.s.Log.WarnContext(ctx, "receptionist: identity check failed", "call_id", t.call.ID, "name_matches", len(named))
		return notVerified{Message: "No patient record matches that name and date of birth. Check the spelling, or offer to book as a new patient."}, nil
	case 1:
	default:
		// The birth date was right for each of them: no one is blamed.
		if err := givePatientAttempts(ctx, c, taken); err != nil {
			return nil, err
		}
		return notVerified{Message: "More than one record matches; ask for the phone number on file and try again, or transfer the caller."}, nil
	}
	p := matches[0]
	if err := givePatientAttempts(ctx, c, taken); err != nil {
		return nil, err
	}
	if err := c.Call.UpdateOneID(t.call.ID).AddFailedVerifications(-1).SetVerifiedPatientID(p.ID).Exec(ctx); err != nil {
		return nil, err
	}
	t.call.VerifiedPatientID = &p.ID
	return t.patientInfo(ctx, p)
}

// takePatientAttempt counts one attempt against a patient, starting a new
// window when the last one is over, or reports false when the patient is
// locked or has no attempts left.
func takePatientAttempt(ctx context.Context, c *ent.Client, id string, now time.Time) (bool, error) {
	unlocked := patient.Or(patient.PhoneVerifyLockedUntilIsNil(), patient.PhoneVerifyLockedUntilLTE(now))
	if err := c.Patient.Update().Where(patient.ID(id), unlocked,
		patient.Or(patient.PhoneVerifyWindowStartIsNil(), patient.PhoneVerifyWindowStartLTE(now.Add(-PatientVerificationWindow))),
	).SetPhoneVerifyFailures(0).SetPhoneVerifyWindowStart(now).ClearPhoneVerifyLockedUntil().Exec(ctx); err != nil {
		return false, err
	}
	n, err := c.Patient.Update().Where(patient.ID(id), unlocked, patient.PhoneVerifyFailuresLT(MaxPatientVerificationFailures)).
		AddPhoneVerifyFailures(1).Save(ctx)
	return n == 1, err
}

func givePatientAttempts(ctx context.Context, c *ent.Client, ps []*ent.Patient) error {
	for _, p := range ps {
		if err := c.Patient.UpdateOneID(p.ID).AddPhoneVerifyFailures(-1).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// lockIfExhausted locks a patient whose attempts are used up and tells
// staff, once: the one transaction whose update finds them unlocked.
func (t *turn) lockIfExhausted(ctx context.Context, c *ent.Client, id string, now time.Time) error {
	until := now.Add(PatientVerificationLockout)
	n, err := c.Patient.Update().Where(patient.ID(id), patient.PhoneVerifyFailuresGTE(MaxPatientVerificationFailures),
		patient.Or(patient.PhoneVerifyLockedUntilIsNil(), patient.PhoneVerifyLockedUntilLTE(now)),
	).SetPhoneVerifyLockedUntil(until).Save(ctx)
	if err != nil || n == 0 {
		return err
	}
	t.s.Log.WarnContext(ctx, "receptionist: patient locked for phone verification", "call_id", t.call.ID, "patient_id", id, "until", until)
	_, err = t.s.Actions.Open(ctx, actionitems.Item{
		Kind: actionitem.KindVERIFICATION_LOCKED, Urgency: actionitem.UrgencyURGENT, PatientID: id, CallID: t.call.ID,
		Summary: fmt.Sprintf("Callers gave this patient's name with a wrong birth date %d times within %s, the last on this call. "+
			"The phone agent will not verify anyone as this patient until %s UTC. Please contact the patient: someone may be trying to reach their record.",
			MaxPatientVerificationFailures, PatientVerificationWindow, until.UTC().Format("2006-01-02 15:04")),
	})
	return err
}

// patientInfo is what a verified caller hears: their first name and their
// next appointments.
func (t *turn) patientInfo(ctx context.Context, p *ent.Patient) (any, error) {
	upcoming, err := t.s.DB.Client(ctx).Appointment.Query().Where(
		appointment.PatientID(p.ID), appointment.StatusEQ(appointment.StatusSCHEDULED), appointment.StartAtGT(t.s.Clock.Now()),
	).Order(appointment.ByStartAt()).Limit(5).WithProvider().WithAppointmentType().All(ctx)
	if err != nil {
		return nil, err
	}
	loc, err := practice.Zone(ctx, t.s.DB, t.call.PracticeID)
	if err != nil {
		return nil, err
	}
	type apptJSON struct {
		AppointmentID   string `json:"appointment_id"`
		Start           string `json:"start"`
		Spoken          string `json:"spoken"`
		Provider        string `json:"provider,omitempty"`
		AppointmentType string `json:"appointment_type,omitempty"`
	}
	out := struct {
		Verified             bool       `json:"verified"`
		PatientID            string     `json:"patient_id"`
		FirstName            string     `json:"first_name"`
		UpcomingAppointments []apptJSON `json:"upcoming_appointments"`
	}{Verified: true, PatientID: p.ID, FirstName: firstNonEmpty(p.PreferredName, p.FirstName), UpcomingAppointments: []apptJSON{}}
	for _, ap := range upcoming {
		j := apptJSON{AppointmentID: ap.ID, Start: ap.StartAt.In(loc).Format(time.RFC3339), Spoken: spoken.When(ap.StartAt, loc, t.s.Clock.Now())}
		if ap.Edges.Provider != nil {
			j.Provider = booking.ProviderName(ap.Edges.Provider)
			if with := "with " + j.Provider; j.Provider != "" {
				j.Spoken += " " + with
			}
		}
		if ap.Edges.AppointmentType != nil {
			j.AppointmentType = ap.Edges.AppointmentType.Name
		}
		out.UpcomingAppointments = append(out.UpcomingAppointments, j)
	}
	return out, nil
}
