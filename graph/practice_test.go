package graph_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/auth/authtest"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
)

func user(sub, email string) *graphtest.User {
	return &graphtest.User{User: authtest.User{Subject: sub, Email: email}}
}

func in(u *graphtest.User, practiceID string) *graphtest.User {
	c := *u
	c.Practice = practiceID
	return &c
}

const createPractice = `mutation($name: String!, $tz: String!) {
  createPractice(input: {name: $name, timeZone: $tz}) { id name timeZone }
}`

func mustCreate(t *testing.T, env *graphtest.Env, u *graphtest.User, name string) string {
	t.Helper()
	var out struct {
		CreatePractice struct{ ID string }
	}
	env.MustDo(t, u, createPractice, map[string]any{"name": name, "tz": "America/New_York"}, &out)
	return out.CreatePractice.ID
}

func TestCreatePracticeAndReadItBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		ann := user("ann", "ann@example.com")
		id := mustCreate(t, env, ann, "Bright Smile Dental")
		if !strings.HasPrefix(id, "prac_") {
			t.Fatalf("id %q", id)
		}
		var out struct {
			Viewer struct {
				Subject     string
				Email       string
				IsAdmin     bool
				Memberships []struct {
					Role     string
					Practice struct{ ID, Name string }
				}
				Practice struct{ ID string }
			}
			Practice  struct{ Name, TimeZone string }
			Members   []struct{ Email, Role string }
			Practices struct{ TotalCount int }
		}
		env.MustDo(t, ann, `{
			viewer { subject email isAdmin memberships { role practice { id name } } practice { id } }
			practice { name timeZone }
			members { email role }
			practices(first: 10) { totalCount }
		}`, nil, &out)
		v := out.Viewer
		if v.Subject != "ann" || v.Email != "ann@example.com" || v.IsAdmin || len(v.Memberships) != 1 ||
			v.Memberships[0].Role != "OWNER" || v.Memberships[0].Practice.ID != id || v.Practice.ID != id {
			t.Fatalf("viewer = %+v", v)
		}
		if out.Practice.Name != "Bright Smile Dental" || out.Practice.TimeZone != "America/New_York" {
			t.Fatalf("practice = %+v", out.Practice)
		}
		if len(out.Members) != 1 || out.Members[0].Role != "OWNER" || out.Practices.TotalCount != 1 {
			t.Fatalf("members = %+v, practices = %d", out.Members, out.Practices.TotalCount)
		}
		// The node query finds it by its id too.
		var node struct {
			Node struct{ ID, Name string }
		}
		env.MustDo(t, ann, `query($id: ID!) { node(id: $id) { id ... on Practice { name } } }`, map[string]any{"id": id}, &node)
		if node.Node.Name != "Bright Smile Dental" {
			t.Fatalf("node = %+v", node)
		}
	})
}

func TestAccessTokensSignIn(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	u := &graphtest.User{User: authtest.User{Subject: "bob"}, Access: true}
	id := mustCreate(t, env, u, "Access Dental")
	var out struct{ Practice struct{ ID string } }
	env.MustDo(t, u, `{ practice { id } }`, nil, &out)
	if out.Practice.ID != id {
		t.Fatalf("practice = %+v", out)
	}
}

func TestSignInErrors(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	r := env.Do(t, nil, `{ viewer { subject } }`, nil)
	if r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("no token: %d %s", r.Status, r.Code())
	}
	other := authtest.New(t)
	req := func(token string) int {
		res, err := http.DefaultClient.Do(mustRequest(t, env.GraphQLURL, token))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := req(other.IDToken(authtest.User{Subject: "x"}, nil)); got != http.StatusUnauthorized {
		t.Fatalf("foreign issuer: %d", got)
	}
	if got := req(env.Issuer.IDToken(authtest.User{Subject: "x"}, map[string]any{"token_use": "access"})); got != http.StatusUnauthorized {
		t.Fatalf("ID token claiming access use: %d", got)
	}
}

func mustRequest(t *testing.T, url, token string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query":"{ viewer { subject } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func TestChoosingAPractice(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	a := mustCreate(t, env, ann, "A Dental")
	b := mustCreate(t, env, ann, "B Dental")

	r := env.Do(t, ann, `{ members { email } }`, nil)
	if r.Code() != "INVALID" || !strings.Contains(r.Errors[0].Message, "X-Practice-ID") {
		t.Fatalf("two practices, none chosen: %+v", r.Errors)
	}
	var out struct{ Practice struct{ ID string } }
	env.MustDo(t, in(ann, b), `{ practice { id } }`, nil, &out)
	if out.Practice.ID != b {
		t.Fatalf("chose %s, acting on %s", b, out.Practice.ID)
	}
	var v struct {
		Viewer struct{ Memberships []struct{ Role string } }
	}
	env.MustDo(t, in(ann, a), `{ viewer { memberships { role } } }`, nil, &v)
	if len(v.Viewer.Memberships) != 2 {
		t.Fatalf("memberships = %+v", v)
	}
	stranger := user("carl", "carl@example.com")
	r = env.Do(t, in(stranger, a), `{ practice { id } }`, nil)
	if r.Status != http.StatusForbidden || r.Code() != "FORBIDDEN" {
		t.Fatalf("stranger choosing A: %d %+v", r.Status, r.Errors)
	}
	r = env.Do(t, stranger, `{ members { email } }`, nil)
	if r.Code() != "FORBIDDEN" {
		t.Fatalf("member of nothing: %+v", r.Errors)
	}
}

func TestInviteJoinAndRemove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		owner := user("owner", "owner@example.com")
		id := mustCreate(t, env, owner, "Invite Dental")

		var inv struct {
			InviteMember struct{ ID, Email, Role, PracticeName string }
		}
		env.MustDo(t, owner, `mutation { inviteMember(email: "Staff@Example.com", role: STAFF) { id email role practiceName } }`, nil, &inv)
		if inv.InviteMember.Email != "staff@example.com" || inv.InviteMember.PracticeName != "Invite Dental" {
			t.Fatalf("invite = %+v", inv)
		}
		if r := env.Do(t, owner, `mutation { inviteMember(email: "staff@example.com", role: OWNER) { id } }`, nil); r.Code() != "CONFLICT" {
			t.Fatalf("second invite: %+v", r.Errors)
		}
		if r := env.Do(t, owner, `mutation { inviteMember(email: "not an email", role: STAFF) { id } }`, nil); r.Code() != "INVALID" {
			t.Fatalf("bad email: %+v", r.Errors)
		}

		// The invitee signs in with that email and accepts.
		staff := user("staff-sub", "staff@example.com")
		accept(t, env, staff, inv.InviteMember.ID)
		var v struct {
			Viewer struct {
				Memberships []struct {
					Role     string
					Practice struct{ ID string }
				}
			}
		}
		env.MustDo(t, staff, `{ viewer { memberships { role practice { id } } } }`, nil, &v)
		if len(v.Viewer.Memberships) != 1 || v.Viewer.Memberships[0].Role != "STAFF" || v.Viewer.Memberships[0].Practice.ID != id {
			t.Fatalf("invitee memberships = %+v", v)
		}
		// Staff may read but not manage members.
		var ms struct{ Members []struct{ Email string } }
		env.MustDo(t, staff, `{ members { email } }`, nil, &ms)
		if len(ms.Members) != 2 {
			t.Fatalf("members = %+v", ms)
		}
		if r := env.Do(t, staff, `mutation { inviteMember(email: "x@example.com", role: OWNER) { id } }`, nil); r.Code() != "FORBIDDEN" {
			t.Fatalf("staff inviting an owner: %+v", r.Errors)
		}
		if r := env.Do(t, staff, `mutation { updatePractice(input: {name: "Mine now"}) { id } }`, nil); r.Code() != "FORBIDDEN" {
			t.Fatalf("staff renaming the practice: %+v", r.Errors)
		}

		// Removing: the last owner stays; staff can be removed.
		var me struct {
			Members []struct{ ID, Email, Role string }
		}
		env.MustDo(t, owner, `{ members { id email role } }`, nil, &me)
		for _, m := range me.Members {
			r := env.Do(t, owner, `mutation($id: ID!) { removeMember(id: $id) }`, map[string]any{"id": m.ID})
			switch m.Email {
			case "owner@example.com":
				if r.Code() != "CONFLICT" {
					t.Fatalf("removing the last owner: %+v", r.Errors)
				}
			default:
				if len(r.Errors) > 0 {
					t.Fatalf("removing %s: %+v", m.Email, r.Errors)
				}
			}
		}
		if r := env.Do(t, staff, `{ members { email } }`, nil); r.Code() != "FORBIDDEN" {
			t.Fatalf("removed staff still reads members: %+v", r.Errors)
		}
	})
}

func TestAdminsActOnEveryPractice(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	a := mustCreate(t, env, ann, "A Dental")
	admin := &graphtest.User{User: authtest.User{Subject: "root", Email: "root@frontdesk.example", Groups: []string{graphtest.AdminGroup}}}
	var out struct {
		Viewer    struct{ IsAdmin bool }
		Practices struct{ TotalCount int }
	}
	env.MustDo(t, admin, `{ viewer { isAdmin } practices(first: 5) { totalCount } }`, nil, &out)
	if !out.Viewer.IsAdmin || out.Practices.TotalCount != 1 {
		t.Fatalf("admin sees %+v", out)
	}
	var upd struct{ UpdatePractice struct{ Name string } }
	env.MustDo(t, in(admin, a), `mutation { updatePractice(input: {name: "Renamed"}) { name } }`, nil, &upd)
	if upd.UpdatePractice.Name != "Renamed" {
		t.Fatalf("admin update = %+v", upd)
	}
	if r := env.Do(t, in(admin, "prac_nope"), `{ practice { id } }`, nil); r.Status != http.StatusNotFound {
		t.Fatalf("admin choosing a missing practice: %d", r.Status)
	}
}

func TestErrorsCarryCodes(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	cases := []struct {
		name, query, code string
	}{
		{"bad time zone", `mutation { createPractice(input: {name: "X", timeZone: "Mars/Olympus"}) { id } }`, "INVALID"},
		{"empty name", `mutation { createPractice(input: {name: "", timeZone: "UTC"}) { id } }`, "INVALID"},
		{"bad front desk number", `mutation { createPractice(input: {name: "X", timeZone: "UTC", frontDeskNumber: "555-0100"}) { id } }`, "INVALID"},
		{"unknown field", `{ nope }`, "GRAPHQL_VALIDATION_FAILED"},
		{"syntax", `{ viewer { `, "GRAPHQL_PARSE_FAILED"},
		{"unknown node", `{ node(id: "prac_unknown") { id } }`, "NOT_FOUND"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := env.Do(t, ann, c.query, nil)
			if r.Code() != c.code {
				t.Fatalf("code = %q (%+v), want %s", r.Code(), r.Errors, c.code)
			}
		})
	}
}

func TestAMutationIsOneTransaction(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	r := env.Do(t, ann, `mutation {
		a: createPractice(input: {name: "Kept?", timeZone: "UTC"}) { id }
		b: createPractice(input: {name: "Bad", timeZone: "Nowhere/Land"}) { id }
	}`, nil)
	if r.Code() != "INVALID" {
		t.Fatalf("errors = %+v", r.Errors)
	}
	var out struct{ Practices struct{ TotalCount int } }
	env.MustDo(t, ann, `{ practices(first: 5) { totalCount } }`, nil, &out)
	if out.Practices.TotalCount != 0 {
		t.Fatalf("%d practices survived a failed mutation", out.Practices.TotalCount)
	}
}

func TestComplexityLimit(t *testing.T) {
	env := graphtest.New(t, dbtest.Open(t))
	ann := user("ann", "ann@example.com")
	q := strings.Repeat(`x%d: practices(first: 100) { edges { node { id name timeZone createdAt } } } `, 1)
	var b strings.Builder
	b.WriteString("{")
	for i := range 30 {
		b.WriteString(strings.ReplaceAll(q, "%d", string(rune('a'+i%26))+string(rune('a'+i/26))))
	}
	b.WriteString("}")
	r := env.Do(t, ann, b.String(), nil)
	if r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("errors = %+v", r.Errors)
	}
}

// An invitation from a stranger's practice changes nothing for the invitee
// until they accept it.
func TestInvitationsAreNotImposed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		env := graphtest.New(t, db)
		dev := user("dev", "dev@frontdesk.local")
		mine := mustCreate(t, env, dev, "Bright Smile Dental")
		stranger := user("stranger", "stranger@example.com")
		mustCreate(t, env, stranger, "Stranger Dental")
		env.MustDo(t, stranger, `mutation { inviteMember(email: "dev@frontdesk.local", role: OWNER) { id } }`, nil, nil)

		var out struct {
			Practice struct{ ID string }
			Viewer   struct{ Memberships []struct{ Role string } }
		}
		env.MustDo(t, dev, `{ practice { id } viewer { memberships { role } } }`, nil, &out)
		if out.Practice.ID != mine || len(out.Viewer.Memberships) != 1 {
			t.Fatalf("after a stranger's invitation: %+v", out)
		}
	})
}
