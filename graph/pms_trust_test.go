package graph_test

import (
	"context"
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

// Sikka's own example statuses name no cancellation, so phone cancellations
// failed: the practice chooses the status in PMS setup.
func TestCancelStatusThroughTheAPI(t *testing.T) {
	env, owner, id := sikkaOffice(t, "secret", sikkatest.SeedOptions{Patients: 3, Appointments: 3, Statuses: sikkatest.DocumentedStatuses})
	env.MustDo(t, owner, `mutation { connectSikka(officeId: "D1", secretKey: "secret") { status } }`, nil, nil)
	s := env.App.Syncer
	if _, err := s.Sync(context.Background(), id, true); err != nil {
		t.Fatal(err)
	}

	type conn struct {
		CancelStatus       *string
		CancelStatusChosen bool
		Statuses           []string
	}
	var got struct{ PmsConnection conn }
	env.MustDo(t, owner, `{ pmsConnection { cancelStatus cancelStatusChosen statuses } }`, nil, &got)
	if got.PmsConnection.CancelStatus != nil || got.PmsConnection.CancelStatusChosen || !slices.Equal(got.PmsConnection.Statuses, sikkatest.DocumentedStatuses) {
		t.Fatalf("before choosing: %+v", got.PmsConnection)
	}

	const set = `mutation($s: String) { setPMSCancelStatus(input: {status: $s}) { cancelStatus cancelStatusChosen } }`
	if r := env.Do(t, owner, set, map[string]any{"s": "Cancelled"}); r.Code() != "INVALID" {
		t.Fatalf("a status the PMS does not have: %+v", r.Errors)
	}
	var chosen struct{ SetPMSCancelStatus conn }
	env.MustDo(t, owner, set, map[string]any{"s": "complete.unconfirm"}, &chosen)
	if c := chosen.SetPMSCancelStatus; c.CancelStatus == nil || *c.CancelStatus != "complete.unconfirm" || !c.CancelStatusChosen {
		t.Fatalf("after choosing: %+v", c)
	}
	env.MustDo(t, owner, set, map[string]any{"s": nil}, &chosen)
	if c := chosen.SetPMSCancelStatus; c.CancelStatus != nil || c.CancelStatusChosen {
		t.Fatalf("back to the best match: %+v", c)
	}

	var pats struct {
		Patients struct {
			Edges []struct{ Node struct{ Active bool } }
		}
	}
	env.MustDo(t, owner, `{ patients(first: 3) { edges { node { active } } } }`, nil, &pats)
	if len(pats.Patients.Edges) != 3 || !pats.Patients.Edges[0].Node.Active {
		t.Fatalf("patients %+v", pats)
	}
}
