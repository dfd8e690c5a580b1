package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/clock"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// testAnchor is the Wednesday before Thanksgiving 2026, so the default window
// (2026-11-09 … 2026-12-20) holds a holiday closure.
var testAnchor = calendar.Date{Year: 2026, Month: time.November, Day: 25}

// newTest returns a sandbox on testAnchor with a fake clock at noon that day.
func newTest(t testing.TB, cfg Config) (*Sandbox, *clock.Fake) {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, time.November, 25, 12, 0, 0, 0, loc))
	cfg.Clock = clk
	if cfg.Anchor.IsZero() {
		cfg.Anchor = testAnchor
	}
	return New(cfg), clk
}

func collect[T any](t testing.TB, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func allPatients(t testing.TB, s *Sandbox, q pms.PatientQuery) []pms.Patient {
	t.Helper()
	return collect(t, s.Patients(context.Background(), q))
}

func allAppointments(t testing.TB, s *Sandbox, q pms.AppointmentQuery) []pms.Appointment {
	t.Helper()
	return collect(t, s.Appointments(context.Background(), q))
}

// dump serialises everything a consumer can read.
func dump(t *testing.T, s *Sandbox) []byte {
	t.Helper()
	ctx := context.Background()
	practice, _ := s.Practice(ctx)
	providers, _ := s.Providers(ctx)
	ops, _ := s.Operatories(ctx)
	types, _ := s.AppointmentTypes(ctx)
	var schedules []pms.Schedule
	for _, id := range []string{"", generalDentist, prosthodontist, hygienistA, hygienistB} {
		for w := s.from; compareDates(w, s.to) <= 0; w = addDays(w, 7) {
			sc, err := s.Schedule(ctx, pms.ScheduleQuery{ProviderID: id, WeekOf: w})
			if err != nil {
				t.Fatal(err)
			}
			schedules = append(schedules, sc)
		}
	}
	b, err := json.Marshal([]any{practice, providers, ops, types, schedules,
		allPatients(t, s, pms.PatientQuery{}), allAppointments(t, s, pms.AppointmentQuery{})})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDeterministic(t *testing.T) {
	a, _ := newTest(t, Config{Seed: 7})
	b, _ := newTest(t, Config{Seed: 7})
	c, _ := newTest(t, Config{Seed: 8})
	da, db, dc := dump(t, a), dump(t, b), dump(t, c)
	if !bytes.Equal(da, db) {
		t.Error("the same Config built different data")
	}
	if bytes.Equal(da, dc) {
		t.Error("different seeds built the same data")
	}
}

func TestCounts(t *testing.T) {
	s, _ := newTest(t, Config{Seed: 1})
	ctx := context.Background()
	providers, _ := s.Providers(ctx)
	ops, _ := s.Operatories(ctx)
	types, _ := s.AppointmentTypes(ctx)
	if len(providers) != 4 || len(ops) != 5 || len(types) != 6 {
		t.Errorf("providers, operatories, types = %d, %d, %d; want 4, 5, 6", len(providers), len(ops), len(types))
	}
	if n := len(allPatients(t, s, pms.PatientQuery{})); n != 2000 {
		t.Errorf("patients = %d, want 2000", n)
	}
	if s.from != (calendar.Date{Year: 2026, Month: time.November, Day: 9}) || s.to != (calendar.Date{Year: 2026, Month: time.December, Day: 20}) {
		t.Errorf("window = %v … %v, want 2026-11-09 … 2026-12-20", s.from, s.to)
	}
	appts := allAppointments(t, s, pms.AppointmentQuery{})
	weeks := map[calendar.Date]int{}
	cancelled := 0
	for _, a := range appts {
		d := calendar.DateOf(a.Start)
		if compareDates(d, s.from) < 0 || compareDates(d, s.to) > 0 {
			t.Errorf("%s on %v, outside the window", a.ID, d)
		}
		weeks[mondayOf(d)]++
		if a.Cancelled {
			cancelled++
		}
	}
	if len(weeks) != 6 {
		t.Errorf("appointments span %d weeks, want 6", len(weeks))
	}
	for w, n := range weeks {
		if n < 60 {
			t.Errorf("week of %v has %d appointments, want a busy week", w, n)
		}
	}
	if cancelled == 0 || cancelled > len(appts)/5 {
		t.Errorf("%d of %d appointments cancelled, want a few", cancelled, len(appts))
	}

	small, _ := newTest(t, Config{Seed: 1, Patients: 50, Weeks: 3})
	if n := len(allPatients(t, small, pms.PatientQuery{})); n != 50 {
		t.Errorf("Patients: 50 gave %d", n)
	}
	if want := (calendar.Date{Year: 2026, Month: time.November, Day: 16}); small.from != want || small.to != addDays(want, 20) {
		t.Errorf("Weeks: 3 gave %v … %v, want one week back and two ahead", small.from, small.to)
	}
}

func TestDefaults(t *testing.T) {
	// 03:00 UTC on March 8 is still March 7 in New York: the anchor is the
	// practice's today, a Saturday, so the window starts two Mondays before
	// March 2.
	clk := clock.NewFake(time.Date(2026, time.March, 8, 3, 0, 0, 0, time.UTC))
	s := New(Config{Clock: clk, Weeks: 1})
	if s.loc.String() != "America/New_York" || s.delay != 5*time.Second {
		t.Errorf("location %v, delay %v", s.loc, s.delay)
	}
	if want := (calendar.Date{Year: 2026, Month: time.March, Day: 2}); s.from != want || s.to != addDays(want, 13) {
		t.Errorf("window = %v … %v, want the anchor week and the next (Weeks below 2 means 2)", s.from, s.to)
	}
	if len(s.patients) != defaultPatients {
		t.Errorf("patients = %d", len(s.patients))
	}
	info, _ := s.Practice(context.Background())
	if info.Name != "Bright Smile Dental" || info.TimeZone != "America/New_York" || info.Phone == "" {
		t.Errorf("practice = %+v", info)
	}
}

func TestReferenceData(t *testing.T) {
	s, _ := newTest(t, Config{})
	ctx := context.Background()

	providers, _ := s.Providers(ctx)
	dentists := 0
	for _, p := range providers {
		if p.Title == "Dr." {
			dentists++
		}
	}
	if dentists != 2 || providers[0].Specialty == providers[1].Specialty {
		t.Errorf("want two dentists with different specialties: %+v", providers)
	}

	ops, _ := s.Operatories(ctx)
	if !slices.ContainsFunc(ops, func(o pms.Operatory) bool { return o.Name == "Hygiene Room" && !o.Hidden }) {
		t.Errorf("no hygiene room among %+v", ops)
	}
	ops[0].ProviderIDs[0] = "changed by a caller"
	if again, _ := s.Operatories(ctx); again[0].ProviderIDs[0] != generalDentist {
		t.Error("Operatories shares its slices with callers")
	}

	types, _ := s.AppointmentTypes(ctx)
	durations := map[string]time.Duration{}
	for _, ty := range types {
		durations[ty.Name] = ty.Duration
	}
	want := map[string]time.Duration{"Cleaning": time.Hour, "Exam": 30 * time.Minute, "Filling": time.Hour,
		"Crown": 90 * time.Minute, "Emergency": 30 * time.Minute, "Whitening": 45 * time.Minute}
	for name, d := range want {
		if durations[name] != d {
			t.Errorf("%s lasts %v, want %v", name, durations[name], d)
		}
	}

	practice, err := s.Schedule(ctx, pms.ScheduleQuery{WeekOf: testAnchor})
	if err != nil {
		t.Fatal(err)
	}
	h := practice.Hours
	switch {
	case len(h[time.Monday]) != 2:
		t.Error("Monday has no lunch break")
	case h[time.Wednesday][1].End < 18*60:
		t.Error("no late day")
	case len(h[time.Saturday]) == 0 || h[time.Saturday][0].End > 13*60:
		t.Error("no Saturday morning")
	case len(h[time.Sunday]) != 0:
		t.Error("open on Sunday")
	}
	h[time.Monday][0].Start = 0
	if again, _ := s.Schedule(ctx, pms.ScheduleQuery{}); again.Hours[time.Monday][0].Start == 0 {
		t.Error("Schedule shares its hours with callers")
	}

	differs := false
	for _, p := range providers {
		own, err := s.Schedule(ctx, pms.ScheduleQuery{ProviderID: p.ID, WeekOf: testAnchor})
		if err != nil {
			t.Fatal(err)
		}
		for wd, ranges := range own.Hours {
			if !slices.Equal(ranges, s.hours[wd]) {
				differs = true
			}
			for _, r := range ranges {
				if !within(s.hours[wd], r.Start, r.End) {
					t.Errorf("%s works %v on %v, outside the practice's hours", p.ID, r, wd)
				}
			}
		}
	}
	if !differs {
		t.Error("every provider keeps the practice's hours")
	}
	if _, err := s.Schedule(ctx, pms.ScheduleQuery{ProviderID: "nobody"}); !errors.Is(err, pms.ErrNotFound) {
		t.Errorf("unknown provider: %v", err)
	}
}

func TestClosures(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		anchor calendar.Date
		weekOf calendar.Date
		closed []calendar.Date
	}{
		{"Thanksgiving in the window", testAnchor, calendar.Date{Year: 2026, Month: time.November, Day: 23},
			[]calendar.Date{{Year: 2026, Month: time.November, Day: 26}}},
		{"no holiday: a training day on the Friday after the anchor week", calendar.Date{Year: 2026, Month: time.March, Day: 11},
			calendar.Date{Year: 2026, Month: time.March, Day: 16}, []calendar.Date{{Year: 2026, Month: time.March, Day: 20}}},
		{"a week from Sunday", calendar.Date{Year: 2026, Month: time.March, Day: 11},
			calendar.Date{Year: 2026, Month: time.March, Day: 15}, []calendar.Date{{Year: 2026, Month: time.March, Day: 20}}},
		{"holidays outside the window still close", testAnchor, calendar.Date{Year: 2027, Month: time.July, Day: 1},
			[]calendar.Date{{Year: 2027, Month: time.July, Day: 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTest(t, Config{Anchor: tt.anchor, Patients: 10})
			for _, p := range []string{"", hygienistA} {
				got, err := s.Schedule(ctx, pms.ScheduleQuery{ProviderID: p, WeekOf: tt.weekOf})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.Closed, tt.closed) {
					t.Errorf("closed %v, want %v", got.Closed, tt.closed)
				}
			}
			inWindow := 0
			for d := s.from; compareDates(d, s.to) <= 0; d = addDays(d, 1) {
				if s.closed(d) && len(s.hours[weekday(d)]) > 0 {
					inWindow++
				}
			}
			if inWindow == 0 {
				t.Error("no closure of an open day inside the window")
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	s, clk := newTest(t, Config{Patients: 100})
	ctx := context.Background()
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 20 {
				id, err := s.CreatePatient(ctx, pms.NewPatient{FirstName: "Test", LastName: "Patient", Phone: "+15550109999"})
				if err != nil {
					t.Error(err)
					return
				}
				clk.Advance(time.Second)
				for range s.Patients(ctx, pms.PatientQuery{Phone: "+15550109999"}) {
				}
				for range s.Appointments(ctx, pms.AppointmentQuery{From: testAnchor, To: testAnchor}) {
				}
				if _, err := s.WritebackStatus(ctx, id); err != nil {
					t.Error(err)
				}
				if g == 0 && i%5 == 0 {
					_ = s.CancelWriteback(ctx, id)
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

func BenchmarkNew(b *testing.B) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, time.November, 25, 12, 0, 0, 0, loc))
	for b.Loop() {
		New(Config{Seed: 1, Location: loc, Clock: clk})
	}
}
