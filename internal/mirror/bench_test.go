package mirror_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database/dbtest"
	"github.com/frontdesk/frontdesk/internal/mirror"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/pms/pmstest"
	"github.com/frontdesk/frontdesk/internal/pms/sikka"
	"github.com/frontdesk/frontdesk/internal/pms/sikka/sikkatest"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// BenchmarkFullSync syncs the 2,000-patient, 5,000-appointment practice
// from the Sikka fake into a fresh SQLite mirror. The baseline reads the
// same records through the same client and writes nothing, so the ratio is
// what the mirror adds to fetching.
func BenchmarkFullSync(b *testing.B) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	fake := sikkatest.New(sikkatest.Options{Clock: clk, RateLimit: -1})
	defer fake.Close()
	fake.SeedPractice("D1", "secret", sikkatest.SeedOptions{Patients: 2000, Appointments: 5000, From: "2026-11-02", Seed: 3})
	client := sikka.New(sikka.Config{BaseURL: fake.URL, AppID: fake.AppID(), AppKey: fake.AppKey(), Clock: clk})
	keys, err := client.RequestKey(context.Background(), "D1", "secret")
	if err != nil {
		b.Fatal(err)
	}
	p := client.Practice("D1", "1", newYork, sikka.NewMemoryKeyStore(keys))
	window := mirror.Window{Past: 60 * 24 * time.Hour, Future: 400 * 24 * time.Hour}

	measure := func(b *testing.B, run func() int) {
		var records int
		var mallocs uint64
		var ms runtime.MemStats
		for b.Loop() {
			runtime.ReadMemStats(&ms)
			before := ms.Mallocs
			records = run()
			runtime.ReadMemStats(&ms)
			mallocs += ms.Mallocs - before
		}
		b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(mallocs)/float64(b.N)/float64(records), "allocs/record")
	}

	b.Run("baseline", func(b *testing.B) {
		ctx := context.Background()
		measure(b, func() int {
			n := 0
			for _, err := range p.Patients(ctx, pms.PatientQuery{}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			for _, err := range p.Appointments(ctx, pms.AppointmentQuery{From: calendar.Date{Year: 2026, Month: 10, Day: 1}, To: calendar.Date{Year: 2028, Month: 1, Day: 1}}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			return n
		})
	})
	b.Run("sync", func(b *testing.B) {
		db := dbtest.Open(b)
		s := &mirror.Syncer{DB: db, PMS: pmstest.Fixed{PMS: p, Location: newYork}, Clock: clk, Log: discard, Window: window}
		sys := tenant.Unscoped(context.Background())
		measure(b, func() int {
			// A new practice each time: the first sync of a practice is the
			// one that writes everything.
			b.StopTimer()
			pr := db.Client(sys).Practice.Create().SetName("Bench").SetTimeZone("America/New_York").SaveX(sys)
			db.Client(sys).PMSConnection.Create().SetPracticeID(pr.ID).SetProvider(pmsconnection.ProviderSIKKA).SaveX(sys)
			b.StartTimer()
			run, err := s.Sync(context.Background(), pr.ID, true)
			if err != nil {
				b.Fatal(err)
			}
			run = db.Client(sys).SyncRun.GetX(sys, run.ID)
			return run.Patients + run.Appointments
		})
	})
}
