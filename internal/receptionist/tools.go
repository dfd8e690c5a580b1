package receptionist

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/scheduling"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// kind is how a tool's work meets the database.
type kind int

const (
	// reads changes nothing, so its record can wait.
	reads kind = iota
	// writes must happen once per tool call id: the claim of the id and the
	// work commit together.
	writes
	// remote calls out of frontdesk (Vapi): its claim commits first, then
	// the call is made with no transaction open, then the answer is
	// recorded. A transaction that waited on the network would hold
	// SQLite's one write lock, and every practice's bookings with it.
	remote
)

type tool struct {
	kind kind
	fn   func(ctx context.Context, t *turn) (any, error)
}

var tools map[string]tool

func init() {
	tools = map[string]tool{
		CheckAvailability:     {kind: reads, fn: checkAvailability},
		GetPatientInfo:        {kind: writes, fn: getPatientInfo},
		BookAppointment:       {kind: writes, fn: bookAppointment},
		CancelAppointment:     {kind: writes, fn: cancelAppointment},
		RescheduleAppointment: {kind: writes, fn: rescheduleAppointment},
		TakeMessage:           {kind: writes, fn: takeMessage},
		TransferToHuman:       {kind: remote, fn: transferToHuman},
	}
}

// slotJSON is a slot as the agent reads it.
type slotJSON struct {
	SlotID          string `json:"slot_id"`
	Start           string `json:"start"`
	End             string `json:"end"`
	Provider        string `json:"provider"`
	AppointmentType string `json:"appointment_type"`
	Spoken          string `json:"spoken"`
}

func slotOf(s booking.Slot) slotJSON {
	return slotJSON{
		SlotID:          s.ID,
		Start:           s.Start.Format(time.RFC3339),
		End:             s.End.Format(time.RFC3339),
		Provider:        booking.ProviderName(s.Provider),
		AppointmentType: s.Type.Name,
		Spoken:          s.Spoken,
	}
}

func checkAvailability(ctx context.Context, t *turn) (any, error) {
	var a struct {
		AppointmentType string `json:"appointment_type"`
		DateFrom        string `json:"date_from"`
		DateTo          string `json:"date_to"`
		TimeOfDay       string `json:"time_of_day"`
		Provider        string `json:"provider"`
		MaxResults      int    `json:"max_results"`
	}
	if err := decode(t, &a); err != nil {
		return nil, err
	}
	q := booking.AvailabilityQuery{AppointmentType: a.AppointmentType, Provider: a.Provider, MaxResults: a.MaxResults}
	if q.MaxResults <= 0 || q.MaxResults > booking.MaxSpokenResults {
		q.MaxResults = booking.SpokenResults
	}
	var err error
	if q.From, err = calendar.ParseDate(a.DateFrom, "date_from"); err != nil {
		return nil, err
	}
	if q.To, err = calendar.ParseDate(a.DateTo, "date_to"); err != nil {
		return nil, err
	}
	if q.TimeOfDay, err = scheduling.ParseTimeOfDay(a.TimeOfDay, "time_of_day"); err != nil {
		return nil, err
	}
	av, err := t.s.Booking.Availability(ctx, q)
	if err != nil {
		return nil, err
	}
	// Answers are cached (and shared) by the booking service; so is their
	// text.
	if text, ok := t.s.slotText.get(av); ok {
		return text, nil
	}
	out := struct {
		Slots         []slotJSON `json:"slots"`
		NextAvailable *slotJSON  `json:"next_available,omitempty"`
	}{Slots: []slotJSON{}}
	for _, s := range av.Slots {
		out.Slots = append(out.Slots, slotOf(s))
	}
	if av.NextAvailable != nil {
		n := slotOf(*av.NextAvailable)
		out.NextAvailable = &n
	}
	text := vapi.Result(t.tc, out)
	if text.Error != "" {
		return nil, errors.New(text.Error)
	}
	t.s.slotText.put(av, text.Result)
	return text.Result, nil
}

func bookAppointment(ctx context.Context, t *turn) (any, error) {
	var a struct {
		SlotID          string `json:"slot_id"`
		Start           string `json:"start"`
		AppointmentType string `json:"appointment_type"`
		Provider        string `json:"provider"`
		PatientID       string `json:"patient_id"`
		FirstName       string `json:"first_name"`
		LastName        string `json:"last_name"`
		DateOfBirth     string `json:"date_of_birth"`
		Phone           string `json:"phone"`
		Notes           string `json:"notes"`
	}
	if err := decode(t, &a); err != nil {
		return nil, err
	}
	req := booking.BookRequest{
		SlotID: a.SlotID, Start: a.Start, AppointmentType: a.AppointmentType, Provider: a.Provider,
		Notes: a.Notes, Source: appointment.SourcePHONE,
	}
	switch {
	case a.PatientID != "" && t.verified() == a.PatientID:
		req.PatientID = a.PatientID
	case a.FirstName != "" || a.LastName != "" || a.DateOfBirth != "":
		// A number the caller gives is checked as the dashboard's is (by
		// booking); the caller ID stands in only when it is usable.
		number := firstNonEmpty(a.Phone, phone.OrEmpty(t.line.Caller))
		req.NewPatient = &booking.NewPatient{FirstName: a.FirstName, LastName: a.LastName, BirthDate: a.DateOfBirth, Phone: number}
	case a.PatientID != "":
		return nil, apperr.New(apperr.Forbidden, "Book for a patient_id only after get-patient-info verified that patient on this call; otherwise give first_name, last_name and date_of_birth.")
	default:
		return nil, apperr.New(apperr.Invalid, "Who is the appointment for? Give first_name, last_name and date_of_birth (or the patient_id get-patient-info returned).")
	}
	b, err := t.s.Booking.Book(ctx, req)
	if err != nil {
		return nil, err
	}
	return confirmation(b, "booked"), nil
}

// confirmation is what the agent reads back after a change, all of it from
// what booking returned.
func confirmation(b *booking.Booked, status string) any {
	return struct {
		Status        string `json:"status"`
		AppointmentID string `json:"appointment_id"`
		Start         string `json:"start"`
		Spoken        string `json:"spoken"`
	}{status, b.ID, b.StartAt.In(b.Location).Format(time.RFC3339), b.Spoken}
}

// ownAppointment returns an appointment of the patient verified on this
// call, and refuses any other.
func (t *turn) ownAppointment(ctx context.Context, id string) (*ent.Appointment, error) {
	v := t.verified()
	if v == "" {
		return nil, apperr.New(apperr.Forbidden, "First verify the caller with get-patient-info (first name, last name, date of birth); only then can their appointments be changed.")
	}
	ap, err := t.s.DB.Client(ctx).Appointment.Get(ctx, strings.TrimSpace(id))
	if err != nil || ap.PatientID == nil || *ap.PatientID != v {
		// The same answer whether it exists or not: nothing about other
		// patients' appointments leaks.
		return nil, apperr.New(apperr.Forbidden, "That appointment is not one of the verified patient's: use an appointment_id from get-patient-info.")
	}
	return ap, nil
}

func (t *turn) verified() string {
	if t.call.VerifiedPatientID == nil {
		return ""
	}
	return *t.call.VerifiedPatientID
}

func cancelAppointment(ctx context.Context, t *turn) (any, error) {
	var a struct {
		AppointmentID string `json:"appointment_id"`
		Reason        string `json:"reason"`
	}
	if err := decode(t, &a); err != nil {
		return nil, err
	}
	ap, err := t.ownAppointment(ctx, a.AppointmentID)
	if err != nil {
		return nil, err
	}
	b, err := t.s.Booking.Cancel(ctx, ap.ID, firstNonEmpty(a.Reason, "cancelled by phone"))
	if err != nil {
		return nil, err
	}
	return confirmation(b, "cancelled"), nil
}

func rescheduleAppointment(ctx context.Context, t *turn) (any, error) {
	var a struct {
		AppointmentID string `json:"appointment_id"`
		SlotID        string `json:"slot_id"`
		Start         string `json:"start"`
	}
	if err := decode(t, &a); err != nil {
		return nil, err
	}
	ap, err := t.ownAppointment(ctx, a.AppointmentID)
	if err != nil {
		return nil, err
	}
	b, err := t.s.Booking.Reschedule(ctx, ap.ID, a.SlotID, a.Start)
	if err != nil {
		return nil, err
	}
	return confirmation(b, "rescheduled"), nil
}

func takeMessage(ctx context.Context, t *turn) (any, error) {
	var a struct {
		Message        string `json:"message"`
		CallbackNumber string `json:"callback_number"`
		Urgency        string `json:"urgency"`
	}
	if err := decode(t, &a); err != nil {
		return nil, err
	}
	if strings.TrimSpace(a.Message) == "" {
		return nil, apperr.New(apperr.Invalid, "What is the message? Pass it as message.")
	}
	urgency := actionitem.UrgencyROUTINE
	switch strings.ToLower(strings.TrimSpace(a.Urgency)) {
	case "", "routine":
	case "urgent":
		urgency = actionitem.UrgencyURGENT
	default:
		return nil, apperr.New(apperr.Invalid, "urgency must be routine or urgent")
	}
	callback, err := phone.Parse(a.CallbackNumber, "callback_number")
	if err != nil {
		return nil, err
	}
	if callback == "" {
		callback = phone.OrEmpty(t.line.Caller)
	}
	if _, err := t.s.Actions.Open(ctx, actionitems.Item{
		Kind: actionitem.KindMESSAGE, Urgency: urgency, Summary: strings.TrimSpace(a.Message),
		CallbackNumber: callback, PatientID: t.verified(), CallID: t.call.ID,
	}); err != nil {
		return nil, err
	}
	return struct {
		Status string `json:"status"`
		Spoken string `json:"spoken"`
	}{"message_taken", "I've passed your message to the team; someone will call you back."}, nil
}

func transferToHuman(ctx context.Context, t *turn) (any, error) {
	var a struct {
		Reason string `json:"reason"`
	}
	if err := decode(t, &a); err != nil {
		return nil, err
	}
	number, err := t.s.TransferNumber(ctx, tenant.FromContext(ctx).PracticeID)
	if err != nil {
		return nil, err
	}
	fail := func(why string) (any, error) {
		// The caller still needs someone: staff are told whom to call back,
		// once the tool call's own transaction is out of the way.
		t.onFailure = append(t.onFailure, func(ctx context.Context) error {
			_, err := t.s.Actions.Open(ctx, actionitems.Item{
				Kind: actionitem.KindTRANSFER_FAILED, Urgency: actionitem.UrgencyURGENT,
				Summary:        fmt.Sprintf("A caller asked for a person (%s) but the transfer failed: %s. Please call them back.", firstNonEmpty(a.Reason, "no reason given"), why),
				CallbackNumber: phone.OrEmpty(t.line.Caller), PatientID: t.verified(), CallID: t.call.ID,
			})
			return err
		})
		return nil, apperr.New(apperr.Unavailable, "No one can take the call right now. Offer to take a message; staff have been asked to call back.")
	}
	switch {
	case number == "":
		return fail("the practice has no front-desk number set")
	case t.line.ControlURL == "":
		return fail("the call offered no way to transfer it")
	}
	if err := t.s.Control.Control(ctx, t.line.ControlURL, vapi.TransferControl(number, "Please hold while I transfer you to the front desk.")); err != nil {
		t.s.Log.WarnContext(ctx, "receptionist: transfer failed", "err", err)
		if errors.Is(err, vapi.ErrControlURL) {
			return fail("the call's transfer address was not Vapi's")
		}
		return fail("the voice service did not accept the transfer")
	}
	return struct {
		Status string `json:"status"`
	}{"transferring"}, nil
}

// TransferNumber is where a practice's calls go when a person is needed: the
// agent's transfer number, else the practice's front-desk number.
func (s *Service) TransferNumber(ctx context.Context, practiceID string) (string, error) {
	ctx = tenant.System(ctx, practiceID)
	c := s.DB.Client(ctx)
	if a, err := c.Agent.Query().Only(ctx); err == nil && a.TransferNumber != "" {
		return a.TransferNumber, nil
	} else if err != nil && !ent.IsNotFound(err) {
		return "", err
	}
	p, err := c.Practice.Get(ctx, practiceID)
	if err != nil {
		return "", err
	}
	return p.FrontDeskNumber, nil
}

func slotTakenMessage(e *booking.SlotTakenError) string {
	msg := e.Error()
	if len(e.Alternatives) == 0 {
		return msg
	}
	var ids []string
	for _, a := range e.Alternatives {
		ids = append(ids, fmt.Sprintf("%s (slot_id %s)", a.Spoken, a.ID))
	}
	// Keep the spoken part, and give the agent ids it can book.
	head, _, _ := strings.Cut(msg, "Open times nearby:")
	return strings.TrimSpace(head) + " Open times nearby: " + strings.Join(ids, "; ") + "."
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}
