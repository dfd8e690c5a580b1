package vapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
	vapiwebhook "github.com/frontdesk/frontdesk/webhooks/vapi"
)

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is another frontdesk process on e's database (or the same one
// after a restart): its own receptionist, caches and HTTP server.
type process struct {
	e    *env
	srv  *httptest.Server
	logs *logBuffer
}

func (e *env) process(t testing.TB, control receptionist.Controller) *process {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if control == nil {
		control = e.desk.Control
	}
	desk := &receptionist.Service{DB: e.db, Clock: e.clk, Booking: e.bookings, Actions: &actionitems.Service{DB: e.db, Clock: e.clk}, Control: control, Log: log}
	h := &vapiwebhook.Handler{Verifier: e.verifier, Desk: desk, Log: log}
	mux := http.NewServeMux()
	for pattern, handler := range h.Routes() {
		mux.Handle(pattern, handler)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &process{e: e, srv: srv, logs: logs}
}

// tools sends one tool-calls message to this process; it is safe from
// several goroutines.
func (p *process) tools(t testing.TB, c vapitest.Call, calls ...vapitest.ToolCall) []result {
	t.Helper()
	body := c.ToolCalls(p.e.clk.Now(), calls...)
	req, _ := http.NewRequest(http.MethodPost, p.srv.URL+"/webhooks/vapi", bytes.NewReader(body))
	vapi.Sign(req, body, secret, "", p.e.clk.Now())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer res.Body.Close()
	var out struct{ Results []result }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK || len(out.Results) != len(calls) {
		t.Errorf("status %d, %d results for %d calls: %v", res.StatusCode, len(out.Results), len(calls), err)
		return nil
	}
	return out.Results
}

func (p *process) one(t testing.TB, c vapitest.Call, tc vapitest.ToolCall) result {
	t.Helper()
	if r := p.tools(t, c, tc); len(r) == 1 {
		return r[0]
	}
	return result{}
}

type patientInfo struct {
	Verified  bool
	PatientID string `json:"patient_id"`
	FirstName string `json:"first_name"`
	Message   string
}

func info(t testing.TB, r result) patientInfo {
	t.Helper()
	var v patientInfo
	if r.Error != "" {
		t.Errorf("get-patient-info failed: %s", r.Error)
		return v
	}
	if err := json.Unmarshal([]byte(r.Result), &v); err != nil {
		t.Errorf("result %q: %v", r.Result, err)
	}
	return v
}

// tripwire is an 8 MB body that counts what is read of it.
type tripwire struct{ n atomic.Int64 }

const tripwireSize = 8 << 20

func (r *tripwire) Read(p []byte) (int, error) {
	left := tripwireSize - r.n.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), left)]
	for i := range p {
		p[i] = ' '
	}
	r.n.Add(int64(len(p)))
	return len(p), nil
}

// An unauthenticated request is refused from its headers: not a byte of its
// body is read, however large it says it is.
func TestUnauthenticatedBodyIsNotRead(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	mux := http.NewServeMux()
	for pattern, handler := range e.hooks.Routes() {
		mux.Handle(pattern, handler)
	}
	for _, path := range []string{"/webhooks/vapi", "/webhooks/vapi/tools/take-message"} {
		for name, header := range map[string][2]string{
			"no secret":    {"Content-Type", "application/json"},
			"wrong secret": {"X-Vapi-Secret", "nope"},
			"wrong bearer": {"Authorization", "Bearer nope"},
		} {
			body := &tripwire{}
			req := httptest.NewRequest(http.MethodPost, path, body)
			req.ContentLength = tripwireSize
			req.Header.Set(header[0], header[1])
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized || body.n.Load() != 0 {
				t.Errorf("%s %s: status %d after reading %d bytes", path, name, rec.Code, body.n.Load())
			}
		}
	}
}

// A tool call id answers only the call and the tool it was first sent for:
// sent from another call, or naming another tool, it is refused and nothing
// of the first answer (a verified patient's details) comes back.
func TestToolCallIDAnswersOnlyItsOwnCallAndTool(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		mine, theirs := e.theCall("c-mine"), e.theCall("c-theirs")
		theirs.CustomerNumber = "+15550109999"
		ask := vapitest.ToolCall{ID: "tc-verify", Name: receptionist.GetPatientInfo, Arguments: verify(demo.FirstName, demo.LastName, demo.BirthDate.String())}
		first := e.tools(t, mine, ask)[0]
		if got := info(t, first); !got.Verified {
			t.Fatalf("verify: %+v", got)
		}
		other := e.process(t, nil) // a process that has not seen the id
		refused := func(what string, r result) {
			t.Helper()
			if r.Error == "" || !strings.Contains(r.Error, "another call or tool") || strings.Contains(r.Result+r.Error, demo.FirstName) || strings.Contains(r.Result, "patient_id") {
				t.Errorf("%s: %+v", what, r)
			}
		}
		refused("another call", e.tools(t, theirs, ask)[0])
		refused("another call, another process", other.one(t, theirs, vapitest.ToolCall{ID: "tc-verify", Name: receptionist.GetPatientInfo}))
		refused("another tool", e.tools(t, mine, vapitest.ToolCall{ID: "tc-verify", Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "hi"}})[0])
		if again := e.tools(t, mine, ask)[0]; again != first {
			t.Errorf("the same call's repeat = %+v, first %+v", again, first)
		}

		// Reads (answered from memory first) and writes likewise.
		read := vapitest.ToolCall{ID: "tc-read", Name: receptionist.CheckAvailability, Arguments: map[string]any{"appointment_type": "Exam", "date_from": "2026-12-08"}}
		if r := e.tools(t, mine, read)[0]; r.Error != "" {
			t.Fatal(r.Error)
		}
		refused("a read from another call", e.tools(t, theirs, read)[0])
		refused("a read from another call, another process", other.one(t, theirs, read))
		book := vapitest.ToolCall{ID: "tc-book", Name: receptionist.BookAppointment, Arguments: map[string]any{"slot_id": e.freeSlot(t, mine, 0), "patient_id": info(t, first).PatientID}}
		if r := e.tools(t, mine, book)[0]; r.Error != "" {
			t.Fatal(r.Error)
		}
		refused("a booking from another call", e.tools(t, theirs, book)[0])
		if n := e.db.Client(e.sys).Appointment.Query().Where(appointment.SourceEQ(appointment.SourcePHONE)).CountX(e.sys); n != 1 {
			t.Errorf("%d bookings", n)
		}
		if n := e.db.Client(e.sys).ActionItem.Query().CountX(e.sys); n != 0 {
			t.Errorf("%d action items", n)
		}
	})
}

// Birth dates cannot be guessed: a call has three failed checks, a patient
// five in an hour across calls and processes, then staff are told.
func TestBirthDateCannotBeGuessed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		first := e.process(t, nil)
		wrong := func(day int) vapitest.ToolCall {
			return vapitest.ToolCall{Name: receptionist.GetPatientInfo, Arguments: verify(demo.FirstName, demo.LastName, fmt.Sprintf("1986-03-%02d", day))}
		}
		right := vapitest.ToolCall{Name: receptionist.GetPatientInfo, Arguments: verify(demo.FirstName, demo.LastName, demo.BirthDate.String())}
		failures := func() int {
			return e.db.Client(e.sys).Patient.Query().Where(patient.FirstName(demo.FirstName), patient.LastName(demo.LastName)).OnlyX(e.sys).PhoneVerifyFailures
		}

		c1 := e.theCall("c-guess-1")
		for day := 1; day <= 3; day++ {
			if got := info(t, first.one(t, c1, wrong(day))); got.Verified || !strings.Contains(got.Message, "No patient record matches") {
				t.Fatalf("guess %d: %+v", day, got)
			}
		}
		// The call has used its attempts: even the right birth date verifies
		// no one, and the caller is offered a message or a person.
		if got := info(t, first.one(t, c1, right)); got.Verified || !strings.Contains(got.Message, "take a message") {
			t.Fatalf("after three failures: %+v", got)
		}
		if n := e.db.Client(e.sys).Call.Query().Where(call.VapiCallID("c-guess-1")).OnlyX(e.sys).FailedVerifications; n != 3 || failures() != 3 {
			t.Fatalf("call failures %d, patient failures %d", n, failures())
		}

		// After a restart (another process), the patient's count goes on.
		second := e.process(t, nil)
		c2 := e.theCall("c-guess-2")
		for day := 4; day <= 5; day++ {
			if got := info(t, second.one(t, c2, wrong(day))); got.Verified {
				t.Fatalf("guess %d: %+v", day, got)
			}
		}
		items := e.db.Client(e.sys).ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindVERIFICATION_LOCKED)).AllX(e.sys)
		if len(items) != 1 || items[0].Urgency != actionitem.UrgencyURGENT || items[0].PatientID == nil {
			t.Fatalf("lock items %+v", items)
		}
		// Locked: the right birth date from a fresh call is refused like a
		// wrong one.
		c3 := e.theCall("c-guess-3")
		if got := info(t, first.one(t, c3, right)); got.Verified || !strings.Contains(got.Message, "take a message") {
			t.Fatalf("locked patient verified: %+v", got)
		}
		if got := info(t, first.one(t, c3, wrong(6))); got.Verified || !strings.Contains(got.Message, "take a message") {
			t.Fatalf("locked patient, wrong date: %+v", got)
		}
		if failures() != receptionist.MaxPatientVerificationFailures {
			t.Fatalf("patient failures %d", failures())
		}

		// The lock ends; the window starts again; a success costs nothing.
		e.clk.Advance(receptionist.PatientVerificationLockout + time.Minute)
		if got := info(t, second.one(t, e.theCall("c-guess-4"), right)); !got.Verified {
			t.Fatalf("after the lockout: %+v", got)
		}
		if failures() != 0 {
			t.Fatalf("patient failures after a fresh window and a success: %d", failures())
		}
		// Failures an hour apart do not add up.
		c5, c6 := e.theCall("c-guess-5"), e.theCall("c-guess-6")
		for day := 1; day <= 3; day++ {
			first.one(t, c5, wrong(day))
		}
		e.clk.Advance(receptionist.PatientVerificationWindow + time.Minute)
		for day := 1; day <= 3; day++ {
			first.one(t, c6, wrong(day))
		}
		if failures() != 3 || len(e.db.Client(e.sys).ActionItem.Query().AllX(e.sys)) != 1 {
			t.Fatalf("patient failures %d over two windows", failures())
		}

		// No patient data in any log line.
		for _, p := range []*process{first, second} {
			for _, phi := range []string{demo.FirstName, demo.LastName, "1986-03", demo.Phone, "5550100123"} {
				if strings.Contains(p.logs.String(), phi) {
					t.Errorf("the log carries %q:\n%s", phi, p.logs.String())
				}
			}
		}
		if !strings.Contains(second.logs.String(), "patient locked for phone verification") {
			t.Errorf("the lock was not logged:\n%s", second.logs.String())
		}
	})
}

// Concurrent guesses, from two processes, are counted exactly: no
// read-modify-write race lets more through than the limits.
func TestConcurrentGuessesStayWithinLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		procs := []*process{e.process(t, nil), e.process(t, nil)}
		guess := func(day int) vapitest.ToolCall {
			return vapitest.ToolCall{Name: receptionist.GetPatientInfo, Arguments: verify(demo.FirstName, demo.LastName, fmt.Sprintf("1985-01-%02d", day))}
		}
		run := func(n int, callOf func(i int) vapitest.Call) (noMatch int) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := procs[i%2].one(t, callOf(i), guess(i+1))
					var got patientInfo
					_ = json.Unmarshal([]byte(r.Result), &got)
					if got.Verified {
						t.Errorf("a wrong birth date verified: %+v", r)
					}
					if strings.Contains(got.Message, "No patient record matches") {
						mu.Lock()
						noMatch++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			return noMatch
		}
		// One call, twelve guesses at once: three are weighed.
		one := e.theCall("c-storm")
		if n := run(12, func(int) vapitest.Call { return one }); n != receptionist.MaxCallVerificationFailures {
			t.Errorf("%d guesses weighed on one call", n)
		}
		if n := e.db.Client(e.sys).Call.Query().Where(call.VapiCallID("c-storm")).OnlyX(e.sys).FailedVerifications; n != receptionist.MaxCallVerificationFailures {
			t.Errorf("call failures %d", n)
		}
		// Twelve calls at once: the patient's last two attempts are weighed,
		// and staff are told once.
		if n := run(12, func(i int) vapitest.Call { return e.theCall(fmt.Sprintf("c-storm-%d", i)) }); n != 2 {
			t.Errorf("%d guesses weighed across calls", n)
		}
		pat := e.db.Client(e.sys).Patient.Query().Where(patient.FirstName(demo.FirstName), patient.LastName(demo.LastName)).OnlyX(e.sys)
		if pat.PhoneVerifyFailures != receptionist.MaxPatientVerificationFailures || pat.PhoneVerifyLockedUntil == nil {
			t.Errorf("patient failures %d, locked until %v", pat.PhoneVerifyFailures, pat.PhoneVerifyLockedUntil)
		}
		if n := e.db.Client(e.sys).ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindVERIFICATION_LOCKED)).CountX(e.sys); n != 1 {
			t.Errorf("%d lock items", n)
		}
	})
}

// Free text is bounded, naming the argument, and one message carries at
// most receptionist.MaxToolCalls calls.
func TestToolArgumentAndBatchLimits(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	c := e.theCall("c-limits")
	items := func() int { return e.db.Client(e.sys).ActionItem.Query().CountX(e.sys) }
	for _, tc := range []struct {
		tool, arg string
		args      map[string]any
	}{
		{receptionist.TakeMessage, "message", map[string]any{"message": strings.Repeat("x", 7<<20), "urgency": "urgent"}},
		{receptionist.TakeMessage, "message", map[string]any{"message": strings.Repeat("é", 2001)}},
		{receptionist.TakeMessage, "callback_number", map[string]any{"message": "hi", "callback_number": strings.Repeat("5", 201)}},
		{receptionist.TransferToHuman, "reason", map[string]any{"reason": strings.Repeat("x", 501)}},
		{receptionist.BookAppointment, "notes", map[string]any{"slot_id": "x", "first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01", "notes": strings.Repeat("x", 501)}},
		{receptionist.GetPatientInfo, "first_name", verify(strings.Repeat("x", 201), "B", "1990-01-01")},
	} {
		r := e.tools(t, c, vapitest.ToolCall{Name: tc.tool, Arguments: tc.args})[0]
		if !strings.Contains(r.Error, tc.arg+" is too long") {
			t.Errorf("%s with a long %s: %+v", tc.tool, tc.arg, r)
		}
	}
	if items() != 0 || len(e.vapi.Controls("c-limits")) != 0 {
		t.Fatalf("%d action items from refused calls", items())
	}
	if r := e.tools(t, c, vapitest.ToolCall{Name: receptionist.TakeMessage, Arguments: map[string]any{"message": strings.Repeat("é", 2000)}})[0]; r.Error != "" {
		t.Fatalf("a message at the limit: %s", r.Error)
	}

	// 2,000 calls in one message: every one is answered with an error, none
	// runs.
	many := make([]vapitest.ToolCall, 2000)
	for i := range many {
		many[i] = vapitest.ToolCall{Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "call me", "urgency": "urgent"}}
	}
	for _, r := range e.tools(t, c, many...) {
		if !strings.Contains(r.Error, fmt.Sprintf("at most %d", receptionist.MaxToolCalls)) {
			t.Fatalf("a call of an oversized message: %+v", r)
		}
	}
	if items() != 1 {
		t.Fatalf("%d action items after an oversized message", items())
	}
	if res := e.tools(t, c, many[:receptionist.MaxToolCalls]...); res[receptionist.MaxToolCalls-1].Error != "" || items() != 1+receptionist.MaxToolCalls {
		t.Fatalf("a message at the limit: %+v, %d items", res[0], items())
	}
}

// The transfer is posted only to Vapi: a control URL elsewhere is never
// contacted, and what a control URL answers never reaches the log.
func TestTransferGoesOnlyToVapi(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	var hits atomic.Int32
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"message":"REMOTE-BODY-`+demo.LastName+`"}`)
	}))
	defer remote.Close()

	prod := e.process(t, vapi.NewClient(vapi.ClientConfig{})) // default: Vapi's hosts only
	for i, url := range []string{
		remote.URL + "/c/control",              // http, loopback, any port
		"https://evil.example/c/control",       // not Vapi's
		"https://vapi.ai.evil.example/control", // looks like it
	} {
		c := e.theCall(fmt.Sprintf("c-elsewhere-%d", i))
		c.ControlURL = url
		if r := prod.one(t, c, vapitest.ToolCall{Name: receptionist.TransferToHuman}); !strings.Contains(r.Error, "take a message") {
			t.Errorf("%s: %+v", url, r)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests reached a host that is not Vapi's", hits.Load())
	}
	if n := e.db.Client(e.sys).ActionItem.Query().Where(actionitem.KindEQ(actionitem.KindTRANSFER_FAILED)).CountX(e.sys); n != 3 {
		t.Fatalf("%d transfer-failed items", n)
	}

	// Dev mode reaches loopback (frontdesk simulate-call); the remote's
	// error body is not logged.
	dev := e.process(t, vapi.NewClient(vapi.ClientConfig{ControlLoopback: true}))
	c := e.theCall("c-remote-error")
	c.ControlURL = remote.URL + "/c/control"
	if r := dev.one(t, c, vapitest.ToolCall{Name: receptionist.TransferToHuman}); !strings.Contains(r.Error, "take a message") || hits.Load() != 1 {
		t.Fatalf("transfer answered 400: %+v, %d hits", r, hits.Load())
	}
	if logs := dev.logs.String(); strings.Contains(logs, "REMOTE-BODY") || !strings.Contains(logs, "status 400") {
		t.Fatalf("log:\n%s", logs)
	}
}

// A transfer waiting on Vapi holds no transaction: another call books
// meanwhile, and a second delivery of the transfer is not sent twice.
func TestTransferDoesNotHoldTheDatabase(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		arrived, release := make(chan struct{}, 4), make(chan struct{})
		var posts atomic.Int32
		hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			posts.Add(1)
			arrived <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer hang.Close()
		defer close(release)

		p := e.process(t, nil)
		slow := e.theCall("c-slow-transfer")
		slow.ControlURL = hang.URL + "/c/control"
		transfer := vapitest.ToolCall{ID: "tc-transfer", Name: receptionist.TransferToHuman, Arguments: map[string]any{"reason": "billing"}}
		done := make(chan result, 1)
		go func() { done <- p.one(t, slow, transfer) }()
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("the transfer never reached the control URL")
		}

		other := e.theCall("c-books-meanwhile")
		book := vapitest.ToolCall{Name: receptionist.BookAppointment, Arguments: map[string]any{
			"slot_id": e.freeSlot(t, other, 0), "first_name": "Jordan", "last_name": "Whitaker", "date_of_birth": "1994-11-05",
		}}
		body := other.ToolCalls(e.clk.Now(), book)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.srv.URL+"/webhooks/vapi", bytes.NewReader(body))
		vapi.Sign(req, body, secret, "", e.clk.Now())
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("a booking on another call waited on the transfer: %v", err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !bytes.Contains(out, []byte(`\"status\":\"booked\"`)) {
			t.Fatalf("booking meanwhile: %s", out)
		}
		// Vapi delivers the transfer again while it is under way.
		if r := p.one(t, slow, transfer); !strings.Contains(r.Error, "already being handled") {
			t.Fatalf("a second delivery: %+v", r)
		}

		release <- struct{}{}
		if got := decode[map[string]string](t, <-done); got["status"] != "transferring" {
			t.Fatalf("transfer: %+v", got)
		}
		if n := posts.Load(); n != 1 {
			t.Fatalf("%d transfers posted", n)
		}
		if r := p.one(t, slow, transfer); r.Error != "" || !strings.Contains(r.Result, "transferring") {
			t.Fatalf("the transfer's replay: %+v", r)
		}
	})
}

// The requests of one call run at once, each with its own copy of the call
// (make test runs this under -race).
func TestOneCallsRequestsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		c := e.theCall("c-busy")
		// The call's row is made (and cached) first.
		e.tools(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability})
		p := e.process(t, nil)
		p.tools(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability})
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var r result
				switch i % 3 {
				case 0:
					r = p.one(t, c, vapitest.ToolCall{Name: receptionist.GetPatientInfo, Arguments: verify(demo.FirstName, demo.LastName, demo.BirthDate.String())})
				case 1:
					r = p.one(t, c, vapitest.ToolCall{Name: receptionist.CheckAvailability, Arguments: map[string]any{"appointment_type": "Exam"}})
				default:
					r = p.one(t, c, vapitest.ToolCall{Name: receptionist.TakeMessage, Arguments: map[string]any{"message": "call me back"}})
				}
				if r.Error != "" {
					t.Errorf("%s: %s", r.Name, r.Error)
				}
				if r.Name == receptionist.GetPatientInfo && !info(t, r).Verified {
					t.Errorf("not verified: %s", r.Result)
				}
			}()
		}
		wg.Wait()
	})
}
