// Package sandbox is an in-process PMS with deterministic, seeded data: the
// demo practice "Bright Smile Dental" that `make run` connects to, and the PMS
// tests and benchmarks use where a wire fake is not the point.
//
// The data is built around the anchor week (the Monday-based week holding
// Config.Anchor). Appointments fill Config.Weeks weeks: a third of them,
// rounded down, before the anchor week and the rest from it on, so the default
// six are the two weeks before it, the anchor week and the three after.
// At least one holiday closure falls inside the window: a US holiday the
// practice observes, or else a staff training day on the Friday after the
// anchor week. Patients' ages count from the anchor too.
//
// Writes behave as Sikka's do: each queues a writeback, and the data changes
// only when the writeback completes, once the Clock has moved
// Config.WritebackDelay past the request, in the order they were queued.
// A Sandbox from New lives in memory: another knows nothing of its writes.
// One from Open keeps its anchor day and every write in a Journal (frontdesk
// keeps it in its database), replays it on start and takes in other
// processes' entries before each use: a restart changes nothing, and no
// patient or appointment id is ever issued twice. Writeback ids,
// "SBX-<6 random base32 characters>-000001" and on, are set apart per
// Sandbox, so one never mistakes another's write for its own.
package sandbox

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// Config shapes a Sandbox. The same Config builds the same data, byte for
// byte; leave Anchor zero and it follows the Clock's today.
type Config struct {
	Seed int64
	// Location is the practice's zone; nil means America/New_York.
	Location *time.Location
	// Clock decides when writebacks complete; nil means the system clock.
	Clock clock.Clock
	// Anchor is a day of the week the data is built around; zero means the
	// Clock's today in Location.
	Anchor calendar.Date
	// Patients is how many patients exist; zero means 2000, and the demo
	// family makes it at least 2.
	Patients int
	// Weeks is how many weeks hold appointments; zero means 6, fewer than 2
	// means 2.
	Weeks int
	// WritebackDelay is how long after its request a write completes; zero
	// means 5 s.
	WritebackDelay time.Duration
	// FailWritebacks, when set, is asked with each write's kind
	// (KindCreatePatient, ...) as the write is queued, on the writing
	// goroutine; a non-empty answer is the reason that write fails when it
	// completes.
	FailWritebacks func(kind string) string
}

const (
	defaultPatients = 2000
	defaultWeeks    = 6
	defaultDelay    = 5 * time.Second
	// pageSize is how many records an iterator takes under the lock at a time,
	// so a consumer never runs while the lock is held.
	pageSize = 100
)

// Sandbox is one demo practice's PMS. Safe for concurrent use.
type Sandbox struct {
	loc   *time.Location
	clock clock.Clock
	delay time.Duration
	fail  func(kind string) string

	// Fixed at construction; never written again.
	practice      pms.PracticeInfo
	providers     []pms.Provider
	providerHours map[string]calendar.WeeklyHours
	operatories   []pms.Operatory
	types         []pms.AppointmentType
	hours         calendar.WeeklyHours
	trainingDay   calendar.Date // zero when a holiday already closes a day in the window
	from, to      calendar.Date // the appointment window, inclusive
	seededAt      time.Time

	mu         sync.Mutex
	patients   []patient
	byPatient  map[string]int
	appts      []pms.Appointment
	byAppt     map[string]int
	writebacks map[string]*writeback
	queued     []*writeback // every write, in the order queued
	pending    []*writeback
	// instance sets this Sandbox's writeback ids apart from those of any
	// other (another process's, over the same journal) that it has not
	// taken in yet.
	instance string
	// journal keeps the writes across restarts; nil: memory only.
	journal Journal
	seq     int // the last journal entry taken in
	anchor  calendar.Date
}

// patient is a stored patient with its phones normalised once, at creation.
type patient struct {
	pms.Patient
	e164 []string
}

var (
	_ pms.PMS         = (*Sandbox)(nil)
	_ pms.WriteLister = (*Sandbox)(nil)
)

// defaults resolves the zone, clock and anchor day cfg leaves zero.
func (cfg Config) defaults() (*time.Location, clock.Clock, calendar.Date) {
	loc := cfg.Location
	if loc == nil {
		var err error
		if loc, err = time.LoadLocation("America/New_York"); err != nil {
			panic(fmt.Sprintf("sandbox: no zone data for the default location: %v", err))
		}
	}
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	anchor := cfg.Anchor
	if anchor.IsZero() {
		anchor = calendar.DateOf(clk.Now().In(loc))
	}
	return loc, clk, anchor
}

// New builds the sandbox practice. It panics when Location is nil and the
// system has no zone data for America/New_York (import time/tzdata then).
func New(cfg Config) *Sandbox {
	loc, clk, anchor := cfg.defaults()
	patients := cfg.Patients
	if patients == 0 {
		patients = defaultPatients
	}
	weeks := cfg.Weeks
	if weeks == 0 {
		weeks = defaultWeeks
	}
	weeks = max(weeks, 2)
	delay := cfg.WritebackDelay
	if delay == 0 {
		delay = defaultDelay
	}

	week := mondayOf(anchor)
	from := addDays(week, -7*(weeks/3))
	s := &Sandbox{
		loc:   loc,
		clock: clk,
		delay: delay,
		fail:  cfg.FailWritebacks,
		practice: pms.PracticeInfo{
			ID:       "1",
			Name:     "Bright Smile Dental",
			Phone:    "(555) 010-0100",
			TimeZone: loc.String(),
			System:   "Sandbox",
		},
		providers:     providers(),
		providerHours: providerHours(),
		operatories:   operatories(),
		types:         appointmentTypes(),
		hours:         practiceHours(),
		from:          from,
		to:            addDays(from, 7*weeks-1),
		seededAt:      time.Date(from.Year, from.Month, from.Day-1, 18, 0, 0, 0, loc),
		writebacks:    map[string]*writeback{},
		instance:      rand.Text()[:6],
		anchor:        anchor,
	}
	if !s.holidayInWindow() {
		s.trainingDay = addDays(week, 11)
	}
	newSeeder(cfg.Seed, s, anchor).seed(max(patients, 2))
	return s
}

// holidayInWindow reports whether a holiday closes a day in the appointment
// window that would otherwise be open.
func (s *Sandbox) holidayInWindow() bool {
	for d := s.from; compareDates(d, s.to) <= 0; d = addDays(d, 1) {
		if isHoliday(d) && len(s.hours[weekday(d)]) > 0 {
			return true
		}
	}
	return false
}

// closed reports whether the practice is closed all day on d.
func (s *Sandbox) closed(d calendar.Date) bool {
	return d == s.trainingDay || isHoliday(d)
}

// lockSettled locks s after taking in the journal's new entries and
// completing the writebacks that are due, so that whatever runs under the
// lock sees every write completed by now. On error s is not locked.
func (s *Sandbox) lockSettled(ctx context.Context) error {
	now := s.clock.Now()
	s.mu.Lock()
	if err := s.catchUp(ctx); err != nil {
		s.mu.Unlock()
		return err
	}
	s.settle(now)
	return nil
}

// Practice returns the demo practice.
func (s *Sandbox) Practice(ctx context.Context) (pms.PracticeInfo, error) {
	if err := ctx.Err(); err != nil {
		return pms.PracticeInfo{}, fmt.Errorf("sandbox: practice: %w", err)
	}
	return s.practice, nil
}

// Providers returns the two dentists and two hygienists.
func (s *Sandbox) Providers(ctx context.Context) ([]pms.Provider, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: providers: %w", err)
	}
	return slices.Clone(s.providers), nil
}

// Operatories returns the five rooms, each linked to the providers who use it.
func (s *Sandbox) Operatories(ctx context.Context) ([]pms.Operatory, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: operatories: %w", err)
	}
	ops := slices.Clone(s.operatories)
	for i := range ops {
		ops[i].ProviderIDs = slices.Clone(ops[i].ProviderIDs)
	}
	return ops, nil
}

// AppointmentTypes returns the six kinds of visit.
func (s *Sandbox) AppointmentTypes(ctx context.Context) ([]pms.AppointmentType, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: appointment types: %w", err)
	}
	return slices.Clone(s.types), nil
}

// Schedule returns the practice's or a provider's weekly hours and the
// closures among the seven days from q.WeekOf (zero: the Clock's today).
func (s *Sandbox) Schedule(ctx context.Context, q pms.ScheduleQuery) (pms.Schedule, error) {
	if err := ctx.Err(); err != nil {
		return pms.Schedule{}, fmt.Errorf("sandbox: schedule: %w", err)
	}
	hours := s.hours
	if q.ProviderID != "" {
		var ok bool
		if hours, ok = s.providerHours[q.ProviderID]; !ok {
			return pms.Schedule{}, fmt.Errorf("sandbox: schedule of provider %s: %w", q.ProviderID, pms.ErrNotFound)
		}
	}
	week := q.WeekOf
	if week.IsZero() {
		week = calendar.DateOf(s.clock.Now().In(s.loc))
	}
	out := pms.Schedule{Hours: make(calendar.WeeklyHours, len(hours))}
	for wd, ranges := range hours {
		out.Hours[wd] = slices.Clone(ranges)
	}
	for i := range 7 {
		if d := addDays(week, i); s.closed(d) {
			out.Closed = append(out.Closed, d)
		}
	}
	return out, nil
}
