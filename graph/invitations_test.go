package graph_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/practice"
)

const (
	invite       = `mutation($email: String!, $role: MemberRole!) { inviteMember(email: $email, role: $role) { id email role practiceName expiresAt } }`
	myInvites    = `{ viewer { invitations { id email role practiceName } } }`
	acceptMut    = `mutation($id: ID!) { acceptInvitation(input: {id: $id}) { role practice { id name } } }`
	declineMut   = `mutation($id: ID!) { declineInvitation(input: {id: $id}) }`
	revokeMut    = `mutation($id: ID!) { revokeInvitation(id: $id) }`
	practiceInvs = `{ invitations { id email role } }`
)

func inviteAs(t *testing.T, env *graphtest.Env, u *graphtest.User, email, role string) string {
	t.Helper()
	var out struct{ InviteMember struct{ ID string } }
	env.MustDo(t, u, invite, map[string]any{"email": email, "role": role}, &out)
	return out.InviteMember.ID
}

func accept(t *testing.T, env *graphtest.Env, u *graphtest.User, id string) {
	t.Helper()
	env.MustDo(t, u, acceptMut, map[string]any{"id": id}, nil)
}

type invitationList struct {
	Viewer struct {
		Invitations []struct{ ID, Email, Role, PracticeName string }
	}
}

func TestInvitationLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
		env := graphtest.New(t, db, graphtest.WithClock(clk))
		owner := user("owner", "owner@example.com")
		pid := mustCreate(t, env, owner, "Invite Dental")

		var sent struct {
			InviteMember struct {
				ID, Email, Role, PracticeName string
				ExpiresAt                     time.Time
			}
		}
		env.MustDo(t, owner, invite, map[string]any{"email": "Staff@Example.com", "role": "STAFF"}, &sent)
		if got := sent.InviteMember; got.Email != "staff@example.com" || got.Role != "STAFF" || got.PracticeName != "Invite Dental" ||
			!got.ExpiresAt.Equal(clk.Now().Add(practice.InvitationTTL)) || !strings.HasPrefix(got.ID, "inv_") {
			t.Fatalf("invitation = %+v", got)
		}
		for _, tt := range []struct{ email, role, code string }{
			{"staff@example.com", "STAFF", "CONFLICT"}, // pending already
			{"owner@example.com", "STAFF", "CONFLICT"}, // a member
			{"not an email", "STAFF", "INVALID"},
			{strings.Repeat("a", 250) + "@example.com", "STAFF", "INVALID"},
		} {
			if r := env.Do(t, owner, invite, map[string]any{"email": tt.email, "role": tt.role}); r.Code() != tt.code {
				t.Fatalf("invite %s: %+v, want %s", tt.email, r.Errors, tt.code)
			}
		}

		// Pending: the invitee is no member, sees the invitation, and others
		// cannot answer it.
		staff := user("staff-sub", "staff@example.com")
		if r := env.Do(t, staff, `{ members { id } }`, nil); r.Code() != "FORBIDDEN" {
			t.Fatalf("invitee before accepting: %+v", r.Errors)
		}
		var mine invitationList
		env.MustDo(t, staff, myInvites, nil, &mine)
		if len(mine.Viewer.Invitations) != 1 || mine.Viewer.Invitations[0].PracticeName != "Invite Dental" {
			t.Fatalf("invitee's invitations = %+v", mine)
		}
		mallory := user("mallory", "mallory@example.com")
		for _, q := range []string{acceptMut, declineMut} {
			if r := env.Do(t, mallory, q, map[string]any{"id": sent.InviteMember.ID}); r.Code() != "NOT_FOUND" {
				t.Fatalf("someone else answering: %+v", r.Errors)
			}
		}
		unverified := &graphtest.User{User: authtest.User{Subject: "staff-2", Email: "staff@example.com", EmailUnverified: true}}
		if r := env.Do(t, unverified, acceptMut, map[string]any{"id": sent.InviteMember.ID}); r.Code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "not verified") {
			t.Fatalf("an unverified email accepting: %+v", r.Errors)
		}

		// Accepted: a member, in the invitation's role; the invitation is gone.
		var acc struct {
			AcceptInvitation struct {
				Role     string
				Practice struct{ ID, Name string }
			}
		}
		env.MustDo(t, staff, acceptMut, map[string]any{"id": sent.InviteMember.ID}, &acc)
		if acc.AcceptInvitation.Role != "STAFF" || acc.AcceptInvitation.Practice.ID != pid {
			t.Fatalf("accepted = %+v", acc)
		}
		var p struct{ Practice struct{ ID string } }
		env.MustDo(t, staff, `{ practice { id } }`, nil, &p)
		if p.Practice.ID != pid {
			t.Fatalf("member acting on %q", p.Practice.ID)
		}
		if r := env.Do(t, staff, acceptMut, map[string]any{"id": sent.InviteMember.ID}); r.Code() != "NOT_FOUND" {
			t.Fatalf("accepting twice: %+v", r.Errors)
		}
		if r := env.Do(t, owner, invite, map[string]any{"email": "staff@example.com", "role": "STAFF"}); r.Code() != "CONFLICT" {
			t.Fatalf("inviting a member: %+v", r.Errors)
		}

		// Roles: staff invite staff, not owners, and revoke only what they
		// could have sent; members list the practice's invitations.
		if r := env.Do(t, staff, invite, map[string]any{"email": "boss@example.com", "role": "OWNER"}); r.Code() != "FORBIDDEN" {
			t.Fatalf("staff inviting an owner: %+v", r.Errors)
		}
		byStaff := inviteAs(t, env, staff, "helper@example.com", "STAFF")
		ownerInv := inviteAs(t, env, owner, "partner@example.com", "OWNER")
		var list struct {
			Invitations []struct{ ID, Email, Role string }
		}
		env.MustDo(t, staff, practiceInvs, nil, &list)
		if len(list.Invitations) != 2 || list.Invitations[0].ID != byStaff || list.Invitations[1].ID != ownerInv {
			t.Fatalf("practice's invitations = %+v", list)
		}
		if r := env.Do(t, staff, revokeMut, map[string]any{"id": ownerInv}); r.Code() != "FORBIDDEN" {
			t.Fatalf("staff revoking an owner invitation: %+v", r.Errors)
		}
		env.MustDo(t, staff, revokeMut, map[string]any{"id": byStaff}, nil)
		env.MustDo(t, owner, revokeMut, map[string]any{"id": ownerInv}, nil)
		partner := user("partner", "partner@example.com")
		if r := env.Do(t, partner, acceptMut, map[string]any{"id": ownerInv}); r.Code() != "NOT_FOUND" {
			t.Fatalf("accepting a revoked invitation: %+v", r.Errors)
		}
		other := user("other", "other@example.com")
		mustCreate(t, env, other, "Other Dental")
		if r := env.Do(t, other, revokeMut, map[string]any{"id": inviteAs(t, env, owner, "x@example.com", "STAFF")}); r.Code() != "NOT_FOUND" {
			t.Fatalf("another practice revoking: %+v", r.Errors)
		}

		// Declined: gone.
		decl := inviteAs(t, env, owner, "no@example.com", "STAFF")
		no := user("no", "no@example.com")
		env.MustDo(t, no, declineMut, map[string]any{"id": decl}, nil)
		if r := env.Do(t, no, acceptMut, map[string]any{"id": decl}); r.Code() != "NOT_FOUND" {
			t.Fatalf("accepting a declined invitation: %+v", r.Errors)
		}

		// Expired: void after seven days, and a new one may be sent.
		late := inviteAs(t, env, owner, "late@example.com", "STAFF")
		clk.Advance(practice.InvitationTTL)
		lateUser := user("late", "late@example.com")
		if r := env.Do(t, lateUser, acceptMut, map[string]any{"id": late}); r.Code() != "NOT_FOUND" || !strings.Contains(r.Errors[0].Message, "expired") {
			t.Fatalf("accepting an expired invitation: %+v", r.Errors)
		}
		env.MustDo(t, lateUser, myInvites, nil, &mine)
		if len(mine.Viewer.Invitations) != 0 {
			t.Fatalf("expired invitations shown: %+v", mine)
		}
		accept(t, env, lateUser, inviteAs(t, env, owner, "late@example.com", "STAFF"))
	})
}

// A Cognito access token has no email: the invitee is recognised through
// the issuer's userinfo endpoint, and told why when it fails.
func TestAccessTokenInviteeJoins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		owner := user("owner", "owner@example.com")
		pid := mustCreate(t, env, owner, "Access Dental")
		id := inviteAs(t, env, owner, "ann@example.com", "STAFF")

		failing := &graphtest.User{User: authtest.User{Subject: "ann-2", Email: "ann@example.com"}, Access: true}
		env.Issuer.FailUserInfo(http.StatusServiceUnavailable)
		if r := env.Do(t, failing, acceptMut, map[string]any{"id": id}); r.Code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "userinfo") {
			t.Fatalf("accepting while userinfo fails: %+v", r.Errors)
		}
		env.Issuer.FailUserInfo(0)

		ann := &graphtest.User{User: authtest.User{Subject: "ann"}, Access: true}
		ann.Email = "ann@example.com" // served by userinfo, not in the token
		var mine invitationList
		env.MustDo(t, ann, myInvites, nil, &mine)
		if len(mine.Viewer.Invitations) != 1 || mine.Viewer.Invitations[0].ID != id {
			t.Fatalf("access-token invitee's invitations = %+v", mine)
		}
		accept(t, env, ann, id)
		var p struct{ Practice struct{ ID string } }
		env.MustDo(t, ann, `{ practice { id } }`, nil, &p)
		if p.Practice.ID != pid {
			t.Fatalf("acting on %q", p.Practice.ID)
		}
	})
}
