package mirror_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/ent/syncrun"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/fixture"
	"github.com/frontdesk/frontdesk/internal/mirror"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/pmstest"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

var newYork = fixture.NewYork

// practiceWith makes a practice connected to a sandbox PMS.
func practiceWith(t *testing.T, db *database.DB) (string, context.Context) {
	t.Helper()
	sys := tenant.Unscoped(context.Background())
	p := db.Client(sys).Practice.Create().SetName("Mirror Dental").SetTimeZone("America/New_York").SaveX(sys)
	db.Client(sys).PMSConnection.Create().SetPracticeID(p.ID).SetProvider(pmsconnection.ProviderSANDBOX).SaveX(sys)
	return p.ID, tenant.System(context.Background(), p.ID)
}

// mirrored is a practice mirrored from a sandbox made with sc: the
// sandbox, the practice's id, and a context acting as the practice.
func mirrored(t *testing.T, db *database.DB, clk clock.Clock, sc sandbox.Config) (*sandbox.Sandbox, string, context.Context) {
	t.Helper()
	m := fixture.Mirror(t, db, fixture.Options{Clock: clk, Sandbox: sc})
	return m.Sandbox, m.ID, m.System
}

func newSyncer(db *database.DB, p pms.PMS, clk clock.Clock) *mirror.Syncer {
	return &mirror.Syncer{DB: db, PMS: pmstest.Fixed{PMS: p, Location: newYork}, Clock: clk, Log: discard}
}

func TestFullSyncOfTheSandbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clk := clock.NewFake(time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC))
		sb := sandbox.New(sandbox.Config{Seed: 7, Location: newYork, Clock: clk})
		id, ctx := practiceWith(t, db)
		s := newSyncer(db, sb, clk)

		run, err := s.Sync(ctx, id, true)
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		c := db.Client(ctx)
		run = c.SyncRun.GetX(ctx, run.ID)
		if run.Status != syncrun.StatusSUCCEEDED || run.Providers != 4 || run.Operatories != 5 ||
			run.AppointmentTypes != 6 || run.Patients != 2000 || run.Appointments == 0 {
			t.Fatalf("run = %+v", run)
		}
		if n := c.Patient.Query().CountX(ctx); n != 2000 {
			t.Fatalf("%d patients mirrored", n)
		}
		appts := c.Appointment.Query().CountX(ctx)
		if appts != run.Appointments || run.Created != 4+5+6+2000+appts {
			t.Fatalf("appointments %d, run %+v", appts, run)
		}
		// Every mirrored appointment points at its patient and provider.
		if n := c.Appointment.Query().Where(appointment.Or(appointment.PatientIDIsNil(), appointment.ProviderIDIsNil())).CountX(ctx); n != 0 {
			t.Fatalf("%d appointments lost a reference", n)
		}
		// Phones are E.164, and a caller's number finds the patient.
		demo := sandbox.DemoPatient
		found := c.Patient.Query().Where(patient.PhoneIndexContains(" " + demo.Phone + " ")).AllX(ctx)
		if len(found) < 2 { // the demo patient shares her phone with her son
			t.Fatalf("phone %s finds %d patients", demo.Phone, len(found))
		}
		p := c.Practice.GetX(ctx, id)
		if len(p.PmsHours) == 0 || len(p.PmsClosures) == 0 {
			t.Fatalf("practice hours %v closures %v", p.PmsHours, p.PmsClosures)
		}
		conn := c.PMSConnection.Query().OnlyX(ctx)
		if conn.LastSyncAt == nil || conn.LastFullSyncAt == nil || conn.System == "" {
			t.Fatalf("connection = %+v", conn)
		}

		// A second run reads everything again and writes nothing.
		again, err := s.Sync(ctx, id, true)
		if err != nil {
			t.Fatal(err)
		}
		again = c.SyncRun.GetX(ctx, again.ID)
		if again.Created != 0 || again.Updated != 0 || again.Removed != 0 || again.Patients != 2000 {
			t.Fatalf("second run = %+v", again)
		}
	})
}

func TestIncrementalSyncPicksUpChanges(t *testing.T) {
	db := dbtest.Open(t)
	clk := clock.NewFake(time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC))
	sb, id, ctx := mirrored(t, db, clk, sandbox.Config{Seed: 7, WritebackDelay: time.Minute})
	s := newSyncer(db, sb, clk)
	c := db.Client(ctx)
	before := c.Appointment.Query().CountX(ctx)

	// Someone at the practice books a new patient, and cancels a visit.
	wbp, err := sb.CreatePatient(ctx, pms.NewPatient{FirstName: "Nora", LastName: "Quill", BirthDate: calendar.Date{Year: 1990, Month: 5, Day: 6}, Phone: "+15550100999"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute)
	st, _ := sb.WritebackStatus(ctx, wbp)
	if st.State != pms.WritebackCompleted {
		t.Fatalf("patient writeback %+v", st)
	}
	provs, _ := sb.Providers(ctx)
	ops, _ := sb.Operatories(ctx)
	start := time.Date(2027, 1, 4, 9, 0, 0, 0, newYork) // far enough to be free
	wba, err := sb.CreateAppointment(ctx, pms.NewAppointment{PatientID: st.CreatedID, ProviderID: provs[0].ID, OperatoryID: ops[0].ID, Start: start, Length: 30 * time.Minute, Description: "Exam"})
	if err != nil {
		t.Fatal(err)
	}
	someScheduled := c.Appointment.Query().Where(appointment.StatusEQ(appointment.StatusSCHEDULED), appointment.StartAtGT(clk.Now())).FirstX(ctx)
	if _, err := sb.CancelAppointment(ctx, *someScheduled.PmsID, "patient called"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Minute)
	if st, _ := sb.WritebackStatus(ctx, wba); st.State != pms.WritebackCompleted {
		t.Fatalf("appointment writeback %+v", st)
	}

	run, err := s.Sync(ctx, id, false)
	if err != nil {
		t.Fatal(err)
	}
	run = c.SyncRun.GetX(ctx, run.ID)
	if run.Kind != syncrun.KindINCREMENTAL || run.Appointments != 2 || run.Patients != 1 {
		t.Fatalf("incremental run = %+v", run)
	}
	if after := c.Appointment.Query().CountX(ctx); after != before+1 {
		t.Fatalf("appointments %d → %d", before, after)
	}
	nora := c.Patient.Query().Where(patient.LastName("Quill")).OnlyX(ctx)
	booked := c.Appointment.Query().Where(appointment.PatientID(nora.ID)).OnlyX(ctx)
	if !booked.StartAt.Equal(start) || booked.EndAt.Sub(booked.StartAt) != 30*time.Minute {
		t.Fatalf("booked = %+v", booked)
	}
	if got := c.Appointment.GetX(ctx, someScheduled.ID); got.Status != appointment.StatusCANCELLED {
		t.Fatalf("cancelled in the PMS, %s in the mirror", got.Status)
	}
	// Nothing changed since: the next incremental run writes nothing.
	run, _ = s.Sync(ctx, id, false)
	run = c.SyncRun.GetX(ctx, run.ID)
	if run.Created+run.Updated+run.Removed != 0 {
		t.Fatalf("idle incremental run wrote: %+v", run)
	}
}

type failing struct{ pms.PMS }

func (failing) Providers(context.Context) ([]pms.Provider, error) {
	return nil, pms.ErrCredentials
}

func TestFailedSyncIsRecorded(t *testing.T) {
	db := dbtest.Open(t)
	clk := clock.NewFake(time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC))
	sb := sandbox.New(sandbox.Config{Seed: 7, Location: newYork, Clock: clk})
	id, ctx := practiceWith(t, db)
	s := newSyncer(db, failing{sb}, clk)
	run, err := s.Sync(ctx, id, true)
	if err == nil {
		t.Fatal("sync succeeded")
	}
	c := db.Client(ctx)
	run = c.SyncRun.GetX(ctx, run.ID)
	conn := c.PMSConnection.Query().OnlyX(ctx)
	if run.Status != syncrun.StatusFAILED || run.Error == "" || conn.Status != pmsconnection.StatusERROR || conn.LastError == "" {
		t.Fatalf("run %+v conn %+v", run, conn)
	}
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))
