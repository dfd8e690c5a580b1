// Package telephony answers the practice's phone line for Twilio: which
// practice a call is for, who takes it (the voice agent or the front desk,
// by the number's routing mode and the practice's hours), the TwiML that
// sends it there, and the call's one row, which the agent's messages later
// join. It never touches the PMS, and it answers well inside Twilio's 15 s.
package telephony

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/agent"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// AgentTimeout is how long Vapi gets to hand back the TwiML that connects
// a caller to the agent; past it the caller is put through to the front
// desk instead.
const AgentTimeout = 3 * time.Second

// voicemailMaxSeconds bounds one voicemail.
const voicemailMaxSeconds = 120

// Paths of the routes Twilio is sent back to (webhooks/twilio serves them).
const (
	DialResultPath = "/webhooks/twilio/dial-result"
	VoicemailPath  = "/webhooks/twilio/voicemail"
)

// After says which leg of a call ended when Twilio asks the dial-result
// route what to do next (its "after" query parameter, signed with the URL).
type After string

// The legs a call can leave.
const (
	AfterFrontDeskFirst After = "front-desk-first" // the front desk rang first; the agent is next
	AfterFrontDesk      After = "front-desk"       // the front desk rang; voicemail is next
	AfterAgent          After = "agent"            // the agent's stream ended; the front desk is next
)

// Agent creates the Vapi call that takes a Twilio call (vapi.Client).
type Agent interface {
	CreateCall(ctx context.Context, req vapi.CallRequest) (*vapi.CreatedCall, error)
}

// Service routes the practice's calls.
type Service struct {
	DB      *database.DB
	Clock   clock.Clock
	Agent   Agent // nil: Vapi is not configured, so calls go to the front desk
	Actions *actionitems.Service
	// PublicURL is where Twilio reaches frontdesk (FRONTDESK_PUBLIC_URL):
	// the base of the action URLs in the TwiML.
	PublicURL string
	Log       *slog.Logger
}

// Call is what Twilio says about a call on every request.
type Call struct {
	CallSid    string
	AccountSid string
	From       string // the caller
	To         string // the practice's number
	CallStatus string
}

// line is the number called, its practice and the practice's agent.
type line struct {
	number   *ent.PhoneNumber
	practice *ent.Practice
	agent    *ent.Agent // nil when the practice has none yet
}

var errUnknownNumber = errors.New("telephony: the number called belongs to no practice")

// findLine finds the practice a call is for by the number called. It is
// the one lookup without a practice (tenant.Unscoped): it is how the
// practice is found. Numbers are unique, so it finds at most one.
func (s *Service) findLine(ctx context.Context, to string) (*line, error) {
	n, err := phone.Normalize(to)
	if err != nil {
		return nil, errUnknownNumber
	}
	all := tenant.Unscoped(ctx)
	num, err := s.DB.Client(all).PhoneNumber.Query().Where(phonenumber.Number(n)).Only(all)
	if ent.IsNotFound(err) {
		return nil, errUnknownNumber
	}
	if err != nil {
		return nil, err
	}
	sys := tenant.System(ctx, num.PracticeID)
	c := s.DB.Client(sys)
	p, err := c.Practice.Get(sys, num.PracticeID)
	if err != nil {
		return nil, err
	}
	a, err := c.Agent.Query().Where(agent.PracticeID(num.PracticeID)).First(sys)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	return &line{number: num, practice: p, agent: a}, nil
}

// Sayings: what callers hear from frontdesk itself.
const (
	sayNotInService = "Sorry, this number is not in service. Please check the number and call again. Goodbye."
	sayUnavailable  = "Sorry, we cannot take your call right now. Please call back later. Goodbye."
	sayNoOneFree    = "Sorry, no one can take your call right now. Please leave a message with your name and number after the tone, and we will call you back."
	sayNoOneAnswers = "Sorry, no one could answer. Please leave a message with your name and number after the tone, and we will call you back."
	sayNoMessage    = "We did not get a message. Goodbye."
	sayThanks       = "Thank you. We have your message and will call you back. Goodbye."
)

func sayAndHangUp(text string) *Response {
	return &Response{Verbs: []any{Say{Text: text}, Hangup{}}}
}

// Incoming answers a new call: it finds the practice, records the call and
// sends it where the number's routing mode says.
func (s *Service) Incoming(ctx context.Context, c Call) *Response {
	l, err := s.findLine(ctx, c.To)
	if errors.Is(err, errUnknownNumber) {
		return sayAndHangUp(sayNotInService)
	}
	if err != nil {
		s.Log.ErrorContext(ctx, "telephony: find the practice", "call_sid", c.CallSid, "err", err)
		return sayAndHangUp(sayUnavailable)
	}
	ctx = tenant.System(ctx, l.practice.ID)
	row, err := s.callRow(ctx, l, c)
	if err != nil {
		// The caller still reaches someone; the record is what is lost.
		s.Log.ErrorContext(ctx, "telephony: record the call", "call_sid", c.CallSid, "err", err)
	}
	// The agent, or the front desk when the agent cannot take the call.
	agentFirst := func() *Response {
		return s.toAgent(ctx, l, row, c, call.RouteAGENT, func() *Response {
			return s.frontDesk(ctx, l, row, call.RouteFRONT_DESK_FALLBACK, sayNoOneFree)
		})
	}
	switch l.number.Routing {
	case phonenumber.RoutingFRONT_DESK:
		return s.frontDesk(ctx, l, row, call.RouteFRONT_DESK, sayNoOneFree)
	case phonenumber.RoutingFRONT_DESK_FIRST:
		if l.practice.FrontDeskNumber == "" {
			return agentFirst()
		}
		s.setRoute(ctx, row, call.RouteFRONT_DESK_FIRST)
		return &Response{Verbs: []any{Dial{
			Action: s.url(DialResultPath, AfterFrontDeskFirst), Method: "POST", AnswerOnBridge: true,
			Timeout: l.number.FrontDeskRingSeconds, Number: Number{Number: l.practice.FrontDeskNumber},
		}}}
	case phonenumber.RoutingAFTER_HOURS:
		if l.practice.FrontDeskNumber != "" && practice.OpenAt(l.practice, s.Clock.Now()) {
			return s.frontDesk(ctx, l, row, call.RouteFRONT_DESK, sayNoOneFree)
		}
		return agentFirst()
	default:
		return agentFirst()
	}
}

// toAgent hands the call to the voice agent through Vapi's phone-call
// provider bypass; when the agent cannot take it in time, otherwise
// answers instead. route, when not empty, is recorded as the call's.
func (s *Service) toAgent(ctx context.Context, l *line, row *ent.Call, c Call, route call.Route, otherwise func() *Response) *Response {
	verbs, vapiCallID, err := s.agentTwiML(ctx, l, c.From)
	if err != nil {
		s.Log.WarnContext(ctx, "telephony: the agent cannot take the call", "call_sid", c.CallSid, "reason", err.Error())
		return otherwise()
	}
	if route != "" {
		s.setRoute(ctx, row, route)
	}
	if row != nil {
		// The agent's messages find the row by this id (or by the call
		// sid); a message of this call that got there first made its own.
		err := s.DB.Client(ctx).Call.Update().Where(call.ID(row.ID), call.Or(call.VapiCallIDIsNil(), call.VapiCallID(""))).
			SetVapiCallID(vapiCallID).SetAnsweredBy(call.AnsweredByAGENT).Exec(ctx)
		if err != nil {
			s.Log.WarnContext(ctx, "telephony: link the agent's call", "call_sid", c.CallSid, "err", err)
		}
	}
	// Twilio runs the next verb only when Vapi's stream ends with the call
	// still up: the agent dropped it, so a person should take it.
	return &Response{Verbs: append(verbs, Redirect{Method: "POST", URL: s.url(DialResultPath, AfterAgent)})}
}

// agentTwiML asks Vapi for the TwiML that connects the call to the
// practice's assistant, within AgentTimeout.
func (s *Service) agentTwiML(ctx context.Context, l *line, from string) ([]any, string, error) {
	switch {
	case s.Agent == nil:
		return nil, "", errors.New("Vapi is not configured (VAPI_API_KEY)")
	case l.agent == nil || !l.agent.Enabled || l.agent.VapiAssistantID == "":
		return nil, "", errors.New("the practice's agent is off or not provisioned")
	case l.number.VapiPhoneNumberID == "":
		return nil, "", errors.New("the number has no Vapi phone number id")
	}
	caller := from
	if n, err := phone.Normalize(from); err == nil {
		caller = n
	}
	ctx, cancel := context.WithTimeout(ctx, AgentTimeout)
	defer cancel()
	created, err := s.Agent.CreateCall(ctx, vapi.CallRequest{
		AssistantID: l.agent.VapiAssistantID, PhoneNumberID: l.number.VapiPhoneNumberID,
		Customer: vapi.Customer{Number: caller}, PhoneCallProviderBypassEnabled: true,
	})
	if err != nil {
		return nil, "", err
	}
	verbs, err := agentVerbs(created.Twiml)
	if err != nil {
		return nil, "", fmt.Errorf("vapi: POST /call: TwiML: %w", err)
	}
	return verbs, created.ID, nil
}

// frontDesk rings the practice's front desk; with no front desk to ring,
// the caller is told so and may leave a voicemail.
func (s *Service) frontDesk(ctx context.Context, l *line, row *ent.Call, route call.Route, noOne string) *Response {
	if l.practice.FrontDeskNumber == "" {
		return s.voicemail(ctx, row, noOne)
	}
	s.setRoute(ctx, row, route)
	return &Response{Verbs: []any{Dial{
		Action: s.url(DialResultPath, AfterFrontDesk), Method: "POST", AnswerOnBridge: true,
		Number: Number{Number: l.practice.FrontDeskNumber},
	}}}
}

// voicemail says why and records a message; Twilio posts it to the
// voicemail route. A caller who says nothing is told so.
func (s *Service) voicemail(ctx context.Context, row *ent.Call, why string) *Response {
	if row != nil && row.Route == nil {
		s.setRoute(ctx, row, call.RouteVOICEMAIL)
	}
	return &Response{Verbs: []any{
		Say{Text: why},
		Record{Action: s.PublicURL + VoicemailPath, Method: "POST", MaxLength: voicemailMaxSeconds, Timeout: 5, PlayBeep: true},
		Say{Text: sayNoMessage},
		Hangup{},
	}}
}

// DialResult answers Twilio when a leg of the call ended: the front desk
// did or did not pick up, or the agent's stream ended.
func (s *Service) DialResult(ctx context.Context, c Call, after After, dialStatus string) *Response {
	l, err := s.findLine(ctx, c.To)
	if err != nil {
		if !errors.Is(err, errUnknownNumber) {
			s.Log.ErrorContext(ctx, "telephony: find the practice", "call_sid", c.CallSid, "err", err)
		}
		return sayAndHangUp(sayUnavailable)
	}
	ctx = tenant.System(ctx, l.practice.ID)
	row, err := s.callRow(ctx, l, c)
	if err != nil {
		s.Log.ErrorContext(ctx, "telephony: record the call", "call_sid", c.CallSid, "err", err)
	}
	answered := dialStatus == "completed" || dialStatus == "answered"
	switch after {
	case AfterFrontDeskFirst, AfterFrontDesk:
		if answered {
			s.setAnsweredBy(ctx, row, call.AnsweredByFRONT_DESK)
			return &Response{Verbs: []any{Hangup{}}}
		}
		if after == AfterFrontDesk {
			return s.voicemail(ctx, row, sayNoOneAnswers)
		}
		return s.toAgent(ctx, l, row, c, "", func() *Response { return s.voicemail(ctx, row, sayNoOneAnswers) })
	case AfterAgent:
		if row != nil && endedNormally(row) {
			return &Response{Verbs: []any{Hangup{}}}
		}
		s.Log.WarnContext(ctx, "telephony: the agent dropped the call; the front desk takes it", "call_sid", c.CallSid)
		return s.frontDesk(ctx, l, row, call.RouteFRONT_DESK_FALLBACK, sayNoOneFree)
	default:
		return sayAndHangUp(sayUnavailable)
	}
}

// normalEnds are Vapi's ended reasons for a call the agent finished on
// purpose; any other end of its stream is a drop.
var normalEnds = []string{
	"assistant-ended-call", "assistant-said-end-call-phrase", "assistant-ended-call-after-message-spoken",
	"assistant-ended-call-with-hangup-task", "assistant-forwarded-call", "customer-ended-call",
	"exceeded-max-duration", "silence-timed-out", "voicemail",
}

func endedNormally(row *ent.Call) bool {
	return row.Status == "ended" && slices.Contains(normalEnds, row.EndedReason)
}

// Voicemail keeps a recorded message as an action item for staff, with
// the recording's URL, and thanks the caller.
func (s *Service) Voicemail(ctx context.Context, c Call, recordingURL string, seconds int) (*Response, error) {
	l, err := s.findLine(ctx, c.To)
	if err != nil {
		if errors.Is(err, errUnknownNumber) {
			return sayAndHangUp(sayUnavailable), nil
		}
		return nil, err
	}
	ctx = tenant.System(ctx, l.practice.ID)
	if recordingURL == "" {
		return sayAndHangUp(sayNoMessage), nil
	}
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		row, err := s.callRow(ctx, l, c)
		if err != nil {
			return err
		}
		if row.RecordingURL == recordingURL {
			return nil // a repeated delivery
		}
		err = s.DB.Client(ctx).Call.UpdateOne(row).SetRecordingURL(recordingURL).SetAnsweredBy(call.AnsweredByVOICEMAIL).Exec(ctx)
		if err != nil {
			return err
		}
		_, err = s.Actions.Open(ctx, actionitems.Item{
			Kind:           actionitem.KindMESSAGE,
			Summary:        fmt.Sprintf("Voicemail (%d seconds): %s", seconds, recordingURL),
			CallbackNumber: row.CallerNumber,
			CallID:         row.ID,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return sayAndHangUp(sayThanks), nil
}

// terminal are the statuses a call ends in.
var terminal = []string{"completed", "busy", "failed", "no-answer", "canceled"}

// Status records a status callback: the call's status, and once it has
// ended, how long it lasted and, for a call the agent never had, what came
// of it (the agent's own report says so for the calls it took).
func (s *Service) Status(ctx context.Context, c Call, seconds int) error {
	l, err := s.findLine(ctx, c.To)
	if errors.Is(err, errUnknownNumber) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx = tenant.System(ctx, l.practice.ID)
	return s.DB.InTx(ctx, func(ctx context.Context) error {
		row, err := s.callRow(ctx, l, c)
		if err != nil {
			return err
		}
		u := s.DB.Client(ctx).Call.UpdateOne(row).SetStatus(c.CallStatus)
		if slices.Contains(terminal, c.CallStatus) {
			u.SetEndedAt(s.Clock.Now()).SetDurationSeconds(seconds)
			if row.Outcome == nil && (row.AnsweredBy == nil || *row.AnsweredBy != call.AnsweredByAGENT) {
				u.SetOutcome(outcomeWithoutAgent(row.AnsweredBy))
			}
		}
		return u.Exec(ctx)
	})
}

// outcomeWithoutAgent is what a call the agent never took came to: a
// person had it, a message was left, or nobody answered.
func outcomeWithoutAgent(by *call.AnsweredBy) call.Outcome {
	switch {
	case by == nil:
		return call.OutcomeABANDONED
	case *by == call.AnsweredByVOICEMAIL:
		return call.OutcomeINFO
	default:
		return call.OutcomeTRANSFERRED
	}
}

// callRow finds the call's row by its Twilio call sid, or makes it.
func (s *Service) callRow(ctx context.Context, l *line, c Call) (*ent.Call, error) {
	if c.CallSid == "" {
		return nil, errors.New("telephony: the request names no CallSid")
	}
	cl := s.DB.Client(ctx)
	row, err := cl.Call.Query().Where(call.TwilioCallSid(c.CallSid)).Order(call.ByCreatedAt()).First(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return row, err
	}
	create := cl.Call.Create().SetPracticeID(l.practice.ID).SetTwilioCallSid(c.CallSid).
		SetCalledNumber(l.number.Number).SetStatus(c.CallStatus).SetStartedAt(s.Clock.Now())
	if n, err := phone.Normalize(c.From); err == nil {
		create.SetCallerNumber(n)
	}
	return create.Save(ctx)
}

// setRoute records where the call was sent.
func (s *Service) setRoute(ctx context.Context, row *ent.Call, route call.Route) {
	if row == nil {
		return
	}
	if err := s.DB.Client(ctx).Call.UpdateOne(row).SetRoute(route).Exec(ctx); err != nil {
		s.Log.WarnContext(ctx, "telephony: record the route", "call_sid", row.TwilioCallSid, "err", err)
	}
	row.Route = &route
}

func (s *Service) setAnsweredBy(ctx context.Context, row *ent.Call, by call.AnsweredBy) {
	if row == nil {
		return
	}
	if err := s.DB.Client(ctx).Call.UpdateOne(row).SetAnsweredBy(by).Exec(ctx); err != nil {
		s.Log.WarnContext(ctx, "telephony: record who answered", "call_sid", row.TwilioCallSid, "err", err)
	}
}

// url is an absolute URL of one of our routes, with the leg that ended.
func (s *Service) url(path string, after After) string {
	return s.PublicURL + path + "?after=" + url.QueryEscape(string(after))
}
