package agentsetup

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/agent"
	"github.com/frontdesk/frontdesk/ent/appointmenttype"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/ent/provider"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// The webhook credentials Vapi authenticates to us with, one per mode, so
// that turning VAPI_WEBHOOK_HMAC_SECRET on or off switches credentials
// instead of keeping one of the wrong kind.
const (
	CredentialName     = "frontdesk-webhook"
	HMACCredentialName = "frontdesk-webhook-hmac"
)

// The assistant's model.
const (
	ModelProvider = "openai"
	Model         = "gpt-4o"
)

// ServerMessages are the events the assistant sends to /webhooks/vapi;
// "tool-calls" must stay, or tool webhooks never arrive.
var ServerMessages = []string{vapi.TypeToolCalls, vapi.TypeStatusUpdate, vapi.TypeEndOfCallReport, vapi.TypeTransferDestinationRequest}

// Result is what one Provision run did, item by item: "credential",
// "tool check-availability", "assistant", "number +15555550100". Skipped
// items carry their reason after a colon.
type Result struct {
	Created, Updated, Unchanged []string
	Skipped                     []string
}

// DefaultGreeting is what callers hear first when the practice set no
// greeting.
func DefaultGreeting(practiceName string) string {
	return "Thank you for calling " + practiceName + ". This is the virtual receptionist — how can I help you today?"
}

// Provision brings Vapi in line with the acting practice's agent, in this
// order, each step needing the one before:
//
//  1. the org's webhook credential, found by name, created when missing;
//  2. the org's seven tools, found by function name, created or PATCHed
//     where they differ from Tools;
//  3. the practice's assistant, found by the stored id (else by its
//     metadata.practiceId, so a run that died before saving the id does
//     not make a second one), created or PATCHed where it differs;
//  4. the practice's AGENT-routed numbers, found by number, imported from
//     Twilio or PATCHed.
//
// Nothing that already matches is written, so a second run makes no
// changes in Vapi. The ids learned, provisioned_at (on success) and
// provision_error are stored on the Agent row, also after a failure.
//
// A disabled agent keeps its tools and assistant up to date, so enabling
// it is immediate, but its numbers carry no assistant: Vapi then sends
// assistant-request to /webhooks/vapi, which answers with a transfer to
// the front desk while the agent is disabled.
//
// Only owners (and the system, for the CLI) may provision.
func (s *Service) Provision(ctx context.Context) (*Result, error) {
	pid, err := owningPractice(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case s.cfg.Vapi == nil:
		return nil, apperr.New(apperr.Unavailable, "the voice agent cannot be provisioned: VAPI_API_KEY is not configured")
	case s.cfg.WebhookSecret == "":
		return nil, apperr.New(apperr.Unavailable, "the voice agent cannot be provisioned: VAPI_WEBHOOK_SECRET is not configured, so Vapi could not call our webhooks")
	case s.cfg.PublicURL == "":
		return nil, apperr.New(apperr.Unavailable, "the voice agent cannot be provisioned: FRONTDESK_PUBLIC_URL is not configured")
	}
	st, err := s.load(ctx, pid)
	if err != nil {
		return nil, err
	}
	r := &run{s: s, vapi: s.cfg.Vapi, st: st, res: &Result{}, toolIDs: map[string]string{}}
	err = r.provision(ctx)
	if rerr := s.record(ctx, r, err); rerr != nil {
		return r.res, errors.Join(err, rerr)
	}
	if r.taken {
		err = errors.Join(err, errIDTaken)
	}
	return r.res, err
}

// state is what the practice's agent is made of.
type state struct {
	practice  *ent.Practice
	agent     *ent.Agent
	providers []*ent.Provider
	types     []*ent.AppointmentType
	numbers   []*ent.PhoneNumber
}

func (s *Service) load(ctx context.Context, pid string) (*state, error) {
	a, err := s.agent(ctx, pid)
	if err != nil {
		return nil, err
	}
	c := s.cfg.DB.Client(ctx)
	st := &state{agent: a}
	if st.practice, err = c.Practice.Get(ctx, pid); err != nil {
		return nil, wrap("practice", err)
	}
	if st.providers, err = c.Provider.Query().Where(provider.Active(true)).All(ctx); err != nil {
		return nil, wrap("providers", err)
	}
	if st.types, err = c.AppointmentType.Query().Where(appointmenttype.BookableByPhone(true)).All(ctx); err != nil {
		return nil, wrap("appointment types", err)
	}
	if st.numbers, err = c.PhoneNumber.Query().Order(phonenumber.ByNumber()).All(ctx); err != nil {
		return nil, wrap("phone numbers", err)
	}
	return st, nil
}

// run is one Provision: what it read, learned and did.
type run struct {
	s    *Service
	vapi *vapi.Client
	st   *state
	res  *Result

	auth        ServerAuth
	toolIDs     map[string]string
	assistantID string
	numberIDs   []numberID
	// taken: Vapi named an id another practice holds (errIDTaken).
	taken bool
}

type numberID struct {
	row    *ent.PhoneNumber
	vapiID string
}

func (r *run) provision(ctx context.Context) error {
	for _, step := range []func(context.Context) error{r.credential, r.tools, r.assistant, r.numbers} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// credential makes sure Vapi holds the credential our webhook verifier
// accepts. Without an HMAC secret it is a bearer credential carrying
// VAPI_WEBHOOK_SECRET (sent as Authorization: Bearer). With one, the
// verifier wants both, and a credential carries only one plan: the
// credential signs (x-signature over "{x-timestamp}.{body}") and every
// server also carries the secret as a static X-Vapi-Secret header. The
// notes report one case of Vapi accepting tool server.headers without
// sending them; should that happen, every tool call fails verification
// with "missing secret", and bearer mode (no VAPI_WEBHOOK_HMAC_SECRET) is
// the way out.
//
// Vapi never returns a credential's secret, so an existing credential of
// our name is kept as it is: after changing a webhook secret, run
// `frontdesk vapi sync --all --rotate` (RotateCredential), or delete the
// credential in the Vapi dashboard and sync every practice.
func (r *run) credential(ctx context.Context) error {
	name, want, headers := r.s.wantCredential()
	all, err := r.vapi.ListCredentials(ctx)
	if err != nil {
		return vapiError("list credentials", err)
	}
	if cr := newestCredential(all, name); cr != nil {
		r.auth = ServerAuth{CredentialID: cr.ID, Headers: headers}
		r.res.Unchanged = append(r.res.Unchanged, "credential")
		return nil
	}
	cr, err := r.vapi.CreateCredential(ctx, want)
	if err != nil {
		return vapiError("create the webhook credential", err)
	}
	r.auth = ServerAuth{CredentialID: cr.ID, Headers: headers}
	r.res.Created = append(r.res.Created, "credential")
	return nil
}

func (s *Service) wantCredential() (string, vapi.Credential, map[string]string) {
	if s.cfg.WebhookHMACSecret == "" {
		return CredentialName, vapi.BearerCredential(CredentialName, s.cfg.WebhookSecret, "", true), nil
	}
	return HMACCredentialName, vapi.HMACCredential(HMACCredentialName, s.cfg.WebhookHMACSecret),
		map[string]string{vapi.HeaderSecret: s.cfg.WebhookSecret}
}

// RotateCredential adds a credential of our name made from the configured
// secrets. Provisioning uses the newest credential of its name, so the
// next Provision of each practice moves the shared tools and its assistant
// and numbers to it. It acts on the whole Vapi org: for operators (the
// CLI), never for a practice's user. The old credential stays in Vapi,
// useless, until deleted in the dashboard.
func (s *Service) RotateCredential(ctx context.Context) error {
	switch {
	case s.cfg.Vapi == nil:
		return apperr.New(apperr.Unavailable, "the webhook credential cannot be rotated: VAPI_API_KEY is not configured")
	case s.cfg.WebhookSecret == "":
		return apperr.New(apperr.Unavailable, "the webhook credential cannot be rotated: VAPI_WEBHOOK_SECRET is not configured")
	}
	_, want, _ := s.wantCredential()
	if _, err := s.cfg.Vapi.CreateCredential(ctx, want); err != nil {
		return vapiError("create the webhook credential", err)
	}
	return nil
}

// newestCredential is the credential of our name that servers should use:
// after a rotation, the newest. Vapi lists newest first, which breaks ties.
func newestCredential(all []vapi.Credential, name string) *vapi.Credential {
	var found *vapi.Credential
	for i, c := range all {
		if c.Provider == "webhook" && c.Name == name && (found == nil || c.CreatedAt.After(found.CreatedAt)) {
			found = &all[i]
		}
	}
	return found
}

// tools makes the org's seven tools match Tools. When a tool name is
// there twice (two first runs at once), the oldest is used, by every
// practice alike.
func (r *run) tools(ctx context.Context) error {
	existing, err := r.vapi.ListTools(ctx)
	if err != nil {
		return vapiError("list tools", err)
	}
	for _, want := range Tools(r.s.cfg.PublicURL, r.auth) {
		name := want.Function.Name
		item := "tool " + name
		var got *vapi.Tool
		for i, t := range existing {
			if t.Type == "function" && t.Function != nil && t.Function.Name == name && (got == nil || !t.CreatedAt.After(got.CreatedAt)) {
				got = &existing[i]
			}
		}
		if got == nil {
			t, err := r.vapi.CreateTool(ctx, want)
			if err != nil {
				return vapiError("create "+item, err)
			}
			r.toolIDs[name] = t.ID
			r.res.Created = append(r.res.Created, item)
			continue
		}
		r.toolIDs[name] = got.ID
		if fields, patch := diff(toolFields, &want, got); len(fields) > 0 {
			if _, err := r.vapi.UpdateTool(ctx, got.ID, patch); err != nil {
				return vapiError("update "+item, err)
			}
			r.res.Updated = append(r.res.Updated, item)
			continue
		}
		r.res.Unchanged = append(r.res.Unchanged, item)
	}
	return nil
}

// transferNumber is where transfers go: the agent's number, else the
// practice's front desk; "" when neither is set.
func (st *state) transferNumber() string {
	if st.agent.TransferNumber != "" {
		return st.agent.TransferNumber
	}
	return st.practice.FrontDeskNumber
}

// wantAssistant is the practice's assistant as it should be.
func (r *run) wantAssistant() vapi.Assistant {
	p, a := r.st.practice, r.st.agent
	name := a.Name
	if name == agent.DefaultName {
		name = p.Name
	}
	greeting := a.Greeting
	if greeting == "" {
		greeting = DefaultGreeting(p.Name)
	}
	ids := make([]string, 0, len(r.toolIDs))
	for _, n := range ToolNames() {
		ids = append(ids, r.toolIDs[n])
	}
	prompt := SystemPrompt(PromptInput{
		PracticeName:      p.Name,
		TimeZone:          p.TimeZone,
		Hours:             practice.Hours(p),
		Providers:         r.st.providers,
		AppointmentTypes:  r.st.types,
		CanTransfer:       r.st.transferNumber() != "",
		ExtraInstructions: a.ExtraInstructions,
	})
	control := true
	return vapi.Assistant{
		Name:         truncate(name, MaxNameLength),
		FirstMessage: liquidSafe(greeting),
		Model: &vapi.Model{
			Provider: ModelProvider,
			Model:    Model,
			Messages: []vapi.ModelMessage{{Role: "system", Content: prompt}},
			ToolIDs:  ids,
		},
		Voice:          &vapi.Voice{Provider: a.VoiceProvider, VoiceID: a.VoiceID},
		Server:         r.auth.server(r.s.cfg.PublicURL+"/webhooks/vapi", 0),
		ServerMessages: ServerMessages,
		Metadata:       map[string]any{"practiceId": p.ID},
		// transfer-to-human transfers through the call's control URL.
		MonitorPlan: &vapi.MonitorPlan{ControlEnabled: &control},
	}
}

func (r *run) assistant(ctx context.Context) error {
	want := r.wantAssistant()
	got, err := r.findAssistant(ctx)
	if err != nil {
		return err
	}
	if got == nil {
		a, err := r.vapi.CreateAssistant(ctx, want)
		if err != nil {
			return vapiError("create the assistant", err)
		}
		r.assistantID = a.ID
		r.res.Created = append(r.res.Created, "assistant")
		return nil
	}
	r.assistantID = got.ID
	if fields, patch := diff(assistantFields, &want, got); len(fields) > 0 {
		if _, err := r.vapi.UpdateAssistant(ctx, got.ID, patch); err != nil {
			return vapiError("update the assistant", err)
		}
		r.res.Updated = append(r.res.Updated, "assistant")
		return nil
	}
	r.res.Unchanged = append(r.res.Unchanged, "assistant")
	return nil
}

// findAssistant returns the practice's assistant in Vapi, or nil: the one
// the agent names unless it is gone or another practice's, else the oldest
// whose metadata names the practice.
func (r *run) findAssistant(ctx context.Context) (*vapi.Assistant, error) {
	pid := r.st.practice.ID
	if id := r.st.agent.VapiAssistantID; id != "" {
		a, err := r.vapi.GetAssistant(ctx, id)
		switch {
		case vapi.IsNotFound(err):
		case err != nil:
			return nil, vapiError("read the assistant", err)
		case a.Metadata["practiceId"] == nil || a.Metadata["practiceId"] == pid:
			return a, nil
		}
	}
	all, err := r.vapi.ListAssistants(ctx)
	if err != nil {
		return nil, vapiError("list assistants", err)
	}
	var found *vapi.Assistant
	for i, a := range all {
		if a.Metadata["practiceId"] == pid && (found == nil || !a.CreatedAt.After(found.CreatedAt)) {
			found = &all[i]
		}
	}
	return found, nil
}

// numbers points the practice's AGENT-routed numbers at its assistant
// (at assistant-request while the agent is disabled), importing the ones
// Vapi does not have yet. FRONT_DESK numbers are left alone: their calls
// never reach Vapi through us.
func (r *run) numbers(ctx context.Context) error {
	var inVapi []vapi.PhoneNumber
	listed := false
	for _, n := range r.st.numbers {
		item := "number " + n.Number
		if n.Routing != phonenumber.RoutingAGENT {
			r.res.Skipped = append(r.res.Skipped, item+": routed to the front desk, left alone")
			continue
		}
		if !listed {
			var err error
			if inVapi, err = r.vapi.ListPhoneNumbers(ctx); err != nil {
				return vapiError("list phone numbers", err)
			}
			listed = true
		}
		want := vapi.PhoneNumber{Server: r.auth.server(r.s.cfg.PublicURL+"/webhooks/vapi", 0)}
		if r.st.agent.Enabled {
			want.AssistantID = r.assistantID
		}
		if t := r.st.transferNumber(); t != "" {
			// Where Vapi sends the call when the assistant cannot take it.
			want.FallbackDestination = vapi.NumberDestination(t, "")
		}
		i := slices.IndexFunc(inVapi, func(p vapi.PhoneNumber) bool { return p.Number == n.Number })
		if i < 0 {
			if r.s.cfg.TwilioAccountSID == "" || r.s.cfg.TwilioAuthToken == "" {
				r.res.Skipped = append(r.res.Skipped, item+": not in Vapi yet, and TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are needed to import it")
				continue
			}
			imp := want
			imp.Provider, imp.Number = "twilio", n.Number
			imp.TwilioAccountSID, imp.TwilioAuthToken = r.s.cfg.TwilioAccountSID, r.s.cfg.TwilioAuthToken
			// Vapi would otherwise take over the number's SMS webhook too.
			sms := false
			imp.SMSEnabled = &sms
			p, err := r.vapi.CreatePhoneNumber(ctx, imp)
			if err != nil {
				return vapiError("import "+item, err)
			}
			r.numberIDs = append(r.numberIDs, numberID{n, p.ID})
			r.res.Created = append(r.res.Created, item)
			continue
		}
		got := &inVapi[i]
		r.numberIDs = append(r.numberIDs, numberID{n, got.ID})
		fields, patch := diff(numberFields, &want, got)
		if len(fields) == 0 {
			r.res.Unchanged = append(r.res.Unchanged, item)
			continue
		}
		u := vapi.PhoneNumberUpdate{PhoneNumber: patch, ClearAssistant: slices.Contains(fields, "assistantId") && want.AssistantID == ""}
		if _, err := r.vapi.UpdatePhoneNumber(ctx, got.ID, u); err != nil {
			return vapiError("update "+item, err)
		}
		r.res.Updated = append(r.res.Updated, item)
	}
	return nil
}

// errIDTaken: Vapi gave this practice an id another practice's row holds.
// Ids route calls, so it is not attached to a second practice.
var errIDTaken = apperr.New(apperr.Conflict, "Vapi answered with an id that is already another line's in frontdesk, so it was not stored: an operator must remove it from the other practice")

// record stores what the run learned on the Agent and PhoneNumber rows,
// and how it ended. An id another practice holds is not stored, and the
// run ends with errIDTaken (r.taken).
func (s *Service) record(ctx context.Context, r *run, runErr error) error {
	return wrap("record provisioning", s.cfg.DB.InTx(ctx, func(ctx context.Context) error {
		c := s.cfg.DB.Client(ctx)
		// Unscoped: another practice's rows are invisible to this one.
		all := tenant.Unscoped(ctx)
		var keep []numberID
		for _, n := range r.numberIDs {
			if n.row.VapiPhoneNumberID == n.vapiID {
				continue
			}
			taken, err := c.PhoneNumber.Query().Where(phonenumber.VapiPhoneNumberID(n.vapiID), phonenumber.IDNEQ(n.row.ID)).Exist(all)
			if err != nil {
				return err
			}
			if taken {
				r.taken = true
				continue
			}
			keep = append(keep, n)
		}
		if r.assistantID != "" && r.assistantID != r.st.agent.VapiAssistantID {
			taken, err := c.Agent.Query().Where(agent.VapiAssistantID(r.assistantID), agent.IDNEQ(r.st.agent.ID)).Exist(all)
			if err != nil {
				return err
			}
			if taken {
				r.taken = true
				r.assistantID = ""
			}
		}
		if r.taken {
			runErr = errors.Join(runErr, errIDTaken)
		}
		u := c.Agent.UpdateOneID(r.st.agent.ID)
		if r.assistantID != "" {
			u.SetVapiAssistantID(r.assistantID)
		}
		if len(r.toolIDs) > 0 {
			u.SetVapiToolIds(r.toolIDs)
		}
		if runErr != nil {
			u.SetProvisionError(errorText(runErr))
		} else {
			u.SetProvisionError("").SetProvisionedAt(s.clock.Now())
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		for _, n := range keep {
			if err := c.PhoneNumber.UpdateOneID(n.row.ID).SetVapiPhoneNumberID(n.vapiID).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	}))
}

// errorText is what the dashboard shows of a failed run.
func errorText(err error) string {
	if apperr.CodeOf(err) != apperr.Internal {
		return apperr.MessageOf(err)
	}
	return err.Error()
}

// vapiError turns a failed Vapi call into what an operator can act on.
func vapiError(step string, err error) error {
	var ae *vapi.APIError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return apperr.Wrap(apperr.Unavailable, err, "Vapi did not answer in time to %s: try again; check VAPI_BASE_URL if it persists", step)
	case errors.Is(err, vapi.ErrNoAPIKey):
		return apperr.Wrap(apperr.Unavailable, err, "the voice agent cannot be provisioned: VAPI_API_KEY is not configured")
	case errors.As(err, &ae) && (ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden):
		return apperr.Wrap(apperr.Unavailable, err, "Vapi rejected VAPI_API_KEY (HTTP %d: %s): set it to the private API key of the Vapi organisation", ae.StatusCode, ae.Message)
	case errors.As(err, &ae):
		return apperr.Wrap(apperr.Unavailable, err, "Vapi refused to %s (HTTP %d): %s", step, ae.StatusCode, ae.Message)
	default:
		return apperr.Wrap(apperr.Unavailable, err, "could not reach Vapi to %s: check VAPI_BASE_URL and this machine's network", step)
	}
}
