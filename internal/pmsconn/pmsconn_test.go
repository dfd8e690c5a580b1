package pmsconn_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/internal/apperr"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/fixture"
	"github.com/frontdesk/frontdesk/internal/jobs"
	"github.com/frontdesk/frontdesk/internal/mirror"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
	"github.com/frontdesk/frontdesk/internal/pmsconn"
	"github.com/frontdesk/frontdesk/internal/secrets"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

const (
	officeID = "D12345"
	secret   = "office-secret-key"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

type env struct {
	db    *database.DB
	fake  *sikkatest.Server
	clk   *clock.Fake
	box   *secrets.Box
	queue *jobs.Queue
	svc   *pmsconn.Service
	owner context.Context
	id    string
}

func newEnv(t *testing.T, db *database.DB, opts sikkatest.Options) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	opts.Clock = clk
	fake := sikkatest.New(opts)
	t.Cleanup(fake.Close)
	key, _ := secrets.ParseKey(secrets.NewKey())
	box, _ := secrets.New(key)
	queue := fixture.Queue(t, db, &mirror.Worker{})
	e := &env{db: db, fake: fake, clk: clk, box: box, queue: queue}
	e.svc = e.service()
	sys := tenant.Unscoped(context.Background())
	p := db.Client(sys).Practice.Create().SetName("Sikka Dental").SetTimeZone("America/New_York").SaveX(sys)
	e.id = p.ID
	e.owner = tenant.NewContext(context.Background(), &tenant.Viewer{
		Subject: "owner", PracticeID: p.ID, Memberships: []tenant.Membership{{PracticeID: p.ID, Role: tenant.Owner}},
	})
	return e
}

// service is one frontdesk process's view: its own Sikka client (and so
// its own in-memory token manager) over the shared database.
func (e *env) service() *pmsconn.Service {
	client := sikka.New(sikka.Config{
		BaseURL: e.fake.URL, AppID: e.fake.AppID(), AppKey: e.fake.AppKey(), Clock: e.clk, Logger: discard,
		Sleep: func(ctx context.Context, d time.Duration) error { e.clk.Advance(d); return ctx.Err() },
	})
	return pmsconn.New(pmsconn.Config{DB: e.db, Box: e.box, Clock: e.clk, Queue: e.queue, Sikka: client})
}

func pendingSyncs(t *testing.T, db *database.DB) int {
	t.Helper()
	var n int
	if err := db.SQL.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'pms_sync'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConnectSikka(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, sikkatest.Options{})
		e.fake.SeedPractice(officeID, secret, sikkatest.SeedOptions{Patients: 10, Appointments: 10})

		conn, err := e.svc.ConnectSikka(e.owner, officeID, "wrong-secret", "")
		if apperr.CodeOf(err) != apperr.Invalid || conn != nil {
			t.Fatalf("wrong secret: %v", err)
		}
		if n := db.Client(e.owner).PMSConnection.Query().CountX(e.owner); n != 0 || pendingSyncs(t, db) != 0 {
			t.Fatalf("refused credentials left %d connections, %d jobs", n, pendingSyncs(t, db))
		}

		conn, err = e.svc.ConnectSikka(e.owner, officeID, secret, "")
		if err != nil {
			t.Fatal(err)
		}
		if conn.Status != pmsconnection.StatusCONNECTED || conn.OfficeID != officeID || pendingSyncs(t, db) != 1 {
			t.Fatalf("conn %+v, %d sync jobs", conn, pendingSyncs(t, db))
		}
		// What is stored is sealed: no key appears in the row.
		stored := db.Client(e.owner).PMSConnection.Query().OnlyX(e.owner)
		for _, b := range [][]byte{stored.SecretKey, stored.RequestKey, stored.RefreshKey} {
			if len(b) == 0 || bytes.Contains(b, []byte(secret)) {
				t.Fatal("a key is missing or stored in the clear")
			}
		}
		if plain, err := e.box.Open(stored.SecretKey, "pms_connection/"+e.id+"/secret_key"); err != nil || plain != secret {
			t.Fatalf("sealed secret opens to %q, %v", plain, err)
		}

		staff := tenant.NewContext(context.Background(), &tenant.Viewer{
			Subject: "staff", PracticeID: e.id, Memberships: []tenant.Membership{{PracticeID: e.id, Role: tenant.Staff}},
		})
		if _, err := e.svc.ConnectSandbox(staff); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("staff connecting: %v", err)
		}
		if _, err := e.svc.RequestSync(staff, true); err != nil {
			t.Fatalf("staff asking for a sync: %v", err)
		}

		conn, err = e.svc.Disconnect(e.owner)
		if err != nil || conn.Status != pmsconnection.StatusDISCONNECTED || len(conn.RequestKey) != 0 {
			t.Fatalf("disconnect: %+v %v", conn, err)
		}
		if _, err := e.svc.RequestSync(e.owner, false); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("sync after disconnect: %v", err)
		}
	})
}

func TestConnectSikkaWithoutAppCredentials(t *testing.T) {
	e := newEnv(t, dbtest.Open(t), sikkatest.Options{})
	svc := pmsconn.New(pmsconn.Config{DB: e.db, Box: e.box, Clock: e.clk, Queue: e.queue})
	if _, err := svc.ConnectSikka(e.owner, officeID, secret, ""); apperr.CodeOf(err) != apperr.Unavailable {
		t.Fatalf("got %v", err)
	}
}

func TestConnectSikkaWhenSikkaIsDown(t *testing.T) {
	e := newEnv(t, dbtest.Open(t), sikkatest.Options{})
	e.fake.SeedPractice(officeID, secret, sikkatest.SeedOptions{})
	for range 10 {
		e.fake.Inject(sikkatest.Overloaded)
	}
	_, err := e.svc.ConnectSikka(e.owner, officeID, secret, "")
	if apperr.CodeOf(err) != apperr.Unavailable {
		t.Fatalf("got %v", err)
	}
}

// TestSyncAgainstTheSikkaFake syncs the 2,000-patient, 5,000-appointment
// practice through the real client, then again: nothing changes.
func TestSyncAgainstTheSikkaFake(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, sikkatest.Options{WrapEnvelopes: true})
		e.fake.SeedPractice(officeID, secret, sikkatest.SeedOptions{Patients: 2000, Appointments: 5000, From: "2026-11-02", Seed: 3})
		if _, err := e.svc.ConnectSikka(e.owner, officeID, secret, ""); err != nil {
			t.Fatal(err)
		}
		s := &mirror.Syncer{DB: db, PMS: e.svc, Clock: e.clk, Log: discard, Window: mirror.Window{Past: 60 * 24 * time.Hour, Future: 400 * 24 * time.Hour}}
		run, err := s.Sync(context.Background(), e.id, true)
		if err != nil {
			t.Fatal(err)
		}
		sys := tenant.System(context.Background(), e.id)
		c := db.Client(sys)
		run = c.SyncRun.GetX(sys, run.ID)
		if run.Patients != 2000 || run.Appointments != 5000 {
			t.Fatalf("run = %+v", run)
		}
		if n := c.Patient.Query().CountX(sys); n != 2000 {
			t.Fatalf("%d patients", n)
		}
		if n := c.Appointment.Query().CountX(sys); n != 5000 {
			t.Fatalf("%d appointments", n)
		}
		again, err := s.Sync(context.Background(), e.id, true)
		if err != nil {
			t.Fatal(err)
		}
		again = c.SyncRun.GetX(sys, again.ID)
		if again.Created+again.Updated+again.Removed != 0 {
			t.Fatalf("second run wrote: %+v", again)
		}
	})
}

// TestKeysRotateOncePerPracticeAcrossProcesses: two frontdesk processes on
// one database find the request key expired at once; Sikka sees one
// refresh, and both go on with the rotated keys, which are stored sealed.
func TestKeysRotateOncePerPracticeAcrossProcesses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, sikkatest.Options{KeyTTL: time.Hour, RotateRefreshKeys: true})
		e.fake.SeedPractice(officeID, secret, sikkatest.SeedOptions{Patients: 5, Appointments: 5})
		if _, err := e.svc.ConnectSikka(e.owner, officeID, secret, ""); err != nil {
			t.Fatal(err)
		}
		before := db.Client(e.owner).PMSConnection.Query().OnlyX(e.owner)
		e.clk.Advance(2 * time.Hour) // the request key has expired

		procs := []*pmsconn.Service{e.service(), e.service()}
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, _, err := procs[i%2].Open(context.Background(), e.id)
				if err == nil {
					_, err = p.Providers(context.Background())
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := e.fake.Refreshes(); n != 1 {
			t.Fatalf("Sikka saw %d refreshes, want 1", n)
		}
		after := db.Client(e.owner).PMSConnection.Query().OnlyX(e.owner)
		if bytes.Equal(after.RequestKey, before.RequestKey) || bytes.Equal(after.RefreshKey, before.RefreshKey) {
			t.Fatal("the rotated keys were not stored")
		}
	})
}
