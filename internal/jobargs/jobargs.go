// Package jobargs holds the arguments of frontdesk's durable jobs and the
// queues they run on: the contract between the code that enqueues a job
// (booking, PMS setup) and the worker that runs it (writeback, mirror), so
// neither imports the other.
package jobargs

import (
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Queues the jobs run on; jobs.New sets how many of each run at once.
const (
	QueueDefault = river.QueueDefault
	QueueSync    = "sync"
)

// PendingStates makes a job unique while one like it waits or runs, but not
// once it has finished: the next periodic run may then enqueue again.
var PendingStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRunning,
	rivertype.JobStateRetryable,
	rivertype.JobStateScheduled,
}

// Writeback asks for an appointment's pending writebacks to be carried into the
// PMS. One such job waits per appointment at a time; it works through the
// appointment's writebacks in the order they were made.
type Writeback struct {
	PracticeID    string `json:"practice_id"`
	AppointmentID string `json:"appointment_id"`
}

// Kind names the job.
func (Writeback) Kind() string { return "pms_writeback" }

// InsertOpts: one job per appointment waits at a time, and river's retries
// are the backstop for errors the job itself does not handle.
func (Writeback) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueDefault,
		MaxAttempts: 25,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: PendingStates},
	}
}

// Sync asks for one sync of one practice.
type Sync struct {
	PracticeID string `json:"practice_id"`
	Full       bool   `json:"full"`
}

// Kind names the job.
func (Sync) Kind() string { return "pms_sync" }

// InsertOpts: one sync of a kind per practice waits at a time.
func (Sync) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueSync,
		MaxAttempts: 5,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: PendingStates},
	}
}
