package sikka

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

func TestRequestFields(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want map[string]string
	}{
		{
			"Sikka's example",
			"request_key=6ae9dabf68***********0dbcf2&op=replace&path=/appointment_status&value=Ready to go back&practice_id=1-1&apiname=PATCH appointments&id=374",
			map[string]string{"op": "replace", "path": "/appointment_status", "value": "Ready to go back", "practice_id": "1-1", "id": "374"},
		},
		{
			"values holding & and =",
			"request_key=x&description=Cleaning & exam&note=frontdesk:9f2c&cancellation_note=a=b &  c&length=30",
			map[string]string{"description": "Cleaning & exam", "note": "frontdesk:9f2c", "cancellation_note": "a=b &  c", "length": "30"},
		},
		{"empty value", "note=&length=30", map[string]string{"note": "", "length": "30"}},
		{
			"JSON with numbers",
			`{"patient_id":50,"length":30.0,"note":" frontdesk:1 ","check_spu":true,"type":null,"request_key":"x"}`,
			map[string]string{"patient_id": "50", "length": "30.0", "note": " frontdesk:1 ", "check_spu": "true"},
		},
		{"empty", "", nil},
		{"no field first", "garbage&note=x", nil},
		{"broken JSON", `{"note":`, nil},
		{"nested JSON", `{"note":"x","codes":["D1110"]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := requestFields(tt.raw)
			if (got == nil) != (tt.want == nil) || !maps.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteKind(t *testing.T) {
	tests := []struct{ method, api, want string }{
		{"POST", "appointment", "create_appointment"},
		{"post", "Appointments", "create_appointment"},
		{"POST", "patient", "create_patient"},
		{"POST", "patients", "create_patient"},
		{"PATCH", "appointment", "cancel_appointment"},
		{"PATCH", "appointments", "cancel_appointment"},
		{"PUT", "appointments", "reschedule_appointment"},
		{"PATCH", "patient", ""},
		{"DELETE", "appointments", ""},
		{"POST", "payment", ""},
		{"POST", "", ""},
	}
	for _, tt := range tests {
		if got := writeKind(tt.method, tt.api); got != tt.want {
			t.Errorf("writeKind(%q, %q) = %q, want %q", tt.method, tt.api, got, tt.want)
		}
	}
}

// queued lists e.p's queued writes since since, failing the test on error.
func queued(t *testing.T, e *env, since time.Time) map[string]pms.QueuedWrite {
	t.Helper()
	ws, err := e.p.QueuedWrites(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]pms.QueuedWrite{}
	for _, w := range ws {
		out[w.ID] = w
	}
	if len(out) != len(ws) {
		t.Fatalf("a writeback listed twice: %+v", ws)
	}
	return out
}

func TestQueuedWrites(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	s := e.connect(sikkatest.SeedOptions{Patients: 3, Appointments: 3})
	ctx := context.Background()
	since := e.clk.Now().Add(-time.Minute)

	a := booking(e)
	a.Note = pms.MarkerPrefix + "appt-42"
	create, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Minute)
	patient, err := e.p.CreatePatient(ctx, pms.NewPatient{FirstName: "Nia", LastName: "Stone",
		BirthDate: calendar.Date{Year: 1990, Month: time.May, Day: 4}, Phone: "+15550100177", ProviderID: s.ProviderIDs[0]})
	if err != nil {
		t.Fatal(err)
	}
	cancel, err := e.p.CancelAppointment(ctx, s.AppointmentIDs[0], "")
	if err != nil {
		t.Fatal(err)
	}
	move, err := e.p.RescheduleAppointment(ctx, s.AppointmentIDs[1], pms.Reschedule{Start: time.Date(2026, 3, 10, 9, 0, 0, 0, e.loc)})
	if err != nil {
		t.Fatal(err)
	}

	// Writes of another office, and of another practice of this office.
	other := e.srv.SeedPractice("D2", "secret2", sikkatest.SeedOptions{Patients: 1})
	k2, err := e.c.RequestKey(ctx, "D2", "secret2")
	if err != nil {
		t.Fatal(err)
	}
	p2 := e.c.Practice("D2", other.PracticeID, e.loc, NewMemoryKeyStore(k2))
	second := e.srv.SeedPractice("D1", "secret", sikkatest.SeedOptions{PracticeID: "2", Patients: 1})
	k12, err := e.c.RequestKey(ctx, "D1", "secret")
	if err != nil {
		t.Fatal(err)
	}
	p12 := e.c.Practice("D1", second.PracticeID, e.loc, NewMemoryKeyStore(k12))
	for _, p := range []*Practice{p2, p12} {
		if _, err := p.CreatePatient(ctx, pms.NewPatient{FirstName: "Nia", LastName: "Stone", ProviderID: "DR1"}); err != nil {
			t.Fatal(err)
		}
	}

	got := queued(t, e, since)
	if len(got) != 4 {
		t.Fatalf("listed %d writes, want this practice's 4: %+v", len(got), got)
	}
	w := got[create]
	if w.Kind != "create_appointment" || !w.Pending || w.Body["note"] != "frontdesk:appt-42" || w.Body["patient_id"] != a.PatientID ||
		w.Body["date"] != "2026-03-09" || w.Body["time"] != "10:30" || w.Body["length"] != "45" || !w.Submitted.Equal(t0) {
		t.Errorf("create appointment %+v", w)
	}
	if _, ok := w.Body["request_key"]; ok {
		t.Error("the body keeps Sikka's masked request key")
	}
	w = got[patient]
	if w.Kind != "create_patient" || !w.Pending || w.Body["firstname"] != "Nia" || w.Body["lastname"] != "Stone" ||
		w.Body["birthdate"] != "1990-05-04" || w.Body["cell"] != "5550100177" || !w.Submitted.Equal(t0.Add(time.Minute)) {
		t.Errorf("create patient %+v", w)
	}
	if w = got[cancel]; w.Kind != "cancel_appointment" || w.Body["appointment_sr_no"] != s.AppointmentIDs[0] || w.Body["value"] != "Cancelled" {
		t.Errorf("cancel %+v", w)
	}
	// PUT sends the appointment only in its path; Sikka's listing appends it as id.
	if w = got[move]; w.Kind != "reschedule_appointment" || w.Body["appointment_sr_no"] != s.AppointmentIDs[1] || w.Body["date"] != "2026-03-10" || w.Body["time"] != "09:00" {
		t.Errorf("reschedule %+v", w)
	}
	if _, ok := got[move].Body["id"]; ok {
		t.Error("id stays in the reschedule's body")
	}

	if err := e.srv.CompleteWriteback(create); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.FailWriteback(patient, "Provider does not exist in PMS"); err != nil {
		t.Fatal(err)
	}
	if err := e.p.CancelWriteback(ctx, move); err != nil {
		t.Fatal(err)
	}
	got = queued(t, e, since)
	if got[create].Pending || got[patient].Pending || !got[cancel].Pending {
		t.Errorf("after the SPU ran two: %+v", got)
	}
	if _, ok := got[move]; ok {
		t.Error("a withdrawn write is listed")
	}
}

func TestQueuedWritesSince(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	a := booking(e)
	ctx := context.Background()
	write := func() string {
		t.Helper()
		id, err := e.p.CreateAppointment(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	ids := func(ws map[string]pms.QueuedWrite) map[string]bool {
		out := map[string]bool{}
		for id := range ws {
			out[id] = true
		}
		return out
	}

	first := write() // Monday 2026-03-02 15:00 UTC
	e.clk.Advance(20 * time.Hour)
	second := write() // Tuesday 11:00
	e.clk.Advance(8 * 24 * time.Hour)
	third := write() // Wednesday a week later, 11:00

	// Nine days back: two 7-day requests.
	before := e.srv.Requests("GET /v4/writebacks")
	got := ids(queued(t, e, t0.Add(-time.Hour)))
	if !maps.Equal(got, map[string]bool{first: true, second: true, third: true}) {
		t.Errorf("since before the first: %v", got)
	}
	if n := e.srv.Requests("GET /v4/writebacks") - before; n != 2 {
		t.Errorf("%d requests for 9 days, want 2", n)
	}
	// An hour before the second: the first, 19 hours earlier, is cut; what
	// is within the 14 hours a zone could shift command_time would stay.
	if got := ids(queued(t, e, t0.Add(19*time.Hour))); !maps.Equal(got, map[string]bool{second: true, third: true}) {
		t.Errorf("since an hour before the second: %v", got)
	}
	if got := ids(queued(t, e, e.clk.Now())); !maps.Equal(got, map[string]bool{third: true}) {
		t.Errorf("since now: %v", got)
	}

	before = e.srv.Requests("GET /v4/writebacks")
	for _, since := range []time.Time{{}, e.clk.Now().Add(-MaxLookback - time.Minute)} {
		if _, err := e.p.QueuedWrites(ctx, since); !errors.Is(err, pms.ErrRejected) {
			t.Errorf("since %v: %v, want ErrRejected", since, err)
		}
	}
	if n := e.srv.Requests("GET /v4/writebacks") - before; n != 0 {
		t.Errorf("%d requests for a refused since", n)
	}
}

func TestQueuedWritesListingFails(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	a := booking(e)
	ctx := context.Background()
	if _, err := e.p.CreateAppointment(ctx, a); err != nil {
		t.Fatal(err)
	}
	f := sikkatest.Overloaded
	f.Path, f.Times = "/v4/writebacks", 1+defaultMaxRetries // every attempt
	e.srv.Inject(f)
	ws, err := e.p.QueuedWrites(ctx, t0)
	if !errors.Is(err, pms.ErrUnavailable) || ws != nil {
		t.Fatalf("%+v, %v; want ErrUnavailable and nothing", ws, err)
	}

	e.srv.Inject(sikkatest.Fault{Path: "/v4/writebacks", Status: 401, Code: "API2003", ShortMessage: "Unauthorized"})
	if ws, err := e.p.QueuedWrites(ctx, t0); !errors.Is(err, pms.ErrCredentials) || ws != nil {
		t.Fatalf("%+v, %v; want ErrCredentials and nothing", ws, err)
	}
	if ws := queued(t, e, t0); len(ws) != 1 {
		t.Fatalf("once Sikka answers again: %+v", ws)
	}
}

// A range starting later in the day than it ends still covers its last day.
func TestWritebacksLastDay(t *testing.T) {
	e := newEnv(t, sikkatest.Options{}, nil)
	a := booking(e)
	ctx := context.Background()
	e.clk.Advance(6*24*time.Hour + 18*time.Hour) // Monday 2026-03-09 09:00 UTC
	id, err := e.p.CreateAppointment(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	wbs, err := e.c.Writebacks(ctx, t0, e.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(wbs) != 1 || wbs[0].ID != id || !wbs[0].Pending() {
		t.Fatalf("%+v", wbs)
	}
}
