package vapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/fixture"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
	"github.com/frontdesk/frontdesk/internal/writeback"
	vapiwebhook "github.com/frontdesk/frontdesk/webhooks/vapi"
)

const (
	secret        = "webhook-secret"
	hmacSecret    = "hmac-secret"
	phoneNumberID = "pn-bright-smile"
	assistantID   = "asst-bright-smile"
)

var (
	discard = slog.New(slog.NewTextHandler(io.Discard, nil))
	newYork = fixture.NewYork
	now     = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	demo    = sandbox.DemoPatient
)

type env struct {
	db       *database.DB
	clk      *clock.Fake
	vapi     *vapitest.Server
	srv      *httptest.Server
	verifier *vapi.Verifier
	bookings *booking.Service
	desk     *receptionist.Service
	hooks    *vapiwebhook.Handler
	id       string
	sys      context.Context
}

func newEnv(t testing.TB, db *database.DB) *env {
	t.Helper()
	clk := clock.NewFake(now)
	p := fixture.Mirror(t, db, fixture.Options{
		Clock: clk, Sandbox: sandbox.Config{Seed: 1, Anchor: calendar.Date{Year: 2026, Month: 11, Day: 30}}, Name: "Bright Smile Dental",
		Practice: func(p *ent.PracticeCreate) { p.SetFrontDeskNumber("+15555550199").SetLeadTimeMinutes(60) },
	})
	sys := tenant.Unscoped(context.Background())
	c := db.Client(sys)
	c.Agent.Create().SetPracticeID(p.ID).SetVapiAssistantID(assistantID).SaveX(sys)
	c.PhoneNumber.Create().SetPracticeID(p.ID).SetNumber("+15555550100").SetVapiPhoneNumberID(phoneNumberID).SaveX(sys)
	q := fixture.Queue(t, db, &writeback.Worker{})
	fake := vapitest.NewServer()
	t.Cleanup(fake.Close)
	acts := &actionitems.Service{DB: db, Clock: clk}
	bookings := &booking.Service{DB: db, Clock: clk, Queue: q}
	desk := &receptionist.Service{
		DB: db, Clock: clk, Actions: acts, Log: discard,
		Booking: bookings,
		Control: vapi.NewClient(vapi.ClientConfig{BaseURL: fake.URL, APIKey: fake.APIKey, ControlLoopback: true}),
	}
	verifier := &vapi.Verifier{Secret: secret, Clock: clk}
	h := &vapiwebhook.Handler{Verifier: verifier, Desk: desk, Log: discard}
	mux := http.NewServeMux()
	for pattern, handler := range h.Routes() {
		mux.Handle(pattern, handler)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{db: db, clk: clk, vapi: fake, srv: srv, verifier: verifier, bookings: bookings, desk: desk, hooks: h, id: p.ID, sys: tenant.System(context.Background(), p.ID)}
}

// theCall is a call from the demo patient's phone to the practice's number.
func (e *env) theCall(id string) vapitest.Call {
	return vapitest.Call{ID: id, PhoneNumberID: phoneNumberID, AssistantID: assistantID, PhoneNumber: "+15555550100",
		CustomerNumber: demo.Phone, TwilioCallSID: "CA" + id, ControlURL: e.vapi.ControlURL(id)}
}

// post sends body to path, signed as Vapi would.
func (e *env) post(t testing.TB, path string, body []byte, sign func(*http.Request)) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sign == nil {
		vapi.Sign(req, body, secret, e.verifier.HMACSecret, e.clk.Now())
	} else {
		sign(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

type result struct {
	ToolCallID string `json:"toolCallId"`
	Name       string `json:"name"`
	Result     string `json:"result"`
	Error      string `json:"error"`
}

// tools sends one tool-calls message and returns its results.
func (e *env) tools(t testing.TB, c vapitest.Call, calls ...vapitest.ToolCall) []result {
	t.Helper()
	status, body := e.post(t, "/webhooks/vapi", c.ToolCalls(e.clk.Now(), calls...), nil)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	if bytes.Count(bytes.TrimSpace(body), []byte("\n")) != 0 {
		t.Fatalf("the answer is not one line: %s", body)
	}
	var out struct{ Results []result }
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != len(calls) {
		t.Fatalf("%d results for %d calls", len(out.Results), len(calls))
	}
	for i, r := range out.Results {
		if calls[i].ID != "" && r.ToolCallID != calls[i].ID {
			t.Fatalf("result %d answers %s, want %s", i, r.ToolCallID, calls[i].ID)
		}
		if strings.ContainsAny(r.Result+r.Error, "\n\r") {
			t.Fatalf("multi-line result: %+v", r)
		}
	}
	return out.Results
}

func decode[T any](t testing.TB, r result) T {
	t.Helper()
	var v T
	if r.Error != "" {
		t.Fatalf("%s failed: %s", r.Name, r.Error)
	}
	if err := json.Unmarshal([]byte(r.Result), &v); err != nil {
		t.Fatalf("%s result %q: %v", r.Name, r.Result, err)
	}
	return v
}

// freeSlot is an open slot id for an exam on or after 2026-12-08.
func (e *env) freeSlot(t *testing.T, c vapitest.Call, skip int) string {
	t.Helper()
	av := decode[struct {
		Slots []struct {
			SlotID string `json:"slot_id"`
		} `json:"slots"`
	}](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability, Arguments: map[string]any{"appointment_type": "Exam", "date_from": "2026-12-08", "max_results": 10}})[0])
	return av.Slots[skip].SlotID
}

func verify(first, last, dob string) map[string]any {
	return map[string]any{"first_name": first, "last_name": last, "date_of_birth": dob}
}

func TestVerification(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	body := e.theCall("c-verify").ToolCalls(now, vapitest.ToolCall{Name: receptionist.CheckAvailability})
	header := func(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set(k, v) } }
	cases := []struct {
		name   string
		sign   func(*http.Request)
		status int
	}{
		{"no secret", func(*http.Request) {}, http.StatusUnauthorized},
		{"wrong secret", header("X-Vapi-Secret", "nope"), http.StatusUnauthorized},
		{"wrong bearer", header("Authorization", "Bearer nope"), http.StatusUnauthorized},
		{"X-Vapi-Secret", header("X-Vapi-Secret", secret), http.StatusOK},
		{"bearer", header("Authorization", "Bearer "+secret), http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, out := e.post(t, "/webhooks/vapi", body, c.sign)
			if status != c.status {
				t.Fatalf("status %d: %s", status, out)
			}
			if status == http.StatusUnauthorized && (!bytes.Contains(out, []byte(`"error"`)) || bytes.Contains(out, []byte(secret))) {
				t.Fatalf("401 body %s", out)
			}
		})
	}

	e.verifier.HMACSecret = hmacSecret
	signed := func(ts time.Time, sig string) func(*http.Request) {
		return func(r *http.Request) {
			vapi.Sign(r, body, secret, hmacSecret, ts)
			if sig != "" {
				r.Header.Set("x-signature", sig)
			}
		}
	}
	hmacCases := []struct {
		name   string
		sign   func(*http.Request)
		status int
	}{
		{"good signature", signed(now, ""), http.StatusOK},
		{"no signature", header("X-Vapi-Secret", secret), http.StatusUnauthorized},
		{"bad signature", signed(now, strings.Repeat("ab", 32)), http.StatusUnauthorized},
		{"stale timestamp", signed(now.Add(-6*time.Minute), ""), http.StatusUnauthorized},
		{"future timestamp", signed(now.Add(6*time.Minute), ""), http.StatusUnauthorized},
		{"secret missing, signature good", func(r *http.Request) {
			vapi.Sign(r, body, secret, hmacSecret, now)
			r.Header.Del("Authorization")
		}, http.StatusUnauthorized},
	}
	for _, c := range hmacCases {
		t.Run(c.name, func(t *testing.T) {
			if status, out := e.post(t, "/webhooks/vapi", body, c.sign); status != c.status {
				t.Fatalf("status %d: %s", status, out)
			}
		})
	}
	// Refused requests did nothing: only the accepted ones made a call row.
	if n := e.db.Client(e.sys).ToolInvocation.Query().CountX(e.sys); n != 1 {
		t.Fatalf("%d tool invocations recorded", n)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	// Verified but unreadable: still 200, since Vapi ignores anything else
	// (TestMalformedPayloadsAnswered200 has the rest).
	if status, out := e.post(t, "/webhooks/vapi", []byte(`{not json`), nil); status != http.StatusOK || !bytes.Contains(out, []byte(`"error"`)) {
		t.Fatalf("bad JSON: %d %s", status, out)
	}
	status, out := e.post(t, "/webhooks/vapi", []byte(`{"message":{"type":"speech-update","status":"started"}}`), nil)
	if status != http.StatusOK || strings.TrimSpace(string(out)) != "{}" {
		t.Fatalf("other types: %d %s", status, out)
	}
}

func TestToolCallsAnsweredInOrderWithEitherArgumentShape(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		c := e.theCall("c-order")
		res := e.tools(t, c,
			vapitest.ToolCall{ID: "t1", Name: receptionist.CheckAvailability, Arguments: map[string]any{"appointment_type": "cleaning", "max_results": "3"}},
			vapitest.ToolCall{ID: "t2", Name: receptionist.CheckAvailability, StringArguments: true, Arguments: map[string]any{"appointment_type": "Exam", "time_of_day": "afternoon", "date_from": "2026-12-08", "date_to": "2026-12-09"}},
			vapitest.ToolCall{ID: "t3", Name: "make-coffee"},
		)
		type slots struct {
			Slots []struct {
				SlotID          string `json:"slot_id"`
				AppointmentType string `json:"appointment_type"`
				Start, Provider string
				Spoken          string
			} `json:"slots"`
		}
		first := decode[slots](t, res[0])
		if len(first.Slots) != 3 || first.Slots[0].AppointmentType != "Cleaning" {
			t.Fatalf("first = %+v", first)
		}
		second := decode[slots](t, res[1])
		for _, s := range second.Slots {
			st, _ := time.Parse(time.RFC3339, s.Start)
			if !strings.HasSuffix(s.Start, "-05:00") || st.In(newYork).Hour() < 12 || !strings.Contains(s.Spoken, "December 8th") && !strings.Contains(s.Spoken, "December 9th") {
				t.Fatalf("second slot %+v", s)
			}
		}
		if res[2].Error == "" || !strings.Contains(res[2].Error, "unknown tool") {
			t.Fatalf("unknown tool: %+v", res[2])
		}
		// The per-tool route answers its own tool and refuses others.
		status, body := e.post(t, "/webhooks/vapi/tools/check-availability", c.ToolCalls(now,
			vapitest.ToolCall{ID: "t4", Name: receptionist.CheckAvailability},
			vapitest.ToolCall{ID: "t5", Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "hi"}}), nil)
		if status != http.StatusOK || !bytes.Contains(body, []byte(`"toolCallId":"t5","name":"take-message","error"`)) {
			t.Fatalf("tool route: %d %s", status, body)
		}
	})
}

func TestUnknownPractice(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := vapitest.Call{ID: "c-stranger", PhoneNumberID: "pn-unknown", AssistantID: "asst-unknown", CustomerNumber: "+15550100999"}
	res := e.tools(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability})
	if res[0].Error == "" || !strings.Contains(res[0].Error, "not set up") {
		t.Fatalf("got %+v", res[0])
	}
	status, body := e.post(t, "/webhooks/vapi", c.AssistantRequest(now), nil)
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"error"`)) {
		t.Fatalf("assistant-request: %d %s", status, body)
	}
}

func TestIdentityGuardsPatientDetails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		c := e.theCall("c-identity")
		type info struct {
			Verified             bool
			PatientID            string `json:"patient_id"`
			FirstName            string `json:"first_name"`
			Message              string
			UpcomingAppointments []struct {
				AppointmentID string `json:"appointment_id"`
				Spoken        string
			} `json:"upcoming_appointments"`
		}
		// The calling number alone, or a wrong birth date, reveals nothing.
		for _, args := range []map[string]any{
			{},
			verify(demo.FirstName, demo.LastName, ""),
			verify(demo.FirstName, demo.LastName, "1986-03-15"),
			verify("Nobody", demo.LastName, demo.BirthDate.String()),
		} {
			got := decode[info](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.GetPatientInfo, Arguments: args})[0])
			if got.Verified || got.PatientID != "" || strings.Contains(got.Message, demo.FirstName) || len(got.UpcomingAppointments) != 0 {
				t.Fatalf("%v revealed %+v", args, got)
			}
		}
		// Changing an appointment needs a verified patient.
		someone := e.db.Client(e.sys).Appointment.Query().Where(appointment.StatusEQ(appointment.StatusSCHEDULED), appointment.StartAtGT(now)).FirstX(e.sys)
		res := e.tools(t, c, vapitest.ToolCall{Name: receptionist.CancelAppointment, Arguments: map[string]any{"appointment_id": someone.ID}})
		if !strings.Contains(res[0].Error, "verify") {
			t.Fatalf("cancel before verifying: %+v", res[0])
		}

		got := decode[info](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.GetPatientInfo,
			Arguments: verify(strings.ToLower(demo.FirstName), strings.ToUpper(demo.LastName), demo.BirthDate.String())})[0])
		if !got.Verified || got.FirstName != demo.FirstName || len(got.UpcomingAppointments) == 0 {
			t.Fatalf("verified = %+v", got)
		}
		row := e.db.Client(e.sys).Call.Query().Where(call.VapiCallID("c-identity")).OnlyX(e.sys)
		if row.VerifiedPatientID == nil || *row.VerifiedPatientID != got.PatientID {
			t.Fatalf("the call remembers %v", row.VerifiedPatientID)
		}
		// Still: only the verified patient's appointments.
		if someone.PatientID != nil && *someone.PatientID != got.PatientID {
			res = e.tools(t, c, vapitest.ToolCall{Name: receptionist.CancelAppointment, Arguments: map[string]any{"appointment_id": someone.ID}})
			if !strings.Contains(res[0].Error, "not one of the verified patient's") {
				t.Fatalf("cancelling someone else's: %+v", res[0])
			}
		}
		own := got.UpcomingAppointments[0].AppointmentID
		type changed struct {
			Status        string
			AppointmentID string `json:"appointment_id"`
			Start, Spoken string
		}
		av := e.tools(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability, Arguments: map[string]any{"appointment_type": "Cleaning", "date_from": "2026-12-10"}})
		slots := decode[struct {
			Slots []struct {
				SlotID string `json:"slot_id"`
			} `json:"slots"`
		}](t, av[0])
		moved := decode[changed](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.RescheduleAppointment, Arguments: map[string]any{"appointment_id": own, "slot_id": slots.Slots[0].SlotID}})[0])
		if moved.Status != "rescheduled" || moved.AppointmentID != own || moved.Spoken == "" {
			t.Fatalf("moved = %+v", moved)
		}
		cancelled := decode[changed](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.CancelAppointment, Arguments: map[string]any{"appointment_id": own, "reason": "travelling"}})[0])
		if cancelled.Status != "cancelled" {
			t.Fatalf("cancelled = %+v", cancelled)
		}
		if a := e.db.Client(e.sys).Appointment.GetX(e.sys, own); a.Status != appointment.StatusCANCELLED {
			t.Fatalf("status %s", a.Status)
		}
		// Another call has not verified anyone.
		res = e.tools(t, e.theCall("c-other"), vapitest.ToolCall{Name: receptionist.RescheduleAppointment, Arguments: map[string]any{"appointment_id": own, "start": "2026-12-11T09:00"}})
		if res[0].Error == "" {
			t.Fatal("another call changed the appointment")
		}
	})
}

func TestBookingByPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		c := e.theCall("c-book")
		av := decode[struct {
			Slots []struct {
				SlotID string `json:"slot_id"`
				Spoken string
			} `json:"slots"`
		}](t, e.tools(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability, Arguments: map[string]any{"appointment_type": "Exam", "date_from": "2026-12-08"}})[0])
		slot := av.Slots[0]
		book := vapitest.ToolCall{ID: "book-1", Name: receptionist.BookAppointment, Arguments: map[string]any{
			"slot_id": slot.SlotID, "first_name": "Jordan", "last_name": "Whitaker", "date_of_birth": "1994-11-05", "notes": "toothache",
		}}
		type booked struct {
			Status        string
			AppointmentID string `json:"appointment_id"`
			Start, Spoken string
		}
		first := decode[booked](t, e.tools(t, c, book)[0])
		if first.Status != "booked" || first.Spoken != slot.Spoken {
			t.Fatalf("booked = %+v (slot %q)", first, slot.Spoken)
		}
		// Vapi delivers the same tool call again: the same answer, one booking.
		again := decode[booked](t, e.tools(t, c, book)[0])
		if again != first {
			t.Fatalf("replay = %+v, first %+v", again, first)
		}
		cl := e.db.Client(e.sys)
		appt := cl.Appointment.GetX(e.sys, first.AppointmentID)
		if appt.Source != appointment.SourcePHONE || appt.WritebackState != appointment.WritebackStatePENDING {
			t.Fatalf("appointment %+v", appt)
		}
		if n := cl.Appointment.Query().Where(appointment.SourceEQ(appointment.SourcePHONE)).CountX(e.sys); n != 1 {
			t.Fatalf("%d phone bookings", n)
		}
		// The new patient's phone defaults to the caller's.
		pat := cl.Patient.GetX(e.sys, *appt.PatientID)
		if pat.PmsID != nil || len(pat.Phones) != 1 || pat.Phones[0] != demo.Phone {
			t.Fatalf("patient %+v", pat)
		}
		// The slot is taken now: another caller hears so, with alternatives to book.
		res := e.tools(t, e.theCall("c-late"), vapitest.ToolCall{Name: receptionist.BookAppointment, Arguments: map[string]any{
			"slot_id": slot.SlotID, "first_name": "Ana", "last_name": "Lopez", "date_of_birth": "1990-02-02",
		}})
		if !strings.Contains(res[0].Error, "just taken") || !strings.Contains(res[0].Error, "slot_id") {
			t.Fatalf("taken slot: %+v", res[0])
		}
		// A patient_id that was not verified on this call is refused.
		stranger := cl.Patient.Query().Where(patient.PmsIDNotNil()).FirstX(e.sys)
		res = e.tools(t, c, vapitest.ToolCall{Name: receptionist.BookAppointment, Arguments: map[string]any{"slot_id": e.freeSlot(t, c, 2), "patient_id": stranger.ID}})
		if !strings.Contains(res[0].Error, "verified") {
			t.Fatalf("unverified patient_id: %+v", res[0])
		}
	})
}

func TestTakeMessageAndTransfer(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := e.theCall("c-desk")
	res := e.tools(t, c,
		vapitest.ToolCall{Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "Please call about my bill", "urgency": "urgent"}},
		vapitest.ToolCall{Name: receptionist.TransferToHuman, Arguments: map[string]any{"reason": "billing question"}},
	)
	if got := decode[map[string]string](t, res[0]); got["status"] != "message_taken" {
		t.Fatalf("message: %+v", got)
	}
	if got := decode[map[string]string](t, res[1]); got["status"] != "transferring" {
		t.Fatalf("transfer: %+v", got)
	}
	items := e.db.Client(e.sys).ActionItem.Query().AllX(e.sys)
	if len(items) != 1 || items[0].Kind != actionitem.KindMESSAGE || items[0].Urgency != actionitem.UrgencyURGENT || items[0].CallbackNumber != demo.Phone {
		t.Fatalf("items %+v", items)
	}
	controls := e.vapi.Controls("c-desk")
	if len(controls) != 1 || !bytes.Contains(controls[0], []byte(`"type":"transfer"`)) || !bytes.Contains(controls[0], []byte(`+15555550199`)) {
		t.Fatalf("controls %s", controls)
	}
	// Without a number to transfer to, the caller is told, and staff too.
	e.db.Client(e.sys).Practice.UpdateOneID(e.id).ClearFrontDeskNumber().ExecX(tenant.Unscoped(context.Background()))
	res = e.tools(t, e.theCall("c-nobody"), vapitest.ToolCall{Name: receptionist.TransferToHuman})
	if !strings.Contains(res[0].Error, "take a message") {
		t.Fatalf("transfer without a number: %+v", res[0])
	}
	if n := e.db.Client(e.sys).ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindTRANSFER_FAILED)).CountX(e.sys); n != 1 {
		t.Fatalf("%d transfer-failed items", n)
	}
}

func TestAssistantAndTransferRequests(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := e.theCall("c-inbound")
	status, body := e.post(t, "/webhooks/vapi", c.AssistantRequest(now), nil)
	if status != http.StatusOK || strings.TrimSpace(string(body)) != `{"assistantId":"`+assistantID+`"}` {
		t.Fatalf("assistant-request: %d %s", status, body)
	}
	status, body = e.post(t, "/webhooks/vapi", c.TransferDestinationRequest(now), nil)
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"number":"+15555550199"`)) {
		t.Fatalf("transfer-destination-request: %d %s", status, body)
	}
	// With the agent off, calls go to the front desk (within seconds: lines
	// are remembered briefly).
	e.db.Client(e.sys).Agent.Update().SetEnabled(false).ExecX(e.sys)
	e.clk.Advance(11 * time.Second)
	_, body = e.post(t, "/webhooks/vapi", c.AssistantRequest(now), nil)
	if !bytes.Contains(body, []byte(`"destination"`)) || !bytes.Contains(body, []byte(`+15555550199`)) {
		t.Fatalf("disabled agent: %s", body)
	}
}

func TestCallRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		c := e.theCall("c-record")
		c.StartedAt = now
		if status, _ := e.post(t, "/webhooks/vapi", c.StatusUpdate(now, "in-progress", ""), nil); status != http.StatusOK {
			t.Fatal(status)
		}
		if res := e.tools(t, c, vapitest.ToolCall{Name: receptionist.BookAppointment, Arguments: map[string]any{
			"slot_id": e.freeSlot(t, c, 0), "first_name": "Jordan", "last_name": "Whitaker", "date_of_birth": "1994-11-05",
		}}); res[0].Error != "" {
			t.Fatal(res[0].Error)
		}
		c.EndedAt = now.Add(3 * time.Minute)
		c.Cost = 0.42
		status, _ := e.post(t, "/webhooks/vapi", c.EndOfCallReport(now.Add(3*time.Minute), vapitest.Report{
			Transcript: "AI: Hello\nUser: I'd like an exam", Summary: "Booked an exam.", RecordingURL: "https://example.com/rec.wav", Cost: 0.42,
		}), nil)
		if status != http.StatusOK {
			t.Fatal(status)
		}
		row := e.db.Client(e.sys).Call.Query().Where(call.VapiCallID("c-record")).OnlyX(e.sys)
		if row.Outcome == nil || *row.Outcome != call.OutcomeBOOKED || row.Summary != "Booked an exam." || row.DurationSeconds != 180 ||
			row.RecordingURL == "" || row.Cost != 0.42 || row.CallerNumber != demo.Phone || row.TwilioCallSid == "" || row.Status != "ended" ||
			!strings.Contains(row.Transcript, "exam") {
			t.Fatalf("call = %+v", row)
		}

		// A call that uses no tool and lasts is abandoned, and worth a call back.
		q := e.theCall("c-quiet")
		q.StartedAt, q.EndedAt = now, now.Add(45*time.Second)
		e.post(t, "/webhooks/vapi", q.EndOfCallReport(now.Add(45*time.Second), vapitest.Report{}), nil)
		quiet := e.db.Client(e.sys).Call.Query().Where(call.VapiCallID("c-quiet")).OnlyX(e.sys)
		if *quiet.Outcome != call.OutcomeABANDONED {
			t.Fatalf("quiet call outcome %v", *quiet.Outcome)
		}
		if n := e.db.Client(e.sys).ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindNO_RESOLUTION)).CountX(e.sys); n != 1 {
			t.Fatalf("%d no-resolution items", n)
		}
	})
}

func TestConcurrentDuplicateToolCallsBookOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		c := e.theCall("c-dup")
		book := vapitest.ToolCall{ID: "dup-1", Name: receptionist.BookAppointment, Arguments: map[string]any{
			"slot_id": e.freeSlot(t, c, 1), "first_name": "Jordan", "last_name": "Whitaker", "date_of_birth": "1994-11-05",
		}}
		body := c.ToolCalls(now, book)
		results := make(chan string, 6)
		for range 6 {
			go func() {
				_, out := e.post(t, "/webhooks/vapi", body, nil)
				results <- string(out)
			}()
		}
		first := <-results
		for range 5 {
			if got := <-results; got != first {
				t.Fatalf("answers differ:\n%s\n%s", first, got)
			}
		}
		if n := e.db.Client(e.sys).Appointment.Query().Where(appointment.SourceEQ(appointment.SourcePHONE)).CountX(e.sys); n != 1 {
			t.Fatalf("%d bookings from one tool call", n)
		}
	})
}
