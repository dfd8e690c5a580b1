package vapi_test

import (
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/patients"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

// The phone agent verifies a caller and books for them by one identity rule
// (patients.Identity): a patient who gives the name they go by is the same
// patient to both, so booking by phone under a preferred name makes no
// duplicate.
func TestBookingUnderPreferredNameFindsThePatient(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		cl := e.db.Client(e.sys)
		ted := cl.Patient.Create().SetPracticeID(e.id).SetFirstName("Theodore").SetPreferredName("Ted").SetLastName("Quill").
			SetBirthDate("1980-04-04").SetPhones([]string{"+15550109999"}).SetPhoneIndex(patients.PhoneIndex([]string{"+15550109999"})).
			SaveX(e.sys)
		c := e.theCall("c-ted")

		info := decode[struct {
			Verified  bool
			PatientID string `json:"patient_id"`
		}](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.GetPatientInfo, Arguments: verify("ted", "QUILL", "1980-04-04")})[0])
		if !info.Verified || info.PatientID != ted.ID {
			t.Fatalf("get-patient-info under the preferred name: %+v", info)
		}

		booked := decode[struct {
			AppointmentID string `json:"appointment_id"`
		}](t, e.tools(t, e.theCall("c-ted-2"), vapitest.ToolCall{Name: receptionist.BookAppointment, Arguments: map[string]any{
			"slot_id": e.freeSlot(t, c, 0), "first_name": "Ted", "last_name": "Quill", "date_of_birth": "1980-04-04",
		}})[0])
		appt := cl.Appointment.GetX(e.sys, booked.AppointmentID)
		if appt.PatientID == nil || *appt.PatientID != ted.ID {
			t.Fatalf("booked for %v, want the existing patient %s", appt.PatientID, ted.ID)
		}
		if n := cl.Patient.Query().Where(patient.LastName("Quill")).CountX(e.sys); n != 1 {
			t.Fatalf("%d patients named Quill: booking made a duplicate", n)
		}
	})
}

// A number the caller gives is checked as the dashboard checks it: a bad one
// is refused with a tool error naming the argument, and nothing is saved. A
// caller ID that is not a usable number is nobody's mistake: it is dropped.
func TestBadNumbersAreRefusedLikeTheDashboard(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := e.theCall("c-numbers")
	res := e.tools(t, c,
		vapitest.ToolCall{Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "Call me back", "callback_number": "my cell"}},
		vapitest.ToolCall{Name: receptionist.BookAppointment, Arguments: map[string]any{
			"slot_id": e.freeSlot(t, c, 0), "first_name": "Ana", "last_name": "Lopez", "date_of_birth": "1990-02-02", "phone": "555-01",
		}},
		vapitest.ToolCall{Name: receptionist.GetPatientInfo, Arguments: map[string]any{
			"first_name": demo.FirstName, "last_name": demo.LastName, "date_of_birth": demo.BirthDate.String(), "phone": "home",
		}},
	)
	for i, arg := range []string{"callback_number", "phone", "phone"} {
		if !strings.Contains(res[i].Error, arg+" is not a phone number") {
			t.Errorf("%s: %+v, want an error naming %s", res[i].Name, res[i], arg)
		}
	}
	// The dashboard's booking refuses the same number with the same words.
	_, err := e.bookings.Book(e.sys, booking.BookRequest{SlotID: e.freeSlot(t, c, 0),
		NewPatient: &booking.NewPatient{FirstName: "Ana", LastName: "Lopez", BirthDate: "1990-02-02", Phone: "555-01"}})
	if err == nil || apperr.MessageOf(err) != res[1].Error {
		t.Errorf("dashboard: %v; phone: %q", err, res[1].Error)
	}
	cl := e.db.Client(e.sys)
	if n := cl.ActionItem.Query().CountX(e.sys); n != 0 {
		t.Fatalf("%d action items from refused calls", n)
	}

	withheld := e.theCall("c-withheld")
	withheld.CustomerNumber = "anonymous"
	got := decode[map[string]string](t, e.tools(t, withheld, vapitest.ToolCall{Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "Call me back"}})[0])
	if got["status"] != "message_taken" {
		t.Fatalf("withheld caller: %+v", got)
	}
	if it := cl.ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindMESSAGE)).OnlyX(e.sys); it.CallbackNumber != "" {
		t.Fatalf("callback %q from a withheld caller ID", it.CallbackNumber)
	}
}

// The phone agent's dates and parts of the day are read by the parsers the
// API uses (graph's TestAvailabilityDatesReadAsThePhoneReadsThem): the same
// text is refused, or accepted, on both paths.
func TestDatesAndTimesOfDayReadAsTheAPIReadsThem(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := e.theCall("c-dates")
	for _, tt := range []struct {
		args map[string]any
		err  string
	}{
		{map[string]any{"date_from": "2026-12-08T09:00"}, "date_from must be a date like 2026-12-01"},
		{map[string]any{"date_from": "2026-12-08junk"}, "date_from must be a date like 2026-12-01"},
		{map[string]any{"date_to": "12/08/2026"}, "date_to must be a date like 2026-12-01"},
		{map[string]any{"time_of_day": "night"}, "time_of_day must be morning, afternoon, evening or any"},
		{map[string]any{"date_from": "2026-12-08", "time_of_day": "MORNING", "appointment_type": "Exam"}, ""},
	} {
		res := e.tools(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability, Arguments: tt.args})[0]
		if res.Error != tt.err {
			t.Errorf("%v: error %q, want %q", tt.args, res.Error, tt.err)
		}
	}
}

// How many slots the agent hears is booking's to say (SpokenResults,
// MaxSpokenResults), not the receptionist's.
func TestSlotsReadToACallerAreBookingsLimits(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := e.theCall("c-limits")
	for _, tt := range []struct {
		asked any
		want  int
	}{
		{nil, booking.SpokenResults},
		{0, booking.SpokenResults},
		{3, 3},
		{booking.MaxSpokenResults, booking.MaxSpokenResults},
		{booking.MaxSpokenResults + 1, booking.SpokenResults},
		{10000, booking.SpokenResults},
	} {
		args := map[string]any{"appointment_type": "Exam", "date_from": "2026-12-08"}
		if tt.asked != nil {
			args["max_results"] = tt.asked
		}
		got := decode[struct {
			Slots []struct{} `json:"slots"`
		}](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability, Arguments: args})[0])
		if len(got.Slots) != tt.want {
			t.Errorf("max_results %v: %d slots, want %d", tt.asked, len(got.Slots), tt.want)
		}
	}
}
