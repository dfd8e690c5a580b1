package receptionist

import (
	"context"
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/ent/toolinvocation"
	"github.com/frontdesk/frontdesk/internal/actions"
	"github.com/frontdesk/frontdesk/internal/voice"
)

// StatusUpdate records a call's status as Vapi reports it.
func (s *Service) StatusUpdate(ctx context.Context, l Line, m *voice.Message) error {
	row, err := s.callRow(ctx, l)
	if err != nil {
		return err
	}
	u := s.DB.Client(ctx).Call.UpdateOne(row).SetStatus(m.Status)
	if !m.Call.StartedAt.IsZero() {
		u.SetStartedAt(m.Call.StartedAt)
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
// summary, transcript, recording, cost, and the outcome the tools show.
func (s *Service) EndOfCall(ctx context.Context, l Line, m *voice.Message) error {
	rep, err := m.EndOfCallReport()
	if err != nil {
		return err
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
			SetCost(rep.Cost).
			SetDurationSeconds(int(rep.Duration / time.Second)).
			SetOutcome(outcome)
		if !rep.StartedAt.IsZero() {
			u.SetStartedAt(rep.StartedAt)
		}
		if !rep.EndedAt.IsZero() {
			u.SetEndedAt(rep.EndedAt)
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		if outcome == call.OutcomeABANDONED && rep.Duration >= abandonedAfter && row.Outcome == nil {
			_, err := s.Actions.Open(ctx, actions.Item{
				Kind:           actionitem.KindNO_RESOLUTION,
				Summary:        fmt.Sprintf("A caller spoke with the receptionist for %d seconds and hung up with nothing booked or taken down. Consider calling back.", int(rep.Duration/time.Second)),
				CallbackNumber: row.CallerNumber,
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
func (s *Service) AssistantRequest(ctx context.Context, r Route) voice.AssistantRequestResponse {
	frontDesk := func() voice.AssistantRequestResponse {
		number, err := s.TransferNumber(ctx, r.PracticeID)
		if err != nil || number == "" {
			return voice.AssistantRequestResponse{Error: "Sorry, no one can take your call right now. Please call back later."}
		}
		return voice.AssistantRequestResponse{Destination: voice.NumberDestination(number, "")}
	}
	switch {
	case r.Number != nil && r.Number.Routing == phonenumber.RoutingFRONT_DESK:
		return frontDesk()
	case r.Agent == nil || !r.Agent.Enabled || r.Agent.VapiAssistantID == "":
		return frontDesk()
	default:
		return voice.AssistantRequestResponse{AssistantID: r.Agent.VapiAssistantID}
	}
}

// TransferDestination answers a transferCall tool that named no number.
func (s *Service) TransferDestination(ctx context.Context, r Route) voice.TransferDestinationResponse {
	number, err := s.TransferNumber(ctx, r.PracticeID)
	if err != nil || number == "" {
		return voice.TransferDestinationResponse{Error: "No one is available to take the call right now."}
	}
	return voice.TransferDestinationResponse{Destination: voice.NumberDestination(number, "Please hold while I transfer you.")}
}

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
