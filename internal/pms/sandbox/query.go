package sandbox

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/phone"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// Patients streams the patients matching q in id order: ID exactly, Phone against every
// stored phone once both are normalised (a phone that does not normalise
// matches nobody), FirstName and LastName case-insensitively, BirthDate
// exactly.
func (s *Sandbox) Patients(ctx context.Context, q pms.PatientQuery) iter.Seq2[pms.Patient, error] {
	want := ""
	if q.Phone != "" {
		want, _ = phone.Normalize(q.Phone)
	}
	match := func(p *patient) bool {
		return (q.ID == "" || p.ID == q.ID) &&
			(q.Phone == "" || want != "" && slices.Contains(p.e164, want)) &&
			(q.FirstName == "" || strings.EqualFold(p.FirstName, strings.TrimSpace(q.FirstName))) &&
			(q.LastName == "" || strings.EqualFold(p.LastName, strings.TrimSpace(q.LastName))) &&
			(q.BirthDate.IsZero() || p.BirthDate == q.BirthDate)
	}
	return stream(ctx, "patients", func(next int) ([]pms.Patient, int, bool, error) {
		if err := s.lockSettled(ctx); err != nil {
			return nil, next, false, err
		}
		defer s.mu.Unlock()
		var page []pms.Patient
		for ; next < len(s.patients) && len(page) < pageSize; next++ {
			if p := &s.patients[next]; match(p) {
				out := p.Patient
				out.Phones = slices.Clone(p.Phones)
				page = append(page, out)
			}
		}
		return page, next, next < len(s.patients), nil
	})
}

// Appointments streams the appointments matching q in id order: by the
// practice date they start on (From and To inclusive, a zero bound open) or,
// when ChangedSince is set, by LastChanged at or after it; then by PatientID.
// Seeded appointments were last changed before the window starts; those a
// writeback creates or changes carry its completion time.
func (s *Sandbox) Appointments(ctx context.Context, q pms.AppointmentQuery) iter.Seq2[pms.Appointment, error] {
	match := func(a *pms.Appointment) bool {
		if q.PatientID != "" && a.PatientID != q.PatientID {
			return false
		}
		if !q.ChangedSince.IsZero() {
			return !a.LastChanged.Before(q.ChangedSince)
		}
		d := calendar.DateOf(a.Start.In(s.loc))
		return (q.From.IsZero() || compareDates(d, q.From) >= 0) &&
			(q.To.IsZero() || compareDates(d, q.To) <= 0)
	}
	return stream(ctx, "appointments", func(next int) ([]pms.Appointment, int, bool, error) {
		if err := s.lockSettled(ctx); err != nil {
			return nil, next, false, err
		}
		defer s.mu.Unlock()
		var page []pms.Appointment
		for ; next < len(s.appts) && len(page) < pageSize; next++ {
			if a := &s.appts[next]; match(a) {
				page = append(page, *a)
			}
		}
		return page, next, next < len(s.appts), nil
	})
}

// stream yields the pages that page returns, starting at record 0, until
// page reports no more records or the consumer stops. Records are only ever
// appended, so a record index is a stable cursor between pages.
func stream[T any](ctx context.Context, what string, page func(next int) ([]T, int, bool, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for next, more := 0, true; more; {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, fmt.Errorf("sandbox: %s: %w", what, err))
				return
			}
			var items []T
			var err error
			if items, next, more, err = page(next); err != nil {
				var zero T
				yield(zero, fmt.Errorf("sandbox: %s: %w", what, err))
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}
