package mirror_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/patients"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
)

// editedPMS is a PMS whose patient listing has lost some patients (deleted
// or merged away) or gives some ids to other people.
type editedPMS struct {
	pms.PMS
	gone     map[string]bool
	reissued map[string]pms.Patient
	empty    bool
}

func (e editedPMS) Patients(ctx context.Context, q pms.PatientQuery) iter.Seq2[pms.Patient, error] {
	return func(yield func(pms.Patient, error) bool) {
		if e.empty {
			return
		}
		for p, err := range e.PMS.Patients(ctx, q) {
			if err == nil && e.gone[p.ID] {
				continue
			}
			if other, ok := e.reissued[p.ID]; ok && err == nil {
				other.ID = p.ID
				p = other
			}
			if !yield(p, err) {
				return
			}
		}
	}
}

// A full sync removed the appointments, providers, operatories and types
// the PMS no longer had, but kept every patient it had ever seen as
// callable: a patient deleted or merged away in the PMS could still be
// verified and booked by phone.
func TestFullSyncMarksPatientsThePMSNoLongerHasInactive(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clk := clock.NewFake(time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC))
		sb, id, ctx := mirrored(t, db, clk, sandbox.Config{Seed: 7, Patients: 20})
		c := db.Client(ctx)
		callable := func() int { return c.Patient.Query().Where(patients.Callable()).CountX(ctx) }
		if n := callable(); n != 20 {
			t.Fatalf("%d callable patients", n)
		}

		gone := editedPMS{PMS: sb, gone: map[string]bool{"P00003": true, "P00004": true}}
		// An incremental sync lists no patients in full: it proves nothing.
		if _, err := newSyncer(db, gone, clk).Sync(ctx, id, false); err != nil {
			t.Fatal(err)
		}
		if n := callable(); n != 20 {
			t.Fatalf("an incremental sync left %d callable", n)
		}
		run, err := newSyncer(db, gone, clk).Sync(ctx, id, true)
		if err != nil {
			t.Fatal(err)
		}
		if run = c.SyncRun.GetX(ctx, run.ID); run.Removed != 2 {
			t.Fatalf("run %+v", run)
		}
		if n := callable(); n != 18 || c.Patient.Query().CountX(ctx) != 20 {
			t.Fatalf("%d callable of %d", n, c.Patient.Query().CountX(ctx))
		}
		p3 := c.Patient.Query().Where(patient.PmsID("P00003")).OnlyX(ctx)
		if p3.Active {
			t.Fatal("P00003 is still active")
		}

		// An empty listing (Sikka answers 204 while it reloads) is no
		// evidence that everyone is gone.
		if _, err := newSyncer(db, editedPMS{PMS: sb, empty: true}, clk).Sync(ctx, id, true); err != nil {
			t.Fatal(err)
		}
		if n := callable(); n != 18 {
			t.Fatalf("an empty listing left %d callable", n)
		}

		// Listed again, active again.
		if _, err := newSyncer(db, sb, clk).Sync(ctx, id, true); err != nil {
			t.Fatal(err)
		}
		if n := callable(); n != 20 {
			t.Fatalf("%d callable after the PMS lists them again", n)
		}
	})
}

// A PMS that reissues an id (the sandbox after a restart did) must not have
// the mirror hand one patient's record, appointments and calls to another.
func TestSyncSeeingAReissuedIDKeepsBothPatients(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clk := clock.NewFake(time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC))
		sb, id, ctx := mirrored(t, db, clk, sandbox.Config{Seed: 7, Patients: 20})
		c := db.Client(ctx)
		before := c.Patient.Query().Where(patient.PmsID("P00005")).OnlyX(ctx)
		theirs := c.Appointment.Query().Where(appointment.PatientID(before.ID)).CountX(ctx)

		// Same person, a new last name: an update, not another person.
		married := editedPMS{PMS: sb, reissued: map[string]pms.Patient{"P00005": {
			FirstName: before.FirstName, LastName: "Newname", BirthDate: mustDate(t, before.BirthDate), Status: "Active",
		}}}
		if _, err := newSyncer(db, married, clk).Sync(ctx, id, true); err != nil {
			t.Fatal(err)
		}
		if got := c.Patient.GetX(ctx, before.ID); got.LastName != "Newname" || got.PmsID == nil || !got.Active {
			t.Fatalf("a changed last name: %+v", got)
		}

		other := editedPMS{PMS: sb, reissued: map[string]pms.Patient{"P00005": {
			FirstName: "Zed", LastName: "Other", BirthDate: calendar.Date{Year: 2001, Month: 1, Day: 1}, Status: "Active",
		}}}
		for range 2 {
			if _, err := newSyncer(db, other, clk).Sync(ctx, id, true); err != nil {
				t.Fatal(err)
			}
		}
		old := c.Patient.GetX(ctx, before.ID)
		if old.PmsID != nil || old.FormerPmsID != "P00005" || old.Active || old.FirstName != before.FirstName {
			t.Fatalf("the earlier patient: %+v", old)
		}
		now := c.Patient.Query().Where(patient.PmsID("P00005")).OnlyX(ctx)
		if now.ID == before.ID || now.FirstName != "Zed" || !now.Active {
			t.Fatalf("the id's new owner: %+v", now)
		}
		if n := c.Appointment.Query().Where(appointment.PatientID(before.ID)).CountX(ctx); n != theirs {
			t.Fatalf("the earlier patient's appointments: %d, were %d", n, theirs)
		}
		items := c.ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindPMS_CONFLICT)).AllX(ctx)
		if len(items) != 1 || items[0].PatientID == nil || *items[0].PatientID != before.ID {
			t.Fatalf("action items %+v", items)
		}
	})
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := pms.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
