package writeback_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/patient"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/fixture"
	"github.com/frontdesk/frontdesk/internal/jobargs"
	"github.com/frontdesk/frontdesk/internal/mirror"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/pmstest"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/writeback"
)

var (
	discard = slog.New(slog.NewTextHandler(io.Discard, nil))
	newYork = fixture.NewYork
	now     = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
)

type env struct {
	db     *database.DB
	clk    *clock.Fake
	sb     *sandbox.Sandbox
	book   *booking.Service
	worker *writeback.Worker
	ctx    context.Context
	id     string
}

func newEnv(t *testing.T, db *database.DB, wrap func(pms.PMS) pms.PMS) *env {
	t.Helper()
	clk := clock.NewFake(now)
	m := fixture.Mirror(t, db, fixture.Options{
		Clock: clk, Sandbox: sandbox.Config{Seed: 5, WritebackDelay: 30 * time.Second}, Name: "Writeback Dental",
		Practice: func(p *ent.PracticeCreate) { p.SetLeadTimeMinutes(60) },
	})
	var p pms.PMS = m.Sandbox
	if wrap != nil {
		p = wrap(m.Sandbox)
	}
	w := &writeback.Worker{DB: db, PMS: pmstest.Fixed{PMS: p, Location: newYork}, Clock: clk, Actions: &actionitems.Service{DB: db, Clock: clk}, Log: discard,
		Policy: writeback.Policy{PollBase: 2 * time.Second, PollMax: 30 * time.Second, Budget: 10 * time.Minute, MaxSubmits: 3}}
	return &env{db: db, clk: clk, sb: m.Sandbox, book: &booking.Service{DB: db, Clock: clk, Queue: fixture.Queue(t, db, w)}, worker: w, ctx: m.Owner, id: m.ID}
}

// drive works the appointment's job as river would, following snoozes on
// the fake clock, until it ends; it returns how many times the job ran
// and the last error.
func (e *env) drive(t *testing.T, appointmentID string, maxRuns int) (int, error) {
	t.Helper()
	job := &river.Job[jobargs.Writeback]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 25}, Args: jobargs.Writeback{PracticeID: e.id, AppointmentID: appointmentID}}
	for run := 1; run <= maxRuns; run++ {
		err := e.worker.Work(context.Background(), job)
		var snooze *river.JobSnoozeError
		if errors.As(err, &snooze) {
			e.clk.Advance(snooze.Duration)
			continue
		}
		return run, err
	}
	return maxRuns, errors.New("still snoozing")
}

func (e *env) appointment(t *testing.T, id string) *ent.Appointment {
	t.Helper()
	return e.db.Client(e.ctx).Appointment.GetX(e.ctx, id)
}

func (e *env) sandboxAppointments(t *testing.T, patientPMSID string) []pms.Appointment {
	t.Helper()
	var out []pms.Appointment
	for a, err := range e.sb.Appointments(context.Background(), pms.AppointmentQuery{PatientID: patientPMSID}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func newCaller() *booking.NewPatient {
	return &booking.NewPatient{FirstName: "Jordan", LastName: "Whitaker", BirthDate: "1994-11-05", Phone: "555-010-0188"}
}

func TestNewPatientAndAppointmentReachThePMS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, nil)
		appt, err := e.book.Book(e.ctx, booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", NewPatient: newCaller(), Notes: "sensitive tooth"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.drive(t, appt.ID, 50); err != nil {
			t.Fatal(err)
		}
		got := e.appointment(t, appt.ID)
		if got.WritebackState != appointment.WritebackStateCONFIRMED || got.PmsID == nil {
			t.Fatalf("appointment %+v", got)
		}
		pat := e.db.Client(e.ctx).Patient.GetX(e.ctx, *got.PatientID)
		if pat.PmsID == nil {
			t.Fatal("the patient got no PMS id")
		}
		inPMS := e.sandboxAppointments(t, *pat.PmsID)
		if len(inPMS) != 1 || inPMS[0].ID != *got.PmsID || !inPMS[0].Start.Equal(got.StartAt) {
			t.Fatalf("the PMS holds %+v", inPMS)
		}
		states := e.db.Client(e.ctx).Writeback.Query().Where(ewb.AppointmentID(appt.ID)).Select(ewb.FieldState).StringsX(e.ctx)
		for _, s := range states {
			if s != string(ewb.StateCOMPLETED) {
				t.Fatalf("writebacks %v", states)
			}
		}

		// Cancel and move go through the same path.
		if _, err := e.book.Cancel(e.ctx, appt.ID, "schedule conflict"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.drive(t, appt.ID, 50); err != nil {
			t.Fatal(err)
		}
		inPMS = e.sandboxAppointments(t, *pat.PmsID)
		if !inPMS[0].Cancelled {
			t.Fatalf("cancelled here, not in the PMS: %+v", inPMS[0])
		}
	})
}

func TestRescheduleReachesThePMS(t *testing.T) {
	e := newEnv(t, dbtest.Open(t), nil)
	pat := e.db.Client(e.ctx).Patient.Query().Where(patient.PmsIDNotNil()).Order(patient.ByID()).FirstX(e.ctx)
	appt, err := e.book.Book(e.ctx, booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", PatientID: pat.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.drive(t, appt.ID, 50); err != nil {
		t.Fatal(err)
	}
	a, err := e.book.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Exam", Provider: *appt.ProviderID, From: calendar.Date{Year: 2026, Month: 12, Day: 10}})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := e.book.Reschedule(e.ctx, appt.ID, a.Slots[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.drive(t, appt.ID, 50); err != nil {
		t.Fatal(err)
	}
	for _, x := range e.sandboxAppointments(t, *pat.PmsID) {
		if x.ID == *e.appointment(t, appt.ID).PmsID && !x.Start.Equal(moved.StartAt) {
			t.Fatalf("the PMS still has %s, we moved to %s", x.Start, moved.StartAt)
		}
	}
	if s := e.appointment(t, appt.ID).WritebackState; s != appointment.WritebackStateCONFIRMED {
		t.Fatalf("state %s", s)
	}
}

func TestARefusedWritebackIsReportedAndCanBeRetried(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		refuse := true
		e := newEnv(t, db, nil)
		e.sb = sandbox.New(sandbox.Config{Seed: 5, Location: newYork, Clock: e.clk, WritebackDelay: 30 * time.Second,
			FailWritebacks: func(kind string) string {
				if refuse && kind == sandbox.KindCreateAppointment {
					return "Operatory is blocked"
				}
				return ""
			}})
		e.worker.PMS = pmstest.Fixed{PMS: e.sb, Location: newYork}
		pat := e.db.Client(e.ctx).Patient.Query().Where(patient.PmsIDNotNil()).Order(patient.ByID()).FirstX(e.ctx)
		appt, err := e.book.Book(e.ctx, booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", PatientID: pat.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.drive(t, appt.ID, 50); err != nil {
			t.Fatal(err)
		}
		got := e.appointment(t, appt.ID)
		if got.WritebackState != appointment.WritebackStateFAILED || !strings.Contains(got.WritebackError, "Operatory is blocked") {
			t.Fatalf("appointment %+v", got)
		}
		// Still visible, still holding its slot, and staff are told.
		if got.Status != appointment.StatusSCHEDULED {
			t.Fatalf("status %s", got.Status)
		}
		items := e.db.Client(e.ctx).ActionItem.Query().Where(actionitem.AppointmentID(appt.ID)).AllX(e.ctx)
		if len(items) != 1 || items[0].Kind != actionitem.KindWRITEBACK_FAILED || items[0].Status != actionitem.StatusOPEN ||
			!strings.Contains(items[0].Summary, "Operatory is blocked") {
			t.Fatalf("action items %+v", items)
		}

		refuse = false
		if _, err := e.book.RetryWriteback(e.ctx, appt.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.drive(t, appt.ID, 50); err != nil {
			t.Fatal(err)
		}
		if s := e.appointment(t, appt.ID).WritebackState; s != appointment.WritebackStateCONFIRMED {
			t.Fatalf("after retry: %s", s)
		}
		if it := e.db.Client(e.ctx).ActionItem.GetX(e.ctx, items[0].ID); it.Status != actionitem.StatusRESOLVED {
			t.Fatalf("the action item stayed %s", it.Status)
		}
		if _, err := e.book.RetryWriteback(e.ctx, appt.ID); err == nil {
			t.Fatal("retrying a confirmed writeback succeeded")
		}
	})
}

// stalled is a PMS whose writes never run.
type stalled struct {
	pms.PMS
	withdrawn []string
}

func (s *stalled) WritebackStatus(context.Context, string) (pms.WritebackStatus, error) {
	return pms.WritebackStatus{State: pms.WritebackPending}, nil
}

func (s *stalled) CancelWriteback(_ context.Context, id string) error {
	s.withdrawn = append(s.withdrawn, id)
	return nil
}

func TestAWriteThatNeverRunsIsWithdrawnAfterTheBudget(t *testing.T) {
	var st *stalled
	e := newEnv(t, dbtest.Open(t), func(p pms.PMS) pms.PMS { st = &stalled{PMS: p}; return st })
	pat := e.db.Client(e.ctx).Patient.Query().Where(patient.PmsIDNotNil()).Order(patient.ByID()).FirstX(e.ctx)
	appt, err := e.book.Book(e.ctx, booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", PatientID: pat.ID})
	if err != nil {
		t.Fatal(err)
	}
	start := e.clk.Now()
	runs, err := e.drive(t, appt.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	waited := e.clk.Now().Sub(start)
	if waited < 10*time.Minute || waited > 12*time.Minute || runs > 30 {
		t.Fatalf("gave up after %s and %d polls", waited, runs)
	}
	got := e.appointment(t, appt.ID)
	if got.WritebackState != appointment.WritebackStateFAILED || len(st.withdrawn) != 1 {
		t.Fatalf("state %s, withdrawn %v", got.WritebackState, st.withdrawn)
	}
}

// lostAnswer sends the create but loses the PMS's answer, as a crash (or a
// timeout) right after the send would.
type lostAnswer struct {
	pms.PMS
	lose  bool
	sends int
}

func (l *lostAnswer) CreateAppointment(ctx context.Context, a pms.NewAppointment) (string, error) {
	l.sends++
	id, err := l.PMS.CreateAppointment(ctx, a)
	if err == nil && l.lose {
		l.lose = false
		return "", errors.New("connection reset by peer")
	}
	return id, err
}

func (l *lostAnswer) QueuedWrites(ctx context.Context, since time.Time) ([]pms.QueuedWrite, error) {
	return l.PMS.(pms.WriteLister).QueuedWrites(ctx, since)
}

func TestALostAnswerIsFoundNotSentAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		var la *lostAnswer
		e := newEnv(t, db, func(p pms.PMS) pms.PMS { la = &lostAnswer{PMS: p, lose: true}; return la })
		pat := e.db.Client(e.ctx).Patient.Query().Where(patient.PmsIDNotNil()).Order(patient.ByID()).FirstX(e.ctx)
		before := len(e.sandboxAppointments(t, *pat.PmsID))
		appt, err := e.book.Book(e.ctx, booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", PatientID: pat.ID})
		if err != nil {
			t.Fatal(err)
		}
		// The first run sends, loses the answer and fails, as river sees it.
		_, err = e.drive(t, appt.ID, 5)
		if err == nil || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("first run: %v", err)
		}
		if s := e.db.Client(e.ctx).Writeback.Query().Where(ewb.AppointmentID(appt.ID)).OnlyX(e.ctx).State; s != ewb.StateSUBMITTING {
			t.Fatalf("state %s", s)
		}
		// River retries; the job asks the PMS before sending again.
		if _, err := e.drive(t, appt.ID, 50); err != nil {
			t.Fatal(err)
		}
		if la.sends != 1 {
			t.Fatalf("sent %d times", la.sends)
		}
		if n := len(e.sandboxAppointments(t, *pat.PmsID)); n != before+1 {
			t.Fatalf("the PMS has %d new appointments", n-before)
		}
		if s := e.appointment(t, appt.ID).WritebackState; s != appointment.WritebackStateCONFIRMED {
			t.Fatalf("state %s", s)
		}
	})
}

// TestASyncBetweenTheWriteAndItsIDMergesCopies: the PMS has run our writes,
// and a sync mirrors its copies of the new patient and appointment before
// the job learns their ids. The job then merges them into the rows it made:
// one patient, one appointment.
func TestASyncBetweenTheWriteAndItsIDMergesCopies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, nil)
		c := e.db.Client(e.ctx)
		appt, err := e.book.Book(e.ctx, booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", NewPatient: newCaller()})
		if err != nil {
			t.Fatal(err)
		}
		syncer := &mirror.Syncer{DB: db, PMS: pmstest.Fixed{PMS: e.sb, Location: newYork}, Clock: e.clk, Log: discard}
		job := &river.Job[jobargs.Writeback]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 25}, Args: jobargs.Writeback{PracticeID: e.id, AppointmentID: appt.ID}}
		// Run the job one step at a time; whenever the PMS has run a write
		// the job has not yet seen, let a full sync in first.
		for range 60 {
			e.clk.Advance(time.Minute) // every queued write has run in the sandbox
			if _, err := syncer.Sync(context.Background(), e.id, true); err != nil {
				t.Fatal(err)
			}
			err := e.worker.Work(context.Background(), job)
			var snooze *river.JobSnoozeError
			if errors.As(err, &snooze) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		got := e.appointment(t, appt.ID)
		if got.WritebackState != appointment.WritebackStateCONFIRMED || got.PmsID == nil {
			t.Fatalf("appointment %+v", got)
		}
		if n := c.Patient.Query().Where(patient.LastName("Whitaker")).CountX(e.ctx); n != 1 {
			t.Fatalf("%d Whitaker patients", n)
		}
		if n := c.Appointment.Query().Where(appointment.PmsID(*got.PmsID)).CountX(e.ctx); n != 1 {
			t.Fatalf("%d rows for the PMS appointment", n)
		}
		if pat := c.Patient.GetX(e.ctx, *got.PatientID); pat.PmsID == nil || pat.LastName != "Whitaker" {
			t.Fatalf("patient %+v", pat)
		}
	})
}
