package sikka

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

func TestWritebackID(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"long_message", `{"error_code":"API2016","long_message":"Id:275495","more_information":""}`, "275495"},
		{"long_message with space", `{"long_message":"Id: 252550"}`, "252550"},
		{"more_information only", `{"long_message":"","more_information":"https://api.sikkasoft.com/v4/writeback_status?id=159357"}`, "159357"},
		{"log_message", `{"log_message":"Id:77"}`, "77"},
		{"wrapped in an array", `[{"long_message":"Id:12"}]`, "12"},
		{"none", `{"long_message":"New resource created successfully"}`, ""},
		{"not JSON", `<html>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := writebackID([]byte(tt.body))
			if got != tt.want || (err != nil) != (tt.want == "") {
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
}

// booking seeds a practice and returns a valid new appointment.
func booking(e *env) pms.NewAppointment {
	s := e.connect(sikkatest.SeedOptions{Patients: 3})
	return pms.NewAppointment{
		PatientID: s.PatientIDs[0], ProviderID: s.ProviderIDs[0], OperatoryID: s.OperatoryIDs[1], TypeID: "2",
		Start: time.Date(2026, 3, 9, 10, 30, 0, 0, e.loc), Length: 45 * time.Minute, Description: "Cleaning & exam!",
	}
}

func TestCreateAppointment(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	a := booking(e)
	ctx := context.Background()
	// The caller's instant in another zone is still booked on the practice's wall clock.
	a.Start = a.Start.UTC()

	id, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	wbs := e.srv.Writebacks()
	if len(wbs) != 1 || wbs[0].ID != id {
		t.Fatalf("writebacks %+v", wbs)
	}
	body := wbs[0].Body
	for k, want := range map[string]string{
		"patient_id": a.PatientID, "provider_id": a.ProviderID, "operatory": a.OperatoryID, "date": "2026-03-09",
		"time": "10:30", "length": "45", "description": "Cleaning exam", "practice_id": "1", "type": "2", "check_spu": "true",
	} {
		if body[k] != want {
			t.Errorf("%s = %q, want %q", k, body[k], want)
		}
	}

	st, err := e.p.WritebackStatus(ctx, id)
	if err != nil || st != (pms.WritebackStatus{State: pms.WritebackPending}) {
		t.Fatalf("%+v, %v", st, err)
	}
	if err := e.srv.CompleteWriteback(id); err != nil {
		t.Fatal(err)
	}
	st, err = e.p.WritebackStatus(ctx, id)
	appts := e.srv.Appointments("D1")
	if err != nil || st.State != pms.WritebackCompleted || len(appts) != 1 || st.CreatedID != appts[0].SrNo {
		t.Fatalf("%+v, %v; fake holds %d appointments", st, err, len(appts))
	}
}

func TestWritebackStatusMapping(t *testing.T) {
	e := newEnv(t, sikkatest.Options{WritebackPolls: 2}, nil)
	a := booking(e)
	ctx := context.Background()

	ok, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	a.PatientID = "404"
	bad, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	failed, err := e.p.CreatePatient(ctx, pms.NewPatient{FirstName: "Ann", LastName: "Lee", ProviderID: "DR1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.FailWriteback(failed, "Duplicate patient"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id   string
		want []pms.WritebackStatus
	}{
		{ok, []pms.WritebackStatus{{State: pms.WritebackPending}, {State: pms.WritebackCompleted, CreatedID: "NEW"}}},
		{bad, []pms.WritebackStatus{{State: pms.WritebackPending}, {State: pms.WritebackFailed, Reason: "Patient does not exist in PMS"}}},
		{failed, []pms.WritebackStatus{{State: pms.WritebackFailed, Reason: "Duplicate patient"}}},
	}
	for _, tt := range tests {
		for i, want := range tt.want {
			got, err := e.p.WritebackStatus(ctx, tt.id)
			if want.CreatedID == "NEW" {
				want.CreatedID = e.srv.Appointments("D1")[0].SrNo
			}
			if err != nil || got != want {
				t.Errorf("writeback %s poll %d: %+v, %v; want %+v", tt.id, i+1, got, err, want)
			}
		}
	}
	if _, err := e.p.WritebackStatus(ctx, "999999"); !errors.Is(err, pms.ErrNotFound) {
		t.Fatalf("unknown writeback: %v", err)
	}
	if n := len(e.srv.Appointments("D1")); n != 1 {
		t.Fatalf("%d appointments created", n)
	}
}

func TestCreatePatient(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	s := e.connect(sikkatest.SeedOptions{})
	ctx := context.Background()
	id, err := e.p.CreatePatient(ctx, pms.NewPatient{
		FirstName: "Ann", LastName: "Lee", BirthDate: calendar.Date{Year: 1990, Month: 1, Day: 2}, Phone: "+15550100177",
		Email: "ann@example.com", ProviderID: s.ProviderIDs[0],
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.CompleteWriteback(id); err != nil {
		t.Fatal(err)
	}
	st, err := e.p.WritebackStatus(ctx, id)
	if err != nil || st.State != pms.WritebackCompleted || st.CreatedID == "" {
		t.Fatalf("%+v, %v", st, err)
	}
	pts, err := collect(e.p.Patients(ctx, pms.PatientQuery{Phone: "555-010-0177"}))
	if err != nil || len(pts) != 1 || pts[0].ID != st.CreatedID || pts[0].BirthDate != (calendar.Date{Year: 1990, Month: 1, Day: 2}) {
		t.Fatalf("%+v, %v", pts, err)
	}
	if got := e.srv.Patients("D1")[0].Cell; got != "5550100177" {
		t.Errorf("cell sent as %q, want the 10 national digits", got)
	}
	if _, err := e.p.CreatePatient(ctx, pms.NewPatient{FirstName: "Ann"}); !errors.Is(err, pms.ErrRejected) {
		t.Fatalf("missing fields: %v", err)
	}
}

func TestCreateAppointmentRejectedLocally(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	a := booking(e)
	a.OperatoryID = ""
	if _, err := e.p.CreateAppointment(context.Background(), a); !errors.Is(err, pms.ErrRejected) {
		t.Fatalf("got %v", err)
	}
	if n := e.srv.Requests("POST /v4/appointment"); n != 0 {
		t.Fatalf("%d calls for an incomplete booking", n)
	}
}

func TestCreateRetries(t *testing.T) {
	tests := []struct {
		name      string
		fault     sikkatest.Fault
		wantCalls int
		wantErr   error
	}{
		{"503 was refused, so it is retried", sikkatest.Overloaded, 2, nil},
		{"429 was refused, so it is retried", sikkatest.TooManyRequests(5), 2, nil},
		{"504 may have been queued, so it is not", sikkatest.GatewayTimeout, 1, pms.ErrUnavailable},
		{"500 may have been queued, so it is not", sikkatest.InternalError, 1, pms.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, sikkatest.Options{}, nil)
			a := booking(e)
			f := tt.fault
			f.Path = "/v4/appointment"
			e.srv.Inject(f)
			_, err := e.p.CreateAppointment(context.Background(), a)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("got %v", err)
			}
			if n := e.srv.Requests("POST /v4/appointment"); n != tt.wantCalls {
				t.Fatalf("%d calls, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestCreateWithExpiredKeyIsRepeatedOnce(t *testing.T) {
	e := newEnv(t, sikkatest.Options{KeyTTL: time.Hour}, nil)
	a := booking(e)
	k := mustKeys(t, e.store)
	k.Expires = time.Time{}
	e.p.st.setKeys(k)
	e.clk.Advance(2 * time.Hour)
	if _, err := e.p.CreateAppointment(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if n := len(e.srv.Writebacks()); n != 1 || e.srv.Requests("POST /v4/appointment") != 2 {
		t.Fatalf("%d writebacks after %d calls", n, e.srv.Requests("POST /v4/appointment"))
	}
}

func TestSPUOffline(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	a := booking(e)
	e.srv.SetSPUOnline("D1", false)
	_, err := e.p.CreateAppointment(context.Background(), a)
	var apiErr *Error
	if !errors.Is(err, pms.ErrUnavailable) || !errors.As(err, &apiErr) || apiErr.Code != "API2017" || apiErr.HTTPStatus != 412 {
		t.Fatalf("got %v", err)
	}
	if len(e.srv.Writebacks()) != 0 {
		t.Fatal("a write was queued while the SPU is offline")
	}
}

func TestCancelAndReschedule(t *testing.T) {
	e := newEnv(t, sikkatest.Options{WritebackPolls: 1}, nil)
	s := e.connect(sikkatest.SeedOptions{Appointments: 2, Patients: 2})
	ctx := context.Background()
	target := s.AppointmentIDs[1]

	id, err := e.p.CancelAppointment(ctx, target, "patient is travelling")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := e.p.WritebackStatus(ctx, id); err != nil || st.State != pms.WritebackCompleted {
		t.Fatalf("%+v, %v", st, err)
	}
	wb := e.srv.Writebacks()[0]
	if wb.Method != "PATCH" || wb.Body["op"] != "replace" || wb.Body["path"] != "/appointment_status" || wb.Body["value"] != "Cancelled" || wb.Body["appointment_sr_no"] != target {
		t.Fatalf("PATCH body %+v", wb.Body)
	}
	before := e.srv.Appointments("D1")[1]
	if before.Status != "Cancelled" {
		t.Fatalf("status %q after cancel", before.Status)
	}

	newStart := time.Date(2026, 3, 10, 14, 0, 0, 0, e.loc)
	id, err = e.p.RescheduleAppointment(ctx, target, pms.Reschedule{Start: newStart, OperatoryID: s.OperatoryIDs[2]})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := e.p.WritebackStatus(ctx, id); err != nil || st.State != pms.WritebackCompleted {
		t.Fatalf("%+v, %v", st, err)
	}
	put := e.srv.Writebacks()[1]
	if put.Method != "PUT" || put.Body["provider_id"] != before.ProviderID || put.Body["date"] != "2026-03-10" || put.Body["time"] != "14:00" {
		t.Fatalf("PUT body %+v", put.Body)
	}
	after := e.srv.Appointments("D1")[1]
	if after.Date != "2026-03-10" || after.Time != "14:00" || after.Operatory != s.OperatoryIDs[2] {
		t.Fatalf("rescheduled %+v", after)
	}
	if _, err := e.p.RescheduleAppointment(ctx, "nope", pms.Reschedule{Start: newStart}); !errors.Is(err, pms.ErrNotFound) {
		t.Fatalf("unknown appointment: %v", err)
	}
}

func TestCancelWriteback(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	a := booking(e)
	ctx := context.Background()
	pending, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.CompleteWriteback(done); err != nil {
		t.Fatal(err)
	}
	if err := e.p.CancelWriteback(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.WritebackStatus(ctx, pending); !errors.Is(err, pms.ErrNotFound) {
		t.Fatalf("a withdrawn writeback: %v", err)
	}
	if err := e.p.CancelWriteback(ctx, done); !errors.Is(err, pms.ErrRejected) {
		t.Fatalf("a completed writeback cannot be withdrawn: %v", err)
	}
}

func TestWritebacksListing(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	a := booking(e)
	ctx := context.Background()
	first, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(9 * 24 * time.Hour)
	second, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.CompleteWriteback(second); err != nil {
		t.Fatal(err)
	}
	wbs, err := e.c.Writebacks(ctx, t0.Add(-24*time.Hour), e.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if n := e.srv.Requests("GET /v4/writebacks"); n != 2 {
		t.Fatalf("%d requests for an 11-day range, want 2", n)
	}
	if len(wbs) != 2 || wbs[0].ID != first || !wbs[0].Pending() || wbs[1].ID != second || wbs[1].Pending() {
		t.Fatalf("%+v", wbs)
	}
	if !strings.Contains(wbs[0].RequestBody, "patient_id="+a.PatientID) || wbs[0].APIName != "appointment" || wbs[0].Method != "POST" {
		t.Fatalf("raw body %q", wbs[0].RequestBody)
	}
	if !wbs[0].CommandTime.Equal(t0) {
		t.Errorf("command time %v", wbs[0].CommandTime)
	}
}
