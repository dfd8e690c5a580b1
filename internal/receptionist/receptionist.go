// Package receptionist is what the voice agent can do during a call — look a
// patient up, find and book times, change a verified patient's appointments,
// take a message, hand the call to a person — and the record of each call.
// The Vapi webhook handler is a thin adapter over it; the rules live here
// and in the services it calls.
package receptionist

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/agent"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/ent/toolinvocation"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/apperr/coded"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// Controller steers a live call (vapi.Client).
type Controller interface {
	Control(ctx context.Context, controlURL string, msg vapi.ControlMessage) error
}

// Service answers the voice agent.
type Service struct {
	DB      *database.DB
	Clock   clock.Clock
	Booking *booking.Service
	Actions *actionitems.Service
	Control Controller
	Log     *slog.Logger

	recorder atomic.Pointer[recorder]
	routes   routeCache
	calls    callCache
	answers  answerCache
	slotText slotTextCache
}

// Tool names: the contract README.md lists ("The voice agent (Vapi)"), and
// the Vapi function names.
const (
	CheckAvailability     = "check-availability"
	BookAppointment       = "book-appointment"
	GetPatientInfo        = "get-patient-info"
	TransferToHuman       = "transfer-to-human"
	CancelAppointment     = "cancel-appointment"
	RescheduleAppointment = "reschedule-appointment"
	TakeMessage           = "take-message"
)

// Tools lists the tool names.
var Tools = []string{CheckAvailability, BookAppointment, GetPatientInfo, TransferToHuman, CancelAppointment, RescheduleAppointment, TakeMessage}

// Line is what a message says about the call it belongs to.
type Line struct {
	VapiCallID    string
	PhoneNumberID string
	AssistantID   string
	Caller        string // as Vapi sent it
	ControlURL    string
	TwilioCallSid string

	// unidentified: the message named no call (see UnidentifiedCallPrefix).
	unidentified bool
}

// UnidentifiedCallPrefix starts the Vapi call id frontdesk gives a tool call
// whose message named no call (call.id). Vapi sends one in every documented
// tool-calls message, but a tool call without it is still answered, and
// what it does (a message taken) still recorded: against a call row of its
// own, "unidentified:<tool call id>", with status "unidentified". No later
// message can reach that row, so it is closed when it is made, with outcome
// INFO, and nothing it holds (a verified patient) carries over to another
// tool call.
const UnidentifiedCallPrefix = "unidentified:"

// LineOf reads a message's call.
func LineOf(m *vapi.Message) Line {
	return Line{
		VapiCallID:    m.Call.ID,
		PhoneNumberID: m.PhoneNumberID(),
		AssistantID:   m.AssistantID(),
		Caller:        m.CallerNumber(),
		ControlURL:    m.Call.Monitor.ControlURL,
		TwilioCallSid: m.Call.TwilioCallSID(),
	}
}

// ErrUnknownPractice: the call came in on a number or assistant that belongs
// to no practice.
var ErrUnknownPractice = apperr.New(apperr.NotFound, "this line is not set up with a practice")

// Route is a call's practice and how it is answered.
type Route struct {
	PracticeID string
	Agent      *ent.Agent       // nil when the practice has none yet
	Number     *ent.PhoneNumber // nil when routed by assistant
}

// Route finds the practice a call belongs to: by Vapi phone number id, else
// by assistant id. Answers are remembered for a few seconds (routeTTL): a
// call makes many requests, and numbers rarely move.
func (s *Service) Route(ctx context.Context, l Line) (Route, error) {
	key := l.PhoneNumberID + "\x00" + l.AssistantID
	if r, ok := s.routes.get(key, s.Clock.Now()); ok {
		return r, nil
	}
	r, err := s.route(ctx, l)
	if err == nil {
		s.routes.put(key, r, s.Clock.Now())
	}
	return r, err
}

func (s *Service) route(ctx context.Context, l Line) (Route, error) {
	// tenant.Unscoped: the practice is what this finds. Vapi phone number ids
	// and assistant ids are unique across practices (partial unique indexes
	// in ent/schema), so each lookup names at most one practice.
	all := tenant.Unscoped(ctx)
	c := s.DB.Client(all)
	var r Route
	if l.PhoneNumberID != "" {
		n, err := c.PhoneNumber.Query().Where(phonenumber.VapiPhoneNumberID(l.PhoneNumberID)).First(all)
		if err != nil && !ent.IsNotFound(err) {
			return r, err
		}
		if n != nil {
			r.PracticeID, r.Number = n.PracticeID, n
		}
	}
	if r.PracticeID == "" && l.AssistantID != "" {
		a, err := c.Agent.Query().Where(agent.VapiAssistantID(l.AssistantID)).First(all)
		if err != nil && !ent.IsNotFound(err) {
			return r, err
		}
		if a != nil {
			r.PracticeID, r.Agent = a.PracticeID, a
		}
	}
	if r.PracticeID == "" {
		return r, ErrUnknownPractice
	}
	if r.Agent == nil {
		a, err := c.Agent.Query().Where(agent.PracticeID(r.PracticeID)).First(all)
		if err != nil && !ent.IsNotFound(err) {
			return r, err
		}
		r.Agent = a
	}
	return r, nil
}

// Answer runs one tool call for the practice ctx acts as (tenant.System),
// once: a tool call id seen before gets the answer it got then, but only on
// the same call and for the same tool; anywhere else it is refused.
func (s *Service) Answer(ctx context.Context, l Line, tc vapi.ToolCall) (res vapi.ToolCallResult) {
	started := time.Now()
	defer func() {
		if p := recover(); p != nil {
			s.Log.ErrorContext(ctx, "receptionist: panic", "tool", tc.Name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			res = vapi.ErrorResult(tc, "Something went wrong on our side. Offer to take a message or transfer the caller.")
		}
	}()
	if tc.ID == "" {
		return vapi.ErrorResult(tc, "the tool call has no id")
	}
	run, ok := tools[tc.Name]
	if !ok {
		return vapi.ErrorResult(tc, fmt.Sprintf("unknown tool %q: the tools are %s", tc.Name, strings.Join(Tools, ", ")))
	}
	// A tool call naming no call is its own call, before any replay check,
	// so that its repeat is matched to it.
	if l.VapiCallID == "" {
		l.VapiCallID, l.unidentified = UnidentifiedCallPrefix+tc.ID, true
	}
	practiceID := tenant.FromContext(ctx).PracticeID
	if run.kind == reads {
		// A read's answer is remembered here first (its record is written
		// a moment later); a repeat that reaches another process is
		// answered afresh, which for a read is as good.
		if stored, ok := s.answers.get(practiceID, tc.ID, s.Clock.Now()); ok {
			return stored.answer(l, tc)
		}
	}
	if stored, ok := s.replay(ctx, l, tc); ok && (run.kind != reads || !stored.same(l, tc)) {
		return stored.answer(l, tc)
	}
	callRow, err := s.callRow(ctx, l)
	if err != nil {
		s.Log.ErrorContext(ctx, "receptionist: record call", "err", err)
		return vapi.ErrorResult(tc, "Something went wrong on our side. Offer to take a message or transfer the caller.")
	}
	t := &turn{s: s, line: l, call: callRow, tc: tc}
	switch run.kind {
	case reads:
		out, err := run.fn(ctx, t)
		res = t.result(out, err)
		s.answers.put(practiceID, tc.ID, stored{vapiCallID: l.VapiCallID, tool: tc.Name, res: res}, s.Clock.Now())
		outcome, text := outcomeOf(res)
		if !s.enqueue(invocation{practiceID: callRow.PracticeID, callID: callRow.ID, toolCallID: tc.ID, tool: tc.Name,
			result: text, outcome: outcome, latency: time.Since(started)}) {
			s.record(ctx, t, res, started)
		}
		return res
	case remote:
		return s.answerRemote(ctx, t, run, started)
	}
	// A tool that writes claims its tool call id in the transaction that
	// does the work: a second delivery of the same call waits for the first
	// and then reads its answer.
	err = s.DB.InTx(ctx, func(ctx context.Context) error {
		if err := s.claim(ctx, t); err != nil {
			return err
		}
		if err := t.refresh(ctx); err != nil {
			return err
		}
		out, err := run.fn(ctx, t)
		if err != nil {
			return err
		}
		res = t.result(out, nil)
		return s.finish(ctx, t, res, started)
	})
	switch {
	case errors.Is(err, errClaimed):
		return s.claimedAnswer(ctx, t)
	case err != nil:
		// Nothing of the failed attempt is kept but its answer and what it
		// must leave for staff.
		t.failed(ctx)
		res = t.result(nil, err)
		s.record(ctx, t, res, started)
	}
	return res
}

// answerRemote runs a tool that calls out: claim, commit, call, record.
func (s *Service) answerRemote(ctx context.Context, t *turn, run tool, started time.Time) vapi.ToolCallResult {
	if err := s.claim(ctx, t); errors.Is(err, errClaimed) {
		return s.claimedAnswer(ctx, t)
	} else if err != nil {
		return t.result(nil, err)
	}
	if err := t.refresh(ctx); err != nil {
		res := t.result(nil, err)
		s.recordClaimed(ctx, t, res, started)
		return res
	}
	out, err := run.fn(ctx, t)
	if err != nil {
		t.failed(ctx)
	}
	res := t.result(out, err)
	s.recordClaimed(ctx, t, res, started)
	return res
}

// claimedAnswer answers a tool call whose id another delivery claimed.
func (s *Service) claimedAnswer(ctx context.Context, t *turn) vapi.ToolCallResult {
	if stored, ok := s.replay(ctx, t.line, t.tc); ok {
		return stored.answer(t.line, t.tc)
	}
	return vapi.ErrorResult(t.tc, "this request is already being handled")
}

// recordClaimed stores the answer of a tool call claimed outside a
// transaction.
func (s *Service) recordClaimed(ctx context.Context, t *turn, res vapi.ToolCallResult, started time.Time) {
	if err := s.finish(ctx, t, res, started); err != nil {
		s.Log.ErrorContext(ctx, "receptionist: record tool call", "tool", t.tc.Name, "err", err)
	}
}

var errClaimed = errors.New("receptionist: tool call already claimed")

// turn is one tool call being answered.
type turn struct {
	s    *Service
	line Line
	call *ent.Call
	tc   vapi.ToolCall
	// onFailure runs after a failed write tool's transaction is rolled back.
	onFailure []func(context.Context) error
}

// refresh reads the call again: what an earlier tool call of this call
// changed (the verified patient), as of now.
func (t *turn) refresh(ctx context.Context) error {
	fresh, err := t.s.DB.Client(ctx).Call.Get(ctx, t.call.ID)
	if err != nil {
		return err
	}
	t.call = fresh
	return nil
}

// failed runs what a failed tool must leave for staff.
func (t *turn) failed(ctx context.Context) {
	for _, f := range t.onFailure {
		if err := f(ctx); err != nil {
			t.s.Log.ErrorContext(ctx, "receptionist: after a failed tool call", "tool", t.tc.Name, "err", err)
		}
	}
}

// result turns a tool's outcome into Vapi's answer. Errors are read by the
// mapping the API uses (coded.Of), so the agent hears what the dashboard
// would show; an internal error is "something went wrong".
func (t *turn) result(out any, err error) vapi.ToolCallResult {
	if err == nil {
		return vapi.Result(t.tc, out)
	}
	var taken *booking.SlotTakenError
	if errors.As(err, &taken) {
		return vapi.ErrorResult(t.tc, slotTakenMessage(taken))
	}
	ae := coded.Of(err)
	if ae.Code == apperr.Internal {
		t.s.Log.ErrorContext(context.Background(), "receptionist: tool failed", "tool", t.tc.Name, "err", err)
		return vapi.ErrorResult(t.tc, "Something went wrong on our side. Offer to take a message or transfer the caller.")
	}
	return vapi.ErrorResult(t.tc, ae.Message)
}

// stored is the answer a tool call id got, and the call and tool it got it
// for.
type stored struct {
	vapiCallID, tool string
	res              vapi.ToolCallResult
}

func (st stored) same(l Line, tc vapi.ToolCall) bool {
	return st.vapiCallID == l.VapiCallID && st.tool == tc.Name
}

// answer is the stored answer for its own call and tool. Sent from another
// call, or naming another tool, the id gets an error and nothing of the
// first answer: it may hold a verified patient's details.
func (st stored) answer(l Line, tc vapi.ToolCall) vapi.ToolCallResult {
	if !st.same(l, tc) {
		return vapi.ErrorResult(tc, "this tool call id was already used by another call or tool, so nothing was done; call the tool again")
	}
	return st.res
}

// replay returns what a tool call id already claimed or answered in this
// practice holds: ok with an answer, or ok for a claim by another call or
// tool (whose answer refuses); a claim of the same call and tool still at
// work is not ok. It runs on every tool call, so it is one prepared point
// query (scoped to the practice by hand, since it bypasses ent).
func (s *Service) replay(ctx context.Context, l Line, tc vapi.ToolCall) (stored, bool) {
	var st stored
	var outcome, result string
	err := s.DB.QueryRowHot(ctx, "SELECT ti.outcome, ti.result, ti.tool, c.vapi_call_id FROM tool_invocations ti JOIN calls c ON c.id = ti.call_id WHERE ti.practice_id = ? AND ti.tool_call_id = ?",
		tenant.FromContext(ctx).PracticeID, tc.ID).Scan(&outcome, &result, &st.tool, &st.vapiCallID)
	if err != nil {
		return st, false
	}
	if !st.same(l, tc) {
		return st, true
	}
	if result == "" {
		return st, false
	}
	if toolinvocation.Outcome(outcome) == toolinvocation.OutcomeERROR {
		st.res = vapi.ErrorResult(tc, result)
	} else {
		st.res = vapi.Result(tc, result)
	}
	return st, true
}

func (s *Service) claim(ctx context.Context, t *turn) error {
	err := s.DB.Client(ctx).ToolInvocation.Create().
		SetPracticeID(t.call.PracticeID).SetCallID(t.call.ID).SetToolCallID(t.tc.ID).SetTool(t.tc.Name).
		SetOutcome(toolinvocation.OutcomeERROR).Exec(ctx)
	if ent.IsConstraintError(err) {
		return errClaimed
	}
	return err
}

func (s *Service) finish(ctx context.Context, t *turn, res vapi.ToolCallResult, started time.Time) error {
	outcome, text := outcomeOf(res)
	return s.DB.Client(ctx).ToolInvocation.Update().Where(toolinvocation.ToolCallID(t.tc.ID), toolinvocation.CallID(t.call.ID)).
		SetOutcome(outcome).SetResult(text).SetLatencyMs(int(time.Since(started).Milliseconds())).Exec(ctx)
}

// record stores the answer of a tool call that ran outside a claim (a read,
// or a write that failed and was rolled back). A duplicate delivery that
// got there first wins; its answer is as good.
func (s *Service) record(ctx context.Context, t *turn, res vapi.ToolCallResult, started time.Time) {
	outcome, text := outcomeOf(res)
	err := s.DB.Client(ctx).ToolInvocation.Create().
		SetPracticeID(t.call.PracticeID).SetCallID(t.call.ID).SetToolCallID(t.tc.ID).SetTool(t.tc.Name).
		SetOutcome(outcome).SetResult(text).SetLatencyMs(int(time.Since(started).Milliseconds())).Exec(ctx)
	if err != nil && !ent.IsConstraintError(err) {
		s.Log.WarnContext(ctx, "receptionist: record tool call", "tool", t.tc.Name, "err", err)
	}
}

func outcomeOf(res vapi.ToolCallResult) (toolinvocation.Outcome, string) {
	if res.Error != "" {
		return toolinvocation.OutcomeERROR, res.Error
	}
	return toolinvocation.OutcomeOK, res.Result
}

// ErrNoCall: a status update or report that names no call (call.id) has
// nothing to be recorded against.
var ErrNoCall = apperr.New(apperr.Invalid, "the message names no call")

// callRow returns the call's row in the practice ctx acts for, making it on
// the call's first message. A Vapi call id is unique within a practice only.
// Rows are remembered by practice and Vapi call id; what changes on them
// during a call (the verified patient) is read again where it matters.
func (s *Service) callRow(ctx context.Context, l Line) (*ent.Call, error) {
	if l.VapiCallID == "" {
		return nil, ErrNoCall
	}
	practiceID := tenant.FromContext(ctx).PracticeID
	if row := s.calls.get(practiceID, l.VapiCallID); row != nil {
		return row, nil
	}
	row, err := s.loadCallRow(ctx, l)
	if err == nil {
		s.calls.put(row)
	}
	return row, err
}

func (s *Service) loadCallRow(ctx context.Context, l Line) (*ent.Call, error) {
	c := s.DB.Client(ctx)
	practiceID := tenant.FromContext(ctx).PracticeID
	// Scoped by hand as well as by the privacy policy: the uniqueness the
	// lookup relies on is (practice, Vapi call id).
	find := func() (*ent.Call, error) {
		return c.Call.Query().Where(call.PracticeID(practiceID), call.VapiCallID(l.VapiCallID)).Only(ctx)
	}
	row, err := find()
	if err == nil || !ent.IsNotFound(err) {
		return row, err
	}
	if l.TwilioCallSid != "" {
		// A call that came in through frontdesk's Twilio webhook has its
		// row already: the agent's messages join it.
		unlinked := call.Or(call.VapiCallIDIsNil(), call.VapiCallID(""))
		id, err := c.Call.Query().Where(call.PracticeID(practiceID), call.TwilioCallSid(l.TwilioCallSid), unlinked).Order(call.ByCreatedAt()).FirstID(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return nil, err
		}
		if err == nil {
			// The guard makes a link by two concurrent messages harmless.
			n, err := c.Call.Update().Where(call.ID(id), unlinked).SetVapiCallID(l.VapiCallID).Save(ctx)
			if err != nil && !ent.IsConstraintError(err) {
				return nil, err
			}
			if n > 0 || err != nil {
				return find()
			}
		}
	}
	now := s.Clock.Now()
	create := c.Call.Create().SetPracticeID(practiceID).SetVapiCallID(l.VapiCallID).
		SetTwilioCallSid(l.TwilioCallSid).SetStartedAt(now)
	if n := phone.OrEmpty(l.Caller); n != "" {
		create.SetCallerNumber(n)
	}
	if l.unidentified {
		create.SetStatus("unidentified").SetEndedAt(now).SetEndedReason("no-call-id").SetOutcome(call.OutcomeINFO)
	}
	row, err = create.Save(ctx)
	if ent.IsConstraintError(err) {
		// Another message of the same call made it first.
		return find()
	}
	return row, err
}
