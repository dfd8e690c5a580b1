package writeback

import (
	"github.com/riverqueue/river"

	"github.com/frontdesk/frontdesk/internal/jobs"
)

// Args asks for an appointment's pending writebacks to be carried into the
// PMS. One such job waits per appointment at a time; it works through the
// appointment's writebacks in the order they were made.
type Args struct {
	PracticeID    string `json:"practice_id"`
	AppointmentID string `json:"appointment_id"`
}

// Kind names the job.
func (Args) Kind() string { return "pms_writeback" }

// InsertOpts: one job per appointment waits at a time, and river's retries
// are the backstop for errors the job itself does not handle.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       jobs.QueueDefault,
		MaxAttempts: 25,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: jobs.PendingStates},
	}
}
