package agentsetup_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/agent"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/internal/agentsetup"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

const (
	publicURL     = "https://frontdesk.example.com"
	webhookSecret = "webhook-secret-0123456789"
	hmacSecret    = "hmac-secret-0123456789"
	twilioSID     = "AC00000000000000000000000000000001"
	twilioToken   = "twilio-token"
	mainNumber    = "+15555550100"
	deskNumber    = "+15555550177"
	frontDesk     = "+15555550199"
)

// now is a Tuesday; the prompt must not know it.
var now = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)

type env struct {
	db    *database.DB
	vapi  *vapitest.Server
	api   *vapi.Client
	clk   *clock.Fake
	cfg   agentsetup.Config
	svc   *agentsetup.Service
	pid   string
	ctx   context.Context // the practice's system context
	admin context.Context // unscoped, for test setup and checks
}

type option func(*agentsetup.Config)

func withTwilio(c *agentsetup.Config) { c.TwilioAccountSID, c.TwilioAuthToken = twilioSID, twilioToken }
func withHMAC(c *agentsetup.Config)   { c.WebhookHMACSecret = hmacSecret }

// newEnv makes Bright Smile Dental: hours set in frontdesk (the PMS's
// differ), two active providers and an inactive one, two bookable types
// and one that is not, a patient, an AGENT number and a FRONT_DESK one.
func newEnv(t *testing.T, db *database.DB, opts ...option) *env {
	t.Helper()
	e := &env{db: db, clk: clock.NewFake(now), admin: tenant.Unscoped(context.Background())}
	e.vapi = vapitest.NewServer(vapitest.WithClock(e.clk))
	t.Cleanup(e.vapi.Close)
	e.api = vapi.NewClient(vapi.ClientConfig{BaseURL: e.vapi.URL, APIKey: e.vapi.APIKey})
	e.cfg = agentsetup.Config{DB: db, Vapi: e.api, PublicURL: publicURL + "/", WebhookSecret: webhookSecret, Clock: e.clk}
	for _, o := range opts {
		o(&e.cfg)
	}
	e.svc = agentsetup.New(e.cfg)
	e.pid = e.practice(t, "Bright Smile Dental")
	e.ctx = tenant.System(context.Background(), e.pid)
	c := db.Client(e.admin)
	c.PhoneNumber.Create().SetPracticeID(e.pid).SetNumber(mainNumber).SaveX(e.admin)
	c.PhoneNumber.Create().SetPracticeID(e.pid).SetNumber(deskNumber).SetRouting(phonenumber.RoutingFRONT_DESK).SaveX(e.admin)
	return e
}

// practice creates a practice with its providers, types and a patient.
func (e *env) practice(t *testing.T, name string) string {
	t.Helper()
	c := e.db.Client(e.admin)
	weekday := []calendar.TimeRange{{Start: 8 * 60, End: 12 * 60}, {Start: 13 * 60, End: 17 * 60}}
	p := c.Practice.Create().SetName(name).SetTimeZone("America/New_York").SetFrontDeskNumber(frontDesk).
		SetHours(calendar.WeeklyHours{
			time.Monday: weekday, time.Tuesday: weekday, time.Wednesday: weekday, time.Thursday: weekday,
			time.Friday: {{Start: 8 * 60, End: 14*60 + 30}},
		}).
		SetPmsHours(calendar.WeeklyHours{time.Saturday: {{Start: 9 * 60, End: 12 * 60}}}).
		SaveX(e.admin)
	c.Provider.Create().SetPracticeID(p.ID).SetPmsID("DR1").SetTitle("Dr.").SetFirstName("Amy").SetLastName("Lee").SetSpecialty("General dentistry").SaveX(e.admin)
	c.Provider.Create().SetPracticeID(p.ID).SetPmsID("HYG1").SetFirstName("Sam").SetLastName("Patel").SetSpecialty("Hygienist").SaveX(e.admin)
	c.Provider.Create().SetPracticeID(p.ID).SetPmsID("DR9").SetTitle("Dr.").SetFirstName("Retired").SetLastName("Oldman").SetActive(false).SaveX(e.admin)
	c.AppointmentType.Create().SetPracticeID(p.ID).SetPmsID("T1").SetName("Cleaning").SetDurationMinutes(60).SaveX(e.admin)
	c.AppointmentType.Create().SetPracticeID(p.ID).SetPmsID("T2").SetName("Emergency exam").SetDurationMinutes(30).SaveX(e.admin)
	c.AppointmentType.Create().SetPracticeID(p.ID).SetPmsID("T3").SetName("Implant surgery").SetDurationMinutes(120).SetBookableByPhone(false).SaveX(e.admin)
	c.Patient.Create().SetPracticeID(p.ID).SetPmsID("P1").SetFirstName("Quillon").SetLastName("Zamorano").SetBirthDate("1961-03-04").
		SetPhones([]string{"+19175550123"}).SaveX(e.admin)
	return p.ID
}

func (e *env) provision(t *testing.T) *agentsetup.Result {
	t.Helper()
	res, err := e.svc.Provision(e.ctx)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	return res
}

// provisionIsIdle runs Provision again and fails the test if that run
// changed anything in Vapi.
func (e *env) provisionIsIdle(t *testing.T, run string) {
	t.Helper()
	e.vapi.ResetCounts()
	e.provision(t)
	if got := e.vapi.Mutations(); len(got) != 0 {
		t.Errorf("%s mutated Vapi: %q", run, e.mutations())
	}
}

func (e *env) agent(t *testing.T) *ent.Agent {
	t.Helper()
	return e.db.Client(e.admin).Agent.Query().Where(agent.PracticeID(e.pid)).OnlyX(e.admin)
}

// mutations are the fake's POST/PATCH/DELETE since the last reset, as
// "METHOD /resource" with ids cut off.
func (e *env) mutations() []string {
	var out []string
	for _, m := range e.vapi.Mutations() {
		parts := strings.Split(strings.TrimPrefix(m.Path, "/"), "/")
		out = append(out, m.Method+" /"+parts[0])
	}
	return out
}

func (e *env) assistant(t *testing.T, id string) map[string]any {
	t.Helper()
	for _, a := range e.vapi.Assistants() {
		if a["id"] == id {
			return a
		}
	}
	t.Fatalf("assistant %s is not in Vapi", id)
	return nil
}

func prompt(a map[string]any) string {
	return a["model"].(map[string]any)["messages"].([]any)[0].(map[string]any)["content"].(string)
}

func allTools(prefix string) []string {
	var out []string
	for _, n := range agentsetup.ToolNames() {
		out = append(out, prefix+n)
	}
	return out
}

func TestVapiProvisionCreatesEverythingThenChangesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, withTwilio)
		res := e.provision(t)

		wantCreated := append(append([]string{"credential"}, allTools("tool ")...), "assistant", "number "+mainNumber)
		if !slices.Equal(res.Created, wantCreated) {
			t.Errorf("created %q, want %q", res.Created, wantCreated)
		}
		if len(res.Updated)+len(res.Unchanged) != 0 {
			t.Errorf("first run updated %q, left %q", res.Updated, res.Unchanged)
		}
		if want := []string{"number " + deskNumber + ": routed to the front desk, left alone"}; !slices.Equal(res.Skipped, want) {
			t.Errorf("skipped %q, want %q", res.Skipped, want)
		}
		wantMutations := []string{"POST /credential"}
		for range 7 {
			wantMutations = append(wantMutations, "POST /tool")
		}
		wantMutations = append(wantMutations, "POST /assistant", "POST /phone-number")
		if got := e.mutations(); !slices.Equal(got, wantMutations) {
			t.Errorf("mutations %q, want %q", got, wantMutations)
		}

		// What Vapi now holds.
		cred := e.vapi.Credentials()[0]
		plan := cred["authenticationPlan"].(map[string]any)
		if cred["name"] != agentsetup.CredentialName || plan["type"] != "bearer" || plan["token"] != webhookSecret {
			t.Errorf("credential %v", cred)
		}
		toolIDs := map[string]string{}
		for _, tool := range e.vapi.Tools() {
			fn := tool["function"].(map[string]any)
			name := fn["name"].(string)
			toolIDs[name] = tool["id"].(string)
			srv := tool["server"].(map[string]any)
			if srv["url"] != publicURL+"/webhooks/vapi/tools/"+name || srv["credentialId"] != cred["id"] || srv["headers"] != nil {
				t.Errorf("tool %s server %v", name, srv)
			}
			if tool["async"] != false {
				t.Errorf("tool %s async %v", name, tool["async"])
			}
		}
		a := e.agent(t)
		if len(a.VapiToolIds) != 7 || !mapsEqual(a.VapiToolIds, toolIDs) {
			t.Errorf("agent tool ids %v, Vapi's %v", a.VapiToolIds, toolIDs)
		}
		if a.ProvisionedAt == nil || !a.ProvisionedAt.Equal(now) || a.ProvisionError != "" {
			t.Errorf("agent provisioned_at %v, error %q", a.ProvisionedAt, a.ProvisionError)
		}
		asst := e.assistant(t, a.VapiAssistantID)
		model := asst["model"].(map[string]any)
		var ids []string
		for _, id := range model["toolIds"].([]any) {
			ids = append(ids, id.(string))
		}
		var wantIDs []string
		for _, n := range agentsetup.ToolNames() {
			wantIDs = append(wantIDs, toolIDs[n])
		}
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("assistant toolIds %v, want %v", ids, wantIDs)
		}
		if model["provider"] != "openai" || model["model"] != "gpt-4o" {
			t.Errorf("model %v", model)
		}
		if asst["name"] != "Bright Smile Dental" ||
			asst["firstMessage"] != "Thank you for calling Bright Smile Dental. This is the virtual receptionist — how can I help you today?" {
			t.Errorf("assistant name %q, first message %q", asst["name"], asst["firstMessage"])
		}
		if srv := asst["server"].(map[string]any); srv["url"] != publicURL+"/webhooks/vapi" || srv["credentialId"] != cred["id"] {
			t.Errorf("assistant server %v", srv)
		}
		if md := asst["metadata"].(map[string]any); md["practiceId"] != e.pid {
			t.Errorf("assistant metadata %v", md)
		}
		msgs := asst["serverMessages"].([]any)
		for _, m := range []string{"tool-calls", "status-update", "end-of-call-report", "transfer-destination-request"} {
			if !slices.Contains(msgs, any(m)) {
				t.Errorf("serverMessages %v lack %s", msgs, m)
			}
		}
		nums := e.vapi.PhoneNumbers()
		if len(nums) != 1 {
			t.Fatalf("Vapi has %d numbers, want 1 (the FRONT_DESK one stays out)", len(nums))
		}
		num := nums[0]
		if num["number"] != mainNumber || num["provider"] != "twilio" || num["twilioAccountSid"] != twilioSID ||
			num["assistantId"] != a.VapiAssistantID || num["smsEnabled"] != false {
			t.Errorf("number %v", num)
		}
		if fd := num["fallbackDestination"].(map[string]any); fd["number"] != frontDesk {
			t.Errorf("number fallback %v, want the front desk", fd)
		}
		row := e.db.Client(e.admin).PhoneNumber.Query().Where(phonenumber.Number(mainNumber)).OnlyX(e.admin)
		if row.VapiPhoneNumberID != num["id"] {
			t.Errorf("number row's Vapi id %q, want %q", row.VapiPhoneNumberID, num["id"])
		}

		// A second run changes nothing.
		e.vapi.ResetCounts()
		e.clk.Advance(time.Hour)
		res = e.provision(t)
		if got := e.vapi.Mutations(); len(got) != 0 {
			t.Fatalf("second run mutated Vapi: %v", e.mutations())
		}
		if len(res.Created)+len(res.Updated) != 0 || len(res.Unchanged) != 10 {
			t.Errorf("second run: created %q, updated %q, unchanged %q", res.Created, res.Updated, res.Unchanged)
		}
		if a := e.agent(t); !a.ProvisionedAt.Equal(now.Add(time.Hour)) {
			t.Errorf("provisioned_at %v, want the second run's time", a.ProvisionedAt)
		}
	})
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Each change of what the prompt or greeting says costs exactly one
// assistant PATCH, and the next run is quiet again.
func TestVapiChangesPatchOnlyTheAssistant(t *testing.T) {
	db := dbtest.Open(t)
	e := newEnv(t, db)
	e.provision(t)
	greeting := "Hello from Bright Smile!"
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
		check  func(t *testing.T, a map[string]any)
	}{
		{"greeting", func(t *testing.T) {
			if _, err := e.svc.Update(e.ctx, agentsetup.Settings{Greeting: &greeting}); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, a map[string]any) {
			if a["firstMessage"] != greeting {
				t.Errorf("firstMessage %q", a["firstMessage"])
			}
		}},
		{"hours", func(t *testing.T) {
			p := e.db.Client(e.admin).Practice.GetX(e.admin, e.pid)
			h := p.Hours
			h[time.Saturday] = []calendar.TimeRange{{Start: 9 * 60, End: 13 * 60}}
			e.db.Client(e.admin).Practice.UpdateOneID(e.pid).SetHours(h).ExecX(e.admin)
		}, func(t *testing.T, a map[string]any) {
			if !strings.Contains(prompt(a), "- Saturday: 9 AM to 1 PM") {
				t.Errorf("prompt lacks the new Saturday hours:\n%s", prompt(a))
			}
		}},
		{"provider", func(t *testing.T) {
			e.db.Client(e.admin).Provider.Create().SetPracticeID(e.pid).SetPmsID("DR2").SetTitle("Dr.").
				SetFirstName("Noor").SetLastName("Haddad").SetSpecialty("Orthodontics").ExecX(e.admin)
		}, func(t *testing.T, a map[string]any) {
			if !strings.Contains(prompt(a), "- Dr. Haddad (Noor Haddad), Orthodontics") {
				t.Errorf("prompt lacks the new provider:\n%s", prompt(a))
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			e.vapi.ResetCounts()
			res := e.provision(t)
			id := e.agent(t).VapiAssistantID
			if got := e.vapi.Mutations(); len(got) != 1 || got[0].Method != "PATCH" || got[0].Path != "/assistant/"+id {
				t.Fatalf("mutations %v, want one PATCH of the assistant", e.mutations())
			}
			if !slices.Equal(res.Updated, []string{"assistant"}) {
				t.Errorf("updated %q", res.Updated)
			}
			tc.check(t, e.assistant(t, id))
			e.provisionIsIdle(t, "the run after the change")
		})
	}
}

func TestVapiToolEditedByHandIsPatchedBack(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	e.provision(t)
	tools, err := e.api.ListTools(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var book vapi.Tool
	for _, tool := range tools {
		if tool.Function.Name == agentsetup.BookAppointment {
			book = tool
		}
	}
	original := *book.Function
	edited := original
	edited.Description = "someone's hand edit"
	if _, err := e.api.UpdateTool(e.ctx, book.ID, vapi.Tool{Function: &edited, Server: &vapi.Server{URL: "https://elsewhere.example.com/hook"}}); err != nil {
		t.Fatal(err)
	}

	e.vapi.ResetCounts()
	res := e.provision(t)
	muts := e.vapi.Mutations()
	if len(muts) != 1 || muts[0].Method != "PATCH" || muts[0].Path != "/tool/"+book.ID {
		t.Fatalf("mutations %v, want one PATCH of book-appointment", e.mutations())
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(muts[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if _, ok := body["function"]; !ok || body["server"] == nil || len(body) != 2 {
		t.Errorf("PATCH body %s, want exactly function and server", muts[0].Body)
	}
	if !slices.Equal(res.Updated, []string{"tool " + agentsetup.BookAppointment}) {
		t.Errorf("updated %q", res.Updated)
	}
	restored, err := e.api.GetTool(e.ctx, book.ID)
	if err != nil {
		t.Fatal(err)
	}
	if restored.Function.Description != original.Description || restored.Server.URL != publicURL+"/webhooks/vapi/tools/book-appointment" {
		t.Errorf("tool not restored: %+v %+v", restored.Function, restored.Server)
	}
}

func TestVapiAssistantDeletedInVapiIsRecreated(t *testing.T) {
	e := newEnv(t, dbtest.Open(t), withTwilio)
	e.provision(t)
	old := e.agent(t).VapiAssistantID
	if err := e.api.DeleteAssistant(e.ctx, old); err != nil {
		t.Fatal(err)
	}
	e.vapi.ResetCounts()
	res := e.provision(t)
	if got, want := e.mutations(), []string{"POST /assistant", "PATCH /phone-number"}; !slices.Equal(got, want) {
		t.Fatalf("mutations %q, want %q", got, want)
	}
	if !slices.Equal(res.Created, []string{"assistant"}) || !slices.Equal(res.Updated, []string{"number " + mainNumber}) {
		t.Errorf("created %q, updated %q", res.Created, res.Updated)
	}
	id := e.agent(t).VapiAssistantID
	if id == old || id == "" {
		t.Fatalf("agent's assistant id %q after recreation (old %q)", id, old)
	}
	if n := e.vapi.PhoneNumbers()[0]; n["assistantId"] != id {
		t.Errorf("number points at %v, want the new assistant %s", n["assistantId"], id)
	}
}

// A run that created the assistant but died before saving its id finds it
// again by its metadata instead of making a second one.
func TestVapiLostAssistantIDIsFoundByMetadata(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	e.provision(t)
	id := e.agent(t).VapiAssistantID
	e.db.Client(e.admin).Agent.Update().Where(agent.PracticeID(e.pid)).SetVapiAssistantID("").ExecX(e.admin)
	e.provisionIsIdle(t, "the run that lost the id")
	if got := e.agent(t).VapiAssistantID; got != id {
		t.Errorf("assistant id %q, want %q found again", got, id)
	}
}

func TestVapiWrongKeyIsAClearErrorStoredOnTheAgent(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	e.cfg.Vapi = vapi.NewClient(vapi.ClientConfig{BaseURL: e.vapi.URL, APIKey: "the-public-key"})
	_, err := agentsetup.New(e.cfg).Provision(e.ctx)
	if apperr.CodeOf(err) != apperr.Unavailable {
		t.Fatalf("err %v (%s), want UNAVAILABLE", err, apperr.CodeOf(err))
	}
	msg := apperr.MessageOf(err)
	if !strings.Contains(msg, "VAPI_API_KEY") || !strings.Contains(msg, "401") || strings.Contains(msg, "the-public-key") {
		t.Errorf("message %q should name VAPI_API_KEY and the 401, never the key", msg)
	}
	a := e.agent(t)
	if a.ProvisionError != msg || a.ProvisionedAt != nil {
		t.Errorf("agent provision_error %q, provisioned_at %v", a.ProvisionError, a.ProvisionedAt)
	}
	if got := e.vapi.Mutations(); len(got) != 0 {
		t.Errorf("mutations %q", e.mutations())
	}

	// The next good run clears the error.
	e.provision(t)
	if a := e.agent(t); a.ProvisionError != "" || a.ProvisionedAt == nil {
		t.Errorf("after a good run: error %q, provisioned_at %v", a.ProvisionError, a.ProvisionedAt)
	}
}

func TestVapiFailureMidwayKeepsWhatWasLearned(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	e.cfg.Vapi = vapi.NewClient(vapi.ClientConfig{
		BaseURL: e.vapi.URL, APIKey: e.vapi.APIKey,
		HTTPClient: &http.Client{Transport: failPost{"/assistant"}},
	})
	res, err := agentsetup.New(e.cfg).Provision(e.ctx)
	if apperr.CodeOf(err) != apperr.Unavailable || !strings.Contains(apperr.MessageOf(err), "create the assistant") {
		t.Fatalf("err %v", err)
	}
	if len(res.Created) != 8 {
		t.Errorf("created %q before the failure, want the credential and seven tools", res.Created)
	}
	a := e.agent(t)
	if len(a.VapiToolIds) != 7 || a.VapiAssistantID != "" || !strings.Contains(a.ProvisionError, "HTTP 503") || a.ProvisionedAt != nil {
		t.Errorf("agent after failure: tools %v, assistant %q, error %q, provisioned_at %v",
			a.VapiToolIds, a.VapiAssistantID, a.ProvisionError, a.ProvisionedAt)
	}

	// The next run picks up where it stopped.
	e.vapi.ResetCounts()
	e.provision(t)
	if got, want := e.mutations(), []string{"POST /assistant"}; !slices.Equal(got, want) {
		t.Errorf("mutations %q, want %q", got, want)
	}
}

// failPost answers Vapi's 503 to POSTs of one path.
type failPost struct{ path string }

func (f failPost) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && r.URL.Path == f.path {
		return &http.Response{
			StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
			Body: io.NopCloser(strings.NewReader(`{"message":"Service Unavailable","statusCode":503}`)),
		}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestVapiWithoutAPIKeyIsUnavailable(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	e.cfg.Vapi = nil
	_, err := agentsetup.New(e.cfg).Provision(e.ctx)
	if apperr.CodeOf(err) != apperr.Unavailable || !strings.Contains(apperr.MessageOf(err), "VAPI_API_KEY") {
		t.Fatalf("err %v, want UNAVAILABLE naming VAPI_API_KEY", err)
	}
}

func TestVapiNumbersWithoutTwilioCredentialsAreSkipped(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	res := e.provision(t)
	want := []string{
		"number " + mainNumber + ": not in Vapi yet, and TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed to import it",
		"number " + deskNumber + ": routed to the front desk, left alone",
	}
	if !slices.Equal(res.Skipped, want) {
		t.Errorf("skipped %q, want %q", res.Skipped, want)
	}
	if slices.Contains(e.mutations(), "POST /phone-number") || len(e.vapi.PhoneNumbers()) != 0 {
		t.Errorf("numbers were imported: %q", e.mutations())
	}
}

// A number Vapi already has (imported by hand) is adopted and pointed at
// the assistant even without Twilio credentials.
func TestVapiExistingNumberIsAdopted(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	pn, err := e.api.CreatePhoneNumber(e.ctx, vapi.PhoneNumber{Provider: "twilio", Number: mainNumber, TwilioAccountSID: twilioSID, TwilioAuthToken: "x"})
	if err != nil {
		t.Fatal(err)
	}
	res := e.provision(t)
	if !slices.Equal(res.Updated, []string{"number " + mainNumber}) {
		t.Errorf("updated %q", res.Updated)
	}
	n := e.vapi.PhoneNumbers()[0]
	if n["assistantId"] != e.agent(t).VapiAssistantID || n["server"].(map[string]any)["url"] != publicURL+"/webhooks/vapi" {
		t.Errorf("number %v", n)
	}
	row := e.db.Client(e.admin).PhoneNumber.Query().Where(phonenumber.Number(mainNumber)).OnlyX(e.admin)
	if row.VapiPhoneNumberID != pn.ID {
		t.Errorf("row's Vapi id %q, want %q", row.VapiPhoneNumberID, pn.ID)
	}
}

// A disabled agent's numbers lose their assistant, so that Vapi asks our
// webhook (assistant-request), which sends the call to the front desk;
// the assistant itself stays, ready for re-enabling.
func TestVapiDisabledAgentSendsNumbersToAssistantRequest(t *testing.T) {
	e := newEnv(t, dbtest.Open(t), withTwilio)
	e.provision(t)
	id := e.agent(t).VapiAssistantID
	off, on := false, true
	if _, err := e.svc.Update(e.ctx, agentsetup.Settings{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	e.vapi.ResetCounts()
	e.provision(t)
	muts := e.vapi.Mutations()
	if len(muts) != 1 || muts[0].Method != "PATCH" || !strings.HasPrefix(muts[0].Path, "/phone-number/") ||
		!strings.Contains(string(muts[0].Body), `"assistantId":null`) {
		t.Fatalf("mutations %v, want one PATCH clearing the number's assistant", e.mutations())
	}
	if n := e.vapi.PhoneNumbers()[0]; n["assistantId"] != nil {
		t.Errorf("number still points at %v", n["assistantId"])
	}
	if len(e.vapi.Assistants()) != 1 {
		t.Errorf("the assistant was removed")
	}

	if _, err := e.svc.Update(e.ctx, agentsetup.Settings{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	e.vapi.ResetCounts()
	e.provision(t)
	if got, want := e.mutations(), []string{"PATCH /phone-number"}; !slices.Equal(got, want) {
		t.Fatalf("mutations %q, want %q", got, want)
	}
	if n := e.vapi.PhoneNumbers()[0]; n["assistantId"] != id {
		t.Errorf("number points at %v, want %s", n["assistantId"], id)
	}
}

func TestVapiTwoPracticesShareTheSevenTools(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	e.provision(t)
	other := e.practice(t, "Riverside Family Dentistry")
	e.vapi.ResetCounts()
	res, err := e.svc.Provision(tenant.System(context.Background(), other))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.mutations(), []string{"POST /assistant"}; !slices.Equal(got, want) {
		t.Errorf("second practice's mutations %q, want %q", got, want)
	}
	if want := append([]string{"credential"}, allTools("tool ")...); !slices.Equal(res.Unchanged, want) {
		t.Errorf("unchanged %q, want %q", res.Unchanged, want)
	}
	if n := len(e.vapi.Tools()); n != 7 {
		t.Errorf("Vapi has %d tools, want 7", n)
	}
	as := e.vapi.Assistants()
	if len(as) != 2 {
		t.Fatalf("Vapi has %d assistants, want 2", len(as))
	}
	if a, b := as[0]["model"].(map[string]any)["toolIds"], as[1]["model"].(map[string]any)["toolIds"]; !reflect.DeepEqual(a, b) {
		t.Errorf("tool ids differ: %v and %v", a, b)
	}
	if as[0]["metadata"].(map[string]any)["practiceId"] == as[1]["metadata"].(map[string]any)["practiceId"] {
		t.Error("both assistants name the same practice")
	}
	if !strings.Contains(prompt(as[1]), "Riverside Family Dentistry") || strings.Contains(prompt(as[1]), "Bright Smile") {
		t.Error("the second assistant's prompt is not its own practice's")
	}
}

func TestVapiHMACModeSignsAndSendsTheSecretHeader(t *testing.T) {
	e := newEnv(t, dbtest.Open(t), withHMAC)
	e.provision(t)
	creds := e.vapi.Credentials()
	if len(creds) != 1 || creds[0]["name"] != agentsetup.HMACCredentialName {
		t.Fatalf("credentials %v", creds)
	}
	plan := creds[0]["authenticationPlan"].(map[string]any)
	if plan["type"] != "hmac" || plan["secretKey"] != hmacSecret || plan["algorithm"] != "sha256" ||
		plan["signatureHeader"] != "x-signature" || plan["timestampHeader"] != "x-timestamp" || plan["payloadFormat"] != "{timestamp}.{body}" {
		t.Errorf("plan %v", plan)
	}
	servers := []any{e.vapi.Assistants()[0]["server"]}
	for _, tool := range e.vapi.Tools() {
		servers = append(servers, tool["server"])
	}
	for _, s := range servers {
		srv := s.(map[string]any)
		if h, _ := srv["headers"].(map[string]any); h[vapi.HeaderSecret] != webhookSecret || srv["credentialId"] != creds[0]["id"] {
			t.Errorf("server %v lacks the credential or the secret header", srv)
		}
	}
	e.provisionIsIdle(t, "the second run")
}

// Rotating makes a new credential, and the next run moves every server
// to it.
func TestVapiRotatedCredentialIsUsedByTheNextRun(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	e.provision(t)
	e.cfg.WebhookSecret = "rotated-secret-0123456789"
	svc := agentsetup.New(e.cfg)
	if err := svc.RotateCredential(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.vapi.ResetCounts()
	res, err := svc.Provision(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Updated) != 8 || !slices.Contains(res.Updated, "assistant") {
		t.Errorf("updated %q, want the seven tools and the assistant", res.Updated)
	}
	newest := e.vapi.Credentials()[1]
	if newest["authenticationPlan"].(map[string]any)["token"] != "rotated-secret-0123456789" {
		t.Fatalf("credentials %v", e.vapi.Credentials())
	}
	for _, tool := range e.vapi.Tools() {
		if tool["server"].(map[string]any)["credentialId"] != newest["id"] {
			t.Errorf("tool %v still uses the old credential", tool["function"].(map[string]any)["name"])
		}
	}
}

// Provisioning never attaches an id another practice's row holds: ids
// route calls, so the number's id stays with the practice that has it, and
// the run says so.
func TestVapiProvisionDoesNotAttachAnotherPracticesIDs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		pn, err := e.api.CreatePhoneNumber(e.ctx, vapi.PhoneNumber{Provider: "twilio", Number: mainNumber, TwilioAccountSID: twilioSID, TwilioAuthToken: "x"})
		if err != nil {
			t.Fatal(err)
		}
		other := e.practice(t, "Other Dental")
		c := e.db.Client(e.admin)
		squat := c.PhoneNumber.Create().SetPracticeID(other).SetNumber("+15555550166").SetVapiPhoneNumberID(pn.ID).SaveX(e.admin)

		_, err = e.svc.Provision(e.ctx)
		if apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("Provision = %v, want CONFLICT", err)
		}
		if a := e.agent(t); a.VapiAssistantID == "" || !strings.Contains(a.ProvisionError, "already another line's") {
			t.Fatalf("agent = %+v", a)
		}
		mine := c.PhoneNumber.Query().Where(phonenumber.Number(mainNumber)).OnlyX(e.admin)
		if mine.VapiPhoneNumberID != "" {
			t.Fatalf("the number took the id another practice holds: %q", mine.VapiPhoneNumberID)
		}
		if got := c.PhoneNumber.GetX(e.admin, squat.ID); got.VapiPhoneNumberID != pn.ID {
			t.Fatalf("the other practice's row changed: %+v", got)
		}

		// The same for an assistant id: another practice's agent holding it
		// keeps it, and this practice's agent does not take it.
		c.PhoneNumber.UpdateOneID(squat.ID).SetVapiPhoneNumberID("").ExecX(e.admin)
		mineAgent := e.agent(t)
		c.Agent.UpdateOneID(mineAgent.ID).SetVapiAssistantID("").ExecX(e.admin)
		c.Agent.Create().SetPracticeID(other).SetVapiAssistantID(mineAgent.VapiAssistantID).ExecX(e.admin)
		if _, err := e.svc.Provision(e.ctx); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("Provision with the assistant held elsewhere = %v, want CONFLICT", err)
		}
		if a := e.agent(t); a.VapiAssistantID != "" {
			t.Fatalf("agent took another practice's assistant id %q", a.VapiAssistantID)
		}
	})
}
