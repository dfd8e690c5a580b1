// Package agentsetup keeps a practice's Vapi voice agent in line with its
// settings: the agent's own settings row, and provisioning — the webhook
// credential and the seven tools the org shares, the practice's assistant
// with its system prompt, and the practice's phone numbers — idempotently,
// so that a second run changes nothing.
package agentsetup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/agent"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// Config configures a Service.
type Config struct {
	DB *database.DB
	// Vapi is nil when VAPI_API_KEY is not configured: Provision then
	// answers apperr.Unavailable.
	Vapi *vapi.Client
	// PublicURL is FRONTDESK_PUBLIC_URL: tools post to
	// PublicURL/webhooks/vapi/tools/{name}, the assistant and numbers to
	// PublicURL/webhooks/vapi.
	PublicURL string
	// WebhookSecret and WebhookHMACSecret are what our webhook verifier
	// requires (VAPI_WEBHOOK_SECRET, VAPI_WEBHOOK_HMAC_SECRET).
	WebhookSecret, WebhookHMACSecret string
	// TwilioAccountSID and TwilioAuthToken let Vapi take over the
	// practice's Twilio numbers; without them numbers are skipped.
	TwilioAccountSID, TwilioAuthToken string
	Clock                             clock.Clock // nil means the system clock
}

// Service manages the acting practice's voice agent.
type Service struct {
	cfg   Config
	clock clock.Clock
}

// New returns a Service.
func New(cfg Config) *Service {
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	c := cfg.Clock
	if c == nil {
		c = clock.Real{}
	}
	return &Service{cfg: cfg, clock: c}
}

// MaxNameLength is Vapi's limit on an assistant's name.
const MaxNameLength = 40

const (
	maxGreetingLength     = 1000
	maxInstructionsLength = 4000
)

// Agent returns the acting practice's agent, created with defaults (named
// after the practice) on first read.
func (s *Service) Agent(ctx context.Context) (*ent.Agent, error) {
	pid, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	return s.agent(ctx, pid)
}

func (s *Service) agent(ctx context.Context, practiceID string) (*ent.Agent, error) {
	c := s.cfg.DB.Client(ctx)
	a, err := c.Agent.Query().Where(agent.PracticeID(practiceID)).Only(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return a, wrap("agent", err)
	}
	p, err := c.Practice.Get(ctx, practiceID)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "practice %s not found", practiceID)
	}
	if err != nil {
		return nil, wrap("practice", err)
	}
	// Two first reads at once both insert; the unique practice index keeps
	// one row, and DO NOTHING keeps a transaction around us usable. The
	// loser's insert returns no row, which PostgreSQL's driver reports as
	// sql.ErrNoRows.
	err = c.Agent.Create().
		SetPracticeID(practiceID).
		SetName(truncate(p.Name, MaxNameLength)).
		OnConflictColumns(agent.FieldPracticeID).
		DoNothing().
		Exec(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, wrap("create agent", err)
	}
	a, err = c.Agent.Query().Where(agent.PracticeID(practiceID)).Only(ctx)
	return a, wrap("agent", err)
}

// Settings changes the agent's settings; nil fields are left as they are.
// Name labels the assistant in Vapi and the dashboard (callers never hear
// it); what callers hear is the Greeting (empty: a default naming the
// practice) and the voice. TransferNumber empty means the practice's
// front-desk number. ExtraInstructions are appended to the system prompt,
// which is shared with Vapi: they must hold no patient data.
type Settings struct {
	Name, Greeting, VoiceProvider, VoiceID, TransferNumber, ExtraInstructions *string
	Enabled                                                                   *bool
}

// Update changes the acting practice's agent; only owners may. The
// changes reach Vapi on the next Provision.
func (s *Service) Update(ctx context.Context, in Settings) (*ent.Agent, error) {
	pid, err := owningPractice(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.agent(ctx, pid)
	if err != nil {
		return nil, err
	}
	u := a.Update()
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		if name == "" || utf8.RuneCountInString(name) > MaxNameLength {
			return nil, apperr.New(apperr.Invalid, "the agent's name must be 1 to %d characters", MaxNameLength)
		}
		u.SetName(name)
	}
	if in.Greeting != nil {
		g := strings.TrimSpace(*in.Greeting)
		if utf8.RuneCountInString(g) > maxGreetingLength {
			return nil, apperr.New(apperr.Invalid, "the greeting must be at most %d characters", maxGreetingLength)
		}
		u.SetGreeting(g)
	}
	for _, f := range []struct {
		what  string
		value *string
		set   func(string) *ent.AgentUpdateOne
	}{
		{"voice provider", in.VoiceProvider, u.SetVoiceProvider},
		{"voice id", in.VoiceID, u.SetVoiceID},
	} {
		if f.value == nil {
			continue
		}
		v := strings.TrimSpace(*f.value)
		if v == "" {
			return nil, apperr.New(apperr.Invalid, "the %s must not be empty", f.what)
		}
		f.set(v)
	}
	if in.TransferNumber != nil {
		n := strings.TrimSpace(*in.TransferNumber)
		if n != "" {
			if n, err = phone.Normalize(n); err != nil {
				return nil, apperr.New(apperr.Invalid, "the transfer number must be a phone number in E.164 form, such as +15555550100 (empty: the practice's front-desk number)")
			}
		}
		u.SetTransferNumber(n)
	}
	if in.ExtraInstructions != nil {
		x := strings.TrimSpace(*in.ExtraInstructions)
		if utf8.RuneCountInString(x) > maxInstructionsLength {
			return nil, apperr.New(apperr.Invalid, "the extra instructions must be at most %d characters", maxInstructionsLength)
		}
		u.SetExtraInstructions(x)
	}
	if in.Enabled != nil {
		u.SetEnabled(*in.Enabled)
	}
	a, err = u.Save(ctx)
	return a, wrap("update agent", err)
}

// owningPractice is the practice ctx acts on, when it may change the
// practice's phone agent: the transfer number and what the agent says are
// an owner's decision, as the practice's own settings are.
func owningPractice(ctx context.Context) (string, error) {
	pid, err := tenant.ActingPractice(ctx)
	if err != nil {
		return "", err
	}
	if role, _ := tenant.FromContext(ctx).RoleIn(pid); role != tenant.Owner {
		return "", apperr.New(apperr.Forbidden, "only an owner of the practice may change its voice agent")
	}
	return pid, nil
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("agentsetup: %s: %w", what, err)
}

// truncate cuts s to at most n runes, on a word boundary when one is near.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut)
}
