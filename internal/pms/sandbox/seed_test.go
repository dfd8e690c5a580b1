package sandbox

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/internal/calendar"
	"github.com/frontdesk/frontdesk/internal/pms"
)

// within reports whether [start, end) lies inside one of ranges.
func within(ranges []calendar.TimeRange, start, end int) bool {
	return slices.ContainsFunc(ranges, func(r calendar.TimeRange) bool { return r.Start <= start && end <= r.End })
}

// minutesOf returns the wall-clock span of a in minutes after midnight.
func minutesOf(a pms.Appointment) (start, end int) {
	start = a.Start.Hour()*60 + a.Start.Minute()
	return start, start + int(a.Length/time.Minute)
}

// seeds are the configurations the data rules are checked on: several seeds,
// and anchors whose windows cross a DST change and the year's end.
var seeds = []Config{
	{Seed: 1},
	{Seed: 2},
	{Seed: 3, Anchor: calendar.Date{Year: 2026, Month: time.March, Day: 11}},
	{Seed: 4, Anchor: calendar.Date{Year: 2026, Month: time.December, Day: 30}},
}

func TestSeedNoOverlaps(t *testing.T) {
	for _, cfg := range seeds {
		s, _ := newTest(t, cfg)
		appts := allAppointments(t, s, pms.AppointmentQuery{})
		for _, key := range []func(pms.Appointment) string{
			func(a pms.Appointment) string { return a.ProviderID },
			func(a pms.Appointment) string { return a.OperatoryID },
			func(a pms.Appointment) string { return a.PatientID },
		} {
			byKey := map[string][]pms.Appointment{}
			for _, a := range appts {
				byKey[key(a)] = append(byKey[key(a)], a)
			}
			for k, list := range byKey {
				slices.SortFunc(list, func(a, b pms.Appointment) int { return a.Start.Compare(b.Start) })
				for i := 1; i < len(list); i++ {
					if prev := list[i-1]; prev.Start.Add(prev.Length).After(list[i].Start) {
						t.Errorf("seed %d: %s and %s overlap for %s", cfg.Seed, prev.ID, list[i].ID, k)
					}
				}
			}
		}
	}
}

func TestSeedInsideHours(t *testing.T) {
	for _, cfg := range seeds {
		s, _ := newTest(t, cfg)
		for _, a := range allAppointments(t, s, pms.AppointmentQuery{}) {
			d := calendar.DateOf(a.Start)
			start, end := minutesOf(a)
			switch {
			case a.Start.Location() != s.loc:
				t.Errorf("%s starts in %v", a.ID, a.Start.Location())
			case s.closed(d):
				t.Errorf("%s is on %v, a closure", a.ID, d)
			case !within(s.hours[weekday(d)], start, end):
				t.Errorf("%s (%v) is outside the practice's hours", a.ID, a.Start)
			case !within(s.providerHours[a.ProviderID][weekday(d)], start, end):
				t.Errorf("%s (%v) is outside %s's hours", a.ID, a.Start, a.ProviderID)
			}
		}
	}
}

func TestSeedBusy(t *testing.T) {
	for _, cfg := range seeds {
		s, _ := newTest(t, cfg)
		booked := map[calendar.Date]int{}
		for _, a := range allAppointments(t, s, pms.AppointmentQuery{}) {
			if !a.Cancelled {
				booked[calendar.DateOf(a.Start)] += int(a.Length / time.Minute)
			}
		}
		days, inRange := 0, 0
		for d := s.from; compareDates(d, s.to) <= 0; d = addDays(d, 1) {
			capacity := 0
			for _, hours := range s.providerHours {
				for _, r := range hours[weekday(d)] {
					capacity += r.End - r.Start
				}
			}
			if capacity == 0 || s.closed(d) {
				continue
			}
			days++
			share := float64(booked[d]) / float64(capacity)
			if share >= 0.6 && share <= 0.8 {
				inRange++
			}
			if share < 0.5 || share > 0.9 {
				t.Errorf("seed %d: %v is %.0f%% booked", cfg.Seed, d, 100*share)
			}
		}
		if inRange < days*9/10 {
			t.Errorf("seed %d: only %d of %d days are 60–80%% booked", cfg.Seed, inRange, days)
		}
	}
}

func TestSeedStatuses(t *testing.T) {
	s, _ := newTest(t, Config{Seed: 1})
	counts := map[string]int{}
	for _, a := range allAppointments(t, s, pms.AppointmentQuery{}) {
		counts[a.Status]++
		past := compareDates(calendar.DateOf(a.Start), testAnchor) < 0
		switch {
		case a.Cancelled != (a.Status == statusCancelled):
			t.Errorf("%s: status %s, cancelled %v", a.ID, a.Status, a.Cancelled)
		case !a.Cancelled && past != (a.Status == statusCompleted):
			t.Errorf("%s on %v is %s", a.ID, a.Start, a.Status)
		case !a.LastChanged.Equal(s.seededAt) || !a.LastChanged.Before(testAnchor.In(s.loc)):
			t.Errorf("%s last changed %v", a.ID, a.LastChanged)
		}
		if i := s.byPatient[a.PatientID]; s.patients[i].Status != statusActive {
			t.Errorf("%s is for a patient who is %s", a.ID, s.patients[i].Status)
		}
	}
	for _, st := range []string{statusScheduled, statusConfirmed, statusCompleted, statusCancelled} {
		if counts[st] == 0 {
			t.Errorf("no %s appointment", st)
		}
	}
}

func TestSeedPatients(t *testing.T) {
	s, _ := newTest(t, Config{Seed: 1})
	patients := allPatients(t, s, pms.PatientQuery{})
	styles := map[string]*regexp.Regexp{
		"555-010-0123":    regexp.MustCompile(`^\d{3}-\d{3}-\d{4}$`),
		"(555) 010-0123":  regexp.MustCompile(`^\(\d{3}\) \d{3}-\d{4}$`),
		"5550100123":      regexp.MustCompile(`^\d{10}$`),
		"555.010.0123":    regexp.MustCompile(`^\d{3}\.\d{3}\.\d{4}$`),
		"+1 555 010 0123": regexp.MustCompile(`^\+1 \d{3} \d{3} \d{4}$`),
	}
	seen := map[string]int{}
	fictional := regexp.MustCompile(`^\+155501\d{5}$`)
	phoneCount := map[int]int{}
	statuses := map[string]int{}
	firsts, lasts, births := map[string]bool{}, map[string]bool{}, map[calendar.Date]bool{}
	for i, p := range patients {
		phoneCount[len(p.Phones)]++
		statuses[p.Status]++
		firsts[p.FirstName], lasts[p.LastName], births[p.BirthDate] = true, true, true
		if compareDates(p.BirthDate, testAnchor) >= 0 || p.BirthDate.Year < 1930 {
			t.Errorf("%s born %v", p.ID, p.BirthDate)
		}
		if len(s.patients[i].e164) != len(p.Phones) {
			t.Errorf("%s has a phone that does not normalise", p.ID)
		}
		for _, e := range s.patients[i].e164 {
			if !fictional.MatchString(e) {
				t.Errorf("%s has a number outside 555-01x-xxxx", p.ID)
			}
		}
		for name, re := range styles {
			for _, ph := range p.Phones {
				if re.MatchString(ph) {
					seen[name]++
				}
			}
		}
	}
	for name := range styles {
		if seen[name] < 20 {
			t.Errorf("only %d phones stored like %q", seen[name], name)
		}
	}
	if phoneCount[0] < 20 || phoneCount[1] < 500 || phoneCount[2] < 100 {
		t.Errorf("patients by number of phones: %v", phoneCount)
	}
	if statuses[statusActive] < 1500 || statuses["Inactive"] == 0 {
		t.Errorf("statuses %v", statuses)
	}
	if len(firsts) < 100 || len(lasts) < 100 || len(births) < 1500 {
		t.Errorf("%d first names, %d last names, %d birth dates: not varied enough", len(firsts), len(lasts), len(births))
	}
}

func TestSeedFamilies(t *testing.T) {
	s, _ := newTest(t, Config{Seed: 1})
	ctx := context.Background()
	households := map[string][]int{} // E.164 → patient indices
	for i, p := range s.patients {
		for _, e := range p.e164 {
			households[e] = append(households[e], i)
		}
	}
	families := 0
	for e, members := range households {
		if len(members) < 2 {
			continue
		}
		families++
		var want []string
		var stored []string
		for _, i := range members {
			want = append(want, s.patients[i].ID)
			for j, raw := range s.patients[i].Phones {
				if s.patients[i].e164[j] == e {
					stored = append(stored, raw)
				}
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(stored)))) < 2 {
			t.Errorf("a household stores its number in one format only: %q", stored)
		}
		for _, q := range append(stored, e) {
			var got []string
			for p, err := range s.Patients(ctx, pms.PatientQuery{Phone: q}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("phone %q found %v, want %v", q, got, want)
			}
		}
	}
	if families < 30 {
		t.Errorf("%d households share a phone, want a few dozen", families)
	}
}

func TestDemoIdentities(t *testing.T) {
	for _, cfg := range seeds {
		s, clk := newTest(t, cfg)
		anchor := cfg.Anchor
		if anchor.IsZero() {
			anchor = testAnchor
		}
		clk.Set(anchor.In(s.loc))

		got := allPatients(t, s, pms.PatientQuery{Phone: DemoPatient.Phone, FirstName: DemoPatient.FirstName,
			LastName: DemoPatient.LastName, BirthDate: DemoPatient.BirthDate})
		if len(got) != 1 || got[0].ID != DemoPatient.PatientID {
			t.Fatalf("seed %d: DemoPatient found %v", cfg.Seed, got)
		}
		if n := len(allPatients(t, s, pms.PatientQuery{Phone: DemoPatient.Phone})); n != 2 {
			t.Errorf("seed %d: DemoPatient's phone finds %d patients, want her and her son", cfg.Seed, n)
		}
		upcoming := 0
		for _, a := range allAppointments(t, s, pms.AppointmentQuery{PatientID: DemoPatient.PatientID}) {
			if !a.Cancelled && a.Start.After(clk.Now()) {
				upcoming++
				if a.ProviderID != hygienistA || a.Type != typeCleaning || a.Start.Hour() != 10 || a.Status != statusConfirmed {
					t.Errorf("seed %d: DemoPatient's appointment is %+v", cfg.Seed, a)
				}
			}
		}
		if upcoming != 1 {
			t.Errorf("seed %d: DemoPatient has %d upcoming appointments, want 1", cfg.Seed, upcoming)
		}

		for _, q := range []pms.PatientQuery{
			{Phone: DemoNewCaller.Phone},
			{LastName: DemoNewCaller.LastName},
			{FirstName: DemoNewCaller.FirstName, LastName: DemoNewCaller.LastName},
		} {
			if got := allPatients(t, s, q); len(got) != 0 {
				t.Errorf("seed %d: DemoNewCaller query %+v found %d patients", cfg.Seed, q, len(got))
			}
		}
	}
}
