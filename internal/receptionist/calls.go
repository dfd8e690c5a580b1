package receptionist

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/ent/toolinvocation"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// StatusUpdate records a call's status as Vapi reports it.
func (s *Service) StatusUpdate(ctx context.Context, l Line, m *vapi.Message) error {
	row, err := s.callRow(ctx, l)
	if err != nil {
		return err
	}
	u := s.DB.Client(ctx).Call.UpdateOne(row)
	if m.Status != "" {
		u.SetStatus(m.Status)
	}
	if !m.Call.StartedAt.IsZero() {
		u.SetStartedAt(m.Call.StartedAt)
	}
	if row.TwilioCallSid == "" && l.TwilioCallSid != "" {
		u.SetTwilioCallSid(l.TwilioCallSid)
	}
	if m.Status == "ended" {
		u.SetEndedAt(firstTime(m.Call.EndedAt, s.Clock.Now()))
		if m.EndedReason != "" {
			u.SetEndedReason(m.EndedReason)
		}
	}
	return u.Exec(ctx)
}

// abandonedAfter is how long a caller must have stayed before a call that
// resolved nothing is worth a call back.
const abandonedAfter = 20 * time.Second

// EndOfCall records Vapi's report of a finished call: times, reason,
// summary, transcript, recordings, cost and its breakdown, Vapi's analysis,
// and the outcome the tools show. What the report could not say (a part
// Vapi sent unreadable or nonsensical, see vapi.Message.Problems) is left
// as it was.
func (s *Service) EndOfCall(ctx context.Context, l Line, m *vapi.Message) error {
	rep := m.EndOfCallReport()
	var structured map[string]any
	if rep.StructuredData != nil {
		if err := json.Unmarshal(rep.StructuredData, &structured); err != nil {
			return fmt.Errorf("receptionist: structured data: %w", err)
		}
	}
	return s.DB.InTx(ctx, func(ctx context.Context) error {
		row, err := s.callRow(ctx, l)
		if err != nil {
			return err
		}
		outcome, err := s.outcome(ctx, row)
		if err != nil {
			return err
		}
		u := s.DB.Client(ctx).Call.UpdateOne(row).
			SetStatus("ended").
			SetEndedReason(rep.EndedReason).
			SetSummary(rep.Summary).
			SetTranscript(rep.Transcript).
			SetRecordingURL(rep.RecordingURL).
			SetStereoRecordingURL(rep.StereoRecordingURL).
			SetSuccessEvaluation(rep.SuccessEvaluation).
			SetCost(rep.Cost).
			SetDurationSeconds(int(rep.Duration / time.Second)).
			SetOutcome(outcome)
		if structured != nil {
			u.SetStructuredData(structured)
		}
		if rep.CostBreakdown != nil {
			u.SetCostBreakdown(rep.CostBreakdown)
		}
		if !rep.StartedAt.IsZero() {
			u.SetStartedAt(rep.StartedAt)
		}
		if !rep.EndedAt.IsZero() {
			u.SetEndedAt(rep.EndedAt)
		}
		if row.TwilioCallSid == "" && l.TwilioCallSid != "" {
			u.SetTwilioCallSid(l.TwilioCallSid)
		}
		callback := row.CallerNumber
		if callback == "" {
			callback = phone.OrEmpty(l.Caller)
		}
		if callback != row.CallerNumber {
			u.SetCallerNumber(callback)
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		// A web call has no number to call back: no item asks staff to.
		if outcome == call.OutcomeABANDONED && rep.Duration >= abandonedAfter && row.Outcome == nil && callback != "" {
			_, err := s.Actions.Open(ctx, actionitems.Item{
				Kind:           actionitem.KindNO_RESOLUTION,
				Summary:        fmt.Sprintf("A caller spoke with the receptionist for %d seconds and hung up with nothing booked or taken down. Consider calling back.", int(rep.Duration/time.Second)),
				CallbackNumber: callback,
				CallID:         row.ID,
			})
			return err
		}
		return nil
	})
}

// outcome derives what a call came to from the tools that succeeded on it.
func (s *Service) outcome(ctx context.Context, row *ent.Call) (call.Outcome, error) {
	used, err := s.DB.Client(ctx).ToolInvocation.Query().
		Where(toolinvocation.CallID(row.ID), toolinvocation.OutcomeEQ(toolinvocation.OutcomeOK)).
		Select(toolinvocation.FieldTool).Strings(ctx)
	if err != nil {
		return "", err
	}
	has := map[string]bool{}
	for _, t := range used {
		has[t] = true
	}
	switch {
	case has[BookAppointment] || has[RescheduleAppointment]:
		return call.OutcomeBOOKED, nil
	case has[TransferToHuman]:
		return call.OutcomeTRANSFERRED, nil
	case len(used) > 0:
		return call.OutcomeINFO, nil
	default:
		return call.OutcomeABANDONED, nil
	}
}

// AssistantRequest answers Vapi's question "which assistant takes this
// call?" for a number imported without one.
func (s *Service) AssistantRequest(ctx context.Context, r Route) vapi.AssistantRequestResponse {
	frontDesk := func() vapi.AssistantRequestResponse {
		number, err := s.TransferNumber(ctx, r.PracticeID)
		if err != nil || number == "" {
			return vapi.AssistantRequestResponse{Error: "Sorry, no one can take your call right now. Please call back later."}
		}
		return vapi.AssistantRequestResponse{Destination: vapi.NumberDestination(number, "")}
	}
	switch {
	case r.Number != nil && r.Number.Routing == phonenumber.RoutingFRONT_DESK:
		return frontDesk()
	case r.Agent == nil || !r.Agent.Enabled || r.Agent.VapiAssistantID == "":
		return frontDesk()
	default:
		return vapi.AssistantRequestResponse{AssistantID: r.Agent.VapiAssistantID}
	}
}

// TransferDestination answers a transferCall tool that named no number.
func (s *Service) TransferDestination(ctx context.Context, r Route) vapi.TransferDestinationResponse {
	number, err := s.TransferNumber(ctx, r.PracticeID)
	if err != nil || number == "" {
		return vapi.TransferDestinationResponse{Error: "No one is available to take the call right now."}
	}
	return vapi.TransferDestinationResponse{Destination: vapi.NumberDestination(number, "Please hold while I transfer you.")}
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
