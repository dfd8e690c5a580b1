package booking_test

import (
	"context"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/appointment"
	"github.com/frontdesk/frontdesk/ent/patient"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

// BenchmarkBooking books one appointment per iteration on SQLite: the
// re-check, the insert, the writeback rows and the job, in one transaction.
// The baseline is the least any booking costs: a transaction taking the
// practice's lock and reading one day's busy times of the same data.
func BenchmarkBooking(b *testing.B) {
	e := newEnv(b, dbtest.Open(b))
	ctx := e.ctx
	pat := e.db.Client(ctx).Patient.Query().Where(patient.PmsIDNotNil()).FirstX(ctx)

	b.Run("baseline", func(b *testing.B) {
		day := now.Add(7 * 24 * time.Hour)
		for b.Loop() {
			err := e.db.InTx(ctx, func(ctx context.Context) error {
				if err := e.db.LockPractice(ctx, e.id); err != nil {
					return err
				}
				_, err := e.db.Client(ctx).Appointment.Query().
					Where(appointment.StartAtGTE(day), appointment.StartAtLT(day.Add(24*time.Hour))).Count(ctx)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	})

	b.Run("book", func(b *testing.B) {
		// Slots that do not overlap one another, so every booking succeeds.
		// A day at a time: one question returns at most MaxResultsLimit.
		busyUntil := map[string]time.Time{}
		var slots []booking.Slot
		for d := 2; d <= 85; d++ {
			day := calendar.DateOf(now.Add(time.Duration(d) * 24 * time.Hour).In(newYork))
			a, err := e.svc.Availability(ctx, booking.AvailabilityQuery{
				AppointmentType: "Exam", From: day, To: day, MaxResults: booking.MaxResultsLimit,
			})
			if err != nil {
				b.Fatal(err)
			}
			for _, s := range a.Slots {
				if !s.Start.Before(busyUntil[s.Provider.ID]) {
					slots = append(slots, s)
					busyUntil[s.Provider.ID] = s.End
				}
			}
		}
		i := 0
		for b.Loop() {
			if i == len(slots) {
				b.Fatalf("ran out of slots after %d bookings", i)
			}
			if _, err := e.svc.Book(ctx, booking.BookRequest{SlotID: slots[i].ID, PatientID: pat.ID}); err != nil {
				b.Fatal(err)
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
	})
}
