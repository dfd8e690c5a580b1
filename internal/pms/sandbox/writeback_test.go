package sandbox

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// freeSlot returns the first start from the anchor on, inside provider's
// hours, at which provider and op are free for length.
func freeSlot(t *testing.T, s *Sandbox, provider, op string, length time.Duration) time.Time {
	t.Helper()
	return freeSlotFrom(t, s, provider, op, length, testAnchor)
}

// freeSlotFrom is freeSlot from day from on.
func freeSlotFrom(t *testing.T, s *Sandbox, provider, op string, length time.Duration, from calendar.Date) time.Time {
	t.Helper()
	for d := from; compareDates(d, s.to) <= 0; d = addDays(d, 1) {
		if s.closed(d) {
			continue
		}
		for _, r := range s.providerHours[provider][weekday(d)] {
			for m := r.Start; m+int(length/time.Minute) <= r.End; m += 15 {
				start := time.Date(d.Year, d.Month, d.Day, 0, m, 0, 0, s.loc)
				s.mu.Lock()
				reason := s.checkBooking("", provider, op, start, length)
				s.mu.Unlock()
				if reason == "" {
					return start
				}
			}
		}
	}
	t.Fatal("no free slot")
	return time.Time{}
}

// upcoming returns the first booked appointment on or after the anchor.
func upcoming(t *testing.T, s *Sandbox) pms.Appointment {
	t.Helper()
	for _, a := range allAppointments(t, s, pms.AppointmentQuery{From: addDays(testAnchor, 5)}) {
		if !a.Cancelled {
			return a
		}
	}
	t.Fatal("no upcoming appointment")
	return pms.Appointment{}
}

// demoAppointment returns DemoPatient's upcoming cleaning.
func demoAppointment(t *testing.T, s *Sandbox) pms.Appointment {
	t.Helper()
	got := allAppointments(t, s, pms.AppointmentQuery{PatientID: DemoPatient.PatientID})
	if len(got) != 1 {
		t.Fatalf("DemoPatient has %d appointments", len(got))
	}
	return got[0]
}

func status(t *testing.T, s *Sandbox, id string) pms.WritebackStatus {
	t.Helper()
	st, err := s.WritebackStatus(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func find(t *testing.T, s *Sandbox, id string) (pms.Appointment, bool) {
	t.Helper()
	for _, a := range allAppointments(t, s, pms.AppointmentQuery{}) {
		if a.ID == id {
			return a, true
		}
	}
	return pms.Appointment{}, false
}

func TestCreateAppointmentLifecycle(t *testing.T) {
	s, clk := newTest(t, Config{Seed: 1})
	ctx := context.Background()
	requested := clk.Now()
	start := freeSlot(t, s, hygienistB, op4, time.Hour)
	before := len(allAppointments(t, s, pms.AppointmentQuery{}))

	wb, err := s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: hygienistB,
		OperatoryID: op4, TypeID: typeCleaning, Start: start.UTC(), Length: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^SBX-[A-Z2-7]{6}-000001$`).MatchString(wb) {
		t.Errorf("writeback id %q", wb)
	}
	clk.Advance(5*time.Second - time.Millisecond)
	if st := status(t, s, wb); st != (pms.WritebackStatus{State: pms.WritebackPending}) {
		t.Fatalf("before the delay: %+v", st)
	}
	if n := len(allAppointments(t, s, pms.AppointmentQuery{})); n != before {
		t.Fatal("the write applied while pending")
	}

	clk.Advance(time.Millisecond)
	st := status(t, s, wb)
	if st.State != pms.WritebackCompleted || st.CreatedID == "" {
		t.Fatalf("after the delay: %+v", st)
	}
	a, ok := find(t, s, st.CreatedID)
	want := pms.Appointment{ID: st.CreatedID, PatientID: "P00042", ProviderID: hygienistB, OperatoryID: op4,
		Type: typeCleaning, Start: start, Length: time.Hour, Status: statusScheduled, Description: "Cleaning",
		LastChanged: requested.Add(5 * time.Second)}
	if !ok || a != want {
		t.Errorf("created %+v\nwant    %+v", a, want)
	}
	changed := allAppointments(t, s, pms.AppointmentQuery{ChangedSince: requested})
	if len(changed) != 1 || changed[0].ID != st.CreatedID {
		t.Errorf("ChangedSince the request: %+v", changed)
	}
	if got := allAppointments(t, s, pms.AppointmentQuery{PatientID: "P00042", From: calendar.DateOf(start), To: calendar.DateOf(start)}); len(got) != 1 {
		t.Errorf("by patient and day: %+v", got)
	}
}

func TestCreatePatientLifecycle(t *testing.T) {
	s, clk := newTest(t, Config{Seed: 1})
	ctx := context.Background()
	nc := DemoNewCaller
	wb, err := s.CreatePatient(ctx, pms.NewPatient{FirstName: nc.FirstName, LastName: nc.LastName,
		BirthDate: nc.BirthDate, Phone: nc.Phone, ProviderID: generalDentist})
	if err != nil {
		t.Fatal(err)
	}
	byPhone := pms.PatientQuery{Phone: "(555) 010-0188"}
	if len(allPatients(t, s, byPhone)) != 0 {
		t.Fatal("the patient exists while the write is pending")
	}
	clk.Advance(5 * time.Second)
	st := status(t, s, wb)
	if st.State != pms.WritebackCompleted || st.CreatedID != "P02001" {
		t.Fatalf("status %+v", st)
	}
	got := allPatients(t, s, byPhone)
	if len(got) != 1 || got[0].ID != st.CreatedID || got[0].BirthDate != nc.BirthDate || !got[0].UpdatedAt.Equal(clk.Now()) {
		t.Fatalf("found %+v", got)
	}

	// The new patient can be booked once known.
	start := freeSlot(t, s, generalDentist, op1, 30*time.Minute)
	wb, err = s.CreateAppointment(ctx, pms.NewAppointment{PatientID: st.CreatedID, ProviderID: generalDentist,
		OperatoryID: op1, TypeID: typeExam, Start: start, Length: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Second)
	if st := status(t, s, wb); st.State != pms.WritebackCompleted {
		t.Errorf("booking the new patient: %+v", st)
	}
}

func TestWritebackFailures(t *testing.T) {
	ctx := context.Background()
	tomorrow := addDays(testAnchor, 1)
	tests := []struct {
		name  string
		fail  func(kind string) string
		write func(t *testing.T, s *Sandbox) (string, error)
		want  string
	}{
		{"unknown patient", nil, func(t *testing.T, s *Sandbox) (string, error) {
			return s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P99999", ProviderID: generalDentist,
				OperatoryID: op1, Start: freeSlot(t, s, generalDentist, op1, time.Hour), Length: time.Hour})
		}, "Patient not found"},
		{"unknown provider", nil, func(t *testing.T, s *Sandbox) (string, error) {
			return s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: "DDS9",
				OperatoryID: op1, Start: freeSlot(t, s, generalDentist, op1, time.Hour), Length: time.Hour})
		}, "Provider not found"},
		{"unknown operatory", nil, func(t *testing.T, s *Sandbox) (string, error) {
			return s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: generalDentist,
				OperatoryID: "OP9", Start: freeSlot(t, s, generalDentist, op1, time.Hour), Length: time.Hour})
		}, "Operatory not found"},
		{"unknown type", nil, func(t *testing.T, s *Sandbox) (string, error) {
			return s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: generalDentist,
				OperatoryID: op1, TypeID: "ROOT", Start: freeSlot(t, s, generalDentist, op1, time.Hour), Length: time.Hour})
		}, "Appointment type not found"},
		{"provider already booked", nil, func(t *testing.T, s *Sandbox) (string, error) {
			a := upcoming(t, s)
			return s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: a.ProviderID,
				OperatoryID: "OP3", Start: a.Start.Add(a.Length - time.Minute), Length: 30 * time.Minute})
		}, "Provider is already booked at that time"},
		{"operatory already booked", nil, func(t *testing.T, s *Sandbox) (string, error) {
			// A Sunday: nobody works, so only the operatory can clash.
			sunday := addDays(testAnchor, 4).In(s.loc).Add(10 * time.Hour)
			if _, err := s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: generalDentist,
				OperatoryID: op3, Start: sunday, Length: time.Hour}); err != nil {
				return "", err
			}
			return s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00043", ProviderID: prosthodontist,
				OperatoryID: op3, Start: sunday.Add(30 * time.Minute), Length: time.Hour})
		}, "Operatory is already booked at that time"},
		{"birth date in the future", nil, func(t *testing.T, s *Sandbox) (string, error) {
			return s.CreatePatient(ctx, pms.NewPatient{FirstName: "Not", LastName: "Born", BirthDate: tomorrow})
		}, "Birth date cannot be in the future"},
		{"unknown provider for a patient", nil, func(t *testing.T, s *Sandbox) (string, error) {
			return s.CreatePatient(ctx, pms.NewPatient{FirstName: "A", LastName: "B", ProviderID: "DDS9"})
		}, "Provider not found"},
		{"cancel an unknown appointment", nil, func(t *testing.T, s *Sandbox) (string, error) {
			return s.CancelAppointment(ctx, "A999999", "")
		}, "Appointment not found"},
		{"reschedule an unknown appointment", nil, func(t *testing.T, s *Sandbox) (string, error) {
			return s.RescheduleAppointment(ctx, "A999999", pms.Reschedule{Length: time.Hour})
		}, "Appointment not found"},
		{"reschedule onto a booked provider", nil, func(t *testing.T, s *Sandbox) (string, error) {
			demo := demoAppointment(t, s)
			for _, a := range allAppointments(t, s, pms.AppointmentQuery{From: testAnchor}) {
				if a.ProviderID == demo.ProviderID && !a.Cancelled && a.ID != demo.ID {
					return s.RescheduleAppointment(ctx, demo.ID, pms.Reschedule{Start: a.Start})
				}
			}
			t.Fatal("the hygienist has no other appointment")
			return "", nil
		}, "Provider is already booked at that time"},
		{"reschedule a cancelled appointment", nil, func(t *testing.T, s *Sandbox) (string, error) {
			for _, a := range allAppointments(t, s, pms.AppointmentQuery{}) {
				if a.Cancelled {
					return s.RescheduleAppointment(ctx, a.ID, pms.Reschedule{Start: a.Start.Add(24 * time.Hour)})
				}
			}
			t.Fatal("no cancelled appointment")
			return "", nil
		}, "Appointment is cancelled"},
		{"FailWritebacks", func(kind string) string {
			if kind == KindCreatePatient {
				return "SPU offline"
			}
			return ""
		}, func(t *testing.T, s *Sandbox) (string, error) {
			return s.CreatePatient(ctx, pms.NewPatient{FirstName: "A", LastName: "B"})
		}, "SPU offline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clk := newTest(t, Config{Seed: 1, Patients: 100, FailWritebacks: tt.fail})
			wb, err := tt.write(t, s)
			if err != nil {
				t.Fatal(err)
			}
			if st := status(t, s, wb); st.State != pms.WritebackPending {
				t.Fatalf("queued: %+v", st)
			}
			clk.Advance(5 * time.Second)
			if st := status(t, s, wb); st != (pms.WritebackStatus{State: pms.WritebackFailed, Reason: tt.want}) {
				t.Errorf("completed: %+v, want FAILED %q", st, tt.want)
			}
		})
	}
}

// TestDoubleBookingJudgedAtCompletion: both writes pass when queued; the PMS
// refuses the second when it runs, as Sikka's SPU would.
func TestDoubleBookingJudgedAtCompletion(t *testing.T) {
	s, clk := newTest(t, Config{Seed: 1})
	ctx := context.Background()
	start := freeSlot(t, s, generalDentist, op1, time.Hour)
	book := func(patient string, at time.Time) string {
		wb, err := s.CreateAppointment(ctx, pms.NewAppointment{PatientID: patient, ProviderID: generalDentist,
			OperatoryID: op1, Start: at, Length: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return wb
	}
	first := book("P00042", start)
	clk.Advance(time.Second)
	second := book("P00043", start.Add(30*time.Minute))
	clk.Advance(4 * time.Second)
	if st := status(t, s, first); st.State != pms.WritebackCompleted {
		t.Errorf("first: %+v", st)
	}
	if st := status(t, s, second); st.State != pms.WritebackPending {
		t.Errorf("second, before its delay: %+v", st)
	}
	clk.Advance(time.Second)
	if st := status(t, s, second); st.State != pms.WritebackFailed || st.Reason != "Provider is already booked at that time" {
		t.Errorf("second: %+v", st)
	}

	// A cancelled appointment does not hold its slot.
	var cancelled pms.Appointment
	for _, a := range allAppointments(t, s, pms.AppointmentQuery{}) {
		if a.Cancelled {
			cancelled = a
			break
		}
	}
	wb, err := s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: cancelled.ProviderID,
		OperatoryID: cancelled.OperatoryID, Start: cancelled.Start, Length: cancelled.Length})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Second)
	if st := status(t, s, wb); st.State != pms.WritebackCompleted {
		t.Errorf("booking a cancelled appointment's slot: %+v", st)
	}
}

func TestCancelAppointment(t *testing.T) {
	s, clk := newTest(t, Config{Seed: 1})
	ctx := context.Background()
	a := upcoming(t, s)
	requested := clk.Now()
	wb, err := s.CancelAppointment(ctx, a.ID, "feeling better")
	if err != nil {
		t.Fatal(err)
	}
	// Rebooking the slot, queued right behind the cancel, runs after it.
	rebook, err := s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: a.ProviderID,
		OperatoryID: a.OperatoryID, Start: a.Start, Length: a.Length})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := find(t, s, a.ID); got.Cancelled {
		t.Fatal("cancelled while pending")
	}
	clk.Advance(5 * time.Second)
	if st := status(t, s, wb); st != (pms.WritebackStatus{State: pms.WritebackCompleted}) {
		t.Errorf("status %+v", st)
	}
	got, _ := find(t, s, a.ID)
	want := a
	want.Status, want.Cancelled, want.LastChanged = statusCancelled, true, requested.Add(5*time.Second)
	if got != want {
		t.Errorf("after cancel %+v\nwant         %+v", got, want)
	}
	if st := status(t, s, rebook); st.State != pms.WritebackCompleted {
		t.Errorf("rebooking the freed slot: %+v", st)
	}
	changed := allAppointments(t, s, pms.AppointmentQuery{ChangedSince: requested})
	if len(changed) != 2 || changed[0].ID != a.ID {
		t.Errorf("ChangedSince: %+v", changed)
	}
}

func TestRescheduleAppointment(t *testing.T) {
	s, clk := newTest(t, Config{Seed: 1})
	ctx := context.Background()
	demo := demoAppointment(t, s)
	to := freeSlot(t, s, hygienistB, op4, demo.Length)

	wb, err := s.RescheduleAppointment(ctx, demo.ID, pms.Reschedule{Start: to, ProviderID: hygienistB, OperatoryID: op4})
	if err != nil {
		t.Fatal(err)
	}
	if got := demoAppointment(t, s); got != demo {
		t.Fatal("moved while pending")
	}
	clk.Advance(5 * time.Second)
	if st := status(t, s, wb); st != (pms.WritebackStatus{State: pms.WritebackCompleted}) {
		t.Errorf("status %+v", st)
	}
	want := demo
	want.Start, want.ProviderID, want.OperatoryID, want.LastChanged = to, hygienistB, op4, clk.Now()
	if got := demoAppointment(t, s); got != want {
		t.Errorf("after reschedule %+v\nwant             %+v", got, want)
	}

	// Shortening it overlaps only itself.
	wb, err = s.RescheduleAppointment(ctx, demo.ID, pms.Reschedule{Length: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(5 * time.Second)
	if st := status(t, s, wb); st.State != pms.WritebackCompleted {
		t.Errorf("shortening: %+v", st)
	}
	if got := demoAppointment(t, s); got.Length != 30*time.Minute || !got.Start.Equal(to) {
		t.Errorf("after shortening %+v", got)
	}
}

func TestCancelWriteback(t *testing.T) {
	s, clk := newTest(t, Config{Seed: 1})
	ctx := context.Background()
	withdrawn, err := s.CreatePatient(ctx, pms.NewPatient{FirstName: "Never", LastName: "Written", Phone: "+15550100177"})
	if err != nil {
		t.Fatal(err)
	}
	done, err := s.CreatePatient(ctx, pms.NewPatient{FirstName: "Was", LastName: "Written"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CancelWriteback(ctx, withdrawn); err != nil {
		t.Fatal(err)
	}
	if st := status(t, s, withdrawn); st.State != pms.WritebackFailed || st.Reason == "" {
		t.Errorf("withdrawn: %+v", st)
	}
	clk.Advance(time.Minute)
	if got := allPatients(t, s, pms.PatientQuery{Phone: "+15550100177"}); len(got) != 0 {
		t.Error("a withdrawn write applied")
	}
	if st := status(t, s, done); st.State != pms.WritebackCompleted || st.CreatedID != "P02001" {
		t.Errorf("the other write: %+v", st)
	}

	tests := []struct {
		id   string
		want error
	}{
		{withdrawn, pms.ErrRejected},
		{done, pms.ErrRejected},
		{"SBX-999999", pms.ErrNotFound},
	}
	for _, tt := range tests {
		if err := s.CancelWriteback(ctx, tt.id); !errors.Is(err, tt.want) {
			t.Errorf("CancelWriteback(%s) = %v, want %v", tt.id, err, tt.want)
		}
	}
	if _, err := s.WritebackStatus(ctx, "SBX-999999"); !errors.Is(err, pms.ErrNotFound) {
		t.Errorf("WritebackStatus of an unknown id: %v", err)
	}
}

func TestFailWritebacksKinds(t *testing.T) {
	var kinds []string
	s, _ := newTest(t, Config{Seed: 1, Patients: 10, FailWritebacks: func(kind string) string {
		kinds = append(kinds, kind)
		return ""
	}})
	ctx := context.Background()
	start := testAnchor.In(s.loc).Add(8 * time.Hour)
	for _, write := range []func() (string, error){
		func() (string, error) { return s.CreatePatient(ctx, pms.NewPatient{FirstName: "A", LastName: "B"}) },
		func() (string, error) {
			return s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00003", ProviderID: generalDentist,
				OperatoryID: op1, Start: start, Length: time.Hour})
		},
		func() (string, error) { return s.CancelAppointment(ctx, "A000001", "") },
		func() (string, error) { return s.RescheduleAppointment(ctx, "A000001", pms.Reschedule{Start: start}) },
	} {
		if _, err := write(); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{KindCreatePatient, KindCreateAppointment, KindCancelAppointment, KindRescheduleAppointment}
	if !slices.Equal(kinds, want) {
		t.Errorf("asked about %v, want %v", kinds, want)
	}
}

func TestRejectedRequests(t *testing.T) {
	s, _ := newTest(t, Config{Seed: 1, Patients: 10})
	ctx := context.Background()
	start := testAnchor.In(s.loc).Add(9 * time.Hour)
	ok := pms.NewAppointment{PatientID: "P00003", ProviderID: generalDentist, OperatoryID: op1, Start: start, Length: time.Hour}
	with := func(f func(*pms.NewAppointment)) pms.NewAppointment { a := ok; f(&a); return a }
	tests := []struct {
		name  string
		write func(ctx context.Context) (string, error)
	}{
		{"patient without a last name", func(ctx context.Context) (string, error) {
			return s.CreatePatient(ctx, pms.NewPatient{FirstName: "A", LastName: "  "})
		}},
		{"patient born on February 30", func(ctx context.Context) (string, error) {
			return s.CreatePatient(ctx, pms.NewPatient{FirstName: "A", LastName: "B", BirthDate: calendar.Date{Year: 2000, Month: time.February, Day: 30}})
		}},
		{"patient with a phone that is no number", func(ctx context.Context) (string, error) {
			return s.CreatePatient(ctx, pms.NewPatient{FirstName: "A", LastName: "B", Phone: "call me"})
		}},
		{"appointment without a patient", func(ctx context.Context) (string, error) {
			return s.CreateAppointment(ctx, with(func(a *pms.NewAppointment) { a.PatientID = "" }))
		}},
		{"appointment without an operatory", func(ctx context.Context) (string, error) {
			return s.CreateAppointment(ctx, with(func(a *pms.NewAppointment) { a.OperatoryID = "" }))
		}},
		{"appointment without a start", func(ctx context.Context) (string, error) {
			return s.CreateAppointment(ctx, with(func(a *pms.NewAppointment) { a.Start = time.Time{} }))
		}},
		{"appointment without a length", func(ctx context.Context) (string, error) {
			return s.CreateAppointment(ctx, with(func(a *pms.NewAppointment) { a.Length = 0 }))
		}},
		{"appointment at seconds past the minute", func(ctx context.Context) (string, error) {
			return s.CreateAppointment(ctx, with(func(a *pms.NewAppointment) { a.Start = start.Add(30 * time.Second) }))
		}},
		{"cancel without an id", func(ctx context.Context) (string, error) {
			return s.CancelAppointment(ctx, "", "")
		}},
		{"reschedule with nothing to change", func(ctx context.Context) (string, error) {
			return s.RescheduleAppointment(ctx, "A000001", pms.Reschedule{})
		}},
		{"reschedule to a negative length", func(ctx context.Context) (string, error) {
			return s.RescheduleAppointment(ctx, "A000001", pms.Reschedule{Length: -time.Hour})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.write(ctx); !errors.Is(err, pms.ErrRejected) {
				t.Errorf("err = %v, want ErrRejected", err)
			}
		})
	}

	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.CreateAppointment(done, ok); !errors.Is(err, context.Canceled) {
		t.Errorf("with a cancelled context: %v", err)
	}
	if _, err := s.Providers(done); !errors.Is(err, context.Canceled) {
		t.Errorf("Providers with a cancelled context: %v", err)
	}
	if len(s.writebacks) != 0 {
		t.Errorf("%d rejected requests were queued", len(s.writebacks))
	}
}
