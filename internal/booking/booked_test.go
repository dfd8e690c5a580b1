package booking_test

import (
	"testing"

	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

// Book, Reschedule and Cancel return everything a spoken confirmation needs:
// the phone agent reads them back without loading the practice again.
func TestChangesReturnWhatTheCallerHears(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	a, err := e.svc.Availability(e.ctx, booking.AvailabilityQuery{AppointmentType: "Exam", MaxResults: 5})
	if err != nil || len(a.Slots) < 2 {
		t.Fatalf("availability: %v, %v", a, err)
	}
	pat := e.somePatient(t)
	first, second := a.Slots[0], a.Slots[1]

	booked, err := e.svc.Book(e.ctx, booking.BookRequest{SlotID: first.ID, PatientID: pat.ID})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := e.svc.Reschedule(e.ctx, booked.ID, second.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	cancelled, err := e.svc.Cancel(e.ctx, booked.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  *booking.Booked
		slot booking.Slot
	}{
		{"Book", booked, first},
		{"Reschedule", moved, second},
		{"Cancel", cancelled, second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.got
			if b.Appointment == nil || b.ID != booked.ID || !b.StartAt.Equal(tt.slot.Start) {
				t.Fatalf("appointment %+v, want at %v", b.Appointment, tt.slot.Start)
			}
			if b.Location.String() != "America/New_York" || b.PracticeName != "Booking Dental" {
				t.Fatalf("practice %q in %v", b.PracticeName, b.Location)
			}
			if b.ProviderName != booking.ProviderName(tt.slot.Provider) || b.ProviderName == "" {
				t.Fatalf("provider %q, want %q", b.ProviderName, booking.ProviderName(tt.slot.Provider))
			}
			if b.Spoken != tt.slot.Spoken {
				t.Fatalf("spoken %q, the slot was offered as %q", b.Spoken, tt.slot.Spoken)
			}
		})
	}
}
