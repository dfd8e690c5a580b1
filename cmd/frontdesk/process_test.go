package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

// databaseURL is a fresh database of the dialect for processes to share:
// a SQLite file, or a PostgreSQL schema (skipped, saying so, without a
// server).
func databaseURL(t *testing.T, dialect string) string {
	t.Helper()
	if strings.HasPrefix(dialect, "postgres") {
		_, u := dbtest.OpenPostgresSchema(t, "")
		return u
	}
	return "sqlite://" + filepath.Join(t.TempDir(), "frontdesk.db")
}

// TestWritebackSurvivesSIGKILL kills the server in the middle of a booking's
// writeback and restarts it on the same database: the PMS ends up with the
// appointment exactly once and frontdesk knows its PMS id.
func TestWritebackSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			t.Run("while polling", func(t *testing.T) {
				t.Parallel()
				testWritebackKill(t, dialect, false)
			})
			// The restarted job finds the write in the PMS's listing a
			// minute (the settle wait) after the interrupted send.
			t.Run("send in flight", func(t *testing.T) {
				t.Parallel()
				testWritebackKill(t, dialect, true)
			})
		})
	}
}

const (
	sikkaOffice = "D1"
	sikkaSecret = "office-secret"
)

// sikkaRig is a frontdesk process with a practice connected, through a proxy
// the test controls, to a fake Sikka, and synced.
type sikkaRig struct {
	fake  *sikkatest.Server
	proxy *sikkaProxy
	env   map[string]string
	srv   *proc
	token string
}

func newSikkaRig(t *testing.T, dialect string) *sikkaRig {
	t.Helper()
	dbURL := databaseURL(t, dialect)
	fake := sikkatest.New(sikkatest.Options{})
	t.Cleanup(fake.Close)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// The server runs on the real clock: the practice's data starts today.
	fake.SeedPractice(sikkaOffice, sikkaSecret, sikkatest.SeedOptions{
		Providers: 2, Operatories: 2, Patients: 6, Appointments: 40, Seed: 3,
		From: time.Now().In(ny).Format(time.DateOnly),
	})
	r := &sikkaRig{fake: fake, proxy: newSikkaProxy(t, fake.URL)}
	r.env = map[string]string{
		"FRONTDESK_DEV":              "1",
		"FRONTDESK_ADDR":             "127.0.0.1:0",
		"FRONTDESK_DATA_DIR":         filepath.Join(t.TempDir(), "data"),
		"FRONTDESK_DATABASE_URL":     dbURL,
		"FRONTDESK_JOB_RESCUE_AFTER": "2s",
		"SIKKA_APP_ID":               fake.AppID(),
		"SIKKA_APP_KEY":              fake.AppKey(),
		"SIKKA_BASE_URL":             r.proxy.URL + "/v4",
	}
	r.srv = startServe(t, "frontdesk", r.env)
	r.token = devTokenFor(t, r.env, "owner@example.com")

	var created struct{ CreatePractice struct{ ID string } }
	mustGQL(t, r.srv, r.token, `mutation { createPractice(input: {name: "Process Dental", timeZone: "America/New_York"}) { id } }`, nil, &created)
	var conn struct{ ConnectSikka struct{ Status string } }
	mustGQL(t, r.srv, r.token, `mutation($o: String!, $s: String!) { connectSikka(officeId: $o, secretKey: $s) { status } }`,
		map[string]any{"o": sikkaOffice, "s": sikkaSecret}, &conn)
	if conn.ConnectSikka.Status != "CONNECTED" {
		t.Fatalf("connectSikka = %+v", conn)
	}
	waitFullSync(t, r.srv, r.token)
	return r
}

// mirroredPatient is a patient the sync brought over from the PMS.
func (r *sikkaRig) mirroredPatient(t *testing.T) string {
	t.Helper()
	var pats struct {
		Patients struct {
			Edges []struct{ Node struct{ ID, PmsID string } }
		}
	}
	mustGQL(t, r.srv, r.token, `{ patients(first: 1) { edges { node { id pmsID } } } }`, nil, &pats)
	if len(pats.Patients.Edges) == 0 || pats.Patients.Edges[0].Node.PmsID == "" {
		t.Fatalf("no mirrored patient: %+v", pats)
	}
	return pats.Patients.Edges[0].Node.ID
}

// bookedAppointment is an appointment with its writebacks.
type bookedAppointment struct {
	WritebackState string
	PmsID          *string
	Writebacks     []struct {
		Kind, State, PmsWritebackID string
		Attempts                    int
	}
}

func (r *sikkaRig) appointment(id string) (bookedAppointment, error) {
	var out struct{ Node bookedAppointment }
	err := gqlInto(r.srv.URL, r.token, `query($id: ID!) { node(id: $id) { ... on Appointment {
		writebackState pmsID writebacks { kind state attempts pmsWritebackID } } } }`, map[string]any{"id": id}, &out)
	return out.Node, err
}

// createWriteback is the appointment's CREATE_APPOINTMENT writeback.
func (a bookedAppointment) createWriteback() (state string, attempts int, pmsWritebackID string) {
	for _, w := range a.Writebacks {
		if w.Kind == "CREATE_APPOINTMENT" {
			return w.State, w.Attempts, w.PmsWritebackID
		}
	}
	return "", 0, ""
}

func testWritebackKill(t *testing.T, dialect string, inFlight bool) {
	r := newSikkaRig(t, dialect)
	patientID := r.mirroredPatient(t)
	slot := firstSlot(t, r.srv, r.token, nil)
	before := r.fake.Appointments(sikkaOffice)
	if inFlight {
		r.proxy.armHold()
	}
	var booked struct {
		BookAppointment struct{ ID, WritebackState string }
	}
	mustGQL(t, r.srv, r.token, `mutation($slot: ID!, $p: ID!) { bookAppointment(input: {slotID: $slot, patientID: $p}) { id writebackState } }`,
		map[string]any{"slot": slot.ID, "p": patientID}, &booked)
	apptID := booked.BookAppointment.ID
	if booked.BookAppointment.WritebackState != "PENDING" {
		t.Fatalf("booked = %+v", booked)
	}

	if inFlight {
		var send context.Context
		select {
		case send = <-r.proxy.held:
		case <-time.After(60 * time.Second):
			t.Fatalf("the writeback sent no POST /v4/appointment%s", r.srv.logs())
		}
		queuedCreate(t, r.fake, apptID)
		if send.Err() != nil {
			t.Fatalf("the send was over before the kill: %v%s", send.Err(), r.srv.logs())
		}
		r.srv.kill()
		r.proxy.releaseHeld()
	} else {
		waitUntil(t, "the write SUBMITTED and its status polled", 60*time.Second, func() (bool, string) {
			a, err := r.appointment(apptID)
			if err != nil {
				return false, err.Error()
			}
			state, _, _ := a.createWriteback()
			polled := r.proxy.calls("GET /v4/writeback_status") > 0
			return state == "SUBMITTED" && polled, fmt.Sprintf("%+v, polled %v", a, polled)
		}, r.srv)
		r.srv.kill()
	}
	wb := queuedCreate(t, r.fake, apptID)
	if err := r.fake.CompleteWriteback(wb.ID); err != nil {
		t.Fatal(err)
	}

	r.srv = startServe(t, "frontdesk after SIGKILL", r.env)
	var appt bookedAppointment
	waitUntil(t, "the booking CONFIRMED", 150*time.Second, func() (bool, string) {
		var err error
		if appt, err = r.appointment(apptID); err != nil {
			return false, err.Error()
		}
		return appt.WritebackState == "CONFIRMED", fmt.Sprintf("%+v", appt)
	}, r.srv)

	var added []sikkatest.Appointment
	for _, a := range r.fake.Appointments(sikkaOffice) {
		if !slices.ContainsFunc(before, func(b sikkatest.Appointment) bool { return b.SrNo == a.SrNo }) {
			added = append(added, a)
		}
	}
	if len(added) != 1 {
		t.Fatalf("the PMS has %d new appointments, want 1: %+v", len(added), added)
	}
	if !strings.Contains(added[0].Note, pms.MarkerPrefix+apptID) {
		t.Errorf("the PMS's appointment lacks frontdesk's marker: note %q", added[0].Note)
	}
	if appt.PmsID == nil || *appt.PmsID != added[0].SrNo {
		t.Errorf("frontdesk's pmsID = %v, the PMS's id is %s", appt.PmsID, added[0].SrNo)
	}
	if state, attempts, id := appt.createWriteback(); state != "COMPLETED" || attempts != 1 || id != wb.ID {
		t.Errorf("the create writeback is %s after %d sends with PMS writeback %q, want COMPLETED after 1 with %s", state, attempts, id, wb.ID)
	}
	if n := r.proxy.calls("POST /v4/appointment"); n != 1 {
		t.Errorf("frontdesk sent POST /v4/appointment %d times, want 1", n)
	}
	if inFlight && r.proxy.calls("GET /v4/writebacks") == 0 {
		t.Error("the restarted job never asked the PMS for its writebacks")
	}
	// The mirror holds the PMS's appointment once: as this booking.
	var mirrored struct {
		Appointments struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	mustGQL(t, r.srv, r.token, `query($pms: String!) { appointments(where: {pmsID: $pms}) { edges { node { id } } } }`,
		map[string]any{"pms": added[0].SrNo}, &mirrored)
	if e := mirrored.Appointments.Edges; len(e) != 1 || e[0].Node.ID != apptID {
		t.Errorf("frontdesk's appointments with PMS id %s = %+v, want only %s", added[0].SrNo, e, apptID)
	}
	r.srv.stop(t)
}

// queuedCreate is the fake's one queued create of the appointment.
func queuedCreate(t *testing.T, fake *sikkatest.Server, apptID string) sikkatest.Writeback {
	t.Helper()
	var out []sikkatest.Writeback
	for _, wb := range fake.Writebacks() {
		if wb.Method == "POST" && wb.API == "appointment" && strings.Contains(wb.Body["note"], pms.MarkerPrefix+apptID) {
			out = append(out, wb)
		}
	}
	if len(out) != 1 || out[0].State != "pending" {
		t.Fatalf("the fake holds %+v, want one pending create of %s", out, apptID)
	}
	return out[0]
}

// waitFullSync waits until the practice's full sync has succeeded.
func waitFullSync(t *testing.T, p *proc, token string) {
	t.Helper()
	waitUntil(t, "a full sync SUCCEEDED", 90*time.Second, func() (bool, string) {
		var runs struct {
			SyncRuns struct {
				Edges []struct {
					Node struct{ Kind, Status, Error string }
				}
			}
		}
		if err := gqlInto(p.URL, token, `{ syncRuns(first: 10) { edges { node { kind status error } } } }`, nil, &runs); err != nil {
			return false, err.Error()
		}
		for _, e := range runs.SyncRuns.Edges {
			if e.Node.Kind == "FULL" && e.Node.Status == "SUCCEEDED" {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", runs.SyncRuns.Edges)
	}, p)
}

type slot struct {
	ID       string
	Start    time.Time
	Provider struct{ ID string }
}

// firstSlot is the first open slot availability offers, skipping taken.
func firstSlot(t *testing.T, p *proc, token string, taken []string) slot {
	t.Helper()
	var av struct {
		Availability struct{ Slots []slot }
	}
	mustGQL(t, p, token, `{ availability(input: {appointmentType: "Exam", maxResults: 50}) { slots { id start provider { id } } } }`, nil, &av)
	for _, s := range av.Availability.Slots {
		if !slices.Contains(taken, s.ID) {
			return s
		}
	}
	t.Fatalf("no open slot beyond %v: %+v", taken, av)
	return slot{}
}

// TestTwoServersRaceForOneSlot books one slot ten times at once through two
// processes on one database: one booking wins, the others are told the slot
// was taken and offered other times.
func TestTwoServersRaceForOneSlot(t *testing.T) {
	t.Parallel()
	for _, dialect := range dbtest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{
				"FRONTDESK_DEV":          "1",
				"FRONTDESK_ADDR":         "127.0.0.1:0",
				"FRONTDESK_DATA_DIR":     filepath.Join(t.TempDir(), "data"),
				"FRONTDESK_DATABASE_URL": databaseURL(t, dialect),
			}
			servers := []*proc{startServe(t, "frontdesk A", env), startServe(t, "frontdesk B", env)}
			token := devTokenFor(t, env, "dev@frontdesk.local")
			waitFullSync(t, servers[0], token)

			var taken []string
			for round := range 3 {
				s := firstSlot(t, servers[round%2], token, taken)
				taken = append(taken, s.ID)
				raceForSlot(t, servers, token, round, s)
			}
			for _, p := range servers {
				p.stop(t)
			}
		})
	}
}

func raceForSlot(t *testing.T, servers []*proc, token string, round int, s slot) {
	t.Helper()
	const racers = 10
	type result struct {
		id  string
		err *gqlError
	}
	results := make([]result, racers)
	var failures []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		wg.Go(func() {
			vars := map[string]any{
				"slot":  s.ID,
				"first": "Racer",
				"last":  fmt.Sprintf("Round%cNo%c", 'A'+round, 'A'+i),
				"birth": fmt.Sprintf("1990-01-%02d", i+1),
				"phone": fmt.Sprintf("555-010-%02d%02d", round+10, i+10),
			}
			<-start
			r, err := gqlPost(servers[i%2].URL, token, `mutation($slot: ID!, $first: String!, $last: String!, $birth: String!, $phone: String!) {
				bookAppointment(input: {slotID: $slot, newPatient: {firstName: $first, lastName: $last, birthDate: $birth, phone: $phone}}) { id } }`, vars)
			switch {
			case err != nil:
				mu.Lock()
				failures = append(failures, fmt.Sprintf("racer %d: %v", i, err))
				mu.Unlock()
			case len(r.Errors) > 0:
				results[i].err = &r.Errors[0]
			default:
				var d struct{ BookAppointment struct{ ID string } }
				if err := json.Unmarshal(r.Data, &d); err != nil || d.BookAppointment.ID == "" {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("racer %d: data %s (%v)", i, r.Data, err))
					mu.Unlock()
				}
				results[i].id = d.BookAppointment.ID
			}
		})
	}
	close(start)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("round %d: %v%s%s", round, failures, servers[0].logs(), servers[1].logs())
	}
	winner := ""
	for i, r := range results {
		switch {
		case r.id != "" && winner != "":
			t.Errorf("round %d: racer %d booked %s too, after %s", round, i, r.id, winner)
		case r.id != "":
			winner = r.id
		case r.err.Extensions.Code != "CONFLICT" || !strings.Contains(r.err.Message, "Open times nearby"):
			t.Errorf("round %d: racer %d got %+v, want a CONFLICT offering other times", round, i, *r.err)
		}
	}
	if winner == "" {
		t.Fatalf("round %d: nobody booked slot %s%s%s", round, s.ID, servers[0].logs(), servers[1].logs())
	}
	t.Logf("round %d: slot %s went to %s; %d others were refused", round, s.ID, winner, racers-1)

	var appts struct {
		Appointments struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	mustGQL(t, servers[round%2], token, `query($start: Time!, $prov: ID!) {
		appointments(where: {startAt: $start, status: SCHEDULED, hasProviderWith: [{id: $prov}]}) { totalCount edges { node { id } } } }`,
		// In UTC, as frontdesk stores times: SQLite compares them as text.
		map[string]any{"start": s.Start.UTC(), "prov": s.Provider.ID}, &appts)
	if appts.Appointments.TotalCount != 1 || appts.Appointments.Edges[0].Node.ID != winner {
		t.Errorf("round %d: appointments at %s with %s = %+v, want only %s", round, s.Start, s.Provider.ID, appts.Appointments, winner)
	}
}
