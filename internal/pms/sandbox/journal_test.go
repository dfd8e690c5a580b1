package sandbox

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// memJournal is a Journal in memory, as the database keeps one.
type memJournal struct {
	mu      sync.Mutex
	entries []Entry
}

func (j *memJournal) Load(_ context.Context, after int) ([]Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Entry
	for _, e := range j.entries {
		if e.Seq > after {
			out = append(out, e)
		}
	}
	return out, nil
}

func (j *memJournal) Append(_ context.Context, e Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if e.Seq != len(j.entries)+1 {
		return ErrJournalConflict
	}
	j.entries = append(j.entries, e)
	return nil
}

func openOn(t *testing.T, j Journal, clk clock.Clock) *Sandbox {
	t.Helper()
	loc, _ := time.LoadLocation("America/New_York")
	s, err := Open(context.Background(), Config{Seed: 3, Location: loc, Clock: clk, WritebackDelay: 5 * time.Second}, j)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func completed(t *testing.T, s *Sandbox, id string) string {
	t.Helper()
	st := status(t, s, id)
	if st.State != pms.WritebackCompleted {
		t.Fatalf("writeback %s is %+v", id, st)
	}
	return st.CreatedID
}

// After a restart the in-memory sandbox numbered new patients from P02001
// again, so a new caller received the id of a patient booked before the
// restart. Over a journal, a restart (a new Sandbox, days later) builds the
// same practice, knows every earlier write and issues no id twice.
func TestRestartIssuesNoOldID(t *testing.T) {
	ctx := context.Background()
	loc, _ := time.LoadLocation("America/New_York")
	clk := clock.NewFake(time.Date(2026, time.November, 25, 12, 0, 0, 0, loc))
	j := &memJournal{}
	before := openOn(t, j, clk)
	wbPat, err := before.CreatePatient(ctx, pms.NewPatient{FirstName: "Ada", LastName: "Byron", BirthDate: calendar.Date{Year: 1990, Month: 3, Day: 4}})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	first := completed(t, before, wbPat)
	doc := before.providers[0].ID
	start := freeSlotFrom(t, before, doc, before.operatories[0].ID, 30*time.Minute, addDays(calendar.DateOf(clk.Now().In(loc)), 1))
	wbAppt, err := before.CreateAppointment(ctx, pms.NewAppointment{PatientID: first, ProviderID: doc, OperatoryID: before.operatories[0].ID, Start: start, Length: 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// Restart with the appointment's write still pending, three days on.
	clk.Advance(72 * time.Hour)
	after := openOn(t, j, clk)
	if after.anchor != before.anchor || len(after.appts) < len(before.appts) {
		t.Fatalf("the restarted sandbox built another practice: anchor %v, was %v", after.anchor, before.anchor)
	}
	if got := completed(t, after, wbPat); got != first {
		t.Fatalf("the patient write now created %s, was %s", got, first)
	}
	apptID := completed(t, after, wbAppt)
	if a, ok := find(t, after, apptID); !ok || a.PatientID != first || !a.Start.Equal(start) {
		t.Fatalf("appointment %s after the restart: %+v", apptID, a)
	}
	pts := allPatients(t, after, pms.PatientQuery{ID: first})
	if len(pts) != 1 || pts[0].FirstName != "Ada" {
		t.Fatalf("patient %s after the restart: %+v", first, pts)
	}
	wbNext, err := after.CreatePatient(ctx, pms.NewPatient{FirstName: "Grace", LastName: "Hopper"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	if next := completed(t, after, wbNext); next == first {
		t.Fatalf("the new patient got %s again", next)
	}
}

// Two processes' sandboxes over one journal act as one PMS: each takes in
// the other's writes, and no id is issued twice.
func TestSandboxesShareAJournal(t *testing.T) {
	ctx := context.Background()
	loc, _ := time.LoadLocation("America/New_York")
	clk := clock.NewFake(time.Date(2026, time.November, 25, 12, 0, 0, 0, loc))
	j := &memJournal{}
	a, b := openOn(t, j, clk), openOn(t, j, clk)
	wa, err := a.CreatePatient(ctx, pms.NewPatient{FirstName: "Ada", LastName: "Byron"})
	if err != nil {
		t.Fatal(err)
	}
	wb, err := b.CreatePatient(ctx, pms.NewPatient{FirstName: "Grace", LastName: "Hopper"})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CancelWriteback(ctx, wa); err != nil {
		t.Fatalf("b withdraws a's write: %v", err)
	}
	wc, err := a.CreatePatient(ctx, pms.NewPatient{FirstName: "Alan", LastName: "Turing"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	for _, s := range []*Sandbox{a, b} {
		if st := status(t, s, wa); st.State != pms.WritebackFailed {
			t.Fatalf("the withdrawn write is %+v", st)
		}
		if completed(t, s, wb) == completed(t, s, wc) {
			t.Fatal("two patients got one id")
		}
	}
	if completed(t, a, wb) != completed(t, b, wb) || completed(t, a, wc) != completed(t, b, wc) {
		t.Fatal("the two sandboxes disagree")
	}
}
