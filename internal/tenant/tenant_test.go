package tenant_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/actionitem"
	"github.com/frontdesk/frontdesk/ent/invitation"
	"github.com/frontdesk/frontdesk/ent/member"
	"github.com/frontdesk/frontdesk/ent/migrate"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/ent/syncrun"
	"github.com/frontdesk/frontdesk/ent/toolinvocation"
	"github.com/frontdesk/frontdesk/ent/writeback"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/ids"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// entityCase exercises one tenant entity: make a row in a practice, and try
// every kind of access to it by id.
type entityCase struct {
	create  func(ctx context.Context, c *ent.Client, practiceID string) (id string, err error)
	count   func(ctx context.Context, c *ent.Client) (int, error)
	get     func(ctx context.Context, c *ent.Client, id string) error
	update  func(ctx context.Context, c *ent.Client, id string) error
	updateQ func(ctx context.Context, c *ent.Client) (int, error) // bulk update of every row it can see
	delete  func(ctx context.Context, c *ent.Client, id string) error
	deleteQ func(ctx context.Context, c *ent.Client) (int, error)
}

// tenantEntities must name every table with a practice_id column; the test
// fails when a new tenant entity has no case here.
var tenantEntities = map[string]entityCase{
	"members": {
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.Member.Create().SetPracticeID(p).SetEmail("m-" + p + "@example.com").SetRole(member.RoleSTAFF).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Member.Query().Count(ctx) },
		get:   func(ctx context.Context, c *ent.Client, id string) error { _, err := c.Member.Get(ctx, id); return err },
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Member.UpdateOneID(id).SetRole(member.RoleOWNER).Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Member.Update().SetRole(member.RoleOWNER).Save(ctx)
		},
		delete:  func(ctx context.Context, c *ent.Client, id string) error { return c.Member.DeleteOneID(id).Exec(ctx) },
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Member.Delete().Exec(ctx) },
	},
}

func init() {
	tenantEntities["invitations"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			inv, err := c.Invitation.Create().SetPracticeID(p).SetEmail("i-" + p + "@example.com").SetRole(invitation.RoleSTAFF).
				SetExpiresAt(time.Now().Add(time.Hour)).Save(ctx)
			if err != nil {
				return "", err
			}
			return inv.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Invitation.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.Invitation.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Invitation.UpdateOneID(id).SetRole(invitation.RoleOWNER).Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Invitation.Update().SetRole(invitation.RoleOWNER).Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Invitation.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Invitation.Delete().Exec(ctx) },
	}
	tenantEntities["pms_connections"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.PMSConnection.Create().SetPracticeID(p).SetProvider(pmsconnection.ProviderSANDBOX).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.PMSConnection.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.PMSConnection.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.PMSConnection.UpdateOneID(id).SetLastError("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.PMSConnection.Update().SetLastError("x").Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.PMSConnection.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.PMSConnection.Delete().Exec(ctx) },
	}
	tenantEntities["sync_runs"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.SyncRun.Create().SetPracticeID(p).SetKind(syncrun.KindFULL).SetStartedAt(time.Now()).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.SyncRun.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.SyncRun.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.SyncRun.UpdateOneID(id).SetError("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.SyncRun.Update().SetError("x").Save(ctx)
		},
		delete:  func(ctx context.Context, c *ent.Client, id string) error { return c.SyncRun.DeleteOneID(id).Exec(ctx) },
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.SyncRun.Delete().Exec(ctx) },
	}
	tenantEntities["providers"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.Provider.Create().SetPracticeID(p).SetLastName("Lee").Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Provider.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.Provider.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Provider.UpdateOneID(id).SetActive(false).Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Provider.Update().SetActive(false).Save(ctx)
		},
		delete:  func(ctx context.Context, c *ent.Client, id string) error { return c.Provider.DeleteOneID(id).Exec(ctx) },
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Provider.Delete().Exec(ctx) },
	}
	tenantEntities["operatories"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.Operatory.Create().SetPracticeID(p).SetName("Op 1").Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Operatory.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.Operatory.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Operatory.UpdateOneID(id).SetHidden(true).Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Operatory.Update().SetHidden(true).Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Operatory.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Operatory.Delete().Exec(ctx) },
	}
	tenantEntities["appointment_types"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.AppointmentType.Create().SetPracticeID(p).SetName("Exam").Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.AppointmentType.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.AppointmentType.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.AppointmentType.UpdateOneID(id).SetBookableByPhone(false).Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.AppointmentType.Update().SetBookableByPhone(false).Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.AppointmentType.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.AppointmentType.Delete().Exec(ctx) },
	}
	tenantEntities["patients"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.Patient.Create().SetPracticeID(p).SetFirstName("Ann").Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Patient.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.Patient.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Patient.UpdateOneID(id).SetStatus("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Patient.Update().SetStatus("x").Save(ctx)
		},
		delete:  func(ctx context.Context, c *ent.Client, id string) error { return c.Patient.DeleteOneID(id).Exec(ctx) },
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Patient.Delete().Exec(ctx) },
	}
	tenantEntities["appointments"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			now := time.Now()
			m, err := c.Appointment.Create().SetPracticeID(p).SetStartAt(now).SetEndAt(now.Add(time.Hour)).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Appointment.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.Appointment.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Appointment.UpdateOneID(id).SetDescription("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Appointment.Update().SetDescription("x").Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Appointment.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Appointment.Delete().Exec(ctx) },
	}
}

func init() {
	tenantEntities["action_items"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.ActionItem.Create().SetPracticeID(p).SetKind(actionitem.KindMESSAGE).SetSummary("call back").Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.ActionItem.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.ActionItem.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.ActionItem.UpdateOneID(id).SetResolution("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.ActionItem.Update().SetResolution("x").Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.ActionItem.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.ActionItem.Delete().Exec(ctx) },
	}
	tenantEntities["writebacks"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			now := time.Now()
			sys := tenant.Unscoped(ctx)
			a, err := c.Appointment.Create().SetPracticeID(p).SetStartAt(now).SetEndAt(now.Add(time.Hour)).Save(sys)
			if err != nil {
				return "", err
			}
			m, err := c.Writeback.Create().SetPracticeID(p).SetAppointmentID(a.ID).SetKind(writeback.KindCREATE_APPOINTMENT).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Writeback.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.Writeback.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Writeback.UpdateOneID(id).SetLastError("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Writeback.Update().SetLastError("x").Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Writeback.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Writeback.Delete().Exec(ctx) },
	}
}

func init() {
	tenantEntities["calls"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.Call.Create().SetPracticeID(p).SetVapiCallID(ids.New("vapi")).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Call.Query().Count(ctx) },
		get:   func(ctx context.Context, c *ent.Client, id string) error { _, err := c.Call.Get(ctx, id); return err },
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Call.UpdateOneID(id).SetSummary("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Call.Update().SetSummary("x").Save(ctx)
		},
		delete:  func(ctx context.Context, c *ent.Client, id string) error { return c.Call.DeleteOneID(id).Exec(ctx) },
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Call.Delete().Exec(ctx) },
	}
	tenantEntities["tool_invocations"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			call, err := c.Call.Create().SetPracticeID(p).SetVapiCallID(ids.New("vapi")).Save(tenant.Unscoped(ctx))
			if err != nil {
				return "", err
			}
			m, err := c.ToolInvocation.Create().SetPracticeID(p).SetCallID(call.ID).SetToolCallID(ids.New("tc")).
				SetTool("check-availability").SetOutcome(toolinvocation.OutcomeOK).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.ToolInvocation.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.ToolInvocation.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.ToolInvocation.UpdateOneID(id).SetLatencyMs(1).Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.ToolInvocation.Update().SetLatencyMs(1).Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.ToolInvocation.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.ToolInvocation.Delete().Exec(ctx) },
	}
	tenantEntities["agents"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.Agent.Create().SetPracticeID(p).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.Agent.Query().Count(ctx) },
		get:   func(ctx context.Context, c *ent.Client, id string) error { _, err := c.Agent.Get(ctx, id); return err },
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.Agent.UpdateOneID(id).SetGreeting("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.Agent.Update().SetGreeting("x").Save(ctx)
		},
		delete:  func(ctx context.Context, c *ent.Client, id string) error { return c.Agent.DeleteOneID(id).Exec(ctx) },
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.Agent.Delete().Exec(ctx) },
	}
	numbers := 0
	tenantEntities["phone_numbers"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			numbers++
			m, err := c.PhoneNumber.Create().SetPracticeID(p).SetNumber(fmt.Sprintf("+1555010%04d", numbers)).Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.PhoneNumber.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.PhoneNumber.Get(ctx, id)
			return err
		},
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.PhoneNumber.UpdateOneID(id).SetTwilioSid("x").Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.PhoneNumber.Update().SetTwilioSid("x").Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.PhoneNumber.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.PhoneNumber.Delete().Exec(ctx) },
	}
}

func init() {
	tenantEntities["sandbox_entries"] = entityCase{
		create: func(ctx context.Context, c *ent.Client, p string) (string, error) {
			m, err := c.SandboxEntry.Create().SetPracticeID(p).SetSeq(1).SetKind("anchor").SetData("{}").Save(ctx)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		},
		count: func(ctx context.Context, c *ent.Client) (int, error) { return c.SandboxEntry.Query().Count(ctx) },
		get: func(ctx context.Context, c *ent.Client, id string) error {
			_, err := c.SandboxEntry.Get(ctx, id)
			return err
		},
		// An entry's fields are immutable; updated_at is what an update sets.
		update: func(ctx context.Context, c *ent.Client, id string) error {
			return c.SandboxEntry.UpdateOneID(id).SetUpdatedAt(time.Now()).Exec(ctx)
		},
		updateQ: func(ctx context.Context, c *ent.Client) (int, error) {
			return c.SandboxEntry.Update().SetUpdatedAt(time.Now()).Save(ctx)
		},
		delete: func(ctx context.Context, c *ent.Client, id string) error {
			return c.SandboxEntry.DeleteOneID(id).Exec(ctx)
		},
		deleteQ: func(ctx context.Context, c *ent.Client) (int, error) { return c.SandboxEntry.Delete().Exec(ctx) },
	}
}

func TestEveryTenantEntityIsCovered(t *testing.T) {
	for _, table := range migrate.Tables {
		for _, col := range table.Columns {
			if col.Name == "practice_id" {
				if _, ok := tenantEntities[table.Name]; !ok {
					t.Errorf("table %s has a practice_id but no case in tenantEntities", table.Name)
				}
			}
		}
	}
}

// TestPracticeBCannotTouchPracticeA: an owner of practice B, acting on B,
// can neither read nor change any row of practice A, whatever they try.
func TestPracticeBCannotTouchPracticeA(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		sys := tenant.Unscoped(context.Background())
		c := db.Client(sys)
		a := c.Practice.Create().SetName("A").SetTimeZone("UTC").SaveX(sys)
		b := c.Practice.Create().SetName("B").SetTimeZone("UTC").SaveX(sys)
		ownerOfB := tenant.NewContext(context.Background(), &tenant.Viewer{
			Subject: "b-owner", PracticeID: b.ID,
			Memberships: []tenant.Membership{{PracticeID: b.ID, Role: tenant.Owner}},
		})
		for name, ec := range tenantEntities {
			t.Run(name, func(t *testing.T) {
				// A pair of practices of its own, so entities that make rows of
				// others (a writeback its appointment) do not disturb counts.
				a := c.Practice.Create().SetName("A").SetTimeZone("UTC").SaveX(sys)
				b := c.Practice.Create().SetName("B").SetTimeZone("UTC").SaveX(sys)
				ownerOfB := tenant.NewContext(context.Background(), &tenant.Viewer{
					Subject: "b-owner", PracticeID: b.ID,
					Memberships: []tenant.Membership{{PracticeID: b.ID, Role: tenant.Owner}},
				})
				idA, err := ec.create(sys, c, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := ec.create(sys, c, b.ID); err != nil {
					t.Fatal(err)
				}
				before, _ := ec.count(sys, c)

				if n, err := ec.count(ownerOfB, c); err != nil || n != 1 {
					t.Errorf("B counts %d rows (%v), want only its own 1", n, err)
				}
				if err := ec.get(ownerOfB, c, idA); !ent.IsNotFound(err) {
					t.Errorf("B reads A's row: %v", err)
				}
				if err := ec.update(ownerOfB, c, idA); !ent.IsNotFound(err) {
					t.Errorf("B updates A's row: %v", err)
				}
				if err := ec.delete(ownerOfB, c, idA); !ent.IsNotFound(err) {
					t.Errorf("B deletes A's row: %v", err)
				}
				if n, err := ec.updateQ(ownerOfB, c); err != nil || n != 1 {
					t.Errorf("B's bulk update touched %d rows (%v), want its own 1", n, err)
				}
				if _, err := ec.create(ownerOfB, c, a.ID); apperr.CodeOf(err) != apperr.Forbidden {
					t.Errorf("B creates a row in A: %v", err)
				}
				if n, err := ec.deleteQ(ownerOfB, c); err != nil || n != 1 {
					t.Errorf("B's bulk delete touched %d rows (%v), want its own 1", n, err)
				}
				if after, _ := ec.count(sys, c); after != before-1 {
					t.Errorf("rows %d → %d: B's bulk delete reached beyond B", before, after)
				}
				if err := ec.get(sys, c, idA); err != nil {
					t.Errorf("A's row is gone: %v", err)
				}
			})
		}
		// Practice rows themselves.
		if _, err := c.Practice.Get(ownerOfB, a.ID); !ent.IsNotFound(err) {
			t.Errorf("B reads practice A: %v", err)
		}
		if err := c.Practice.UpdateOneID(a.ID).SetName("taken").Exec(ownerOfB); !ent.IsNotFound(err) {
			t.Errorf("B renames practice A: %v", err)
		}
		if err := c.Practice.DeleteOneID(b.ID).Exec(ownerOfB); err == nil {
			t.Error("an owner deleted their practice through ent")
		}
	})
}

func TestNoViewerNoAccess(t *testing.T) {
	db := dbtest.Open(t)
	_, err := db.Client(context.Background()).Member.Query().All(context.Background())
	if apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("query without a viewer: %v", err)
	}
	_, err = db.Client(context.Background()).Practice.Query().All(context.Background())
	if apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("practice query without a viewer: %v", err)
	}
}

func TestSystemViewerIsConfinedToItsPractice(t *testing.T) {
	db := dbtest.Open(t)
	sys := tenant.Unscoped(context.Background())
	c := db.Client(sys)
	a := c.Practice.Create().SetName("A").SetTimeZone("UTC").SaveX(sys)
	b := c.Practice.Create().SetName("B").SetTimeZone("UTC").SaveX(sys)
	c.Member.Create().SetPracticeID(a.ID).SetEmail("a@x.y").SetRole(member.RoleOWNER).SaveX(sys)
	job := tenant.System(context.Background(), b.ID)
	if n := c.Member.Query().CountX(job); n != 0 {
		t.Fatalf("a job of B sees %d of A's members", n)
	}
	if _, err := c.Practice.Get(job, a.ID); !ent.IsNotFound(err) {
		t.Fatalf("a job of B reads practice A: %v", err)
	}
	if _, err := c.Member.Create().SetPracticeID(a.ID).SetEmail("x@x.y").SetRole(member.RoleSTAFF).Save(job); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("a job of B writes into A: %v", err)
	}
}
