package receptionist

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/ent/phonenumber"
	"github.com/frontdesk/frontdesk/ent/toolinvocation"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/apperr"
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

// Stats are call analytics over a period.
type Stats struct {
	Total, Booked, Transferred, Info, Abandoned, InProgress int
	AverageDurationSeconds, TotalCost                       float64
	PhoneBookings, PhoneBookingsConfirmed                   int
	ActionItemsOpened                                       int
}

// Stats counts the acting practice's calls that started in [from, to), and
// what came of them, from frontdesk's own records.
func (s *Service) Stats(ctx context.Context, from, to time.Time) (*Stats, error) {
	if !from.Before(to) {
		return nil, apperr.New(apperr.Invalid, "from must be before to")
	}
	c := s.DB.Client(ctx)
	calls, err := c.Call.Query().Where(call.StartedAtGTE(from), call.StartedAtLT(to)).
		Select(call.FieldOutcome, call.FieldDurationSeconds, call.FieldCost).All(ctx)
	if err != nil {
		return nil, err
	}
	st := &Stats{Total: len(calls)}
	ended := 0
	for _, cl := range calls {
		if cl.Outcome == nil {
			st.InProgress++
			continue
		}
		ended++
		st.AverageDurationSeconds += float64(cl.DurationSeconds)
		st.TotalCost += cl.Cost
		switch *cl.Outcome {
		case call.OutcomeBOOKED:
			st.Booked++
		case call.OutcomeTRANSFERRED:
			st.Transferred++
		case call.OutcomeINFO:
			st.Info++
		case call.OutcomeABANDONED:
			st.Abandoned++
		}
	}
	if ended > 0 {
		st.AverageDurationSeconds /= float64(ended)
	}
	booked := c.Appointment.Query().Where(appointment.SourceEQ(appointment.SourcePHONE), appointment.CreatedAtGTE(from), appointment.CreatedAtLT(to))
	if st.PhoneBookings, err = booked.Clone().Count(ctx); err != nil {
		return nil, err
	}
	if st.PhoneBookingsConfirmed, err = booked.Where(appointment.WritebackStateEQ(appointment.WritebackStateCONFIRMED)).Count(ctx); err != nil {
		return nil, err
	}
	if st.ActionItemsOpened, err = c.ActionItem.Query().Where(actionitem.CreatedAtGTE(from), actionitem.CreatedAtLT(to)).Count(ctx); err != nil {
		return nil, err
	}
	return st, nil
}
