package sandbox

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/pms"
)

func queuedWrites(t *testing.T, s *Sandbox, since time.Time) []pms.QueuedWrite {
	t.Helper()
	ws, err := s.QueuedWrites(context.Background(), since)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestQueuedWrites(t *testing.T) {
	s, clk := newTest(t, Config{Seed: 1, FailWritebacks: func(kind string) string {
		if kind == KindCancelAppointment {
			return "Appointment is locked"
		}
		return ""
	}})
	ctx := context.Background()
	first := clk.Now()
	start := freeSlot(t, s, hygienistB, op4, time.Hour)
	create, err := s.CreateAppointment(ctx, pms.NewAppointment{PatientID: "P00042", ProviderID: hygienistB, OperatoryID: op4,
		TypeID: typeCleaning, Start: start.UTC(), Length: time.Hour, Note: pms.MarkerPrefix + "appt-42"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	nc := DemoNewCaller
	patient, err := s.CreatePatient(ctx, pms.NewPatient{FirstName: nc.FirstName, LastName: nc.LastName,
		BirthDate: nc.BirthDate, Phone: nc.Phone, ProviderID: generalDentist})
	if err != nil {
		t.Fatal(err)
	}
	up := upcoming(t, s)
	cancel, err := s.CancelAppointment(ctx, up.ID, "Caller is ill")
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	later := clk.Now()
	demo := demoAppointment(t, s)
	to := demo.Start.Add(48 * time.Hour)
	move, err := s.RescheduleAppointment(ctx, demo.ID, pms.Reschedule{Start: to.UTC(), Length: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}

	want := []pms.QueuedWrite{
		{ID: create, Kind: KindCreateAppointment, Pending: true, Submitted: first, Body: map[string]string{
			"patient_id": "P00042", "provider_id": hygienistB, "operatory": op4, "date": start.Format(time.DateOnly),
			"time": start.Format("15:04"), "length": "60", "type": typeCleaning, "note": "frontdesk:appt-42", "practice_id": "1"}},
		{ID: patient, Kind: KindCreatePatient, Pending: true, Submitted: first.Add(time.Second), Body: map[string]string{
			"firstname": nc.FirstName, "lastname": nc.LastName, "birthdate": nc.BirthDate.String(), "cell": nc.Phone,
			"provider_id": generalDentist, "practice_id": "1"}},
		{ID: cancel, Kind: KindCancelAppointment, Pending: true, Submitted: first.Add(time.Second), Body: map[string]string{
			"appointment_sr_no": up.ID, "value": "Cancelled", "cancellation_note": "Caller is ill", "practice_id": "1"}},
		{ID: move, Kind: KindRescheduleAppointment, Pending: true, Submitted: later, Body: map[string]string{
			"appointment_sr_no": demo.ID, "date": to.Format(time.DateOnly), "time": to.Format("15:04"),
			"length": "30", "practice_id": "1"}},
	}
	same := func(got, want []pms.QueuedWrite) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			g, w := got[i], want[i]
			if g.ID != w.ID || g.Kind != w.Kind || g.Pending != w.Pending || !g.Submitted.Equal(w.Submitted) || !maps.Equal(g.Body, w.Body) {
				return false
			}
		}
		return true
	}
	if got := queuedWrites(t, s, time.Time{}); !same(got, want) {
		t.Errorf("all writes\n got %+v\nwant %+v", got, want)
	}
	if got := queuedWrites(t, s, later); !same(got, want[3:]) {
		t.Errorf("since the last\n got %+v", got)
	}
	if got := queuedWrites(t, s, later.Add(time.Nanosecond)); len(got) != 0 {
		t.Errorf("since after the last: %+v", got)
	}

	// The body is a copy.
	queuedWrites(t, s, time.Time{})[0].Body["note"] = "changed"
	if got := queuedWrites(t, s, time.Time{})[0].Body["note"]; got != "frontdesk:appt-42" {
		t.Errorf("note after a caller changed its copy: %q", got)
	}

	// Completed and failed writes are no longer pending; a withdrawn one is
	// not listed.
	if err := s.CancelWriteback(ctx, move); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	for i := range 3 {
		want[i].Pending = false
	}
	if got := queuedWrites(t, s, time.Time{}); !same(got, want[:3]) {
		t.Errorf("after the writes ran\n got %+v\nwant %+v", got, want[:3])
	}
	if st := status(t, s, cancel); st.State != pms.WritebackFailed {
		t.Errorf("the cancel: %+v", st)
	}

	cctx, stop := context.WithCancel(ctx)
	stop()
	if _, err := s.QueuedWrites(cctx, time.Time{}); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context: %v", err)
	}
}

// A restarted process gets a new Sandbox: it must not take the writeback ids
// of the old one for its own, while its data stays the same.
func TestWritebackIDsPerInstance(t *testing.T) {
	a, _ := newTest(t, Config{Seed: 7, Patients: 50})
	b, _ := newTest(t, Config{Seed: 7, Patients: 50})
	ctx := context.Background()
	write := func(s *Sandbox) string {
		t.Helper()
		id, err := s.CreatePatient(ctx, pms.NewPatient{FirstName: "Nia", LastName: "Stone"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	idA, idB := write(a), write(b)
	if idA == idB {
		t.Fatalf("two sandboxes both issued %s", idA)
	}
	if _, err := b.WritebackStatus(ctx, idA); !errors.Is(err, pms.ErrNotFound) {
		t.Errorf("status of the other sandbox's writeback: %v", err)
	}
	if err := b.CancelWriteback(ctx, idA); !errors.Is(err, pms.ErrNotFound) {
		t.Errorf("withdrawing the other sandbox's writeback: %v", err)
	}
	if ws := queuedWrites(t, b, time.Time{}); len(ws) != 1 || ws[0].ID != idB {
		t.Errorf("b lists %+v", ws)
	}
	if !bytes.Equal(dump(t, a), dump(t, b)) {
		t.Error("the same Config built different data")
	}
}
