package writeback

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	ewb "github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// settle is how long after a send its write is trusted to show in the
// PMS's listing.
const settle = time.Minute

var errSettling = errors.New("writeback: waiting for an interrupted send to settle before asking the PMS about it")

// findSlack looks a little before the recorded submit time: the PMS's clock
// and ours differ.
const findSlack = 10 * time.Minute

// find asks the PMS whether a write marked SUBMITTING arrived, and returns
// its id when it did.
func (w *Worker) find(ctx context.Context, p pms.PMS, a *ent.Appointment, wb *ent.Writeback) (string, bool, error) {
	lister, ok := p.(pms.WriteLister)
	if ok && wb.SubmittedAt != nil && w.Clock.Now().Sub(*wb.SubmittedAt) < settle {
		// A send the killed process still had in flight may not be listed
		// yet: give it time to settle.
		return "", false, errSettling
	}
	if !ok {
		w.Log.WarnContext(ctx, "writeback: the PMS cannot list its writes; sending again", "appointment_id", a.ID, "kind", wb.Kind)
		return "", false, nil
	}
	since := w.Clock.Now().Add(-time.Hour)
	if wb.SubmittedAt != nil {
		since = wb.SubmittedAt.Add(-findSlack)
	}
	writes, err := lister.QueuedWrites(ctx, since)
	if err != nil {
		// Not knowing is no licence to send again: retry later.
		return "", false, fmt.Errorf("writeback: list the PMS's writes: %w", err)
	}
	match, err := w.matcher(ctx, a, wb)
	if err != nil {
		return "", false, err
	}
	var found *pms.QueuedWrite
	for i, q := range writes {
		if q.Kind != kindName[wb.Kind] {
			continue
		}
		if q.Body == nil {
			// A write of this kind we cannot read might be ours.
			return "", false, errUnreadable
		}
		// The newest match: a listing may reach back past earlier attempts.
		if match(q.Body) && (found == nil || !q.Submitted.Before(found.Submitted)) {
			found = &writes[i]
		}
	}
	if found == nil {
		return "", false, nil
	}
	return found.ID, true, nil
}

// errUnreadable stops a resend when the PMS lists a write it cannot show.
var errUnreadable = errors.New("writeback: the PMS lists a write of this kind whose contents cannot be read, so it may already have this one; not sending it again")

var kindName = map[ewb.Kind]string{
	ewb.KindCREATE_PATIENT:         "create_patient",
	ewb.KindCREATE_APPOINTMENT:     "create_appointment",
	ewb.KindCANCEL_APPOINTMENT:     "cancel_appointment",
	ewb.KindRESCHEDULE_APPOINTMENT: "reschedule_appointment",
}

// matcher recognises this writeback's body in a listing.
func (w *Worker) matcher(ctx context.Context, a *ent.Appointment, wb *ent.Writeback) (func(map[string]string) bool, error) {
	switch wb.Kind {
	case ewb.KindCREATE_APPOINTMENT:
		m := marker(a.ID)
		return func(b map[string]string) bool { return strings.Contains(b["note"], m) }, nil
	case ewb.KindCREATE_PATIENT:
		pat, err := w.DB.Client(ctx).Patient.Get(ctx, *wb.PatientID)
		if err != nil {
			return nil, err
		}
		return func(b map[string]string) bool {
			if !strings.EqualFold(strings.TrimSpace(b["firstname"]), pat.FirstName) ||
				!strings.EqualFold(strings.TrimSpace(b["lastname"]), pat.LastName) ||
				!strings.HasPrefix(b["birthdate"], pat.BirthDate) {
				return false
			}
			if cell := b["cell"]; cell != "" && len(pat.Phones) > 0 {
				n, err := phone.Normalize(cell)
				return err == nil && n == pat.Phones[0]
			}
			return true
		}, nil
	case ewb.KindRESCHEDULE_APPOINTMENT:
		id, start := "", ""
		if a.PmsID != nil {
			id = *a.PmsID
		}
		if loc, err := w.zone(ctx, a.PracticeID); err == nil {
			start = a.StartAt.In(loc).Format("2006-01-02 15:04")
		}
		return func(b map[string]string) bool {
			return id != "" && b["appointment_sr_no"] == id && b["date"]+" "+b["time"] == start
		}, nil
	default:
		id := ""
		if a.PmsID != nil {
			id = *a.PmsID
		}
		return func(b map[string]string) bool { return id != "" && b["appointment_sr_no"] == id }, nil
	}
}
