// Package patients finds patients in the mirror the way people look for
// them: by a name as typed, a phone number in any format, a birth date. The
// dashboard's search and the phone agent's lookup share it.
package patients

import (
	"context"
	"fmt"
	"strings"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/ent/predicate"
	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/phone"
)

// Search is what a person typed. Empty fields do not filter.
type Search struct {
	Name      string
	Phone     string
	BirthDate string // YYYY-MM-DD
}

// Predicate returns the filter for s. Every word of Name must appear in the
// first, last or preferred name (any case); Phone matches any of the
// patient's numbers once normalised.
func Predicate(s Search) (predicate.Patient, error) {
	var ps []predicate.Patient
	for _, word := range strings.Fields(s.Name) {
		ps = append(ps, patient.Or(
			patient.FirstNameContainsFold(word),
			patient.LastNameContainsFold(word),
			patient.PreferredNameContainsFold(word),
		))
	}
	n, err := phone.Parse(s.Phone, "phone")
	if err != nil {
		return nil, err
	}
	if n != "" {
		ps = append(ps, HasPhone(n))
	}
	birth, err := calendar.ParseDate(s.BirthDate, "birth date")
	if err != nil {
		return nil, err
	}
	if !birth.IsZero() {
		ps = append(ps, patient.BirthDate(birth.String()))
	}
	return patient.And(ps...), nil
}

// Callable is the filter for the patients a phone call may verify or book:
// those the PMS still has. A patient the PMS deleted or merged away stays in
// the mirror, inactive, for the calls that name them.
func Callable() predicate.Patient { return patient.Active(true) }

// SamePerson reports whether two records are one person: the same birth date
// (when both are known) and the same first or last name, any case (a
// marriage changes one, a typo fix one). A PMS id that comes back with
// anything else has been given to someone else.
func SamePerson(aFirst, aLast, aBirth, bFirst, bLast, bBirth string) bool {
	if aBirth != "" && bBirth != "" && aBirth != bBirth {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(aFirst), strings.TrimSpace(bFirst)) ||
		strings.EqualFold(strings.TrimSpace(aLast), strings.TrimSpace(bLast))
}

// Supersede sets aside a patient row whose PMS id the PMS has given to
// someone else, so the new owner of the id can be stored too: the row keeps
// its appointments and calls, records the id as former_pms_id, becomes
// inactive (no call verifies it until staff sort it out), and staff get an
// action item. It runs in the caller's transaction.
func Supersede(ctx context.Context, c *ent.Client, acts *actionitems.Service, old *ent.Patient) error {
	if old.PmsID == nil {
		return nil
	}
	pmsID := *old.PmsID
	if err := c.Patient.UpdateOneID(old.ID).ClearPmsID().SetFormerPmsID(pmsID).SetActive(false).SetPmsDigest("").Exec(ctx); err != nil {
		return fmt.Errorf("patients: set aside a reissued PMS id: %w", err)
	}
	_, err := acts.Open(ctx, actionitems.Item{
		Kind:    actionitem.KindPMS_CONFLICT,
		Urgency: actionitem.UrgencyURGENT,
		Summary: fmt.Sprintf("The PMS now gives patient id %s to a different person than this patient, who had it before. "+
			"Both records are kept: this one has no PMS id any more and is not verified by phone until staff sort it out; "+
			"its appointments and calls stay with it. Find this patient in the PMS, then correct or merge the records.", pmsID),
		PatientID: old.ID,
	})
	return err
}
