package pmsconn

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/spoken"
)

// source names the PMS a mirror comes from: the kind, and for Sikka the
// office and the practice within it. The sandbox is one per practice.
type source struct {
	provider             pmsconnection.Provider
	officeID, practiceID string
}

func sourceOf(c *ent.PMSConnection) source {
	if c.Provider == pmsconnection.ProviderSANDBOX {
		return source{provider: c.Provider}
	}
	return source{provider: c.Provider, officeID: c.OfficeID, practiceID: c.PmsPracticeID}
}

// connect replaces the acting practice's connection with the one create
// builds, in the caller's transaction. Reconnecting the PMS the mirror came
// from keeps the mirror and the practice's choices about it; connecting
// another replaces the mirror (see replaceMirror), so that no patient,
// appointment or schedule of the old PMS is verified, booked or offered
// again.
func (s *Service) connect(ctx context.Context, practiceID string, to source, create func(*ent.PMSConnectionCreate)) (*ent.PMSConnection, error) {
	c := s.DB.Client(ctx)
	old, err := c.PMSConnection.Query().Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	same := old != nil && sourceOf(old) == to
	if old != nil {
		if err := c.PMSConnection.DeleteOne(old).Exec(ctx); err != nil {
			return nil, err
		}
	}
	if !same {
		if err := s.replaceMirror(ctx, c, practiceID, old); err != nil {
			return nil, err
		}
	}
	cr := c.PMSConnection.Create().SetPracticeID(practiceID).SetProvider(to.provider).SetStatus(pmsconnection.StatusCONNECTED)
	if same {
		cr.SetCancelStatus(old.CancelStatus).SetAppointmentStatuses(old.AppointmentStatuses)
	}
	create(cr)
	return cr.Save(ctx)
}

// replaceMirror empties the practice's mirror of the PMS it came from:
// patients, appointments (frontdesk's bookings with them), providers,
// operatories, appointment types and the PMS's hours. Writebacks still on
// their way to that PMS are withdrawn, each with an action item that says
// what staff must enter in the new one by hand. It runs in the transaction
// that stores the new connection and makes no PMS call.
func (s *Service) replaceMirror(ctx context.Context, c *ent.Client, practiceID string, old *ent.PMSConnection) error {
	pending, err := c.Writeback.Query().
		Where(ewb.StateIn(ewb.StateQUEUED, ewb.StateSUBMITTING, ewb.StateSUBMITTED)).
		WithAppointment(func(q *ent.AppointmentQuery) { q.WithPatient().WithProvider() }).
		Order(ewb.ByCreatedAt(), ewb.ByID()).All(ctx)
	if err != nil {
		return fmt.Errorf("pmsconn: pending writebacks: %w", err)
	}
	loc, err := practice.Zone(ctx, s.DB, practiceID)
	if err != nil {
		loc = time.UTC
	}
	acts := &actionitems.Service{DB: s.DB, Clock: s.Clock}
	for _, wb := range pending {
		it := withdrawnItem(wb, old, loc, s.Clock.Now())
		if _, err := acts.Open(ctx, it); err != nil {
			return err
		}
	}
	// Writebacks first: they hold their appointment (no cascade).
	steps := []struct {
		what string
		run  func() error
	}{
		{"writebacks", func() error { _, err := c.Writeback.Delete().Exec(ctx); return err }},
		{"appointments", func() error { _, err := c.Appointment.Delete().Exec(ctx); return err }},
		{"patients", func() error { _, err := c.Patient.Delete().Exec(ctx); return err }},
		{"providers", func() error { _, err := c.Provider.Delete().Exec(ctx); return err }},
		{"operatories", func() error { _, err := c.Operatory.Delete().Exec(ctx); return err }},
		{"appointment types", func() error { _, err := c.AppointmentType.Delete().Exec(ctx); return err }},
		{"hours", func() error {
			return c.Practice.UpdateOneID(practiceID).ClearPmsHours().ClearPmsClosures().
				ClearDefaultAppointmentTypeID().Exec(ctx)
		}},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			return fmt.Errorf("pmsconn: replace the mirror: %s: %w", st.what, err)
		}
	}
	return nil
}

// withdrawnItem tells staff what a withdrawn writeback would have written.
// The appointment and patient rows go with the old mirror, so the item says
// in words whose and when.
func withdrawnItem(wb *ent.Writeback, old *ent.PMSConnection, loc *time.Location, now time.Time) actionitems.Item {
	what := map[ewb.Kind]string{
		ewb.KindCREATE_PATIENT:         "A new patient record",
		ewb.KindCREATE_APPOINTMENT:     "A booking",
		ewb.KindCANCEL_APPOINTMENT:     "A cancellation",
		ewb.KindRESCHEDULE_APPOINTMENT: "A change of time",
	}[wb.Kind]
	var details []string
	it := actionitems.Item{Kind: actionitem.KindWRITEBACK_FAILED, Urgency: actionitem.UrgencyURGENT}
	if a := wb.Edges.Appointment; a != nil {
		details = append(details, spoken.When(a.StartAt, loc, now))
		if p := a.Edges.Patient; p != nil {
			who := strings.TrimSpace(p.FirstName + " " + p.LastName)
			if p.BirthDate != "" {
				who += ", born " + p.BirthDate
			}
			details = append(details, "for "+who)
			if len(p.Phones) > 0 {
				it.CallbackNumber = p.Phones[0]
			}
		}
		if pr := a.Edges.Provider; pr != nil {
			details = append(details, "with "+strings.TrimSpace(pr.Title+" "+pr.FirstName+" "+pr.LastName))
		}
	}
	from := "the previous PMS"
	if old != nil && old.System != "" {
		from = "the previous PMS (" + old.System + ")"
	}
	sent := ""
	if wb.State == ewb.StateSUBMITTING || wb.State == ewb.StateSUBMITTED {
		sent = " It had already been sent there and may still land in it: check it too."
	}
	it.Summary = fmt.Sprintf("%s (%s) had not been written to %s when the practice connected another PMS, so it was withdrawn. "+
		"Enter it in the new PMS by hand if it still stands.%s", what, strings.Join(details, ", "), from, sent)
	return it
}
