package graph_test

import (
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
		"privacy rules (members)":       `{ members { email } }`,
		"practice (updatePractice)":     `mutation { updatePractice(input: {name: "X"}) { id } }`,
		"practice (inviteMember)":       `mutation { inviteMember(email: "x@example.com", role: STAFF) { id } }`,
		"booking (availability)":        `{ availability(input: {}) { slots { id } } }`,
		"booking (cancelAppointment)":   `mutation { cancelAppointment(id: "appt_x") { id } }`,
		"agent (updateAgent)":           `mutation { updateAgent(input: {name: "X"}) { id } }`,
		"pms connection (syncPMS)":      `mutation { syncPMS { id } }`,
		"action items (resolve, reads)": `{ actionItems { totalCount } }`,
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
