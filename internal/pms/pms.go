// Package pms is what frontdesk needs from a practice-management system: read
// the schedule data that the local mirror is built from, and write patients and
// appointments back. Two implementations exist: sikka (the real integration)
// and sandbox (deterministic, in-process, for demos and tests).
//
// Every wall-clock value crosses this interface as a time.Time in the
// practice's location, which the implementation is constructed with: a PMS
// stores "2026-12-01 09:00" with no zone, and only the practice knows where it
// is.
package pms

import (
	"context"
	"errors"
	"iter"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
)

// Provider is a dentist, hygienist or other bookable person.
type Provider struct {
	ID        string // the PMS's id, e.g. "DMD2"
	FirstName string
	LastName  string
	Title     string // "Dr." for a dentist when known
	Specialty string
	Active    bool
}

// Operatory is a chair/room.
type Operatory struct {
	ID           string
	Name         string
	Abbreviation string
	Hidden       bool
	// ProviderIDs is filled only where the PMS links operatories to providers.
	ProviderIDs []string
}

// AppointmentType is a kind of visit.
type AppointmentType struct {
	ID       string
	Name     string
	Duration time.Duration // zero when the PMS does not say
}

// Patient is a patient as the PMS knows them. Phones are as stored by the PMS
// (any format); callers normalise them.
type Patient struct {
	ID            string
	FirstName     string
	LastName      string
	PreferredName string
	BirthDate     calendar.Date
	Phones        []string
	Email         string
	Status        string
	ProviderID    string
	UpdatedAt     time.Time // zero when unknown
}

// Appointment is an appointment as the PMS knows it.
type Appointment struct {
	ID          string
	PatientID   string
	ProviderID  string
	OperatoryID string
	Type        string
	Start       time.Time // in the practice's location
	Length      time.Duration
	Status      string
	Description string
	// Cancelled is true when Status means the visit will not happen.
	Cancelled   bool
	LastChanged time.Time // zero when unknown
}

// ParseDate parses "2006-01-02" (a trailing "T00:00:00" is accepted, as
// Sikka sends it).
func ParseDate(s string) (calendar.Date, error) {
	if len(s) > 10 {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return calendar.Date{}, err
	}
	return calendar.DateOf(t), nil
}

// Schedule is a practice's or a provider's hours for a week.
type Schedule struct {
	Hours calendar.WeeklyHours
	// Closed lists the dates in the requested week that are holidays.
	Closed []calendar.Date
}

// PracticeInfo describes the practice the connection is for.
type PracticeInfo struct {
	ID       string
	Name     string
	Phone    string
	TimeZone string // IANA name when the PMS reports one
	System   string // the PMS product, e.g. "Dentrix"
}

// PatientQuery narrows a patient search. Empty fields do not filter; an empty
// query lists every patient.
type PatientQuery struct {
	ID        string // one patient by PMS id
	Phone     string // E.164 or any format; matched against every phone field
	FirstName string
	LastName  string
	BirthDate calendar.Date
}

// AppointmentQuery selects appointments by start date (From/To, inclusive,
// practice dates) or, when ChangedSince is set, by last change.
type AppointmentQuery struct {
	From, To     calendar.Date
	ChangedSince time.Time
	PatientID    string
}

// ScheduleQuery selects whose hours to read; empty ProviderID means the practice.
type ScheduleQuery struct {
	ProviderID string
	WeekOf     calendar.Date
}

// NewPatient is a patient to create.
type NewPatient struct {
	FirstName  string
	LastName   string
	BirthDate  calendar.Date
	Phone      string // E.164
	Email      string
	ProviderID string
}

// NewAppointment is an appointment to create.
type NewAppointment struct {
	PatientID   string
	ProviderID  string
	OperatoryID string
	TypeID      string
	Start       time.Time
	Length      time.Duration
	Description string
	Note        string
}

// Reschedule moves an appointment; zero fields stay as they are.
type Reschedule struct {
	Start       time.Time
	Length      time.Duration
	ProviderID  string
	OperatoryID string
}

// WritebackState is where a queued PMS write stands.
type WritebackState string

const (
	WritebackPending   WritebackState = "PENDING"
	WritebackCompleted WritebackState = "COMPLETED"
	WritebackFailed    WritebackState = "FAILED"
)

// WritebackStatus is the state of a queued write. CreatedID is the new
// record's PMS id once completed; Reason is the PMS's text on failure.
type WritebackStatus struct {
	State     WritebackState
	CreatedID string
	Reason    string
}

// Reader reads a practice's schedule data.
type Reader interface {
	Practice(ctx context.Context) (PracticeInfo, error)
	Providers(ctx context.Context) ([]Provider, error)
	Operatories(ctx context.Context) ([]Operatory, error)
	AppointmentTypes(ctx context.Context) ([]AppointmentType, error)
	Schedule(ctx context.Context, q ScheduleQuery) (Schedule, error)
	// Patients streams the patients matching q, page by page.
	Patients(ctx context.Context, q PatientQuery) iter.Seq2[Patient, error]
	// Appointments streams the appointments matching q, page by page.
	Appointments(ctx context.Context, q AppointmentQuery) iter.Seq2[Appointment, error]
}

// Writer queues writes into the PMS. Each returns the writeback id to poll
// with WritebackStatus; the write is not done until that says so.
type Writer interface {
	CreatePatient(ctx context.Context, p NewPatient) (writebackID string, err error)
	CreateAppointment(ctx context.Context, a NewAppointment) (writebackID string, err error)
	CancelAppointment(ctx context.Context, appointmentID, reason string) (writebackID string, err error)
	RescheduleAppointment(ctx context.Context, appointmentID string, r Reschedule) (writebackID string, err error)
	WritebackStatus(ctx context.Context, writebackID string) (WritebackStatus, error)
	// CancelWriteback withdraws a write that is still pending.
	CancelWriteback(ctx context.Context, writebackID string) error
}

// PMS is one practice's connection.
type PMS interface {
	Reader
	Writer
}

// Opener opens a practice's PMS with the location its wall-clock values are
// in (pmsconn.Service in the server).
type Opener interface {
	Open(ctx context.Context, practiceID string) (PMS, *time.Location, error)
}

// Errors a caller decides on. Implementations wrap them (errors.Is works) with
// the PMS's own code and text.
var (
	// ErrCredentials: the PMS rejected the credentials or the practice has not
	// authorised the application. Retrying will not help; staff must act.
	ErrCredentials = errors.New("pms: credentials rejected")
	// ErrUnavailable: the PMS or its on-site utility is down, overloaded or
	// rate-limited. Retrying later may help.
	ErrUnavailable = errors.New("pms: unavailable")
	// ErrNotFound: the record does not exist in the PMS.
	ErrNotFound = errors.New("pms: not found")
	// ErrRejected: the PMS refused the request as invalid.
	ErrRejected = errors.New("pms: request rejected")
)

// QueuedWrite is a write the PMS has queued, as it reports it back.
type QueuedWrite struct {
	ID string
	// Kind is what the write does: "create_patient", "create_appointment",
	// "cancel_appointment" or "reschedule_appointment".
	Kind string
	// Body holds the fields as they were sent (Sikka's api_request_body).
	Body map[string]string
	// Pending is true until the PMS has run the write.
	Pending   bool
	Submitted time.Time
}

// WriteLister is implemented by a PMS that can list the writes queued since
// a time. After a crash between sending a write and recording its id, the
// writeback job asks it whether the write arrived, rather than sending it
// twice.
type WriteLister interface {
	QueuedWrites(ctx context.Context, since time.Time) ([]QueuedWrite, error)
}

// MarkerPrefix starts the marker frontdesk puts in an appointment's note,
// "frontdesk:<appointment id>", so its write can be recognised in a
// QueuedWrites listing.
const MarkerPrefix = "frontdesk:"

// StatusLister is implemented by a PMS whose appointment statuses a
// practice chooses among: the one a phone cancellation writes.
type StatusLister interface {
	// AppointmentStatusValues lists the status values the PMS accepts.
	AppointmentStatusValues(ctx context.Context) ([]string, error)
}

// BestCancelStatus is the status among statuses a cancellation writes when
// the practice has chosen none: the first naming a cancellation, else the
// first naming a broken appointment (Dentrix's and Open Dental's word), else
// "" — many PMSs have neither (Sikka's own example lists "open.unconfirm",
// "open.confirm", "complete.unconfirm", "complete.confirm"), and then the
// practice must choose.
func BestCancelStatus(statuses []string) string {
	for _, want := range []string{"cancel", "broken"} {
		for _, s := range statuses {
			if strings.Contains(strings.ToLower(s), want) {
				return s
			}
		}
	}
	return ""
}
