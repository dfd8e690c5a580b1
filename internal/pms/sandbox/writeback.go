package sandbox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// The kinds of write, as Config.FailWritebacks is asked about them.
const (
	KindCreatePatient         = "create_patient"
	KindCreateAppointment     = "create_appointment"
	KindCancelAppointment     = "cancel_appointment"
	KindRescheduleAppointment = "reschedule_appointment"
)

// The statuses the sandbox gives patients and appointments.
const (
	statusActive    = "Active"
	statusScheduled = "Scheduled"
	statusConfirmed = "Confirmed"
	statusCompleted = "Completed"
	statusCancelled = "Cancelled"
)

// writeback is a queued write. Like Sikka's, it is judged and applied when it
// completes, against the data as it is then.
type writeback struct {
	id        string
	kind      string
	body      map[string]string // as QueuedWrites shows it
	submitted time.Time
	due       time.Time
	fail      string // from Config.FailWritebacks
	apply     func(at time.Time) (createdID, reason string)
	status    pms.WritebackStatus
	withdrawn bool // by CancelWriteback
}

// settle completes the writebacks due by now, in the order they were
// queued: a write completes only after every earlier one, so that replaying
// the journal (another process's writes included) applies them as they
// were applied. s.mu is held.
func (s *Sandbox) settle(now time.Time) {
	n := 0
	for _, w := range s.pending {
		if now.Before(w.due) {
			break
		}
		n++
		reason := w.fail
		if reason == "" {
			w.status.CreatedID, reason = w.apply(w.due)
		}
		if reason != "" {
			w.status = pms.WritebackStatus{State: pms.WritebackFailed, Reason: reason}
			continue
		}
		w.status.State = pms.WritebackCompleted
	}
	s.pending = s.pending[n:]
}

// queue records a write that completes WritebackDelay from now: in the
// journal first, so that it outlives this process, then here. body is the
// write's fields under the names Sikka's API gives them, for QueuedWrites.
func (s *Sandbox) queue(ctx context.Context, kind string, req request) (string, error) {
	body, apply := s.build(kind, req)
	fail := ""
	if s.fail != nil {
		fail = s.fail(kind)
	}
	if err := s.lockSettled(ctx); err != nil {
		return "", err
	}
	defer s.mu.Unlock()
	now := s.clock.Now()
	for attempt := 0; ; attempt++ {
		rec := record{
			ID: fmt.Sprintf("SBX-%s-%06d", s.instance, len(s.queued)+1), Kind: kind, Request: req,
			Submitted: now, Due: now.Add(s.delay), Fail: fail,
		}
		err := s.append(ctx, kind, rec)
		if errors.Is(err, ErrJournalConflict) && attempt < maxJournalRetries {
			// Another process's sandbox wrote first: take its writes in, then
			// queue this one after them.
			if err := s.catchUp(ctx); err != nil {
				return "", err
			}
			continue
		}
		if err != nil {
			return "", err
		}
		s.restore(rec, body, apply)
		return rec.ID, nil
	}
}

// restore adds a journalled write. s.mu is held.
func (s *Sandbox) restore(rec record, body map[string]string, apply func(time.Time) (string, string)) {
	body["practice_id"] = s.practice.ID
	w := &writeback{
		id: rec.ID, kind: rec.Kind, body: body, apply: apply, fail: rec.Fail,
		submitted: rec.Submitted, due: rec.Due, status: pms.WritebackStatus{State: pms.WritebackPending},
	}
	s.writebacks[w.id] = w
	s.queued = append(s.queued, w)
	s.pending = append(s.pending, w)
}

// QueuedWrites lists the writes queued since since (all of them when since
// is zero), oldest first, with the fields Sikka's api_request_body would
// show: firstname, lastname, birthdate, cell (the phone as given), email,
// provider_id for a patient; patient_id, provider_id, operatory, date, time
// (wall clock in the practice's zone), length (minutes), description, type,
// note for an appointment; appointment_sr_no and value (the new status) or
// the changed fields for a cancel or a reschedule; practice_id for all. A
// write withdrawn by CancelWriteback is not listed, as Sikka lists a deleted
// one no more. Only this Sandbox's writes exist: a new one knows none of an
// earlier one's.
func (s *Sandbox) QueuedWrites(ctx context.Context, since time.Time) ([]pms.QueuedWrite, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: queued writes: %w", err)
	}
	if err := s.lockSettled(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []pms.QueuedWrite
	for _, w := range s.queued {
		if w.withdrawn || w.submitted.Before(since) {
			continue
		}
		out = append(out, pms.QueuedWrite{
			ID: w.id, Kind: w.kind, Body: maps.Clone(w.body),
			Pending: w.status.State == pms.WritebackPending, Submitted: w.submitted,
		})
	}
	return out, nil
}

// wallFields sets a start's date and time as a PMS takes them.
func wallFields(body map[string]string, start time.Time) {
	body["date"] = start.Format(time.DateOnly)
	body["time"] = start.Format("15:04")
}

func minutesField(d time.Duration) string { return strconv.Itoa(int(d / time.Minute)) }

// rejected is the error for a request the PMS API refuses before queueing it.
func rejected(op, why string) error {
	return fmt.Errorf("sandbox: %s: %s: %w", op, why, pms.ErrRejected)
}

// CreatePatient queues a new patient. First and last name are required; a
// birth date must be a real date and a phone must be a number. When it
// completes, an unknown provider or a birth date after that day fails it.
func (s *Sandbox) CreatePatient(ctx context.Context, p pms.NewPatient) (string, error) {
	const op = "create patient"
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("sandbox: %s: %w", op, err)
	}
	p.FirstName, p.LastName = strings.TrimSpace(p.FirstName), strings.TrimSpace(p.LastName)
	if p.FirstName == "" || p.LastName == "" {
		return "", rejected(op, "first and last name are required")
	}
	if !p.BirthDate.IsZero() && !validDate(p.BirthDate) {
		return "", rejected(op, "birth date is not a calendar date")
	}
	if p.Phone != "" {
		if _, err := phone.Normalize(p.Phone); err != nil {
			return "", rejected(op, "phone is not a valid number")
		}
	}
	return s.queue(ctx, KindCreatePatient, request{Patient: &p})
}

func (s *Sandbox) createPatient(p pms.NewPatient) (map[string]string, func(time.Time) (string, string)) {
	var phones []string
	if p.Phone != "" {
		phones = []string{p.Phone}
	}
	body := map[string]string{"firstname": p.FirstName, "lastname": p.LastName}
	for k, v := range map[string]string{"cell": p.Phone, "email": p.Email, "provider_id": p.ProviderID} {
		if v != "" {
			body[k] = v
		}
	}
	if !p.BirthDate.IsZero() {
		body["birthdate"] = p.BirthDate.String()
	}
	return body, func(at time.Time) (string, string) {
		if p.ProviderID != "" && !s.hasProvider(p.ProviderID) {
			return "", "Provider not found"
		}
		if compareDates(p.BirthDate, calendar.DateOf(at.In(s.loc))) > 0 {
			return "", "Birth date cannot be in the future"
		}
		id := fmt.Sprintf("P%05d", len(s.patients)+1)
		s.addPatient(pms.Patient{
			ID: id, FirstName: p.FirstName, LastName: p.LastName, BirthDate: p.BirthDate,
			Phones: phones, Email: p.Email, Status: statusActive, ProviderID: p.ProviderID, UpdatedAt: at,
		})
		return id, ""
	}
}

// CreateAppointment queues a new appointment. Patient, provider, operatory,
// start and a positive length are required, to the minute. When it
// completes, an unknown patient, provider, operatory or type, or a provider
// or operatory already booked then, fails it.
func (s *Sandbox) CreateAppointment(ctx context.Context, a pms.NewAppointment) (string, error) {
	const op = "create appointment"
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("sandbox: %s: %w", op, err)
	}
	switch {
	case a.PatientID == "" || a.ProviderID == "" || a.OperatoryID == "":
		return "", rejected(op, "patient, provider and operatory are required")
	case a.Start.IsZero() || a.Length <= 0:
		return "", rejected(op, "start and length are required")
	case !wholeMinutes(a.Start, a.Length):
		return "", rejected(op, "start and length must be whole minutes")
	}
	return s.queue(ctx, KindCreateAppointment, request{Appointment: &a})
}

func (s *Sandbox) createAppointment(a pms.NewAppointment) (map[string]string, func(time.Time) (string, string)) {
	start := a.Start.In(s.loc)
	body := map[string]string{"patient_id": a.PatientID, "provider_id": a.ProviderID, "operatory": a.OperatoryID, "length": minutesField(a.Length)}
	wallFields(body, start)
	for k, v := range map[string]string{"description": a.Description, "type": a.TypeID, "note": a.Note} {
		if v != "" {
			body[k] = v
		}
	}
	return body, func(at time.Time) (string, string) {
		if _, ok := s.byPatient[a.PatientID]; !ok {
			return "", "Patient not found"
		}
		desc := a.Description
		if a.TypeID != "" {
			i := slices.IndexFunc(s.types, func(t pms.AppointmentType) bool { return t.ID == a.TypeID })
			if i < 0 {
				return "", "Appointment type not found"
			}
			if desc == "" {
				desc = s.types[i].Name
			}
		}
		if reason := s.checkBooking("", a.ProviderID, a.OperatoryID, start, a.Length); reason != "" {
			return "", reason
		}
		id := fmt.Sprintf("A%06d", len(s.appts)+1)
		s.byAppt[id] = len(s.appts)
		s.appts = append(s.appts, pms.Appointment{
			ID: id, PatientID: a.PatientID, ProviderID: a.ProviderID, OperatoryID: a.OperatoryID,
			Type: a.TypeID, Start: start, Length: a.Length, Status: statusScheduled,
			Description: desc, LastChanged: at,
		})
		return id, ""
	}
}

// CancelAppointment queues setting an appointment's status to Cancelled. An
// unknown appointment fails it; cancelling a cancelled one succeeds. The
// reason is not kept: the sandbox has nowhere a real PMS would show it.
func (s *Sandbox) CancelAppointment(ctx context.Context, appointmentID, reason string) (string, error) {
	const op = "cancel appointment"
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("sandbox: %s: %w", op, err)
	}
	if appointmentID == "" {
		return "", rejected(op, "appointment id is required")
	}
	return s.queue(ctx, KindCancelAppointment, request{AppointmentID: appointmentID, Reason: reason})
}

func (s *Sandbox) cancelAppointment(appointmentID, reason string) (map[string]string, func(time.Time) (string, string)) {
	body := map[string]string{"appointment_sr_no": appointmentID, "value": statusCancelled}
	if reason != "" {
		body["cancellation_note"] = reason
	}
	return body, func(at time.Time) (string, string) {
		i, ok := s.byAppt[appointmentID]
		if !ok {
			return "", "Appointment not found"
		}
		a := &s.appts[i]
		a.Status, a.Cancelled, a.LastChanged = statusCancelled, true, at
		return "", ""
	}
}

// RescheduleAppointment queues moving an appointment; zero fields of r stay.
// When it completes, an unknown or cancelled appointment, an unknown provider
// or operatory, or a provider or operatory already booked then fails it.
func (s *Sandbox) RescheduleAppointment(ctx context.Context, appointmentID string, r pms.Reschedule) (string, error) {
	const op = "reschedule appointment"
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("sandbox: %s: %w", op, err)
	}
	switch {
	case appointmentID == "":
		return "", rejected(op, "appointment id is required")
	case r == pms.Reschedule{}:
		return "", rejected(op, "nothing to change")
	case r.Length < 0 || !wholeMinutes(r.Start, r.Length):
		return "", rejected(op, "start and length must be whole minutes")
	}
	return s.queue(ctx, KindRescheduleAppointment, request{AppointmentID: appointmentID, Reschedule: &r})
}

func (s *Sandbox) rescheduleAppointment(appointmentID string, r pms.Reschedule) (map[string]string, func(time.Time) (string, string)) {
	body := map[string]string{"appointment_sr_no": appointmentID}
	if !r.Start.IsZero() {
		wallFields(body, r.Start.In(s.loc))
	}
	if r.Length != 0 {
		body["length"] = minutesField(r.Length)
	}
	if r.ProviderID != "" {
		body["provider_id"] = r.ProviderID
	}
	if r.OperatoryID != "" {
		body["operatory"] = r.OperatoryID
	}
	return body, func(at time.Time) (string, string) {
		i, ok := s.byAppt[appointmentID]
		if !ok {
			return "", "Appointment not found"
		}
		a := s.appts[i]
		if a.Cancelled {
			return "", "Appointment is cancelled"
		}
		if !r.Start.IsZero() {
			a.Start = r.Start.In(s.loc)
		}
		if r.Length != 0 {
			a.Length = r.Length
		}
		if r.ProviderID != "" {
			a.ProviderID = r.ProviderID
		}
		if r.OperatoryID != "" {
			a.OperatoryID = r.OperatoryID
		}
		if reason := s.checkBooking(a.ID, a.ProviderID, a.OperatoryID, a.Start, a.Length); reason != "" {
			return "", reason
		}
		a.LastChanged = at
		s.appts[i] = a
		return "", ""
	}
}

// WritebackStatus reports where a queued write stands. CreatedID is set for
// completed creations only.
func (s *Sandbox) WritebackStatus(ctx context.Context, writebackID string) (pms.WritebackStatus, error) {
	if err := ctx.Err(); err != nil {
		return pms.WritebackStatus{}, fmt.Errorf("sandbox: writeback status: %w", err)
	}
	if err := s.lockSettled(ctx); err != nil {
		return pms.WritebackStatus{}, err
	}
	defer s.mu.Unlock()
	w, ok := s.writebacks[writebackID]
	if !ok {
		return pms.WritebackStatus{}, fmt.Errorf("sandbox: writeback %s: %w", writebackID, pms.ErrNotFound)
	}
	return w.status, nil
}

// CancelWriteback withdraws a pending write, which then never applies and
// reports FAILED. A write that has completed or failed cannot be withdrawn.
func (s *Sandbox) CancelWriteback(ctx context.Context, writebackID string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sandbox: cancel writeback: %w", err)
	}
	if err := s.lockSettled(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	w, ok := s.writebacks[writebackID]
	if !ok {
		return fmt.Errorf("sandbox: cancel writeback %s: %w", writebackID, pms.ErrNotFound)
	}
	if w.status.State != pms.WritebackPending {
		return fmt.Errorf("sandbox: cancel writeback %s: no longer pending: %w", writebackID, pms.ErrRejected)
	}
	for attempt := 0; ; attempt++ {
		err := s.append(ctx, kindWithdraw, withdrawal{ID: writebackID})
		if errors.Is(err, ErrJournalConflict) && attempt < maxJournalRetries {
			if err := s.catchUp(ctx); err != nil {
				return err
			}
			if w.status.State != pms.WritebackPending {
				return fmt.Errorf("sandbox: cancel writeback %s: no longer pending: %w", writebackID, pms.ErrRejected)
			}
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	s.withdraw(w)
	return nil
}

// withdraw takes a pending write back. s.mu is held.
func (s *Sandbox) withdraw(w *writeback) {
	s.pending = slices.DeleteFunc(s.pending, func(p *writeback) bool { return p == w })
	w.status = pms.WritebackStatus{State: pms.WritebackFailed, Reason: "Cancelled before it ran"}
	w.withdrawn = true
}

func (s *Sandbox) hasProvider(id string) bool {
	return slices.ContainsFunc(s.providers, func(p pms.Provider) bool { return p.ID == id })
}

// checkBooking returns why a real PMS would refuse to put an appointment
// (other than skipID) for provider in operatory over [start, start+length),
// or "" when it would not.
func (s *Sandbox) checkBooking(skipID, provider, operatory string, start time.Time, length time.Duration) string {
	if !s.hasProvider(provider) {
		return "Provider not found"
	}
	if !slices.ContainsFunc(s.operatories, func(o pms.Operatory) bool { return o.ID == operatory }) {
		return "Operatory not found"
	}
	end := start.Add(length)
	for i := range s.appts {
		a := &s.appts[i]
		if a.Cancelled || a.ID == skipID || !a.Start.Before(end) || !start.Before(a.Start.Add(a.Length)) {
			continue
		}
		if a.ProviderID == provider {
			return "Provider is already booked at that time"
		}
		if a.OperatoryID == operatory {
			return "Operatory is already booked at that time"
		}
	}
	return ""
}

// wholeMinutes reports whether start and length can be written as a PMS
// writes them: a date, an "HH:mm" time and a length in minutes.
func wholeMinutes(start time.Time, length time.Duration) bool {
	return start.Truncate(time.Minute).Equal(start) && length%time.Minute == 0
}
