package pmsconn_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/mirror"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// mirrorCounts is what the practice's mirror holds.
type mirrorCounts struct{ patients, appointments, providers, operatories, types, writebacks int }

func (e *env) counts(t *testing.T) mirrorCounts {
	t.Helper()
	sys := tenant.System(context.Background(), e.id)
	c := e.db.Client(sys)
	return mirrorCounts{
		c.Patient.Query().CountX(sys), c.Appointment.Query().CountX(sys), c.Provider.Query().CountX(sys),
		c.Operatory.Query().CountX(sys), c.AppointmentType.Query().CountX(sys), c.Writeback.Query().CountX(sys),
	}
}

func (e *env) sync(t *testing.T) {
	t.Helper()
	s := &mirror.Syncer{DB: e.db, PMS: e.svc, Clock: e.clk, Log: discard}
	if _, err := s.Sync(context.Background(), e.id, true); err != nil {
		t.Fatal(err)
	}
}

// phoneBooking records what a phone booking leaves while its writebacks are
// on their way: a new patient, the appointment, and the two writes.
func (e *env) phoneBooking(t *testing.T, sent bool) *ent.Appointment {
	t.Helper()
	sys := tenant.System(context.Background(), e.id)
	c := e.db.Client(sys)
	pat := c.Patient.Create().SetPracticeID(e.id).SetFirstName("Jordan").SetLastName("Whitaker").SetBirthDate("1994-11-05").
		SetPhones([]string{"+15550100188"}).SaveX(sys)
	start := e.clk.Now().Add(72 * time.Hour).Truncate(time.Hour)
	a := c.Appointment.Create().SetPracticeID(e.id).SetPatientID(pat.ID).SetStartAt(start).SetEndAt(start.Add(30 * time.Minute)).
		SetSource(appointment.SourcePHONE).SetWritebackState(appointment.WritebackStatePENDING).SaveX(sys)
	state := ewb.StateQUEUED
	if sent {
		state = ewb.StateSUBMITTED
	}
	c.Writeback.Create().SetPracticeID(e.id).SetAppointmentID(a.ID).SetPatientID(pat.ID).SetKind(ewb.KindCREATE_PATIENT).SetState(state).SaveX(sys)
	c.Writeback.Create().SetPracticeID(e.id).SetAppointmentID(a.ID).SetKind(ewb.KindCREATE_APPOINTMENT).SaveX(sys)
	return a
}

// The demo practice went from its sandbox to a Sikka office and kept the
// sandbox's 2,000 patients beside the office's 300, and the sandbox's
// appointments outside the sync window: the phone agent verified and booked
// patients the practice's PMS does not have.
func TestConnectingAnotherPMSReplacesTheMirror(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, sikkatest.Options{})
		e.fake.SeedPractice(officeID, secret, sikkatest.SeedOptions{Patients: 30, Appointments: 20, From: "2026-12-07"})
		e.fake.SeedPractice("D999", "other-secret", sikkatest.SeedOptions{Patients: 7, Appointments: 3, From: "2026-12-07"})
		if _, err := e.svc.ConnectSandbox(e.owner); err != nil {
			t.Fatal(err)
		}
		e.sync(t)
		sys := tenant.System(context.Background(), e.id)
		c := db.Client(sys)
		// An appointment of the sandbox's outside the window a sync reads.
		anyPatient := c.Patient.Query().FirstX(sys)
		old := e.clk.Now().AddDate(-1, 0, 0)
		c.Appointment.Create().SetPracticeID(e.id).SetPmsID("A900000").SetPatientID(anyPatient.ID).
			SetStartAt(old).SetEndAt(old.Add(time.Hour)).SaveX(sys)
		e.phoneBooking(t, false)
		e.phoneBooking(t, true)
		if got := e.counts(t); got.patients != 2002 || got.providers == 0 || got.writebacks != 4 {
			t.Fatalf("the sandbox's mirror: %+v", got)
		}
		book := &booking.Service{DB: db, Clock: e.clk, Queue: e.queue}
		exam := booking.AvailabilityQuery{AppointmentType: "Exam", From: calendar.Date{Year: 2026, Month: 12, Day: 7}}
		if a, err := book.Availability(e.owner, exam); err != nil || len(a.Slots) == 0 {
			t.Fatalf("the sandbox's availability: %+v, %v", a, err)
		}

		if _, err := e.svc.Disconnect(e.owner); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ConnectSikka(e.owner, officeID, secret, ""); err != nil {
			t.Fatal(err)
		}
		// Gone in the same transaction, before any sync of the new PMS.
		if got := e.counts(t); got != (mirrorCounts{}) {
			t.Fatalf("after connecting Sikka the mirror still holds %+v", got)
		}
		if p := c.Practice.GetX(sys, e.id); p.PmsHours != nil || p.PmsClosures != nil {
			t.Fatalf("the sandbox's hours stay: %+v %+v", p.PmsHours, p.PmsClosures)
		}
		// Nor does availability remember the sandbox's schedule.
		if a, err := book.Availability(e.owner, exam); err == nil && len(a.Slots) != 0 {
			t.Fatalf("availability after the switch: %d slots", len(a.Slots))
		}
		items := c.ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindWRITEBACK_FAILED)).AllX(sys)
		if len(items) != 4 {
			t.Fatalf("%d action items for 4 withdrawn writebacks", len(items))
		}
		mayLand := 0
		for _, it := range items {
			if !strings.Contains(it.Summary, "withdrawn") || !strings.Contains(it.Summary, "Jordan Whitaker") || it.CallbackNumber != "+15550100188" {
				t.Fatalf("action item %q (%s)", it.Summary, it.CallbackNumber)
			}
			if strings.Contains(it.Summary, "may still land") {
				mayLand++
			}
		}
		if mayLand != 1 {
			t.Fatalf("%d items say the write may still land, want the one sent", mayLand)
		}

		e.sync(t)
		if got := e.counts(t); got.patients != 30 || got.appointments != 20 {
			t.Fatalf("after the office's sync: %+v", got)
		}
		// Reconnecting the same office keeps the mirror and the practice's choices.
		if _, err := e.svc.SetCancelStatus(e.owner, "Broken"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ConnectSikka(e.owner, officeID, secret, "1"); err != nil {
			t.Fatal(err)
		}
		if got := e.counts(t); got.patients != 30 || got.appointments != 20 {
			t.Fatalf("reconnecting the same office: %+v", got)
		}
		if conn, _ := e.svc.Get(e.owner); conn.CancelStatus != "Broken" || len(conn.AppointmentStatuses) == 0 {
			t.Fatalf("reconnecting lost the cancel status: %+v", conn)
		}
		// Another office is another PMS.
		if _, err := e.svc.ConnectSikka(e.owner, "D999", "other-secret", ""); err != nil {
			t.Fatal(err)
		}
		e.sync(t)
		if got := e.counts(t); got.patients != 7 || got.appointments != 3 {
			t.Fatalf("after switching office: %+v", got)
		}
	})
}

// A sync of the old PMS still running when the practice connects another
// must not write the old PMS's records into the new mirror.
func TestSyncOfAReplacedPMSWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, sikkatest.Options{})
		e.fake.SeedPractice(officeID, secret, sikkatest.SeedOptions{Patients: 5, Appointments: 5, From: "2026-12-07"})
		if _, err := e.svc.ConnectSandbox(e.owner); err != nil {
			t.Fatal(err)
		}
		opener := &switchingOpener{e: e, t: t}
		s := &mirror.Syncer{DB: db, PMS: opener, Clock: e.clk, Log: discard}
		if _, err := s.Sync(context.Background(), e.id, true); err == nil {
			t.Fatal("the stale sync succeeded")
		}
		if got := e.counts(t); got != (mirrorCounts{}) {
			t.Fatalf("the stale sync wrote %+v", got)
		}
	})
}

// switchingOpener opens the sandbox, then connects Sikka before the sync
// writes anything.
type switchingOpener struct {
	e *env
	t *testing.T
}

func (o *switchingOpener) Open(ctx context.Context, practiceID string) (pms.PMS, *time.Location, error) {
	p, loc, err := o.e.svc.Open(ctx, practiceID)
	if err != nil {
		return nil, nil, err
	}
	if _, err := o.e.svc.ConnectSikka(o.e.owner, officeID, secret, ""); err != nil {
		o.t.Fatal(err)
	}
	return p, loc, nil
}

// A sandbox is kept in the database: another process (or this one after a
// restart) over the same database knows its writes and issues no id twice.
func TestSandboxSurvivesARestart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, sikkatest.Options{})
		if _, err := e.svc.ConnectSandbox(e.owner); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		create := func(svc interface {
			Open(context.Context, string) (pms.PMS, *time.Location, error)
		}, first string) (pms.PMS, string) {
			p, _, err := svc.Open(ctx, e.id)
			if err != nil {
				t.Fatal(err)
			}
			wb, err := p.CreatePatient(ctx, pms.NewPatient{FirstName: first, LastName: "Caller", BirthDate: calendar.Date{Year: 1980, Month: 1, Day: 2}})
			if err != nil {
				t.Fatal(err)
			}
			return p, wb
		}
		before, wb1 := create(e.svc, "Before")
		e.clk.Advance(time.Minute)
		st, err := before.WritebackStatus(ctx, wb1)
		if err != nil || st.State != pms.WritebackCompleted {
			t.Fatalf("%+v %v", st, err)
		}
		e.clk.Advance(48 * time.Hour)
		restarted := e.service()
		after, wb2 := create(restarted, "After")
		e.clk.Advance(time.Minute)
		if again, err := after.WritebackStatus(ctx, wb1); err != nil || again != st {
			t.Fatalf("after the restart the first write is %+v, %v; was %+v", again, err, st)
		}
		st2, err := after.WritebackStatus(ctx, wb2)
		if err != nil || st2.State != pms.WritebackCompleted || st2.CreatedID == st.CreatedID {
			t.Fatalf("the new patient got %+v (%v), the earlier one %s", st2, err, st.CreatedID)
		}
		// Seen from the first process too.
		if got, err := before.WritebackStatus(ctx, wb2); err != nil || got != st2 {
			t.Fatalf("the first process sees %+v, %v", got, err)
		}
	})
}
