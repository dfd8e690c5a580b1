package pmsconn

import (
	"context"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// maxStatusLength bounds a chosen cancellation status; PMS status names are
// short words.
const maxStatusLength = 100

// CancelStatus is the status a phone cancellation writes into the
// connection's PMS, and whether the practice chose it: its choice, else the
// best match among the statuses the last full sync read (pms.BestCancelStatus),
// else "" — cancelling then fails until the practice chooses one.
func CancelStatus(c *ent.PMSConnection) (status string, chosen bool) {
	if c.CancelStatus != "" {
		return c.CancelStatus, true
	}
	return pms.BestCancelStatus(c.AppointmentStatuses), false
}

// SetCancelStatus chooses the status the acting practice's phone
// cancellations write: one of the statuses its PMS accepts, or "" for the
// best match.
func (s *Service) SetCancelStatus(ctx context.Context, status string) (*ent.PMSConnection, error) {
	if _, err := tenant.ActingPractice(ctx); err != nil {
		return nil, err
	}
	conn, err := s.Get(ctx)
	if err != nil {
		return nil, err
	}
	if conn == nil {
		return nil, apperr.New(apperr.NotFound, "no PMS is connected")
	}
	status = strings.TrimSpace(status)
	switch {
	case len(status) > maxStatusLength:
		return nil, apperr.New(apperr.Invalid, "status is longer than %d characters", maxStatusLength)
	case status == "" || slices.Contains(conn.AppointmentStatuses, status):
	case len(conn.AppointmentStatuses) == 0:
		return nil, apperr.New(apperr.Invalid, "the PMS's appointment statuses are not known yet: run a full sync, then choose one of them")
	default:
		return nil, apperr.New(apperr.Invalid, "status must be one of the PMS's appointment statuses: %s", strings.Join(conn.AppointmentStatuses, ", "))
	}
	return s.DB.Client(ctx).PMSConnection.UpdateOne(conn).SetCancelStatus(status).Save(ctx)
}
