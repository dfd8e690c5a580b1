package agentsetup_test

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/frontdesk/frontdesk/ent/agent"
	"github.com/frontdesk/frontdesk/internal/agentsetup"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

func TestVapiAgentIsCreatedOnFirstRead(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	long := "The Very Long Named Family and Cosmetic Dentistry Group of Springfield"
	pid := e.practice(t, long)
	ctx := tenant.System(context.Background(), pid)
	a, err := e.svc.Agent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "The Very Long Named Family and Cosmetic" || !a.Enabled || a.VoiceID == "" || a.PracticeID != pid {
		t.Errorf("agent %+v", a)
	}
	again, err := e.svc.Agent(ctx)
	if err != nil || again.ID != a.ID {
		t.Fatalf("second read %v, %v: want the same agent", again, err)
	}
	if n := e.db.Client(e.admin).Agent.Query().Where(agent.PracticeID(pid)).CountX(e.admin); n != 1 {
		t.Errorf("%d agents", n)
	}
	if _, err := e.svc.Agent(context.Background()); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("no viewer: %v", err)
	}
}

// Concurrent first reads (two dashboard tabs) make one agent between them.
func TestVapiConcurrentFirstReadsMakeOneAgent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		pid := e.practice(t, "Second Practice")
		ctx := tenant.System(context.Background(), pid)
		ids := make([]string, 4)
		var g errgroup.Group
		for i := range ids {
			g.Go(func() error {
				a, err := e.svc.Agent(ctx)
				if err == nil {
					ids[i] = a.ID
				}
				return err
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("agents %v: want one", ids)
			}
		}
	})
}

func TestVapiUpdateValidatesSettings(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	s := func(v string) *string { return &v }
	for _, tc := range []struct {
		name string
		in   agentsetup.Settings
		want string // "" for success; else part of the INVALID message
	}{
		{"name", agentsetup.Settings{Name: s("  Front Desk  ")}, ""},
		{"name too long", agentsetup.Settings{Name: s(strings.Repeat("x", 41))}, "name"},
		{"empty name", agentsetup.Settings{Name: s("  ")}, "name"},
		{"transfer number normalised", agentsetup.Settings{TransferNumber: s("(555) 010-0123")}, ""},
		{"transfer number cleared", agentsetup.Settings{TransferNumber: s("")}, ""},
		{"bad transfer number", agentsetup.Settings{TransferNumber: s("call Bob")}, "E.164"},
		{"empty voice", agentsetup.Settings{VoiceID: s(" ")}, "voice id"},
		{"empty voice provider", agentsetup.Settings{VoiceProvider: s("")}, "voice provider"},
		{"greeting too long", agentsetup.Settings{Greeting: s(strings.Repeat("hi ", 400))}, "greeting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Update(e.ctx, tc.in)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Update: %v", err)
			case tc.want != "" && (apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), tc.want)):
				t.Fatalf("Update = %v, want INVALID about %q", err, tc.want)
			}
		})
	}
	a := e.agent(t)
	if a.Name != "Front Desk" || a.TransferNumber != "" {
		t.Errorf("agent name %q, transfer %q", a.Name, a.TransferNumber)
	}
	if _, err := e.svc.Update(e.ctx, agentsetup.Settings{TransferNumber: s("555.010.0123")}); err != nil {
		t.Fatal(err)
	}
	if a := e.agent(t); a.TransferNumber != "+15550100123" {
		t.Errorf("transfer number %q, want E.164", a.TransferNumber)
	}
}

func TestVapiOnlyOwnersChangeOrProvisionTheAgent(t *testing.T) {
	e := newEnv(t, dbtest.Open(t))
	staff := tenant.NewContext(context.Background(), &tenant.Viewer{
		Subject: "staff-1", PracticeID: e.pid, Memberships: []tenant.Membership{{PracticeID: e.pid, Role: tenant.Staff}},
	})
	name := "Mine now"
	if _, err := e.svc.Update(staff, agentsetup.Settings{Name: &name}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("staff Update: %v", err)
	}
	if _, err := e.svc.Provision(staff); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("staff Provision: %v", err)
	}
	if _, err := e.svc.Agent(staff); err != nil {
		t.Errorf("staff may read the agent: %v", err)
	}
	owner := tenant.NewContext(context.Background(), &tenant.Viewer{
		Subject: "owner-1", PracticeID: e.pid, Memberships: []tenant.Membership{{PracticeID: e.pid, Role: tenant.Owner}},
	})
	if _, err := e.svc.Update(owner, agentsetup.Settings{Name: &name}); err != nil {
		t.Errorf("owner Update: %v", err)
	}
}
