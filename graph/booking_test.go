package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/call"
	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func TestBookingThroughTheAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
		env := graphtest.New(t, db, graphtest.WithClock(clk))
		ann := user("ann", "ann@example.com")
		mirrored(t, env, ann, clk)

		var av struct {
			Availability struct {
				Slots []struct {
					ID, LocalStart, Spoken string
					Start                  time.Time
					Provider               struct{ ID, LastName string }
					AppointmentType        struct{ Name string }
				}
			}
		}
		env.MustDo(t, ann, `{ availability(input: {appointmentType: "exam", from: "2026-12-08", to: "2026-12-08", timeOfDay: MORNING, maxResults: 5}) {
			slots { id start localStart spoken provider { id lastName } appointmentType { name } } } }`, nil, &av)
		slots := av.Availability.Slots
		if len(slots) == 0 || len(slots) > 5 {
			t.Fatalf("%d slots", len(slots))
		}
		for _, s := range slots {
			if !strings.HasPrefix(s.LocalStart, "2026-12-08T") || s.LocalStart[11:13] >= "12" || s.AppointmentType.Name != "Exam" ||
				!strings.HasPrefix(s.Spoken, "Tuesday, December 8th at ") {
				t.Fatalf("slot %+v", s)
			}
		}

		const book = `mutation($slot: ID!) { bookAppointment(input: {slotID: $slot, newPatient: {firstName: "Jordan", lastName: "Whitaker", birthDate: "1994-11-05", phone: "555-010-0188"}}) {
			id status writebackState source localStart patient { firstName pmsID } provider { id } } }`
		var booked struct {
			BookAppointment struct {
				ID, Status, WritebackState, Source, LocalStart string
				Patient                                        struct {
					FirstName string
					PmsID     *string
				}
				Provider struct{ ID string }
			}
		}
		env.MustDo(t, ann, book, map[string]any{"slot": slots[0].ID}, &booked)
		b := booked.BookAppointment
		if b.Status != "SCHEDULED" || b.WritebackState != "PENDING" || b.Source != "DASHBOARD" || b.LocalStart != slots[0].LocalStart ||
			b.Patient.PmsID != nil || b.Provider.ID != slots[0].Provider.ID {
			t.Fatalf("booked %+v", b)
		}
		r := env.Do(t, ann, book, map[string]any{"slot": slots[0].ID})
		if r.Code() != "CONFLICT" || !strings.Contains(r.Errors[0].Message, "Open times nearby") {
			t.Fatalf("second booking: %+v", r.Errors)
		}

		var moved struct{ RescheduleAppointment struct{ LocalStart string } }
		env.MustDo(t, ann, `mutation($id: ID!) { rescheduleAppointment(id: $id, start: "2026-12-08T15:00") { localStart } }`, map[string]any{"id": b.ID}, &moved)
		if moved.RescheduleAppointment.LocalStart != "2026-12-08T15:00" {
			t.Fatalf("moved %+v", moved)
		}
		var cancelled struct{ CancelAppointment struct{ Status string } }
		env.MustDo(t, ann, `mutation($id: ID!) { cancelAppointment(id: $id, reason: "changed plans") { status } }`, map[string]any{"id": b.ID}, &cancelled)
		if cancelled.CancelAppointment.Status != "CANCELLED" {
			t.Fatalf("cancelled %+v", cancelled)
		}
		if r := env.Do(t, ann, `mutation($id: ID!) { retryWriteback(appointmentID: $id) { id } }`, map[string]any{"id": b.ID}); r.Code() != "INVALID" {
			t.Fatalf("retry with nothing failed: %+v", r.Errors)
		}
	})
}

func TestPracticeSettings(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	env := graphtest.New(t, dbtest.Open(t), graphtest.WithClock(clk))
	ann := user("ann", "ann@example.com")
	mirrored(t, env, ann, clk)

	var before struct {
		Practice struct {
			HoursSetInFrontdesk bool
			OpeningHours        []struct{ Day, Open, Close string }
			ClosedDates         []string
		}
	}
	env.MustDo(t, ann, `{ practice { hoursSetInFrontdesk openingHours { day open close } closedDates } }`, nil, &before)
	if before.Practice.HoursSetInFrontdesk || len(before.Practice.OpeningHours) == 0 {
		t.Fatalf("before = %+v", before)
	}

	var after struct {
		UpdatePractice struct {
			HoursSetInFrontdesk bool
			OpeningHours        []struct{ Day, Open, Close string }
			ClosedDates         []string
			LeadTimeMinutes     int
			SlotStepMinutes     int
			FrontDeskNumber     string
		}
	}
	env.MustDo(t, ann, `mutation { updatePractice(input: {
		hours: [{day: MONDAY, open: "09:00", close: "12:00"}, {day: MONDAY, open: "13:00", close: "17:00"}, {day: TUESDAY, open: "10:00", close: "14:00"}]
		closures: ["2026-12-24"], leadTimeMinutes: 30, slotStepMinutes: 30, frontDeskNumber: "(555) 010-0199"
	}) { hoursSetInFrontdesk openingHours { day open close } closedDates leadTimeMinutes slotStepMinutes frontDeskNumber } }`, nil, &after)
	u := after.UpdatePractice
	if !u.HoursSetInFrontdesk || len(u.OpeningHours) != 3 || u.OpeningHours[0].Day != "MONDAY" || u.OpeningHours[0].Open != "09:00" ||
		u.LeadTimeMinutes != 30 || u.SlotStepMinutes != 30 || u.FrontDeskNumber != "+15550100199" || !contains(u.ClosedDates, "2026-12-24") {
		t.Fatalf("after = %+v", u)
	}

	// Availability follows the practice's own hours now.
	var av struct {
		Availability struct {
			Slots []struct{ LocalStart string }
		}
	}
	env.MustDo(t, ann, `{ availability(input: {appointmentType: "Exam", from: "2026-12-08", to: "2026-12-08", maxResults: 100}) { slots { localStart } } }`, nil, &av)
	for _, s := range av.Availability.Slots {
		if hm := s.LocalStart[11:]; hm < "10:00" || hm >= "14:00" || (hm[3:] != "00" && hm[3:] != "30") {
			t.Fatalf("slot at %s outside Tuesday's new hours or grid", hm)
		}
	}
	for _, bad := range []string{
		`mutation { updatePractice(input: {hours: [{day: MONDAY, open: "17:00", close: "09:00"}]}) { id } }`,
		`mutation { updatePractice(input: {hours: [{day: MONDAY, open: "9am", close: "5pm"}]}) { id } }`,
		`mutation { updatePractice(input: {closures: ["Christmas"]}) { id } }`,
		`mutation { updatePractice(input: {timeZone: "Mars/Olympus"}) { id } }`,
		`mutation { updatePractice(input: {slotStepMinutes: 1}) { id } }`,
		`mutation { updatePractice(input: {defaultAppointmentTypeID: "atype_nope"}) { id } }`,
	} {
		if r := env.Do(t, ann, bad, nil); r.Code() != "INVALID" {
			t.Errorf("%s: %+v", bad, r.Errors)
		}
	}
	// Back to the PMS's hours.
	env.MustDo(t, ann, `mutation { updatePractice(input: {hours: []}) { hoursSetInFrontdesk } }`, nil, nil)
	env.MustDo(t, ann, `{ practice { hoursSetInFrontdesk openingHours { day open close } closedDates } }`, nil, &before)
	if before.Practice.HoursSetInFrontdesk {
		t.Fatal("hours: [] did not go back to the PMS's hours")
	}
}

func TestActionItemsAndAppointmentTypes(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	env := graphtest.New(t, dbtest.Open(t), graphtest.WithClock(clk))
	ann := user("ann", "ann@example.com")
	mirrored(t, env, ann, clk)

	var types struct {
		AppointmentTypes []struct {
			ID, Name string
		}
		Providers []struct{ ID string }
	}
	env.MustDo(t, ann, `{ appointmentTypes { id name } providers { id } }`, nil, &types)
	var crown string
	for _, ty := range types.AppointmentTypes {
		if ty.Name == "Crown" {
			crown = ty.ID
		}
	}
	var upd struct {
		UpdateAppointmentType struct {
			BookableByPhone bool
			ProviderIds     []string
		}
	}
	env.MustDo(t, ann, `mutation($id: ID!, $p: [ID!]) { updateAppointmentType(id: $id, bookableByPhone: false, providerIds: $p) { bookableByPhone providerIds } }`,
		map[string]any{"id": crown, "p": []string{types.Providers[0].ID}}, &upd)
	if upd.UpdateAppointmentType.BookableByPhone || len(upd.UpdateAppointmentType.ProviderIds) != 1 {
		t.Fatalf("update = %+v", upd)
	}
	var items struct {
		ActionItems struct{ TotalCount int }
	}
	env.MustDo(t, ann, `{ actionItems { totalCount } }`, nil, &items)
	if items.ActionItems.TotalCount != 0 {
		t.Fatalf("items = %+v", items)
	}
	if r := env.Do(t, ann, `mutation { resolveActionItem(id: "act_nope") { id } }`, nil); r.Code() != "NOT_FOUND" {
		t.Fatalf("resolving nothing: %+v", r.Errors)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var _ = graphtest.AdminGroup

func TestCallsAndStats(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	env := graphtest.New(t, dbtest.Open(t), graphtest.WithClock(clk))
	ann := user("ann", "ann@example.com")
	id := mustCreate(t, env, ann, "Calls Dental")
	sys := tenant.System(context.Background(), id)
	c := env.DB.Client(sys)
	start := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	for i, o := range []call.Outcome{call.OutcomeBOOKED, call.OutcomeBOOKED, call.OutcomeTRANSFERRED, call.OutcomeABANDONED} {
		c.Call.Create().SetPracticeID(id).SetVapiCallID(fmt.Sprintf("v%d", i)).SetStartedAt(start.Add(time.Duration(i) * time.Minute)).
			SetOutcome(o).SetDurationSeconds(60 * (i + 1)).SetCost(0.25).SetSummary("summary").SaveX(sys)
	}
	c.Call.Create().SetPracticeID(id).SetVapiCallID("live").SetStartedAt(start.Add(10 * time.Minute)).SaveX(sys)
	var out struct {
		Calls struct {
			TotalCount int
			Edges      []struct {
				Node struct{ VapiCallID, Outcome string }
			}
		}
		CallStats struct {
			Total, Booked, Transferred, Abandoned, InProgress int
			AverageDurationSeconds, TotalCost                 float64
		}
	}
	env.MustDo(t, ann, `{ calls(first: 10, where: {outcomeNEQ: ABANDONED}) { totalCount edges { node { vapiCallID outcome } } }
		callStats(from: "2026-12-01T00:00:00Z", to: "2026-12-02T00:00:00Z") { total booked transferred abandoned inProgress averageDurationSeconds totalCost } }`, nil, &out)
	if out.Calls.TotalCount != 3 || out.Calls.Edges[0].Node.VapiCallID != "v2" {
		t.Fatalf("calls = %+v", out.Calls)
	}
	s := out.CallStats
	if s.Total != 5 || s.Booked != 2 || s.Transferred != 1 || s.Abandoned != 1 || s.InProgress != 1 || s.AverageDurationSeconds != 150 || s.TotalCost != 1 {
		t.Fatalf("stats = %+v", s)
	}
}
