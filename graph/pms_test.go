package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/graph/graphtest"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/fixture"
	"github.com/frontdesk/frontdesk/internal/pms/sandbox"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
)

// sikkaOffice is the API with a fake Sikka that holds office D1 (its
// secret key secret, its data seeded by seed), and an owner's practice,
// Sikka Dental, not yet connected.
func sikkaOffice(t *testing.T, secret string, seed sikkatest.SeedOptions) (env *graphtest.Env, owner *graphtest.User, id string) {
	t.Helper()
	fake := sikkatest.New(sikkatest.Options{})
	t.Cleanup(fake.Close)
	fake.SeedPractice("D1", secret, seed)
	client := sikka.New(sikka.Config{BaseURL: fake.URL, AppID: fake.AppID(), AppKey: fake.AppKey()})
	env = graphtest.New(t, dbtest.Open(t), graphtest.WithSikka(client))
	owner = user("owner", "owner@example.com")
	return env, owner, mustCreate(t, env, owner, "Sikka Dental")
}

func TestConnectSikkaThroughTheAPI(t *testing.T) {
	env, owner, _ := sikkaOffice(t, "right-secret", sikkatest.SeedOptions{Patients: 3, Appointments: 3})

	const connect = `mutation($o: String!, $s: String!) { connectSikka(officeId: $o, secretKey: $s) { provider status officeID lastError } }`
	r := env.Do(t, owner, connect, map[string]any{"o": "D1", "s": "wrong-secret"})
	if r.Code() != "INVALID" || !strings.Contains(r.Errors[0].Message, "API2003") {
		t.Fatalf("wrong secret: %+v", r.Errors)
	}
	if strings.Contains(r.Errors[0].Message, "wrong-secret") {
		t.Fatal("the error repeats the secret")
	}
	var none struct{ PmsConnection *struct{ Status string } }
	env.MustDo(t, owner, `{ pmsConnection { status } }`, nil, &none)
	if none.PmsConnection != nil {
		t.Fatalf("refused credentials stored a connection: %+v", none.PmsConnection)
	}
	var ok struct {
		ConnectSikka struct{ Provider, Status, OfficeID string }
	}
	env.MustDo(t, owner, connect, map[string]any{"o": "D1", "s": "right-secret"}, &ok)
	if ok.ConnectSikka.Provider != "SIKKA" || ok.ConnectSikka.Status != "CONNECTED" || ok.ConnectSikka.OfficeID != "D1" {
		t.Fatalf("connected = %+v", ok)
	}
	// The API has no way to read a key back.
	var typ struct {
		Type struct{ Fields []struct{ Name string } } `json:"__type"`
	}
	env.MustDo(t, owner, `{ __type(name: "PMSConnection") { fields { name } } }`, nil, &typ)
	for _, f := range typ.Type.Fields {
		if strings.Contains(strings.ToLower(f.Name), "key") {
			t.Errorf("PMSConnection exposes %s", f.Name)
		}
	}
	var sync struct{ SyncPms struct{ Status string } }
	env.MustDo(t, owner, `mutation { syncPMS(full: true) { status } }`, nil, &sync)
	var disc struct{ DisconnectPms struct{ Status string } }
	env.MustDo(t, owner, `mutation { disconnectPMS { status } }`, nil, &disc)
	if disc.DisconnectPms.Status != "DISCONNECTED" {
		t.Fatalf("disconnect = %+v", disc)
	}
}

// mirrored makes a practice owned by ann, connected to the sandbox and
// synced, and returns its id.
func mirrored(t *testing.T, env *graphtest.Env, ann *graphtest.User, clk clock.Clock) string {
	t.Helper()
	id := mustCreate(t, env, ann, "Mirror Dental")
	return fixture.Mirror(t, env.DB, fixture.Options{Clock: clk, Sandbox: sandbox.Config{Seed: 11}, PracticeID: id}).ID
}

func TestMirrorQueries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
		env := graphtest.New(t, db, graphtest.WithClock(clk))
		ann := user("ann", "ann@example.com")
		mirrored(t, env, ann, clk)
		demo := sandbox.DemoPatient

		var search struct {
			Patients struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID, FirstName, LastName, BirthDate string
						Appointments                       struct{ TotalCount int }
					}
				}
			}
		}
		env.MustDo(t, ann, `query($p: String!) { patients(search: {phone: $p}) { totalCount edges { node { id firstName lastName birthDate appointments { totalCount } } } } }`,
			map[string]any{"p": strings.Replace(demo.Phone, "+1", "", 1)}, &search)
		if search.Patients.TotalCount < 2 {
			t.Fatalf("phone search = %+v", search)
		}
		env.MustDo(t, ann, `query($n: String!, $b: String!) { patients(search: {name: $n, birthDate: $b}) { totalCount edges { node { id firstName lastName birthDate appointments { totalCount } } } } }`,
			map[string]any{"n": strings.ToUpper(demo.LastName) + " " + demo.FirstName, "b": demo.BirthDate.String()}, &search)
		if search.Patients.TotalCount != 1 || search.Patients.Edges[0].Node.FirstName != demo.FirstName || search.Patients.Edges[0].Node.Appointments.TotalCount == 0 {
			t.Fatalf("name + birth date search = %+v", search)
		}
		patientID := search.Patients.Edges[0].Node.ID

		var one struct {
			Patient struct {
				LastName     string
				Appointments struct {
					Edges []struct {
						Node struct {
							StartAt  time.Time
							Provider struct{ LastName string }
						}
					}
				}
			}
		}
		env.MustDo(t, ann, `query($id: ID!) { patient(id: $id) { lastName appointments(first: 5) { edges { node { startAt provider { lastName } } } } } }`,
			map[string]any{"id": patientID}, &one)
		if one.Patient.LastName != demo.LastName || len(one.Patient.Appointments.Edges) == 0 || one.Patient.Appointments.Edges[0].Node.Provider.LastName == "" {
			t.Fatalf("patient = %+v", one)
		}

		var where struct {
			Patients struct {
				TotalCount int
				PageInfo   struct{ HasNextPage bool }
			}
		}
		env.MustDo(t, ann, `{ patients(first: 10, where: {lastNameHasPrefix: "A"}) { totalCount pageInfo { hasNextPage } } }`, nil, &where)
		if where.Patients.TotalCount == 0 || !where.Patients.PageInfo.HasNextPage {
			t.Fatalf("where = %+v", where)
		}

		var lists struct {
			Providers        []struct{ ID, LastName string }
			Operatories      []struct{ Name string }
			AppointmentTypes []struct {
				Name            string
				DurationMinutes int
			}
		}
		env.MustDo(t, ann, `{ providers { id lastName } operatories { name } appointmentTypes { name durationMinutes } }`, nil, &lists)
		if len(lists.Providers) != 4 || len(lists.Operatories) != 5 || len(lists.AppointmentTypes) != 6 {
			t.Fatalf("lists = %+v", lists)
		}

		from, to := clk.Now(), clk.Now().Add(7*24*time.Hour)
		var appts struct {
			Appointments struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						StartAt  time.Time
						Status   string
						Provider struct{ ID string }
					}
				}
			}
		}
		env.MustDo(t, ann, `query($from: Time!, $to: Time!, $prov: ID!) { appointments(first: 100, where: {startAtGTE: $from, startAtLT: $to, status: SCHEDULED, hasProviderWith: {id: $prov}}) {
			totalCount edges { node { startAt status provider { id } } } } }`,
			map[string]any{"from": from, "to": to, "prov": lists.Providers[0].ID}, &appts)
		if appts.Appointments.TotalCount == 0 {
			t.Fatal("no appointments in the coming week")
		}
		prev := time.Time{}
		for _, e := range appts.Appointments.Edges {
			n := e.Node
			if n.StartAt.Before(from) || !n.StartAt.Before(to) || n.Status != "SCHEDULED" || n.Provider.ID != lists.Providers[0].ID || n.StartAt.Before(prev) {
				t.Fatalf("appointment outside the filter or order: %+v", n)
			}
			prev = n.StartAt
		}

		// Another practice sees none of it.
		bob := user("bob", "bob@example.com")
		mustCreate(t, env, bob, "Other Dental")
		r := env.Do(t, bob, `query($id: ID!) { patient(id: $id) { id } }`, map[string]any{"id": patientID})
		if r.Code() != "NOT_FOUND" {
			t.Fatalf("another practice reads the patient: %+v %s", r.Errors, r.Data)
		}
		var empty struct{ Patients struct{ TotalCount int } }
		env.MustDo(t, bob, `{ patients { totalCount } }`, nil, &empty)
		if empty.Patients.TotalCount != 0 {
			t.Fatalf("another practice lists %d patients", empty.Patients.TotalCount)
		}
		r = env.Do(t, bob, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": patientID})
		if r.Code() != "NOT_FOUND" {
			t.Fatalf("another practice reaches the patient by node: %+v", r.Errors)
		}
	})
}

// TestListingAppointmentsCostsBoundedQueries: a page of appointments with
// their patient, provider, operatory and type costs the same few queries
// whether it holds 5 rows or 50.
func TestListingAppointmentsCostsBoundedQueries(t *testing.T) {
	var n atomic.Int64
	db := dbtest.Open(t, database.WithQueryHook(func(context.Context, ...any) { n.Add(1) }))
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	env := graphtest.New(t, db, graphtest.WithClock(clk))
	ann := user("ann", "ann@example.com")
	mirrored(t, env, ann, clk)

	cost := func(first int) int64 {
		n.Store(0)
		var out struct {
			Appointments struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		env.MustDo(t, ann, fmt.Sprintf(`{ appointments(first: %d) { totalCount edges { node { id startAt
			patient { firstName lastName } provider { lastName } operatory { name } appointmentType { name } } } } }`, first), nil, &out)
		if len(out.Appointments.Edges) != first {
			t.Fatalf("asked for %d, got %d", first, len(out.Appointments.Edges))
		}
		return n.Load()
	}
	small, large := cost(5), cost(50)
	t.Logf("queries: 5 rows → %d, 50 rows → %d", small, large)
	if large != small || large > 8 {
		t.Fatalf("50 appointments cost %d queries, 5 cost %d: want the same, and few", large, small)
	}
}
