package vapi_test

import (
	"testing"

	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

// A patient the PMS no longer has (deleted or merged away; a full sync marks
// them inactive) is never verified or booked by phone. A caller giving their
// name and birth date is booked as a new patient instead.
func TestAnInactivePatientIsNeitherVerifiedNorBooked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		cl := e.db.Client(e.sys)
		gone := cl.Patient.Query().Where(patient.FirstName(demo.FirstName), patient.LastName(demo.LastName), patient.BirthDate(demo.BirthDate.String())).OnlyX(e.sys)
		cl.Patient.UpdateOne(gone).SetActive(false).ExecX(e.sys)

		c := e.theCall("c-inactive")
		got := decode[struct{ Verified bool }](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.GetPatientInfo,
			Arguments: verify(demo.FirstName, demo.LastName, demo.BirthDate.String())})[0])
		if got.Verified {
			t.Fatal("an inactive patient was verified")
		}
		booked := decode[struct {
			Status        string
			AppointmentID string `json:"appointment_id"`
		}](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.BookAppointment, Arguments: map[string]any{
			"slot_id": e.freeSlot(t, c, 0), "first_name": demo.FirstName, "last_name": demo.LastName, "date_of_birth": demo.BirthDate.String(),
		}})[0])
		appt := cl.Appointment.GetX(e.sys, booked.AppointmentID)
		if appt.PatientID == nil || *appt.PatientID == gone.ID {
			t.Fatalf("booked for the inactive patient: %+v", appt)
		}
		if p := cl.Patient.GetX(e.sys, *appt.PatientID); !p.Active || p.PmsID != nil {
			t.Fatalf("booked for %+v, want a new patient", p)
		}
		// Nor by id, from the dashboard.
		if _, err := e.bookings.Book(e.sys, booking.BookRequest{SlotID: e.freeSlot(t, c, 1), PatientID: gone.ID}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("booking the inactive patient by id: %v", err)
		}
	})
}
