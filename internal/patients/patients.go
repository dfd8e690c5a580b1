// Package patients finds patients in the mirror the way people look for
// them: by a name as typed, a phone number in any format, a birth date. The
// dashboard's search and the phone agent's lookup share it.
package patients

import (
	"strings"

	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/ent/predicate"
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
