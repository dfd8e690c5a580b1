// Package mirror keeps frontdesk's copy of each practice's PMS data — the
// providers, operatories, appointment types, patients and appointments a
// phone call needs — fresh, so that no call waits on the PMS. A full sync
// reads everything; the incremental one, every few minutes, reads the
// appointments changed since the last.
package mirror

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/ent"
	"github.com/frontdesk/frontdesk/ent/pmsconnection"
	"github.com/frontdesk/frontdesk/ent/syncrun"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/jobargs"
	"github.com/frontdesk/frontdesk/internal/jobs"
	"github.com/frontdesk/frontdesk/internal/pms"
	"github.com/frontdesk/frontdesk/internal/tenant"
)

// Window is how much of the calendar a full sync mirrors, around today.
type Window struct {
	Past, Future time.Duration
}

// DefaultWindow covers recent history for the dashboard and the horizon a
// caller books within.
var DefaultWindow = Window{Past: 30 * 24 * time.Hour, Future: 180 * 24 * time.Hour}

// ChangeOverlap re-reads a little before the last watermark: the PMS's
// change times and ours are different clocks.
const ChangeOverlap = 10 * time.Minute

// Syncer runs syncs.
type Syncer struct {
	DB     *database.DB
	PMS    pms.Opener
	Clock  clock.Clock
	Log    *slog.Logger
	Window Window
	// BatchSize is how many rows one insert statement carries (default 500).
	BatchSize int
}

// Counts are what one sync read and wrote.
type Counts struct {
	Providers, Operatories, AppointmentTypes, Patients, Appointments int
	Created, Updated, Removed                                        int
}

// Sync brings the mirror of one practice up to date and records the run.
func (s *Syncer) Sync(ctx context.Context, practiceID string, full bool) (*ent.SyncRun, error) {
	ctx = tenant.System(ctx, practiceID)
	c := s.DB.Client(ctx)
	started := s.Clock.Now()
	kind := syncrun.KindINCREMENTAL
	if full {
		kind = syncrun.KindFULL
	}
	run, err := c.SyncRun.Create().SetPracticeID(practiceID).SetKind(kind).SetStartedAt(started).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("mirror: record sync: %w", err)
	}
	conn, err := c.PMSConnection.Query().Only(ctx)
	if err != nil {
		return nil, s.finish(ctx, run, conn, Counts{}, fmt.Errorf("mirror: no PMS connection: %w", err), full)
	}
	var counts Counts
	err = s.sync(ctx, practiceID, conn, full, &counts)
	return run, s.finish(ctx, run, conn, counts, err, full)
}

func (s *Syncer) sync(ctx context.Context, practiceID string, conn *ent.PMSConnection, full bool, n *Counts) error {
	p, loc, err := s.PMS.Open(ctx, practiceID)
	if err != nil {
		return err
	}
	st, err := s.load(ctx)
	if err != nil {
		return err
	}
	w := &writer{s: s, ctx: ctx, practiceID: practiceID, connID: conn.ID, st: st, loc: loc, n: n}
	if full {
		return w.full(p)
	}
	since := s.Clock.Now().Add(-24 * time.Hour)
	if conn.AppointmentsChangedSince != nil {
		since = conn.AppointmentsChangedSince.Add(-ChangeOverlap)
	}
	return w.appointments(p, pms.AppointmentQuery{ChangedSince: since}, false)
}

// finish records how a run ended, on the run and on the connection.
func (s *Syncer) finish(ctx context.Context, run *ent.SyncRun, conn *ent.PMSConnection, n Counts, syncErr error, full bool) error {
	now := s.Clock.Now()
	upd := s.DB.Client(ctx).SyncRun.UpdateOne(run).
		SetFinishedAt(now).
		SetDurationMs(int(now.Sub(run.StartedAt).Milliseconds())).
		SetProviders(n.Providers).SetOperatories(n.Operatories).SetAppointmentTypes(n.AppointmentTypes).
		SetPatients(n.Patients).SetAppointments(n.Appointments).
		SetCreated(n.Created).SetUpdated(n.Updated).SetRemoved(n.Removed)
	if syncErr != nil {
		upd.SetStatus(syncrun.StatusFAILED).SetError(syncErr.Error())
	} else {
		upd.SetStatus(syncrun.StatusSUCCEEDED)
	}
	if err := upd.Exec(ctx); err != nil {
		return errors.Join(syncErr, fmt.Errorf("mirror: record sync: %w", err))
	}
	if conn == nil {
		return syncErr
	}
	cu := s.DB.Client(ctx).PMSConnection.UpdateOne(conn)
	switch {
	case syncErr != nil:
		cu.SetLastError(syncErr.Error())
		if errors.Is(syncErr, pms.ErrCredentials) {
			cu.SetStatus(pmsconnection.StatusERROR)
		}
	default:
		cu.SetLastSyncAt(now).SetLastError("").SetAppointmentsChangedSince(run.StartedAt)
		if conn.Status == pmsconnection.StatusERROR {
			cu.SetStatus(pmsconnection.StatusCONNECTED)
		}
		if full {
			cu.SetLastFullSyncAt(now)
		}
	}
	// A connection replaced during the sync is gone: nothing to record on it.
	if err := cu.Exec(ctx); err != nil && !ent.IsNotFound(err) {
		return errors.Join(syncErr, fmt.Errorf("mirror: record sync: %w", err))
	}
	return syncErr
}

// Worker runs jobargs.Sync jobs.
type Worker struct {
	river.WorkerDefaults[jobargs.Sync]
	Syncer *Syncer
}

// Work syncs; a failed sync is recorded on its SyncRun and retried by river.
func (w *Worker) Work(ctx context.Context, job *river.Job[jobargs.Sync]) error {
	_, err := w.Syncer.Sync(ctx, job.Args.PracticeID, job.Args.Full)
	return err
}

// ScheduleArgs is the periodic job that enqueues each connected practice's
// sync: incremental, or full once a day.
type ScheduleArgs struct{}

// Kind names the job.
func (ScheduleArgs) Kind() string { return "pms_sync_schedule" }

// Scheduler runs ScheduleArgs jobs.
type Scheduler struct {
	river.WorkerDefaults[ScheduleArgs]
	DB    *database.DB
	Queue *jobs.Queue
	Clock clock.Clock
	// FullEvery is how old the last full sync may get (default 24h).
	FullEvery time.Duration
}

// Work enqueues the syncs that are due.
func (s *Scheduler) Work(ctx context.Context, _ *river.Job[ScheduleArgs]) error {
	all := tenant.Unscoped(ctx)
	conns, err := s.DB.Client(all).PMSConnection.Query().
		Where(pmsconnection.StatusNEQ(pmsconnection.StatusDISCONNECTED)).
		All(all)
	if err != nil {
		return fmt.Errorf("mirror: schedule: %w", err)
	}
	every := s.FullEvery
	if every == 0 {
		every = 24 * time.Hour
	}
	for _, c := range conns {
		full := c.LastFullSyncAt == nil || s.Clock.Now().Sub(*c.LastFullSyncAt) > every
		if err := s.Queue.Insert(ctx, jobargs.Sync{PracticeID: c.PracticeID, Full: full}, nil); err != nil {
			return err
		}
	}
	return nil
}

// Periodic returns the periodic job that runs the Scheduler.
func Periodic(interval time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) {
			return ScheduleArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: jobargs.PendingStates}}
		},
		&river.PeriodicJobOpts{RunOnStart: true, ID: "pms_sync_schedule"})
}
