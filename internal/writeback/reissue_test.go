package writeback_test

import (
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/patient"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/pms/pmstest"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
)

// A PMS that forgets its own ids (the in-memory sandbox after a restart)
// gave a new caller the id of a patient booked before: that patient was
// merged into the new caller, and the new caller's booking retried
// "UNIQUE constraint failed: appointments.practice_id, appointments.pms_id"
// forever. Now the earlier patient is set aside and kept, and the booking
// whose new id another appointment holds fails once, with an action item.
func TestAReissuedIDNeitherMergesPatientsNorRetriesForever(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, nil)
		first, err := e.book.Book(e.ctx, booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", NewPatient: newCaller()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.drive(t, first.ID, 50); err != nil {
			t.Fatal(err)
		}
		first.Appointment = e.appointment(t, first.ID)
		jordan := e.db.Client(e.ctx).Patient.GetX(e.ctx, *first.PatientID)
		if first.PmsID == nil || jordan.PmsID == nil {
			t.Fatalf("the first booking did not reach the PMS: %+v", first)
		}

		// The PMS restarts and forgets: it numbers its records from the start again.
		e.worker.PMS = pmstest.Fixed{PMS: sandbox.New(sandbox.Config{Seed: 5, Location: newYork, Clock: e.clk, WritebackDelay: 30 * time.Second}), Location: newYork}
		open, err := e.book.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Exam", From: calendar.Date{Year: 2026, Month: 12, Day: 10}})
		if err != nil {
			t.Fatal(err)
		}
		second, err := e.book.Book(e.ctx, booking.BookRequest{SlotID: open.Slots[0].ID,
			NewPatient: &booking.NewPatient{FirstName: "Casey", LastName: "Moreno", BirthDate: "1988-02-14", Phone: "555-010-0177"}})
		if err != nil {
			t.Fatal(err)
		}
		runs, err := e.drive(t, second.ID, 50)
		if err != nil || runs > 20 {
			t.Fatalf("the writeback ended after %d runs with %v", runs, err)
		}

		c := e.db.Client(e.ctx)
		// The earlier patient is kept, with their appointment, set aside.
		jordanNow := c.Patient.GetX(e.ctx, jordan.ID)
		if jordanNow.PmsID != nil || jordanNow.FormerPmsID != *jordan.PmsID || jordanNow.Active {
			t.Fatalf("the earlier patient: %+v", jordanNow)
		}
		if a := e.appointment(t, first.ID); a.PatientID == nil || *a.PatientID != jordan.ID || *a.PmsID != *first.PmsID {
			t.Fatalf("the earlier appointment moved: %+v", a)
		}
		casey := c.Patient.Query().Where(patient.LastName("Moreno")).OnlyX(e.ctx)
		if casey.PmsID == nil || *casey.PmsID != *jordan.PmsID {
			t.Fatalf("the new patient: %+v", casey)
		}
		// The new booking's id is held by the earlier one: FAILED, once, with an item.
		got := e.appointment(t, second.ID)
		if got.WritebackState != appointment.WritebackStateFAILED || got.PmsID != nil || !strings.Contains(got.WritebackError, "id that another record") {
			t.Fatalf("the second booking: %+v", got)
		}
		create := c.Writeback.Query().Where(ewb.AppointmentID(second.ID), ewb.KindEQ(ewb.KindCREATE_APPOINTMENT)).OnlyX(e.ctx)
		if create.State != ewb.StateFAILED {
			t.Fatalf("the create writeback is %s", create.State)
		}
		if n := c.ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindWRITEBACK_FAILED), actionitem.AppointmentID(second.ID)).CountX(e.ctx); n != 1 {
			t.Fatalf("%d writeback action items", n)
		}
		if n := c.ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindPMS_CONFLICT), actionitem.PatientID(jordan.ID)).CountX(e.ctx); n != 1 {
			t.Fatalf("%d conflict action items", n)
		}
	})
}
