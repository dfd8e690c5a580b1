package graph_test

import (
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

// Every service that acts for "the practice" resolves it by one rule
// (tenant.ActingPractice), so the same viewer gets the same code and message
// from each of them and from the privacy rules. Before, one viewer could get
// INVALID from booking and FORBIDDEN from the practice's settings.
func TestNoActingPracticeIsOneAnswer(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	mustCreate(t, env, ann, "A Dental")
	mustCreate(t, env, ann, "B Dental")
	nobody := user("nobody", "nobody@example.com")

	ops := map[string]string{
		"privacy rules (members)":     `{ members { email } }`,
		"practice (updatePractice)":   `mutation { updatePractice(input: {name: "X"}) { id } }`,
		"practice (inviteMember)":     `mutation { inviteMember(email: "x@example.com", role: STAFF) { id } }`,
		"booking (availability)":      `{ availability(input: {}) { slots { id } } }`,
		"booking (cancelAppointment)": `mutation { cancelAppointment(id: "appt_x") { id } }`,
		"agent (updateAgent)":         `mutation { updateAgent(input: {name: "X"}) { id } }`,
		"pms connection (syncPMS)":    `mutation { syncPMS { id } }`,
		"privacy rules (actionItems)": `{ actionItems { totalCount } }`,
	}
	for _, viewer := range []struct {
		name string
		u    *graphtest.User
		code string
	}{{"several practices, none chosen", ann, "INVALID"}, {"member of none", nobody, "FORBIDDEN"}} {
		t.Run(viewer.name, func(t *testing.T) {
			message := ""
			for name, op := range ops {
				r := env.Do(t, viewer.u, op, nil)
				if r.Code() != viewer.code || len(r.Errors) == 0 {
					t.Errorf("%s: %+v, want %s", name, r.Errors, viewer.code)
					continue
				}
				if message == "" {
					message = r.Errors[0].Message
				}
				if r.Errors[0].Message != message {
					t.Errorf("%s says %q; another path says %q", name, r.Errors[0].Message, message)
				}
			}
		})
	}
}

// The API reads dates and parts of the day with the parsers the phone agent
// uses (calendar.ParseDate, scheduling.ParseTimeOfDay; the webhook's side is
// TestDatesAndTimesOfDayReadAsTheAPIReadsThem). The API used to take any
// text that began with a date ("2026-12-08T09:00", "2026-12-08junk") as
// that date.
func TestAvailabilityDatesReadAsThePhoneReadsThem(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	mustCreate(t, env, ann, "A Dental")
	for _, tt := range []struct {
		from, msg string
	}{
		{"2026-12-08T09:00", "from must be a date like 2026-12-01"},
		{"2026-12-08junk", "from must be a date like 2026-12-01"},
		{"12/08/2026", "from must be a date like 2026-12-01"},
	} {
		r := env.Do(t, ann, `query($from: String) { availability(input: {from: $from}) { slots { id } } }`, map[string]any{"from": tt.from})
		if r.Code() != "INVALID" || r.Errors[0].Message != tt.msg {
			t.Errorf("from %q: %+v", tt.from, r.Errors)
		}
	}
	// A good date gets past parsing (to the practice, which has no hours yet).
	r := env.Do(t, ann, `{ availability(input: {from: "2026-12-08", timeOfDay: MORNING}) { slots { id } } }`, nil)
	if len(r.Errors) == 0 || strings.Contains(r.Errors[0].Message, "must be a date") {
		t.Errorf("a good date: %+v", r.Errors)
	}
}
