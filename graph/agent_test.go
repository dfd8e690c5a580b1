package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/receptionist"
	"github.com/frontdesk/frontdesk/internal/vapi"
	"github.com/frontdesk/frontdesk/internal/vapi/vapitest"
)

func TestAgentSetupThroughTheAPI(t *testing.T) {
	fake := vapitest.NewServer()
	defer fake.Close()
	env := graphtest.New(t, dbtest.Open(t), graphtest.WithVapi(vapi.NewClient(vapi.ClientConfig{BaseURL: fake.URL, APIKey: fake.APIKey})))
	owner := user("owner", "owner@example.com")
	mustCreate(t, env, owner, "Agent Dental")

	var a struct {
		Agent struct {
			Name           string
			Enabled        bool
			TransferNumber string
		}
	}
	env.MustDo(t, owner, `{ agent { name enabled transferNumber } }`, nil, &a)
	if !a.Agent.Enabled || a.Agent.Name == "" {
		t.Fatalf("agent = %+v", a)
	}
	var upd struct {
		UpdateAgent struct{ Greeting, TransferNumber string }
	}
	env.MustDo(t, owner, `mutation { updateAgent(input: {greeting: "Hi, Agent Dental!", transferNumber: "(555) 010-0177"}) { greeting transferNumber } }`, nil, &upd)
	if upd.UpdateAgent.TransferNumber != "+15550100177" {
		t.Fatalf("update = %+v", upd)
	}
	if r := env.Do(t, owner, `mutation { updateAgent(input: {name: "A name much too long for Vapi to accept at all"}) { name } }`, nil); r.Code() != "INVALID" {
		t.Fatalf("long name: %+v", r.Errors)
	}

	var num struct {
		AddPhoneNumber struct{ ID, Number, Routing string }
	}
	env.MustDo(t, owner, `mutation { addPhoneNumber(number: "555-010-0100") { id number routing } }`, nil, &num)
	if num.AddPhoneNumber.Number != "+15550100100" || num.AddPhoneNumber.Routing != "AGENT" {
		t.Fatalf("number = %+v", num)
	}
	other := user("other", "other@example.com")
	mustCreate(t, env, other, "Other Dental")
	if r := env.Do(t, other, `mutation { addPhoneNumber(number: "+15550100100") { id } }`, nil); r.Code() != "CONFLICT" {
		t.Fatalf("the same number in two practices: %+v", r.Errors)
	}

	var prov struct {
		ProvisionAgent struct{ Created, Updated, Unchanged, Skipped []string }
	}
	env.MustDo(t, owner, `mutation { provisionAgent { created updated unchanged skipped } }`, nil, &prov)
	if len(prov.ProvisionAgent.Created) < 9 { // credential, 7 tools, assistant
		t.Fatalf("first provisioning = %+v", prov)
	}
	env.MustDo(t, owner, `mutation { provisionAgent { created updated unchanged skipped } }`, nil, &prov)
	if len(prov.ProvisionAgent.Created)+len(prov.ProvisionAgent.Updated) != 0 {
		t.Fatalf("second provisioning changed %+v", prov)
	}

	staff := user("staff", "staff@example.com")
	accept(t, env, staff, inviteAs(t, env, owner, "staff@example.com", "STAFF"))
	if r := env.Do(t, staff, `mutation { provisionAgent { created } }`, nil); r.Code() != "FORBIDDEN" {
		t.Fatalf("staff provisioning: %+v", r.Errors)
	}
	env.MustDo(t, owner, `mutation($id: ID!) { setPhoneNumberRouting(id: $id, routing: FRONT_DESK) { routing } }`, map[string]any{"id": num.AddPhoneNumber.ID}, nil)
	env.MustDo(t, owner, `mutation($id: ID!) { removePhoneNumber(id: $id) }`, map[string]any{"id": num.AddPhoneNumber.ID}, nil)
	var nums struct{ PhoneNumbers []struct{ ID string } }
	env.MustDo(t, owner, `{ phoneNumbers { id } }`, nil, &nums)
	if len(nums.PhoneNumbers) != 0 {
		t.Fatalf("numbers = %+v", nums)
	}
}

// A routing id (Vapi phone number or assistant id, Twilio SID, the number
// itself) belongs to one practice: another practice cannot claim it, is not
// told whose it is, and calls on it keep reaching its owner.
func TestRoutingIDsBelongToOnePractice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		owner := user("owner", "owner@example.com")
		ownerPractice := mustCreate(t, env, owner, "Demo Dental")
		stranger := user("stranger", "stranger@example.com")
		mustCreate(t, env, stranger, "Stranger Dental")

		add := `mutation($n: String!, $vapi: String, $sid: String) { addPhoneNumber(number: $n, vapiPhoneNumberID: $vapi, twilioSid: $sid) { id } }`
		var num struct{ AddPhoneNumber struct{ ID string } }
		env.MustDo(t, owner, add, map[string]any{"n": "+15555550100", "vapi": "demo-phone-number", "sid": "PN0001"}, &num)

		for _, tt := range []struct {
			name string
			vars map[string]any
		}{
			{"vapi phone number id", map[string]any{"n": "+15555550111", "vapi": "demo-phone-number"}},
			{"vapi phone number id, spaced", map[string]any{"n": "+15555550112", "vapi": " demo-phone-number "}},
			{"twilio sid", map[string]any{"n": "+15555550113", "sid": "PN0001"}},
			{"the number", map[string]any{"n": "(555) 555-0100"}},
		} {
			r := env.Do(t, stranger, add, tt.vars)
			if r.Code() != "CONFLICT" {
				t.Fatalf("%s claimed by another practice: %+v", tt.name, r.Errors)
			}
			if msg := r.Errors[0].Message; strings.Contains(msg, ownerPractice) || strings.Contains(msg, "Demo Dental") {
				t.Fatalf("%s: the conflict names the owner: %q", tt.name, msg)
			}
		}
		// Numbers without Vapi or Twilio ids do not collide with each other.
		env.MustDo(t, stranger, add, map[string]any{"n": "+15555550121"}, nil)
		env.MustDo(t, stranger, add, map[string]any{"n": "+15555550122", "vapi": "", "sid": ""}, nil)

		// The owner removes and re-adds the line: its calls still reach it.
		env.MustDo(t, owner, `mutation($id: ID!) { removePhoneNumber(id: $id) }`, map[string]any{"id": num.AddPhoneNumber.ID}, nil)
		env.MustDo(t, owner, add, map[string]any{"n": "+15555550100", "vapi": "demo-phone-number"}, nil)
		route, err := env.App.Desk.Route(context.Background(), receptionist.Line{PhoneNumberID: "demo-phone-number"})
		if err != nil || route.PracticeID != ownerPractice {
			t.Fatalf("route = %+v, %v; want the owner's practice", route, err)
		}
	})
}
