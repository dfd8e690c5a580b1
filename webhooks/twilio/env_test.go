package twilio_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/telephony"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/twilio/twiliotest"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
	twiliowebhook "github.com/frontdesk/frontdesk/webhooks/twilio"
	vapiwebhook "github.com/frontdesk/frontdesk/webhooks/vapi"
)

const (
	authToken     = "twilio-test-token"
	vapiSecret    = "vapi-secret"
	frontDesk     = "+15555550199"
	caller        = "+15555550123"
	assistantID   = "asst-bright-smile"
	phoneNumberID = "pn-bright-smile"
)

// The numbers of the test practice, one per routing mode.
var numbers = map[phonenumber.Routing]string{
	phonenumber.RoutingAGENT:            "+15555550100",
	phonenumber.RoutingAFTER_HOURS:      "+15555550101",
	phonenumber.RoutingFRONT_DESK_FIRST: "+15555550102",
	phonenumber.RoutingFRONT_DESK:       "+15555550103",
}

var (
	discard = slog.New(slog.NewTextHandler(io.Discard, nil))
	// Tuesday 1 December 2026, 10:00 in New York: the practice is open.
	openNow = time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
)

type env struct {
	db     *database.DB
	clk    *clock.Fake
	vapi   *vapitest.Server
	srv    *httptest.Server
	twilio *twiliotest.Twilio
	hooks  *twiliowebhook.Handler
	pid    string
	sys    context.Context
}

// newEnv runs the Twilio and Vapi webhook routes of a practice open
// Tuesdays 08:00–17:00 in New York, with a front desk, an agent and one
// number per routing mode.
func newEnv(t testing.TB, db *database.DB) *env {
	t.Helper()
	clk := clock.NewFake(openNow)
	all := tenant.Unscoped(context.Background())
	c := db.Client(all)
	p := c.Practice.Create().SetName("Bright Smile Dental").SetTimeZone("America/New_York").SetFrontDeskNumber(frontDesk).
		SetHours(calendar.WeeklyHours{time.Tuesday: {{Start: 8 * 60, End: 17 * 60}}}).SetClosures([]string{"2026-12-08"}).SaveX(all)
	c.Agent.Create().SetPracticeID(p.ID).SetVapiAssistantID(assistantID).SaveX(all)
	for routing, n := range numbers {
		c.PhoneNumber.Create().SetPracticeID(p.ID).SetNumber(n).SetRouting(routing).SetVapiPhoneNumberID(phoneNumberID + "-" + string(routing)).SaveX(all)
	}
	fake := vapitest.NewServer()
	t.Cleanup(fake.Close)
	acts := &actionitems.Service{DB: db, Clock: clk}
	phone := &telephony.Service{
		DB: db, Clock: clk, Actions: acts, Log: discard,
		Agent: vapi.NewClient(vapi.ClientConfig{BaseURL: fake.URL, APIKey: fake.APIKey}),
	}
	hooks := &twiliowebhook.Handler{AuthToken: authToken, Phone: phone, Log: discard}
	desk := &receptionist.Service{DB: db, Clock: clk, Actions: acts, Log: discard}
	vapiHooks := &vapiwebhook.Handler{Verifier: &vapi.Verifier{Secret: vapiSecret, Clock: clk}, Desk: desk, Log: discard}
	mux := http.NewServeMux()
	for pattern, h := range hooks.Routes() {
		mux.Handle(pattern, h)
	}
	for pattern, h := range vapiHooks.Routes() {
		mux.Handle(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	hooks.PublicURL, phone.PublicURL = srv.URL, srv.URL
	return &env{
		db: db, clk: clk, vapi: fake, srv: srv, hooks: hooks, pid: p.ID, sys: tenant.System(context.Background(), p.ID),
		twilio: &twiliotest.Twilio{BaseURL: srv.URL, AuthToken: authToken},
	}
}

func (e *env) call(routing phonenumber.Routing) *twiliotest.Call {
	return e.twilio.NewCall(caller, numbers[routing])
}

// voice places the call and checks the answer is TwiML.
func (e *env) voice(t *testing.T, c *twiliotest.Call) *twiliotest.Verb {
	t.Helper()
	return twiml(t)(c.Voice(context.Background(), "/webhooks/twilio/voice"))
}

func twiml(t *testing.T) func(*twiliotest.Answer, error) *twiliotest.Verb {
	return func(a *twiliotest.Answer, err error) *twiliotest.Verb {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != http.StatusOK || a.TwiML == nil || a.ContentType != "text/xml; charset=utf-8" {
			t.Fatalf("answer %d %s: %s", a.Status, a.ContentType, a.Body)
		}
		return a.TwiML
	}
}

func (e *env) row(t *testing.T, c *twiliotest.Call) *ent.Call {
	t.Helper()
	rows := e.db.Client(e.sys).Call.Query().Where(call.TwilioCallSid(c.Sid)).AllX(e.sys)
	if len(rows) != 1 {
		t.Fatalf("%d rows for call %s, want 1", len(rows), c.Sid)
	}
	return rows[0]
}

func (e *env) calls(t *testing.T) int {
	t.Helper()
	return e.db.Client(e.sys).Call.Query().CountX(e.sys)
}
