package pmsconn_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/internal/app"
	"github.com/frontdesk/frontdesk/internal/config"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
	"github.com/frontdesk/frontdesk/internal/pmsconn"
	"github.com/frontdesk/frontdesk/internal/secrets"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// opened is every sealed secret of every connection, opened with box.
func opened(t *testing.T, db *database.DB, box *secrets.Box) (map[string]string, error) {
	t.Helper()
	ctx := tenant.Unscoped(context.Background())
	out := map[string]string{}
	for _, c := range db.Client(ctx).PMSConnection.Query().AllX(ctx) {
		for field, sealed := range map[string][]byte{
			pmsconnection.FieldSecretKey: c.SecretKey, pmsconnection.FieldRequestKey: c.RequestKey, pmsconnection.FieldRefreshKey: c.RefreshKey,
		} {
			if len(sealed) == 0 {
				continue
			}
			plain, err := box.Open(sealed, "pms_connection/"+c.PracticeID+"/"+field)
			if err != nil {
				return nil, err
			}
			out[c.PracticeID+"/"+field] = plain
		}
	}
	return out, nil
}

// TestResealEverySecret rotates the key under two Sikka practices and a
// sandbox one: every sealed column (secret, request and refresh keys) reads
// back under the new key alone, and no longer under the old.
func TestResealEverySecret(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, sikkatest.Options{})
		e.fake.SeedPractice(officeID, secret, sikkatest.SeedOptions{Patients: 1, Appointments: 1})
		e.fake.SeedPractice("D2", "second-secret", sikkatest.SeedOptions{Patients: 1, Appointments: 1})
		if _, err := e.svc.ConnectSikka(e.owner, officeID, secret, ""); err != nil {
			t.Fatal(err)
		}
		sys := tenant.Unscoped(context.Background())
		for name, connect := range map[string]func(context.Context) error{
			"Second Dental": func(ctx context.Context) error {
				_, err := e.svc.ConnectSikka(ctx, "D2", "second-secret", "")
				return err
			},
			"Sandbox Dental": func(ctx context.Context) error { _, err := e.svc.ConnectSandbox(ctx); return err },
		} {
			p := db.Client(sys).Practice.Create().SetName(name).SetTimeZone("UTC").SaveX(sys)
			owner := tenant.NewContext(context.Background(), &tenant.Viewer{
				Subject: "owner", PracticeID: p.ID, Memberships: []tenant.Membership{{PracticeID: p.ID, Role: tenant.Owner}},
			})
			if err := connect(owner); err != nil {
				t.Fatal(err)
			}
		}
		before, err := opened(t, db, e.box)
		if err != nil || len(before) != 6 {
			t.Fatalf("before: %d secrets, %v; want 6", len(before), err)
		}

		newKey, _ := secrets.ParseKey(secrets.NewKey())
		next, _ := secrets.New(newKey)
		n, err := pmsconn.Reseal(context.Background(), db, e.box, next)
		if err != nil || n != 6 {
			t.Fatalf("Reseal = %d, %v; want 6", n, err)
		}
		after, err := opened(t, db, next)
		if err != nil {
			t.Fatalf("under the new key: %v", err)
		}
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s changed in the rotation", k)
			}
		}
		if _, err := opened(t, db, e.box); !errors.Is(err, secrets.ErrOpen) {
			t.Fatalf("the old key still opens a resealed secret: %v", err)
		}
		// The rotated keys work: the practice's PMS reads with them.
		e.box = next
		p, _, err := e.service().Open(e.owner, e.id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Providers(e.owner); err != nil {
			t.Fatalf("reading the PMS with the resealed keys: %v", err)
		}
	})
}

// TestServerReadsUnderPreviousKey: a server configured with
// FRONTDESK_SECRET_KEY=new and FRONTDESK_SECRET_KEY_PREVIOUS=old reads the
// keys sealed under old (a rotation's first step, before rotate-key).
func TestServerReadsUnderPreviousKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, sikkatest.Options{})
		oldKey, newKey := secrets.NewKey(), secrets.NewKey()
		raw, _ := secrets.ParseKey(oldKey)
		e.box, _ = secrets.New(raw)
		e.svc = e.service()
		e.fake.SeedPractice(officeID, secret, sikkatest.SeedOptions{Patients: 1, Appointments: 1})
		if _, err := e.svc.ConnectSikka(e.owner, officeID, secret, ""); err != nil {
			t.Fatal(err)
		}
		// Each server is its own process, with its own Sikka client.
		server := func(env map[string]string) *app.App {
			client := sikka.New(sikka.Config{BaseURL: e.fake.URL, AppID: e.fake.AppID(), AppKey: e.fake.AppKey(), Logger: discard})
			cfg, err := config.Load(nil, func(k string) string { return env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			a, err := app.New(context.Background(), cfg, app.WithDB(db), app.WithLogger(discard), app.WithSikka(client), app.WithClock(e.clk))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			return a
		}
		read := func(a *app.App) error {
			p, _, err := a.Services.PMS.Open(e.owner, e.id)
			if err != nil {
				return err
			}
			_, err = p.Providers(e.owner)
			return err
		}

		if err := read(server(map[string]string{"FRONTDESK_SECRET_KEY": newKey})); !errors.Is(err, secrets.ErrOpen) {
			t.Fatalf("a server with only the new key read keys sealed under the old: %v", err)
		}
		if err := read(server(map[string]string{"FRONTDESK_SECRET_KEY": newKey, "FRONTDESK_SECRET_KEY_PREVIOUS": oldKey})); err != nil {
			t.Fatalf("a server with KEY=new, KEY_PREVIOUS=old: %v", err)
		}
	})
}
