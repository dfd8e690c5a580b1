package booking_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/patient"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/fixture"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/scheduling"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/writeback"
)

var (
	newYork = fixture.NewYork
	// Tuesday 2026-12-01, 10:00 in New York.
	now = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
)

type env struct {
	db  *database.DB
	svc *booking.Service
	clk *clock.Fake
	ctx context.Context // the practice's owner
	id  string
}

// newEnv is a practice mirrored from the sandbox, synced at now.
func newEnv(t testing.TB, db *database.DB) *env {
	t.Helper()
	clk := clock.NewFake(now)
	m := fixture.Mirror(t, db, fixture.Options{
		Clock: clk, Sandbox: sandbox.Config{Seed: 5}, Name: "Booking Dental",
		Practice: func(p *ent.PracticeCreate) { p.SetLeadTimeMinutes(60) },
	})
	return &env{db: db, svc: &booking.Service{DB: db, Clock: clk, Queue: fixture.Queue(t, db, &writeback.Worker{})}, clk: clk, ctx: m.Owner, id: m.ID}
}

func (e *env) somePatient(t testing.TB) *ent.Patient {
	t.Helper()
	return e.db.Client(e.ctx).Patient.Query().Where(patient.PmsIDNotNil()).Order(patient.ByID()).FirstX(e.ctx)
}

func TestAvailability(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	a, err := e.svc.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "cleaning"})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Slots) == 0 || len(a.Slots) > 20 {
		t.Fatalf("%d slots", len(a.Slots))
	}
	p := e.db.Client(e.ctx).Practice.GetX(e.ctx, e.id)
	for _, s := range a.Slots {
		if s.Start.Before(now.Add(time.Hour)) {
			t.Errorf("slot %s is inside the lead time", s.Start)
		}
		if s.Start.Location().String() != "America/New_York" || s.Type.Name != "Cleaning" || s.Provider == nil || s.OperatoryID == "" {
			t.Errorf("slot %+v", s)
		}
		local := s.Start.In(newYork)
		open := false
		for _, r := range p.PmsHours[local.Weekday()] {
			m := local.Hour()*60 + local.Minute()
			if m >= r.Start && m+60 <= r.End {
				open = true
			}
		}
		if !open {
			t.Errorf("slot %s is outside the practice's hours", local)
		}
		if !strings.Contains(s.Spoken, " at ") || !strings.Contains(s.Spoken, "with ") {
			t.Errorf("spoken %q", s.Spoken)
		}
	}

	// Filters: a provider by name, the afternoon only.
	first := a.Slots[0].Provider
	b, err := e.svc.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Cleaning", Provider: first.LastName, TimeOfDay: scheduling.Afternoon})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range b.Slots {
		if s.Provider.ID != first.ID || s.Start.In(newYork).Hour() < 12 || s.Start.In(newYork).Hour() >= 17 {
			t.Errorf("filtered slot %+v at %s", s.Provider.LastName, s.Start)
		}
	}

	// A Sunday has nothing; the answer says when the next opening is.
	sunday := calendar.Date{Year: 2026, Month: 12, Day: 6}
	c, err := e.svc.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Exam", From: sunday, To: sunday})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Slots) != 0 || c.NextAvailable == nil || !c.NextAvailable.Start.After(sunday.In(newYork)) {
		t.Fatalf("sunday: %d slots, next %+v", len(c.Slots), c.NextAvailable)
	}

	for _, bad := range []booking.AvailabilityQuery{{AppointmentType: "tattoo"}, {AppointmentType: "Exam", Provider: "Dr. Nobody"}} {
		if _, err := e.svc.Availability(e.ctx, bad); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// TestAvailabilityBounds: one question's results and date range are bounded
// here, for the API and the phone alike, and refused before any work.
func TestAvailabilityBounds(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	from := calendar.Date{Year: 2026, Month: 12, Day: 7}
	last := calendar.DateOf(from.In(newYork).AddDate(0, 0, booking.MaxSearchDays-1))
	past := calendar.DateOf(from.In(newYork).AddDate(0, 0, booking.MaxSearchDays))
	for _, tt := range []struct {
		name string
		q    booking.AvailabilityQuery
		ok   bool
	}{
		{"the most results", booking.AvailabilityQuery{AppointmentType: "Exam", From: from, To: last, MaxResults: booking.MaxResultsLimit}, true},
		{"too many results", booking.AvailabilityQuery{AppointmentType: "Exam", From: from, MaxResults: booking.MaxResultsLimit + 1}, false},
		{"negative results", booking.AvailabilityQuery{AppointmentType: "Exam", From: from, MaxResults: -1}, false},
		{"a range too long", booking.AvailabilityQuery{AppointmentType: "Exam", From: from, To: past}, false},
		{"ten years", booking.AvailabilityQuery{AppointmentType: "Exam", To: calendar.Date{Year: 2036, Month: 12, Day: 1}, MaxResults: 100000}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := e.svc.Availability(e.ctx, tt.q)
			if tt.ok {
				if err != nil || len(a.Slots) != booking.MaxResultsLimit {
					t.Fatalf("got %v, %v", a, err)
				}
				return
			}
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("got %v, want INVALID", err)
			}
		})
	}
}

func TestBookExistingPatient(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		a, err := e.svc.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Exam"})
		if err != nil {
			t.Fatal(err)
		}
		slot := a.Slots[0]
		pat := e.somePatient(t)
		appt, err := e.svc.Book(e.ctx, booking.BookRequest{SlotID: slot.ID, PatientID: pat.ID, Notes: "first visit in a while", Source: appointment.SourcePHONE})
		if err != nil {
			t.Fatal(err)
		}
		if !appt.StartAt.Equal(slot.Start) || appt.WritebackState != appointment.WritebackStatePENDING || appt.Source != appointment.SourcePHONE ||
			*appt.ProviderID != slot.Provider.ID || appt.OperatoryID == nil {
			t.Fatalf("appointment = %+v", appt)
		}
		c := db.Client(e.ctx)
		kinds := c.Writeback.Query().Where(ewb.AppointmentID(appt.ID)).Select(ewb.FieldKind).StringsX(e.ctx)
		if len(kinds) != 1 || kinds[0] != string(ewb.KindCREATE_APPOINTMENT) {
			t.Fatalf("writebacks %v", kinds)
		}
		if n := jobCount(t, db, "pms_writeback"); n != 1 {
			t.Fatalf("%d writeback jobs", n)
		}
		// The slot is gone.
		again, _ := e.svc.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Exam", Provider: slot.Provider.ID, From: calendar.DateOf(slot.Start), To: calendar.DateOf(slot.Start)})
		for _, s := range again.Slots {
			if s.ID == slot.ID {
				t.Fatal("the booked slot is still offered")
			}
		}
		// Booking it again is refused, with alternatives.
		_, err = e.svc.Book(e.ctx, booking.BookRequest{SlotID: slot.ID, PatientID: pat.ID})
		var taken *booking.SlotTakenError
		if !errors.As(err, &taken) || apperr.CodeOf(err) != apperr.Conflict || len(taken.Alternatives) == 0 || !strings.Contains(err.Error(), "just taken") {
			t.Fatalf("second booking: %v", err)
		}
		if n := c.Appointment.Query().Where(appointment.StartAt(slot.Start.UTC()), appointment.ProviderID(slot.Provider.ID)).CountX(e.ctx); n != 1 {
			t.Fatalf("%d appointments in one slot", n)
		}
	})
}

func TestBookNewPatient(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := e.db.Client(e.ctx)
	req := booking.BookRequest{
		Start:           "2026-12-08T09:00",
		AppointmentType: "Exam",
		NewPatient:      &booking.NewPatient{FirstName: "Jordan", LastName: "Whitaker", BirthDate: "1994-11-05", Phone: "(555) 010-0188"},
		Source:          appointment.SourcePHONE,
	}
	appt, err := e.svc.Book(e.ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	pat := c.Patient.GetX(e.ctx, *appt.PatientID)
	if pat.PmsID != nil || pat.Phones[0] != "+15550100188" || pat.BirthDate != "1994-11-05" {
		t.Fatalf("patient = %+v", pat)
	}
	if got := appt.StartAt.In(newYork).Format("2006-01-02T15:04"); got != "2026-12-08T09:00" {
		t.Fatalf("start %s", got)
	}
	kinds := c.Writeback.Query().Where(ewb.AppointmentID(appt.ID)).Order(ewb.ByCreatedAt()).Select(ewb.FieldKind).StringsX(e.ctx)
	if len(kinds) != 2 || kinds[0] != string(ewb.KindCREATE_PATIENT) {
		t.Fatalf("writebacks %v", kinds)
	}
	// The same person calling again is the same patient, created once.
	req.Start = "2026-12-15T09:00"
	req.NewPatient.FirstName = "JORDAN"
	appt2, err := e.svc.Book(e.ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if *appt2.PatientID != pat.ID {
		t.Fatal("a second patient was made for the same person")
	}
	if n := c.Writeback.Query().Where(ewb.KindEQ(ewb.KindCREATE_PATIENT)).CountX(e.ctx); n != 1 {
		t.Fatalf("%d patient creates", n)
	}
}

func TestBookRefusesBadRequests(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	pat := e.somePatient(t)
	tests := []struct {
		name string
		req  booking.BookRequest
		code apperr.Code
	}{
		{"no time", booking.BookRequest{PatientID: pat.ID, AppointmentType: "Exam"}, apperr.Invalid},
		{"no patient", booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam"}, apperr.Invalid},
		{"unknown patient", booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", PatientID: "pat_nope"}, apperr.NotFound},
		{"bad birth date", booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", NewPatient: &booking.NewPatient{FirstName: "A", LastName: "B", BirthDate: "03/14/1986"}}, apperr.Invalid},
		{"future birth date", booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", NewPatient: &booking.NewPatient{FirstName: "A", LastName: "B", BirthDate: "2030-01-01"}}, apperr.Invalid},
		{"unknown slot", booking.BookRequest{SlotID: "202612080900-zzzzzz", PatientID: pat.ID}, apperr.Invalid},
		{"Sunday", booking.BookRequest{Start: "2026-12-06T10:00", AppointmentType: "Exam", PatientID: pat.ID}, apperr.Invalid},
		{"too soon", booking.BookRequest{Start: "2026-12-01T10:15", AppointmentType: "Exam", PatientID: pat.ID}, apperr.Invalid},
		{"in the past", booking.BookRequest{Start: "2026-11-20T10:00", AppointmentType: "Exam", PatientID: pat.ID}, apperr.Invalid},
		{"off the grid", booking.BookRequest{Start: "2026-12-08T09:07", AppointmentType: "Exam", PatientID: pat.ID}, apperr.Invalid},
		{"a time that does not exist", booking.BookRequest{Start: "2027-03-14T02:30", AppointmentType: "Exam", PatientID: pat.ID}, apperr.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.svc.Book(e.ctx, tt.req)
			if apperr.CodeOf(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			if strings.Contains(err.Error(), pat.LastName) {
				t.Fatal("the error names the patient")
			}
		})
	}
	if n := e.db.Client(e.ctx).Appointment.Query().Where(appointment.SourceNEQ(appointment.SourcePMS)).CountX(e.ctx); n != 0 {
		t.Fatalf("%d appointments survived refused requests", n)
	}
}

// TestConcurrentBookingsOfOneSlot: callers racing for one slot get one
// booking and the rest a clear conflict.
func TestConcurrentBookingsOfOneSlot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		raceOneSlot(t, e, []*booking.Service{e.svc})
	})
}

// TestConcurrentBookingsFromTwoProcesses: two frontdesk processes (two
// connection pools) on one PostgreSQL behave as one.
func TestConcurrentBookingsFromTwoProcesses(t *testing.T) {
	db, url := dbtest.OpenPostgresSchema(t, "")
	second, err := database.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	e := newEnv(t, db)
	other := &booking.Service{DB: second, Clock: e.clk, Queue: fixture.Queue(t, second, &writeback.Worker{})}
	raceOneSlot(t, e, []*booking.Service{e.svc, other})
}

func raceOneSlot(t *testing.T, e *env, services []*booking.Service) {
	t.Helper()
	a, err := e.svc.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Exam", Provider: "Osei"})
	if err != nil {
		t.Fatal(err)
	}
	slot := a.Slots[0]
	const callers = 8
	var wg sync.WaitGroup
	results := make(chan error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := services[i%len(services)].Book(e.ctx, booking.BookRequest{
				SlotID:     slot.ID,
				NewPatient: &booking.NewPatient{FirstName: "Caller", LastName: string(rune('A' + i)), BirthDate: "1990-01-01"},
			})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	booked, taken := 0, 0
	for err := range results {
		switch {
		case err == nil:
			booked++
		case apperr.CodeOf(err) == apperr.Conflict:
			taken++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if booked != 1 || taken != callers-1 {
		t.Fatalf("%d booked, %d told it was taken", booked, taken)
	}
	c := e.db.Client(e.ctx)
	if n := c.Appointment.Query().Where(appointment.ProviderID(slot.Provider.ID), appointment.StartAt(slot.Start.UTC())).CountX(e.ctx); n != 1 {
		t.Fatalf("%d appointments in the slot", n)
	}
	// Nothing of the refused bookings is left behind.
	if n := c.Patient.Query().Where(patient.FirstName("Caller")).CountX(e.ctx); n != 1 {
		t.Fatalf("%d patients made by the race", n)
	}
}

func TestCancelAndReschedule(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		c := db.Client(e.ctx)
		pat := e.somePatient(t)
		appt, err := e.svc.Book(e.ctx, booking.BookRequest{Start: "2026-12-08T09:00", AppointmentType: "Exam", PatientID: pat.ID})
		if err != nil {
			t.Fatal(err)
		}
		// Moved before its create was sent: the create goes out with the new time.
		prov := *appt.ProviderID
		open, err := e.svc.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Exam", Provider: prov, From: calendar.Date{Year: 2026, Month: 12, Day: 9}, To: calendar.Date{Year: 2026, Month: 12, Day: 11}})
		if err != nil || len(open.Slots) < 2 {
			t.Fatalf("open slots: %v %d", err, len(open.Slots))
		}
		target, taken := open.Slots[0], open.Slots[len(open.Slots)-1]
		moved, err := e.svc.Reschedule(e.ctx, appt.ID, target.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if !moved.StartAt.Equal(target.Start) {
			t.Fatalf("moved to %s, want %s", moved.StartAt, target.Start)
		}
		if n := c.Writeback.Query().Where(ewb.AppointmentID(appt.ID)).CountX(e.ctx); n != 1 {
			t.Fatalf("%d writebacks after an early move", n)
		}
		// Onto someone else's time: refused.
		if _, err := e.svc.Book(e.ctx, booking.BookRequest{SlotID: taken.ID, PatientID: pat.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Reschedule(e.ctx, appt.ID, taken.ID, ""); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("moving onto a taken time: %v", err)
		}

		// Cancelled before its create was sent: nothing goes to the PMS.
		cancelled, err := e.svc.Cancel(e.ctx, appt.ID, "feeling better")
		if err != nil {
			t.Fatal(err)
		}
		if cancelled.Status != appointment.StatusCANCELLED {
			t.Fatalf("status %s", cancelled.Status)
		}
		states := c.Writeback.Query().Where(ewb.AppointmentID(appt.ID)).Select(ewb.FieldState).StringsX(e.ctx)
		if len(states) != 1 || states[0] != string(ewb.StateSKIPPED) {
			t.Fatalf("writebacks %v", states)
		}
		if _, err := e.svc.Cancel(e.ctx, appt.ID, ""); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("second cancel: %v", err)
		}
		if _, err := e.svc.Reschedule(e.ctx, appt.ID, "", "2026-12-11T09:00"); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("moving a cancelled appointment: %v", err)
		}
		// Its time is free again.
		if _, err := e.svc.Book(e.ctx, booking.BookRequest{SlotID: target.ID, PatientID: pat.ID}); err != nil {
			t.Fatalf("the cancelled time is not free: %v", err)
		}
		// A PMS appointment cancelled here gets a cancel writeback.
		fromPMS := c.Appointment.Query().Where(appointment.PmsIDNotNil(), appointment.StatusEQ(appointment.StatusSCHEDULED), appointment.StartAtGT(now)).FirstX(e.ctx)
		if _, err := e.svc.Cancel(e.ctx, fromPMS.ID, ""); err != nil {
			t.Fatal(err)
		}
		kinds := c.Writeback.Query().Where(ewb.AppointmentID(fromPMS.ID)).Select(ewb.FieldKind).StringsX(e.ctx)
		if len(kinds) != 1 || kinds[0] != string(ewb.KindCANCEL_APPOINTMENT) {
			t.Fatalf("writebacks %v", kinds)
		}
	})
}

func jobCount(t testing.TB, db *database.DB, kind string) int {
	t.Helper()
	var n int
	if err := db.SQL.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = '` + kind + `'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAvailabilityCacheFollowsChanges: answers are cached per practice, and
// any change to the schedule — by this process or another — shows in the
// next answer, even within the same minute.
func TestAvailabilityCacheFollowsChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		other := &booking.Service{DB: db, Clock: e.clk, Queue: e.svc.Queue} // another process
		q := booking.AvailabilityQuery{AppointmentType: "Exam", From: calendar.Date{Year: 2026, Month: 12, Day: 8}, To: calendar.Date{Year: 2026, Month: 12, Day: 8}, MaxResults: booking.MaxResultsLimit}
		offered := func() map[string]bool {
			a, err := e.svc.Availability(e.ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]bool{}
			for _, s := range a.Slots {
				m[s.ID] = true
			}
			return m
		}
		before := offered()
		var slot string
		for id := range before {
			slot = id
			break
		}
		pat := e.somePatient(t)
		appt, err := other.Book(e.ctx, booking.BookRequest{SlotID: slot, PatientID: pat.ID})
		if err != nil {
			t.Fatal(err)
		}
		if offered()[slot] {
			t.Fatal("a slot booked by another process is still offered")
		}
		if _, err := other.Cancel(e.ctx, appt.ID, ""); err != nil {
			t.Fatal(err)
		}
		if !offered()[slot] {
			t.Fatal("a cancelled slot is not offered again")
		}
		// The practice closes that day: nothing is offered.
		sys := tenant.System(context.Background(), e.id)
		db.Client(sys).Practice.UpdateOneID(e.id).SetClosures([]string{"2026-12-08"}).ExecX(tenant.Unscoped(context.Background()))
		if n := len(offered()); n != 0 {
			t.Fatalf("%d slots on a closed day", n)
		}
	})
}
