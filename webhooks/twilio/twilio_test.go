package twilio_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/twilio/twiliotest"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

// agentTwiML checks doc hands the call to Vapi: Vapi's verbs, then a
// redirect to the dial-result route for when the agent drops the call.
func agentTwiML(t *testing.T, doc *twiliotest.Verb, e *env) {
	t.Helper()
	if got := doc.Names(); !slices.Equal(got, []string{"Connect", "Redirect"}) {
		t.Fatalf("agent TwiML verbs = %v", got)
	}
	if s := doc.Find("Stream"); s == nil || !strings.HasPrefix(s.Attr("url"), "wss://") {
		t.Errorf("no Vapi stream in %+v", doc)
	}
	if r := doc.Find("Redirect"); r.Text != e.srv.URL+"/webhooks/twilio/dial-result?after=agent" || r.Attr("method") != "POST" {
		t.Errorf("redirect = %+v", r)
	}
}

// frontDeskTwiML checks doc rings the front desk and returns the Dial.
func frontDeskTwiML(t *testing.T, doc *twiliotest.Verb) *twiliotest.Verb {
	t.Helper()
	if got := doc.Names(); !slices.Equal(got, []string{"Dial"}) {
		t.Fatalf("front desk TwiML verbs = %v", got)
	}
	d := doc.Find("Dial")
	if n := d.Find("Number"); n == nil || n.Text != frontDesk {
		t.Errorf("dial rings %+v", d)
	}
	return d
}

func TestVoiceRoutesByMode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ny, _ := time.LoadLocation("America/New_York")
		tests := []struct {
			name      string
			routing   phonenumber.Routing
			at        time.Time
			wantAgent bool
			route     call.Route
			ringFor   string // the Dial's timeout; "" = Twilio's default
		}{
			{"AGENT in opening hours", phonenumber.RoutingAGENT, openNow, true, call.RouteAGENT, ""},
			{"AFTER_HOURS in opening hours", phonenumber.RoutingAFTER_HOURS, openNow, false, call.RouteFRONT_DESK, ""},
			{"AFTER_HOURS after closing, in the practice's zone", phonenumber.RoutingAFTER_HOURS, time.Date(2026, 12, 1, 17, 0, 0, 0, ny), true, call.RouteAGENT, ""},
			{"AFTER_HOURS on a closure day", phonenumber.RoutingAFTER_HOURS, time.Date(2026, 12, 8, 10, 0, 0, 0, ny), true, call.RouteAGENT, ""},
			{"FRONT_DESK_FIRST", phonenumber.RoutingFRONT_DESK_FIRST, openNow, false, call.RouteFRONT_DESK_FIRST, "20"},
			{"FRONT_DESK", phonenumber.RoutingFRONT_DESK, time.Date(2026, 12, 1, 23, 0, 0, 0, ny), false, call.RouteFRONT_DESK, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e.clk.Set(tt.at)
				e.vapi.ResetCounts()
				c := e.call(tt.routing)
				doc := e.voice(t, c)
				row := e.row(t, c)
				if row.Route == nil || *row.Route != tt.route || row.CallerNumber != caller || row.CalledNumber != numbers[tt.routing] ||
					row.PracticeID != e.pid || row.Status != "ringing" || !row.StartedAt.Equal(tt.at) {
					t.Errorf("row = %+v", row)
				}
				if !tt.wantAgent {
					d := frontDeskTwiML(t, doc)
					wantAfter := "front-desk"
					if tt.routing == phonenumber.RoutingFRONT_DESK_FIRST {
						wantAfter = "front-desk-first"
					}
					if d.Attr("action") != e.srv.URL+"/webhooks/twilio/dial-result?after="+wantAfter || d.Attr("timeout") != tt.ringFor {
						t.Errorf("dial = %+v", d)
					}
					if e.vapi.Count("POST") != 0 || row.AnsweredBy != nil || row.VapiCallID != "" {
						t.Errorf("the agent was asked (%d POSTs) or the row says it answered: %+v", e.vapi.Count("POST"), row)
					}
					return
				}
				agentTwiML(t, doc, e)
				m := e.vapi.Mutations()
				if len(m) != 1 || m[0].Path != "/call" {
					t.Fatalf("Vapi requests = %+v", m)
				}
				var sent map[string]any
				_ = json.Unmarshal(m[0].Body, &sent)
				if sent["phoneCallProviderBypassEnabled"] != true || sent["assistantId"] != assistantID ||
					sent["phoneNumberId"] != phoneNumberID+"-"+string(tt.routing) || sent["customer"].(map[string]any)["number"] != caller {
					t.Errorf("POST /call = %s", m[0].Body)
				}
				if row.AnsweredBy == nil || *row.AnsweredBy != call.AnsweredByAGENT || row.VapiCallID == "" {
					t.Errorf("row = %+v", row)
				}
			})
		}
	})
}

func TestFrontDeskFirstThenAgent(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	ctx := context.Background()
	e.db.Client(e.sys).PhoneNumber.Update().Where(phonenumber.Number(numbers[phonenumber.RoutingFRONT_DESK_FIRST])).SetFrontDeskRingSeconds(35).ExecX(e.sys)

	unanswered := e.call(phonenumber.RoutingFRONT_DESK_FIRST)
	dial := frontDeskTwiML(t, e.voice(t, unanswered))
	if dial.Attr("timeout") != "35" || dial.Attr("answerOnBridge") != "true" {
		t.Errorf("dial = %+v", dial)
	}
	agentTwiML(t, twiml(t)(unanswered.DialEnded(ctx, dial.Attr("action"), "no-answer")), e)
	row := e.row(t, unanswered)
	if *row.Route != call.RouteFRONT_DESK_FIRST || row.AnsweredBy == nil || *row.AnsweredBy != call.AnsweredByAGENT || row.VapiCallID == "" {
		t.Errorf("after no answer, row = %+v", row)
	}

	answered := e.call(phonenumber.RoutingFRONT_DESK_FIRST)
	dial = frontDeskTwiML(t, e.voice(t, answered))
	e.vapi.ResetCounts()
	if got := twiml(t)(answered.DialEnded(ctx, dial.Attr("action"), "completed")).Names(); !slices.Equal(got, []string{"Hangup"}) {
		t.Errorf("after the front desk's call: %v", got)
	}
	if _, err := answered.Ended(ctx, "/webhooks/twilio/status", "completed", 95); err != nil {
		t.Fatal(err)
	}
	row = e.row(t, answered)
	if e.vapi.Count("POST") != 0 || *row.AnsweredBy != call.AnsweredByFRONT_DESK || row.Status != "completed" || row.DurationSeconds != 95 ||
		row.EndedAt == nil || row.Outcome == nil || *row.Outcome != call.OutcomeTRANSFERRED {
		t.Errorf("answered by the front desk: row = %+v", row)
	}
}

func TestAgentUnreachableGoesToFrontDesk(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	for _, tt := range []struct {
		name   string
		break_ func()
	}{
		{"Vapi fails", func() { e.vapi.FailNext(http.StatusServiceUnavailable, 1) }},
		{"Vapi is slower than AgentTimeout", func() { e.vapi.DelayNext(30*time.Second, 1) }},
		{"the agent is switched off", func() { e.db.Client(e.sys).Agent.Update().SetEnabled(false).ExecX(e.sys) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.break_()
			c := e.call(phonenumber.RoutingAGENT)
			d := frontDeskTwiML(t, e.voice(t, c))
			if d.Attr("action") != e.srv.URL+"/webhooks/twilio/dial-result?after=front-desk" {
				t.Errorf("dial = %+v", d)
			}
			if row := e.row(t, c); *row.Route != call.RouteFRONT_DESK_FALLBACK || row.AnsweredBy != nil {
				t.Errorf("row = %+v", row)
			}
		})
	}
}

func TestNoFrontDeskTakesVoicemail(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	ctx := context.Background()
	e.db.Client(e.sys).Practice.UpdateOneID(e.pid).ClearFrontDeskNumber().ExecX(e.sys)
	e.vapi.FailNext(http.StatusInternalServerError, 1)

	c := e.call(phonenumber.RoutingAGENT)
	doc := e.voice(t, c)
	if got := doc.Names(); !slices.Equal(got, []string{"Say", "Record", "Say", "Hangup"}) {
		t.Fatalf("verbs = %v", got)
	}
	rec := doc.Find("Record")
	if rec.Attr("action") != e.srv.URL+"/webhooks/twilio/voicemail" || rec.Attr("maxLength") != "120" || !strings.Contains(doc.Children[0].Text, "leave a message") {
		t.Errorf("voicemail TwiML = %+v", doc)
	}
	thanks := twiml(t)(c.Recorded(ctx, rec.Attr("action"), 17))
	if got := thanks.Names(); !slices.Equal(got, []string{"Say", "Hangup"}) {
		t.Errorf("after the message: %v", got)
	}
	if _, err := c.Ended(ctx, "/webhooks/twilio/status", "completed", 40); err != nil {
		t.Fatal(err)
	}
	row := e.row(t, c)
	if *row.Route != call.RouteVOICEMAIL || *row.AnsweredBy != call.AnsweredByVOICEMAIL || row.RecordingURL == "" ||
		*row.Outcome != call.OutcomeINFO || row.DurationSeconds != 40 {
		t.Errorf("row = %+v", row)
	}
	items := e.db.Client(e.sys).ActionItem.Query().AllX(e.sys)
	if len(items) != 1 || items[0].Kind != actionitem.KindMESSAGE || !strings.Contains(items[0].Summary, row.RecordingURL) ||
		items[0].CallbackNumber != caller || items[0].CallID != row.ID {
		t.Errorf("action items = %+v", items)
	}
	// Twilio's repeat of the same recording keeps one item.
	again := c.Params("in-progress")
	again.Set("RecordingUrl", row.RecordingURL)
	again.Set("RecordingDuration", "17")
	twiml(t)(e.twilio.Post(ctx, rec.Attr("action"), again))
	if n := e.db.Client(e.sys).ActionItem.Query().CountX(e.sys); n != 1 {
		t.Errorf("%d action items after a repeat", n)
	}
}

func TestFrontDeskUnansweredTakesVoicemail(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	ctx := context.Background()
	c := e.call(phonenumber.RoutingFRONT_DESK)
	d := frontDeskTwiML(t, e.voice(t, c))
	doc := twiml(t)(c.DialEnded(ctx, d.Attr("action"), "busy"))
	if doc.Find("Record") == nil || e.vapi.Count("POST") != 0 {
		t.Errorf("FRONT_DESK never reaches the agent; got %v after %d Vapi calls", doc.Names(), e.vapi.Count("POST"))
	}
	if _, err := c.Ended(ctx, "/webhooks/twilio/status", "completed", 30); err != nil {
		t.Fatal(err)
	}
	if row := e.row(t, c); row.AnsweredBy != nil || *row.Outcome != call.OutcomeABANDONED {
		t.Errorf("a call nobody took: %+v", row)
	}
}

func TestAgentDropFallsThroughToFrontDesk(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	ctx := context.Background()

	dropped := e.call(phonenumber.RoutingAGENT)
	redirect := e.voice(t, dropped).Find("Redirect").Text
	frontDeskTwiML(t, twiml(t)(dropped.Redirected(ctx, redirect)))
	if row := e.row(t, dropped); *row.Route != call.RouteFRONT_DESK_FALLBACK {
		t.Errorf("dropped call: %+v", row)
	}

	// A call the agent ended on purpose is not handed on.
	finished := e.call(phonenumber.RoutingAGENT)
	redirect = e.voice(t, finished).Find("Redirect").Text
	row := e.row(t, finished)
	vc := vapitest.Call{ID: row.VapiCallID, PhoneNumberID: phoneNumberID + "-AGENT", AssistantID: assistantID, CustomerNumber: caller, TwilioCallSID: finished.Sid}
	e.postVapi(t, vc.StatusUpdate(e.clk.Now(), "ended", "assistant-ended-call"))
	if got := twiml(t)(finished.Redirected(ctx, redirect)).Names(); !slices.Equal(got, []string{"Hangup"}) {
		t.Errorf("after the agent ended the call: %v", got)
	}
}

func (e *env) postVapi(t *testing.T, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/webhooks/vapi", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	vapi.Sign(req, body, vapiSecret, "", e.clk.Now())
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("vapi webhook: %d", res.StatusCode)
	}
}

// One call, one row: Vapi's messages about a call that came in through
// the Twilio webhook join its row, by Vapi's call id or by the Twilio
// call sid Vapi reports.
func TestVapiMessagesJoinTheCallRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)

		byID := e.call(phonenumber.RoutingAGENT)
		e.voice(t, byID)
		row := e.row(t, byID)
		vc := vapitest.Call{ID: row.VapiCallID, PhoneNumberID: phoneNumberID + "-AGENT", AssistantID: assistantID, CustomerNumber: caller, TwilioCallSID: byID.Sid}
		e.postVapi(t, vc.StatusUpdate(e.clk.Now(), "in-progress", ""))
		e.postVapi(t, vc.EndOfCallReport(e.clk.Now(), vapitest.Report{Summary: "asked about hours"}))
		if row = e.row(t, byID); row.Summary != "asked about hours" || *row.Route != call.RouteAGENT {
			t.Errorf("joined by Vapi call id: %+v", row)
		}

		// Linking Vapi's call id to the row is best effort: a row without
		// it is still joined, by the Twilio call sid Vapi reports.
		bySid := e.call(phonenumber.RoutingAGENT)
		e.voice(t, bySid)
		e.db.Client(e.sys).Call.Update().Where(call.TwilioCallSid(bySid.Sid)).ClearVapiCallID().ExecX(e.sys)
		other := vapitest.Call{ID: "vapi-call-2", PhoneNumberID: phoneNumberID + "-AGENT", AssistantID: assistantID, CustomerNumber: caller, TwilioCallSID: bySid.Sid}
		e.postVapi(t, other.EndOfCallReport(e.clk.Now(), vapitest.Report{Summary: "booked a cleaning"}))
		if row = e.row(t, bySid); row.VapiCallID != "vapi-call-2" || row.Summary != "booked a cleaning" || *row.Route != call.RouteAGENT {
			t.Errorf("joined by Twilio call sid: %+v", row)
		}
		if n := e.calls(t); n != 2 {
			t.Errorf("%d call rows for 2 calls", n)
		}
	})
}

func TestUnknownNumber(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	doc := e.voice(t, e.twilio.NewCall(caller, "+15555550999"))
	if got := doc.Names(); !slices.Equal(got, []string{"Say", "Hangup"}) || !strings.Contains(doc.Children[0].Text, "not in service") {
		t.Errorf("unknown number: %+v", doc)
	}
	if n := e.calls(t); n != 0 || e.vapi.Count("POST") != 0 {
		t.Errorf("%d rows, %d Vapi calls for a number no practice has", n, e.vapi.Count("POST"))
	}
}

// The routes refuse anything not signed by Twilio for this URL, before
// doing anything.
func TestSignatureRefusals(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	voiceURL := e.srv.URL + "/webhooks/twilio/voice"
	c := e.call(phonenumber.RoutingAGENT)
	params := c.Params("ringing")
	post := func(target string, body string, sig string, contentType string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if sig != "" {
			req.Header.Set("X-Twilio-Signature", sig)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		return res.StatusCode, b.String()
	}
	const form = "application/x-www-form-urlencoded"
	tampered := url.Values{}
	for k, v := range params {
		tampered[k] = v
	}
	tampered.Set("To", numbers[phonenumber.RoutingFRONT_DESK])
	dialResult := e.srv.URL + "/webhooks/twilio/dial-result?after=front-desk"
	tests := []struct {
		name, url, body, sig, contentType string
		status                            int
		reason                            string
	}{
		{"no signature", voiceURL, params.Encode(), "", form, 403, "missing X-Twilio-Signature"},
		{"another token", voiceURL, params.Encode(), twiliotest.Sign("not-the-token", voiceURL, params), form, 403, "does not match"},
		{"a tampered parameter", voiceURL, tampered.Encode(), twiliotest.Sign(authToken, voiceURL, params), form, 403, "does not match"},
		{"signed for another URL", voiceURL, params.Encode(), twiliotest.Sign(authToken, "https://elsewhere.example/webhooks/twilio/voice", params), form, 403, "does not match"},
		{"a tampered query", dialResult, params.Encode(), twiliotest.Sign(authToken, e.srv.URL+"/webhooks/twilio/dial-result?after=agent", params), form, 403, "does not match"},
		{"not a form", voiceURL, `{"CallSid":"CA1"}`, twiliotest.Sign(authToken, voiceURL, nil), "application/json", 415, "x-www-form-urlencoded"},
		{"too large", voiceURL, "Body=" + strings.Repeat("a", 70<<10), "x", form, 413, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(tt.url, tt.body, tt.sig, tt.contentType)
			if status != tt.status || !strings.Contains(body, tt.reason) {
				t.Errorf("got %d %q, want %d with %q", status, body, tt.status, tt.reason)
			}
		})
	}
	if n := e.calls(t); n != 0 || e.vapi.Count("POST") != 0 {
		t.Errorf("refused requests made %d rows and %d Vapi calls", n, e.vapi.Count("POST"))
	}

	t.Run("another account", func(t *testing.T) {
		e.hooks.AccountSID = "AC" + strings.Repeat("0", 32)
		defer func() { e.hooks.AccountSID = "" }()
		status, body := post(voiceURL, params.Encode(), twiliotest.Sign(authToken, voiceURL, params), form)
		if status != 403 || !strings.Contains(body, "another Twilio account") {
			t.Errorf("got %d %q", status, body)
		}
	})
}

// spyBody fails the test if anything reads it.
type spyBody struct{ t *testing.T }

func (b spyBody) Read([]byte) (int, error) {
	b.t.Error("the body was read before the signature was checked")
	return 0, io.EOF
}
func (spyBody) Close() error { return nil }

func TestUnsignedBodyIsNeverRead(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	req := httptest.NewRequest(http.MethodPost, "/webhooks/twilio/voice", nil)
	req.Body = spyBody{t}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	e.hooks.Routes()["POST /webhooks/twilio/voice"].ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("status %d", rec.Code)
	}
}

func TestRoutesOffWithoutAuthToken(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	e.hooks.AuthToken = ""
	for pattern, h := range e.hooks.Routes() {
		req := httptest.NewRequest(http.MethodPost, strings.TrimPrefix(pattern, "POST "), nil)
		req.Body = spyBody{t}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "TWILIO_AUTH_TOKEN") {
			t.Errorf("%s: %d %q", pattern, rec.Code, rec.Body.String())
		}
	}
}
