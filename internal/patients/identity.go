package patients

import (
	"context"
	"strings"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/ent/predicate"
)

// PhoneIndex is how a patient's numbers are stored for search (the
// phone_index column): each E.164 number framed in spaces, so that a number
// matches whole and never as part of a longer one.
func PhoneIndex(phones []string) string {
	if len(phones) == 0 {
		return ""
	}
	return " " + strings.Join(phones, " ") + " "
}

// HasPhone matches the patients who have number (E.164) among their phones.
func HasPhone(number string) predicate.Patient {
	return patient.PhoneIndexContains(PhoneIndex([]string{number}))
}

// Identity is who a caller says they are. It is the one rule for "is this
// that patient", shared by the phone agent's verification and by booking:
// a patient booked under the name they go by must be found again by it, or
// booking makes a duplicate.
type Identity struct {
	FirstName, LastName string
	BirthDate           string // YYYY-MM-DD
}

// Predicate matches the patients with this identity: the name as Named
// matches it, and the birth date exactly.
func (id Identity) Predicate() predicate.Patient {
	return patient.And(id.Named(), patient.BirthDate(strings.TrimSpace(id.BirthDate)))
}

// Named matches the patients this identity names, whatever their birth
// date: the first name as either their first or their preferred name, and
// the last name, in any case. The phone's attempt limits count a wrong
// birth date against the patients so named.
func (id Identity) Named() predicate.Patient {
	first := strings.TrimSpace(id.FirstName)
	return patient.And(
		patient.Or(patient.FirstNameEqualFold(first), patient.PreferredNameEqualFold(first)),
		patient.LastNameEqualFold(strings.TrimSpace(id.LastName)),
	)
}

// Find returns the patients with identity id, oldest record first. When
// more than one has it and some of them have number (E.164) on file, only
// those are kept: the number tells namesakes apart, but it never finds a
// patient on its own, and a number none of them has tells nothing.
func Find(ctx context.Context, c *ent.Client, id Identity, number string) ([]*ent.Patient, error) {
	matches, err := c.Patient.Query().Where(Callable(), id.Predicate()).Order(patient.ByCreatedAt(), patient.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	return Narrow(matches, number), nil
}

// Narrow keeps, of several patients with one identity, those that have
// number (E.164) on file; when none has it (or there is no number), all.
func Narrow(matches []*ent.Patient, number string) []*ent.Patient {
	if len(matches) < 2 || number == "" {
		return matches
	}
	var byPhone []*ent.Patient
	for _, p := range matches {
		if strings.Contains(p.PhoneIndex, PhoneIndex([]string{number})) {
			byPhone = append(byPhone, p)
		}
	}
	if len(byPhone) == 0 {
		return matches
	}
	return byPhone
}
