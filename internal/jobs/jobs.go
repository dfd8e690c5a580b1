// Package jobs runs frontdesk's durable background work on river, in the same
// database as everything else: a job inserted inside a transaction exists
// exactly when the rows that need it do, and survives a crash or restart.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/internal/database"
	"github.com/frontdesk/frontdesk/internal/jobargs"
)

// Queue inserts jobs. Services hold it from the start; the river client
// behind it is bound once every worker is registered.
type Queue struct {
	client atomic.Pointer[river.Client[*sql.Tx]]
}

// Insert enqueues a job: inside the transaction ctx carries, when it carries
// one (so the job commits or vanishes with the caller's rows), on its own
// otherwise.
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	c := q.client.Load()
	if c == nil {
		return errors.New("jobs: queue used before the river client was bound")
	}
	var err error
	if tx := database.TxFromContext(ctx); tx != nil {
		_, err = c.InsertTx(ctx, tx.SQL(), args, opts)
	} else {
		_, err = c.Insert(ctx, args, opts)
	}
	if err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Config is what Runner needs.
type Config struct {
	DB       *database.DB
	Logger   *slog.Logger
	Workers  *river.Workers
	Periodic []*river.PeriodicJob
	// Queues overrides how many workers each queue runs (default: sync 2,
	// default 10).
	Queues map[string]int
	// PollInterval is how often a process looks for new jobs (default 1s).
	PollInterval time.Duration
	// RescueAfter is how long a job may stay running before it is taken to
	// belong to a process that died, and run again (default 5m). Every job
	// step is short (its PMS calls carry deadlines) and jobs are written to
	// be run again safely.
	RescueAfter time.Duration
}

// Runner works jobs.
type Runner struct {
	client *river.Client[*sql.Tx]
}

// New builds the river client, binds q to it, and returns a Runner that
// has not started.
func New(c Config, q *Queue) (*Runner, error) {
	queues := map[string]river.QueueConfig{
		jobargs.QueueDefault: {MaxWorkers: 10},
		jobargs.QueueSync:    {MaxWorkers: 2},
	}
	for name, n := range c.Queues {
		queues[name] = river.QueueConfig{MaxWorkers: n}
	}
	poll := c.PollInterval
	if poll == 0 {
		poll = time.Second
	}
	rescue := c.RescueAfter
	if rescue <= 0 {
		rescue = 5 * time.Minute
	}
	client, err := river.NewClient(c.DB.River(), &river.Config{
		Logger:       c.Logger.With("component", "river"),
		Queues:       queues,
		Workers:      c.Workers,
		PeriodicJobs: c.Periodic,
		// Polling, not LISTEN/NOTIFY: it works on SQLite and on PostgreSQL
		// through database/sql alike.
		FetchPollInterval:    poll,
		FetchCooldown:        min(poll, 100*time.Millisecond),
		JobTimeout:           jobTimeout(rescue),
		RescueStuckJobsAfter: rescue,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	q.client.Store(client)
	return &Runner{client: client}, nil
}

// Start begins working jobs.
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop stops fetching and lets running jobs finish until ctx ends; then it
// cancels them (they are retried after a restart).
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return r.client.StopAndCancel(context.Background())
	}
	return err
}

// jobTimeout cancels a job well before it would be rescued, so a live
// process never races its own rescued job.
func jobTimeout(rescue time.Duration) time.Duration {
	return max(rescue/2, time.Second)
}
