package receptionist_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/actionitems"
	"github.com/frontdesk/frontdesk/internal/booking"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/fixture"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/vapi"
)

// TestBackgroundRecordsTakeTheServiceClock: the records of read-only tool
// calls, written in batches outside ent, are stamped by the service's clock
// as every other row is.
func TestBackgroundRecordsTakeTheServiceClock(t *testing.T) {
	now := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	clk := clock.NewFake(now)
	db := dbtest.Open(t)
	m := fixture.Mirror(t, db, fixture.Options{Clock: clk, Sandbox: sandbox.Config{Seed: 3}})
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	desk := &receptionist.Service{DB: db, Clock: clk, Log: discard,
		Booking: &booking.Service{DB: db, Clock: clk}, Actions: &actionitems.Service{DB: db, Clock: clk}}

	stop := desk.RecordInBackground()
	res := desk.Answer(m.System, receptionist.Line{VapiCallID: "call-1"},
		vapi.ToolCall{ID: "tc-1", Name: receptionist.CheckAvailability, Arguments: []byte(`{"appointment_type":"Exam"}`)})
	if res.Error != "" {
		t.Fatalf("check-availability: %s", res.Error)
	}
	stop()

	inv := db.Client(m.System).ToolInvocation.Query().OnlyX(m.System)
	if !inv.CreatedAt.Equal(now) || !inv.UpdatedAt.Equal(now) {
		t.Fatalf("recorded at %s / %s, want the service clock's %s", inv.CreatedAt, inv.UpdatedAt, now)
	}
}
