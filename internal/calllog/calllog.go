// Package calllog is the dashboard's view of the calls the receptionist
// took: the call log, newest first, and what the calls came to over a
// period. The receptionist records calls; this only reads them, from
// frontdesk's own records (never the voice vendor's, which forgets).
package calllog

import (
	"context"
	"time"

	"entgo.io/contrib/entgql"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/database"
)

// Service reads the acting practice's call log.
type Service struct {
	DB *database.DB
}

// Page is one page of the acting practice's calls, newest first, filtered
// by where. first and last must already be bounded by the caller's page
// limit.
func (s *Service) Page(ctx context.Context, after *entgql.Cursor[string], first *int, before *entgql.Cursor[string], last *int, where *ent.CallWhereInput) (*ent.CallConnection, error) {
	return s.DB.Client(ctx).Call.Query().Paginate(ctx, after, first, before, last,
		ent.WithCallOrder(&ent.CallOrder{Field: ent.CallOrderFieldStartedAt, Direction: entgql.OrderDirectionDesc}),
		ent.WithCallFilter(where.Filter))
}

// Stats are call analytics over a period.
type Stats struct {
	Total, Booked, Transferred, Info, Abandoned, InProgress int
	AverageDurationSeconds, TotalCost                       float64
	PhoneBookings, PhoneBookingsConfirmed                   int
	ActionItemsOpened                                       int
}

// Stats counts the acting practice's calls that started in [from, to), and
// what came of them.
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
