// Package actionitems keeps the list of what staff must follow up: messages
// callers left, transfers that failed, bookings the PMS refused, calls that
// ended unresolved.
package actionitems

import (
	"context"
	"fmt"
	"strings"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// Service manages action items.
type Service struct {
	DB    *database.DB
	Clock clock.Clock
}

// Item is a new action item.
type Item struct {
	Kind           actionitem.Kind
	Urgency        actionitem.Urgency
	Summary        string
	CallbackNumber string
	AppointmentID  string
	PatientID      string
	CallID         string
}

// Open records an item for the practice ctx acts on.
func (s *Service) Open(ctx context.Context, it Item) (*ent.ActionItem, error) {
	practiceID, err := tenant.ActingPractice(ctx)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(it.Summary) == "" {
		return nil, apperr.New(apperr.Invalid, "an action item needs a summary")
	}
	if it.Urgency == "" {
		it.Urgency = actionitem.UrgencyROUTINE
	}
	c := s.DB.Client(ctx).ActionItem.Create().
		SetPracticeID(practiceID).
		SetKind(it.Kind).
		SetUrgency(it.Urgency).
		SetSummary(strings.TrimSpace(it.Summary)).
		SetCallbackNumber(it.CallbackNumber).
		SetCallID(it.CallID)
	if it.AppointmentID != "" {
		c.SetAppointmentID(it.AppointmentID)
	}
	if it.PatientID != "" {
		c.SetPatientID(it.PatientID)
	}
	a, err := c.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("actionitems: open: %w", err)
	}
	return a, nil
}

// Resolve marks an item done, by whoever is signed in.
func (s *Service) Resolve(ctx context.Context, id, note string) (*ent.ActionItem, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, apperr.New(apperr.Unauthenticated, "sign in required")
	}
	c := s.DB.Client(ctx)
	a, err := c.ActionItem.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no such action item")
	}
	if err != nil {
		return nil, err
	}
	if a.Status == actionitem.StatusRESOLVED {
		return nil, apperr.New(apperr.Conflict, "that item is already resolved")
	}
	by := v.Email
	if by == "" {
		by = v.Subject
	}
	return c.ActionItem.UpdateOne(a).SetStatus(actionitem.StatusRESOLVED).SetResolvedAt(s.Clock.Now()).
		SetResolvedBy(by).SetResolution(strings.TrimSpace(note)).Save(ctx)
}

// ResolveWritebackFailures closes the open WRITEBACK_FAILED items of an
// appointment whose writeback has since succeeded.
func (s *Service) ResolveWritebackFailures(ctx context.Context, appointmentID string) error {
	_, err := s.DB.Client(ctx).ActionItem.Update().Where(
		actionitem.AppointmentID(appointmentID),
		actionitem.KindEQ(actionitem.KindWRITEBACK_FAILED),
		actionitem.StatusEQ(actionitem.StatusOPEN),
	).SetStatus(actionitem.StatusRESOLVED).SetResolvedAt(s.Clock.Now()).SetResolvedBy("frontdesk").
		SetResolution("the PMS accepted the change on a later attempt").Save(ctx)
	if err != nil {
		return fmt.Errorf("actionitems: resolve: %w", err)
	}
	return nil
}
