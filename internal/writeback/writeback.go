// Package writeback carries frontdesk's changes into the PMS: create the
// patient, create, cancel or move the appointment. It runs as a durable job
// per appointment that survives crashes and restarts, and never makes a
// write twice: before a write is sent it is marked SUBMITTING, and a job
// that finds a write in that state asks the PMS whether it arrived before
// sending it again.
package writeback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/appointment"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/jobargs"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/practice"
	"github.com/frontdesk/frontdesk/internal/spoken"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// Policy bounds the waiting.
type Policy struct {
	// PollBase is the first wait before asking the PMS how a write went; it
	// doubles up to PollMax.
	PollBase, PollMax time.Duration
	// Budget is how long a write may stay pending in the PMS before it is
	// withdrawn and reported to staff.
	Budget time.Duration
	// MaxSubmits bounds how often one write is sent (after lost answers).
	MaxSubmits int
}

// DefaultPolicy: Sikka's on-site utility usually runs a write within a
// minute or two, sometimes much later.
var DefaultPolicy = Policy{PollBase: 2 * time.Second, PollMax: time.Minute, Budget: 30 * time.Minute, MaxSubmits: 5}

// Worker runs jobargs.Writeback jobs.
type Worker struct {
	river.WorkerDefaults[jobargs.Writeback]
	DB      *database.DB
	PMS     pms.Opener
	Clock   clock.Clock
	Actions *actionitems.Service
	Policy  Policy
	Log     *slog.Logger
}

// outcome is what one step of a writeback came to.
type outcome struct {
	wait   time.Duration // > 0: ask again after this long
	failed string        // non-empty: the write failed, for this reason
}

var done = outcome{}

// Work carries the appointment's pending writebacks into the PMS, in order.
func (w *Worker) Work(ctx context.Context, job *river.Job[jobargs.Writeback]) error {
	ctx = tenant.System(ctx, job.Args.PracticeID)
	err := w.work(ctx, job.Args.AppointmentID)
	var snooze *river.JobSnoozeError
	if err != nil && !errors.As(err, &snooze) && job.Attempt >= job.MaxAttempts {
		// River gives up after this attempt: say so where staff will see it.
		return errors.Join(err, w.fail(ctx, job.Args.AppointmentID, nil, "frontdesk could not reach the PMS to write this change: "+err.Error()))
	}
	return err
}

func (w *Worker) work(ctx context.Context, appointmentID string) error {
	p, loc, err := w.PMS.Open(ctx, tenant.FromContext(ctx).PracticeID)
	if err != nil {
		return fmt.Errorf("writeback: open the PMS: %w", err)
	}
	c := w.DB.Client(ctx)
	for {
		a, err := c.Appointment.Get(ctx, appointmentID)
		if ent.IsNotFound(err) {
			// Gone with the mirror of a PMS the practice replaced, its
			// writebacks withdrawn (internal/pmsconn): nothing to write.
			return nil
		}
		if err != nil {
			return fmt.Errorf("writeback: appointment: %w", err)
		}
		wb, err := c.Writeback.Query().
			Where(ewb.AppointmentID(a.ID), ewb.StateIn(ewb.StateQUEUED, ewb.StateSUBMITTING, ewb.StateSUBMITTED)).
			Order(ewb.ByCreatedAt(), ewb.ByID()).First(ctx)
		if ent.IsNotFound(err) {
			return w.finish(ctx, a)
		}
		if err != nil {
			return err
		}
		out, err := w.step(ctx, p, loc, a, wb)
		if ent.IsConstraintError(err) {
			// Retrying cannot help: the PMS gave what the write created an
			// id that another record already holds here.
			return w.fail(ctx, a.ID, wb, "the PMS gave the new record an id that another record in frontdesk already has (did the PMS reissue it?); check both in the PMS")
		}
		if err != nil {
			return err
		}
		switch {
		case out.failed != "":
			return w.fail(ctx, a.ID, wb, out.failed)
		case out.wait > 0:
			return river.JobSnooze(out.wait)
		}
	}
}

// step moves one writeback on by one state.
func (w *Worker) step(ctx context.Context, p pms.PMS, loc *time.Location, a *ent.Appointment, wb *ent.Writeback) (outcome, error) {
	switch wb.State {
	case ewb.StateSUBMITTED:
		return w.poll(ctx, p, a, wb)
	case ewb.StateSUBMITTING:
		// The last attempt may have reached the PMS: find out before
		// sending again.
		id, found, err := w.find(ctx, p, a, wb)
		switch {
		case errors.Is(err, errSettling):
			return outcome{wait: settle - w.Clock.Now().Sub(*wb.SubmittedAt) + time.Second}, nil
		case errors.Is(err, errUnreadable):
			return outcome{failed: "the PMS may already have this write but cannot show it, so it was not sent again; check the PMS"}, nil
		case err != nil:
			return done, err
		case found:
			return w.submitted(ctx, wb, id)
		}
		fallthrough
	default:
		return w.submit(ctx, p, loc, a, wb)
	}
}

// submit sends the write.
func (w *Worker) submit(ctx context.Context, p pms.PMS, loc *time.Location, a *ent.Appointment, wb *ent.Writeback) (outcome, error) {
	c := w.DB.Client(ctx)
	req, out, err := w.request(ctx, a, wb)
	if err != nil || req == nil {
		return out, err
	}
	if wb.Attempts >= w.policy().MaxSubmits {
		return outcome{failed: fmt.Sprintf("the write was sent %d times without an answer from the PMS", wb.Attempts)}, nil
	}
	now := w.Clock.Now()
	if err := c.Writeback.UpdateOne(wb).SetState(ewb.StateSUBMITTING).SetSubmittedAt(now).AddAttempts(1).Exec(ctx); err != nil {
		return done, err
	}
	id, err := req(ctx, p)
	switch {
	case err == nil:
		return w.submitted(ctx, wb, id)
	case errors.Is(err, pms.ErrRejected), errors.Is(err, pms.ErrNotFound), errors.Is(err, pms.ErrCredentials):
		return outcome{failed: pmsReason(err)}, nil
	default:
		// Maybe sent, maybe not: the row stays SUBMITTING and the retry
		// asks the PMS first.
		return done, fmt.Errorf("writeback: send %s: %w", wb.Kind, err)
	}
}

func (w *Worker) submitted(ctx context.Context, wb *ent.Writeback, id string) (outcome, error) {
	err := w.DB.Client(ctx).Writeback.UpdateOneID(wb.ID).SetState(ewb.StateSUBMITTED).SetPmsWritebackID(id).SetPolls(0).Exec(ctx)
	return outcome{wait: w.policy().PollBase}, err
}

// request builds the PMS call for a writeback. A nil call with an outcome
// means the writeback cannot be sent yet (wait) or at all (failed), or has
// nothing to do (the row is skipped and done returned).
func (w *Worker) request(ctx context.Context, a *ent.Appointment, wb *ent.Writeback) (func(context.Context, pms.PMS) (string, error), outcome, error) {
	c := w.DB.Client(ctx)
	providerPMS, err := pmsIDOf(ctx, a.ProviderID, c.Provider.Get, func(p *ent.Provider) *string { return p.PmsID })
	if err != nil {
		return nil, done, err
	}
	switch wb.Kind {
	case ewb.KindCREATE_PATIENT:
		pat, err := c.Patient.Get(ctx, *wb.PatientID)
		if err != nil {
			return nil, done, err
		}
		if pat.PmsID != nil {
			return nil, done, w.complete(ctx, wb, *pat.PmsID)
		}
		np := pms.NewPatient{FirstName: pat.FirstName, LastName: pat.LastName, ProviderID: providerPMS}
		if d, err := pms.ParseDate(pat.BirthDate); err == nil {
			np.BirthDate = d
		}
		if len(pat.Phones) > 0 {
			np.Phone = pat.Phones[0]
		}
		return func(ctx context.Context, p pms.PMS) (string, error) { return p.CreatePatient(ctx, np) }, done, nil

	case ewb.KindCREATE_APPOINTMENT:
		if a.PmsID != nil {
			return nil, done, w.complete(ctx, wb, *a.PmsID)
		}
		if a.PatientID == nil {
			return nil, outcome{failed: "the appointment has no patient"}, nil
		}
		pat, err := c.Patient.Get(ctx, *a.PatientID)
		if err != nil {
			return nil, done, err
		}
		if pat.PmsID == nil {
			// The patient's own create goes first (here or in another
			// appointment's job).
			failed, err := c.Writeback.Query().Where(ewb.PatientID(pat.ID), ewb.KindEQ(ewb.KindCREATE_PATIENT), ewb.StateEQ(ewb.StateFAILED)).Exist(ctx)
			if err != nil {
				return nil, done, err
			}
			if failed {
				return nil, outcome{failed: "the PMS did not accept the new patient, so the appointment could not be made"}, nil
			}
			return nil, outcome{wait: w.policy().PollBase}, nil
		}
		operatoryPMS, err := pmsIDOf(ctx, a.OperatoryID, c.Operatory.Get, func(o *ent.Operatory) *string { return o.PmsID })
		if err != nil {
			return nil, done, err
		}
		typePMS, err := pmsIDOf(ctx, a.AppointmentTypeID, c.AppointmentType.Get, func(t *ent.AppointmentType) *string { return t.PmsID })
		if err != nil {
			return nil, done, err
		}
		na := pms.NewAppointment{
			PatientID:   *pat.PmsID,
			ProviderID:  providerPMS,
			OperatoryID: operatoryPMS,
			TypeID:      typePMS,
			Start:       a.StartAt,
			Length:      a.EndAt.Sub(a.StartAt),
			Description: a.Description,
			Note:        strings.TrimSpace(a.Notes + " " + marker(a.ID)),
		}
		return func(ctx context.Context, p pms.PMS) (string, error) { return p.CreateAppointment(ctx, na) }, done, nil

	case ewb.KindCANCEL_APPOINTMENT, ewb.KindRESCHEDULE_APPOINTMENT:
		if a.PmsID == nil {
			inFlight, err := c.Writeback.Query().Where(ewb.AppointmentID(a.ID), ewb.KindEQ(ewb.KindCREATE_APPOINTMENT),
				ewb.StateIn(ewb.StateQUEUED, ewb.StateSUBMITTING, ewb.StateSUBMITTED)).Exist(ctx)
			if err != nil {
				return nil, done, err
			}
			if inFlight {
				return nil, outcome{wait: w.policy().PollBase}, nil
			}
			// The PMS never got the appointment: nothing to change there.
			return nil, done, c.Writeback.UpdateOne(wb).SetState(ewb.StateSKIPPED).SetLastError("the PMS never had the appointment").Exec(ctx)
		}
		id := *a.PmsID
		if wb.Kind == ewb.KindCANCEL_APPOINTMENT {
			return func(ctx context.Context, p pms.PMS) (string, error) { return p.CancelAppointment(ctx, id, wb.Reason) }, done, nil
		}
		operatoryPMS, err := pmsIDOf(ctx, a.OperatoryID, c.Operatory.Get, func(o *ent.Operatory) *string { return o.PmsID })
		if err != nil {
			return nil, done, err
		}
		r := pms.Reschedule{Start: a.StartAt, Length: a.EndAt.Sub(a.StartAt), ProviderID: providerPMS, OperatoryID: operatoryPMS}
		return func(ctx context.Context, p pms.PMS) (string, error) { return p.RescheduleAppointment(ctx, id, r) }, done, nil
	}
	return nil, outcome{failed: "unknown writeback kind " + string(wb.Kind)}, nil
}

func marker(appointmentID string) string { return pms.MarkerPrefix + appointmentID }

// poll asks the PMS how a sent write went.
func (w *Worker) poll(ctx context.Context, p pms.PMS, a *ent.Appointment, wb *ent.Writeback) (outcome, error) {
	st, err := p.WritebackStatus(ctx, wb.PmsWritebackID)
	switch {
	case errors.Is(err, pms.ErrNotFound):
		// The PMS has lost the write (a sandbox without its journal does): send it
		// again, within the budget of sends.
		return done, w.DB.Client(ctx).Writeback.UpdateOne(wb).SetState(ewb.StateQUEUED).SetPmsWritebackID("").
			SetLastError("the PMS no longer knows the write; sending it again").Exec(ctx)
	case err != nil:
		return done, fmt.Errorf("writeback: status of %s: %w", wb.Kind, err)
	}
	switch st.State {
	case pms.WritebackCompleted:
		return done, w.complete(ctx, wb, st.CreatedID)
	case pms.WritebackFailed:
		return outcome{failed: "the PMS refused it: " + st.Reason}, nil
	}
	pol := w.policy()
	if wb.SubmittedAt != nil && w.Clock.Now().Sub(*wb.SubmittedAt) > pol.Budget {
		// Withdraw it, so it cannot land later behind staff's back.
		if err := p.CancelWriteback(ctx, wb.PmsWritebackID); err != nil && !errors.Is(err, pms.ErrNotFound) && !errors.Is(err, pms.ErrRejected) {
			return done, fmt.Errorf("writeback: withdraw %s: %w", wb.Kind, err)
		}
		return outcome{failed: fmt.Sprintf("the PMS did not run the write within %s (is its on-site utility running?)", pol.Budget)}, nil
	}
	if err := w.DB.Client(ctx).Writeback.UpdateOne(wb).AddPolls(1).Exec(ctx); err != nil {
		return done, err
	}
	wait := pol.PollBase << min(wb.Polls, 16)
	return outcome{wait: min(wait, pol.PollMax)}, nil
}

// complete records a finished write and what it created.
func (w *Worker) complete(ctx context.Context, wb *ent.Writeback, createdID string) error {
	return w.DB.InTx(ctx, func(ctx context.Context) error {
		c := w.DB.Client(ctx)
		upd := c.Writeback.UpdateOneID(wb.ID).SetState(ewb.StateCOMPLETED).SetCompletedAt(w.Clock.Now()).SetLastError("")
		if createdID != "" {
			upd.SetCreatedPmsID(createdID)
		}
		if err := upd.Exec(ctx); err != nil {
			return err
		}
		switch wb.Kind {
		case ewb.KindCREATE_PATIENT:
			if createdID == "" {
				return errors.New("writeback: the PMS created the patient but did not say its id")
			}
			return adoptPatient(ctx, c, w.Actions, *wb.PatientID, createdID)
		case ewb.KindCREATE_APPOINTMENT:
			if createdID == "" {
				return errors.New("writeback: the PMS created the appointment but did not say its id")
			}
			// A sync between the PMS running the write and this job learning
			// its id mirrors the PMS's copy of this very appointment as a row
			// of its own: drop it, or it would hold the id and double the booking.
			if _, err := c.Appointment.Delete().Where(appointment.PmsID(createdID), appointment.IDNEQ(wb.AppointmentID),
				appointment.SourceEQ(appointment.SourcePMS), appointment.WritebackStateEQ(appointment.WritebackStateNONE)).Exec(ctx); err != nil {
				return fmt.Errorf("writeback: drop the mirrored copy of the created appointment: %w", err)
			}
			return c.Appointment.UpdateOneID(wb.AppointmentID).SetPmsID(createdID).Exec(ctx)
		}
		return nil
	})
}

// finish records that every writeback of the appointment is done.
func (w *Worker) finish(ctx context.Context, a *ent.Appointment) error {
	if a.WritebackState == appointment.WritebackStateCONFIRMED || a.WritebackState == appointment.WritebackStateNONE {
		return nil
	}
	return w.DB.InTx(ctx, func(ctx context.Context) error {
		if err := w.DB.Client(ctx).Appointment.UpdateOne(a).SetWritebackState(appointment.WritebackStateCONFIRMED).
			SetWritebackError("").Exec(ctx); err != nil {
			return err
		}
		return w.Actions.ResolveWritebackFailures(ctx, a.ID)
	})
}

// fail records a failed writeback on the appointment and tells staff.
func (w *Worker) fail(ctx context.Context, appointmentID string, wb *ent.Writeback, reason string) error {
	w.Log.WarnContext(ctx, "writeback failed", "appointment_id", appointmentID, "kind", kindOf(wb), "reason", reason)
	return w.DB.InTx(ctx, func(ctx context.Context) error {
		c := w.DB.Client(ctx)
		if wb != nil {
			if err := c.Writeback.UpdateOneID(wb.ID).SetState(ewb.StateFAILED).SetLastError(reason).Exec(ctx); err != nil {
				return err
			}
		}
		a, err := c.Appointment.UpdateOneID(appointmentID).SetWritebackState(appointment.WritebackStateFAILED).
			SetWritebackError(reason).Save(ctx)
		if err != nil {
			return err
		}
		_, err = w.Actions.Open(ctx, actionitems.Item{
			Kind:          actionitem.KindWRITEBACK_FAILED,
			Urgency:       actionitem.UrgencyURGENT,
			Summary:       w.summary(ctx, a, wb, reason),
			AppointmentID: a.ID,
			PatientID:     deref(a.PatientID),
		})
		return err
	})
}

// summary tells staff, in words, what did not reach the PMS and what to do.
func (w *Worker) summary(ctx context.Context, a *ent.Appointment, wb *ent.Writeback, reason string) string {
	what := map[ewb.Kind]string{
		ewb.KindCREATE_PATIENT:         "The new patient for this booking",
		ewb.KindCREATE_APPOINTMENT:     "This booking",
		ewb.KindCANCEL_APPOINTMENT:     "This cancellation",
		ewb.KindRESCHEDULE_APPOINTMENT: "This change of time",
	}[kindOf(wb)]
	if what == "" {
		what = "This appointment's change"
	}
	when := a.StartAt.UTC().Format(time.RFC1123)
	if loc, err := w.zone(ctx, a.PracticeID); err == nil {
		when = spoken.When(a.StartAt, loc, w.Clock.Now())
	}
	return fmt.Sprintf("%s (%s) did not reach the PMS: %s. Retry it from the appointment, or enter it in the PMS by hand.", what, when, reason)
}

func (w *Worker) policy() Policy {
	p := w.Policy
	if p.PollBase <= 0 {
		p.PollBase = DefaultPolicy.PollBase
	}
	if p.PollMax <= 0 {
		p.PollMax = DefaultPolicy.PollMax
	}
	if p.Budget <= 0 {
		p.Budget = DefaultPolicy.Budget
	}
	if p.MaxSubmits <= 0 {
		p.MaxSubmits = DefaultPolicy.MaxSubmits
	}
	return p
}

func kindOf(wb *ent.Writeback) ewb.Kind {
	if wb == nil {
		return ""
	}
	return wb.Kind
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// pmsReason is the PMS's refusal in words; PMS errors carry codes and
// messages, not patient data.
func pmsReason(err error) string {
	msg := err.Error()
	for _, prefix := range []string{"sikka: ", "sandbox: ", "pms: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}

// zone returns a practice's location.
func (w *Worker) zone(ctx context.Context, practiceID string) (*time.Location, error) {
	return practice.Zone(ctx, w.DB, practiceID)
}

// pmsIDOf is the PMS id of the mirror row id names, "" when there is no row
// or it has none.
func pmsIDOf[T any](ctx context.Context, id *string, get func(context.Context, string) (T, error), pmsID func(T) *string) (string, error) {
	if id == nil {
		return "", nil
	}
	row, err := get(ctx, *id)
	if err != nil {
		return "", err
	}
	if p := pmsID(row); p != nil {
		return *p, nil
	}
	return "", nil
}
