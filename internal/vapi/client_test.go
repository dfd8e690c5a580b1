package vapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

var fakeNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// newTestClient returns a client on a fresh fake whose retries do not sleep
// but record the delays they would have slept.
func newTestClient(t *testing.T) (*Client, *vapitest.Server, *[]time.Duration) {
	t.Helper()
	s := vapitest.NewServer(vapitest.WithClock(clock.NewFake(fakeNow)))
	t.Cleanup(s.Close)
	c := NewClient(ClientConfig{BaseURL: s.URL + "/", APIKey: s.APIKey, Timeout: 5 * time.Second})
	var mu sync.Mutex
	var slept []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		return ctx.Err()
	}
	return c, s, &slept
}

func ptr[T any](v T) *T { return &v }

func lastBody(t *testing.T, s *vapitest.Server) string {
	t.Helper()
	m := s.Mutations()
	if len(m) == 0 {
		t.Fatal("no mutating request")
	}
	return string(m[len(m)-1].Body)
}

func TestClientTools(t *testing.T) {
	c, s, _ := newTestClient(t)
	ctx := context.Background()
	tool := Tool{
		ID: "ignored", OrgID: "ignored", CreatedAt: fakeNow, // read-only fields are never sent
		Type:  "function",
		Async: ptr(false),
		Function: &Function{
			Name: "check-availability", Description: "Find open appointment slots.", Strict: ptr(false),
			Parameters: json.RawMessage(`{"type":"object","properties":{"date_from":{"type":"string"}},"required":[]}`),
		},
		Server: &Server{URL: "https://frontdesk.example/webhooks/vapi/tools/check-availability", TimeoutSeconds: 10, CredentialID: "cred-1"},
		Messages: []ToolMessage{
			{Type: "request-start", Content: "Let me check."},
			{Type: "request-response-delayed", Content: "Still checking.", TimingMilliseconds: 3000},
		},
	}
	created, err := c.CreateTool(ctx, tool)
	if err != nil {
		t.Fatal(err)
	}
	wantBody := `{"type":"function","async":false,"function":{"name":"check-availability","description":"Find open appointment slots.","strict":false,` +
		`"parameters":{"type":"object","properties":{"date_from":{"type":"string"}},"required":[]}},` +
		`"server":{"url":"https://frontdesk.example/webhooks/vapi/tools/check-availability","timeoutSeconds":10,"credentialId":"cred-1"},` +
		`"messages":[{"type":"request-start","content":"Let me check."},{"type":"request-response-delayed","content":"Still checking.","timingMilliseconds":3000}]}`
	if got := lastBody(t, s); got != wantBody {
		t.Errorf("POST body\n got %s\nwant %s", got, wantBody)
	}
	if _, err := uuid.Parse(created.ID); err != nil || created.OrgID != s.OrgID || !created.CreatedAt.Equal(fakeNow) || !created.UpdatedAt.Equal(fakeNow) {
		t.Errorf("created = %+v", created)
	}
	if created.Function.Name != "check-availability" || created.Server.TimeoutSeconds != 10 || len(created.Messages) != 2 || *created.Async {
		t.Errorf("created = %+v", created)
	}

	second, err := c.CreateTool(ctx, Tool{Type: "function", Function: &Function{Name: "book-appointment"}})
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.ListTools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != second.ID || list[1].ID != created.ID {
		t.Errorf("list = %+v, want newest first", list)
	}

	// PATCH carries only what is set; the rest is kept.
	updated, err := c.UpdateTool(ctx, created.ID, Tool{Server: &Server{URL: "https://new.example/tools", TimeoutSeconds: 12}})
	if err != nil {
		t.Fatal(err)
	}
	if got := lastBody(t, s); got != `{"server":{"url":"https://new.example/tools","timeoutSeconds":12}}` {
		t.Errorf("PATCH body = %s", got)
	}
	if updated.Server.URL != "https://new.example/tools" || updated.Server.CredentialID != "" || updated.Function.Name != "check-availability" {
		t.Errorf("updated = %+v", updated)
	}
	// An empty, non-nil slice is sent, clearing the messages.
	if _, err := c.UpdateTool(ctx, created.ID, Tool{Messages: []ToolMessage{}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetTool(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Messages == nil || len(got.Messages) != 0 || got.Server.URL != "https://new.example/tools" {
		t.Errorf("after clearing messages: %+v", got)
	}

	if err := c.DeleteTool(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetTool(ctx, created.ID); !IsNotFound(err) {
		t.Errorf("GetTool after delete: %v", err)
	}
	if err := c.DeleteTool(ctx, created.ID); !IsNotFound(err) {
		t.Errorf("second delete: %v", err)
	}
}

func TestClientAssistants(t *testing.T) {
	c, s, _ := newTestClient(t)
	ctx := context.Background()
	a := Assistant{
		Name:         "Bright Smile Dental",
		FirstMessage: "Thanks for calling Bright Smile Dental, how can I help?",
		Model: &Model{Provider: "openai", Model: "gpt-4o", Temperature: ptr(0.3),
			Messages: []ModelMessage{{Role: "system", Content: "You are the receptionist."}}, ToolIDs: []string{"t1", "t2"}},
		Voice:          &Voice{Provider: "vapi", VoiceID: "Elliot"},
		Server:         &Server{URL: "https://frontdesk.example/webhooks/vapi", CredentialID: "cred-1"},
		ServerMessages: []string{"tool-calls", "status-update", "end-of-call-report", "transfer-destination-request"},
		Metadata:       map[string]any{"practiceId": "p-1"},
		MonitorPlan:    &MonitorPlan{ControlEnabled: ptr(true)},
	}
	created, err := c.CreateAssistant(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Name != a.Name || !reflect.DeepEqual(created.Model.ToolIDs, []string{"t1", "t2"}) ||
		created.Metadata["practiceId"] != "p-1" || !*created.MonitorPlan.ControlEnabled || *created.Model.Temperature != 0.3 {
		t.Errorf("created = %+v", created)
	}

	// A model in a PATCH replaces the model; toolIds is replaced, not merged.
	_, err = c.UpdateAssistant(ctx, created.ID, Assistant{Model: &Model{Provider: "openai", Model: "gpt-4o", ToolIDs: []string{"t3"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := lastBody(t, s); got != `{"model":{"provider":"openai","model":"gpt-4o","toolIds":["t3"]}}` {
		t.Errorf("PATCH body = %s", got)
	}
	// A PATCH without model leaves it alone.
	if _, err := c.UpdateAssistant(ctx, created.ID, Assistant{FirstMessage: "Hello!"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetAssistant(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Model.ToolIDs, []string{"t3"}) || got.Model.Messages != nil || got.FirstMessage != "Hello!" || got.Name != a.Name {
		t.Errorf("after PATCHes: %+v model %+v", got, got.Model)
	}

	list, err := c.ListAssistants(ctx)
	if err != nil || len(list) != 1 || list[0].ID != created.ID {
		t.Errorf("list = %+v, %v", list, err)
	}
	if err := c.DeleteAssistant(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAssistant(ctx, created.ID); !IsNotFound(err) {
		t.Errorf("after delete: %v", err)
	}
}

func TestClientRefusesServerMessagesWithoutToolCalls(t *testing.T) {
	c, s, _ := newTestClient(t)
	bad := Assistant{Name: "x", ServerMessages: []string{"end-of-call-report"}}
	if _, err := c.CreateAssistant(context.Background(), bad); !errors.Is(err, ErrServerMessagesWithoutToolCalls) {
		t.Errorf("create: %v", err)
	}
	if _, err := c.UpdateAssistant(context.Background(), "id", Assistant{ServerMessages: []string{}}); !errors.Is(err, ErrServerMessagesWithoutToolCalls) {
		t.Errorf("update: %v", err)
	}
	if n := len(s.Mutations()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestClientPhoneNumbers(t *testing.T) {
	c, s, _ := newTestClient(t)
	ctx := context.Background()
	p := PhoneNumber{
		Provider: "twilio", Number: "+15555550100", Name: "Main line",
		TwilioAccountSID: "AC0123", TwilioAuthToken: "twilio-token", AssistantID: "as-1",
		FallbackDestination: NumberDestination("+15555550199", ""), SMSEnabled: ptr(false),
	}
	created, err := c.CreatePhoneNumber(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Status != "active" || created.AssistantID != "as-1" || *created.SMSEnabled {
		t.Errorf("created = %+v", created)
	}
	// Importing the same number twice is refused.
	var ae *APIError
	if _, err := c.CreatePhoneNumber(ctx, p); !errors.As(err, &ae) || ae.StatusCode != 400 {
		t.Errorf("duplicate import: %v", err)
	}

	// Switching to assistant-request routing sends an explicit null.
	u := PhoneNumberUpdate{PhoneNumber: PhoneNumber{Server: &Server{URL: "https://frontdesk.example/webhooks/vapi"}}, ClearAssistant: true}
	updated, err := c.UpdatePhoneNumber(ctx, created.ID, u)
	if err != nil {
		t.Fatal(err)
	}
	if got := lastBody(t, s); got != `{"assistantId":null,"server":{"url":"https://frontdesk.example/webhooks/vapi"}}` {
		t.Errorf("PATCH body = %s", got)
	}
	if updated.AssistantID != "" || updated.Server.URL == "" || updated.Number != "+15555550100" {
		t.Errorf("updated = %+v", updated)
	}
	if _, err := c.UpdatePhoneNumber(ctx, created.ID, PhoneNumberUpdate{PhoneNumber: PhoneNumber{AssistantID: "as-2"}}); err != nil {
		t.Fatal(err)
	}
	if got := lastBody(t, s); got != `{"assistantId":"as-2"}` {
		t.Errorf("PATCH body = %s", got)
	}
	got, err := c.GetPhoneNumber(ctx, created.ID)
	if err != nil || got.AssistantID != "as-2" {
		t.Errorf("get = %+v, %v", got, err)
	}
	list, err := c.ListPhoneNumbers(ctx)
	if err != nil || len(list) != 1 {
		t.Errorf("list = %+v, %v", list, err)
	}
}

func TestClientCredentials(t *testing.T) {
	c, s, _ := newTestClient(t)
	ctx := context.Background()
	bearer, err := c.CreateCredential(ctx, BearerCredential("frontdesk webhook", "tok", "", true))
	if err != nil {
		t.Fatal(err)
	}
	if got := lastBody(t, s); got != `{"provider":"webhook","name":"frontdesk webhook","authenticationPlan":{"type":"bearer","token":"tok","bearerPrefixEnabled":true}}` {
		t.Errorf("POST body = %s", got)
	}
	legacy, err := c.CreateCredential(ctx, BearerCredential("legacy", "tok", HeaderSecret, false))
	if err != nil {
		t.Fatal(err)
	}
	if legacy.AuthenticationPlan.HeaderName != HeaderSecret || *legacy.AuthenticationPlan.BearerPrefixEnabled {
		t.Errorf("legacy = %+v", legacy.AuthenticationPlan)
	}
	h, err := c.CreateCredential(ctx, HMACCredential("frontdesk hmac", "k"))
	if err != nil {
		t.Fatal(err)
	}
	if p := h.AuthenticationPlan; p.Type != "hmac" || p.Algorithm != "sha256" || p.SignatureHeader != "x-signature" || p.TimestampHeader != "x-timestamp" || p.PayloadFormat != "{timestamp}.{body}" {
		t.Errorf("hmac = %+v", p)
	}
	list, err := c.ListCredentials(ctx)
	if err != nil || len(list) != 3 || list[2].ID != bearer.ID {
		t.Errorf("list = %+v, %v", list, err)
	}
}

func TestClientGetCall(t *testing.T) {
	c, s, _ := newTestClient(t)
	s.SeedCall(vapitest.Call{
		ID: "call-1", PhoneNumberID: "pn-1", AssistantID: "as-1", CustomerNumber: "+15551234567", TwilioCallSID: "CA1",
		StartedAt: fakeNow, EndedAt: fakeNow.Add(2 * time.Minute), EndedReason: "customer-ended-call", Cost: 0.2,
	})
	got, err := c.GetCall(context.Background(), "call-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "call-1" || got.OrgID != s.OrgID || got.Status != "ended" || got.PhoneCallProviderID != "CA1" ||
		got.Customer.Number != "+15551234567" || !got.EndedAt.Equal(fakeNow.Add(2*time.Minute)) || got.Cost != 0.2 ||
		got.Monitor.ControlURL != s.ControlURL("call-1") || got.EndedReason != "customer-ended-call" {
		t.Errorf("call = %+v", got)
	}
	if _, err := c.GetCall(context.Background(), "nope"); !IsNotFound(err) {
		t.Errorf("unknown call: %v", err)
	}
}

func TestClientErrors(t *testing.T) {
	c, s, _ := newTestClient(t)
	ctx := context.Background()

	_, err := c.CreateTool(ctx, Tool{Type: "function", Function: &Function{Name: "has spaces"},
		Server: &Server{URL: "https://x.example", TimeoutSeconds: 400}})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 ||
		!strings.Contains(ae.Message, "function.name must match") || !strings.Contains(ae.Message, "; server.timeoutSeconds must not be greater than 300") {
		t.Errorf("validation error = %v", err)
	}
	if _, err := c.CreateAssistant(ctx, Assistant{Name: strings.Repeat("n", 41)}); !errors.As(err, &ae) ||
		ae.Message != "name must be shorter than or equal to 40 characters" {
		t.Errorf("long name: %v", err)
	}

	wrong := NewClient(ClientConfig{BaseURL: s.URL, APIKey: "wrong-key-value"})
	_, err = wrong.ListTools(ctx)
	if !errors.As(err, &ae) || ae.StatusCode != 401 || !strings.Contains(ae.Message, "Invalid Key") {
		t.Errorf("wrong key: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-key-value") {
		t.Errorf("error %q carries the API key", err)
	}

	none := NewClient(ClientConfig{BaseURL: s.URL})
	s.ResetCounts()
	if _, err := none.ListTools(ctx); !errors.Is(err, ErrNoAPIKey) || s.Count("GET") != 0 {
		t.Errorf("no key: %v, %d requests", err, s.Count("GET"))
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	dead := NewClient(ClientConfig{BaseURL: closed.URL, APIKey: "secret-key-value"})
	if _, err := dead.CreateTool(ctx, Tool{Type: "function"}); err == nil || strings.Contains(err.Error(), "secret-key-value") {
		t.Errorf("transport error = %v", err)
	}
}

func TestParseAPIError(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   string
	}{
		{400, `{"message":["name must be a string","function.name should not be empty"],"error":"Bad Request","statusCode":400}`,
			"name must be a string; function.name should not be empty"},
		{404, `{"message":"Not Found","error":"Not Found","statusCode":404}`, "Not Found"},
		{401, `{"message":"Invalid Key.","error":"Unauthorized","statusCode":401}`, "Invalid Key."},
		{400, `{"message":[],"error":"Bad Request","statusCode":400}`, "Bad Request"},
		{500, `{"statusCode":500,"message":"Internal server error"}`, "Internal server error"},
		{502, `<html>Bad gateway</html>`, "Bad Gateway"},
		{503, ``, "Service Unavailable"},
		{409, `{"message":{"odd":true},"error":"Conflict"}`, "Conflict"},
	}
	for _, tt := range tests {
		e := parseAPIError(tt.status, []byte(tt.body))
		if e.StatusCode != tt.status || e.Message != tt.want {
			t.Errorf("parseAPIError(%d, %s) = %+v, want message %q", tt.status, tt.body, e, tt.want)
		}
	}
	if got := (&APIError{StatusCode: 404, Message: "Not Found"}).Error(); got != "vapi: 404 Not Found: Not Found" {
		t.Errorf("Error() = %q", got)
	}
}

func TestClientRetries(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		status   int
		failures int
		call     func(*Client) error
		method   string
		requests int
		ok       bool
	}{
		{"GET retried on 503", 503, 2, func(c *Client) error { _, err := c.ListTools(ctx); return err }, "GET", 3, true},
		{"GET retried on 429", 429, 1, func(c *Client) error { _, err := c.ListAssistants(ctx); return err }, "GET", 2, true},
		{"GET gives up after 3 tries", 500, 3, func(c *Client) error { _, err := c.ListTools(ctx); return err }, "GET", 3, false},
		{"GET not retried on 400", 400, 1, func(c *Client) error { _, err := c.ListTools(ctx); return err }, "GET", 1, false},
		{"POST not retried", 503, 1, func(c *Client) error { _, err := c.CreateTool(ctx, Tool{Type: "function"}); return err }, "POST", 1, false},
		{"PATCH not retried", 502, 1, func(c *Client) error { _, err := c.UpdateTool(ctx, "x", Tool{}); return err }, "PATCH", 1, false},
		{"DELETE not retried", 503, 1, func(c *Client) error { return c.DeleteTool(ctx, "x") }, "DELETE", 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s, slept := newTestClient(t)
			s.FailNext(tt.status, tt.failures)
			err := tt.call(c)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			var ae *APIError
			if !tt.ok && (!errors.As(err, &ae) || ae.StatusCode != tt.status) {
				t.Errorf("err = %v, want APIError %d", err, tt.status)
			}
			if n := s.Count(tt.method); n != tt.requests {
				t.Errorf("%d %s requests, want %d", n, tt.method, tt.requests)
			}
			if len(*slept) != tt.requests-1 {
				t.Errorf("slept %d times, want %d", len(*slept), tt.requests-1)
			}
		})
	}
}

func TestClientDelay(t *testing.T) {
	c := NewClient(ClientConfig{})
	for attempt := 1; attempt <= 3; attempt++ {
		top := c.backoff << (attempt - 1)
		for range 50 {
			if d := c.delay(attempt, http.Header{}); d < top/2 || d > top {
				t.Fatalf("attempt %d: delay %v outside [%v, %v]", attempt, d, top/2, top)
			}
		}
	}
	h := http.Header{}
	h.Set("Retry-After", "2")
	if d := c.delay(1, h); d != 2*time.Second {
		t.Errorf("Retry-After 2: %v", d)
	}
}

func TestClientDeadline(t *testing.T) {
	t.Run("slow answer", func(t *testing.T) {
		block := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-block:
			}
		}))
		defer srv.Close()
		defer close(block)
		c := NewClient(ClientConfig{BaseURL: srv.URL, APIKey: "k", Timeout: 30 * time.Millisecond})
		start := time.Now()
		_, err := c.GetTool(context.Background(), "x")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("deadline not enforced")
		}
	})
	t.Run("deadline covers retry waits", func(t *testing.T) {
		s := vapitest.NewServer()
		defer s.Close()
		c := NewClient(ClientConfig{BaseURL: s.URL, APIKey: s.APIKey, Timeout: 30 * time.Millisecond})
		c.backoff = time.Hour
		s.FailNext(503, 1)
		_, err := c.ListTools(context.Background())
		var ae *APIError
		if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ae) || ae.StatusCode != 503 {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("caller's context", func(t *testing.T) {
		c, _, _ := newTestClient(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.ListTools(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestClientControl(t *testing.T) {
	s := vapitest.NewServer()
	defer s.Close()
	// The fake listens on loopback, as `frontdesk simulate-call`'s does.
	c := NewClient(ClientConfig{BaseURL: s.URL, APIKey: s.APIKey, ControlLoopback: true})
	ctx := context.Background()
	url := s.ControlURL("call-1")
	steps := []ControlMessage{TransferControl("+15555550199", "Transferring you now."), SayControl("One moment.", false), EndCallControl()}
	for _, m := range steps {
		if err := c.Control(ctx, url, m); err != nil {
			t.Fatalf("%s: %v", m.Type, err)
		}
	}
	var got []string
	for _, b := range s.Controls("call-1") {
		got = append(got, string(b))
	}
	want := []string{
		`{"type":"transfer","destination":{"type":"number","number":"+15555550199"},"content":"Transferring you now."}`,
		`{"type":"say","content":"One moment."}`,
		`{"type":"end-call"}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("controls =\n%v\nwant\n%v", got, want)
	}
	if s.Count("POST") != 0 {
		t.Errorf("control posts counted as API requests")
	}

	// Vapi's refusal is reported by status alone: what the remote said is
	// never repeated into an error (or a log line).
	if err := c.Control(ctx, url, TransferControl("555-0199", "")); err == nil || !strings.Contains(err.Error(), "status 400") || strings.Contains(err.Error(), "number") {
		t.Errorf("bad number: %v", err)
	}
	for _, bad := range []string{"", "ftp://x/control", "/relative/control", "http://"} {
		if err := c.Control(ctx, bad, EndCallControl()); err == nil {
			t.Errorf("Control(%q) accepted", bad)
		}
	}
}

func TestCheckControlURL(t *testing.T) {
	vapiURL := "https://phone-call-websocket.aws-us-west-2-backend-production1.vapi.ai/3f1c/control"
	cases := []struct {
		url            string
		prod, dev, own bool // accepted by default, in dev mode, with ControlHosts ctl.example.com
	}{
		{vapiURL, true, true, false},
		{"https://vapi.ai/c/control", true, true, false},
		{"https://PHONE.VAPI.AI:443/c/control", true, true, false},
		{"http://phone-call-websocket.vapi.ai/c/control", false, false, false},
		{"https://phone-call-websocket.vapi.ai:8443/c/control", false, false, false},
		{"https://vapi.ai.evil.example/c/control", false, false, false},
		{"https://evilvapi.ai/c/control", false, false, false},
		{"https://vapi.ai@evil.example/c/control", false, false, false},
		{"https://evil.example/c/control", false, false, false},
		{"https://ctl.example.com/c/control", false, false, true},
		{"http://127.0.0.1:8080/c/control", false, true, false},
		{"https://[::1]:9/c/control", false, true, false},
		{"http://localhost:9/c/control", false, true, false},
		{"http://169.254.169.254/latest/meta-data", false, false, false},
		{"http://10.0.0.1/c/control", false, false, false},
		{"ftp://127.0.0.1/c/control", false, false, false},
		{"", false, false, false},
	}
	prod := NewClient(ClientConfig{})
	dev := NewClient(ClientConfig{ControlLoopback: true})
	own := NewClient(ClientConfig{ControlHosts: []string{"ctl.example.com"}})
	for _, c := range cases {
		for _, x := range []struct {
			name string
			c    *Client
			want bool
		}{{"default", prod, c.prod}, {"dev", dev, c.dev}, {"own hosts", own, c.own}} {
			if err := x.c.CheckControlURL(c.url); (err == nil) != x.want {
				t.Errorf("%s: CheckControlURL(%q) = %v, want accepted %v", x.name, c.url, err, x.want)
			}
		}
	}
}

// TestControlRefusesBeforeAnyRequest: a refused URL is never contacted, and
// a redirect from an allowed one is not followed.
func TestControlRefusesBeforeAnyRequest(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer other.Close()
	c := NewClient(ClientConfig{})
	if err := c.Control(context.Background(), other.URL+"/control", EndCallControl()); !errors.Is(err, ErrControlURL) {
		t.Errorf("err = %v", err)
	}
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	dev := NewClient(ClientConfig{ControlLoopback: true})
	if err := dev.Control(context.Background(), redirect.URL+"/control", EndCallControl()); err == nil || !strings.Contains(err.Error(), "status 307") {
		t.Errorf("redirect: %v", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached a host that is not Vapi's", n)
	}
}

// The payloads vapitest builds for other packages' tests parse as intended.
func TestVapitestPayloadsParse(t *testing.T) {
	at := fakeNow
	call := vapitest.Call{
		ID: "call-1", OrgID: "org-1", PhoneNumberID: "pn-1", PhoneNumber: "+15555550100", AssistantID: "as-1",
		CustomerNumber: "+15551234567", TwilioCallSID: "CA1", ControlURL: "https://ctl/call-1/control", StartedAt: at,
	}

	m := mustParse(t, call.ToolCalls(at,
		vapitest.ToolCall{ID: "t1", Name: "check-availability", Arguments: map[string]any{"max_results": "3"}},
		vapitest.ToolCall{ID: "t2", Name: "take-message", Arguments: map[string]any{"message": "x"}, StringArguments: true},
		vapitest.ToolCall{Name: "transfer-to-human"},
	))
	if m.Type != TypeToolCalls || m.PhoneNumberID() != "pn-1" || m.AssistantID() != "as-1" || m.CallerNumber() != "+15551234567" ||
		m.Call.Monitor.ControlURL != "https://ctl/call-1/control" || m.Call.PhoneCallProviderID != "CA1" || !m.Timestamp.Equal(at) {
		t.Errorf("tool-calls message = %+v", m)
	}
	calls := m.ToolCalls()
	if len(calls) != 3 || len(m.Problems) != 0 || m.Call.TwilioCallSID() != "CA1" || m.Call.Transport.CallSID != "CA1" {
		t.Fatalf("calls = %+v, problems %v", calls, m.Problems)
	}
	var args struct {
		MaxResults int `json:"max_results"`
	}
	if err := calls[0].Decode(&args); err != nil || args.MaxResults != 3 || calls[0].ID != "t1" {
		t.Errorf("call 0 = %+v, %+v, %v", calls[0], args, err)
	}
	if string(calls[1].Arguments) != `{"message":"x"}` || string(calls[2].Arguments) != `{}` || !strings.HasPrefix(calls[2].ID, "call_") {
		t.Errorf("calls = %+v", calls)
	}

	m = mustParse(t, call.AssistantRequest(at))
	if m.Type != TypeAssistantRequest || m.AssistantID() != "" || m.PhoneNumberID() != "pn-1" || m.PhoneNumber.Number != "+15555550100" {
		t.Errorf("assistant-request = %+v", m)
	}
	m = mustParse(t, call.StatusUpdate(at, "ended", "customer-ended-call"))
	if m.Status != "ended" || m.EndedReason != "customer-ended-call" {
		t.Errorf("status-update = %+v", m)
	}
	m = mustParse(t, call.StatusUpdate(at, "in-progress", "ignored"))
	if m.Status != "in-progress" || m.EndedReason != "" {
		t.Errorf("status-update = %+v", m)
	}
	m = mustParse(t, call.TransferDestinationRequest(at))
	if m.Type != TypeTransferDestinationRequest || m.Call.ID != "call-1" {
		t.Errorf("transfer-destination-request = %+v", m)
	}
	m = mustParse(t, call.EndOfCallReport(at.Add(3*time.Minute), vapitest.Report{
		Transcript: "AI: Hi", Summary: "Booked.", RecordingURL: "https://rec/1", StereoRecordingURL: "https://rec/1s",
		StructuredData: map[string]any{"booked": true}, SuccessEvaluation: "true", Cost: 0.4,
		CostBreakdown: map[string]float64{"llm": 0.1, "total": 0.4}, Messages: []map[string]any{{"role": "bot", "message": "Hi"}},
	}))
	r := m.EndOfCallReport()
	if r.EndedReason != "customer-ended-call" || r.Duration != 3*time.Minute || r.Cost != 0.4 || r.Transcript != "AI: Hi" ||
		r.Summary != "Booked." || r.RecordingURL != "https://rec/1" || r.StereoRecordingURL != "https://rec/1s" ||
		string(r.StructuredData) != `{"booked":true}` || r.SuccessEvaluation != "true" || string(r.Messages) != `[{"message":"Hi","role":"bot"}]` ||
		r.CostBreakdown == nil || *r.CostBreakdown.LLM != 0.1 || *r.CostBreakdown.Total != 0.4 || len(m.Problems) != 0 {
		t.Errorf("report = %+v, problems %v", r, m.Problems)
	}
	// A web call has no telephony: no CallSid, no caller number.
	m = mustParse(t, vapitest.Call{ID: "web-1", Type: "webCall", AssistantID: "as-1"}.EndOfCallReport(at, vapitest.Report{}))
	if m.Call.Type != "webCall" || m.Call.TwilioCallSID() != "" || m.CallerNumber() != "" {
		t.Errorf("web call = %+v", m.Call)
	}
}

func mustParse(t *testing.T, body []byte) *Message {
	t.Helper()
	m, err := ParseMessage(body)
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return m
}
